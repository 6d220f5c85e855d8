// SPDX-License-Identifier: Apache-2.0
#include "protocols/ftp/ftp_analyzer.hpp"

#include <algorithm>
#include <string>

#include "core/text.hpp"
#include "protocols/credentials/default_credentials.hpp"
#include "protocols/ftp/ftp_parser.hpp"

namespace warden::proto::ftp {
namespace {

constexpr std::string_view kProtocol = "ftp";
/// Reply codes (RFC 959 §4.2.2, RFC 4217 §6 for 234).
constexpr std::uint16_t kReplyReady = 220;
constexpr std::uint16_t kReplyLoggedIn = 230;
constexpr std::uint16_t kReplyAuthOk = 234;
constexpr std::uint16_t kReplyNotLoggedIn = 530;

bool is_anonymous(std::string_view user) {
  return iequals(user, "anonymous") || iequals(user, "ftp");
}

}  // namespace

Result<std::size_t> FtpAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  std::size_t consumed = 0;
  for (std::size_t line_idx = 0; line_idx < kMaxLinesPerCall && !done_; ++line_idx) {
    const auto length = find_line(bytes.subspan(consumed));
    if (!length) {
      if (length.error().code != ParseErrorCode::Incomplete) {
        sink.anomaly(length.error().name);
        return tl::unexpected(length.error());
      }
      if (consumed == 0) {
        return tl::unexpected(length.error());
      }
      break;
    }
    const std::string_view line = chomp(as_chars(bytes.subspan(consumed, *length)));
    consumed += *length;
    const auto handled =
        dir == Direction::ToClient ? on_reply_line(line, sink) : on_command_line(line, sink);
    if (!handled) {
      sink.anomaly(handled.error().name);
      return tl::unexpected(handled.error());
    }
  }
  return consumed;
}

Result<bool> FtpAnalyzer::on_reply_line(std::string_view line, ObservationSink& sink) {
  const ReplyLine reply = parse_reply_line(line);
  if (multiline_code_ != 0) {
    // Inside "xyz-" ... "xyz " (RFC 959 §4.2): only the closing line with the same code matters.
    if (reply.has_code && reply.code == multiline_code_ && !reply.continues) {
      multiline_code_ = 0;
    }
    return true;
  }
  if (!reply.has_code) {
    return fail(ParseErrorCode::Malformed, 0, "ftp.bad_reply");
  }
  if (!server_seen_) {
    server_seen_ = true;
    sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
    if (reply.code == kReplyReady) {
      std::string banner = "tcp/21 220 ";
      banner += trim(reply.text);
      sink.observe({Subject::sender(), Attr::ServiceBanner, trim(banner), kProtocol});
    }
  }
  if (reply.continues) {
    multiline_code_ = reply.code;
  }
  if (login_pending_ && (reply.code == kReplyLoggedIn || reply.code == kReplyNotLoggedIn)) {
    login_pending_ = false;
    emit_login(reply.code == kReplyLoggedIn ? "success" : "failure", sink);
  }
  if (auth_pending_) {
    auth_pending_ = false;
    done_ = reply.code == kReplyAuthOk;
  }
  return true;
}

Result<bool> FtpAnalyzer::on_command_line(std::string_view line, ObservationSink& sink) {
  WARDEN_ASSIGN_OR_RETURN(const Command command, parse_command(line));
  if (!client_seen_) {
    client_seen_ = true;
    sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  }
  if (iequals(command.verb, "USER")) {
    const std::string_view name = trim(command.argument);
    user_length_ = std::min(name.size(), user_.size());
    std::copy_n(name.begin(), user_length_, user_.begin());
    login_pending_ = true;
  } else if (iequals(command.verb, "PASS")) {
    login_pending_ = true;
    if (user_length_ == 0 || is_anonymous(user())) {
      return true;
    }
    std::string value = "ftp user=";
    value += user();
    sink.observe({Subject::receiver(), Attr::CleartextCredential, value, kProtocol});
    // The password is only compared, never kept: `command` aliases the flow buffer.
    const credentials::DefaultList list = credentials::match_default(user(), command.argument);
    if (list != credentials::DefaultList::None) {
      value += " list=";
      value += credentials::list_name(list);
      sink.observe({Subject::receiver(), Attr::DefaultCredential, value, kProtocol});
    }
  } else if (iequals(command.verb, "AUTH")) {
    auth_pending_ = true;  // RFC 2228 / RFC 4217: "AUTH TLS", "AUTH SSL"
  }
  return true;
}

void FtpAnalyzer::emit_login(std::string_view result, ObservationSink& sink) {
  if (user_length_ == 0 || login_attempts_ >= kMaxLoginAttempts) {
    return;
  }
  ++login_attempts_;
  std::string value = "ftp user=";
  value += user();
  value += " result=";
  value += result;
  sink.observe({Subject::sender(), Attr::LoginAttempt, value, kProtocol});
}

std::unique_ptr<StreamAnalyzer> make_ftp_analyzer() {
  return std::make_unique<FtpAnalyzer>();
}

}  // namespace warden::proto::ftp
