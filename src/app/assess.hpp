// SPDX-License-Identifier: Apache-2.0
#pragma once

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

/// Identifies and risk-assesses the devices of `devices` whose key is in `keys` (all when
/// `keys` is empty), with their stored identity as the previous verdict and their pins, then
/// stores the result. `devices` are updated in place.
storage::Expected<void> assess_devices(storage::Database& database,
                                       std::vector<inventory::Device>& devices,
                                       const std::set<std::string>& keys,
                                       const identify::RuleSet& rules);

}  // namespace warden::app
