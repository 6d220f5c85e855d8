// SPDX-License-Identifier: Apache-2.0
#include "protocols/ftp/ftp_parser.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ftp/ftp_analyzer.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::ftp {
namespace {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data
using testutil::RecordingSink;

/// One TCP segment's payload of a real flow.
struct Segment {
  Direction dir;
  std::string_view text;
};
constexpr Direction kC = Direction::ToServer;  // client -> server
constexpr Direction kS = Direction::ToClient;  // server -> client

// zeek/ftp__bruteforce.pcap tcp.stream 0, frames 4-16, 192.168.56.1:54017 -> 192.168.56.101:21:
// one failed guess of the brute force (user "bro", password "1").
constexpr std::array kBruteforce = {
    Segment{kS, "220 redmint FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready.\r\n"},
    Segment{kC, "USER bro\r\n"},
    Segment{kS, "331 Password required for bro.\r\n"},
    Segment{kC, "PASS 1\r\n"},
    Segment{kS, "530 Login incorrect.\r\n"},
    Segment{kC, "QUIT\r\n"},
    Segment{kS, "221 Goodbye.\r\n"},
};

// zeek/ftp__ftp-password-pass-command.pcap frames 4-11, 192.168.10.132 -> 192.168.10.188:21:
// FileZilla Server's multi-line greeting, user "Admin" with password "qwerty", refused.
constexpr std::array kFileZilla = {
    Segment{kS,
            "220-FileZilla Server 1.9.1\r\n220 Please visit https://filezilla-project.org/\r\n"},
    Segment{kC, "USER Admin\r\n"},
    Segment{kS, "331 Please, specify the password.\r\n"},
    Segment{kC, "PASS qwerty\r\n"},
    Segment{kS, "530 Login incorrect.\r\n"},
};

// suricata-verify/ftp__ftp-download-passive__input.pcap frames 4-12, 172.23.0.3 ->
// 172.23.0.2:21: user "bob", password "password", accepted.
constexpr std::array kVsftpdLogin = {
    Segment{kS, "220 FTP Sandbox Ready.\r\n"},
    Segment{kC, "USER bob\r\n"},
    Segment{kS, "331 Please specify the password.\r\n"},
    Segment{kC, "PASS password\r\n"},
    Segment{kS, "230 Login successful.\r\n"},
    Segment{kC, "TYPE A\r\n"},
    Segment{kS, "200 Switching to ASCII mode.\r\n"},
};

// ndpi/ftp.pcap tcp.stream 0, frames 4-20, 192.168.1.x:50694 -> vsFTPd:21: anonymous login with
// the e-mail "NcFTP@", then FEAT with a multi-line 211 reply.
constexpr std::array kAnonymous = {
    Segment{kS, "220 (vsFTPd 3.0.3)\r\n"},
    Segment{kC, "USER anonymous\r\n"},
    Segment{kS, "331 Please specify the password.\r\n"},
    Segment{kC, "PASS NcFTP@\r\n"},
    Segment{kS, "230 Login successful.\r\n"},
    Segment{kC, "FEAT\r\n"},
    Segment{kS, "211-Features:\r\n"},
    Segment{kS,
            " EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"},
    Segment{kC, "PWD\r\n"},
    Segment{kS, "257 \"/\" is the current directory\r\n"},
};

// ndpi/ftp_failed.pcap frames 4-14: a server that accepts only anonymous users refuses "hello".
constexpr std::array kAnonymousOnly = {
    Segment{kS, "220 (vsFTPd 3.0.3)\r\n"},
    Segment{kC, "USER hello\r\n"},
    Segment{kS, "530 This FTP server is anonymous only.\r\n"},
    Segment{kC, "SYST\r\n"},
    Segment{kS, "530 Please login with USER and PASS.\r\n"},
};

// ndpi/ftp-start-tls.pcap frames 5-10, 10.238.26.36 -> 10.220.50.76:21: explicit TLS (RFC 4217);
// the first bytes of the ClientHello (frame 12) follow.
constexpr std::array kAuthTls = {
    Segment{kS, "220 \"Authorized users only. All activity may be monitored and reported\"\r\n"},
    Segment{kC, "AUTH TLS\r\n"},
    Segment{kS, "234 Proceed with negotiation.\r\n"},
    Segment{kC, "\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03"sv},
};

/// Delivers segments as the flow layer does: unconsumed bytes stay buffered per direction.
template <typename Segments>
RecordingSink run(const Segments& segments, StreamAnalyzer& analyzer) {
  RecordingSink sink;
  std::array<std::string, 2> buffered;
  std::array<bool, 2> stopped{};
  for (const Segment& segment : segments) {
    const auto side = static_cast<std::size_t>(segment.dir);
    if (stopped.at(side) || analyzer.is_done()) {
      continue;
    }
    buffered.at(side) += segment.text;
    for (int call_idx = 0; call_idx < 16 && !buffered.at(side).empty(); ++call_idx) {
      const auto used = analyzer.on_data(segment.dir, as_bytes(buffered.at(side)), sink);
      if (!used) {
        stopped.at(side) = used.error().code != ParseErrorCode::Incomplete;
        break;
      }
      buffered.at(side).erase(0, *used);
      if (*used == 0) {
        break;
      }
    }
  }
  return sink;
}

template <typename Segments>
RecordingSink run(const Segments& segments) {
  FtpAnalyzer analyzer;
  return run(segments, analyzer);
}

std::vector<std::string> about(const RecordingSink& sink, Who who, Attr attr) {
  std::vector<std::string> out;
  for (const auto& record : sink.records) {
    if (record.subject.who == who && record.attr == attr) {
      out.push_back(record.value);
    }
  }
  return out;
}

TEST(FtpParser, FindsLines) {
  EXPECT_EQ(find_line(as_bytes("USER bro\r\nPASS 1\r\n")).value_or(0), 10U);
  EXPECT_EQ(find_line(as_bytes("USER bro")).error().code, ParseErrorCode::Incomplete);
  const std::string long_line(kMaxLineBytes, 'A');
  EXPECT_EQ(find_line(as_bytes(long_line)).error().name, std::string("ftp.line_too_long"));
  EXPECT_EQ(chomp("220 x\r\n"), "220 x");
  EXPECT_EQ(chomp("220 x\n"), "220 x");
}

TEST(FtpParser, ParsesReplyLines) {
  const ReplyLine first = parse_reply_line("220-FileZilla Server 1.9.1");
  EXPECT_TRUE(first.has_code);
  EXPECT_EQ(first.code, 220);
  EXPECT_TRUE(first.continues);
  EXPECT_EQ(first.text, "FileZilla Server 1.9.1");
  const ReplyLine last = parse_reply_line("211 End");
  EXPECT_FALSE(last.continues);
  EXPECT_EQ(last.code, 211);
  EXPECT_FALSE(parse_reply_line(" EPRT").has_code);
  EXPECT_FALSE(parse_reply_line("SSH-2.0-OpenSSH_9.2").has_code);
  EXPECT_FALSE(parse_reply_line("2200 x").has_code);
  EXPECT_FALSE(parse_reply_line("999 x").has_code);
  EXPECT_TRUE(parse_reply_line("230").has_code);
}

TEST(FtpParser, ParsesCommands) {
  const auto user = parse_command("USER anonymous");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->verb, "USER");
  EXPECT_EQ(user->argument, "anonymous");
  EXPECT_EQ(parse_command("PWD").value_or(Command{}).verb, "PWD");
  EXPECT_EQ(parse_command("CLNT NcFTP 3.2.6 macosx10.13").value_or(Command{}).argument,
            "NcFTP 3.2.6 macosx10.13");
  EXPECT_FALSE(parse_command("SSH-2.0-OpenSSH_9.2p1").has_value());
  EXPECT_FALSE(parse_command("\x16\x03\x01").has_value());
  EXPECT_FALSE(parse_command("ABCDE x").has_value());
  EXPECT_FALSE(parse_command("").has_value());
}

