// SPDX-License-Identifier: Apache-2.0
#include "app/assess.hpp"

#include <algorithm>
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

SharedAssessment::SharedAssessment(std::vector<inventory::Device>& devices,
                                   const std::set<std::string>& keys,
                                   const identify::RuleSet& rules, const PinsByDevice& pins)
    : devices_(devices), keys_(keys), rules_(rules), pins_(pins), selected_(devices.size(), 0) {}

void SharedAssessment::run() {
  // Claimed a few at a time: one atomic step per claim, and devices of very different cost
  // (a camera with thousands of attributes beside a bulb with five) still spread evenly.
  constexpr std::size_t kClaim = 4;
  static const std::map<std::string, std::string> no_pins;
  const std::size_t count = devices_.size();
  while (true) {
    const std::size_t begin = next_.fetch_add(kClaim);
    if (begin >= count) {
      break;
    }
    const std::size_t end = std::min(begin + kClaim, count);
    for (std::size_t at = begin; at < end; ++at) {
      inventory::Device& device = devices_[at];
      if (!keys_.empty() && !keys_.contains(device.key)) {
        continue;
      }
      const auto found = pins_.find(device.key);
      const auto previous = device.identity;
      device.identity = identify::classify(device, rules_, previous,
                                           found != pins_.end() ? found->second : no_pins);
      risk::assess(device);
      selected_[at] = 1;
    }
    if (finished_.fetch_add(end - begin) + (end - begin) == count) {
      finished_.notify_all();
    }
  }
  // Devices other threads claimed may still be in work.
  for (std::size_t done = finished_.load(); done != count; done = finished_.load()) {
    finished_.wait(done);
  }
}

std::vector<const inventory::Device*> SharedAssessment::assessed() const {
  std::vector<const inventory::Device*> out;
  for (std::size_t at = 0; at < devices_.size(); ++at) {
    if (selected_[at] != 0) {
      out.push_back(&devices_[at]);
    }
  }
  return out;
}

std::vector<const inventory::Device*> assess_in_memory(std::vector<inventory::Device>& devices,
                                                       const std::set<std::string>& keys,
                                                       const identify::RuleSet& rules,
                                                       const PinsByDevice& pins) {
  SharedAssessment assessment(devices, keys, rules, pins);
  assessment.run();
  return assessment.assessed();
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
