// SPDX-License-Identifier: Apache-2.0
#include "protocols/rtsp/rtsp_parser.hpp"

#include <algorithm>
#include <limits>

#include "core/text.hpp"

namespace warden::proto::rtsp {
namespace {

constexpr std::string_view kRtspPrefix = "RTSP/";
constexpr std::size_t kStatusDigits = 3;
constexpr std::size_t kMaxDigestParams = 32;

std::uint32_t offset_of(std::size_t at) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(at, std::numeric_limits<std::uint32_t>::max()));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// tchar (RFC 9110 §5.6.2), as for HTTP: method names, field names, auth schemes.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

/// "RTSP/" DIGIT "." DIGIT
bool is_version(std::string_view version) {
  return version.size() == 8 && version.starts_with(kRtspPrefix) && is_digit(version[5]) &&
         version[6] == '.' && is_digit(version[7]);
}

/// The line starting at `at` without its CR LF, and where the next one starts; nullopt without
/// a LF.
struct Line {
  std::string_view content;
  std::size_t next = 0;
};
std::optional<Line> line_at(std::string_view text, std::size_t at) {
  const std::size_t lf = text.find('\n', at);
  if (lf == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view content = text.substr(at, lf - at);
  if (!content.empty() && content.back() == '\r') {
    content.remove_suffix(1);
  }
  return Line{content, lf + 1};
}

/// Checks that a first line cut short can still become an RTSP start line.
Result<bool> check_partial_start(std::string_view partial) {
  const std::string_view prefix = partial.substr(0, kRtspPrefix.size());
  if (kRtspPrefix.starts_with(prefix)) {
    return true;
  }
  const std::size_t space = partial.find(' ');
  const std::string_view method = partial.substr(0, space);
  if (space == 0 || method.size() > kMaxMethodLength ||
      !std::all_of(method.begin(), method.end(), is_tchar)) {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
  }
  return true;
}

/// status-line = RTSP-Version SP Status-Code SP Reason-Phrase
Result<bool> parse_status_line(std::string_view line, Head& head) {
  head.type = MessageType::Response;
  head.version = line.substr(0, line.find(' '));
  std::string_view rest = line.substr(head.version.size());
  if (!is_version(head.version) || rest.size() < 1 + kStatusDigits || rest[0] != ' ') {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
  }
  std::uint16_t status = 0;
  for (std::size_t digit_idx = 1; digit_idx <= kStatusDigits; ++digit_idx) {
    if (!is_digit(rest[digit_idx])) {
      return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
    }
    status = static_cast<std::uint16_t>(status * 10 + (rest[digit_idx] - '0'));
  }
  rest.remove_prefix(1 + kStatusDigits);
  if (status < 100 || (!rest.empty() && rest[0] != ' ')) {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
  }
  head.status = status;
  return true;
}

/// Request-Line = Method SP Request-URI SP RTSP-Version
Result<bool> parse_request_line(std::string_view line, Head& head) {
  head.type = MessageType::Request;
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
  }
  head.method = line.substr(0, first);
  head.target = trim(line.substr(first + 1, last - first - 1));
  head.version = line.substr(last + 1);
  if (!is_token(head.method) || head.method.size() > kMaxMethodLength || head.target.empty() ||
      !is_version(head.version)) {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_start_line");
  }
  return true;
}

}  // namespace

std::string_view Head::get(std::string_view name) const {
  for (const Header& header : fields()) {
    if (iequals(header.name, name)) {
      return header.value;
    }
  }
  return {};
}

Result<std::size_t> Head::content_length() const {
  const std::string_view digits = get("Content-Length");
  if (digits.empty()) {
    return std::size_t{0};
  }
  if (digits.size() > kMaxContentLengthDigits ||
      !std::all_of(digits.begin(), digits.end(), is_digit)) {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_content_length");
  }
  std::size_t value = 0;
  for (const char digit : digits) {
    value = value * 10 + static_cast<std::size_t>(digit - '0');
  }
  return value;
}