TEST(FtpAnalyzer, FailedGuessOfBruteForce) {
  const RecordingSink sink = run(kBruteforce);
  EXPECT_EQ(about(sink, Who::Sender, Attr::ServiceBanner),
            std::vector<std::string>{
                "tcp/21 220 redmint FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready."});
  EXPECT_EQ(about(sink, Who::Receiver, Attr::CleartextCredential),
            std::vector<std::string>{"ftp user=bro"});
  EXPECT_EQ(about(sink, Who::Sender, Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=bro result=failure"});
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());
  EXPECT_EQ(about(sink, Who::Sender, Attr::Protocol), (std::vector<std::string>{"ftp", "ftp"}));
  EXPECT_TRUE(sink.anomalies.empty());
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.protocol, "ftp");
  }
}

TEST(FtpAnalyzer, MultiLineGreetingGivesItsFirstLine) {
  const RecordingSink sink = run(kFileZilla);
  EXPECT_EQ(sink.values(Attr::ServiceBanner),
            std::vector<std::string>{"tcp/21 220 FileZilla Server 1.9.1"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=Admin result=failure"});
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("qwerty"), std::string::npos);
  }
}

TEST(FtpAnalyzer, SuccessfulLogin) {
  const RecordingSink sink = run(kVsftpdLogin);
  EXPECT_EQ(sink.values(Attr::CleartextCredential), std::vector<std::string>{"ftp user=bob"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=bob result=success"});
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());
}

TEST(FtpAnalyzer, DefaultPasswordIsFlaggedAndForgotten) {
  // kBruteforce with the guess replaced by Mirai's root / xc3511 and accepted.
  constexpr std::array kMirai = {
      kBruteforce[0],
      Segment{kC, "USER root\r\n"},
      Segment{kS, "331 Password required for root.\r\n"},
      Segment{kC, "PASS xc3511\r\n"},
      Segment{kS, "230 User root logged in.\r\n"},
  };
  const RecordingSink sink = run(kMirai);
  EXPECT_EQ(about(sink, Who::Receiver, Attr::DefaultCredential),
            std::vector<std::string>{"ftp user=root list=mirai"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=root result=success"});
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("xc3511"), std::string::npos);
  }
}

TEST(FtpAnalyzer, AnonymousIsNoCredential) {
  const RecordingSink sink = run(kAnonymous);
  EXPECT_EQ(sink.values(Attr::ServiceBanner),
            std::vector<std::string>{"tcp/21 220 (vsFTPd 3.0.3)"});
  EXPECT_TRUE(sink.values(Attr::CleartextCredential).empty());
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=anonymous result=success"});
  EXPECT_TRUE(sink.anomalies.empty());  // the multi-line 211 reply's " EPRT" lines are fine
}

TEST(FtpAnalyzer, RefusedUserWithoutPassword) {
  const RecordingSink sink = run(kAnonymousOnly);
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=hello result=failure"});
  EXPECT_TRUE(sink.values(Attr::CleartextCredential).empty());
}

TEST(FtpAnalyzer, StopsAtAuthTls) {
  FtpAnalyzer analyzer;
  const RecordingSink sink = run(kAuthTls, analyzer);
  EXPECT_TRUE(analyzer.is_done());
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(
      sink.values(Attr::ServiceBanner),
      std::vector<std::string>{
          "tcp/21 220 \"Authorized users only. All activity may be monitored and reported\""});
}

TEST(FtpAnalyzer, HandlesOneByteSegments) {
  std::vector<Segment> bytes;
  std::vector<std::string> storage;
  for (const Segment& segment : kVsftpdLogin) {
    for (std::size_t at = 0; at < segment.text.size(); ++at) {
      bytes.push_back({segment.dir, segment.text.substr(at, 1)});
    }
  }
  const RecordingSink sink = run(bytes);
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"ftp user=bob result=success"});
  EXPECT_EQ(sink.values(Attr::ServiceBanner),
            std::vector<std::string>{"tcp/21 220 FTP Sandbox Ready."});
}

