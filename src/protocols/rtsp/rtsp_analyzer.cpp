// SPDX-License-Identifier: Apache-2.0
#include "protocols/rtsp/rtsp_analyzer.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "protocols/credentials/default_credentials.hpp"

namespace warden::proto::rtsp {
namespace {

constexpr std::string_view kProtocol = "rtsp";
constexpr std::size_t kMaxCseqDigits = 9;

void observe(ObservationSink& sink, Attr attr, std::string_view value,
             Subject subject = Subject::sender()) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, kProtocol});
  }
}

/// The CSeq of a head, if it is a plain number.
std::optional<std::uint32_t> cseq_of(const Head& head) {
  const std::string_view digits = head.get("CSeq");
  if (digits.empty() || digits.size() > kMaxCseqDigits ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (const char digit : digits) {
    value = value * 10 + static_cast<std::uint32_t>(digit - '0');
  }
  return value;
}

std::size_t index_of(Direction dir) {
  return static_cast<std::size_t>(dir);
}

Direction opposite(Direction dir) {
  return dir == Direction::ToServer ? Direction::ToClient : Direction::ToServer;
}

}  // namespace

Result<std::size_t> RtspAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  return run_steps(bytes, kMaxStepsPerCall, "rtsp.incomplete", sink,
                   [&](Bytes rest) { return step(dir, rest, sink); });
}

Result<std::size_t> RtspAnalyzer::step(Direction dir, Bytes bytes, ObservationSink& sink) {
  if (bytes.front() == '$') {
    return parse_interleaved(bytes);  // RTP/RTCP interleaved on the connection (§10.12)
  }
  WARDEN_ASSIGN_OR_RETURN(const Head head, parse_head(bytes));
  WARDEN_ASSIGN_OR_RETURN(const std::size_t body_length, head.content_length());
  observe(sink, Attr::Protocol, kProtocol);
  if (head.is_request()) {
    on_request(dir, head, sink);
  } else {
    on_response(dir, head, sink);
  }
  return head.length + body_length;  // the body (SDP, parameters) is skipped
}

void RtspAnalyzer::on_request(Direction dir, const Head& head, ObservationSink& sink) {
  observe(sink, Attr::RtspMethod, head.method);
  observe(sink, Attr::RtspUserAgent, head.get("User-Agent"));
  const std::string_view authorization = head.get("Authorization");
  const std::string_view scheme = auth_scheme(authorization);
  if (iequals(scheme, "Basic")) {
    std::array<char, kMaxBasicBytes> storage{};
    const auto credentials = decode_basic(authorization, storage);
    if (!credentials) {
      sink.anomaly(credentials.error().name);
      return;
    }
    // RTSP Basic crosses the network in clear: the server received a readable password.
    std::string value = "rtsp user=";
    value.append(credentials->user);
    observe(sink, Attr::CleartextCredential, value, Subject::receiver());
    const credentials::DefaultList list =
        credentials::match_default(credentials->user, credentials->password);
    if (list != credentials::DefaultList::None) {
      value.append(" list=").append(credentials::list_name(list));
      observe(sink, Attr::DefaultCredential, value, Subject::receiver());
    }
    remember_login(dir, head, credentials->user);
    storage.fill('\0');  // the password is forgotten here
  } else if (iequals(scheme, "Digest")) {
    remember_login(dir, head, digest_username(authorization).value_or("(unknown)"));
  }
}

void RtspAnalyzer::on_response(Direction dir, const Head& head, ObservationSink& sink) {
  observe(sink, Attr::RtspServer, head.get("Server"));
  std::size_t challenges = 0;
  for (const Header& header : head.fields()) {
    if (challenges < kMaxChallenges && iequals(header.name, "WWW-Authenticate")) {
      ++challenges;
      observe(sink, Attr::AuthChallenge, auth_scheme(header.value));
    }
  }
  if (head.status < 200) {
    return;  // interim response (RTSP 2.0 §8.1.1)
  }
  Pending& pending = pending_.at(index_of(opposite(dir)));
  if (pending.count == 0) {
    return;
  }
  // Match by CSeq; a response without one answers the oldest request.
  const auto cseq = cseq_of(head);
  std::size_t match = 0;
  if (cseq) {
    match = pending.count;
    for (std::size_t entry_idx = 0; entry_idx < pending.count; ++entry_idx) {
      const PendingLogin& entry = pending.entries.at(entry_idx);
      if (entry.has_cseq && entry.cseq == *cseq) {
        match = entry_idx;
        break;
      }
    }
    if (match == pending.count) {
      return;  // answers a request without Authorization
    }
  }
  const PendingLogin login = pending.entries.at(match);
  remove_login(pending, match);
  const bool success = head.status >= 200 && head.status < 300;
  const bool failure = head.status == 401 || head.status == 403;
  if (!success && !failure) {
    return;
  }
  std::string value = "rtsp user=";
  value.append(login.user.data(), login.user_length);
  value.append(success ? " result=success" : " result=failure");
  observe(sink, Attr::LoginAttempt, value);
}

void RtspAnalyzer::remove_login(Pending& pending, std::size_t index) {
  for (std::size_t entry_idx = index; entry_idx + 1 < pending.count; ++entry_idx) {
    pending.entries.at(entry_idx) = pending.entries.at(entry_idx + 1);
  }
  --pending.count;
}

void RtspAnalyzer::remember_login(Direction dir, const Head& head, std::string_view user) {
  Pending& pending = pending_.at(index_of(dir));
  if (pending.count == kMaxPendingLogins) {
    remove_login(pending, 0);  // the oldest is forgotten
  }
  PendingLogin& entry = pending.entries.at(pending.count++);
  const auto cseq = cseq_of(head);
  entry.has_cseq = cseq.has_value();
  entry.cseq = cseq.value_or(0);
  entry.user_length = std::min(user.size(), kMaxUserBytes);
  std::copy_n(user.begin(), entry.user_length, entry.user.begin());
}

std::unique_ptr<StreamAnalyzer> make_rtsp_analyzer() {
  return std::make_unique<RtspAnalyzer>();
}

bool probe_rtsp(Bytes first_payload) {
  return looks_like_rtsp(first_payload);
}

}  // namespace warden::proto::rtsp
