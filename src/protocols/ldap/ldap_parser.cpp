// SPDX-License-Identifier: Apache-2.0
#include "protocols/ldap/ldap_parser.hpp"

namespace warden::proto::ldap {
namespace {

constexpr std::uint8_t kHighTagNumber = 0x1F;
constexpr std::uint8_t kTagInteger = 0x02;
constexpr std::uint8_t kTagOctetString = 0x04;
constexpr std::uint8_t kTagEnumerated = 0x0A;
constexpr std::uint8_t kTagSequence = 0x30;
constexpr std::uint8_t kAuthSimple = 0x80;  ///< [0] primitive
constexpr std::uint8_t kAuthSasl = 0xA3;    ///< [3] constructed
// Microsoft's Sicily NTLM binds: [9] package discovery, [10] negotiate, [11] response.
constexpr std::uint8_t kAuthSicilyFirst = 0x89;
constexpr std::uint8_t kAuthSicilyLast = 0x8B;
constexpr std::uint8_t kExtendedName = 0x80;  ///< requestName [0]

/// One whole TLV of `reader`: its header and contents, which must all be there (inside a message
/// that is complete, a short TLV is malformed, not incomplete).
struct Tlv {
  std::uint8_t tag = 0;
  Bytes contents;
};

Result<Tlv> read_tlv(ByteReader& reader) {
  auto header = read_header(reader.rest());
  if (!header) {
    return tl::unexpected(
        ParseError{ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                   header.error().code == ParseErrorCode::Incomplete ? "ldap.truncated"
                                                                     : header.error().name});
  }
  if (header->content_length > reader.remaining() - header->header_length) {
    return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                "ldap.truncated");
  }
  const Bytes contents = reader.rest().subspan(header->header_length, header->content_length);
  (void)reader.skip(header->total());
  return Tlv{header->tag, contents};
}

/// A non-negative INTEGER or ENUMERATED of at most four contents octets.
std::optional<std::uint32_t> read_unsigned(Bytes contents) {
  if (contents.empty() || contents.size() > 4 || (contents[0] & 0x80U) != 0) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (const std::uint8_t octet : contents) {
    value = (value << 8) | octet;
  }
  return value;
}

/// The contents of the next TLV of `reader`, which must have `tag`; Malformed `name` otherwise.
Result<Bytes> read_field(ByteReader& reader, std::uint8_t tag, const char* name) {
  WARDEN_ASSIGN_OR_RETURN(const Tlv tlv, read_tlv(reader));
  if (tlv.tag != tag) {
    return fail(ParseErrorCode::Malformed, 0, name);
  }
  return tlv.contents;
}

/// read_field() of a non-negative number (read_unsigned()).
Result<std::uint32_t> read_number(ByteReader& reader, std::uint8_t tag, const char* name) {
  WARDEN_ASSIGN_OR_RETURN(const Bytes contents, read_field(reader, tag, name));
  const auto number = read_unsigned(contents);
  if (!number) {
    return fail(ParseErrorCode::Malformed, 0, name);
  }
  return *number;
}

std::uint32_t read_u32_le(Bytes bytes, std::size_t at) {
  return std::uint32_t{bytes[at]} | (std::uint32_t{bytes[at + 1]} << 8) |
         (std::uint32_t{bytes[at + 2]} << 16) | (std::uint32_t{bytes[at + 3]} << 24);
}

/// An NTLM security buffer (MS-NLMP 2.2.2.10: length, maximum length, offset) of `message`,
/// or nullopt when it points outside it.
std::optional<Bytes> security_buffer(Bytes message, std::size_t field_at) {
  const std::size_t length =
      std::size_t{message[field_at]} | (std::size_t{message[field_at + 1]} << 8);
  const std::size_t offset = read_u32_le(message, field_at + 4);
  if (offset > message.size() || length > message.size() - offset) {
    return std::nullopt;
  }
  return message.subspan(offset, length);
}

/// Appends an NTLM string: UTF-16LE when the message negotiated Unicode, else 8-bit.
void append_ntlm_text(Bytes text, bool unicode, Name& name) {
  if (!unicode) {
    name.append(as_chars(text));
    return;
  }
  for (std::size_t at = 0; at + 1 < text.size(); at += 2) {
    const unsigned unit = text[at] | (unsigned{text[at + 1]} << 8);
    name.append(unit < 0x80 ? static_cast<char>(unit) : '?');
  }
}

}  // namespace

Result<Header> read_header(Bytes bytes) {
  const auto truncated = [] { return fail(ParseErrorCode::Incomplete, 0, "ldap.truncated"); };
  if (bytes.size() < 2) {
    return truncated();
  }
  Header header;
  header.tag = bytes[0];
  if ((header.tag & kHighTagNumber) == kHighTagNumber) {
    return fail(ParseErrorCode::Malformed, 0, "ldap.high_tag_number");
  }
  const std::uint8_t first = bytes[1];
  if ((first & 0x80U) == 0) {
    header.header_length = 2;
    header.content_length = first;
    return header;
  }
  const std::size_t octets = first & 0x7FU;
  if (octets == 0) {
    return fail(ParseErrorCode::Malformed, 1, "ldap.indefinite_length");
  }
  if (octets > kMaxLengthOctets) {
    return fail(ParseErrorCode::Malformed, 1, "ldap.length_too_long");
  }
  if (bytes.size() < 2 + octets) {
    return truncated();
  }
  std::size_t length = 0;
  for (std::size_t octet_idx = 0; octet_idx < octets; ++octet_idx) {
    length = (length << 8) | bytes[2 + octet_idx];
  }
  header.header_length = 2 + octets;
  header.content_length = length;
  return header;
}

