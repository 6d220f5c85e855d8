// SPDX-License-Identifier: Apache-2.0
#include "protocols/snmp/snmp_parser.hpp"

namespace warden::proto::snmp {
namespace {

// BER identifier octets used by SNMP (X.690 §8.1.2, RFC 1155 / RFC 2578 application types).
constexpr std::uint8_t kTagInteger = 0x02;
constexpr std::uint8_t kTagOctetString = 0x04;
constexpr std::uint8_t kTagOid = 0x06;
constexpr std::uint8_t kTagSequence = 0x30;
constexpr std::uint8_t kTagIpAddress = 0x40;
constexpr std::uint8_t kTagTimeTicks = 0x43;
/// Low five bits all set: the tag number continues in further octets (X.690 §8.1.2.4).
constexpr std::uint8_t kHighTagNumber = 0x1F;
/// Most length octets after the 0x8n octet: 4 give lengths up to 2^32-1, beyond any datagram.
constexpr std::size_t kMaxLengthOctets = 4;
/// Most contents octets of an INTEGER read as a version number.
constexpr std::size_t kMaxVersionOctets = 4;
/// Most octets of one OID sub-identifier: 5 base-128 digits hold 32 bits.
constexpr std::size_t kMaxArcOctets = 5;

tl::unexpected<ParseError> malformed(const ByteReader& reader, const char* name) {
  return tl::unexpected(reader.error(ParseErrorCode::Malformed, name));
}

/// Reads a TLV whose tag must be `tag`; `name` is the anomaly when it is not.
Result<Bytes> read_expected(ByteReader& reader, std::uint8_t tag, const char* name) {
  WARDEN_ASSIGN_OR_RETURN(const Tlv tlv, read_tlv(reader));
  if (tlv.tag != tag) {
    return malformed(reader, name);
  }
  return tlv.value;
}

/// Reads the varbind list (a SEQUENCE OF VarBind) into `message`.
Result<bool> read_varbinds(Bytes list, Message& message) {
  ByteReader reader(list);
  while (!reader.empty()) {
    if (message.varbind_count == kMaxVarbinds) {
      message.truncated = true;
      return true;
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes body,
                            read_expected(reader, kTagSequence, "snmp.bad_varbind"));
    ByteReader inner(body);
    WARDEN_ASSIGN_OR_RETURN(const Bytes oid, read_expected(inner, kTagOid, "snmp.bad_varbind"));
    WARDEN_ASSIGN_OR_RETURN(const Tlv value, read_tlv(inner));
    message.varbinds.at(message.varbind_count++) = Varbind{oid, value};
  }
  return true;
}

}  // namespace

Result<Tlv> read_tlv(ByteReader& reader) {
  const auto truncated = [&reader] { return malformed(reader, "snmp.truncated"); };
  const auto tag = reader.read_u8();
  if (!tag) {
    return truncated();
  }
  if ((*tag & kHighTagNumber) == kHighTagNumber) {
    return malformed(reader, "snmp.high_tag_number");
  }
  const auto first = reader.read_u8();
  if (!first) {
    return truncated();
  }
  std::size_t length = *first;
  if ((*first & 0x80U) != 0) {
    const std::size_t octets = *first & 0x7FU;
    if (octets == 0) {
      return malformed(reader, "snmp.indefinite_length");  // BER in SNMP is definite (RFC 3417 §8)
    }
    if (octets > kMaxLengthOctets) {
      return malformed(reader, "snmp.length_too_long");
    }
    length = 0;
    for (std::size_t octet_idx = 0; octet_idx < octets; ++octet_idx) {
      const auto byte = reader.read_u8();
      if (!byte) {
        return truncated();
      }
      length = (length << 8) | *byte;
    }
  }
  const auto value = reader.read_bytes(length);
  if (!value) {
    return truncated();
  }
  return Tlv{*tag, *value};
}

bool is_request(PduType type) {
  return type == PduType::GetRequest || type == PduType::GetNextRequest ||
         type == PduType::SetRequest || type == PduType::GetBulkRequest;
}

Result<Message> parse_message(Bytes datagram) {
  ByteReader outer(datagram);
  WARDEN_ASSIGN_OR_RETURN(const Bytes body,
                          read_expected(outer, kTagSequence, "snmp.not_a_message"));
  ByteReader reader(body);
  WARDEN_ASSIGN_OR_RETURN(const Bytes version_octets,
                          read_expected(reader, kTagInteger, "snmp.bad_version"));
  if (version_octets.empty() || version_octets.size() > kMaxVersionOctets) {
    return malformed(reader, "snmp.bad_version");
  }
  std::uint32_t version = 0;
  for (const std::uint8_t byte : version_octets) {
    version = (version << 8) | byte;
  }
  Message message;
  switch (version) {
    case 0:
      message.version = Version::V1;
      break;
    case 1:
      message.version = Version::V2c;
      break;
    case 3:
      // msgGlobalData, security parameters and a possibly encrypted scoped PDU follow (RFC 3412
      // §6): nothing of them is reported.
      message.version = Version::V3;
      return message;
    default:
      return tl::unexpected(reader.error(ParseErrorCode::Unsupported, "snmp.unknown_version"));
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes community,
                          read_expected(reader, kTagOctetString, "snmp.bad_community"));
  message.community = as_chars(community);
  WARDEN_ASSIGN_OR_RETURN(const Tlv pdu, read_tlv(reader));
  if (pdu.tag < static_cast<std::uint8_t>(PduType::GetRequest) ||
      pdu.tag > static_cast<std::uint8_t>(PduType::Report)) {
    return tl::unexpected(reader.error(ParseErrorCode::Unsupported, "snmp.unknown_pdu"));
  }
  message.pdu = static_cast<PduType>(pdu.tag);
  ByteReader fields(pdu.value);
  if (message.pdu == PduType::TrapV1) {
    // Trap-PDU (RFC 1157 §4.1.6): enterprise, agent-addr, generic-trap, specific-trap, time-stamp.
    WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagOid, "snmp.bad_pdu"));
    WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagIpAddress, "snmp.bad_pdu"));
    WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagInteger, "snmp.bad_pdu"));
    WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagInteger, "snmp.bad_pdu"));
    WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagTimeTicks, "snmp.bad_pdu"));
  } else {
    // request-id, error-status, error-index (non-repeaters, max-repetitions for GetBulk).
    for (int field_idx = 0; field_idx < 3; ++field_idx) {
      WARDEN_RETURN_IF_ERROR(read_expected(fields, kTagInteger, "snmp.bad_pdu"));
    }
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes list, read_expected(fields, kTagSequence, "snmp.bad_pdu"));
  WARDEN_RETURN_IF_ERROR(read_varbinds(list, message));
  return message;
}

