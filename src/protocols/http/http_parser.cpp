// SPDX-License-Identifier: Apache-2.0
#include "protocols/http/http_parser.hpp"

#include <algorithm>
#include <limits>

#include "core/text.hpp"

namespace warden::proto::http {
namespace {

// Content and chunk lengths (< 2^60 by their digit limits) are held in size_t.
static_assert(sizeof(std::size_t) >= sizeof(std::uint64_t));

constexpr std::string_view kHttpPrefix = "HTTP/";
constexpr std::size_t kStatusDigits = 3;

std::uint32_t offset_of(std::size_t at) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(at, std::numeric_limits<std::uint32_t>::max()));
}

/// tchar (RFC 9110 §5.6.2): the characters of method names, field names and auth schemes.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Value of a hex digit, or -1.
int hex_value(char c) {
  if (is_digit(c)) {
    return c - '0';
  }
  const char lower = static_cast<char>(c | 0x20);
  return (lower >= 'a' && lower <= 'f') ? lower - 'a' + 10 : -1;
}

/// Leading token of an auth field value: `scheme SP ...`. With `require_space` (credentials
/// follow), a value without a space yields "" so a bare token is never mistaken for a scheme.
std::string_view auth_scheme(std::string_view value, bool require_space) {
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos && require_space) {
    return {};
  }
  const std::string_view scheme = value.substr(0, space);
  if (!is_token(scheme) || scheme.size() > kMaxAuthSchemeLength) {
    return {};
  }
  return scheme;
}

/// The reduced value kept for a header: secrets are cut here, before anyone sees them.
std::string_view redact(std::string_view name, std::string_view value) {
  if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization")) {
    return auth_scheme(value, true);
  }
  if (iequals(name, "Cookie") || iequals(name, "Set-Cookie")) {
    return {};
  }
  return value;
}

/// A line of `text` starting at `at`: its content (without CR LF) and where the next one starts.
struct Line {
  std::string_view content;
  std::size_t next = 0;
};

/// The line at `at`, or nullopt when no LF follows. With `end_is_eol` the end of `text` ends it.
std::optional<Line> line_at(std::string_view text, std::size_t at, bool end_is_eol) {
  const std::size_t lf = text.find('\n', at);
  if (lf == std::string_view::npos) {
    if (!end_is_eol || at >= text.size()) {
      return std::nullopt;
    }
    std::string_view content = text.substr(at);
    if (!content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    return Line{content, text.size()};
  }
  std::string_view content = text.substr(at, lf - at);
  if (!content.empty() && content.back() == '\r') {
    content.remove_suffix(1);
  }
  return Line{content, lf + 1};
}

/// Checks that a start line cut short can still become an HTTP/1.x start line, so that
/// non-HTTP streams fail fast instead of being buffered up to kMaxHeadBytes.
Result<bool> check_partial_start(std::string_view partial, std::size_t at) {
  if (kHttpPrefix.starts_with(partial.substr(0, kHttpPrefix.size()))) {
    return true;  // a status line so far
  }
  const std::size_t space = partial.find(' ');
  const std::string_view method = partial.substr(0, space);
  if ((space == 0) || method.size() > kMaxMethodLength ||
      !std::all_of(method.begin(), method.end(), is_tchar)) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_start_line");
  }
  return true;
}

Result<bool> parse_version(std::string_view version, std::size_t at) {
  if (version.size() != 8 || version.substr(0, kHttpPrefix.size()) != kHttpPrefix ||
      !is_digit(version[5]) || version[6] != '.' || !is_digit(version[7])) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_version");
  }
  if (version[5] != '1') {
    return fail(ParseErrorCode::Unsupported, offset_of(at), "http.unsupported_version");
  }
  return true;
}

