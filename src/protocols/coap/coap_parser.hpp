// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::coap {

/// Most options read from one message; more is "coap.too_many_options".
inline constexpr std::size_t kMaxOptions = 64;
/// Most Uri-Path segments kept; further ones are counted in `path_truncated`.
inline constexpr std::size_t kMaxPathSegments = 16;
/// Longest token (RFC 7252 §3: token lengths 9-15 are reserved).
inline constexpr std::size_t kMaxTokenLength = 8;

/// Option numbers used here (RFC 7252 §12.2).
inline constexpr std::uint32_t kOptionUriPath = 11;
inline constexpr std::uint32_t kOptionContentFormat = 12;

/// Message types (RFC 7252 §3).
enum class MessageType : std::uint8_t { Confirmable = 0, NonConfirmable = 1, Ack = 2, Reset = 3 };

/// One CoAP message (RFC 7252 §3):
///
///    0                   1                   2                   3
///    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///   |Ver| T |  TKL  |      Code     |          Message ID           |
///   |   Token (if any, TKL bytes) ...
///   |   Options (if any) ...
///   |1 1 1 1 1 1 1 1|    Payload (if any) ...
///
/// Views alias the datagram and are valid only while it is.
struct Message {
  MessageType type = MessageType::Confirmable;
  std::uint8_t code = 0;  ///< class (3 bits) . detail (5 bits)
  std::uint16_t message_id = 0;
  Bytes token;
  std::array<std::string_view, kMaxPathSegments> path{};  ///< Uri-Path segments, in order
  std::size_t path_count = 0;
  bool path_truncated = false;
  std::optional<std::uint32_t> content_format;  ///< option 12
  std::size_t option_count = 0;
  Bytes payload;  ///< after the 0xFF marker

  [[nodiscard]] std::uint8_t code_class() const { return static_cast<std::uint8_t>(code >> 5U); }
  [[nodiscard]] std::uint8_t code_detail() const { return static_cast<std::uint8_t>(code & 0x1FU); }
  [[nodiscard]] bool is_empty() const { return code == 0; }
  [[nodiscard]] bool is_request() const { return code_class() == 0 && code != 0; }
  [[nodiscard]] bool is_response() const { return code_class() >= 2 && code_class() <= 5; }
};

/// Parses one datagram. Malformed "coap.bad_version", "coap.bad_token_length",
/// "coap.truncated", "coap.reserved_option_delta", "coap.reserved_option_length",
/// "coap.empty_payload" (a payload marker with nothing after it), "coap.reserved_code_class"
/// (classes 1, 6, 7), "coap.bad_empty_message" (code 0.00 with a token, options or payload),
/// "coap.bad_content_format" (longer than 4 bytes); LimitExceeded "coap.too_many_options".
[[nodiscard]] Result<Message> parse_message(Bytes datagram);

/// Method name of a request code 0.01-0.07 ("GET", "POST", "PUT", "DELETE", "FETCH", "PATCH",
/// "iPATCH", RFC 7252 §12.1.1 and RFC 8132); "" for others.
[[nodiscard]] std::string_view method_name(std::uint8_t code);

/// Registered name of a Content-Format (RFC 7252 §12.3 and the IANA registry) for common values
/// ("application/link-format" for 40); "" when not known here.
[[nodiscard]] std::string_view content_format_name(std::uint32_t format);

}  // namespace warden::proto::coap
