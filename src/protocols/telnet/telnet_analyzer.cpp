// SPDX-License-Identifier: Apache-2.0
#include "protocols/telnet/telnet_analyzer.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "core/text.hpp"
#include "protocols/credentials/default_credentials.hpp"

namespace warden::proto::telnet {
namespace {

constexpr std::string_view kProtocol = "telnet";

// Telnet command codes (RFC 854 "TELNET COMMAND STRUCTURE").
constexpr std::uint8_t kIac = 255;
constexpr std::uint8_t kSb = 250;
constexpr std::uint8_t kSe = 240;
constexpr std::uint8_t kWill = 251;
constexpr std::uint8_t kDont = 254;
constexpr std::uint8_t kBackspace = 0x08;
constexpr std::uint8_t kDelete = 0x7F;

constexpr std::array<std::string_view, 3> kUserPrompts = {"login:", "username:", "user name:"};
constexpr std::array<std::string_view, 2> kPasswordPrompts = {"password:", "passcode:"};
constexpr std::array<std::string_view, 5> kFailureWords = {"incorrect", "failed", "denied",
                                                           "invalid", "bad password"};
constexpr std::array<std::string_view, 3> kSuccessWords = {"last login", "welcome", "busybox"};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

template <std::size_t N>
bool ends_with_any(std::string_view text, const std::array<std::string_view, N>& words) {
  return std::any_of(words.begin(), words.end(), [text](std::string_view word) {
    return text.size() >= word.size() && iequals(text.substr(text.size() - word.size()), word);
  });
}

template <std::size_t N>
bool contains_any(std::string_view text, const std::array<std::string_view, N>& words) {
  return std::any_of(words.begin(), words.end(), [text](std::string_view word) {
    return ifind(text, word) != std::string_view::npos;
  });
}

}  // namespace

Prompt find_prompt(std::string_view server_text) {
  const std::string_view text = trim_right(server_text);
  if (ends_with_any(text, kUserPrompts)) {
    return Prompt::User;
  }
  if (ends_with_any(text, kPasswordPrompts)) {
    return Prompt::Password;
  }
  return Prompt::None;
}

Verdict find_verdict(std::string_view server_text) {
  if (contains_any(server_text, kFailureWords)) {
    return Verdict::Failure;
  }
  if (contains_any(server_text, kSuccessWords)) {
    return Verdict::Success;
  }
  if (find_prompt(server_text) != Prompt::None) {
    return Verdict::Failure;  // asked again
  }
  const std::string_view text = trim_right(server_text);
  if (!text.empty() && std::string_view("#$>%").find(text.back()) != std::string_view::npos) {
    return Verdict::Success;
  }
  return Verdict::None;
}

void TelnetAnalyzer::Input::push(char c) {
  if (length < chars.size()) {
    chars.at(length++) = c;
  }
}

void TelnetAnalyzer::Input::erase_last() {
  if (length > 0) {
    chars.at(--length) = '\0';
  }
}

void TelnetAnalyzer::Input::wipe() {
  chars.fill('\0');
  length = 0;
}

Result<std::size_t> TelnetAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  const auto side = static_cast<std::size_t>(dir);
  if (!bytes.empty() && !protocol_seen_.at(side)) {
    protocol_seen_.at(side) = true;
    sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  }
  Syntax& syntax = syntax_.at(side);
  for (const std::uint8_t byte : bytes) {
    bool is_data = false;
    switch (syntax) {
      case Syntax::Data:
        if (byte == kIac) {
          syntax = Syntax::Iac;
        } else {
          is_data = true;
        }
        break;
      case Syntax::Iac:
        if (byte == kIac) {
          is_data = true;  // IAC IAC: a 0xFF data byte
          syntax = Syntax::Data;
        } else if (byte >= kWill && byte <= kDont) {
          syntax = Syntax::Option;
        } else if (byte == kSb) {
          syntax = Syntax::Sub;
          sub_bytes_.at(side) = 0;
        } else {
          syntax = Syntax::Data;  // a two-byte command: NOP, DM, IP, AYT, GA, ...
        }
        break;
      case Syntax::Option:
        syntax = Syntax::Data;
        break;
      case Syntax::Sub:
      case Syntax::SubIac:
        if (syntax == Syntax::SubIac && byte == kSe) {
          syntax = Syntax::Data;
          break;
        }
        syntax = (syntax == Syntax::Sub && byte == kIac) ? Syntax::SubIac : Syntax::Sub;
        if (++sub_bytes_.at(side) > kMaxSubnegotiationBytes) {
          sink.anomaly("telnet.subnegotiation_too_long");
          return fail(ParseErrorCode::LimitExceeded, 0, "telnet.subnegotiation_too_long");
        }
        break;
    }
    if (!is_data) {
      continue;
    }
    if (dir == Direction::ToClient) {
      on_server_byte(byte, sink);
    } else {
      on_client_byte(byte, sink);
    }
  }
  if (dir == Direction::ToClient) {
    on_server_chunk_end(sink);
  }
  return bytes.size();
}

