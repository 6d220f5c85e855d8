// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"
#include "protocols/credentials/basic_auth.hpp"

namespace warden::proto::rtsp {

/// Longest message head (start line, header lines and the blank line) accepted.
inline constexpr std::size_t kMaxHeadBytes = std::size_t{8} * 1024;
/// Most header fields kept per head; more is "rtsp.too_many_headers".
inline constexpr std::size_t kMaxHeaders = 48;
/// Most lines after the start line, counting ignored ones.
inline constexpr std::size_t kMaxHeaderLines = 2 * kMaxHeaders;
/// Longest method token ("GET_PARAMETER" is 13).
inline constexpr std::size_t kMaxMethodLength = 32;
/// Most digits of a Content-Length value.
inline constexpr std::size_t kMaxContentLengthDigits = 9;
/// Longest Basic credential decoded ("user:password"); longer ones are not decoded.
inline constexpr std::size_t kMaxBasicBytes = credentials::kMaxBasicBytes;
/// Bytes of the interleaved binary data header: '$', channel, 16-bit length (RFC 2326 §10.12).
inline constexpr std::size_t kInterleavedHeaderBytes = 4;

/// One header field. Views alias the parsed buffer.
struct Header {
  std::string_view name;   ///< as sent (compare with iequals)
  std::string_view value;  ///< surrounding whitespace removed
};

enum class MessageType : std::uint8_t { Request, Response };

/// An RTSP message head (RFC 2326 §6-7, RFC 7826 §7-8): an HTTP-like start line
/// ("DESCRIBE rtsp://host/path RTSP/1.0" or "RTSP/1.0 200 OK") and header fields. Every view
/// aliases the parsed buffer and is valid only while it is. Unlike the HTTP parser, the
/// Authorization value is kept whole: the analyzer needs the Basic user name, and drops the rest.
struct Head {
  MessageType type = MessageType::Request;
  std::string_view method;   ///< requests: "OPTIONS", "DESCRIBE", ...
  std::string_view target;   ///< requests: "rtsp://..." or "*"
  std::string_view version;  ///< "RTSP/1.0" or "RTSP/2.0"
  std::uint16_t status = 0;  ///< responses: 100..999
  std::array<Header, kMaxHeaders> headers{};
  std::size_t header_count = 0;
  std::size_t length = 0;  ///< bytes of the head, its blank line included

  [[nodiscard]] bool is_request() const { return type == MessageType::Request; }
  [[nodiscard]] std::span<const Header> fields() const {
    return std::span<const Header>(headers).first(header_count);
  }
  /// Value of the first field named `name` (ASCII case-insensitive), "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const;
  /// Content-Length: 0 when absent, Malformed "rtsp.bad_content_length" when not a number.
  [[nodiscard]] Result<std::size_t> content_length() const;
};

/// Parses a head at the start of stream data. Incomplete until the blank line is present;
/// LimitExceeded "rtsp.head_too_long" beyond kMaxHeadBytes; Malformed "rtsp.bad_start_line" as
/// soon as the first line cannot be an RTSP start line, so other streams fail fast.
[[nodiscard]] Result<Head> parse_head(Bytes bytes);

/// Total bytes of an interleaved frame ('$' channel length data) at the start of `bytes`;
/// Incomplete while its 4-byte header is cut short.
[[nodiscard]] Result<std::size_t> parse_interleaved(Bytes bytes);

/// Scheme token of an Authorization or WWW-Authenticate value ("Basic", "Digest"); "" if none.
[[nodiscard]] std::string_view auth_scheme(std::string_view value);

/// A Basic credential (RFC 7617) decoded into caller storage. Both views alias `storage`.
using BasicCredentials = credentials::BasicCredentials;

/// Decodes the base64 token of "Basic <token>" into `storage`. Malformed "rtsp.bad_basic_auth"
/// when it is not base64 of "user:password", LimitExceeded "rtsp.basic_auth_too_long" when the
/// decoded text would not fit.
[[nodiscard]] Result<BasicCredentials> decode_basic(std::string_view authorization,
                                                    std::array<char, kMaxBasicBytes>& storage);

/// The username="..." parameter of a Digest Authorization value (RFC 7616 §3.4); nullopt when
/// absent.
[[nodiscard]] std::optional<std::string_view> digest_username(std::string_view authorization);

/// True when `payload` starts like RTSP: "OPTIONS rtsp://", "DESCRIBE rtsp://" (and the other
/// methods a client opens with) or "RTSP/1.0 ".
[[nodiscard]] bool looks_like_rtsp(Bytes payload);

}  // namespace warden::proto::rtsp
