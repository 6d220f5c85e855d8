// SPDX-License-Identifier: Apache-2.0
#include "protocols/telnet/telnet_analyzer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::telnet {
namespace {

using testutil::RecordingSink;

/// One TCP segment's payload.
struct Segment {
  Direction dir = Direction::ToServer;
  std::string bytes;
};
constexpr Direction kC = Direction::ToServer;  // client -> server
constexpr Direction kS = Direction::ToClient;  // server -> client

std::string raw(std::string_view hex) {
  const std::vector<std::uint8_t> bytes = testutil::from_hex(hex);
  return {bytes.begin(), bytes.end()};
}

// suricata-verify/telnet__telnet-01__telnet.pcap (= ndpi/telnet.pcap) tcp.stream 0, frames 4-49,
// 192.168.0.2:1550 -> 192.168.0.1:23: option negotiation (TTYPE, NAWS, TSPEED, LINEMODE,
// XDISPLOC, NEW-ENVIRON), the OpenBSD banner, login "fake" with password "user", then "Last
// login:", the motd and the "$ " shell prompt.
std::vector<Segment> openbsd_login() {
  return {
      {kC, raw("fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffb23")},  // frame 4
      {kS, raw("fffd25")},                                                  // frame 5
      {kC, raw("fffc25")},                                                  // frame 7
      {kS, raw("fffb03fffd18fffd1ffffd20fffd21fffd22fffa22010bfff0")},      // frame 9
      {kC, raw("fffa1f00500020fff0fffa220301000003620304020f05000007621c08020409421a0a027f0b0215"
               "0f0211100213110000120000fff0fffd03fffa22010ffff0")},  // frame 10
      {kS, raw("fffd27fffb05fffd23fffb26fffd26fffd24")},              // frame 12
      {kC, raw("fffe26fffc26fffc24")},                                // frame 13
      {kS, raw("fffa2001fff0fffa2301fff0fffa2701fff0fffa1801fff0")},  // frame 15
      {kC, raw("fffa2000393630302c39363030fff0fffa230062616d2e7a696e672e6f72673a302e30fff0fffa27"
               "0000444953504c41590162616d2e7a696e672e6f72673a302e30fff0fffa1800787465726d2d636f6c"
               "6f72fff0")},                                                   // frame 17
      {kS, raw("fffd01")},                                                     // frame 19
      {kC, raw("fffc01")},                                                     // frame 20
      {kS, raw("fffb01fffa2102fff0fffc01")},                                   // frame 22
      {kC, raw("fffd01fffe01")},                                               // frame 23
      {kS, raw("fffa2203058000118000128000fff0")},                             // frame 25
      {kS, "\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\n"},                          // frame 27
      {kS, "login: "},                                                         // frame 29
      {kC, "fake\r\n"},                                                        // frame 31
      {kS, raw("fffb01")},                                                     // frame 33
      {kC, raw("fffd01")},                                                     // frame 34
      {kS, "Password:"},                                                       // frame 36
      {kC, "user\r\n"},                                                        // frame 38
      {kS, "\r\n"},                                                            // frame 40
      {kS, raw("fffc01")},                                                     // frame 42
      {kC, raw("fffe01")},                                                     // frame 43
      {kS, "Last login: Sat Nov 27 20:11:43 on ttyp2 from bam.zing.org\r\n"},  // frame 45
      {kS, "Warning: no Kerberos tickets issued.\r\n"},                        // frame 47 (start)
      {kS, "$ "},                                                              // frame 49
  };
}

/// The frames of openbsd_login() up to the "Password:" prompt (frame 36), without the client's
/// login line (frame 31), so tests can type their own.
std::vector<Segment> until_login_prompt() {
  std::vector<Segment> segments = openbsd_login();
  segments.resize(16);  // through frame 29 "login: "
  return segments;
}

/// Delivers segments as the flow layer does: unconsumed bytes stay buffered per direction.
RecordingSink run(const std::vector<Segment>& segments, TelnetAnalyzer& analyzer) {
  RecordingSink sink;
  std::array<std::string, 2> buffered;
  std::array<bool, 2> stopped{};
  for (const Segment& segment : segments) {
    const auto side = static_cast<std::size_t>(segment.dir);
    if (stopped.at(side) || analyzer.is_done()) {
      continue;
    }
    buffered.at(side) += segment.bytes;
    const auto used = analyzer.on_data(segment.dir, as_bytes(buffered.at(side)), sink);
    if (!used) {
      stopped.at(side) = used.error().code != ParseErrorCode::Incomplete;
      continue;
    }
    buffered.at(side).erase(0, *used);
  }
  return sink;
}

RecordingSink run(const std::vector<Segment>& segments) {
  TelnetAnalyzer analyzer;
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

/// Types `text` one character per segment, each echoed by the server, as character-at-a-time
/// clients (busybox telnet, Mirai) and servers with remote echo do.
void type(std::vector<Segment>& segments, std::string_view text, bool echo) {
  for (const char c : text) {
    segments.push_back({kC, std::string(1, c)});
    if (echo && c != '\r' && c != '\0') {
      segments.push_back({kS, std::string(1, c)});
    }
  }
}

TEST(TelnetPrompt, RecognisesPrompts) {
  EXPECT_EQ(find_prompt("\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\nlogin: "), Prompt::User);
  EXPECT_EQ(find_prompt("router Username:"), Prompt::User);
  EXPECT_EQ(find_prompt("User Name :"), Prompt::None);
  EXPECT_EQ(find_prompt("User Name:"), Prompt::User);
  EXPECT_EQ(find_prompt("Password:"), Prompt::Password);
  EXPECT_EQ(find_prompt("PASSCODE: \r\n"), Prompt::Password);
  EXPECT_EQ(find_prompt("Last login: Sat Nov 27"), Prompt::None);
  EXPECT_EQ(find_prompt(""), Prompt::None);
}

TEST(TelnetPrompt, RecognisesVerdicts) {
  EXPECT_EQ(find_verdict("\r\n"), Verdict::None);
  EXPECT_EQ(find_verdict("Last login: Sat Nov 27 20:11:43"), Verdict::Success);
  EXPECT_EQ(find_verdict("\r\nLogin incorrect\r\nlogin: "), Verdict::Failure);
  EXPECT_EQ(find_verdict("% Bad passwords\r\n"), Verdict::Failure);
  EXPECT_EQ(find_verdict("\r\nPassword: "), Verdict::Failure);
  EXPECT_EQ(find_verdict("\r\n\r\nBusyBox v1.36.1 built-in shell (ash)\r\n"), Verdict::Success);
  EXPECT_EQ(find_verdict("\r\n~ # "), Verdict::Success);
  EXPECT_EQ(find_verdict("Router>"), Verdict::Success);
}

TEST(TelnetAnalyzer, OpenBsdLogin) {
  TelnetAnalyzer analyzer;
  const RecordingSink sink = run(openbsd_login(), analyzer);
  EXPECT_EQ(about(sink, Who::Sender, Attr::ServiceBanner),
            std::vector<std::string>{"tcp/23 OpenBSD/i386 (oof) (ttyp2)"});
  EXPECT_EQ(about(sink, Who::Receiver, Attr::CleartextCredential),
            std::vector<std::string>{"telnet user=fake"});
  EXPECT_EQ(about(sink, Who::Sender, Attr::LoginAttempt),
            std::vector<std::string>{"telnet user=fake result=success"});
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());
  EXPECT_EQ(about(sink, Who::Sender, Attr::Protocol),
            (std::vector<std::string>{"telnet", "telnet"}));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(analyzer.is_done());
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.protocol, "telnet");
  }
}

