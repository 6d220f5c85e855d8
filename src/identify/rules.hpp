// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "identify/regex.hpp"
#include "protocols/observation.hpp"

namespace warden::identify {

/// A rule file that cannot be used, with where: "rules.yaml:42: rules[7].then.type: unknown
/// device type 'camera' (see docs/identification.md)".
struct RuleError {
  std::string source;
  int line = 0;       ///< 1-based; 0 when the whole file is at fault
  std::string field;  ///< path of the field inside the file
  std::string message;

  [[nodiscard]] std::string text() const;
};

/// How a condition compares a device's values.
enum class MatchKind : std::uint8_t { Equals, Prefix, Contains, Regex };

/// One condition: some value of attribute `attr_name` matches. The pseudo-attribute "oui" is the
/// manufacturer name from the IEEE registry.
struct Condition {
  std::string attr_name;
  std::optional<proto::Attr> attr;  ///< unset for "oui"
  MatchKind kind = MatchKind::Regex;
  std::string pattern;  ///< lower-cased for Equals / Prefix / Contains (they ignore case)
  Regex regex;          ///< for Regex
};

/// A rule: when every condition holds, it says `sets` with `confidence`.
struct Rule {
  std::string id;
  std::string says;  ///< what the evidence means, for people: "the web server of Hikvision cameras"
  std::vector<Condition> when;
  std::vector<std::pair<std::string, std::string>> sets;  ///< field -> value, "$1" from a regex
  double confidence = 0.5;
  std::string origin;  ///< file it came from
};

/// The text of data/identify/rules.yaml as compiled into this binary.
std::string_view builtin_rules_text();

/// Identification rules. The built-in set is compiled into the binary from
/// data/identify/rules.yaml; users add their own files (`--rules`) and, optionally, Recog
/// fingerprints (`--recog`).
class RuleSet {
 public:
  /// Parses rules in Warden's YAML format (docs/identification.md). `source` names the file in
  /// errors.
  static tl::expected<RuleSet, RuleError> parse(std::string_view yaml, const std::string& source);
  /// The same, from the JSON rules_to_json renders a rule file as (how the built-in rules are
  /// loaded); errors carry no line numbers.
  static tl::expected<RuleSet, RuleError> parse_json(std::string_view json,
                                                     const std::string& source);
  /// Reads and parses a rule file.
  static tl::expected<RuleSet, RuleError> load_file(const std::string& path);
  /// The rules shipped with Warden.
  static const RuleSet& builtin();

  /// Adds `other`'s rules after these; a rule whose id already exists replaces the older one, so
  /// a user file can correct a built-in rule.
  void merge(RuleSet other);

  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  /// Substrings (lower case) of IEEE manufacturer names that make network chips and modules
  /// rather than the devices sold under a brand ("espressif", "realtek", ...).
  [[nodiscard]] const std::vector<std::string>& chip_vendors() const { return chip_vendors_; }
  /// Whether the IEEE name `oui_vendor` is a chip or module maker.
  [[nodiscard]] bool is_chip_vendor(std::string_view oui_vendor) const;

  void add_rule(Rule rule) { rules_.push_back(std::move(rule)); }
  /// `name` is lower case.
  void add_chip_vendor(std::string name) { chip_vendors_.push_back(std::move(name)); }

 private:
  std::vector<Rule> rules_;
  std::vector<std::string> chip_vendors_;
};

}  // namespace warden::identify
