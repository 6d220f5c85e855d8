// SPDX-License-Identifier: Apache-2.0
#include "protocols/http/http_analyzer.hpp"

#include <algorithm>
#include <string_view>

#include "core/text.hpp"
#include "protocols/upnp/upnp_parser.hpp"

namespace warden::proto::http {
namespace {

constexpr std::string_view kProtocol = "http";
constexpr std::string_view kUpnpProtocol = "upnp";
/// Body bytes looked at to recognise an XML description: "<?xml" or "<root".
constexpr std::size_t kSniffBytes = 5;

void observe(ObservationSink& sink, Attr attr, std::string_view value,
             std::string_view protocol = kProtocol) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, protocol});
  }
}

bool names_xml(std::string_view content_type) {
  return ifind(content_type, "xml") != std::string_view::npos;
}

bool starts_like_description(Bytes body) {
  const std::string_view text = as_chars(body);
  return text.starts_with("<?xml") || text.starts_with("<root");
}

void report_description(const Result<upnp::DeviceDescription>& parsed, ObservationSink& sink) {
  if (!parsed) {
    sink.anomaly(parsed.error().name);
    return;
  }
  const upnp::DeviceDescription& device = *parsed;
  observe(sink, Attr::UpnpDeviceType, device.device_type, kUpnpProtocol);
  observe(sink, Attr::UpnpFriendlyName, device.friendly_name, kUpnpProtocol);
  observe(sink, Attr::UpnpManufacturer, device.manufacturer, kUpnpProtocol);
  observe(sink, Attr::UpnpModelName, device.model_name, kUpnpProtocol);
  observe(sink, Attr::UpnpModelNumber, device.model_number, kUpnpProtocol);
  observe(sink, Attr::UpnpSerialNumber, device.serial_number, kUpnpProtocol);
  observe(sink, Attr::UpnpUdn, device.udn, kUpnpProtocol);
}

}  // namespace

Result<std::size_t> HttpAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  const auto used = run_steps(
      bytes, kMaxStepsPerCall, "http.incomplete", sink,
      [&](Bytes rest) { return step(dir, rest, sink); }, [this] { return done_; });
  if (!used && used.error().code != ParseErrorCode::Incomplete) {
    return used;
  }
  if (done_) {
    return std::max(used.value_or(0), bytes.size());  // the rest is not HTTP: skipped
  }
  return used;
}

Result<std::size_t> HttpAnalyzer::step(Direction dir, Bytes bytes, ObservationSink& sink) {
  Side& state = side(dir);
  switch (state.phase) {
    case Phase::Head:
      return on_head(dir, bytes, sink);
    case Phase::BodyStart:
      return on_body_start(dir, bytes);
    case Phase::Length:
      state.phase = Phase::Head;
      return state.remaining;
    case Phase::Chunked: {
      WARDEN_ASSIGN_OR_RETURN(const std::size_t chunk_used, state.chunked.feed(bytes));
      if (state.chunked.done()) {
        state.phase = Phase::Head;
      }
      return chunk_used;
    }
    case Phase::Description:
      return on_description(dir, bytes, sink);
  }
  return fail(ParseErrorCode::Malformed, 0, "http.bad_state");
}

Result<std::size_t> HttpAnalyzer::on_head(Direction dir, Bytes bytes, ObservationSink& sink) {
  WARDEN_ASSIGN_OR_RETURN(const Head head, parse_head(bytes));
  Side& state = side(dir);
  if (head.ignored_lines > 0) {
    sink.anomaly("http.bad_header_line");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::optional<std::uint64_t> length, head.content_length());
  const bool chunked = head.is_chunked();
  const bool has_transfer_encoding = head.find("Transfer-Encoding").has_value();
  if (has_transfer_encoding && length) {
    sink.anomaly("http.content_length_with_transfer_encoding");  // a request smuggling sign
  }
  const auto body_length = static_cast<std::size_t>(length.value_or(0));
  // Which side sent it follows from the message, not the direction: a capture that starts
  // mid-flow may see the server first.
  observe(sink, Attr::Protocol, kProtocol);
  if (head.is_request()) {
    observe(sink, Attr::HttpUserAgent, head.user_agent());
    observe(sink, Attr::HttpHost, head.host());
    observe(sink, Attr::HttpAuthScheme, head.authorization_scheme());
    if (head.basic_login) {
      // The credentials crossed in clear: about the server they were sent to.
      std::string login = "http user=";
      login += head.basic.user();
      sink.observe({Subject::receiver(), Attr::CleartextCredential, login, kProtocol});
      if (head.basic.default_list != credentials::DefaultList::None) {
        const std::string with_list =
            login + " list=" + std::string(credentials::list_name(head.basic.default_list));
        sink.observe({Subject::receiver(), Attr::DefaultCredential, with_list, kProtocol});
      }
      login_user_.assign(head.basic.user());
      login_pending_ = true;
    }
    if (!push_request(head.method == "HEAD"      ? RequestKind::Head
                      : head.method == "CONNECT" ? RequestKind::Connect
                                                 : RequestKind::Other)) {
      sink.anomaly("http.too_many_pending_requests");
    }
    if (has_transfer_encoding && !chunked) {
      // RFC 9112 §6.3 item 4: a request body that cannot be delimited.
      return fail(ParseErrorCode::Malformed, 0, "http.bad_transfer_encoding");
    }
    begin_body(state, chunked ? Framing::Chunked : Framing::Length, body_length);
    return head.length;
  }
  observe(sink, Attr::HttpServer, head.server());
  observe(sink, Attr::AuthChallenge, head.www_authenticate_scheme());
  if (login_pending_ && head.status >= 200) {
    // The answer to the request that carried a Basic login (RFC 9110 §15.5.2: 401 refuses it).
    login_pending_ = false;
    const bool refused = head.status == 401 || head.status == 403;
    const std::string attempt =
        "http user=" + login_user_ + (refused ? " result=failure" : " result=success");
    sink.observe({Subject::sender(), Attr::LoginAttempt, attempt, kProtocol});
  }
  if (head.status < 200) {
    done_ = head.status == 101;  // Switching Protocols: what follows is not HTTP/1.x
    return head.length;          // other interim responses precede the final one
  }
  const RequestKind request = pop_request();
  const bool success = head.status < 300;
  if (request == RequestKind::Connect && success) {
    done_ = true;  // a tunnel
    return head.length;
  }
  // RFC 9112 §6.3 items 1-3: responses without a body.
  if (request == RequestKind::Head || head.status == 204 || head.status == 304) {
    state.phase = Phase::Head;
    return head.length;
  }
  const Framing framing = chunked                 ? Framing::Chunked
                          : has_transfer_encoding ? Framing::Close
                          : length                ? Framing::Length
                                                  : Framing::Close;
  const std::string_view encoding = head.get("Content-Encoding");
  const bool readable = encoding.empty() || iequals(encoding, "identity");
  if (!success || !readable || (framing == Framing::Length && body_length == 0)) {
    begin_body(state, framing, body_length);
    return head.length;
  }
  state.framing = framing;
  state.remaining = body_length;
  state.chunked = ChunkedSkipper{};
  state.phase = names_xml(head.content_type()) ? Phase::Description : Phase::BodyStart;
  return head.length;
}

