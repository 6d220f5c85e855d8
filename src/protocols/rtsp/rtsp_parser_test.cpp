// SPDX-License-Identifier: Apache-2.0
#include "protocols/rtsp/rtsp_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/rtsp/rtsp_analyzer.hpp"
#include "testutil/recording_sink.hpp"
#include "testutil/stream_feeder.hpp"

namespace warden::proto::rtsp {
namespace {

using namespace std::literals;  // NOLINT(google-build-using-namespace): test data
using testutil::RecordingSink;

// ndpi/rtsp.pcap, VLC 3.0.16 (LIVE555) at 10.1.1.10 playing from a VLC 3.0.12 server at
// 10.2.2.2:8554. Frame 25: OPTIONS.
constexpr std::string_view kOptions =
    "OPTIONS rtsp://10.2.2.2:8554/ RTSP/1.0\r\n"
    "CSeq: 2\r\n"
    "User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
    "\r\n"sv;
// Frame 33: its response.
constexpr std::string_view kOptionsResponse =
    "RTSP/1.0 200 OK\r\n"
    "Server: VLC/3.0.12\r\n"
    "Content-Length: 0\r\n"
    "Cseq: 2\r\n"
    "Public: DESCRIBE,SETUP,TEARDOWN,PLAY,PAUSE,GET_PARAMETER\r\n"
    "\r\n"sv;
// Frame 37: DESCRIBE.
constexpr std::string_view kDescribe =
    "DESCRIBE rtsp://10.2.2.2:8554/ RTSP/1.0\r\n"
    "CSeq: 3\r\n"
    "User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
    "Accept: application/sdp\r\n"
    "\r\n"sv;
// Frame 45: the DESCRIBE response head; its 695-byte SDP body is frame 53.
constexpr std::string_view kDescribeResponseHead =
    "RTSP/1.0 200 OK\r\n"
    "Server: VLC/3.0.12\r\n"
    "Date: Thu, 29 Jul 2021 14:01:25 GMT\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Base: rtsp://10.2.2.2:8554/\r\n"
    "Content-Length: 695\r\n"
    "Cache-Control: no-cache\r\n"
    "Cseq: 3\r\n"
    "\r\n"sv;
// Frame 53: the first lines of the SDP body.
constexpr std::string_view kSdpStart =
    "v=0\r\n"
    "o=- 16477882915028377644 16477882915028377644 IN IP4 kali\r\n"
    "s=Unnamed\r\n"sv;
constexpr std::size_t kSdpLength = 695;
// Frame 81: PLAY.
constexpr std::string_view kPlay =
    "PLAY rtsp://10.2.2.2:8554/ RTSP/1.0\r\n"
    "CSeq: 6\r\n"
    "User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
    "Session: 8c30e102191f49d1\r\n"
    "Range: npt=0.000-\r\n"
    "\r\n"sv;
// ndpi/rtsp_setup_http.pcapng frame 1, 172.28.5.170:63840 -> 172.28.4.26:8554: SETUP.
constexpr std::string_view kSetup =
    "SETUP rtsp://172.28.4.26:8554/trackID=88 RTSP/1.0\r\n"
    "CSeq: 4\r\n"
    "User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
    "Transport: RTP/AVP;unicast;client_port=50220-50221\r\n"
    "\r\n"sv;

// No capture at hand carries RTSP authentication or interleaved RTP: the following messages are
// built after RFC 2326 (§10.2 DESCRIBE, §10.12 interleaved data) and RFC 7617 (Basic) /
// RFC 7616 (Digest), with the header layout of the VLC exchange above.
// "admin:admin" (a default pair) in Basic.
constexpr std::string_view kDescribeBasicAdmin =
    "DESCRIBE rtsp://10.2.2.2:554/Streaming/Channels/101 RTSP/1.0\r\n"
    "CSeq: 4\r\n"
    "Authorization: Basic YWRtaW46YWRtaW4=\r\n"
    "User-Agent: LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)\r\n"
    "Accept: application/sdp\r\n"
    "\r\n"sv;
// "viewer:s3cret-Pa55" in Basic.
constexpr std::string_view kDescribeBasicViewer =
    "DESCRIBE rtsp://10.2.2.2:554/live RTSP/1.0\r\n"
    "CSeq: 5\r\n"
    "Authorization: Basic dmlld2VyOnMzY3JldC1QYTU1\r\n"
    "\r\n"sv;
constexpr std::string_view kUnauthorized =
    "RTSP/1.0 401 Unauthorized\r\n"
    "CSeq: 3\r\n"
    "WWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"a1b2c3d4\"\r\n"
    "WWW-Authenticate: Basic realm=\"IP Camera\"\r\n"
    "Server: Hipcam RealServer/V1.0\r\n"
    "\r\n"sv;
constexpr std::string_view kDescribeDigest =
    "DESCRIBE rtsp://10.2.2.2:554/live RTSP/1.0\r\n"
    "CSeq: 6\r\n"
    "Authorization: Digest username=\"operator\", realm=\"IP Camera\", nonce=\"a1b2c3d4\", "
    "uri=\"rtsp://10.2.2.2:554/live\", response=\"0123456789abcdef0123456789abcdef\"\r\n"
    "\r\n"sv;

std::string response_to(std::uint32_t cseq, std::string_view status_line) {
  return std::string(status_line) + "\r\nCSeq: " + std::to_string(cseq) +
         "\r\nServer: Hipcam RealServer/V1.0\r\n\r\n";
}

/// The flow's role (testutil::StreamFeeder) with the RTSP analyzer; test data as text.
class Feeder : public testutil::StreamFeeder {
 public:
  explicit Feeder(RecordingSink& sink) : StreamFeeder(make_rtsp_analyzer(), sink) {}
  using StreamFeeder::feed;
  bool feed(Direction dir, std::string_view text) { return feed(dir, as_bytes(text)); }
  bool to_server(std::string_view text) { return feed(Direction::ToServer, text); }
  bool to_client(std::string_view text) { return feed(Direction::ToClient, text); }
};

// --- parser ---------------------------------------------------------------------------------

TEST(RtspHead, ParsesRequestsAndResponses) {
  const auto request = parse_head(as_bytes(kDescribe));
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->is_request());
  EXPECT_EQ(request->method, "DESCRIBE");
  EXPECT_EQ(request->target, "rtsp://10.2.2.2:8554/");
  EXPECT_EQ(request->version, "RTSP/1.0");
  EXPECT_EQ(request->get("accept"), "application/sdp");
  EXPECT_EQ(request->length, kDescribe.size());

