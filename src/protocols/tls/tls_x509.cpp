// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_x509.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace warden::proto::tls {
namespace {

/// Universal and context tags used on the path to the names (X.690 §8, RFC 5280 §4.1).
namespace tag {
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kOid = 0x06;
constexpr std::uint8_t kUtf8String = 0x0c;
constexpr std::uint8_t kPrintableString = 0x13;
constexpr std::uint8_t kTeletexString = 0x14;
constexpr std::uint8_t kIa5String = 0x16;
constexpr std::uint8_t kVisibleString = 0x1a;
constexpr std::uint8_t kBmpString = 0x1e;
constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kSet = 0x31;
constexpr std::uint8_t kExplicitVersion = 0xa0;  ///< [0] EXPLICIT Version
}  // namespace tag

/// Attribute types rendered, keyed by the DER content octets of their OID.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kAttributeLabels{{
    {"\x55\x04\x03", "CN"},                                    // 2.5.4.3
    {"\x55\x04\x06", "C"},                                     // 2.5.4.6
    {"\x55\x04\x07", "L"},                                     // 2.5.4.7
    {"\x55\x04\x08", "ST"},                                    // 2.5.4.8
    {"\x55\x04\x0a", "O"},                                     // 2.5.4.10
    {"\x55\x04\x0b", "OU"},                                    // 2.5.4.11
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"},        // 0.9.2342.19200300.100.1.25
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "emailAddress"},  // 1.2.840.113549.1.9.1
}};

struct Tlv {
  std::uint8_t tag;
  Bytes value;
};

Result<Tlv> read_tlv(ByteReader& reader) {
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t tag, reader.read_u8());
  if ((tag & 0x1fU) == 0x1fU) {
    return tl::unexpected(reader.error(ParseErrorCode::Unsupported, "tls.x509_high_tag_number"));
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t first, reader.read_u8());
  std::size_t length = first;
  if ((first & 0x80U) != 0) {
    const std::size_t octets = first & 0x7fU;
    if (octets == 0) {
      return tl::unexpected(reader.error(ParseErrorCode::Malformed, "tls.x509_indefinite_length"));
    }
    if (octets > kMaxDerLengthOctets) {
      return tl::unexpected(
          reader.error(ParseErrorCode::LimitExceeded, "tls.x509_length_too_long"));
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes raw, reader.read_bytes(octets));
    length = 0;
    for (const std::uint8_t byte : raw) {
      length = (length << 8) | byte;
    }
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes value, reader.read_bytes(length));
  return Tlv{tag, value};
}

/// Reads one TLV and requires its tag to be `expected`.
Result<Bytes> read_expected(ByteReader& reader, std::uint8_t expected) {
  WARDEN_ASSIGN_OR_RETURN(const Tlv tlv, read_tlv(reader));
  if (tlv.tag != expected) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "tls.x509_unexpected_tag"));
  }
  return tlv.value;
}

std::string_view attribute_label(Bytes oid) {
  for (const auto& [encoded, label] : kAttributeLabels) {
    if (as_chars(oid) == encoded) {
      return label;
    }
  }
  return {};
}

/// BMPString (UCS-2, big-endian) to UTF-8; surrogate halves become '?'.
std::string bmp_to_utf8(Bytes ucs2) {
  std::string out;
  ByteReader reader(ucs2);
  for (std::size_t char_idx = 0; char_idx < kMaxRenderedNameLength && reader.remaining() >= 2;
       ++char_idx) {
    const std::uint16_t code = reader.read_u16_be().value_or(0);
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xc0U | (code >> 6)));
      out.push_back(static_cast<char>(0x80U | (code & 0x3fU)));
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out.push_back('?');
    } else {
      out.push_back(static_cast<char>(0xe0U | (code >> 12)));
      out.push_back(static_cast<char>(0x80U | ((code >> 6) & 0x3fU)));
      out.push_back(static_cast<char>(0x80U | (code & 0x3fU)));
    }
  }
  return out;
}