/// status-line = HTTP-version SP status-code SP [ reason-phrase ]   (RFC 9112 §4)
Result<bool> parse_status_line(std::string_view line, std::size_t at, Head& head) {
  head.type = MessageType::Response;
  head.version = line.substr(0, line.find(' '));
  WARDEN_RETURN_IF_ERROR(parse_version(head.version, at));
  std::string_view rest = line.substr(head.version.size());
  if (rest.size() < 1 + kStatusDigits || rest[0] != ' ') {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_status_line");
  }
  std::uint16_t status = 0;
  for (std::size_t digit_idx = 1; digit_idx <= kStatusDigits; ++digit_idx) {
    if (!is_digit(rest[digit_idx])) {
      return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_status_line");
    }
    status = static_cast<std::uint16_t>(status * 10 + (rest[digit_idx] - '0'));
  }
  rest.remove_prefix(1 + kStatusDigits);
  if (status < 100 || (!rest.empty() && rest[0] != ' ')) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_status_line");
  }
  head.status = status;
  head.reason = trim(rest);
  return true;
}

/// request-line = method SP request-target SP HTTP-version   (RFC 9112 §3). The target is what
/// lies between the first and the last space, so unencoded spaces in it are tolerated.
Result<bool> parse_request_line(std::string_view line, std::size_t at, Head& head) {
  head.type = MessageType::Request;
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_start_line");
  }
  head.method = line.substr(0, first);
  if (!is_token(head.method) || head.method.size() > kMaxMethodLength) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_start_line");
  }
  head.target = trim(line.substr(first + 1, last - first - 1));
  if (head.target.empty()) {
    return fail(ParseErrorCode::Malformed, offset_of(at), "http.bad_start_line");
  }
  head.version = line.substr(last + 1);
  return parse_version(head.version, at);
}

/// Adds a field-line (RFC 9112 §5): `field-name ":" OWS field-value OWS`.
Result<bool> add_field(std::string_view line, std::size_t at, Head& head) {
  const std::size_t colon = line.find(':');
  // Lines starting with whitespace are obs-fold continuations (§5.2): their text is dropped.
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    ++head.ignored_lines;
    return true;
  }
  if (head.header_count == kMaxHeaders) {
    return fail(ParseErrorCode::LimitExceeded, offset_of(at), "http.too_many_headers");
  }
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = trim(line.substr(colon + 1));
  if (!head.basic_login && iequals(name, "Authorization") && head.basic.read(value)) {
    head.basic_login = true;  // the user name and the default-list verdict; the password is gone
  }
  head.headers.at(head.header_count++) = Header{name, redact(name, value)};
  return true;
}

Result<Head> parse(Bytes bytes, bool end_is_eol) {
  const std::string_view text = as_chars(bytes);
  const std::string_view window = text.substr(0, kMaxHeadBytes);
  // A head cut at kMaxHeadBytes must not be completed by the datagram end.
  const bool window_ends_input = window.size() == text.size();
  const bool end_ends_head = end_is_eol && window_ends_input;
  std::size_t at = 0;
  for (std::size_t empty_idx = 0; empty_idx < kMaxLeadingEmptyLines; ++empty_idx) {
    const auto line = line_at(window, at, false);
    if (!line || !line->content.empty()) {
      break;
    }
    at = line->next;
  }
  Head head;
  const auto start = line_at(window, at, end_ends_head);
  if (!start) {
    if (!window_ends_input) {
      return fail(ParseErrorCode::LimitExceeded, offset_of(window.size()), "http.head_too_long");
    }
    WARDEN_RETURN_IF_ERROR(check_partial_start(window.substr(at), at));
    return fail(ParseErrorCode::Incomplete, offset_of(window.size()), "http.head_incomplete");
  }
  if (start->content.substr(0, kHttpPrefix.size()) == kHttpPrefix) {
    WARDEN_RETURN_IF_ERROR(parse_status_line(start->content, at, head));
  } else {
    WARDEN_RETURN_IF_ERROR(parse_request_line(start->content, at, head));
  }
  at = start->next;
  for (std::size_t line_idx = 0; line_idx < kMaxHeaderLines; ++line_idx) {
    if (end_ends_head && at == window.size()) {
      head.length = at;
      return head;
    }
    const auto line = line_at(window, at, end_ends_head);
    if (!line) {
      if (!window_ends_input) {
        return fail(ParseErrorCode::LimitExceeded, offset_of(window.size()), "http.head_too_long");
      }
      return fail(ParseErrorCode::Incomplete, offset_of(window.size()), "http.head_incomplete");
    }
    if (line->content.empty()) {
      head.length = line->next;
      return head;
    }
    WARDEN_RETURN_IF_ERROR(add_field(line->content, at, head));
    at = line->next;
  }
  return fail(ParseErrorCode::LimitExceeded, offset_of(at), "http.too_many_headers");
}

}  // namespace

