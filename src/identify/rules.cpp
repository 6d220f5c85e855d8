// SPDX-License-Identifier: Apache-2.0
#include "identify/rules.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/text.hpp"
#include "identify/taxonomy.hpp"

namespace warden::identify {

// Generated from data/identify/rules.yaml by CMake (builtin_rules.cpp).
extern const std::string_view kBuiltinRules;  // NOLINT(readability-identifier-naming): generated
// The same rules rendered as JSON at build time (rules_to_json.cpp, builtin_rules_json.cpp).
extern const std::string_view kBuiltinRulesJson;  // NOLINT(readability-identifier-naming)

namespace {

/// Highest confidence a rule may claim: 1.0 is reserved for a user's pin.
constexpr double kMaxRuleConfidence = 0.99;

/// "rules[3]" + "when" -> "rules[3].when".
std::string child(const std::string& path, std::string_view name) {
  std::string out = path;
  out += '.';
  out += name;
  return out;
}

int line_of(const YAML::Node& node) {
  return node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
}

tl::unexpected<RuleError> fail(const std::string& source, const YAML::Node& node, std::string field,
                               std::string message) {
  return tl::unexpected(RuleError{source, line_of(node), std::move(field), std::move(message)});
}

bool is_identity_field(std::string_view field) {
  for (const std::string_view known : kIdentityFields) {
    if (known == field) {
      return true;
    }
  }
  return false;
}

tl::expected<Condition, RuleError> parse_condition(const std::string& source,
                                                   const std::string& path,
                                                   const std::string& attr_name,
                                                   const YAML::Node& matcher) {
  Condition condition;
  condition.attr_name = attr_name;
  if (attr_name != "oui") {
    condition.attr = proto::attr_from_name(attr_name);
    if (!condition.attr) {
      return fail(source, matcher, path,
                  "unknown attribute '" + attr_name + "' (see docs/formats.md for the names)");
    }
  }
  std::string pattern;
  if (matcher.IsScalar()) {
    condition.kind = MatchKind::Regex;
    pattern = matcher.Scalar();
  } else if (matcher.IsMap() && matcher.size() == 1) {
    const std::string kind = matcher.begin()->first.Scalar();
    const YAML::Node value = matcher.begin()->second;
    if (!value.IsScalar()) {
      return fail(source, value, path + "." + kind, "expected a string");
    }
    pattern = value.Scalar();
    if (kind == "equals") {
      condition.kind = MatchKind::Equals;
    } else if (kind == "prefix") {
      condition.kind = MatchKind::Prefix;
    } else if (kind == "contains") {
      condition.kind = MatchKind::Contains;
    } else if (kind == "regex") {
      condition.kind = MatchKind::Regex;
    } else {
      return fail(source, matcher, path,
                  "unknown match '" + kind + "' (use equals, prefix, contains or regex)");
    }
  } else {
    return fail(source, matcher, path,
                "expected a regex string or a map with one of equals, prefix, contains, regex");
  }
  if (pattern.empty()) {
    return fail(source, matcher, path, "empty pattern");
  }
  if (condition.kind == MatchKind::Regex) {
    auto regex = Regex::compile(pattern);
    if (!regex) {
      return fail(source, matcher, path, "bad regex " + regex.error());
    }
    condition.regex = std::move(*regex);
  }
  condition.pattern = condition.kind == MatchKind::Regex ? pattern : to_lower(pattern);
  return condition;
}

tl::expected<Rule, RuleError> parse_rule(const std::string& source, const std::string& path,
                                         const YAML::Node& node) {
  if (!node.IsMap()) {
    return fail(source, node, path, "expected a map with id, says, when, then, confidence");
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (key != "id" && key != "says" && key != "when" && key != "then" && key != "confidence") {
      return fail(source, entry.first, child(path, key), "unknown key");
    }
  }
  Rule rule;
  rule.origin = source;
  const YAML::Node id = node["id"];
  if (!id || !id.IsScalar() || id.Scalar().empty()) {
    return fail(source, node, path + ".id", "missing rule id");
  }
  rule.id = id.Scalar();
  const YAML::Node says = node["says"];
  if (!says || !says.IsScalar() || says.Scalar().empty()) {
    return fail(source, node, path + ".says", "missing 'says': what the evidence means");
  }
  rule.says = says.Scalar();

  // `when` is a map of attribute: matcher, or a list of such maps when one attribute needs two
  // conditions (a device offering both DHCP and DNS).
  const YAML::Node when = node["when"];
  std::vector<std::pair<std::string, YAML::Node>> groups;
  if (when && when.IsMap() && when.size() > 0) {
    groups.emplace_back(path + ".when", when);
  } else if (when && when.IsSequence() && when.size() > 0) {
    for (std::size_t index = 0; index < when.size(); ++index) {
      const std::string item_path = path + ".when[" + std::to_string(index) + "]";
      if (!when[index].IsMap() || when[index].size() == 0) {
        return fail(source, when[index], item_path, "expected a map of attribute: matcher");
      }
      groups.emplace_back(item_path, when[index]);
    }
  } else {
    return fail(source, when ? when : node, path + ".when",
                "expected a map of attribute: matcher, or a list of them");
  }
  for (const auto& [group_path, group] : groups) {
    for (const auto& entry : group) {
      const std::string attr_name = entry.first.Scalar();
      auto condition =
          parse_condition(source, child(group_path, attr_name), attr_name, entry.second);
      if (!condition) {
        return tl::unexpected(condition.error());
      }
      rule.when.push_back(std::move(*condition));
    }
  }

  const YAML::Node then = node["then"];
  if (!then || !then.IsMap() || then.size() == 0) {
    return fail(source, then ? then : node, path + ".then",
                "expected a map of identity field: value");
  }
  for (const auto& entry : then) {
    const std::string field = entry.first.Scalar();
    const std::string field_path = child(child(path, "then"), field);
    if (!is_identity_field(field)) {
      return fail(source, entry.first, field_path,
                  "unknown identity field (use vendor, type, model, os, firmware)");
    }
    if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
      return fail(source, entry.second, field_path, "expected a non-empty string");
    }
    const std::string value = entry.second.Scalar();
    if (field == "type" && !find_device_type(value)) {
      return fail(source, entry.second, field_path,
                  "unknown device type '" + value + "' (see docs/identification.md)");
    }
    rule.sets.emplace_back(field, value);
  }

