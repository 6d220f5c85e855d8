// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"
#include "protocols/credentials/basic_auth.hpp"

namespace warden::proto::http {

/// Longest message head (start line, header lines and the blank line) accepted.
inline constexpr std::size_t kMaxHeadBytes = std::size_t{16} * 1024;
/// Most header fields kept per head; more is "http.too_many_headers".
inline constexpr std::size_t kMaxHeaders = 64;
/// Most lines after the start line, counting ignored and continuation lines.
inline constexpr std::size_t kMaxHeaderLines = 2 * kMaxHeaders;
/// Longest request method token ("M-SEARCH", "PROPFIND", ...).
inline constexpr std::size_t kMaxMethodLength = 32;
/// Empty lines tolerated before a request line (RFC 9112 §2.2).
inline constexpr std::size_t kMaxLeadingEmptyLines = 2;
/// Longest authentication scheme token reported ("AWS4-HMAC-SHA256" is 16).
inline constexpr std::size_t kMaxAuthSchemeLength = 24;
/// Most chunks in one chunked body; more is "http.too_many_chunks".
inline constexpr std::size_t kMaxChunks = 4096;
/// Longest chunk-size line, extensions included.
inline constexpr std::size_t kMaxChunkLineBytes = 1024;
/// Most hex digits of a chunk size (15 digits < 2^60, so sizes never overflow a 64-bit size_t).
inline constexpr std::size_t kMaxChunkSizeDigits = 15;
/// Most digits of a Content-Length value (18 digits < 2^60).
inline constexpr std::size_t kMaxContentLengthDigits = 18;

/// One header field (RFC 9112 §5). Views alias the parsed buffer.
struct Header {
  std::string_view name;   ///< field name as sent (compare with iequals)
  std::string_view value;  ///< value with surrounding whitespace removed
};

enum class MessageType : std::uint8_t { Request, Response };

/// A message head: start line (RFC 9112 §3 request-line, §4 status-line) and header section
/// (§5). Every view aliases the parsed buffer and is valid only while it is.
///
/// Secrets never leave the parser: the value of Authorization and Proxy-Authorization is cut to
/// its scheme token (RFC 9110 §11.4, "Basic", "Bearer", ...; empty when the value has no
/// "scheme SP credentials" shape), and Cookie / Set-Cookie values are emptied. Of a Basic
/// credential only the user name and the default-list verdict are kept (`basic`).
struct Head {
  MessageType type = MessageType::Request;
  std::string_view method;   ///< requests: "GET", "NOTIFY", "M-SEARCH", ...
  std::string_view target;   ///< requests: request-target as sent ("/", "*", absolute URI)
  std::string_view version;  ///< "HTTP/1.0" or "HTTP/1.1"
  std::uint16_t status = 0;  ///< responses: status code, 100..999
  std::string_view reason;   ///< responses: reason phrase, possibly empty
  std::array<Header, kMaxHeaders> headers{};
  std::size_t header_count = 0;
  std::size_t ignored_lines = 0;  ///< header lines without a valid "name:" (and obs-fold lines)
  std::size_t length = 0;         ///< bytes of the head, the terminating empty line included
  /// A Basic Authorization (RFC 7617): the user name and whether the password was a default;
  /// the password itself is compared while parsing and never kept.
  bool basic_login = false;
  credentials::BasicLogin basic;

  [[nodiscard]] bool is_request() const { return type == MessageType::Request; }
  [[nodiscard]] std::span<const Header> fields() const {
    return std::span<const Header>(headers).first(header_count);
  }
  /// Value of the first field named `name` (ASCII case-insensitive), if present.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;
  /// Value of the first field named `name`, or "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const {
    return find(name).value_or(std::string_view{});
  }