  const auto response = parse_head(as_bytes(kDescribeResponseHead));
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->is_request());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get("Server"), "VLC/3.0.12");
  EXPECT_EQ(response->content_length(), kSdpLength);
}

TEST(RtspHead, WaitsForTheBlankLineAndRejectsOtherProtocols) {
  EXPECT_EQ(parse_head(as_bytes(kOptions.substr(0, 30))).error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(parse_head(as_bytes("RTS"sv)).error().code, ParseErrorCode::Incomplete);
  EXPECT_STREQ(parse_head(as_bytes("GET / HTTP/1.1\r\n\r\n"sv)).error().name,
               "rtsp.bad_start_line");
  EXPECT_STREQ(parse_head(as_bytes("\x16\x03\x01\x02"sv)).error().name, "rtsp.bad_start_line");
  EXPECT_STREQ(parse_head(as_bytes("RTSP/1.0 2x0 OK\r\n\r\n"sv)).error().name,
               "rtsp.bad_start_line");
  const std::string long_head = "OPTIONS * RTSP/1.0\r\nX: " + std::string(kMaxHeadBytes, 'a');
  EXPECT_STREQ(parse_head(as_bytes(long_head)).error().name, "rtsp.head_too_long");
}

TEST(RtspHead, BadContentLength) {
  const auto head = parse_head(as_bytes("RTSP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n"sv));
  ASSERT_TRUE(head);
  EXPECT_STREQ(head->content_length().error().name, "rtsp.bad_content_length");
}

TEST(RtspAuth, DecodesBasicAndDigest) {
  std::array<char, kMaxBasicBytes> storage{};
  const auto admin = decode_basic("Basic YWRtaW46YWRtaW4=", storage);
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->user, "admin");
  EXPECT_EQ(admin->password, "admin");
  const auto viewer = decode_basic("Basic dmlld2VyOnMzY3JldC1QYTU1", storage);
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->user, "viewer");
  EXPECT_EQ(viewer->password, "s3cret-Pa55");
  EXPECT_STREQ(decode_basic("Basic !!!!", storage).error().name, "rtsp.bad_basic_auth");
  EXPECT_STREQ(decode_basic("Basic YWRtaW4=", storage).error().name,
               "rtsp.bad_basic_auth");  // "admin": no colon
  EXPECT_STREQ(decode_basic("Basic " + std::string(400, 'A'), storage).error().name,
               "rtsp.basic_auth_too_long");

  EXPECT_EQ(digest_username("Digest username=\"operator\", realm=\"IP Camera\""), "operator");
  EXPECT_EQ(digest_username("Digest realm=\"a,b\", username=op2"), "op2");
  EXPECT_FALSE(digest_username("Digest realm=\"x\""));
  EXPECT_FALSE(digest_username("Basic YWRtaW46YWRtaW4="));
  EXPECT_EQ(auth_scheme("Digest realm=\"IP Camera\""), "Digest");
}

