// SPDX-License-Identifier: Apache-2.0
#include "detect/intel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/text.hpp"

namespace warden::detect {
namespace {

std::string lower_domain(std::string_view name) {
  std::string out = to_lower(trim(name));
  while (!out.empty() && out.back() == '.') {
    out.pop_back();
  }
  return out;
}

bool plausible_domain(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.find('.') == std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

/// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t at = 0; at < line.size(); ++at) {
    const char c = line[at];
    if (quoted) {
      if (c == '"' && at + 1 < line.size() && line[at + 1] == '"') {
        fields.back() += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

bool in_cidr(const IpAddress& ip, const IpAddress& base, int prefix) {
  if (ip.family != base.family) {
    return false;
  }
  const int bits = ip.is_v4() ? 32 : 128;
  prefix = std::clamp(prefix, 0, bits);
  for (int byte = 0; byte * 8 < prefix; ++byte) {
    const int keep = std::min(8, prefix - byte * 8);
    const auto mask = static_cast<std::uint8_t>(0xFF00U >> keep);
    if ((ip.bytes[static_cast<std::size_t>(byte)] & mask) !=
        (base.bytes[static_cast<std::size_t>(byte)] & mask)) {
      return false;
    }
  }
  return true;
}

bool Indicators::add(std::string_view indicator, const std::string& source,
                     const std::string& label) {
  const std::string text(trim(indicator));
  if (text.empty()) {
    return false;
  }
  const Match match{text, source, label};
  if (const std::size_t slash = text.find('/'); slash != std::string::npos) {
    const auto base = IpAddress::parse(text.substr(0, slash));
    int prefix = -1;
    try {
      prefix = std::stoi(text.substr(slash + 1));
    } catch (const std::exception&) {
      return false;
    }
    if (!base || prefix < 0 || prefix > (base->is_v4() ? 32 : 128)) {
      return false;
    }
    cidrs_.push_back({*base, prefix, match});
    return true;
  }
  if (const auto ip = IpAddress::parse(text)) {
    ips_.emplace(*ip, match);
    return true;
  }
  const std::string domain = lower_domain(text);
  if (!plausible_domain(domain)) {
    return false;
  }
  domains_.emplace(domain, match);
  return true;
}

tl::expected<std::size_t, std::string> Indicators::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(path + ": cannot read the file");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::size_t before = size();
  const std::string_view start = trim(text);
  if (start.starts_with('{') || start.starts_with('[')) {
    // STIX 2.1: a bundle {"type": "bundle", "objects": [...]} or a bare array of objects.
    const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded()) {
      return tl::unexpected(path + ": not valid JSON");
    }
    const nlohmann::json* objects = &document;
    if (document.is_object()) {
      if (!document.contains("objects") || !document["objects"].is_array()) {
        return tl::unexpected(path + ": a JSON object without an \"objects\" array (STIX bundle)");
      }
      objects = &document["objects"];
    }
    static const std::regex kComparison(  // NOLINT(readability-identifier-naming): a constant
        R"(\[\s*(ipv4-addr|ipv6-addr|domain-name):value\s*=\s*'([^']*)'\s*\])");
    std::size_t index = 0;
    for (const auto& object : *objects) {
      ++index;
      if (!object.is_object() || object.value("type", "") != "indicator") {
        continue;
      }
      const std::string pattern = object.value("pattern", "");
      const std::string label = object.value("name", object.value("description", ""));
      for (std::sregex_iterator it(pattern.begin(), pattern.end(), kComparison), end; it != end;
           ++it) {
        if (!add((*it)[2].str(), path, label)) {
          return tl::unexpected(path + ": objects[" + std::to_string(index - 1) +
                                "]: not an address or domain: '" + (*it)[2].str() + "'");
        }
      }
    }
    return size() - before;
  }
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  int value_column = -1;
  int label_column = -1;
  bool csv = false;
  while (std::getline(lines, line)) {
    ++number;
    const std::string_view content = trim(line);
    if (content.empty() || content.starts_with('#')) {
      continue;
    }
    if (number == 1 || (value_column < 0 && !csv && content.find(',') != std::string_view::npos)) {
      const auto fields = csv_fields(content);
      for (std::size_t column = 0; column < fields.size(); ++column) {
        const std::string name = to_lower(trim(fields[column]));
        if (name == "indicator" || name == "value" || name == "ioc") {
          value_column = static_cast<int>(column);
        } else if (name == "description" || name == "label" || name == "name") {
          label_column = static_cast<int>(column);
        }
      }
      if (value_column >= 0) {
        csv = true;
        continue;  // a header line
      }
    }
    std::string value(content);
    std::string label;
    if (csv || content.find(',') != std::string_view::npos) {
      const auto fields = csv_fields(content);
      const auto column = static_cast<std::size_t>(std::max(value_column, 0));
      value = column < fields.size() ? fields[column] : "";
      if (label_column >= 0 && static_cast<std::size_t>(label_column) < fields.size()) {
        label = fields[static_cast<std::size_t>(label_column)];
      }
    }
    if (!add(value, path, label)) {
      return tl::unexpected(
          fmt::format("{}:{}: not an IP address, CIDR block or domain: '{}'", path, number, value));
    }
  }
  return size() - before;
}

std::optional<Indicators::Match> Indicators::match_ip(const IpAddress& ip) const {
  if (const auto found = ips_.find(ip); found != ips_.end()) {
    return found->second;
  }
  const Cidr* best = nullptr;
  for (const Cidr& cidr : cidrs_) {
    if (in_cidr(ip, cidr.base, cidr.prefix) && (best == nullptr || cidr.prefix > best->prefix)) {
      best = &cidr;
    }
  }
  return best != nullptr ? std::optional(best->match) : std::nullopt;
}

std::optional<Indicators::Match> Indicators::match_domain(std::string_view name) const {
  std::string domain = lower_domain(name);
  for (int depth = 0; depth < 127 && !domain.empty(); ++depth) {
    if (const auto found = domains_.find(domain); found != domains_.end()) {
      return found->second;
    }
    const std::size_t dot = domain.find('.');
    if (dot == std::string::npos) {
      break;
    }
    domain.erase(0, dot + 1);
  }
  return std::nullopt;
}

}  // namespace warden::detect