std::optional<std::string_view> Head::find(std::string_view name) const {
  for (const Header& header : fields()) {
    if (iequals(header.name, name)) {
      return header.value;
    }
  }
  return std::nullopt;
}

Result<std::optional<std::uint64_t>> Head::content_length() const {
  std::optional<std::uint64_t> found;
  for (const Header& header : fields()) {
    if (!iequals(header.name, "Content-Length")) {
      continue;
    }
    const std::string_view digits = header.value;
    if (digits.empty() || digits.size() > kMaxContentLengthDigits ||
        !std::all_of(digits.begin(), digits.end(), is_digit)) {
      return fail(ParseErrorCode::Malformed, 0, "http.bad_content_length");
    }
    std::uint64_t value = 0;
    for (const char digit : digits) {
      value = value * 10 + static_cast<std::uint64_t>(digit - '0');
    }
    if (found && *found != value) {
      return fail(ParseErrorCode::Malformed, 0, "http.bad_content_length");
    }
    found = value;
  }
  return found;
}

bool Head::is_chunked() const {
  const std::string_view codings = transfer_encoding();
  const std::size_t comma = codings.rfind(',');
  const std::string_view last =
      trim(comma == std::string_view::npos ? codings : codings.substr(comma + 1));
  return iequals(last, "chunked");
}

std::string_view Head::www_authenticate_scheme() const {
  return auth_scheme(get("WWW-Authenticate"), false);
}

Result<Head> parse_head(Bytes bytes) {
  return parse(bytes, false);
}

Result<Head> parse_datagram_head(Bytes bytes) {
  return parse(bytes, true);
}

Result<ChunkHeader> parse_chunk_header(Bytes bytes) {
  const std::string_view text = as_chars(bytes.first(std::min(bytes.size(), kMaxChunkLineBytes)));
  const std::size_t lf = text.find('\n');
  if (lf == std::string_view::npos) {
    if (text.size() == kMaxChunkLineBytes) {
      return fail(ParseErrorCode::LimitExceeded, offset_of(text.size()),
                  "http.chunk_line_too_long");
    }
    // Fail fast on a size line that cannot become valid.
    const std::size_t digits = std::min(text.size(), kMaxChunkSizeDigits + 1);
    for (std::size_t digit_idx = 0; digit_idx < digits; ++digit_idx) {
      if (hex_value(text[digit_idx]) < 0) {
        if (digit_idx == 0) {
          return fail(ParseErrorCode::Malformed, 0, "http.bad_chunk");
        }
        return fail(ParseErrorCode::Incomplete, offset_of(text.size()), "http.chunk_incomplete");
      }
    }
    if (digits > kMaxChunkSizeDigits) {
      return fail(ParseErrorCode::LimitExceeded, 0, "http.chunk_size_overflow");
    }
    return fail(ParseErrorCode::Incomplete, offset_of(text.size()), "http.chunk_incomplete");
  }
  // chunk-size = 1*HEXDIG, then optional whitespace and `;ext` (§7.1.1), which are ignored.
  std::size_t size = 0;
  std::size_t digit_count = 0;
  for (; digit_count < lf; ++digit_count) {
    const int value = hex_value(text[digit_count]);
    if (value < 0) {
      break;
    }
    if (digit_count == kMaxChunkSizeDigits) {
      return fail(ParseErrorCode::LimitExceeded, 0, "http.chunk_size_overflow");
    }
    size = size * 16 + static_cast<std::size_t>(value);
  }
  const char after = text[digit_count];
  if (digit_count == 0 ||
      (after != '\r' && after != '\n' && after != ';' && after != ' ' && after != '\t')) {
    return fail(ParseErrorCode::Malformed, 0, "http.bad_chunk");
  }
  return ChunkHeader{lf + 1, size};
}

