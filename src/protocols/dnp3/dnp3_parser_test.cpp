// SPDX-License-Identifier: Apache-2.0
// Test vectors are TCP payloads from captures under /work/shared/pcaps, extracted with
// `tshark -r FILE -T fields -e tcp.payload`; each names its file and frame number.
#include "protocols/dnp3/dnp3_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/dnp3/dnp3_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::dnp3 {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// iti-ics/dnp3_select_operate_and_responses.pcap frame 4: master 1 -> outstation 10, LEN 0x1a
// (21 user data bytes, two CRC blocks): SELECT of a CROB (g12v1, index 0, latch on).
constexpr std::string_view kSelect =
    "05641ac40a0001008a1cc0c0030c012801000000030164000000fd6b6400000000005b";
// Same capture, frame 6: outstation 10 -> master 1, RESPONSE echoing the CROB.
constexpr std::string_view kSelectResponse =
    "05641c4401000a007636c6c08100000c01280100000003016400c39600006400000000005b";
// Same capture, frame 7: OPERATE of the same CROB.
constexpr std::string_view kOperate =
    "05641ac40a0001008a1cc1c1040c012801000000030164000000b9f06400000000005b";
// iti-ics/dnp3_auth_control_challenge_response.pcap frame 1: DIRECT_OPERATE, master 3 -> 4.
constexpr std::string_view kDirectOperate =
    "05641ac404000300c2e6c7c6050c0128010001000301640000003b7f6400000000005b";
// Same capture, frame 2: the outstation challenges: AUTHENTICATE_RESP (131), g120v1.
constexpr std::string_view kAuthChallenge =
    "05641c440300040064bdc7c683900078015b010c0003000000009287000401737465768d5c";
// Same capture, frame 3: the master answers: AUTHENTICATE_REQ (32), g120v2 reply.
constexpr std::string_view kAuthReply =
    "056424c404000300849ec8c62078025b01160003000000010006c295fae1911a2cce2dda8abfece1cac8c414f5";
// iti-ics/dnp3_operate_aggressive_mode.pcap frame 1: DIRECT_OPERATE in aggressive mode (the
// first object is g120v3).
constexpr std::string_view kAggressiveOperate =
    "05643ac4040003004017d3cc05780307010900000001000c01281e6d01000100030164000000640000000078454b"
    "095b011000ba8db44d5e72cd0ad418e5a302e415256867bed2";
// iti-ics/dnp3_cold_restart_and_response.pcap frame 4: COLD_RESTART, master 1 -> 10.
constexpr std::string_view kColdRestart = "056408c40a000100fc42c0c00d9c86";
// iti-ics/dnp3_unsolcited_response_and_confirm.pcap frame 4: UNSOLICITED_RESPONSE from 10.
constexpr std::string_view kUnsolicited = "05640a4401000a006e25c0f08200004466";
// Same capture, frame 5: the master's CONFIRM.
constexpr std::string_view kConfirm = "056408c40a000100fc42c0d0001b49";
// iti-ics/openics_DNP3-RequestLinkStatus.pcap frame 4: REQUEST_LINK_STATUS, link layer only.
constexpr std::string_view kLinkStatus = "056405c903000400bd71";
// Same capture, frame 6: the answer has a length byte of 0 (malformed).
constexpr std::string_view kZeroLength = "0564000b040003000000";

// iti-ics/dnp3_opendnp3-conf-6.6.2.4.pcap frame 4: a frame from 1 to 1024 with a wrong header
// CRC (d0 7b instead of cf 7b) and a length byte too short for the request behind it, sent by
// the conformance test.
constexpr std::string_view kBadHeaderCrc = "056405c400040100d07bc0c0013c0106ff50";