TEST(TelnetAnalyzer, CharacterAtATimeWithEchoAndBackspace) {
  // openbsd_login() with the user typed "fax", DEL, "ke" one key per segment, CR NUL as the line
  // end, and the Mirai pair root / xc3511 as password.
  std::vector<Segment> segments = until_login_prompt();
  type(segments, std::string("fax\x7fke\r", 7) + std::string(1, '\0'), true);
  segments.push_back({kS, "\r\nPassword:"});
  type(segments, "xc3511\r\n", false);
  segments.push_back({kS, "\r\nLogin incorrect\r\nlogin: "});
  type(segments, "root\r\n", true);
  segments.push_back({kS, "\r\nPassword:"});
  type(segments, "xc3511\r\n", false);
  segments.push_back({kS, "\r\n"});
  segments.push_back({kS, "Last login: Sat Nov 27 20:11:43 on ttyp2 from bam.zing.org\r\n"});
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::CleartextCredential),
            (std::vector<std::string>{"telnet user=fake", "telnet user=root"}));
  EXPECT_EQ(about(sink, Who::Receiver, Attr::DefaultCredential),
            std::vector<std::string>{"telnet user=root list=mirai"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            (std::vector<std::string>{"telnet user=fake result=failure",
                                      "telnet user=root result=success"}));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("xc3511"), std::string::npos);
  }
}