Result<std::size_t> parse_trailers(Bytes bytes) {
  const std::string_view text = as_chars(bytes.first(std::min(bytes.size(), kMaxHeadBytes)));
  std::size_t at = 0;
  for (std::size_t line_idx = 0; line_idx <= kMaxHeaderLines; ++line_idx) {
    const auto line = line_at(text, at, false);
    if (!line) {
      if (text.size() == kMaxHeadBytes) {
        return fail(ParseErrorCode::LimitExceeded, offset_of(at), "http.head_too_long");
      }
      return fail(ParseErrorCode::Incomplete, offset_of(text.size()), "http.chunk_incomplete");
    }
    if (line->content.empty()) {
      return line->next;
    }
    at = line->next;
  }
  return fail(ParseErrorCode::LimitExceeded, offset_of(at), "http.too_many_headers");
}

Result<std::size_t> ChunkedSkipper::feed(Bytes bytes) {
  std::size_t used = 0;
  for (std::size_t step_idx = 0; step_idx <= kMaxChunks && !done_ && used < bytes.size();
       ++step_idx) {
    const Bytes rest = bytes.subspan(used);
    if (in_trailers_) {
      const auto trailers = parse_trailers(rest);
      if (!trailers) {
        if (used > 0 && trailers.error().code == ParseErrorCode::Incomplete) {
          break;
        }
        return tl::unexpected(trailers.error());
      }
      used += *trailers;
      done_ = true;
      break;
    }
    if (chunks_ == kMaxChunks) {
      return fail(ParseErrorCode::LimitExceeded, offset_of(used), "http.too_many_chunks");
    }
    const auto chunk = parse_chunk_header(rest);
    if (!chunk) {
      if (used > 0 && chunk.error().code == ParseErrorCode::Incomplete) {
        break;
      }
      return tl::unexpected(chunk.error());
    }
    ++chunks_;
    if (chunk->data_length == 0) {
      in_trailers_ = true;
      used += chunk->line_length;
      continue;
    }
    // Data plus its CRLF; past the end of `bytes` the caller skips the rest unseen.
    used += chunk->line_length + chunk->data_length + 2;
  }
  return used;
}

Result<DecodedBody> decode_chunked(Bytes bytes, std::size_t max_data) {
  DecodedBody body;
  for (std::size_t chunk_idx = 0; chunk_idx < kMaxChunks; ++chunk_idx) {
    const Bytes rest = bytes.subspan(body.consumed);
    const auto chunk = parse_chunk_header(rest);
    if (!chunk) {
      if (chunk.error().code == ParseErrorCode::Incomplete) {
        return body;
      }
      return tl::unexpected(chunk.error());
    }
    if (chunk->data_length == 0) {
      const auto trailers = parse_trailers(rest.subspan(chunk->line_length));
      if (!trailers) {
        if (trailers.error().code == ParseErrorCode::Incomplete) {
          return body;
        }
        return tl::unexpected(trailers.error());
      }
      body.consumed += chunk->line_length + *trailers;
      body.complete = true;
      return body;
    }
    if (rest.size() - chunk->line_length < chunk->data_length + 2) {
      return body;
    }
    const Bytes data = rest.subspan(chunk->line_length, chunk->data_length);
    const std::size_t keep = std::min(data.size(), max_data - body.data.size());
    body.data.append(as_chars(data.first(keep)));
    body.consumed += chunk->line_length + chunk->data_length + 2;
  }
  return fail(ParseErrorCode::LimitExceeded, offset_of(body.consumed), "http.too_many_chunks");
}

}  // namespace warden::proto::http
