// SPDX-License-Identifier: Apache-2.0
#include "protocols/netbios/netbios_parser.hpp"

#include <algorithm>
#include <utility>

namespace warden::proto::netbios {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kEncodedNameLength = 32;  // 16 bytes, two letters each
constexpr std::size_t kRawNameLength = 16;
constexpr std::size_t kNbEntrySize = 6;
constexpr std::size_t kNodeNameSize = kRawNameLength + 2;
constexpr std::size_t kUnitIdSize = 6;
/// Compression pointers followed for one name; each must point backwards, so this is generous.
constexpr std::size_t kMaxPointerHops = 4;
/// Scope labels after the encoded name (RFC 1001 §14.1; a name has at most 255 bytes).
constexpr std::size_t kMaxScopeLabels = 128;
constexpr std::uint8_t kMaxLabelLength = 63;
constexpr std::uint8_t kPointerMask = 0xC0;
constexpr std::uint8_t kPointerHighBits = 0x3F;

Name name_from_raw(Bytes raw) {
  Name name;
  std::copy_n(as_chars(raw).begin(), name.chars.size(), name.chars.begin());
  name.suffix = raw[name.chars.size()];
  return name;
}

/// First-level decoding (RFC 1001 §14.1): each byte is two letters 'A' + nibble.
Result<Name> decode_first_level(Bytes encoded, const ByteReader& at) {
  std::array<std::uint8_t, kRawNameLength> raw{};
  for (std::size_t byte_idx = 0; byte_idx < raw.size(); ++byte_idx) {
    const int high = encoded[2 * byte_idx] - 'A';
    const int low = encoded[2 * byte_idx + 1] - 'A';
    if (high < 0 || high > 15 || low < 0 || low > 15) {
      return tl::unexpected(at.error(ParseErrorCode::Malformed, "netbios.bad_name"));
    }
    raw[byte_idx] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return name_from_raw(raw);
}

/// Skips the scope labels that follow the encoded name, up to the root label or a pointer.
Result<bool> skip_scope(ByteReader& cursor) {
  for (std::size_t label_idx = 0; label_idx < kMaxScopeLabels; ++label_idx) {
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, cursor.read_u8());
    if (length == 0) {
      return true;
    }
    if ((length & kPointerMask) == kPointerMask) {
      return cursor.skip(1);  // the rest of the scope lives elsewhere; it is not needed
    }
    if (length > kMaxLabelLength) {
      return tl::unexpected(cursor.error(ParseErrorCode::Malformed, "netbios.bad_name"));
    }
    WARDEN_RETURN_IF_ERROR(cursor.skip(length));
  }
  return tl::unexpected(cursor.error(ParseErrorCode::LimitExceeded, "netbios.too_many_labels"));
}

/// Reads a name at `reader`, following compression pointers (RFC 1002 §4.1) into the message.
Result<Name> read_name(ByteReader& reader) {
  ByteReader cursor = reader;
  bool jumped = false;
  for (std::size_t hop = 0; hop <= kMaxPointerHops; ++hop) {
    const std::size_t label_at = cursor.position();
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, cursor.read_u8());
    if ((length & kPointerMask) == kPointerMask) {
      WARDEN_ASSIGN_OR_RETURN(const std::uint8_t low, cursor.read_u8());
      if (!jumped) {
        reader = cursor;  // the message continues after the first pointer
        jumped = true;
      }
      const std::size_t target = ((std::size_t{length} & kPointerHighBits) << 8) | low;
      if (target >= label_at) {  // only backwards, so pointers cannot loop
        return tl::unexpected(cursor.error(ParseErrorCode::Malformed, "netbios.bad_pointer"));
      }
      WARDEN_RETURN_IF_ERROR(cursor.seek(target));
      continue;
    }
    if (length != kEncodedNameLength) {
      return tl::unexpected(cursor.error(ParseErrorCode::Malformed, "netbios.bad_name"));
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes encoded, cursor.read_bytes(kEncodedNameLength));
    WARDEN_ASSIGN_OR_RETURN(const Name name, decode_first_level(encoded, cursor));
    WARDEN_RETURN_IF_ERROR(skip_scope(cursor));
    if (!jumped) {
      reader = cursor;
    }
    return name;
  }
  return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "netbios.bad_pointer"));
}

