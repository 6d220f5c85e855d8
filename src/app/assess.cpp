// SPDX-License-Identifier: Apache-2.0
#include "app/assess.hpp"

#include <iostream>

#include "identify/classifier.hpp"
#include "identify/recog.hpp"
#include "risk/risk.hpp"

namespace warden::app {

std::optional<identify::RuleSet> load_rules(const RuleSources& sources) {
  identify::RuleSet rules = identify::RuleSet::builtin();
  if (rules.rules().empty()) {
    std::cerr << "warden: the built-in identification rules failed to load\n";
    return std::nullopt;
  }
  if (!sources.recog_directory.empty()) {
    identify::RecogStats stats;
    auto recog = identify::load_recog(sources.recog_directory, &stats);
    if (!recog) {
      std::cerr << "warden: recog: " << recog.error().text() << '\n';
      return std::nullopt;
    }
    std::cerr << "warden: recog: " << stats.rules << " rules from " << stats.files << " files ("
              << stats.skipped << " fingerprints without an identity, " << stats.bad_patterns
              << " patterns PCRE2 cannot compile)\n";
    rules.merge(std::move(*recog));
  }
  for (const std::string& file : sources.rule_files) {
    auto user = identify::RuleSet::load_file(file);
    if (!user) {
      std::cerr << "warden: rules: " << user.error().text() << '\n';
      return std::nullopt;
    }
    rules.merge(std::move(*user));
  }
  return rules;
}

std::vector<const inventory::Device*> assess_in_memory(std::vector<inventory::Device>& devices,
                                                       const std::set<std::string>& keys,
                                                       const identify::RuleSet& rules,
                                                       const PinsByDevice& pins) {
  static const std::map<std::string, std::string> no_pins;
  std::vector<const inventory::Device*> changed;
  for (inventory::Device& device : devices) {
    if (!keys.empty() && !keys.contains(device.key)) {
      continue;
    }
    const auto found = pins.find(device.key);
    const auto previous = device.identity;
    device.identity =
        identify::classify(device, rules, previous, found != pins.end() ? found->second : no_pins);
    risk::assess(device);
    changed.push_back(&device);
  }
  return changed;
}

storage::Expected<void> assess_devices(storage::Database& database,
                                       std::vector<inventory::Device>& devices,
                                       const std::set<std::string>& keys,
                                       const identify::RuleSet& rules) {
  auto pins = database.load_all_pins();
  if (!pins) {
    return tl::unexpected(pins.error());
  }
  return database.store_assessment(assess_in_memory(devices, keys, rules, *pins));
}

}  // namespace warden::app