Result<Head> parse_head(Bytes bytes) {
  const std::string_view text = as_chars(bytes);
  const std::string_view window = text.substr(0, kMaxHeadBytes);
  const bool window_ends_input = window.size() == text.size();
  Head head;
  const auto start = line_at(window, 0);
  if (!start) {
    if (!window_ends_input) {
      return fail(ParseErrorCode::LimitExceeded, offset_of(window.size()), "rtsp.head_too_long");
    }
    WARDEN_RETURN_IF_ERROR(check_partial_start(window));
    return fail(ParseErrorCode::Incomplete, offset_of(window.size()), "rtsp.head_incomplete");
  }
  if (start->content.starts_with(kRtspPrefix)) {
    WARDEN_RETURN_IF_ERROR(parse_status_line(start->content, head));
  } else {
    WARDEN_RETURN_IF_ERROR(parse_request_line(start->content, head));
  }
  std::size_t at = start->next;
  for (std::size_t line_idx = 0; line_idx < kMaxHeaderLines; ++line_idx) {
    const auto line = line_at(window, at);
    if (!line) {
      if (!window_ends_input) {
        return fail(ParseErrorCode::LimitExceeded, offset_of(window.size()), "rtsp.head_too_long");
      }
      return fail(ParseErrorCode::Incomplete, offset_of(window.size()), "rtsp.head_incomplete");
    }
    if (line->content.empty()) {
      head.length = line->next;
      return head;
    }
    const std::size_t colon = line->content.find(':');
    if (colon != std::string_view::npos && is_token(line->content.substr(0, colon))) {
      if (head.header_count == kMaxHeaders) {
        return fail(ParseErrorCode::LimitExceeded, offset_of(at), "rtsp.too_many_headers");
      }
      head.headers.at(head.header_count++) =
          Header{line->content.substr(0, colon), trim(line->content.substr(colon + 1))};
    }
    at = line->next;
  }
  return fail(ParseErrorCode::LimitExceeded, offset_of(at), "rtsp.too_many_headers");
}

Result<std::size_t> parse_interleaved(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t dollar, reader.read_u8());
  if (dollar != '$') {
    return fail(ParseErrorCode::Malformed, 0, "rtsp.bad_interleaved");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t channel, reader.read_u8());
  (void)channel;
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  return kInterleavedHeaderBytes + length;
}

std::string_view auth_scheme(std::string_view value) {
  const std::string_view scheme = value.substr(0, value.find(' '));
  return is_token(scheme) ? scheme : std::string_view{};
}

Result<BasicCredentials> decode_basic(std::string_view authorization,
                                      std::array<char, kMaxBasicBytes>& storage) {
  credentials::BasicError error{};
  if (auto decoded = credentials::decode_basic(authorization, storage, &error)) {
    return *decoded;
  }
  return error == credentials::BasicError::TooLong
             ? fail(ParseErrorCode::LimitExceeded, 0, "rtsp.basic_auth_too_long")
             : fail(ParseErrorCode::Malformed, 0, "rtsp.bad_basic_auth");
}

std::optional<std::string_view> digest_username(std::string_view authorization) {
  const std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Digest")) {
    return std::nullopt;
  }
  // auth-param = token "=" ( token / quoted-string ), separated by commas.
  std::string_view rest = authorization.substr(space + 1);
  for (std::size_t param_idx = 0; param_idx < kMaxDigestParams && !rest.empty(); ++param_idx) {
    rest = trim(rest);
    const std::size_t equals = rest.find('=');
    if (equals == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view name = trim(rest.substr(0, equals));
    rest = trim(rest.substr(equals + 1));
    std::string_view value;
    if (rest.starts_with('"')) {
      const std::size_t close = rest.find('"', 1);
      if (close == std::string_view::npos) {
        return std::nullopt;
      }
      value = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    } else {
      value = trim(rest.substr(0, rest.find(',')));
      rest = rest.substr(std::min(rest.size(), value.size()));
    }
    if (iequals(name, "username")) {
      return value;
    }
    const std::size_t comma = rest.find(',');
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return std::nullopt;
}

bool looks_like_rtsp(Bytes payload) {
  static constexpr std::array<std::string_view, 7> kStarts = {
      "OPTIONS rtsp://", "DESCRIBE rtsp://",      "SETUP rtsp://", "ANNOUNCE rtsp://",
      "PLAY rtsp://",    "GET_PARAMETER rtsp://", "RTSP/1.0 "};
  const std::string_view text = as_chars(payload);
  return std::any_of(kStarts.begin(), kStarts.end(),
                     [&](std::string_view start) { return text.starts_with(start); });
}

}  // namespace warden::proto::rtsp
