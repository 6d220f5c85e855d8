// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

/// Pure parsers for the cleartext part of a TLS handshake (RFC 8446, RFC 5246): record headers,
/// handshake headers, ClientHello, ServerHello and the TLS <= 1.2 Certificate message. Every view
/// aliases the caller's buffer and is valid only while it is.
namespace warden::proto::tls {

/// Record header size: type(1) version(2) length(2) (RFC 8446 §5.1).
inline constexpr std::size_t kRecordHeaderLength = 5;
/// Largest record we accept: 2^14 plaintext plus the 2048 bytes RFC 5246 §6.2.3 allows for
/// compression/encryption expansion.
inline constexpr std::size_t kMaxRecordLength = 16384 + 2048;
/// Handshake message header size: type(1) length(3) (RFC 8446 §4).
inline constexpr std::size_t kHandshakeHeaderLength = 4;
/// Largest handshake message the analyzer reassembles (certificate chains are the big ones).
inline constexpr std::size_t kMaxHandshakeBytes = std::size_t{64} * 1024;
/// Most extensions kept per hello; real clients send about 20.
inline constexpr std::size_t kMaxExtensions = 64;
/// Most values iterated in any uint16 list (cipher suites, groups, signature algorithms).
inline constexpr std::size_t kMaxListValues = 1024;
/// Most ALPN protocol names iterated.
inline constexpr std::size_t kMaxAlpnProtocols = 32;

/// TLS record content types (RFC 8446 §5.1, RFC 6520 for heartbeat).
enum class ContentType : std::uint8_t {
  ChangeCipherSpec = 20,
  Alert = 21,
  Handshake = 22,
  ApplicationData = 23,
  Heartbeat = 24,
};

/// Handshake message types this module looks at (RFC 8446 §4, RFC 5246 §7.4).
enum class HandshakeType : std::uint8_t {
  ClientHello = 1,
  ServerHello = 2,
  Certificate = 11,
};

/// Extension code points used for fingerprints (IANA TLS ExtensionType Values).
namespace ext {
inline constexpr std::uint16_t kServerName = 0x0000;           ///< RFC 6066 §3
inline constexpr std::uint16_t kSupportedGroups = 0x000a;      ///< RFC 8422 §5.1.1
inline constexpr std::uint16_t kEcPointFormats = 0x000b;       ///< RFC 8422 §5.1.2
inline constexpr std::uint16_t kSignatureAlgorithms = 0x000d;  ///< RFC 8446 §4.2.3
inline constexpr std::uint16_t kAlpn = 0x0010;                 ///< RFC 7301 §3.1
inline constexpr std::uint16_t kSupportedVersions = 0x002b;    ///< RFC 8446 §4.2.1
}  // namespace ext

/// Protocol version code points.
inline constexpr std::uint16_t kTls13 = 0x0304;

/// TLSPlaintext header (RFC 8446 §5.1):
///
///     +--------+-----------------+-----------------+
///     | type 1 | legacy_version 2|     length 2    |  fragment...
///     +--------+-----------------+-----------------+
struct RecordHeader {
  ContentType type;
  std::uint16_t version;
  std::uint16_t length;  ///< fragment bytes after the header
};

/// Handshake header (RFC 8446 §4): msg_type(1) length(3).
struct HandshakeHeader {
  std::uint8_t type;
  std::uint32_t length;  ///< body bytes after the header
};

/// One extension as it appeared on the wire (RFC 8446 §4.2).
struct Extension {
  std::uint16_t type;
  Bytes data;
};

/// Extension types in wire order, GREASE included; at most kMaxExtensions.
struct ExtensionTypes {
  std::array<std::uint16_t, kMaxExtensions> values{};
  std::size_t count = 0;

  [[nodiscard]] std::span<const std::uint16_t> view() const { return {values.data(), count}; }
};

/// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2). List fields hold the vector bodies without
/// their length prefixes; iterate them with `for_each_u16` / `for_each_alpn`.
struct ClientHello {
  std::uint16_t legacy_version = 0;
  Bytes random;
  Bytes session_id;
  Bytes cipher_suites;        ///< big-endian uint16 values
  Bytes compression_methods;  ///< one byte each
  ExtensionTypes extension_types;

