// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "protocols/analyzer.hpp"
#include "protocols/rtsp/rtsp_parser.hpp"

namespace warden::proto::rtsp {

/// Most messages handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxStepsPerCall = 64;
/// Most authenticated requests per direction awaiting their response; the oldest is forgotten.
inline constexpr std::size_t kMaxPendingLogins = 8;
/// Longest user name remembered for a LoginAttempt.
inline constexpr std::size_t kMaxUserBytes = 64;
/// Most WWW-Authenticate challenges reported per response.
inline constexpr std::size_t kMaxChallenges = 4;

/// Follows the RTSP 1.0 / 2.0 messages of one TCP flow (RFC 2326, RFC 7826), with protocol
/// "rtsp". Which side sent a message follows from the message: a request comes from the client.
///
/// - Requests give RtspMethod ("DESCRIBE"), RtspUserAgent and Protocol "rtsp" about the sender.
///   An Authorization "Basic" gives CleartextCredential "rtsp user=<name>" about the receiver (the
///   server), and DefaultCredential "rtsp user=<name> list=<mirai|vendor>" about it when the pair
///   is on a default list; the password is compared and forgotten. "Digest" gives only its
///   username= parameter, for the LoginAttempt.
/// - Responses give RtspServer (Server header), AuthChallenge "<scheme>" per WWW-Authenticate and
///   Protocol "rtsp" about the sender. A response to a request that carried Authorization (matched
///   by CSeq) gives LoginAttempt "rtsp user=<name> result=success" (2xx) or "result=failure"
///   (401, 403) about the sender.
/// - Content-Length bodies (SDP) are skipped unseen, as are interleaved binary frames ('$',
///   channel, 16-bit length: RTP/RTCP over the RTSP connection after PLAY).
///
/// Anomalies: the parser's ("rtsp.bad_start_line", "rtsp.head_too_long", "rtsp.too_many_headers",
/// "rtsp.bad_content_length", "rtsp.bad_basic_auth", "rtsp.basic_auth_too_long"). A head that is
/// not RTSP stops the direction.
class RtspAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;

 private:
  /// An authenticated request awaiting its response.
  struct PendingLogin {
    std::uint32_t cseq = 0;
    bool has_cseq = false;
    std::array<char, kMaxUserBytes> user{};
    std::size_t user_length = 0;
  };
  /// Pending logins of requests sent in one direction, oldest first.
  struct Pending {
    std::array<PendingLogin, kMaxPendingLogins> entries{};
    std::size_t count = 0;
  };

  Result<std::size_t> step(Direction dir, Bytes bytes, ObservationSink& sink);
  void on_request(Direction dir, const Head& head, ObservationSink& sink);
  void on_response(Direction dir, const Head& head, ObservationSink& sink);
  void remember_login(Direction dir, const Head& head, std::string_view user);
  /// Removes entry `index` (< count), keeping the order of the others.
  static void remove_login(Pending& pending, std::size_t index);

  std::array<Pending, 2> pending_{};  ///< indexed by the direction of the requests
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_rtsp_analyzer();

/// Recognises RTSP by its first payload on ports not registered for it. Register it before HTTP:
/// the HTTP probe also accepts "OPTIONS ".
[[nodiscard]] bool probe_rtsp(Bytes first_payload);

}  // namespace warden::proto::rtsp