  [[nodiscard]] std::string_view host() const { return get("Host"); }
  [[nodiscard]] std::string_view user_agent() const { return get("User-Agent"); }
  [[nodiscard]] std::string_view server() const { return get("Server"); }
  [[nodiscard]] std::string_view content_type() const { return get("Content-Type"); }
  [[nodiscard]] std::string_view transfer_encoding() const { return get("Transfer-Encoding"); }
  /// Content-Length (RFC 9112 §6.2): nullopt when absent; Malformed "http.bad_content_length"
  /// when a value is not a decimal number or several fields disagree.
  [[nodiscard]] Result<std::optional<std::uint64_t>> content_length() const;
  /// True when the final transfer coding is "chunked" (RFC 9112 §6.1).
  [[nodiscard]] bool is_chunked() const;
  /// Scheme of the Authorization field only ("Basic"), never its credentials; "" when absent.
  [[nodiscard]] std::string_view authorization_scheme() const { return get("Authorization"); }
  /// First scheme of the WWW-Authenticate challenge ("Digest"), "" when absent.
  [[nodiscard]] std::string_view www_authenticate_scheme() const;
};

/// Parses a message head at the start of stream data. Returns Incomplete until the empty line
/// ("\r\n\r\n", or bare "\n\n") is present, LimitExceeded "http.head_too_long" when it is not
/// within kMaxHeadBytes, and Malformed / Unsupported as soon as the start line cannot be HTTP/1.x,
/// so non-HTTP streams are rejected after a few bytes.
[[nodiscard]] Result<Head> parse_head(Bytes bytes);

/// Parses a head that fills a whole datagram (SSDP over UDP, UPnP DA 2.0 §1.1.2): the end of
/// `bytes` also ends the head, so a missing empty line or final CRLF is tolerated.
[[nodiscard]] Result<Head> parse_datagram_head(Bytes bytes);

/// The framing of one chunk (RFC 9112 §7.1): `chunk-size [ext] CRLF chunk-data CRLF`.
struct ChunkHeader {
  std::size_t line_length = 0;  ///< the chunk-size line, its line ending included
  std::size_t data_length = 0;  ///< chunk-data bytes; 0 marks the last chunk
};

/// Parses the chunk-size line at the start of `bytes`. Incomplete without a line end;
/// LimitExceeded "http.chunk_size_overflow" beyond kMaxChunkSizeDigits digits, Malformed
/// "http.bad_chunk" otherwise.
[[nodiscard]] Result<ChunkHeader> parse_chunk_header(Bytes bytes);

/// Length of the trailer section after the last chunk, its final empty line included
/// (RFC 9112 §7.1.2). Incomplete until that line is present.
[[nodiscard]] Result<std::size_t> parse_trailers(Bytes bytes);

/// Walks a chunked body as it streams past, without keeping it (RFC 9112 §7.1).
class ChunkedSkipper {
 public:
  /// Consumes chunk framing and data from `bytes`, the body data not yet consumed. The count may
  /// exceed `bytes.size()`: the caller then skips that many further bytes (chunk data, unseen).
  /// Incomplete when nothing could be consumed; done() once the last chunk and trailers passed.
  [[nodiscard]] Result<std::size_t> feed(Bytes bytes);
  [[nodiscard]] bool done() const { return done_; }

 private:
  std::size_t chunks_ = 0;
  bool in_trailers_ = false;
  bool done_ = false;
};

/// A chunked body decoded as far as the buffered bytes allow.
struct DecodedBody {
  std::string data;          ///< concatenated chunk data, at most the requested maximum
  std::size_t consumed = 0;  ///< encoded bytes walked (whole chunks only)
  bool complete = false;     ///< the last chunk and the trailers were all present
};

/// Decodes the chunks wholly present at the start of `bytes`, keeping at most `max_data` bytes
/// of data. Errors as for parse_chunk_header, plus "http.too_many_chunks".
[[nodiscard]] Result<DecodedBody> decode_chunked(Bytes bytes, std::size_t max_data);

}  // namespace warden::proto::http
