// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/address.hpp"
#include "policy/cidr.hpp"

/// Segmentation policy: zones, the conduits allowed between them, evaluation of observed
/// conversations and enforcement exports (docs/policy.md).
namespace warden::policy {

/// A policy file that cannot be used, with where: "site.yaml:12: conduits[0].to: unknown zone
/// 'camera' (zones: cameras, servers)".
struct PolicyError {
  std::string source;
  int line = 0;       ///< 1-based; 0 when the whole file is at fault
  std::string field;  ///< path of the field inside the file: "zones.cameras.cidrs[1]"
  std::string message;

  /// "file:line: field: message" (line and field left out when unknown).
  [[nodiscard]] std::string text() const;
};

enum class Transport : std::uint8_t { Any, Tcp, Udp, Icmp };
/// "any", "tcp", "udp", "icmp".
std::string_view transport_name(Transport transport);

/// An inclusive port range; a single port has first == last.
struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

/// Device selector: every field given must match (AND), any value of a field's list will do
/// (OR). Values are compared without regard to case. Tags: the device has at least one of them.
struct Selector {
  std::vector<std::string> types;    ///< Warden device types: ip_camera, plc, ...
  std::vector<std::string> vendors;  ///< identified vendor names: "Hikvision"
  std::vector<std::string> tags;     ///< user tags from the inventory
  int line = 0;                      ///< of `select` in the file
  [[nodiscard]] bool empty() const { return types.empty() && vendors.empty() && tags.empty(); }
};

/// How a zone's address criteria (cidrs, vlans) and its selector combine.
enum class ZoneMatch : std::uint8_t {
  Any,  ///< member when any criterion matches (the default)
  All,  ///< member when the selector matches and the address is in the cidrs/vlans given
};

struct Zone {
  std::string name;  ///< [a-z][a-z0-9_]*, at most 24 characters
  std::string description;
  std::vector<Cidr> cidrs;
  std::vector<std::uint16_t> vlans;
  Selector select;
  ZoneMatch match = ZoneMatch::Any;
  bool internet = false;      ///< every public address no other zone claims
  bool intra_allowed = true;  ///< traffic between two members needs no conduit
  int line = 0;
};

/// An allowed flow: connections initiated in a `from` zone towards a `to` zone.
struct Conduit {
  std::string name;               ///< given, or "conduits[N]"
  std::vector<std::string> from;  ///< zone names; empty = any zone
  std::vector<std::string> to;    ///< zone names; empty = any zone
  Transport transport = Transport::Any;
  std::vector<PortRange> ports;  ///< responder ports; empty = all. Ports apply to tcp and udp.
  std::string protocol;          ///< Warden's application protocol name; empty = any
  bool bidirectional = false;    ///< either side may initiate
  std::string description;
  int line = 0;
};

enum class Unzoned : std::uint8_t {
  Ignore,  ///< conversations with an address in no zone are not governed (the default)
  Deny,    ///< they are violations
};

struct Policy {
  std::string source;  ///< file name, for messages
  std::string description;
  std::vector<Zone> zones;  ///< in file order
  std::vector<Conduit> conduits;
  Unzoned unzoned = Unzoned::Ignore;
  /// A conduit naming a protocol also admits conversations whose protocol Warden did not
  /// identify, unless this is set.
  bool strict_protocol = false;

  [[nodiscard]] const Zone* find_zone(std::string_view name) const;
};

/// Parses a policy (docs/policy.md). `source` names the file in errors. Reports the first error.
tl::expected<Policy, PolicyError> parse_policy(std::string_view yaml, const std::string& source);
/// Reads and parses a policy file.
tl::expected<Policy, PolicyError> load_policy(const std::string& path);

/// Checks the device types named by selectors against a taxonomy (the policy module does not
/// own it: pass identify::find_device_type). One error per unknown type, with its line.
std::vector<PolicyError> check_device_types(
    const Policy& policy, const std::function<bool(std::string_view)>& is_known_type);

/// One side of a conversation, with the identity of its device where known.
struct Endpoint {
  IpAddress ip;
  std::optional<std::uint16_t> vlan;
  std::string type;    ///< Warden device type, empty when unknown
  std::string vendor;  ///< identified vendor, empty when unknown
  std::vector<std::string> tags;
};

struct Conversation {
  Endpoint initiator;
  Endpoint responder;
  std::string transport;   ///< "tcp", "udp", "icmp" ("icmpv6" counts as icmp), ...
  std::uint16_t port = 0;  ///< responder port (tcp/udp)
  std::string protocol;    ///< application protocol Warden identified, empty when none
};

struct Verdict {
  bool allowed = false;
  std::string from_zone;  ///< initiator's zone, empty when unzoned
  std::string to_zone;    ///< responder's zone, empty when unzoned
  /// Name of the matching conduit when allowed, else why it is denied: "no conduit allows
  /// tcp/23 from cameras to servers".
  std::string conduit;
};

/// How an endpoint got its zone.
enum class MatchedBy : std::uint8_t { Select, Cidr, Vlan, Internet };

struct ZoneAssignment {
  const Zone* zone = nullptr;
  MatchedBy by = MatchedBy::Cidr;
};

/// The zone of an endpoint, by precedence: a zone whose selector matches the device (first in
/// file order), the zone with the longest prefix containing the address, a zone listing its
/// VLAN, the internet zone for a public address. nullopt: unzoned.
std::optional<ZoneAssignment> zone_of(const Policy& policy, const Endpoint& endpoint);

/// Checks one conversation. nullopt when the policy does not govern it: both ends in one zone
/// that allows intra-zone traffic, an unzoned end under `unzoned: ignore`, or a multicast,
/// broadcast or unset address.
std::optional<Verdict> evaluate(const Policy& policy, const Conversation& conversation);
/// The same with the two ends' zones already looked up (zone_of() of the conversation's
/// initiator and responder): for a caller checking many conversations between the same hosts,
/// which then needs to fill in only the conversation's addresses, transport, port and protocol.
std::optional<Verdict> evaluate(const Policy& policy, const Conversation& conversation,
                                const std::optional<ZoneAssignment>& from,
                                const std::optional<ZoneAssignment>& to);

/// Zone name -> addresses of member devices that cannot be found by address alone.
using ZoneMembers = std::map<std::string, std::vector<IpAddress>>;

/// For the exports: the addresses of the devices (from the inventory) whose zone comes from a
/// selector or a VLAN, grouped by zone. Devices placed by a CIDR need no entry.
ZoneMembers resolve_members(const Policy& policy, const std::vector<Endpoint>& devices);

/// Whether `name` is an application protocol Warden identifies (the names of
/// protocols/registry.cpp).
bool is_known_protocol(std::string_view name);

}  // namespace warden::policy
