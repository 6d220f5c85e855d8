// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "inventory/inventory.hpp"
#include "inventory/oui.hpp"

namespace warden::inventory {

/// One field of a device's identity ("vendor", "type", "model", "os", "firmware") and why Warden
/// believes it. Filled by the identify module; stored and printed as is.
struct IdentityField {
  std::string field;
  std::string value;
  double confidence = 0;              ///< 0..1
  std::string source;                 ///< "rules", "oui", "pin" (set by a user)
  std::vector<std::string> evidence;  ///< sentences a person can check, strongest first
};

/// A risk finding about a device. Filled by the risk module.
struct Finding {
  std::string id;        ///< stable catalogue id: "WARDEN-RISK-TELNET"
  std::string title;     ///< "Telnet service offered"
  std::string severity;  ///< "critical", "high", "medium", "low", "info"
  int points = 0;        ///< what it adds to the device's risk score
  std::string evidence;  ///< the attribute that shows it, in words
  std::string protocol;  ///< protocol of that evidence
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t count = 0;
  std::string remediation;
  std::vector<std::string> controls;  ///< "NIST CSF PR.DS-02", "ETSI EN 303 645 5.1-1", ...
};

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
  std::vector<IdentityField> identity;  ///< derived: vendor, type, model, os, firmware
  std::vector<Finding> findings;        ///< derived: risk findings, highest severity first
  int risk_score = 0;                   ///< derived: 0..100, the sum of findings' points, capped

  /// The identity field named `field`, or nullptr.
  [[nodiscard]] const IdentityField* identity_field(std::string_view field) const {
    for (const IdentityField& entry : identity) {
      if (entry.field == field) {
        return &entry;
      }
    }
    return nullptr;
  }
  /// The value of identity field `field`, or "" when it is not identified.
  [[nodiscard]] std::string identity_value(std::string_view field) const {
    const IdentityField* entry = identity_field(field);
    return entry == nullptr ? std::string() : entry->value;
  }
};

/// Unbound IPv4 source addresses a MAC may carry before it is taken for a router.
inline constexpr std::size_t kRouterAddressThreshold = 2;

/// The order of a device's attributes everywhere: by name (proto::attr_name()), value and
/// protocol, as the store keeps them. Devices come out of build_devices() in it, so what reads
/// attributes in order (the first value a rule cites, a finding's evidence) says the same with one
/// thread or several, and on a later run that reads the devices back.
bool attribute_order(const AttributeValue& left, const AttributeValue& right);

/// The order of a device's peers everywhere: by first seen, then address. build_devices() gives
/// them in it, and the store keeps merged peers in it.
inline bool peer_order(const PeerValue& left, const PeerValue& right) {
  return std::tie(left.first_us, left.ip) < std::tie(right.first_us, right.ip);
}

/// Turns endpoints into devices:
/// - a MAC whose traffic carries several IPv4 addresses that no ARP/DHCP/ND binding ties to it,
///   or any unbound public one, is a router: only its bound addresses stay with it;
/// - addresses behind a router become IP-keyed devices when private, and peers when public;
/// - facts about an IP (ByIp observations) join the MAC device holding that IP, if any;
/// - vendor comes from the IEEE registry; locally administered MACs get none and are flagged;
/// - each device's attributes are in attribute_order().
std::vector<Device> build_devices(const EndpointTable& table, const OuiDatabase& oui);
/// The same over several tables (one per worker) as if they were merged first: a (MAC, IP) pair
/// may be in more than one, and its evidence adds up. With `threads` > 1 the devices are split
/// between that many threads by key; the result is the same.
std::vector<Device> build_devices(std::span<const EndpointTable* const> tables,
                                  const OuiDatabase& oui, unsigned threads = 1);
/// The same, taking the records of the tables' endpoints instead of copying them where a device
/// gets them first (most devices: the values of their first endpoint): the tables are left with
/// their endpoints' keys, times and counters, and with records only where copies were needed.
std::vector<Device> build_devices_consuming(std::span<EndpointTable* const> tables,
                                            const OuiDatabase& oui, unsigned threads = 1);

}  // namespace warden::inventory
