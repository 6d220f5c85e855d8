// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "inventory/inventory.hpp"
#include "inventory/oui.hpp"

namespace warden::inventory {

/// A device of the inventory: the unit `warden devices` lists.
struct Device {
  std::string key;  ///< "mac:aa:bb:cc:dd:ee:ff" for layer-2 devices, "ip:10.0.4.17" for routed ones
  std::optional<MacAddress> mac;
  std::optional<IpAddress> key_ip;  ///< set for IP-keyed devices
  bool locally_administered = false;
  bool is_router = false;  ///< forwards traffic for many addresses (a gateway's MAC)
  std::optional<std::string> vendor;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  Counters counters;
  std::vector<AttributeValue> attributes;  ///< addresses, names, fingerprints, services...
  std::vector<PeerValue> peers;
};

/// Unbound IPv4 source addresses a MAC may carry before it is taken for a router.
inline constexpr std::size_t kRouterAddressThreshold = 2;

/// Turns endpoints into devices:
/// - a MAC whose traffic carries several IPv4 addresses that no ARP/DHCP/ND binding ties to it,
///   or any unbound public one, is a router: only its bound addresses stay with it;
/// - addresses behind a router become IP-keyed devices when private, and peers when public;
/// - facts about an IP (ByIp observations) join the MAC device holding that IP, if any;
/// - vendor comes from the IEEE registry; locally administered MACs get none and are flagged.
std::vector<Device> build_devices(const EndpointTable& table, const OuiDatabase& oui);

}  // namespace warden::inventory
