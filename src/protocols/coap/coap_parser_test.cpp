// SPDX-License-Identifier: Apache-2.0
#include "protocols/coap/coap_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/coap/coap_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::coap {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// Test vectors: UDP payloads printed by `tshark -T fields -e udp.payload`.

// Self-made: libcoap 4.3.1 coap-client-notls against coap-server-notls, captured with tcpdump in a
// private network namespace (10.99.7.1 client, 10.99.7.2:5683 server).
// Frame 1: CON GET, token 01, Uri-Path ".well-known" "core".
constexpr std::string_view kGetWellKnownCore = "4101392f01bb2e77656c6c2d6b6e6f776e04636f7265";
// Frame 2: ACK 2.05 Content, Content-Format 40 (link-format), payload "</>;title=...".
constexpr std::string_view kWellKnownCoreResponse =
    "6145392f01c128ff3c2f3e3b7469746c653d2247656e6572616c20496e666f223b63743d302c3c2f74696d653e3b"
    "69663d22636c6f636b223b72743d227469636b73223b7469746c653d22496e7465726e616c20436c6f636b223b63"
    "743d303b6f62732c3c2f6173796e633e3b63743d302c3c2f6578616d706c655f646174613e3b7469746c653d2245"
    "78616d706c652044617461223b63743d303b6f6273";
// Frame 3: CON GET /time with Uri-Query "ticks".
constexpr std::string_view kGetTimeWithQuery = "410182a401b474696d65457469636b73";
// Frame 4: ACK 2.05, Max-Age 1 as an 8-bit extended delta (d1 01 = option 14), no Content-Format.
constexpr std::string_view kTimeResponse = "614582a401d10101ff31373935333637343634";
// Frame 5: CON PUT /example_data, Content-Format 50 (JSON), payload {"on":true}.
constexpr std::string_view kPutJson =
    "4103dd2001bc6578616d706c655f646174611132ff7b226f6e223a747275657d";
// Frame 7: CON GET /example_data with Accept 60 (CBOR).
constexpr std::string_view kGetAcceptCbor = "41014c4001bc6578616d706c655f64617461613c";
// Frame 9: CON POST /sensors/temp, Content-Format 110 (SenML JSON).
constexpr std::string_view kPostSenml =
    "4102707901b773656e736f72730474656d70116eff5b7b226e223a2274222c2276223a32317d5d";
// Frame 10: ACK 4.04 Not Found.
constexpr std::string_view kNotFound = "6184707901ff4e6f7420466f756e64";
// Frame 11: CON DELETE /example_data.
constexpr std::string_view kDelete = "4104c27701bc6578616d706c655f64617461";

// ndpi/coap_mqtt.pcap frame 6, [bbbb::1]:33499 -> [bbbb::3]:5683: CON GET /separate,
// Content-Format 0 (zero-length value), Size1 (option 60) as delta 13 + 0x23.
constexpr std::string_view kGetSeparate = "4201e91b0790b8736570617261746510d12311";
// Same file frame 7: the server's empty ACK.
constexpr std::string_view kEmptyAck = "6000e91b";
// Same file frame 10: CON POST /storage, payload "myresource".
constexpr std::string_view kPostStorage = "4002cea0b773746f72616765ff6d797265736f75726365";
// Same file frame 11: ACK 2.01 Created, Location-Path "storage" "myresource".
constexpr std::string_view kCreated = "6041cea08773746f726167650a6d797265736f75726365";
// Same file frame 1, a scanner at 2001:da8:215:1171::: CON GET whose options are number 2
// (unassigned, elective), so no Uri-Path.
constexpr std::string_view kScannerGet = "430105ca7216332b2e77656c6c2d6b6e6f776e04636f7265";

Result<Message> parse_hex(std::string_view hex, std::vector<std::uint8_t>& storage) {
  storage = from_hex(hex);
  return parse_message(storage);
}

RecordingSink analyze(std::string_view hex) {
  const auto bytes = from_hex(hex);
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_coap(packet, sink);
  return sink;
}

