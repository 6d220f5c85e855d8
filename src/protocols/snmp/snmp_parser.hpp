// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::snmp {

/// Most variable bindings read from one PDU; further ones are ignored (Message::truncated).
inline constexpr std::size_t kMaxVarbinds = 64;
/// Most sub-identifiers of an OID (RFC 2578 §3.5 allows 128).
inline constexpr std::size_t kMaxOidArcs = 128;
/// Room for the dotted text of the longest OID accepted: the first sub-identifier holds two arcs,
/// and each arc takes up to 10 digits and a dot.
inline constexpr std::size_t kMaxOidText = (kMaxOidArcs + 1) * 11;

/// One BER tag-length-value (X.690 §8.1) with a definite length of at most 4 length octets.
struct Tlv {
  std::uint8_t tag = 0;  ///< identifier octet; only low-tag-number form is accepted
  Bytes value;           ///< contents octets, aliasing the input
};

/// Reads one TLV. Errors (all Malformed, since a datagram cannot grow): "snmp.truncated",
/// "snmp.high_tag_number", "snmp.indefinite_length", "snmp.length_too_long" (more than 4 length
/// octets).
[[nodiscard]] Result<Tlv> read_tlv(ByteReader& reader);

/// SNMP message versions (RFC 3416 / RFC 3412 msgVersion).
enum class Version : std::uint8_t { V1 = 0, V2c = 1, V3 = 3 };

/// PDU types: the context-specific constructed tags of RFC 1157 §4.1 and RFC 3416 §3.
enum class PduType : std::uint8_t {
  GetRequest = 0xA0,
  GetNextRequest = 0xA1,
  GetResponse = 0xA2,
  SetRequest = 0xA3,
  TrapV1 = 0xA4,
  GetBulkRequest = 0xA5,
  InformRequest = 0xA6,
  TrapV2 = 0xA7,
  Report = 0xA8,
};

/// True for PDUs a manager sends to an agent (Get, GetNext, Set, GetBulk).
[[nodiscard]] bool is_request(PduType type);

/// One VarBind (RFC 3416 §3): the encoded OID contents and the value TLV.
struct Varbind {
  Bytes oid;  ///< OBJECT IDENTIFIER contents octets (not decoded)
  Tlv value;
};

/// A v1 / v2c message, or just the version of a v3 one (the rest is not read: it may be encrypted).
/// Views alias the datagram.
struct Message {
  Version version = Version::V1;
  std::string_view community;  ///< v1/v2c only: a password, never to be stored as such
  PduType pdu = PduType::GetRequest;
  std::array<Varbind, kMaxVarbinds> varbinds{};
  std::size_t varbind_count = 0;
  bool truncated = false;  ///< more than kMaxVarbinds bindings; only the first were read
};

/// Parses an SNMP message (RFC 1157, RFC 3416). The reader follows the fixed message schema
/// (message, PDU, varbind list, varbind: four levels) without recursion, so nesting is bounded by
/// construction; values are not descended into. Errors: read_tlv's, "snmp.not_a_message",
/// "snmp.bad_version", "snmp.unknown_version" (Unsupported), "snmp.bad_community",
/// "snmp.unknown_pdu" (Unsupported), "snmp.bad_pdu", "snmp.bad_varbind".
[[nodiscard]] Result<Message> parse_message(Bytes datagram);

/// Renders OID contents `encoded` in dotted decimal ("1.3.6.1.2.1.1.1.0") into `out`, returning
/// a view of `out`. Errors (Malformed): "snmp.empty_oid", "snmp.oid_overflow" (a sub-identifier
/// above 2^32-1), "snmp.oid_truncated" (last octet has the continuation bit), "snmp.oid_too_long"
/// (more than kMaxOidArcs arcs).
[[nodiscard]] Result<std::string_view> format_oid(Bytes encoded,
                                                  std::array<char, kMaxOidText>& out);

}  // namespace warden::proto::snmp