  bool has_server_name = false;  ///< the server_name extension was present (even if unusable)
  std::string_view server_name;  ///< first host_name entry (RFC 6066 §3), empty if none
  bool has_alpn = false;
  Bytes alpn;  ///< ProtocolNameList body: u8-length-prefixed names (RFC 7301)
  bool has_supported_versions = false;
  Bytes supported_versions;    ///< big-endian uint16 values (RFC 8446 §4.2.1)
  Bytes supported_groups;      ///< big-endian uint16 values (RFC 8446 §4.2.7)
  Bytes ec_point_formats;      ///< one byte each (RFC 8422 §5.1.2)
  Bytes signature_algorithms;  ///< big-endian uint16 values (RFC 8446 §4.2.3)
};

/// ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3).
struct ServerHello {
  std::uint16_t legacy_version = 0;
  Bytes random;
  Bytes session_id;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression_method = 0;
  ExtensionTypes extension_types;
  std::uint16_t selected_version = 0;  ///< supported_versions extension, 0 when absent

  /// The negotiated version: supported_versions when present (TLS 1.3), else legacy_version.
  [[nodiscard]] std::uint16_t version() const {
    return selected_version != 0 ? selected_version : legacy_version;
  }
};

/// Parses the 5-byte record header at the start of `bytes`. Incomplete if fewer than 5 bytes;
/// Unsupported for an SSLv2-compatible hello (high bit of the first byte set); Malformed for an
/// unknown content type, a major version other than 3, or a length above kMaxRecordLength.
[[nodiscard]] Result<RecordHeader> parse_record_header(Bytes bytes);

/// Parses the 4-byte handshake header at the start of `bytes`.
[[nodiscard]] Result<HandshakeHeader> parse_handshake_header(Bytes bytes);

/// Parses a ClientHello body (the bytes after the handshake header). Extensions past
/// kMaxExtensions fail with LimitExceeded.
[[nodiscard]] Result<ClientHello> parse_client_hello(Bytes body);

/// Parses a ServerHello body (the bytes after the handshake header).
[[nodiscard]] Result<ServerHello> parse_server_hello(Bytes body);

/// Parses a TLS <= 1.2 Certificate body (RFC 5246 §7.4.2; TLS 1.3 certificates are encrypted and
/// framed differently) and returns the DER of the first certificate, the sender's own; empty for
/// an empty chain.
[[nodiscard]] Result<Bytes> parse_first_certificate(Bytes body);

/// RFC 8701 GREASE: 0x?a?a with both bytes equal.
[[nodiscard]] constexpr bool is_grease(std::uint16_t value) {
  return (value & 0x0f0fU) == 0x0a0aU && (value >> 8) == (value & 0xffU);
}

/// Calls `fn(value)` for each big-endian uint16 of `list` (at most kMaxListValues); a trailing odd
/// byte is ignored.
template <typename Fn>
void for_each_u16(Bytes list, Fn&& fn) {
  ByteReader reader(list);
  for (std::size_t value_idx = 0; value_idx < kMaxListValues && reader.remaining() >= 2;
       ++value_idx) {
    fn(reader.read_u16_be().value_or(0));
  }
}

/// Calls `fn(name)` for each protocol name of an ALPN ProtocolNameList body (at most
/// kMaxAlpnProtocols), stopping at the first truncated entry.
template <typename Fn>
void for_each_alpn(Bytes list, Fn&& fn) {
  ByteReader reader(list);
  for (std::size_t name_idx = 0; name_idx < kMaxAlpnProtocols && !reader.empty(); ++name_idx) {
    const auto length = reader.read_u8();
    if (!length) {
      return;
    }
    const auto name = reader.read_chars(*length);
    if (!name) {
      return;
    }
    fn(*name);
  }
}

/// The highest non-GREASE version offered: supported_versions when present and non-empty, else
/// legacy_version.
[[nodiscard]] std::uint16_t highest_offered_version(const ClientHello& hello);

/// Human-readable version: "1.3", "1.2", "1.1", "1.0", "ssl3", or "0x7f1c" for anything else.
[[nodiscard]] std::string version_name(std::uint16_t version);

}  // namespace warden::proto::tls
