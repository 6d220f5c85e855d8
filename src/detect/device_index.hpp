// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/address.hpp"
#include "inventory/device.hpp"

namespace warden::detect {

/// The devices of a run by address (IPv4, IPv6, or the key of an IP-keyed device); the first
/// device holding an address wins.
class DeviceIndex {
 public:
  explicit DeviceIndex(const std::vector<inventory::Device>* devices);
  [[nodiscard]] const inventory::Device* find(const IpAddress& ip) const;
  /// Whether a device holds an address whose std::hash<IpAddress> is `ip_hash` (the probe records
  /// keep targets as hashes).
  [[nodiscard]] bool holds_hash(std::uint64_t ip_hash) const { return hashes_.contains(ip_hash); }

 private:
  std::unordered_map<IpAddress, const inventory::Device*> by_ip_;
  std::unordered_set<std::uint64_t> hashes_;
};

/// What an alert says of a device: its key, identity fields and risk score ({} for none).
nlohmann::json describe(const inventory::Device* device);

}  // namespace warden::detect
