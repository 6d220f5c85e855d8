// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "protocols/analyzer.hpp"

namespace warden::proto::ftp {

/// Longest user name kept between USER and the login verdict; longer names are cut.
inline constexpr std::size_t kMaxUserBytes = 64;
/// Most lines handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxLinesPerCall = 64;
/// Most LoginAttempt observations per flow (a brute force repeats USER/PASS on one connection).
inline constexpr std::size_t kMaxLoginAttempts = 16;

/// Follows the control connection of FTP (RFC 959), protocol "ftp".
///
/// Server replies (to client): the first reply gives Protocol "ftp" about the server, and a 220
/// greeting gives ServiceBanner "tcp/21 220 <text of its first line>". Client commands (to server)
/// give Protocol "ftp" about the client once. USER remembers the name (cut at kMaxUserBytes);
/// PASS gives, about the server, CleartextCredential "ftp user=<name>" and, when the pair is on
/// a default list (credentials::match_default), DefaultCredential "ftp user=<name> list=<list>";
/// the password is compared and forgotten. The anonymous users "anonymous" and "ftp" send an
/// e-mail address as password, so they give neither. After USER or PASS, reply 230 gives
/// LoginAttempt "ftp user=<name> result=success" and 530 "... result=failure" about the server
/// (at most kMaxLoginAttempts per flow). AUTH TLS/SSL answered by 234 ends the analysis
/// (is_done()): the rest is TLS. Anomalies: "ftp.line_too_long" (a line over kMaxLineBytes),
/// "ftp.bad_reply" (a server line that is no reply), "ftp.bad_command"; each stops its direction.
class FtpAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override { return done_; }

 private:
  Result<bool> on_reply_line(std::string_view line, ObservationSink& sink);
  Result<bool> on_command_line(std::string_view line, ObservationSink& sink);
  [[nodiscard]] std::string_view user() const { return {user_.data(), user_length_}; }
  void emit_login(std::string_view result, ObservationSink& sink);

  std::array<char, kMaxUserBytes> user_{};
  std::size_t user_length_ = 0;
  std::size_t login_attempts_ = 0;
  std::uint16_t multiline_code_ = 0;  ///< code of the open multi-line reply, 0 when none
  bool login_pending_ = false;        ///< USER or PASS sent, no 230/530 yet
  bool auth_pending_ = false;         ///< AUTH sent, no reply yet
  bool server_seen_ = false;
  bool client_seen_ = false;
  bool done_ = false;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_ftp_analyzer();

}  // namespace warden::proto::ftp