TEST(RtspInterleaved, FrameLength) {
  EXPECT_EQ(parse_interleaved(as_bytes("$\x01\x00\x20"sv)), 4U + 0x20U);
  EXPECT_EQ(parse_interleaved(as_bytes("$\x01"sv)).error().code, ParseErrorCode::Incomplete);
}

TEST(RtspProbe, RecognisesRtspOnly) {
  EXPECT_TRUE(probe_rtsp(as_bytes(kOptions)));
  EXPECT_TRUE(probe_rtsp(as_bytes(kDescribe)));
  EXPECT_TRUE(probe_rtsp(as_bytes(kSetup)));
  EXPECT_TRUE(probe_rtsp(as_bytes(kOptionsResponse)));
  EXPECT_FALSE(probe_rtsp(as_bytes("OPTIONS * HTTP/1.1\r\n"sv)));
  EXPECT_FALSE(probe_rtsp(as_bytes("GET / HTTP/1.1\r\n"sv)));
}

// --- analyzer -------------------------------------------------------------------------------

TEST(RtspAnalyzer, ReportsTheVlcSession) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kOptions));
  ASSERT_TRUE(feeder.to_client(kOptionsResponse));
  ASSERT_TRUE(feeder.to_server(kDescribe));
  ASSERT_TRUE(feeder.to_client(kDescribeResponseHead));
  EXPECT_EQ(feeder.skip(Direction::ToClient), kSdpLength);  // the SDP is skipped unseen
  ASSERT_TRUE(feeder.to_client(kSdpStart));
  ASSERT_TRUE(feeder.to_server(kPlay));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(sink.values(Attr::RtspMethod),
            (std::vector<std::string>{"OPTIONS", "DESCRIBE", "PLAY"}));
  EXPECT_TRUE(sink.has(Attr::RtspUserAgent, "LibVLC/3.0.16 (LIVE555 Streaming Media v2016.11.28)"));
  EXPECT_TRUE(sink.has(Attr::RtspServer, "VLC/3.0.12"));
  EXPECT_TRUE(sink.has(Attr::Protocol, "rtsp"));
  EXPECT_TRUE(sink.values(Attr::LoginAttempt).empty());
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, "rtsp");
  }
}

TEST(RtspAnalyzer, BodyArrivingWithItsHead) {
  RecordingSink sink;
  Feeder feeder(sink);
  const std::string both =
      std::string(kDescribeResponseHead) + std::string(kSdpLength, 'x') + std::string(kSetup);
  ASSERT_TRUE(feeder.to_client(both.substr(0, 100)));
  ASSERT_TRUE(feeder.to_client(both.substr(100)));
  EXPECT_EQ(sink.values(Attr::RtspMethod), std::vector<std::string>{"SETUP"});
  EXPECT_EQ(feeder.buffered(Direction::ToClient), 0U);
}

