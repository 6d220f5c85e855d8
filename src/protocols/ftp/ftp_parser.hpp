// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::ftp {

/// Longest control line accepted, CRLF included; RFC 959 sets no limit, real lines stay far below.
inline constexpr std::size_t kMaxLineBytes = 1024;

/// Finds the first line of `bytes`. Returns the line's length including its LF (a bare LF ends a
/// line too), Incomplete "truncated" while no LF has arrived within kMaxLineBytes, or
/// LimitExceeded "ftp.line_too_long".
[[nodiscard]] Result<std::size_t> find_line(Bytes bytes);

/// Removes a trailing CRLF or LF.
[[nodiscard]] std::string_view chomp(std::string_view line);

/// One line of a server reply (RFC 959 §4.2): "220 text", or "220-text" opening a multi-line
/// reply, or, inside a multi-line reply, any text (is_code false).
struct ReplyLine {
  bool has_code = false;   ///< starts with three digits and ' ' or '-' (or ends after the digits)
  std::uint16_t code = 0;  ///< 100..599 when has_code
  bool continues = false;  ///< '-' after the code: more lines follow
  std::string_view text;   ///< after the code and separator, without CRLF
};

/// Parses a reply line (without CRLF). A line without a code is returned with has_code false: it
/// is valid only inside a multi-line reply, which the caller knows.
[[nodiscard]] ReplyLine parse_reply_line(std::string_view line);

/// A client command (RFC 959 §5.3): a 3 or 4 letter verb, then optionally a space and argument.
struct Command {
  std::string_view verb;      ///< as sent (compare case-insensitively)
  std::string_view argument;  ///< after the first space, without CRLF; may be empty
};

/// Parses a command line (without CRLF). Error: Malformed "ftp.bad_command" when the line does
/// not start with a 3-4 letter verb followed by a space or the end.
[[nodiscard]] Result<Command> parse_command(std::string_view line);

}  // namespace warden::proto::ftp