std::vector<std::uint8_t> corpus_file(std::string_view name) {
  std::ifstream in(
      std::string(WARDEN_SOURCE_DIR) + "/src/protocols/dnp3/corpus/" + std::string(name),
      std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Plays the flow's role: per direction, buffers what the analyzer did not consume.
class Flow {
 public:
  /// Delivers `bytes` in pieces of `chunk` bytes; false once the analyzer stopped the direction.
  bool feed(Direction dir, Bytes bytes, std::size_t chunk = 100000) {
    for (std::size_t offset = 0; offset < bytes.size(); offset += chunk) {
      auto& buffer = buffers_.at(static_cast<std::size_t>(dir));
      const Bytes piece = bytes.subspan(offset, std::min(chunk, bytes.size() - offset));
      buffer.insert(buffer.end(), piece.begin(), piece.end());
      const auto used = analyzer.on_data(dir, buffer, sink);
      if (!used) {
        if (used.error().code != ParseErrorCode::Incomplete) {
          error = used.error().name;
          return false;
        }
        continue;
      }
      buffer.erase(buffer.begin(),
                   buffer.begin() + static_cast<std::ptrdiff_t>(std::min(*used, buffer.size())));
    }
    return true;
  }
  bool feed(Direction dir, std::string_view hex, std::size_t chunk = 100000) {
    const std::vector<std::uint8_t> bytes = from_hex(hex);
    return feed(dir, Bytes(bytes), chunk);
  }

  Dnp3Analyzer analyzer;
  RecordingSink sink;
  std::string error;

 private:
  std::array<std::vector<std::uint8_t>, 2> buffers_;
};

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value) {
  return sink.has(who, attr, value, "dnp3");
}

TEST(Dnp3Crc, MatchesTheCatalogueCheckValue) {
  const std::string_view check = "123456789";
  EXPECT_EQ(crc16_dnp(as_bytes(check)), 0xEA82);
  // Header of kSelect: CRC bytes 8a 1c, least significant first.
  const std::vector<std::uint8_t> frame = from_hex(kSelect);
  EXPECT_EQ(crc16_dnp(Bytes(frame).first(8)), 0x1C8A);
}

TEST(Dnp3LinkFrame, ParsesHeaderAndJoinsCrcBlocks) {
  const std::vector<std::uint8_t> bytes = from_hex(kSelect);
  ASSERT_EQ(frame_length(bytes).value(), bytes.size());
  const auto frame = parse_link_frame(bytes);
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->from_master());
  EXPECT_TRUE(frame->is_primary());
  EXPECT_EQ(frame->link_function(), 4);  // unconfirmed user data
  EXPECT_EQ(frame->destination, 10);
  EXPECT_EQ(frame->source, 1);
  ASSERT_EQ(frame->user_data_length, 21U);
  // The second block starts after the first block's CRC (fd 6b).
  EXPECT_EQ(frame->user_data()[16], 0x64);
  const auto app = parse_application(frame->user_data());
  ASSERT_TRUE(app);
  EXPECT_TRUE(app->first_segment);
  EXPECT_TRUE(app->final_segment);
  EXPECT_EQ(app->function, 3);  // SELECT
  EXPECT_EQ(app->first_object_group, 12);
}

TEST(Dnp3LinkFrame, ParsesLinkLayerOnlyFrames) {
  const auto frame = parse_link_frame(from_hex(kLinkStatus));
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->link_function(), 9);
  EXPECT_EQ(frame->destination, 3);
  EXPECT_EQ(frame->source, 4);
  EXPECT_EQ(frame->user_data_length, 0U);
}

TEST(Dnp3LinkFrame, RejectsBadCrcsStartAndLength) {
  std::vector<std::uint8_t> bytes = from_hex(kSelect);
  bytes[20] ^= 0x01U;  // a user data byte of the first block
  EXPECT_STREQ(parse_link_frame(bytes).error().name, "dnp3.bad_crc");
  bytes = from_hex(kSelect);
  bytes[5] ^= 0x01U;  // the destination, covered by the header CRC
  EXPECT_STREQ(parse_link_frame(bytes).error().name, "dnp3.bad_crc");
  bytes = from_hex(kSelect);
  bytes[0] = 0x06;
  EXPECT_STREQ(frame_length(bytes).error().name, "dnp3.bad_start");
  EXPECT_STREQ(frame_length(from_hex(kZeroLength)).error().name, "dnp3.bad_length");
  EXPECT_EQ(frame_length(Bytes(from_hex(kSelect)).first(2)).error().code,
            ParseErrorCode::Incomplete);
}