Result<MessageHead> read_message_head(Bytes bytes) {
  WARDEN_ASSIGN_OR_RETURN(const Header message, read_header(bytes));
  if (message.tag != kTagSequence) {
    return fail(ParseErrorCode::Malformed, 0, "ldap.bad_message");
  }
  MessageHead head;
  head.total_length = message.total();
  const Bytes inside = bytes.subspan(message.header_length);
  // messageID: INTEGER, 1 to 4 contents octets (RFC 4511 §4.1.1: 0 .. 2^31-1).
  WARDEN_ASSIGN_OR_RETURN(const Header id, read_header(inside));
  if (id.tag != kTagInteger || id.content_length == 0 || id.content_length > 4 ||
      id.total() >= message.content_length) {
    return fail(ParseErrorCode::Malformed, 0, "ldap.bad_message");
  }
  if (inside.size() < id.total() + 1) {
    return fail(ParseErrorCode::Incomplete, 0, "ldap.truncated");
  }
  const auto value = read_unsigned(inside.subspan(id.header_length, id.content_length));
  if (!value) {
    return fail(ParseErrorCode::Malformed, 0, "ldap.bad_message");
  }
  head.message_id = *value;
  head.op = inside[id.total()];
  head.op_offset = message.header_length + id.total();
  return head;
}

Result<BindRequest> parse_bind_request(Bytes contents) {
  ByteReader reader(contents);
  BindRequest bind;
  WARDEN_ASSIGN_OR_RETURN(bind.version, read_number(reader, kTagInteger, "ldap.bad_bind"));
  WARDEN_ASSIGN_OR_RETURN(const Bytes name, read_field(reader, kTagOctetString, "ldap.bad_bind"));
  bind.name = as_chars(name);
  WARDEN_ASSIGN_OR_RETURN(const Tlv auth, read_tlv(reader));
  if (auth.tag == kAuthSimple) {
    bind.kind = AuthKind::Simple;
    bind.password = as_chars(auth.contents);
  } else if (auth.tag == kAuthSasl) {
    bind.kind = AuthKind::Sasl;
    ByteReader sasl(auth.contents);
    WARDEN_ASSIGN_OR_RETURN(const Bytes mechanism,
                            read_field(sasl, kTagOctetString, "ldap.bad_bind"));
    bind.mechanism = as_chars(mechanism);
    if (!sasl.empty()) {
      WARDEN_ASSIGN_OR_RETURN(bind.credentials, read_field(sasl, kTagOctetString, "ldap.bad_bind"));
    }
  } else {
    bind.kind = auth.tag >= kAuthSicilyFirst && auth.tag <= kAuthSicilyLast ? AuthKind::Sicily
                                                                            : AuthKind::Other;
    bind.credentials = auth.contents;
  }
  return bind;
}

Result<LdapResult> parse_result(Bytes contents) {
  ByteReader reader(contents);
  LdapResult result;
  WARDEN_ASSIGN_OR_RETURN(result.code, read_number(reader, kTagEnumerated, "ldap.bad_result"));
  WARDEN_ASSIGN_OR_RETURN(const Tlv matched, read_tlv(reader));
  WARDEN_ASSIGN_OR_RETURN(const Tlv diagnostic, read_tlv(reader));
  if (matched.tag != kTagOctetString || diagnostic.tag != kTagOctetString) {
    return fail(ParseErrorCode::Malformed, 0, "ldap.bad_result");
  }
  result.diagnostic = as_chars(diagnostic.contents);
  return result;
}

Result<std::string_view> parse_extended_name(Bytes contents) {
  ByteReader reader(contents);
  WARDEN_ASSIGN_OR_RETURN(const Bytes name, read_field(reader, kExtendedName, "ldap.bad_extended"));
  return as_chars(name);
}

std::optional<PlainCredentials> parse_sasl_plain(Bytes credentials) {
  const std::string_view text = as_chars(credentials);
  const std::size_t first = text.find('\0');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t second = text.find('\0', first + 1);
  if (second == std::string_view::npos || text.find('\0', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return PlainCredentials{text.substr(first + 1, second - first - 1), text.substr(second + 1)};
}

std::optional<Name> find_ntlm_user(Bytes blob) {
  static constexpr std::string_view kSignature{"NTLMSSP\0", 8};
  constexpr std::uint32_t kAuthenticate = 3;
  constexpr std::size_t kDomainField = 28;
  constexpr std::size_t kUserField = 36;
  constexpr std::size_t kFlagsAt = 60;
  constexpr std::size_t kMinimumLength = 64;  // through NegotiateFlags
  constexpr std::uint32_t kNegotiateUnicode = 0x1;
  const std::size_t at = as_chars(blob).find(kSignature);
  if (at == std::string_view::npos || blob.size() - at < kMinimumLength) {
    return std::nullopt;
  }
  const Bytes message = blob.subspan(at);
  if (read_u32_le(message, kSignature.size()) != kAuthenticate) {
    return std::nullopt;
  }
  const auto domain = security_buffer(message, kDomainField);
  const auto user = security_buffer(message, kUserField);
  if (!domain || !user) {
    return std::nullopt;
  }
  const bool unicode = (read_u32_le(message, kFlagsAt) & kNegotiateUnicode) != 0;
  Name name;
  if (!domain->empty()) {
    append_ntlm_text(*domain, unicode, name);
    name.append('\\');
  }
  append_ntlm_text(*user, unicode, name);
  return name;
}

}  // namespace warden::proto::ldap