Result<std::string_view> format_oid(Bytes encoded, std::array<char, kMaxOidText>& out) {
  ByteReader reader(encoded);
  if (reader.empty()) {
    return malformed(reader, "snmp.empty_oid");
  }
  std::size_t used = 0;
  const auto append = [&out, &used](std::uint32_t value, bool dot) {
    if (dot) {
      out.at(used++) = '.';
    }
    std::array<char, 10> digits{};  // 2^32-1 has 10 digits
    std::size_t count = 0;
    do {
      digits.at(count++) = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0 && count < digits.size());
    while (count > 0) {
      out.at(used++) = digits.at(--count);
    }
  };
  for (std::size_t arc_idx = 0; arc_idx < kMaxOidArcs && !reader.empty(); ++arc_idx) {
    std::uint32_t value = 0;
    bool complete = false;
    for (std::size_t octet_idx = 0; octet_idx < kMaxArcOctets && !reader.empty(); ++octet_idx) {
      const std::uint8_t byte = reader.read_u8().value_or(0);
      if ((value >> 25) != 0) {
        return malformed(reader, "snmp.oid_overflow");
      }
      value = (value << 7) | (byte & 0x7FU);
      if ((byte & 0x80U) == 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      return malformed(reader, reader.empty() ? "snmp.oid_truncated" : "snmp.oid_overflow");
    }
    if (arc_idx == 0) {
      // The first sub-identifier packs the first two arcs as X*40+Y (X.690 §8.19.4).
      const std::uint32_t first = value < 40 ? 0 : (value < 80 ? 1 : 2);
      append(first, false);
      append(value - first * 40, true);
    } else {
      append(value, true);
    }
  }
  if (!reader.empty()) {
    return malformed(reader, "snmp.oid_too_long");
  }
  return std::string_view(out.data(), used);
}

}  // namespace warden::proto::snmp