void TelnetAnalyzer::on_server_byte(std::uint8_t byte, ObservationSink& sink) {
  const char c = static_cast<char>(byte);
  if (c == '\0') {
    return;  // CR NUL (RFC 854 NVT)
  }
  if (recent_length_ == recent_.size()) {
    // Slide: keep the newer half, enough for any prompt or verdict word.
    std::ranges::copy(std::span(recent_).subspan(kMaxRecentBytes / 2), recent_.begin());
    recent_length_ = kMaxRecentBytes / 2;
  }
  recent_.at(recent_length_++) = c;
  if (banner_done_) {
    return;
  }
  if (c == '\r' || c == '\n') {
    if (!trim(std::string_view(banner_.data(), banner_length_)).empty()) {
      if (banner_printable_) {
        emit_banner(sink);
        return;
      }
      banner_done_ = ++banner_lines_ >= kMaxBannerLines;
    }
    banner_length_ = 0;
    banner_printable_ = true;
    return;
  }
  banner_printable_ = banner_printable_ && ((byte >= 0x20 && byte < 0x7F) || c == '\t');
  if (banner_length_ < banner_.size()) {
    banner_.at(banner_length_++) = c;
  }
}

void TelnetAnalyzer::on_client_byte(std::uint8_t byte, ObservationSink& sink) {
  const bool after_cr = last_client_cr_;
  last_client_cr_ = byte == '\r';
  if (stage_ != Stage::User && stage_ != Stage::Password) {
    return;
  }
  Input& input = stage_ == Stage::User ? user_ : password_;
  if ((byte == '\n' || byte == 0) && after_cr) {
    return;  // CR LF and CR NUL end one line (RFC 854 NVT)
  }
  if (byte == '\r' || byte == '\n') {
    on_client_line(sink);
  } else if (byte == kBackspace || byte == kDelete) {
    input.erase_last();
  } else if (byte != 0) {
    input.push(static_cast<char>(byte));
  }
}

void TelnetAnalyzer::on_client_line(ObservationSink& sink) {
  if (stage_ == Stage::User) {
    if (user_.length > 0) {
      stage_ = Stage::AfterUser;
    }
    return;
  }
  // The password line (possibly empty: Mirai tries root with none).
  ValueText value("telnet user=");
  value += user();
  sink.observe({Subject::receiver(), Attr::CleartextCredential, value, kProtocol});
  const credentials::DefaultList list = credentials::match_default(user_.view(), password_.view());
  password_.wipe();
  if (list != credentials::DefaultList::None) {
    value += " list=";
    value += credentials::list_name(list);
    sink.observe({Subject::receiver(), Attr::DefaultCredential, value, kProtocol});
  }
  stage_ = Stage::Verdict;
  recent_length_ = 0;
}

void TelnetAnalyzer::on_server_chunk_end(ObservationSink& sink) {
  const std::string_view text(recent_.data(), recent_length_);
  if (stage_ == Stage::Verdict) {
    const Verdict verdict = find_verdict(text);
    if (verdict == Verdict::None) {
      return;
    }
    emit_login(verdict == Verdict::Success ? "success" : "failure", sink);
    if (verdict == Verdict::Success) {
      done_ = true;
      return;
    }
    stage_ = Stage::Idle;
  }
  const Prompt prompt = find_prompt(text);
  if (prompt == Prompt::None) {
    return;
  }
  if (!banner_done_ && banner_printable_ &&
      !trim(std::string_view(banner_.data(), banner_length_)).empty()) {
    emit_banner(sink);  // no line came before the prompt: the prompt is the banner
  }
  if (prompt == Prompt::User && stage_ != Stage::User) {
    stage_ = Stage::User;
    user_.wipe();
  } else if (prompt == Prompt::Password && stage_ != Stage::Password) {
    stage_ = Stage::Password;
    password_.wipe();
  }
  // Start afresh so that the same prompt is not taken twice.
  recent_length_ = 0;
}

void TelnetAnalyzer::emit_banner(ObservationSink& sink) {
  banner_done_ = true;
  ValueText value("tcp/23 ");
  value += trim(std::string_view(banner_.data(), banner_length_));
  sink.observe({Subject::sender(), Attr::ServiceBanner, value, kProtocol});
}

void TelnetAnalyzer::emit_login(std::string_view result, ObservationSink& sink) {
  if (login_attempts_ >= kMaxLoginAttempts) {
    return;
  }
  ++login_attempts_;
  ValueText value("telnet user=");
  value += user();
  value += " result=";
  value += result;
  sink.observe({Subject::sender(), Attr::LoginAttempt, value, kProtocol});
}

std::string_view TelnetAnalyzer::user() const {
  return user_.length == 0 ? std::string_view("(none)") : user_.view();
}

std::unique_ptr<StreamAnalyzer> make_telnet_analyzer() {
  return std::make_unique<TelnetAnalyzer>();
}

}  // namespace warden::proto::telnet