Result<std::size_t> HttpAnalyzer::on_body_start(Direction dir, Bytes bytes) {
  Side& state = side(dir);
  Bytes body = bytes;
  std::size_t available = kSniffBytes;
  if (state.framing == Framing::Chunked) {
    WARDEN_ASSIGN_OR_RETURN(const ChunkHeader chunk, parse_chunk_header(bytes));
    body = bytes.subspan(chunk.line_length);
    available = chunk.data_length;
  } else if (state.framing == Framing::Length) {
    available = state.remaining;
  }
  if (body.size() < std::min(kSniffBytes, available)) {
    return fail(ParseErrorCode::Incomplete, 0, "http.body_incomplete");
  }
  if (starts_like_description(body)) {
    state.phase = Phase::Description;
  } else {
    begin_body(state, state.framing, state.remaining);
  }
  return 0;
}

Result<std::size_t> HttpAnalyzer::on_description(Direction dir, Bytes bytes,
                                                 ObservationSink& sink) {
  Side& state = side(dir);
  constexpr std::size_t kCap = upnp::kMaxDescriptionBytes;
  switch (state.framing) {
    case Framing::Length: {
      const std::size_t wanted = std::min(state.remaining, kCap);
      if (bytes.size() < wanted) {
        return fail(ParseErrorCode::Incomplete, 0, "http.body_incomplete");
      }
      report_description(upnp::parse_description(as_chars(bytes.first(wanted))), sink);
      break;
    }
    case Framing::Chunked: {
      WARDEN_ASSIGN_OR_RETURN(const DecodedBody decoded, decode_chunked(bytes, kCap));
      if (!decoded.complete && bytes.size() < kCap && decoded.data.size() < kCap) {
        return fail(ParseErrorCode::Incomplete, 0, "http.body_incomplete");
      }
      report_description(upnp::parse_description(decoded.data), sink);
      break;
    }
    case Framing::Close: {
      // Only the parser can tell the end: wait for the root device to close, or the cap.
      const Bytes body = bytes.first(std::min(bytes.size(), kCap));
      const auto parsed = upnp::parse_description(as_chars(body));
      if (parsed && !parsed->complete && body.size() < kCap) {
        return fail(ParseErrorCode::Incomplete, 0, "http.body_incomplete");
      }
      report_description(parsed, sink);
      break;
    }
  }
  begin_body(state, state.framing, state.remaining);
  return 0;  // the body itself is passed by the phase begin_body chose
}

void HttpAnalyzer::begin_body(Side& state, Framing framing, std::size_t length) {
  state.framing = framing;
  state.remaining = length;
  switch (framing) {
    case Framing::Length:
      state.phase = length == 0 ? Phase::Head : Phase::Length;
      break;
    case Framing::Chunked:
      state.chunked = ChunkedSkipper{};
      state.phase = Phase::Chunked;
      break;
    case Framing::Close:
      done_ = true;  // the body runs to the end of the connection: nothing more to read
      break;
  }
}

bool HttpAnalyzer::push_request(RequestKind kind) {
  if (pending_count_ == kMaxPendingRequests) {
    return false;
  }
  pending_.at((pending_first_ + pending_count_) % kMaxPendingRequests) = kind;
  ++pending_count_;
  return true;
}

HttpAnalyzer::RequestKind HttpAnalyzer::pop_request() {
  if (pending_count_ == 0) {
    return RequestKind::Other;  // the request was not seen (capture started mid-flow)
  }
  const RequestKind kind = pending_.at(pending_first_);
  pending_first_ = (pending_first_ + 1) % kMaxPendingRequests;
  --pending_count_;
  return kind;
}

std::unique_ptr<StreamAnalyzer> make_http_analyzer() {
  return std::make_unique<HttpAnalyzer>();
}

}  // namespace warden::proto::http