TEST(CoapParser, ReadsHeaderTokenAndPath) {
  std::vector<std::uint8_t> bytes;
  const auto message = parse_hex(kGetWellKnownCore, bytes);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type, MessageType::Confirmable);
  EXPECT_EQ(message->code, 1);
  EXPECT_TRUE(message->is_request());
  EXPECT_EQ(message->message_id, 0x392f);
  EXPECT_EQ(message->token.size(), 1U);
  ASSERT_EQ(message->path_count, 2U);
  EXPECT_EQ(message->path[0], ".well-known");
  EXPECT_EQ(message->path[1], "core");
  EXPECT_FALSE(message->content_format);
}

TEST(CoapParser, ReadsResponsesAndPayloads) {
  std::vector<std::uint8_t> bytes;
  const auto message = parse_hex(kWellKnownCoreResponse, bytes);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type, MessageType::Ack);
  EXPECT_EQ(message->code_class(), 2);
  EXPECT_EQ(message->code_detail(), 5);
  EXPECT_EQ(message->content_format, 40U);
  EXPECT_EQ(as_chars(message->payload).substr(0, 4), "</>;");
}

TEST(CoapParser, ExtendedDeltasAndZeroLengthValues) {
  std::vector<std::uint8_t> bytes;
  const auto separate = parse_hex(kGetSeparate, bytes);
  ASSERT_TRUE(separate);
  EXPECT_EQ(separate->option_count, 3U);
  EXPECT_EQ(separate->content_format, 0U);  // an empty uint is 0
  const auto time = parse_hex(kTimeResponse, bytes);
  ASSERT_TRUE(time);
  EXPECT_EQ(time->option_count, 1U);
  EXPECT_FALSE(time->content_format);
  // 16-bit extended delta: e1 00 00 = option 269, one byte of value.
  const auto wide = parse_message(from_hex("4001000ae10000aa"));
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->option_count, 1U);
}

TEST(CoapParser, EmptyMessages) {
  std::vector<std::uint8_t> bytes;
  const auto ack = parse_hex(kEmptyAck, bytes);
  ASSERT_TRUE(ack);
  EXPECT_TRUE(ack->is_empty());
  EXPECT_FALSE(ack->is_request());
  EXPECT_STREQ(parse_message(from_hex("6000e91bff00")).error().name, "coap.bad_empty_message");
}

TEST(CoapParser, RejectsMalformedDatagrams) {
  const auto name = [](std::string_view hex) {
    const auto bytes = from_hex(hex);
    const auto message = parse_message(bytes);
    return message ? std::string("ok") : std::string(message.error().name);
  };
  EXPECT_EQ(name("400100"), "coap.truncated");
  EXPECT_EQ(name("8001000a"), "coap.bad_version");                         // version 2
  EXPECT_EQ(name("4901000a0102030405060708ff"), "coap.bad_token_length");  // TKL 9
  EXPECT_EQ(name("4021000a"), "coap.reserved_code_class");                 // 1.01
  EXPECT_EQ(name("40e1000a"), "coap.reserved_code_class");                 // 7.01
  EXPECT_EQ(name("4001000af1"), "coap.reserved_option_delta");
  EXPECT_EQ(name("4001000a1f"), "coap.reserved_option_length");
  EXPECT_EQ(name("4001000ab5616263"), "coap.truncated");  // value cut short
  EXPECT_EQ(name("4001000ad1"), "coap.truncated");        // extended delta cut short
  EXPECT_EQ(name("4001000aff"), "coap.empty_payload");
  EXPECT_EQ(name("4001000ac50102030405"), "coap.bad_content_format");
  EXPECT_EQ(name("4201e91b0790"), "ok");
}

TEST(CoapParser, CapsOptionsAndPathSegments) {
  std::vector<std::uint8_t> many = from_hex("4001000a");
  many.push_back(0xb1);  // Uri-Path "a"
  many.push_back('a');
  for (std::size_t option_idx = 0; option_idx < kMaxOptions; ++option_idx) {
    many.push_back(0x01);  // delta 0: another Uri-Path "a"
    many.push_back('a');
  }
  const auto too_many = parse_message(many);
  ASSERT_FALSE(too_many);
  EXPECT_STREQ(too_many.error().name, "coap.too_many_options");
  many.resize(4 + 2 * 20);
  const auto twenty = parse_message(many);
  ASSERT_TRUE(twenty);
  EXPECT_EQ(twenty->path_count, kMaxPathSegments);
  EXPECT_TRUE(twenty->path_truncated);
}

