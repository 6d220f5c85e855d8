// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

namespace warden::identify {

/// One device type of the taxonomy (docs/identification.md). `id` is what rules, pins, the
/// database and JSON use; `label` is for people.
struct DeviceType {
  std::string_view id;
  std::string_view label;
  std::string_view group;  ///< "iot", "ot", "network", "it", "medical", "other"
};

/// Every type, "unknown" last.
std::span<const DeviceType> device_types();
/// The type with this id, or nullopt.
std::optional<DeviceType> find_device_type(std::string_view id);

/// The identity fields a device has, in display order.
inline constexpr std::array<std::string_view, 5> kIdentityFields = {"vendor", "type", "model", "os",
                                                                    "firmware"};

}  // namespace warden::identify