TEST(TelnetAnalyzer, IacSplitAcrossSegments) {
  // Frame 33's IAC WILL ECHO split after the IAC (as frames 72/73 split IAC DM), then the prompt.
  std::vector<Segment> segments = openbsd_login();
  segments.resize(14);  // through frame 25
  segments.push_back({kS, raw("ff")});
  segments.push_back({kS, raw("fb01") + "login: "});
  segments.push_back({kC, raw("ffff") + "root\r\n"});  // IAC IAC: a 0xff in the user name
  segments.push_back({kS, "Password:"});
  segments.push_back({kC, "\r\n"});
  segments.push_back({kS, "\r\n# "});
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::ServiceBanner), std::vector<std::string>{"tcp/23 login:"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{std::string("telnet user=\xffroot result=success")});
}

TEST(TelnetAnalyzer, PasswordOnlyPrompt) {
  std::vector<Segment> segments = openbsd_login();
  segments.resize(14);
  segments.push_back({kS, "\r\nUser Access Verification\r\n\r\nPassword: "});
  type(segments, "cisco\r\n", false);
  segments.push_back({kS, "\r\n% Bad passwords\r\n"});
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::ServiceBanner),
            std::vector<std::string>{"tcp/23 User Access Verification"});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"telnet user=(none) result=failure"});
}

TEST(TelnetAnalyzer, BoundsInputAndBanner) {
  std::vector<Segment> segments;
  segments.push_back({kS, std::string(300, 'B') + "\r\nlogin: "});
  segments.push_back({kC, std::string(200, 'u') + "\r\n"});
  segments.push_back({kS, "Password: "});
  segments.push_back({kC, std::string(5000, 'p') + "\r\n"});
  segments.push_back({kS, "Login incorrect\r\n"});
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::ServiceBanner),
            std::vector<std::string>{"tcp/23 " + std::string(kMaxBannerBytes, 'B')});
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            std::vector<std::string>{"telnet user=" + std::string(kMaxInputBytes, 'u') +
                                     " result=failure"});
}

TEST(TelnetAnalyzer, CapsLoginAttempts) {
  std::vector<Segment> segments = until_login_prompt();
  for (std::size_t attempt_idx = 0; attempt_idx < kMaxLoginAttempts + 4; ++attempt_idx) {
    segments.push_back({kC, "fake\r\n"});
    segments.push_back({kS, "Password:"});
    segments.push_back({kC, "user\r\n"});
    segments.push_back({kS, "\r\nLogin incorrect\r\nlogin: "});
  }
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.values(Attr::LoginAttempt).size(), kMaxLoginAttempts);
}

TEST(TelnetAnalyzer, StopsAtEndlessSubnegotiation) {
  std::vector<Segment> segments = {{kS, raw("fffa18") + std::string(kMaxSubnegotiationBytes, 'x')},
                                   {kS, "login: "}};
  const RecordingSink sink = run(segments);
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"telnet.subnegotiation_too_long"});
  EXPECT_TRUE(sink.values(Attr::ServiceBanner).empty());
}

TEST(TelnetAnalyzer, AuthenticationSubnegotiationOnly) {
  // zeek/telnet-auth-missing-name.pcap frame 4: IAC SB AUTHENTICATION IS ... IAC SE, no text.
  const RecordingSink sink = run({{kS, raw("fffa250202fff0")}});
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(sink.values(Attr::Protocol), std::vector<std::string>{"telnet"});
  EXPECT_EQ(sink.records.size(), 1U);
}

}  // namespace
}  // namespace warden::proto::telnet
