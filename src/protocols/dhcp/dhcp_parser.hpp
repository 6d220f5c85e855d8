// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::dhcp {

inline constexpr std::uint16_t kServerPort = 67;
inline constexpr std::uint16_t kClientPort = 68;

/// BOOTP op codes (RFC 2131 §2).
inline constexpr std::uint8_t kBootRequest = 1;
inline constexpr std::uint8_t kBootReply = 2;

/// DHCP message types, option 53 (RFC 2132 §9.6).
enum class MessageType : std::uint8_t {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8,
};

/// Upper-case name of a message type ("DISCOVER"), or "UNKNOWN".
std::string_view message_type_name(std::uint8_t type);

/// Client FQDN flag bits (RFC 4702 §2.1).
inline constexpr std::uint8_t kFqdnFlagS = 0x01;
inline constexpr std::uint8_t kFqdnFlagO = 0x02;
inline constexpr std::uint8_t kFqdnFlagE = 0x04;  ///< name is in DNS wire format
inline constexpr std::uint8_t kFqdnFlagN = 0x08;

/// Client FQDN, option 81 (RFC 4702 §2): flags, two deprecated rcodes, then the name.
struct ClientFqdn {
  std::uint8_t flags = 0;
  std::uint8_t rcode1 = 0;
  std::uint8_t rcode2 = 0;
  Bytes name;  ///< ASCII, or DNS wire format (maybe partial) when flag E is set

  [[nodiscard]] bool is_wire_encoded() const { return (flags & kFqdnFlagE) != 0; }
};

/// A DHCP / BOOTP message (RFC 2131 §2, options RFC 2132). Views alias the input buffer.
///
///     0               1               2               3
///     op | htype | hlen | hops | xid (4) | secs (2) | flags (2)
///     ciaddr (4) | yiaddr (4) | siaddr (4) | giaddr (4)
///     chaddr (16) | sname (64) | file (128) | magic cookie 99.130.83.99 | options ...
///
/// Options are parsed leniently: a cut-short or over-long options area keeps what was read and
/// names the problem in `options_anomaly`.
struct Message {
  std::uint8_t op = 0;
  std::uint8_t htype = 0;
  std::uint8_t hlen = 0;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;
  IpAddress ciaddr;  ///< client's current address (RENEW/REBIND/INFORM)
  IpAddress yiaddr;  ///< address the server assigns ("your")
  IpAddress siaddr;
  IpAddress giaddr;  ///< relay agent; non-zero means the message was relayed
  Bytes chaddr;      ///< all 16 bytes; see client_mac()

  bool has_magic_cookie = false;
  std::uint16_t option_count = 0;         ///< options other than pad and end
  const char* options_anomaly = nullptr;  ///< static anomaly name, or null

  std::optional<std::uint8_t> message_type;       ///< 53
  std::optional<std::uint8_t> overload;           ///< 52; sname/file options are not parsed
  std::string_view hostname;                      ///< 12, trailing NULs removed
  std::optional<IpAddress> requested_ip;          ///< 50 (a wish, not a binding)
  std::optional<IpAddress> server_id;             ///< 54
  Bytes parameter_request_list;                   ///< 55
  std::optional<std::uint16_t> max_message_size;  ///< 57
  std::string_view vendor_class;                  ///< 60, trailing NULs removed
  Bytes client_id;                                ///< 61, type byte included
  Bytes user_class;                               ///< 77 (RFC 3004 instances or raw text)
  std::optional<ClientFqdn> client_fqdn;          ///< 81

  /// chaddr as a MAC when the hardware is Ethernet (htype 1, hlen 6).
  [[nodiscard]] std::optional<MacAddress> client_mac() const;
};

/// Parses a UDP payload on port 67/68. Fails only when the fixed header is short or `op` is not
/// BOOTREQUEST/BOOTREPLY ("dhcp.truncated", "dhcp.bad_op").
[[nodiscard]] Result<Message> parse_message(Bytes payload);

/// Option 55 as the fingerprint string "1,3,6,15" (decimals, in order, no spaces).
std::string render_fingerprint(Bytes parameter_request_list);

/// Option 77: RFC 3004 instances joined with ',', or the raw text (Microsoft clients send it raw).
std::string render_user_class(Bytes user_class);

/// The client FQDN's name as dotted text, decoding wire format when flag E is set; one trailing
/// dot is dropped. Errors: see decode_wire_name().
[[nodiscard]] Result<std::string> fqdn_text(const ClientFqdn& fqdn);

/// Decodes an uncompressed DNS wire name (RFC 1035 §3.1), also a partial one that ends without
/// the root label (RFC 4702 §2.3.1, RFC 8415 §10), to dotted text without a trailing dot.
/// Errors: "dhcp.name_compressed", "dhcp.name_too_long", "dhcp.name_truncated".
[[nodiscard]] Result<std::string> decode_wire_name(Bytes wire);

}  // namespace warden::proto::dhcp
