// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>
#include <unordered_map>
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

 private:
  std::unordered_map<IpAddress, const inventory::Device*> by_ip_;
};

/// What an alert says of a device: its key, identity fields and risk score ({} for none).
nlohmann::json describe(const inventory::Device* device);

}  // namespace warden::detect