TEST(RtspAnalyzer, BasicDefaultCredentialAndSuccess) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kDescribeBasicAdmin));
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "rtsp user=admin"));
  EXPECT_TRUE(sink.has(Attr::DefaultCredential, "rtsp user=admin list=mirai"));
  EXPECT_TRUE(sink.values(Attr::LoginAttempt).empty());  // only once the server answers
  ASSERT_TRUE(feeder.to_client(response_to(4, "RTSP/1.0 200 OK")));
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "rtsp user=admin result=success"));
  for (const auto& record : sink.records) {
    const bool about_server =
        record.attr == Attr::CleartextCredential || record.attr == Attr::DefaultCredential;
    EXPECT_EQ(record.subject.who, about_server ? Who::Receiver : Who::Sender);
    EXPECT_EQ(record.value.find("YWRt"), std::string::npos);
  }
}

TEST(RtspAnalyzer, ChallengeThenFailedBasicLogin) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kDescribe));
  ASSERT_TRUE(feeder.to_client(kUnauthorized));
  EXPECT_EQ(sink.values(Attr::AuthChallenge), (std::vector<std::string>{"Digest", "Basic"}));
  EXPECT_TRUE(sink.has(Attr::RtspServer, "Hipcam RealServer/V1.0"));
  EXPECT_TRUE(sink.values(Attr::LoginAttempt).empty());  // the DESCRIBE had no Authorization
  ASSERT_TRUE(feeder.to_server(kDescribeBasicViewer));
  ASSERT_TRUE(feeder.to_client(response_to(5, "RTSP/1.0 401 Unauthorized")));
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "rtsp user=viewer"));
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "rtsp user=viewer result=failure"));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("s3cret"), std::string::npos);
  }
}

TEST(RtspAnalyzer, DigestLoginMatchedByCseq) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kDescribeBasicViewer));  // CSeq 5
  ASSERT_TRUE(feeder.to_server(kDescribeDigest));       // CSeq 6
  ASSERT_TRUE(feeder.to_client(response_to(6, "RTSP/1.0 200 OK")));
  ASSERT_TRUE(feeder.to_client(response_to(5, "RTSP/1.0 403 Forbidden")));
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            (std::vector<std::string>{"rtsp user=operator result=success",
                                      "rtsp user=viewer result=failure"}));
  EXPECT_TRUE(sink.values(Attr::CleartextCredential) ==
              std::vector<std::string>{"rtsp user=viewer"});  // Digest sends no password
}

TEST(RtspAnalyzer, SkipsInterleavedRtpAfterPlay) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kPlay));
  ASSERT_TRUE(feeder.to_client(response_to(6, "RTSP/1.0 200 OK")));
  // Two interleaved RTP packets on channel 0 (12-byte RTP header + 4 bytes of payload), one
  // split across segments, then an RTSP response.
  std::string rtp = "$\x00\x00\x10"s + "\x80\x60\x83\xd7\xac\xc4\x71\x71\xb1\x96\x4b\x48"s + "abcd";
  const std::string stream = rtp + rtp + response_to(7, "RTSP/1.0 200 OK");
  ASSERT_TRUE(feeder.to_client(stream.substr(0, 22)));
  ASSERT_TRUE(feeder.to_client(stream.substr(22)));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(sink.values(Attr::RtspServer).size(), 2U);
  EXPECT_EQ(feeder.buffered(Direction::ToClient), 0U);
}

TEST(RtspAnalyzer, StopsOnNonRtsp) {
  RecordingSink sink;
  Feeder feeder(sink);
  EXPECT_FALSE(feeder.to_server("\x16\x03\x01\x00\xa5\x01"sv));
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"rtsp.bad_start_line"});
  EXPECT_TRUE(sink.records.empty());
}

TEST(RtspAnalyzer, BadBasicIsAnAnomaly) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(
      feeder.to_server("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nAuthorization: Basic %%%\r\n\r\n"));
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"rtsp.bad_basic_auth"});
  EXPECT_TRUE(sink.has(Attr::RtspMethod, "OPTIONS"));
}

}  // namespace
}  // namespace warden::proto::rtsp
