// SPDX-License-Identifier: Apache-2.0
#include "protocols/ftp/ftp_parser.hpp"

#include <algorithm>

namespace warden::proto::ftp {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/// Longest command verb (RFC 959 §5.3.1: "The command codes themselves are alphabetic
/// characters", 3 or 4 of them; extensions such as RFC 2389 FEAT keep the rule).
constexpr std::size_t kMaxVerb = 4;
constexpr std::size_t kMinVerb = 3;

}  // namespace

Result<std::size_t> find_line(Bytes bytes) {
  const std::string_view text = as_chars(bytes.first(std::min(bytes.size(), kMaxLineBytes)));
  const std::size_t lf = text.find('\n');
  if (lf != std::string_view::npos) {
    return lf + 1;
  }
  if (bytes.size() >= kMaxLineBytes) {
    return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(kMaxLineBytes),
                "ftp.line_too_long");
  }
  return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(bytes.size()), "truncated");
}

std::string_view chomp(std::string_view line) {
  if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return line;
}

ReplyLine parse_reply_line(std::string_view line) {
  ReplyLine reply;
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
      line[0] < '1' || line[0] > '5') {
    reply.text = line;
    return reply;
  }
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') {
    reply.text = line;
    return reply;
  }
  reply.has_code = true;
  reply.code =
      static_cast<std::uint16_t>((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  reply.continues = line.size() > 3 && line[3] == '-';
  reply.text = line.size() > 4 ? line.substr(4) : std::string_view();
  return reply;
}

Result<Command> parse_command(std::string_view line) {
  std::size_t verb_length = 0;
  while (verb_length < line.size() && verb_length <= kMaxVerb && is_alpha(line[verb_length])) {
    ++verb_length;
  }
  if (verb_length < kMinVerb || verb_length > kMaxVerb ||
      (verb_length < line.size() && line[verb_length] != ' ')) {
    return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(verb_length),
                "ftp.bad_command");
  }
  Command command;
  command.verb = line.substr(0, verb_length);
  if (verb_length < line.size()) {
    command.argument = line.substr(verb_length + 1);
  }
  return command;
}

}  // namespace warden::proto::ftp