  const YAML::Node confidence = node["confidence"];
  if (!confidence) {
    return fail(source, node, path + ".confidence", "missing confidence (0.01 to 0.99)");
  }
  try {
    rule.confidence = confidence.as<double>();
  } catch (const YAML::Exception&) {
    return fail(source, confidence, path + ".confidence", "expected a number");
  }
  if (!(rule.confidence > 0.0 && rule.confidence <= kMaxRuleConfidence)) {
    return fail(source, confidence, path + ".confidence",
                "must be above 0 and at most 0.99 (1.0 is a user's pin)");
  }
  return rule;
}

tl::expected<RuleSet, RuleError> parse_document(const YAML::Node& root, const std::string& source) {
  RuleSet set;
  if (!root.IsMap()) {
    return fail(source, root, "", "expected a map with 'rules' (and optionally 'chip_vendors')");
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key != "version" && key != "rules" && key != "chip_vendors") {
      return fail(source, entry.first, key, "unknown key (use version, rules, chip_vendors)");
    }
  }
  if (const YAML::Node version = root["version"];
      version && (!version.IsScalar() || version.Scalar() != "1")) {
    return fail(source, version, "version", "unsupported rule format version (this build reads 1)");
  }
  std::vector<std::string> chips;
  if (const YAML::Node chip_list = root["chip_vendors"]; chip_list) {
    if (!chip_list.IsSequence()) {
      return fail(source, chip_list, "chip_vendors", "expected a list of names");
    }
    for (std::size_t index = 0; index < chip_list.size(); ++index) {
      if (!chip_list[index].IsScalar() || chip_list[index].Scalar().empty()) {
        return fail(source, chip_list[index], "chip_vendors[" + std::to_string(index) + "]",
                    "expected a name");
      }
      chips.push_back(to_lower(chip_list[index].Scalar()));
    }
  }
  const YAML::Node rules = root["rules"];
  if (rules && !rules.IsSequence()) {
    return fail(source, rules, "rules", "expected a list of rules");
  }
  std::unordered_map<std::string, int> seen;
  if (rules) {
    for (std::size_t index = 0; index < rules.size(); ++index) {
      const std::string path = "rules[" + std::to_string(index) + "]";
      auto rule = parse_rule(source, path, rules[index]);
      if (!rule) {
        return tl::unexpected(rule.error());
      }
      if (const auto found = seen.find(rule->id); found != seen.end()) {
        return fail(source, rules[index], path + ".id",
                    "duplicate rule id '" + rule->id + "' (first at line " +
                        std::to_string(found->second) + ")");
      }
      seen.emplace(rule->id, line_of(rules[index]));
      set.add_rule(std::move(*rule));
    }
  }
  for (std::string& chip : chips) {
    set.add_chip_vendor(std::move(chip));
  }
  return set;
}