TEST(Dnp3Application, ReadsResponseObjectAfterIin) {
  const auto frame = parse_link_frame(from_hex(kAuthChallenge));
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->from_master());
  const auto app = parse_application(frame->user_data());
  ASSERT_TRUE(app);
  EXPECT_EQ(app->function, function::kAuthenticateResponse);
  EXPECT_EQ(app->first_object_group, kGroupAuthentication);
  EXPECT_TRUE(is_authentication_function(app->function));
}

TEST(Dnp3Application, NamesFunctions) {
  EXPECT_EQ(function_name(1), "read");
  EXPECT_EQ(function_name(6), "direct-operate-nr");
  EXPECT_EQ(function_name(24), "record-current-time");
  EXPECT_EQ(function_name(130), "unsolicited-response");
  EXPECT_EQ(function_name(200), "");
  EXPECT_TRUE(is_control_function(5));
  EXPECT_TRUE(is_control_function(13));
  EXPECT_FALSE(is_control_function(1));
  EXPECT_FALSE(is_control_function(129));
}

TEST(Dnp3Analyzer, ReportsSelectOperateSession) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kSelect));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSelectResponse));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kOperate));
  const RecordingSink& sink = flow.sink;
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "dnp3"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsAddress, "dnp3 1"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsAddress, "dnp3 10"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "dnp3 select"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "dnp3 operate"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "dnp3 select"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "dnp3 operate"));
  // Each address once per flow, though both sides repeat them in every frame.
  EXPECT_EQ(sink.values(Attr::IcsAddress).size(), 2U);
  EXPECT_EQ(sink.values(Attr::Protocol).size(), 2U);
  // The outstation's RESPONSE is not a function it used.
  EXPECT_EQ(sink.values(Attr::IcsFunction).size(), 2U);
}

TEST(Dnp3Analyzer, ReportsSecureAuthenticationOfBothSides) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kDirectOperate));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kAuthChallenge));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kAuthReply));
  const RecordingSink& sink = flow.sink;
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "dnp3 direct-operate"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "dnp3 authenticate-req"));
  const std::vector<std::string> functions = sink.values(Attr::IcsFunction);
  EXPECT_EQ(std::count(functions.begin(), functions.end(), "dnp3 secure-authentication"), 2);
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(Dnp3Analyzer, ReportsAggressiveModeAuthentication) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kAggressiveOperate));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 direct-operate"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 secure-authentication"));
}

TEST(Dnp3Analyzer, ReportsRestartUnsolicitedAndConfirm) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kColdRestart));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kUnsolicited));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kConfirm));
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsControl, "dnp3 cold-restart"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 unsolicited-response"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 confirm"));
  EXPECT_EQ(flow.sink.values(Attr::IcsControl).size(), 1U);
}

TEST(Dnp3Analyzer, HandlesFramesSplitAndCoalescedAcrossSegments) {
  // iti-ics/dnp3_write_vto_empty_string.pcap frames 1 and 2 (from the corpus file): eleven
  // 255-byte frames from master 3 to outstation 4, the fifth split between the two segments.
  const std::vector<std::uint8_t> file = corpus_file("stream_vto_write_multi_frame");
  ASSERT_GT(file.size(), 100U);
  const std::string_view marker = "\xFFWD\xFF";
  const std::string_view text = as_chars(Bytes(file).subspan(1));
  const std::size_t cut = text.find(marker);
  ASSERT_NE(cut, std::string_view::npos);
  const Bytes first = as_bytes(text.substr(0, cut));
  const Bytes second = as_bytes(text.substr(cut + marker.size() + 1));

  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, first));
  ASSERT_TRUE(flow.feed(Direction::ToServer, second));
  EXPECT_TRUE(flow.sink.anomalies.empty());
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 write"));
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsControl, "dnp3 write"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsAddress, "dnp3 3"));

  Flow bytewise;
  ASSERT_TRUE(bytewise.feed(Direction::ToServer, first, 1));
  ASSERT_TRUE(bytewise.feed(Direction::ToServer, second, 7));
  EXPECT_EQ(bytewise.sink.records.size(), flow.sink.records.size());
  EXPECT_TRUE(bytewise.sink.anomalies.empty());
}