TEST(CoapParser, NamesMethodsAndFormats) {
  EXPECT_EQ(method_name(1), "GET");
  EXPECT_EQ(method_name(7), "iPATCH");
  EXPECT_EQ(method_name(8), "");
  EXPECT_EQ(content_format_name(0), "text/plain;charset=utf-8");
  EXPECT_EQ(content_format_name(60), "application/cbor");
  EXPECT_EQ(content_format_name(112), "application/senml+cbor");
  EXPECT_EQ(content_format_name(9999), "");
}

TEST(CoapAnalyzer, ReportsRequests) {
  const RecordingSink get = analyze(kGetWellKnownCore);
  EXPECT_EQ(get.values(Attr::CoapRequest), std::vector<std::string>{"GET /.well-known/core"});
  EXPECT_TRUE(get.has(Attr::Protocol, "coap"));
  EXPECT_TRUE(get.anomalies.empty());
  EXPECT_TRUE(analyze(kGetTimeWithQuery).has(Attr::CoapRequest, "GET /time"));
  EXPECT_TRUE(analyze(kDelete).has(Attr::CoapRequest, "DELETE /example_data"));
  EXPECT_TRUE(analyze(kPostStorage).has(Attr::CoapRequest, "POST /storage"));
  EXPECT_TRUE(analyze(kScannerGet).has(Attr::CoapRequest, "GET /"));
  EXPECT_TRUE(analyze(kGetAcceptCbor).values(Attr::CoapContentFormat).empty());  // Accept only
  for (const auto& record : get.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, "coap");
  }
}

TEST(CoapAnalyzer, ReportsContentFormats) {
  const RecordingSink put = analyze(kPutJson);
  EXPECT_TRUE(put.has(Attr::CoapRequest, "PUT /example_data"));
  EXPECT_EQ(put.values(Attr::CoapContentFormat), std::vector<std::string>{"application/json"});
  EXPECT_TRUE(analyze(kPostSenml).has(Attr::CoapContentFormat, "application/senml+json"));
  EXPECT_TRUE(analyze(kGetSeparate).has(Attr::CoapContentFormat, "text/plain;charset=utf-8"));
  const RecordingSink response = analyze(kWellKnownCoreResponse);
  EXPECT_TRUE(response.values(Attr::CoapRequest).empty());
  EXPECT_TRUE(response.has(Attr::CoapContentFormat, "application/link-format"));
  EXPECT_TRUE(response.has(Attr::Protocol, "coap"));
  // An unregistered number is reported as the number: kPutJson with format 50 -> 0x1234.
  const RecordingSink odd = analyze(
      "4103dd2001bc6578616d706c655f6461746112"
      "1234ff7b7d");
  EXPECT_TRUE(odd.has(Attr::CoapContentFormat, "4660"));
}

TEST(CoapAnalyzer, ResponsesAndEmptyMessagesGiveTheProtocolOnly) {
  for (const std::string_view hex : {kNotFound, kCreated, kEmptyAck, kTimeResponse}) {
    const RecordingSink sink = analyze(hex);
    EXPECT_EQ(sink.values(Attr::Protocol), std::vector<std::string>{"coap"}) << hex;
    EXPECT_TRUE(sink.values(Attr::CoapRequest).empty()) << hex;
    EXPECT_TRUE(sink.anomalies.empty()) << hex;
  }
}

TEST(CoapAnalyzer, CountsAnomalies) {
  EXPECT_EQ(analyze("4001000af1").anomalies,
            std::vector<std::string>{"coap.reserved_option_delta"});
  const RecordingSink unknown = analyze("4008000a");  // 0.08 is not a method
  EXPECT_EQ(unknown.anomalies, std::vector<std::string>{"coap.unknown_method"});
  EXPECT_TRUE(analyze("").records.empty());
}

}  // namespace
}  // namespace warden::proto::coap