/// Appends `value` with the escapes of RFC 4514 §2.4, stopping at kMaxRenderedNameLength.
void append_escaped(std::string& out, std::string_view value) {
  for (std::size_t char_idx = 0; char_idx < value.size() && out.size() < kMaxRenderedNameLength;
       ++char_idx) {
    const char c = value[char_idx];
    const bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                         c == ';' || (char_idx == 0 && (c == '#' || c == ' ')) ||
                         (char_idx + 1 == value.size() && c == ' ');
    if (special) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
}

/// Appends the known attributes of one RelativeDistinguishedName (a SET body), '+'-joined and
/// ','-separated from what `out` already holds.
Result<bool> append_rdn(std::string& out, Bytes rdn) {
  ByteReader reader(rdn);
  bool wrote_any = false;
  for (std::size_t attr_idx = 0; attr_idx < kMaxAttributesPerRdn && !reader.empty(); ++attr_idx) {
    WARDEN_ASSIGN_OR_RETURN(const Bytes attribute, read_expected(reader, tag::kSequence));
    ByteReader fields(attribute);
    WARDEN_ASSIGN_OR_RETURN(const Bytes oid, read_expected(fields, tag::kOid));
    WARDEN_ASSIGN_OR_RETURN(const Tlv value, read_tlv(fields));
    const std::string_view label = attribute_label(oid);
    if (label.empty()) {
      continue;
    }
    std::string converted;
    std::string_view text;
    switch (value.tag) {
      case tag::kUtf8String:
      case tag::kPrintableString:
      case tag::kTeletexString:
      case tag::kIa5String:
      case tag::kVisibleString:
        text = as_chars(value.value);
        break;
      case tag::kBmpString:
        converted = bmp_to_utf8(value.value);
        text = converted;
        break;
      default:
        continue;  // not a character string
    }
    if (wrote_any) {
      out.push_back('+');
    } else if (!out.empty()) {
      out.push_back(',');
    }
    out.append(label);
    out.push_back('=');
    append_escaped(out, text);
    wrote_any = true;
  }
  return wrote_any;
}

Result<std::string> render_name(Bytes name) {
  std::array<Bytes, kMaxRdns> rdns{};
  std::size_t count = 0;
  ByteReader reader(name);
  for (; !reader.empty(); ++count) {
    if (count == kMaxRdns) {
      return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "tls.x509_too_many_rdns"));
    }
    WARDEN_ASSIGN_OR_RETURN(rdns.at(count), read_expected(reader, tag::kSet));
  }
  // RFC 4514 §2.1: the last RDN of the sequence is written first.
  std::string out;
  for (std::size_t rdn_idx = count; rdn_idx-- > 0;) {
    WARDEN_RETURN_IF_ERROR(append_rdn(out, rdns.at(rdn_idx)));
  }
  return out;
}

Result<CertificateNames> parse_names(Bytes der) {
  ByteReader outer(der);
  WARDEN_ASSIGN_OR_RETURN(const Bytes certificate, read_expected(outer, tag::kSequence));
  ByteReader certificate_reader(certificate);
  WARDEN_ASSIGN_OR_RETURN(const Bytes tbs, read_expected(certificate_reader, tag::kSequence));
  ByteReader tbs_reader(tbs);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t first_tag, tbs_reader.peek_u8());
  if (first_tag == tag::kExplicitVersion) {
    WARDEN_RETURN_IF_ERROR(read_tlv(tbs_reader));
  }
  WARDEN_RETURN_IF_ERROR(read_expected(tbs_reader, tag::kInteger));   // serialNumber
  WARDEN_RETURN_IF_ERROR(read_expected(tbs_reader, tag::kSequence));  // signature
  WARDEN_ASSIGN_OR_RETURN(const Bytes issuer, read_expected(tbs_reader, tag::kSequence));
  WARDEN_RETURN_IF_ERROR(read_expected(tbs_reader, tag::kSequence));  // validity
  WARDEN_ASSIGN_OR_RETURN(const Bytes subject, read_expected(tbs_reader, tag::kSequence));
  CertificateNames names;
  WARDEN_ASSIGN_OR_RETURN(names.subject, render_name(subject));
  WARDEN_ASSIGN_OR_RETURN(names.issuer, render_name(issuer));
  return names;
}

/// The DER is complete when we walk it, so running out of bytes means a length lies.
template <typename T>
Result<T> complete_or_malformed(Result<T> result) {
  if (!result && result.error().code == ParseErrorCode::Incomplete) {
    return fail(ParseErrorCode::Malformed, result.error().offset, "tls.x509_truncated");
  }
  return result;
}

}  // namespace

Result<std::string> render_distinguished_name(Bytes name) {
  return complete_or_malformed(render_name(name));
}

Result<CertificateNames> parse_certificate_names(Bytes der) {
  return complete_or_malformed(parse_names(der));
}

}  // namespace warden::proto::tls
