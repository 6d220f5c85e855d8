// SPDX-License-Identifier: Apache-2.0
#include "identify/classifier.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include "core/text.hpp"
#include "identify/taxonomy.hpp"

namespace warden::identify {
namespace {

/// Evidence sentences kept per value.
constexpr std::size_t kMaxEvidence = 5;

/// One value a field may take, with the votes for it.
struct Candidate {
  std::string value;
  std::string key;  ///< lower-case value, to merge "Hikvision" and "HIKVISION"
  double score = 0;
  std::vector<std::pair<double, std::string>> evidence;  ///< (confidence, sentence)
  std::vector<std::string> rule_ids;                     ///< rules that voted, once each
  std::string source = "rules";
};

using FieldCandidates = std::vector<Candidate>;

/// A device's attribute values grouped by kind, built once per classification so each
/// condition looks only at the values of its own attribute. Each kind's values are in the order
/// they were first seen (then by value): a rule cites the first that matches, the same whatever
/// order the device's attributes come in (merged from several threads, or read back stored).
class AttributeIndex {
 public:
  explicit AttributeIndex(const inventory::Device& device) {
    for (const inventory::AttributeValue& attribute : device.attributes) {
      const auto slot = static_cast<std::size_t>(attribute.attr);
      if (slot < by_attr_.size()) {
        by_attr_[slot].push_back(&attribute);
      }
    }
    for (auto& values : by_attr_) {
      std::sort(values.begin(), values.end(),
                [](const inventory::AttributeValue* left, const inventory::AttributeValue* right) {
                  return std::tie(left->first_us, left->value, left->protocol) <
                         std::tie(right->first_us, right->value, right->protocol);
                });
    }
  }
  [[nodiscard]] const std::vector<const inventory::AttributeValue*>& of(proto::Attr attr) const {
    return by_attr_[static_cast<std::size_t>(attr)];
  }

 private:
  std::array<std::vector<const inventory::AttributeValue*>,
             static_cast<std::size_t>(proto::kLastAttr) + 1>
      by_attr_;
};

/// The values of `condition`'s attribute on `device`.
template <typename Visit>
bool any_value(const inventory::Device& device, const AttributeIndex& index,
               const Condition& condition, Visit&& visit) {
  if (!condition.attr) {  // "oui"
    return device.vendor && visit(std::string_view(*device.vendor), std::string_view("oui"), 1);
  }
  for (const inventory::AttributeValue* attribute : index.of(*condition.attr)) {
    if (visit(std::string_view(attribute->value), std::string_view(attribute->protocol),
              attribute->count)) {
      return true;
    }
  }
  return false;
}

bool value_matches(const Condition& condition, std::string_view value, Captures* captures) {
  switch (condition.kind) {
    case MatchKind::Equals:
      return iequals(value, condition.pattern);
    case MatchKind::Prefix:
      return istarts_with(value, condition.pattern);
    case MatchKind::Contains:
      return ifind(value, condition.pattern) != std::string_view::npos;
    case MatchKind::Regex:
      return condition.regex.match(value, captures);
  }
  return false;
}

std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 120;
  std::string out = "\"";
  out.append(value.substr(0, kShown));
  if (value.size() > kShown) {
    out += "...";
  }
  return out + "\"";
}

/// Expands "$1".."$9" with `captures`; nullopt when a referenced group is empty.
std::optional<std::string> expand(std::string_view templ, const Captures& captures) {
  std::string out;
  for (std::size_t pos = 0; pos < templ.size(); ++pos) {
    if (templ[pos] == '$' && pos + 1 < templ.size() && templ[pos + 1] >= '0' &&
        templ[pos + 1] <= '9') {
      const std::string& group = captures[static_cast<std::size_t>(templ[pos + 1] - '0')];
      if (group.empty()) {
        return std::nullopt;
      }
      out += group;
      ++pos;
    } else {
      out += templ[pos];
    }
  }
  out = std::string(trim(out));
  if (out.empty()) {
    return std::nullopt;
  }
  return out;
}

void vote(FieldCandidates& candidates, const std::string& value, double confidence,
          const std::string& sentence, const std::string& rule_id) {
  const std::string key = to_lower(value);
  auto found = std::find_if(candidates.begin(), candidates.end(),
                            [&](const Candidate& candidate) { return candidate.key == key; });
  if (found == candidates.end()) {
    candidates.push_back(Candidate{value, key, 0, {}, {}, "rules"});
    found = candidates.end() - 1;
  }
  if (std::find(found->rule_ids.begin(), found->rule_ids.end(), rule_id) != found->rule_ids.end()) {
    return;
  }
  found->rule_ids.push_back(rule_id);
  found->score = 1.0 - (1.0 - found->score) * (1.0 - confidence);
  found->evidence.emplace_back(confidence, sentence);
}

std::size_t field_index(std::string_view field) {
  for (std::size_t index = 0; index < kIdentityFields.size(); ++index) {
    if (kIdentityFields[index] == field) {
      return index;
    }
  }
  return kIdentityFields.size();
}

const inventory::IdentityField* find_field(std::span<const inventory::IdentityField> fields,
                                           std::string_view field) {
  for (const inventory::IdentityField& entry : fields) {
    if (entry.field == field) {
      return &entry;
    }
  }
  return nullptr;
}

}  // namespace

