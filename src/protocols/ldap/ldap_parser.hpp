// SPDX-License-Identifier: Apache-2.0
// LDAPv3 messages (RFC 4511) as far as logins need them: the framing of every message, and the
// contents of binds, their results and StartTLS. Pure functions over bytes; views alias the input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::ldap {

/// Most length octets of a BER long-form length (X.690 §8.1.3.5): Active Directory sends four.
inline constexpr std::size_t kMaxLengthOctets = 4;
/// Longest name (bind DN, SASL or NTLM user) kept; longer names are cut.
inline constexpr std::size_t kMaxNameBytes = 128;

/// protocolOp tags (RFC 4511 §4.2 to §4.12, [APPLICATION n]): constructed except Unbind, Del and
/// Abandon.
enum class Op : std::uint8_t {
  BindRequest = 0x60,
  BindResponse = 0x61,
  UnbindRequest = 0x42,
  SearchRequest = 0x63,
  SearchResultEntry = 0x64,
  SearchResultDone = 0x65,
  ExtendedRequest = 0x77,
  ExtendedResponse = 0x78,
};

/// resultCode values used here (RFC 4511 §4.1.9).
inline constexpr std::uint32_t kResultSuccess = 0;
inline constexpr std::uint32_t kResultSaslBindInProgress = 14;
inline constexpr std::uint32_t kResultInvalidCredentials = 49;

/// The StartTLS extended operation's name (RFC 4511 §4.14.1).
inline constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";

/// A BER identifier and definite length (X.690 §8.1.2, §8.1.3).
struct Header {
  std::uint8_t tag = 0;            ///< identifier octet (low-tag-number form only)
  std::size_t header_length = 0;   ///< identifier and length octets
  std::size_t content_length = 0;  ///< contents octets
  [[nodiscard]] std::size_t total() const { return header_length + content_length; }
};

/// Reads the identifier and length at the start of `bytes` (the contents need not be there).
/// Errors: Incomplete "ldap.truncated" when the header itself is cut; Malformed
/// "ldap.high_tag_number", "ldap.indefinite_length" (RFC 4511 §5.1 allows only definite lengths),
/// "ldap.length_too_long" (more than kMaxLengthOctets length octets).
[[nodiscard]] Result<Header> read_header(Bytes bytes);

/// The start of an LDAPMessage (RFC 4511 §4.1.1): SEQUENCE { messageID, protocolOp, ... }.
struct MessageHead {
  std::size_t total_length = 0;  ///< the whole message, header included
  std::uint32_t message_id = 0;  ///< 0 .. 2^31-1
  std::uint8_t op = 0;           ///< protocolOp identifier octet (Op for the ones used here)
  std::size_t op_offset = 0;     ///< where the protocolOp's header starts within the message
};

/// Reads the head of the message at the start of `bytes`: needs only the first few bytes (the
/// rest of the message may be absent). Errors: Incomplete "ldap.truncated"; Malformed
/// "ldap.bad_message" (not a SEQUENCE, no INTEGER messageID of 1 to 4 octets, or a protocolOp
/// beyond the message), and read_header()'s.
[[nodiscard]] Result<MessageHead> read_message_head(Bytes bytes);

/// How a bind authenticates (RFC 4511 §4.2 AuthenticationChoice; [9] to [11] are Microsoft's
/// "Sicily" NTLM binds, MS-ADTS 5.1.1.1.3).
enum class AuthKind : std::uint8_t { Simple, Sasl, Sicily, Other };

/// A BindRequest. `password` and `credentials` alias secrets: callers compare and forget them.
struct BindRequest {
  std::uint32_t version = 0;
  std::string_view name;  ///< the bind DN (or whatever the server accepts as a name)
  AuthKind kind = AuthKind::Other;
  std::string_view password;   ///< simple: the password, empty for anonymous/unauthenticated
  std::string_view mechanism;  ///< sasl: the mechanism name ("PLAIN", "GSS-SPNEGO", ...)
  Bytes credentials;           ///< sasl: the credentials; sicily and other: the whole choice
};

/// Parses a BindRequest's contents (after its [APPLICATION 0] header). Errors: Malformed
/// "ldap.bad_bind" (a field missing or of the wrong type), or a TLV error.
[[nodiscard]] Result<BindRequest> parse_bind_request(Bytes contents);

/// The LDAPResult that starts every response (RFC 4511 §4.1.9).
struct LdapResult {
  std::uint32_t code = 0;
  std::string_view diagnostic;  ///< diagnosticMessage
};

/// Parses the LDAPResult at the start of a response's contents. Errors: Malformed
/// "ldap.bad_result", or a TLV error.
[[nodiscard]] Result<LdapResult> parse_result(Bytes contents);

/// The requestName of an ExtendedRequest's contents (RFC 4511 §4.12). Errors: Malformed
/// "ldap.bad_extended", or a TLV error.
[[nodiscard]] Result<std::string_view> parse_extended_name(Bytes contents);

/// A user name in a fixed buffer (no allocation): printable ASCII, other characters as '?'.
struct Name {
  std::array<char, kMaxNameBytes> bytes{};
  std::size_t length = 0;
  [[nodiscard]] std::string_view view() const { return {bytes.data(), length}; }
  void append(char value) {
    if (length < bytes.size()) {
      bytes.at(length++) = value >= 0x20 && value < 0x7F ? value : '?';
    }
  }
  void append(std::string_view text) {
    for (const char value : text) {
      append(value);
    }
  }
};

/// The authentication identity of SASL PLAIN credentials (RFC 4616 §2: [authzid] NUL authcid NUL
/// passwd), and the password, which aliases the input. nullopt when they are not of that form.
struct PlainCredentials {
  std::string_view user;
  std::string_view password;
};
[[nodiscard]] std::optional<PlainCredentials> parse_sasl_plain(Bytes credentials);

/// The user of an NTLM AUTHENTICATE message (MS-NLMP 2.2.1.3) found anywhere in `blob` (a SASL
/// GSS-SPNEGO or NTLM token, or a Sicily response): "DOMAIN\user", or "user" without a domain.
/// nullopt when `blob` holds no AUTHENTICATE message or its user field lies outside it.
[[nodiscard]] std::optional<Name> find_ntlm_user(Bytes blob);

}  // namespace warden::proto::ldap