TEST(FtpAnalyzer, CapsLoginAttempts) {
  std::vector<Segment> segments = {kBruteforce[0]};
  for (std::size_t guess_idx = 0; guess_idx < kMaxLoginAttempts + 4; ++guess_idx) {
    for (std::size_t segment_idx = 1; segment_idx <= 4; ++segment_idx) {
      segments.push_back(kBruteforce.at(segment_idx));
    }
  }
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::LoginAttempt).size(), kMaxLoginAttempts);
}

TEST(FtpAnalyzer, RejectsOtherProtocols) {
  constexpr std::array kSsh = {Segment{kS, "SSH-2.0-OpenSSH_9.2p1\r\n"}};
  EXPECT_EQ(run(kSsh).anomalies, std::vector<std::string>{"ftp.bad_reply"});
  constexpr std::array kSshClient = {Segment{kC, "SSH-2.0-OpenSSH_9.2p1\r\n"}};
  EXPECT_EQ(run(kSshClient).anomalies, std::vector<std::string>{"ftp.bad_command"});
  const std::string long_user = "USER " + std::string(kMaxLineBytes, 'a');
  const std::array long_input = {Segment{kC, long_user}};
  EXPECT_EQ(run(long_input).anomalies, std::vector<std::string>{"ftp.line_too_long"});
}

TEST(FtpAnalyzer, CutsLongUserNames) {
  const std::string user_line = "USER " + std::string(100, 'u') + "\r\n";
  const std::array segments = {kBruteforce[0], Segment{kC, user_line}, kBruteforce[2],
                               kBruteforce[3], kBruteforce[4]};
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::CleartextCredential),
            std::vector<std::string>{"ftp user=" + std::string(kMaxUserBytes, 'u')});
}

}  // namespace
}  // namespace warden::proto::ftp
