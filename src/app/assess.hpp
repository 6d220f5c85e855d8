// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "identify/rules.hpp"
#include "inventory/device.hpp"
#include "storage/database.hpp"

namespace warden::app {

/// Where identification rules come from: the built-in set, user files, a Recog directory.
struct RuleSources {
  std::vector<std::string> rule_files;
  std::string recog_directory;
};

/// Loads the built-in rules plus `sources`; prints the error (file:line: field: message) and
/// returns nullopt when one cannot be used.
std::optional<identify::RuleSet> load_rules(const RuleSources& sources);

/// Pins by device key, as storage::Database::load_all_pins returns them.
using PinsByDevice = std::map<std::string, std::map<std::string, std::string>>;

/// Identifies and risk-assesses, in memory, the devices of `devices` whose key is in `keys` (all
/// when `keys` is empty), with their current identity as the previous verdict; returns them.
/// Touches only identity, findings and risk_score, so it may run beside a reader of the rest.
std::vector<const inventory::Device*> assess_in_memory(std::vector<inventory::Device>& devices,
                                                       const std::set<std::string>& keys,
                                                       const identify::RuleSet& rules,
                                                       const PinsByDevice& pins);

/// Identifies and risk-assesses the devices of `devices` whose key is in `keys` (all when
/// `keys` is empty), with their stored identity as the previous verdict and their pins, then
/// stores the result. `devices` are updated in place.
storage::Expected<void> assess_devices(storage::Database& database,
                                       std::vector<inventory::Device>& devices,
                                       const std::set<std::string>& keys,
                                       const identify::RuleSet& rules);

}  // namespace warden::app