/// Fills `node` with the YAML tree rules_to_json rendered (scalars are strings, maps keep their
/// order). Children are made in place (`node[i]`, `node[key]`), inside the root's memory: nodes
/// built apart and then assigned made yaml-cpp merge their memory at every level, which cost
/// more than parsing the JSON.
void fill(YAML::Node node, const nlohmann::ordered_json& value) {
  if (value.is_array()) {
    node = YAML::Node(YAML::NodeType::Sequence);
    std::size_t index = 0;
    for (const auto& item : value) {
      fill(node[index++], item);
    }
  } else if (value.is_object()) {
    node = YAML::Node(YAML::NodeType::Map);
    for (const auto& [key, item] : value.items()) {
      fill(node[key], item);
    }
  } else if (value.is_string()) {
    node = value.get_ref<const std::string&>();
  } else {
    node = YAML::Node(YAML::NodeType::Null);
  }
}

}  // namespace

std::string_view builtin_rules_text() {
  return kBuiltinRules;
}

std::string RuleError::text() const {
  std::string out = source;
  if (line > 0) {
    out += ":" + std::to_string(line);
  }
  out += ": ";
  if (!field.empty()) {
    out += field + ": ";
  }
  return out + message;
}

tl::expected<RuleSet, RuleError> RuleSet::parse(std::string_view yaml, const std::string& source) {
  // yaml-cpp reports syntax errors by exception; rule files are configuration, not packet data,
  // and this is the one place those exceptions are turned into errors.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull()) {
      return tl::unexpected(RuleError{source, 0, "", "empty rule file"});
    }
    return parse_document(root, source);
  } catch (const YAML::Exception& error) {
    return tl::unexpected(
        RuleError{source, error.mark.line >= 0 ? error.mark.line + 1 : 0, "", error.msg});
  }
}

tl::expected<RuleSet, RuleError> RuleSet::parse_json(std::string_view json,
                                                     const std::string& source) {
  const auto parsed = nlohmann::ordered_json::parse(json, nullptr, false);
  if (parsed.is_discarded()) {
    return tl::unexpected(RuleError{source, 0, "", "not valid JSON"});
  }
  try {
    YAML::Node root(YAML::NodeType::Null);  // a node of its own, for fill() to fill in place
    fill(root, parsed);
    return parse_document(root, source);
  } catch (const YAML::Exception& error) {
    return tl::unexpected(RuleError{source, 0, "", error.msg});
  }
}

tl::expected<RuleSet, RuleError> RuleSet::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(RuleError{path, 0, "", "cannot read the file"});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

const RuleSet& RuleSet::builtin() {
  static const RuleSet* const rules = [] {
    // From the build-time JSON rendering: the same tree as parsing the YAML, for a fraction of
    // the start-up time (rules_to_json.cpp).
    auto parsed = parse_json(kBuiltinRulesJson, "builtin:data/identify/rules.yaml");
    // The built-in file is checked by a unit test; a broken one must not pass silently.
    return new RuleSet(parsed ? std::move(*parsed) : RuleSet());
  }();
  return *rules;
}

void RuleSet::merge(RuleSet other) {
  for (Rule& rule : other.rules_) {
    const auto existing = std::find_if(rules_.begin(), rules_.end(),
                                       [&](const Rule& known) { return known.id == rule.id; });
    if (existing != rules_.end()) {
      *existing = std::move(rule);
    } else {
      rules_.push_back(std::move(rule));
    }
  }
  for (std::string& chip : other.chip_vendors_) {
    chip_vendors_.push_back(std::move(chip));
  }
}

bool RuleSet::is_chip_vendor(std::string_view oui_vendor) const {
  for (const std::string& chip : chip_vendors_) {
    if (ifind(oui_vendor, chip) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace warden::identify
