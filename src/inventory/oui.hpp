// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/address.hpp"

namespace warden::inventory {

/// MAC vendor lookup over the IEEE registries (MA-L 24-bit, MA-M 28-bit, MA-S 36-bit prefixes) as
/// shipped by Debian's ieee-data (`oui.csv`, `mam.csv`, `oui36.csv`, and `iab.csv`).
class OuiDatabase {
 public:
  /// Loads the CSV files found in the first directory of `directories` that has `oui.csv`.
  /// Returns an empty database (and `error()` says why) when none is found.
  /// With `only`, keeps just the entries that could match those MACs (a run looks up a few hundred
  /// MACs; parsing all ~50,000 registry rows costs more than analyzing a large capture's devices).
  static OuiDatabase load(const std::vector<std::string>& directories,
                          const std::vector<MacAddress>* only = nullptr);
  /// Directories searched by default: the refreshed copy first, then the packaged one.
  static std::vector<std::string> default_directories();

  /// Adds one registry CSV ("Registry,Assignment,Organization Name,Organization Address").
  /// Returns the number of rows taken.
  std::size_t add_csv(std::string_view text, const std::vector<MacAddress>* only = nullptr);

  /// The registered organization for `mac`, longest prefix first; nullopt when unregistered or
  /// locally administered (randomized MACs have no vendor).
  [[nodiscard]] std::optional<std::string> lookup(const MacAddress& mac) const;

  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  // Key: prefix bits (left-aligned in 48 bits) | prefix length in the low byte... kept simple:
  // one map per prefix length.
  std::unordered_map<std::uint64_t, std::uint32_t> entries_;  // (prefix << 8 | bits) -> name idx
  std::vector<std::string> names_;
  std::string source_;
  std::string error_;
};

}  // namespace warden::inventory
