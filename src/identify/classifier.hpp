// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "identify/rules.hpp"
#include "inventory/device.hpp"

namespace warden::identify {

/// Tuning of the fusion (docs/identification.md explains each).
struct ClassifyOptions {
  /// Below this, a field is left unknown rather than guessed.
  double min_confidence = 0.4;
  /// A stored verdict is replaced only by a value whose score beats it by this much.
  double keep_margin = 0.1;
  /// Confidence of the IEEE registry's name as the vendor, and of a chip maker's name.
  double oui_confidence = 0.5;
  double chip_oui_confidence = 0.2;
};

/// User-set identity fields: field -> value ("type" -> "plc").
using Pins = std::map<std::string, std::string>;

/// Fuses every rule that matches `device` into its identity:
/// - each matching rule votes for its values with its confidence; votes for the same value
///   combine as independent evidence (1 - product of (1 - c)); a rule votes once per value;
/// - per field the best-scored value wins, its confidence reduced by half the runner-up's score,
///   so contradicting evidence shows; below `min_confidence` the field stays unknown ("type"
///   is then "unknown");
/// - the IEEE vendor votes too, weakly, and more weakly still when it makes chips or modules, so
///   the brand a device is sold under wins over the maker of its network chip;
/// - `previous` (the stored identity) is kept unless a new value beats it by `keep_margin`, so a
///   verdict does not flap as evidence trickles in;
/// - `pins` override everything, with confidence 1 and source "pin".
std::vector<inventory::IdentityField> classify(const inventory::Device& device,
                                               const RuleSet& rules,
                                               std::span<const inventory::IdentityField> previous,
                                               const Pins& pins,
                                               const ClassifyOptions& options = {});

/// The IEEE name without its legal suffixes: "Hangzhou Hikvision Digital Technology Co.,Ltd." ->
/// "Hangzhou Hikvision Digital Technology".
std::string short_vendor_name(std::string_view ieee_name);

}  // namespace warden::identify