TEST(Dnp3Analyzer, CountsABadCrcAndSkipsTheFrame) {
  Flow flow;
  std::vector<std::uint8_t> bytes = from_hex(kSelect);
  bytes[20] ^= 0x01U;
  const std::vector<std::uint8_t> operate = from_hex(kOperate);
  bytes.insert(bytes.end(), operate.begin(), operate.end());
  ASSERT_TRUE(flow.feed(Direction::ToServer, Bytes(bytes)));
  ASSERT_EQ(flow.sink.anomalies.size(), 1U);
  EXPECT_EQ(flow.sink.anomalies[0], "dnp3.bad_crc");
  EXPECT_FALSE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 select"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 operate"));
}

TEST(Dnp3Analyzer, ResyncsAfterABadHeaderCrc) {
  Flow flow;
  // The bad frame's length byte says 5 but 8 more bytes follow: only a search for the next
  // start bytes finds the cold restart behind it.
  const std::string both = std::string(kBadHeaderCrc) + std::string(kColdRestart);
  ASSERT_TRUE(flow.feed(Direction::ToServer, both));
  ASSERT_EQ(flow.sink.anomalies.size(), 1U);
  EXPECT_EQ(flow.sink.anomalies[0], "dnp3.bad_crc");
  EXPECT_FALSE(has(flow.sink, Who::Receiver, Attr::IcsAddress, "dnp3 1024"));
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsControl, "dnp3 cold-restart"));
}

TEST(Dnp3Analyzer, ResyncsAfterABadLength) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kLinkStatus));
  const std::string both = std::string(kZeroLength) + std::string(kUnsolicited);
  ASSERT_TRUE(flow.feed(Direction::ToClient, both));
  ASSERT_EQ(flow.sink.anomalies.size(), 1U);
  EXPECT_EQ(flow.sink.anomalies[0], "dnp3.bad_length");
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsAddress, "dnp3 3"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "dnp3 unsolicited-response"));
}

TEST(Dnp3Analyzer, GivesUpOnAStreamThatIsNotDnp3) {
  Flow flow;
  // iti-ics/bro_dnp3_dnp3.pcap frame 19: a frame whose second start byte is 0x05.
  const std::string_view garbage = "050511c40400030046a2c2c2143c02063c03063c0406d32f";
  for (std::size_t call_idx = 0; call_idx < kMaxResyncs; ++call_idx) {
    ASSERT_TRUE(flow.feed(Direction::ToServer, garbage));
  }
  EXPECT_FALSE(flow.feed(Direction::ToServer, garbage));
  EXPECT_EQ(flow.error, "dnp3.bad_start");
  EXPECT_EQ(flow.sink.anomalies.size(), kMaxResyncs);
}

TEST(Dnp3Datagram, ReportsFramesOfOneDatagram) {
  std::vector<std::uint8_t> payload = from_hex(kColdRestart);
  const std::vector<std::uint8_t> link = from_hex(kLinkStatus);
  payload.insert(payload.end(), link.begin(), link.end());
  decode::Packet packet;
  packet.payload = payload;
  RecordingSink sink;
  analyze_dnp3(packet, sink);
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "dnp3 cold-restart"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsAddress, "dnp3 1"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsAddress, "dnp3 4"));

  payload.pop_back();
  packet.payload = payload;
  RecordingSink cut;
  analyze_dnp3(packet, cut);
  ASSERT_EQ(cut.anomalies.size(), 1U);
  EXPECT_EQ(cut.anomalies[0], "dnp3.truncated_frame");
}

}  // namespace
}  // namespace warden::proto::dnp3
