// SPDX-License-Identifier: Apache-2.0
#include "detect/device_index.hpp"

#include <string>
#include <string_view>

namespace warden::detect {

DeviceIndex::DeviceIndex(const std::vector<inventory::Device>* devices) {
  if (devices == nullptr) {
    return;
  }
  for (const inventory::Device& device : *devices) {
    if (device.key_ip) {
      by_ip_.emplace(*device.key_ip, &device);
    }
    for (const inventory::AttributeValue& value : device.attributes) {
      if (value.attr == proto::Attr::Ipv4 || value.attr == proto::Attr::Ipv6) {
        if (const auto ip = IpAddress::parse(value.value)) {
          by_ip_.emplace(*ip, &device);
        }
      }
    }
  }
  for (const auto& [ip, device] : by_ip_) {
    hashes_.insert(std::hash<IpAddress>{}(ip));
  }
}

const inventory::Device* DeviceIndex::find(const IpAddress& ip) const {
  const auto found = by_ip_.find(ip);
  return found == by_ip_.end() ? nullptr : found->second;
}

nlohmann::json describe(const inventory::Device* device) {
  if (device == nullptr) {
    return nlohmann::json::object();
  }
  nlohmann::json out = {{"key", device->key}};
  for (const std::string_view field : {"vendor", "type", "model", "os", "firmware"}) {
    if (std::string value = device->identity_value(field); !value.empty()) {
      out[std::string(field)] = value;
    }
  }
  out["risk_score"] = device->risk_score;
  return out;
}

}  // namespace warden::detect
