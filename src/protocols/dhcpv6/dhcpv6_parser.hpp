// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::dhcpv6 {

inline constexpr std::uint16_t kClientPort = 546;
inline constexpr std::uint16_t kServerPort = 547;
/// Relay-forw / relay-repl layers unwrapped; RFC 8415 §7.6 allows up to 32 hops.
inline constexpr std::size_t kMaxRelayDepth = 8;
/// IA Address options kept per message.
inline constexpr std::size_t kMaxIaAddresses = 8;

/// Message types (RFC 8415 §7.3).
enum class MessageType : std::uint8_t {
  Solicit = 1,
  Advertise = 2,
  Request = 3,
  Confirm = 4,
  Renew = 5,
  Rebind = 6,
  Reply = 7,
  Release = 8,
  Decline = 9,
  Reconfigure = 10,
  InformationRequest = 11,
  RelayForw = 12,
  RelayRepl = 13,
};

/// Upper-case name of a message type ("SOLICIT", "INFORMATION-REQUEST"), or "UNKNOWN".
std::string_view message_type_name(std::uint8_t type);

/// Vendor Class option 16 (RFC 8415 §21.16): enterprise number, then vendor-class-data, a list of
/// (u16 length, opaque) instances.
struct VendorClass {
  std::uint32_t enterprise = 0;
  Bytes data;
};

/// Client FQDN option 39 (RFC 4704 §4): flags, then a DNS wire name, possibly partial.
struct ClientFqdn {
  std::uint8_t flags = 0;
  Bytes name;
};

/// An IA Address (option 5, RFC 8415 §21.6) found inside an IA_NA (option 3, §21.4).
struct IaAddress {
  IpAddress address;
  std::uint32_t preferred_lifetime = 0;
  std::uint32_t valid_lifetime = 0;  ///< 0: the address is no longer valid
};

/// A client/server message (RFC 8415 §8), with any relay-forw/relay-repl wrapping (§9) removed.
///
///     msg-type (1) | transaction-id (3) | options ...
///     relay:  msg-type (1) | hop-count (1) | link-address (16) | peer-address (16) | options ...
///
/// Views alias the input buffer. Options are parsed leniently: a cut-short options area keeps
/// what was read and names the problem in `options_anomaly`.
struct Message {
  std::uint8_t msg_type = 0;  ///< of the innermost message
  std::uint32_t transaction_id = 0;
  std::size_t relay_depth = 0;  ///< relay layers removed; 0 when sent directly
  IpAddress relay_link;         ///< link-address of the innermost relay layer
  IpAddress relay_peer;         ///< peer-address of the innermost relay layer: the client's

  std::uint16_t option_count = 0;
  const char* options_anomaly = nullptr;  ///< static anomaly name, or null

  Bytes client_id;                            ///< option 1, a DUID (RFC 8415 §11)
  Bytes server_id;                            ///< option 2
  std::optional<MacAddress> client_duid_mac;  ///< from a DUID-LLT / DUID-LL of hardware type 1
  Bytes oro;                                  ///< option 6, u16 option codes
  Bytes user_class;                           ///< option 15
  std::optional<VendorClass> vendor_class;    ///< option 16
  std::optional<ClientFqdn> client_fqdn;      ///< option 39
  std::array<IaAddress, kMaxIaAddresses> ia_addresses{};
  std::size_t ia_address_count = 0;
};

/// Parses a UDP payload on port 546/547, unwrapping up to kMaxRelayDepth relay layers. Errors:
/// "dhcpv6.truncated", "dhcpv6.relay_too_deep", "dhcpv6.relay_without_message".
[[nodiscard]] Result<Message> parse_message(Bytes payload);

/// The link-layer address of a DUID-LLT (type 1) or DUID-LL (type 3) with hardware type 1
/// (RFC 8415 §11.2, §11.4). Note the MAC is the one the DUID was made from, perhaps long ago.
std::optional<MacAddress> duid_mac(Bytes duid);

/// Option 6 as the fingerprint string "23,24,39" (decimals, in order, no spaces).
std::string render_oro(Bytes oro);

/// Option 16 as "enterprise:<number> <data>", several data instances joined with ','.
std::string render_vendor_class(const VendorClass& vendor_class);

/// Option 15: its (u16 length, opaque) instances joined with ','.
std::string render_user_class(Bytes user_class);

}  // namespace warden::proto::dhcpv6