std::string short_vendor_name(std::string_view ieee_name) {
  static constexpr std::array<std::string_view, 14> kSuffixes = {
      " co.,ltd.", " co., ltd.", " co.,ltd", " co., ltd", " corporation", " corp.", " corp",
      " inc.",     " inc",       " ltd.",    " ltd",      " gmbh",        " llc",   " limited"};
  std::string name(trim(ieee_name));
  bool changed = true;
  while (changed) {
    changed = false;
    while (!name.empty() && (name.back() == ',' || name.back() == '.' || name.back() == ' ')) {
      name.pop_back();
    }
    const std::string lower = to_lower(name);
    for (const std::string_view suffix : kSuffixes) {
      if (lower.size() > suffix.size() && lower.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
        changed = true;
        break;
      }
    }
  }
  return name;
}

std::vector<inventory::IdentityField> classify(const inventory::Device& device,
                                               const RuleSet& rules,
                                               std::span<const inventory::IdentityField> previous,
                                               const Pins& pins, const ClassifyOptions& options) {
  std::array<FieldCandidates, kIdentityFields.size()> fields;
  const AttributeIndex attributes(device);
  bool brand_from_oui = false;  // a rule turned the registry name into a brand

  for (const Rule& rule : rules.rules()) {
    Captures captures;
    std::string first_evidence;
    bool all = true;
    for (const Condition& condition : rule.when) {
      Captures local;
      const bool held = any_value(
          device, attributes, condition,
          [&](std::string_view value, std::string_view protocol, std::uint64_t count) {
            if (!value_matches(condition, value, &local)) {
              return false;
            }
            if (first_evidence.empty()) {
              first_evidence = condition.attr_name + " " + quoted(value);
              if (protocol != "oui") {
                first_evidence += " (" + std::string(protocol) + ", seen " + std::to_string(count) +
                                  (count == 1 ? " time)" : " times)");
              } else {
                first_evidence += " (IEEE registry)";
              }
            }
            return true;
          });
      if (!held) {
        all = false;
        break;
      }
      // Groups come from the first condition whose regex has any.
      const auto has_groups = [](const Captures& groups) {
        return std::any_of(groups.begin() + 1, groups.end(),
                           [](const std::string& group) { return !group.empty(); });
      };
      if (condition.kind == MatchKind::Regex && !has_groups(captures) && has_groups(local)) {
        captures = local;
      }
    }
    if (!all) {
      continue;
    }
    const std::string sentence = first_evidence + ": " + rule.says + " [rule " + rule.id + "]";
    const bool uses_oui = std::any_of(rule.when.begin(), rule.when.end(),
                                      [](const Condition& c) { return c.attr_name == "oui"; });
    for (const auto& [field, templ] : rule.sets) {
      const std::size_t index = field_index(field);
      if (index >= fields.size()) {
        continue;
      }
      if (auto value = expand(templ, captures)) {
        vote(fields[index], *value, rule.confidence, sentence, rule.id);
        brand_from_oui = brand_from_oui || (uses_oui && field == "vendor");
      }
    }
  }

  // The IEEE registry's manufacturer votes for the vendor, weakly; a chip maker more weakly.
  if (device.vendor && !device.vendor->empty()) {
    const bool chip = rules.is_chip_vendor(*device.vendor);
    const double confidence = chip ? options.chip_oui_confidence : options.oui_confidence;
    const std::string sentence =
        "MAC prefix registered to " + quoted(*device.vendor) + " (IEEE registry)" +
        (chip ? ": a maker of network chips and modules, not necessarily of the device" : "");
    const std::string name = short_vendor_name(*device.vendor);
    // A rule naming the brand for this registry entry ("oui: hikvision -> Hikvision") already
    // voted; the raw registry name votes only when no rule did.
    const std::size_t vendor_index = field_index("vendor");
    if (!brand_from_oui && !name.empty()) {
      vote(fields[vendor_index], name, confidence, sentence, "oui");
      for (Candidate& candidate : fields[vendor_index]) {
        if (candidate.rule_ids.size() == 1 && candidate.rule_ids[0] == "oui") {
          candidate.source = "oui";
        }
      }
    }
  }

  std::vector<inventory::IdentityField> identity;
  for (std::size_t index = 0; index < fields.size(); ++index) {
    const std::string field(kIdentityFields[index]);
    FieldCandidates& candidates = fields[index];
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score > b.score : a.key < b.key;
    });

    if (const auto pin = pins.find(field); pin != pins.end()) {
      inventory::IdentityField pinned{field, pin->second, 1.0, "pin", {"set by a user"}};
      if (!candidates.empty() && candidates.front().key != to_lower(pin->second)) {
        pinned.evidence.push_back("Warden's own verdict would be " +
                                  quoted(candidates.front().value));
      }
      identity.push_back(std::move(pinned));
      continue;
    }

    const Candidate* best = candidates.empty() ? nullptr : &candidates.front();
    // Hysteresis: the stored value stays unless the newcomer clearly beats it.
    if (const inventory::IdentityField* stored = find_field(previous, field);
        best != nullptr && stored != nullptr && stored->source != "pin" &&
        to_lower(stored->value) != best->key) {
      const std::string stored_key = to_lower(stored->value);
      for (const Candidate& candidate : candidates) {
        if (candidate.key == stored_key && best->score < candidate.score + options.keep_margin) {
          best = &candidate;
          break;
        }
      }
    }
    double runner_up = 0;
    for (const Candidate& candidate : candidates) {
      if (&candidate != best) {
        runner_up = std::max(runner_up, candidate.score);
      }
    }
    // Capped at 0.99: certainty (1.0) is a user's pin, not an inference.
    constexpr double kMaxInferred = 0.99;
    const double confidence =
        best == nullptr ? 0.0 : std::min(kMaxInferred, best->score * (1.0 - 0.5 * runner_up));
    if (best == nullptr || confidence < options.min_confidence) {
      if (field == "type") {
        inventory::IdentityField unknown{field, "unknown", 0.0, "rules", {}};
        if (best != nullptr) {
          unknown.evidence.push_back("the best guess, " + quoted(best->value) +
                                     ", is too weak to state (confidence " +
                                     std::to_string(confidence).substr(0, 4) + ")");
        } else {
          unknown.evidence.emplace_back("no identifying evidence in this device's traffic");
        }
        identity.push_back(std::move(unknown));
      }
      continue;
    }
    inventory::IdentityField out{field, best->value, confidence, best->source, {}};
    auto evidence = best->evidence;
    std::stable_sort(evidence.begin(), evidence.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t item = 0; item < evidence.size() && item < kMaxEvidence; ++item) {
      out.evidence.push_back(evidence[item].second);
    }
    if (runner_up > 0) {
      for (const Candidate& candidate : candidates) {
        if (&candidate != best && candidate.score == runner_up) {
          out.evidence.push_back("contradicted by weaker evidence for " + quoted(candidate.value) +
                                 " (score " + std::to_string(candidate.score).substr(0, 4) + ")");
          break;
        }
      }
    }
    identity.push_back(std::move(out));
  }
  return identity;
}

}  // namespace warden::identify
