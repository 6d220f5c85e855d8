// SPDX-License-Identifier: Apache-2.0
// Build-time tool: rules_to_json RULES.yaml OUT.json
// Writes the built-in rules as JSON with every scalar kept as its YAML text (a JSON string), maps
// in their order. The binary embeds this and builds the same YAML tree from it at start-up:
// yaml-cpp took about 73 M instructions (most of warden's start-up) to parse the 40 KB of YAML,
// nlohmann-json parses the JSON in a small fraction of that. The YAML stays the one source.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace {

nlohmann::ordered_json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::ordered_json::array();
      for (const YAML::Node& item : node) {
        out.push_back(to_json(item));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& entry : node) {
        out[entry.first.Scalar()] = to_json(entry.second);
      }
      return out;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return nullptr;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: rules_to_json RULES.yaml OUT.json\n";
    return 2;
  }
  const std::string input = argv[1];   // NOLINT: argv
  const std::string output = argv[2];  // NOLINT: argv
  try {
    const YAML::Node root = YAML::LoadFile(input);
    std::ofstream out(output, std::ios::binary);
    out << to_json(root).dump();
    if (!out) {
      std::cerr << output << ": cannot write\n";
      return 1;
    }
  } catch (const YAML::Exception& error) {
    std::cerr << input << ": " << error.what() << '\n';
    return 1;
  }
  return 0;
}
