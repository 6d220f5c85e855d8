// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::ubnt {

/// Most TLVs read from one announcement.
inline constexpr std::size_t kMaxTlvs = 64;

/// What a Ubiquiti discovery announcement (UDP 10001, the protocol UniFi and airOS devices answer
/// and broadcast with) says about its sender. Views alias the datagram; empty when absent.
struct Announcement {
  std::uint8_t version = 0;     ///< 1 or 2
  std::uint8_t command = 0;     ///< 0 = request (no TLVs), 6 = v2 announcement, ...
  std::string_view firmware;    ///< TLV 0x03: "UniFiSecurityGateway.ER-e120.v4.3.33..."
  std::string_view hostname;    ///< TLV 0x0b
  std::string_view platform;    ///< TLV 0x0c: short model ("UGW3", "U7PG2", "US8P60")
  std::string_view model;       ///< TLV 0x15 (v2) / 0x14: model ("UGW3", "UAP-AC-Pro")
  std::string_view version_id;  ///< TLV 0x16: firmware version ("4.3.33.4936086")
  std::string_view essid;       ///< TLV 0x0d: the wireless network it serves
  bool is_request = false;      ///< a discovery request (no payload): says nothing of the sender
};

/// Parses one datagram: a 4-byte header (version, command, big-endian length of what follows)
/// and TLVs of a type byte and a big-endian 16-bit length. Errors: Malformed
/// "ubnt.bad_header" (version not 1 or 2, or a length past the datagram), "ubnt.bad_tlv" (a TLV
/// running past the announced length); LimitExceeded "ubnt.too_many_tlvs".
[[nodiscard]] Result<Announcement> parse_announcement(Bytes datagram);

}  // namespace warden::proto::ubnt
