// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
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

/// Identification and risk of the devices of `devices` whose key is in `keys` (all when `keys`
/// is empty), in memory, with their current identity as the previous verdict, shared by the
/// threads that call run(): each claims a few devices at a time until none is left. Touches
/// only identity, findings and risk_score, so it may run beside a reader of the rest. Each
/// device's verdict depends on that device alone, so any number of threads give the same.
class SharedAssessment {
 public:
  SharedAssessment(std::vector<inventory::Device>& devices, const std::set<std::string>& keys,
                   const identify::RuleSet& rules, const PinsByDevice& pins);

  /// Assesses devices until none is left to claim, then waits until those other threads
  /// claimed are done too: when it returns, every device is assessed.
  void run();

  /// The devices assessed, in their order in `devices`. Only after run() has returned.
  [[nodiscard]] std::vector<const inventory::Device*> assessed() const;

 private:
  std::vector<inventory::Device>& devices_;
  const std::set<std::string>& keys_;
  const identify::RuleSet& rules_;
  const PinsByDevice& pins_;
  std::vector<std::uint8_t> selected_;    ///< per device: assessed (its key is in `keys`)
  std::atomic<std::size_t> next_{0};      ///< the first device no thread has claimed
  std::atomic<std::size_t> finished_{0};  ///< devices whose assessment is done
};

/// SharedAssessment on the calling thread alone; returns the devices assessed.
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
