// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "protocols/analyzer.hpp"

namespace warden::proto::telnet {

/// Longest user name or password line kept while it is typed; longer input is cut.
inline constexpr std::size_t kMaxInputBytes = 64;
/// Longest banner line reported.
inline constexpr std::size_t kMaxBannerBytes = 120;
/// Server lines looked at for a banner before giving up.
inline constexpr std::size_t kMaxBannerLines = 16;
/// Recent server text kept to recognise prompts and login verdicts.
inline constexpr std::size_t kMaxRecentBytes = 256;
/// Longest option subnegotiation (IAC SB ... IAC SE) accepted; NAWS, TTYPE and NEW-ENVIRON stay
/// far below.
inline constexpr std::size_t kMaxSubnegotiationBytes = 512;
/// Most LoginAttempt observations per flow.
inline constexpr std::size_t kMaxLoginAttempts = 16;

/// What a login prompt asks for.
enum class Prompt : std::uint8_t { None, User, Password };

/// The prompt `server_text` ends with, ignoring trailing white space and ASCII case: "login:",
/// "username:" or "user name:" ask for the user, "password:" or "passcode:" for the password.
[[nodiscard]] Prompt find_prompt(std::string_view server_text);

/// The verdict of the server text that followed a password.
enum class Verdict : std::uint8_t { None, Success, Failure };

/// Failure when the text contains "incorrect", "failed", "denied", "invalid" or "bad password",
/// or ends with a new user prompt; success when it contains "last login", "welcome" or "busybox"
/// or its last non-space character is a shell prompt ('#', '$', '>', '%'); else None (wait).
[[nodiscard]] Verdict find_verdict(std::string_view server_text);

/// Follows the login dialogue of a Telnet session (RFC 854), protocol "telnet".
///
/// Option negotiation (IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE, other IAC commands) is
/// stripped; IAC IAC is a data byte 0xFF. Data from either side gives Protocol "telnet" about its
/// sender once. The first non-empty printable server line (or the prompt, if a prompt comes
/// first) gives ServiceBanner "tcp/23 <line>" (cut at kMaxBannerBytes) about the server. After
/// a user prompt, the client's next line (character-at-a-time input and backspaces handled) is
/// the user name; after a password prompt, its next line is the password, which gives, about the
/// server, CleartextCredential "telnet user=<name>" and, when the pair is on a default list,
/// DefaultCredential "telnet user=<name> list=<mirai|vendor>". The password is compared and
/// wiped. The server's answer gives LoginAttempt "telnet user=<name> result=success|failure"
/// (find_verdict); a failure waits for the next prompt, a success ends the analysis (is_done()).
/// "<name>" is "(none)" when no user prompt came first. Anomaly: "telnet.subnegotiation_too_long"
/// (stops the direction).
class TelnetAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override { return done_; }

 private:
  /// Where a direction is inside the Telnet command syntax (RFC 854 "TELNET COMMAND STRUCTURE").
  enum class Syntax : std::uint8_t { Data, Iac, Option, Sub, SubIac };
  /// Where the login dialogue is.
  enum class Stage : std::uint8_t { Idle, User, AfterUser, Password, Verdict };

  /// A line being typed, bounded.
  struct Input {
    std::array<char, kMaxInputBytes> chars{};
    std::size_t length = 0;
    void push(char c);
    void erase_last();
    void wipe();
    [[nodiscard]] std::string_view view() const { return {chars.data(), length}; }
  };

  void on_server_byte(std::uint8_t byte, ObservationSink& sink);
  void on_client_byte(std::uint8_t byte, ObservationSink& sink);
  void on_server_chunk_end(ObservationSink& sink);
  void on_client_line(ObservationSink& sink);
  void emit_banner(ObservationSink& sink);
  void emit_login(std::string_view result, ObservationSink& sink);
  [[nodiscard]] std::string_view user() const;

  std::array<Syntax, 2> syntax_{Syntax::Data, Syntax::Data};
  std::array<std::size_t, 2> sub_bytes_{};
  std::array<bool, 2> protocol_seen_{};
  Stage stage_ = Stage::Idle;
  Input user_;
  Input password_;
  std::array<char, kMaxRecentBytes> recent_{};  ///< server text, sliding
  std::size_t recent_length_ = 0;
  std::array<char, kMaxBannerBytes> banner_{};
  std::size_t banner_length_ = 0;
  std::size_t banner_lines_ = 0;
  bool banner_printable_ = true;
  bool banner_done_ = false;
  std::size_t login_attempts_ = 0;
  bool last_client_cr_ = false;  ///< the last client data byte was CR
  bool done_ = false;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_telnet_analyzer();

}  // namespace warden::proto::telnet
