// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "detect/alert.hpp"
#include "detect/tracker.hpp"
#include "inventory/device.hpp"
#include "policy/policy.hpp"

namespace warden::detect {

/// The policy endpoint of `ip`: its VLAN and, when a device holds it, the device's type, vendor.
policy::Endpoint policy_endpoint(const IpAddress& ip, std::uint16_t vlan,
                                 const std::vector<inventory::Device>& devices);

/// Checks every conversation of a run against `policy` (docs/policy.md) and returns one
/// WARDEN-POL-VIOLATION alert per denied (initiator, responder, transport, port), with the
/// zones, the reason, first and last time, flows, packets and bytes, and both devices. Denied
/// conversations that internet hosts opened (public addresses no device holds) make one alert per
/// (initiator's zone, responder, transport, port) instead, id
/// "WARDEN-POL-VIOLATION:zone:<zone>><responder>:<transport>/<port>", with their sums, the number
/// of sources and the 16 smallest source addresses; it is about the responder's device.
std::vector<Alert> policy_violations(const Tracker& tracker, const policy::Policy& policy,
                                     const std::vector<inventory::Device>& devices);

}  // namespace warden::detect