Result<bool> parse_body(ByteReader& reader, Message& msg) {
  for (std::size_t question_idx = 0; question_idx < msg.header.qdcount; ++question_idx) {
    Question& question = msg.questions[msg.question_count++];
    WARDEN_ASSIGN_OR_RETURN(question.name, read_name(reader));
    WARDEN_ASSIGN_OR_RETURN(question.type, reader.read_u16_be());
    WARDEN_ASSIGN_OR_RETURN(question.qclass, reader.read_u16_be());
  }
  const std::array<std::pair<Section, std::uint16_t>, 3> sections = {{
      {Section::Answer, msg.header.ancount},
      {Section::Authority, msg.header.nscount},
      {Section::Additional, msg.header.arcount},
  }};
  for (const auto& [section, count] : sections) {
    for (std::size_t record_idx = 0; record_idx < count; ++record_idx) {
      Record& record = msg.records[msg.record_count++];
      record.section = section;
      WARDEN_ASSIGN_OR_RETURN(record.name, read_name(reader));
      WARDEN_ASSIGN_OR_RETURN(record.type, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(record.rclass, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(record.ttl, reader.read_u32_be());
      WARDEN_ASSIGN_OR_RETURN(const std::uint16_t rdlength, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(record.rdata, reader.read_bytes(rdlength));
    }
  }
  return true;
}

/// ByteReader reports a generic "truncated"; anomaly names carry the protocol.
tl::unexpected<ParseError> named(ParseError error) {
  if (error.code == ParseErrorCode::Incomplete) {
    error.name = "netbios.truncated";
  }
  return tl::unexpected(error);
}

}  // namespace

std::string_view Name::text() const {
  const std::string_view padded(chars.data(), chars.size());
  const std::size_t last = padded.find_last_not_of(std::string_view(" \0", 2));
  return last == std::string_view::npos ? std::string_view{} : padded.substr(0, last + 1);
}

Result<Message> parse_message(Bytes payload) {
  if (payload.size() < kHeaderSize) {
    return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(payload.size()),
                "netbios.truncated");
  }
  ByteReader reader(payload);
  Message msg;
  Header& header = msg.header;
  // The size check above covers the header.
  header.transaction_id = *reader.read_u16_be();
  const std::uint16_t flags = *reader.read_u16_be();
  header.is_response = (flags & 0x8000U) != 0;
  header.opcode = static_cast<std::uint8_t>((flags >> 11) & 0x0FU);
  header.nm_flags = static_cast<std::uint8_t>((flags >> 4) & 0x7FU);
  header.rcode = static_cast<std::uint8_t>(flags & 0x0FU);
  header.qdcount = *reader.read_u16_be();
  header.ancount = *reader.read_u16_be();
  header.nscount = *reader.read_u16_be();
  header.arcount = *reader.read_u16_be();
  const std::size_t record_total = std::size_t{header.ancount} + header.nscount + header.arcount;
  if (header.qdcount > kMaxQuestions || record_total > kMaxRecords) {
    return fail(ParseErrorCode::LimitExceeded, 4, "netbios.too_many_records");
  }
  if (const auto body = parse_body(reader, msg); !body) {
    return named(body.error());
  }
  return msg;
}

NbEntries parse_nb_entries(Bytes rdata) {
  NbEntries out;
  ByteReader reader(rdata);
  while (out.count < kMaxNbEntries && reader.remaining() >= kNbEntrySize) {
    NbEntry& entry = out.entries[out.count++];
    entry.flags = *reader.read_u16_be();
    entry.address = IpAddress::v4(*reader.read_bytes(4));
  }
  return out;
}

Result<NodeStatus> parse_node_status(Bytes rdata) {
  ByteReader reader(rdata);
  NodeStatus status;
  const auto count = reader.read_u8();
  if (!count) {
    return named(count.error());
  }
  const std::size_t kept = std::min<std::size_t>(*count, kMaxNodeNames);
  for (std::size_t name_idx = 0; name_idx < kept; ++name_idx) {
    const auto entry = reader.read_bytes(kNodeNameSize);
    if (!entry) {
      return named(entry.error());
    }
    const auto flags =
        static_cast<std::uint16_t>(((*entry)[kRawNameLength] << 8) | (*entry)[kRawNameLength + 1]);
    status.names[status.count++] = NodeName{name_from_raw(*entry), flags};
  }
  if (const auto skipped = reader.skip((*count - kept) * kNodeNameSize); !skipped) {
    return named(skipped.error());
  }
  if (const auto unit_id = reader.read_bytes(kUnitIdSize)) {
    status.unit_id = MacAddress::from_bytes(*unit_id);
  }
  return status;
}

}  // namespace warden::proto::netbios
