// SPDX-License-Identifier: Apache-2.0
#include "protocols/mqtt/mqtt_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mqtt/mqtt_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"
#include "testutil/stream_feeder.hpp"

namespace warden::proto::mqtt {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// Test vectors: TCP payloads printed by `tshark -T fields -e tcp.payload`.

// suricata-verify/mqtt311-pub-userpass__input.pcap frame 4, client 38458 -> 1883: CONNECT
// "MQTT" level 4, flags 0xc2 (user name, password, clean session), keep alive 60, client id
// "myvoiceismypassport", user "user", password "pass".
constexpr std::string_view kConnect311 =
    "102b00044d51545404c2003c00136d79766f69636569736d7970617373706f7274000475736572000470617373";
// Same file frame 6, broker -> client: CONNACK, return code 0 (accepted).
constexpr std::string_view kConnackAccepted = "20020000";
// Same file frame 8: PUBLISH QoS 0, topic "topicX", payload "baabaablacksheep".
constexpr std::string_view kPublishTopicX = "30180006746f70696358626161626161626c61636b7368656570";
// Same file frame 9: DISCONNECT.
constexpr std::string_view kDisconnect = "e000";

// suricata-verify/mqtt31-sub-userpass__input.pcap frame 4: CONNECT "MQIsdp" level 3 (MQTT 3.1),
// same client id, user and password.
constexpr std::string_view kConnect31 =
    "102d00064d514973647003c2003c00136d79766f69636569736d7970617373706f727400047573657200047061737"
    "3";
// Same file frame 8: SUBSCRIBE packet id 1, filters "topicX" QoS 0 and "topicY" QoS 0.
constexpr std::string_view kSubscribeTwo = "821400010006746f70696358000006746f7069635900";

// suricata-verify/mqtt5-pub-userpass__input.pcap frame 4: CONNECT "MQTT" level 5, properties
// (3 bytes: Receive Maximum 20), client id "myvoiceismypassport", user "user", password "pass".
constexpr std::string_view kConnect5 =
    "102f00044d51545405c2003c0321001400136d79766f69636569736d7970617373706f7274000475736572000470"
    "617373";
// Same file frame 6: CONNACK v5, reason code 0, properties (Topic Alias Maximum 10).
constexpr std::string_view kConnack5Accepted = "200600000322000a";

// suricata-verify/mqtt5-sub-mosquittoprops__input.pcap frame 4: CONNECT level 5 with 60 bytes of
// properties, will flag set with will properties, will topic "willtopic", will message
// "willmessage", user "user", password "pass".
constexpr std::string_view kConnect5Will =
    "10cc0100044d51545405c6003c3c2700002b672100de110000022b22029a2600097573657270726f703100087573"
    "657276616c312600097573657270726f703200087573657276616c3200136d79766f69636569736d7970617373"
    "706f72744b03000a6d7977696c6c74797065090007313233343536370200000085019008000f726573706f6e73"
    "655f746f706963312600097573657270726f703500087573657276616c3518000000c8000977696c6c746f7069"
    "63000b77696c6c6d657373616765000475736572000470617373";
// Same file frame 8: SUBSCRIBE v5, packet id 1, empty properties, "topicX" and "topicY".
constexpr std::string_view kSubscribe5 = "82150001000006746f70696358000006746f7069635900";

// Self-made: mosquitto 2.0.11 broker with a password file (admin:admin) and mosquitto_pub,
// captured with tcpdump in a private network namespace (10.99.7.1 -> 10.99.7.2:1883).
// Frame 4: CONNECT 3.1.1, client id "cam-01", user "admin", password "admin".
constexpr std::string_view kConnectAdminAdmin =
    "102000044d51545404c2003c000663616d2d3031000561646d696e000561646d696e";
// Frame 16: CONNECT 3.1.1, client id "cam-02", user "root", password "wrongpw".
constexpr std::string_view kConnectRootWrong =
    "102100044d51545404c2003c000663616d2d30320004726f6f74000777726f6e677077";
// Frame 18: CONNACK, return code 5 (not authorized).
constexpr std::string_view kConnackNotAuthorized = "20020005";
// Frame 38: CONNECT v5, clean start, no user name, client id "cam-04".
constexpr std::string_view kConnect5Anonymous = "101600044d5154540502003c03210014000663616d2d3034";
// Frame 40: CONNACK v5, reason code 0x87 (Not authorized).
constexpr std::string_view kConnack5NotAuthorized = "2003008700";
// Frame 26: CONNECT v5, client id "cam-03", will topic "dev/cam-03/lwt", user/password
// "admin"/"admin".
constexpr std::string_view kConnect5AdminWill =
    "103b00044d51545405c6003c03210014000663616d2d303300000e6465762f63616d2d30332f6c77740004676f"
    "6e65000561646d696e000561646d696e";

// ndpi/mqtt.pcap frame 9, 100.67.35.238:35035 -> 51.137.28.239:1883: an Azure IoT Hub device's
// CONNECT 3.1.1: client id "P47775ID170W2120", user
// "iotazewpmlithub.azure-devices.net/P47775ID170W2120/?api-version=2018-06-30" and a Shared
// Access Signature token as password.
constexpr std::string_view kConnectAzure =
    "109a0200044d51545404c00258001050343737373549443137305732313230004a696f74617a6577706d6c6974"
    "6875622e617a7572652d646576696365732e6e65742f503437373735494431373057323132302f3f6170692d76"
    "657273696f6e3d323031382d30362d333000b05368617265644163636573735369676e6174757265207369673d"
    "4b5534556942546657652532467873253242675447355751444c767a72507834553632485470536c666b666678"
    "7266512533442673653d313634333031373934372673723d696f74617a6577706d6c69746875622e617a757265"
    "2d646576696365732e6e6574253246503437373735494431373057323132302532462533466170692d76657273"
    "696f6e253344323031382d30362d3330";

// zeek/mqtt.pcap frame 9, 10.0.1.4:49330 -> 198.41.30.241:1883: one segment holding a PUBLISH
// (topic "SampleTopic", payload "Hello MQTT") and a DISCONNECT.
constexpr std::string_view kPublishAndDisconnect =
    "3017000b53616d706c65546f70696348656c6c6f204d515454e000";

// suricata-verify/mqtt-connect-rules-2__mqtt5_pub_jpeg_connack134.pcap frame 6: CONNACK v5,
// reason code 0x86 (Bad User Name or Password), assigned client identifier property.
constexpr std::string_view kConnack5BadPassword =
    "203200862f22000a1200296175746f2d31423433453830302d303845332d334241312d324539372d45394130"
    "4234303634424635";
// Same file frame 8: the first 48 of 32768 bytes of a PUBLISH of 35771 bytes (Remaining Length
// b7 97 02 = 35767) to topic "topicX" carrying a JPEG.
constexpr std::string_view kPublishJpegStart =
    "30b797020006746f7069635800ffd8ffe000104a46494600010201004800480000ffe1144c4578696600004d4d00";
constexpr std::size_t kPublishJpegTotal = 35771;

// suricata-verify/mqtt-frames-truncated__input.pcap frame 4: CONNECT v5, empty client id, user
// "user", password "pass"; frame 6: the CONNACK v5 (53 bytes: reason 0, Topic Alias Maximum,
// Assigned Client Identifier "auto-17236393-...", Receive Maximum).
constexpr std::string_view kConnect5NoClientId =
    "101c00044d51545405c2003c032100140000000475736572000470617373";
constexpr std::string_view kConnack5Assigned =
    "203500003222000a1200296175746f2d31373233363339332d423533322d303346322d363532362d4637313131"
    "35423841344245210014";

/// The flow's role (testutil::StreamFeeder) with the MQTT analyzer; test data in hex.
class Feeder : public testutil::StreamFeeder {
 public:
  explicit Feeder(RecordingSink& sink) : StreamFeeder(make_mqtt_analyzer(), sink) {}
  bool to_server(std::string_view hex) { return feed(Direction::ToServer, from_hex(hex)); }
  bool to_client(std::string_view hex) { return feed(Direction::ToClient, from_hex(hex)); }
};

std::size_t count(const RecordingSink& sink, Attr attr) {
  return sink.values(attr).size();
}

// --- parser ---------------------------------------------------------------------------------

TEST(MqttFixedHeader, ReadsOneAndThreeByteLengths) {
  const auto connect = from_hex(kConnect311);
  const auto header = parse_fixed_header(connect);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->type, PacketType::Connect);
  EXPECT_EQ(header->remaining_length, 0x2bU);
  EXPECT_EQ(header->header_length, 2U);
  EXPECT_EQ(header->total_length(), connect.size());

  const auto jpeg = from_hex(kPublishJpegStart);
  const auto big = parse_fixed_header(jpeg);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->type, PacketType::Publish);
  EXPECT_EQ(big->header_length, 4U);
  EXPECT_EQ(big->total_length(), kPublishJpegTotal);
}

TEST(MqttFixedHeader, RejectsFiveByteRemainingLength) {
  const auto bytes = from_hex("30ffffffff01");
  const auto header = parse_fixed_header(bytes);
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().code, ParseErrorCode::Malformed);
  EXPECT_STREQ(header.error().name, "mqtt.remaining_length_too_long");
}

TEST(MqttFixedHeader, FourByteLengthIsTheMaximum) {
  const auto header = parse_fixed_header(from_hex("30ffffff7f"));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->remaining_length, 268435455U);
}

TEST(MqttFixedHeader, IncompleteAndReservedType) {
  EXPECT_EQ(parse_fixed_header(from_hex("30")).error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(parse_fixed_header(from_hex("3080")).error().code, ParseErrorCode::Incomplete);
  const auto reserved = parse_fixed_header(from_hex("0000"));
  ASSERT_FALSE(reserved);
  EXPECT_STREQ(reserved.error().name, "mqtt.reserved_packet_type");
}

TEST(MqttConnect, Parses311WithUserAndPassword) {
  const auto bytes = from_hex(kConnect311);
  const auto connect = parse_connect(Bytes(bytes).subspan(2));
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->version, Version::V311);
  EXPECT_EQ(connect->protocol_name, "MQTT");
  EXPECT_EQ(connect->keep_alive, 60);
  EXPECT_EQ(connect->client_id, "myvoiceismypassport");
  EXPECT_FALSE(connect->will_topic);
  EXPECT_EQ(connect->username, "user");
  EXPECT_EQ(connect->password, "pass");
}

TEST(MqttConnect, Parses31AndFiveWithWillProperties) {
  const auto v31 = from_hex(kConnect31);
  const auto connect31 = parse_connect(Bytes(v31).subspan(2));
  ASSERT_TRUE(connect31);
  EXPECT_EQ(connect31->version, Version::V31);
  EXPECT_EQ(version_name(connect31->version), "3.1");

  const auto v5 = from_hex(kConnect5Will);
  const auto connect5 = parse_connect(Bytes(v5).subspan(3));
  ASSERT_TRUE(connect5);
  EXPECT_EQ(connect5->version, Version::V5);
  EXPECT_EQ(connect5->client_id, "myvoiceismypassport");
  EXPECT_EQ(connect5->will_topic, "willtopic");
  EXPECT_EQ(connect5->username, "user");
}

TEST(MqttConnect, RejectsBadNamesLevelsAndCutBodies) {
  const auto bytes = from_hex(kConnect311);
  std::vector<std::uint8_t> body(bytes.begin() + 2, bytes.end());
  body[5] = 'X';  // "MQTX"
  EXPECT_STREQ(parse_connect(body).error().name, "mqtt.bad_protocol_name");
  body[5] = 'T';
  body[6] = 6;  // protocol level 6
  EXPECT_EQ(parse_connect(body).error().code, ParseErrorCode::Unsupported);
  body[6] = 4;
  body[7] |= 0x01;  // reserved connect flag
  EXPECT_STREQ(parse_connect(body).error().name, "mqtt.bad_connect_flags");
  body[7] = 0xc2;
  body.resize(body.size() - 2);  // password cut short
  EXPECT_STREQ(parse_connect(body).error().name, "mqtt.bad_connect");
}

TEST(MqttConnect, RejectsPropertyLengthBeyondTheBody) {
  // kConnect5 with its property length raised from 3 to 0x7f.
  auto bytes = from_hex(kConnect5);
  bytes[12] = 0x7f;
  const auto connect = parse_connect(Bytes(bytes).subspan(2));
  ASSERT_FALSE(connect);
  EXPECT_STREQ(connect.error().name, "mqtt.bad_properties");
}

TEST(MqttConnack, AcceptanceDependsOnVersion) {
  const auto ok = parse_connack(Bytes(from_hex(kConnackAccepted)).subspan(2));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->accepted(Version::V311));
  const auto bytes = from_hex(kConnack5BadPassword);
  const auto bad = parse_connack(Bytes(bytes).subspan(2));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->code, 0x86);
  EXPECT_FALSE(bad->accepted(Version::V5));
  EXPECT_STREQ(parse_connack(Bytes(bytes).first(3).subspan(2)).error().name, "mqtt.bad_connack");
}

TEST(MqttPublish, TopicFromAPrefixOfTheBody) {
  const auto bytes = from_hex(kPublishJpegStart);
  const auto header = parse_fixed_header(bytes);
  ASSERT_TRUE(header);
  const auto topic = parse_publish_topic(*header, Bytes(bytes).subspan(header->header_length));
  ASSERT_TRUE(topic);
  EXPECT_EQ(*topic, "topicX");
  // Cut inside the topic: wait for more.
  const auto cut = parse_publish_topic(*header, Bytes(bytes).subspan(4, 5));
  EXPECT_EQ(cut.error().code, ParseErrorCode::Incomplete);
  // A QoS of 3 is invalid (3.1.1 §3.3.1.2).
  FixedHeader qos3 = *header;
  qos3.flags = 0x06;
  EXPECT_STREQ(parse_publish_topic(qos3, Bytes(bytes).subspan(4)).error().name, "mqtt.bad_qos");
  // A whole body too short for its topic is malformed.
  const auto short_body = from_hex("3003000a41");
  EXPECT_STREQ(parse_publish_topic(*parse_fixed_header(short_body), Bytes(short_body).subspan(2))
                   .error()
                   .name,
               "mqtt.bad_publish");
}

TEST(MqttSubscribe, ReadsFiltersOf311AndFive) {
  const auto v311 = from_hex(kSubscribeTwo);
  const auto subscribe = parse_subscribe(Bytes(v311).subspan(2), Version::V311);
  ASSERT_TRUE(subscribe);
  EXPECT_EQ(subscribe->packet_id, 1);
  ASSERT_EQ(subscribe->count, 2U);
  EXPECT_EQ(subscribe->filters[0], "topicX");
  EXPECT_EQ(subscribe->filters[1], "topicY");

  const auto v5 = from_hex(kSubscribe5);
  const auto subscribe5 = parse_subscribe(Bytes(v5).subspan(2), Version::V5);
  ASSERT_TRUE(subscribe5);
  ASSERT_EQ(subscribe5->count, 2U);
  EXPECT_EQ(subscribe5->filters[1], "topicY");
}

TEST(MqttSubscribe, CapsTheNumberOfFilters) {
  std::vector<std::uint8_t> body = {0x00, 0x01};
  for (int filter_idx = 0; filter_idx < 40; ++filter_idx) {
    body.insert(body.end(), {0x00, 0x01, 'a', 0x00});
  }
  const auto subscribe = parse_subscribe(body, Version::V311);
  ASSERT_TRUE(subscribe);
  EXPECT_EQ(subscribe->count, kMaxSubscribeTopics);
  EXPECT_TRUE(subscribe->truncated);
}

TEST(MqttProbe, RecognisesConnectsOnly) {
  EXPECT_TRUE(probe_mqtt(from_hex(kConnect311)));
  EXPECT_TRUE(probe_mqtt(from_hex(kConnect31)));
  EXPECT_TRUE(probe_mqtt(from_hex(kConnect5Will)));
  EXPECT_TRUE(probe_mqtt(from_hex(kConnectAzure)));
  EXPECT_FALSE(probe_mqtt(from_hex(kPublishTopicX)));
  EXPECT_FALSE(probe_mqtt(from_hex(kConnackAccepted)));
  EXPECT_FALSE(probe_mqtt(from_hex("474554202f20485454502f312e310d0a")));  // "GET / HTTP/1.1"
  EXPECT_FALSE(probe_mqtt(from_hex("1010")));
}

// --- analyzer -------------------------------------------------------------------------------

TEST(MqttAnalyzer, ReportsAWholeUserPassSession) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnect311));
  ASSERT_TRUE(feeder.to_client(kConnackAccepted));
  ASSERT_TRUE(feeder.to_server(kPublishTopicX));
  ASSERT_TRUE(feeder.to_server(kDisconnect));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(sink.has(Attr::MqttVersion, "3.1.1"));
  EXPECT_TRUE(sink.has(Attr::MqttClientId, "myvoiceismypassport"));
  EXPECT_TRUE(sink.has(Attr::MqttUsername, "user"));
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "mqtt user=user"));
  EXPECT_EQ(count(sink, Attr::DefaultCredential), 0U);  // user/pass is on no list
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "mqtt user=user result=success"));
  EXPECT_TRUE(sink.has(Attr::MqttTopic, "publish topicX"));
  EXPECT_EQ(count(sink, Attr::Protocol), 2U);  // once per side
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.protocol, "mqtt");
    EXPECT_NE(record.value, "pass");  // the password never leaves
    EXPECT_EQ(record.value.find(" pass"), std::string::npos);
    EXPECT_EQ(record.value.find("=pass"), std::string::npos);
    const bool about_broker =
        record.attr == Attr::CleartextCredential || record.attr == Attr::DefaultCredential;
    EXPECT_EQ(record.subject.who, about_broker ? Who::Receiver : Who::Sender);
  }
}

TEST(MqttAnalyzer, DefaultCredentialAndFailedLogin) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnectAdminAdmin));
  ASSERT_TRUE(feeder.to_client(kConnackAccepted));
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "mqtt user=admin"));
  EXPECT_TRUE(sink.has(Attr::DefaultCredential, "mqtt user=admin list=mirai"));
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "mqtt user=admin result=success"));

  RecordingSink refused;
  Feeder second(refused);
  ASSERT_TRUE(second.to_server(kConnectRootWrong));
  ASSERT_TRUE(second.to_client(kConnackNotAuthorized));
  EXPECT_TRUE(refused.has(Attr::CleartextCredential, "mqtt user=root"));
  EXPECT_EQ(count(refused, Attr::DefaultCredential), 0U);
  EXPECT_TRUE(refused.has(Attr::LoginAttempt, "mqtt user=root result=failure"));
  for (const auto& record : refused.records) {
    EXPECT_EQ(record.value.find("wrongpw"), std::string::npos);
  }
}

TEST(MqttAnalyzer, Version5WillAndAnonymousRefusal) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnect5AdminWill));
  EXPECT_TRUE(sink.has(Attr::MqttVersion, "5"));
  EXPECT_TRUE(sink.has(Attr::MqttTopic, "will dev/cam-03/lwt"));
  EXPECT_TRUE(sink.has(Attr::DefaultCredential, "mqtt user=admin list=mirai"));

  RecordingSink anonymous;
  Feeder second(anonymous);
  ASSERT_TRUE(second.to_server(kConnect5Anonymous));
  EXPECT_EQ(count(anonymous, Attr::LoginAttempt), 0U);  // only once the CONNACK says
  EXPECT_EQ(count(anonymous, Attr::MqttUsername), 0U);
  ASSERT_TRUE(second.to_client(kConnack5NotAuthorized));
  EXPECT_TRUE(anonymous.has(Attr::LoginAttempt, "mqtt user=(none) result=failure"));

  RecordingSink accepted;
  Feeder third(accepted);
  ASSERT_TRUE(third.to_server(kConnect5));
  ASSERT_TRUE(third.to_client(kConnack5Accepted));
  EXPECT_TRUE(accepted.has(Attr::LoginAttempt, "mqtt user=user result=success"));
}

TEST(MqttAnalyzer, ReasonCode134IsAFailure) {
  RecordingSink sink;
  Feeder feeder(sink);
  // mqtt5_pub_jpeg_connack134.pcap frame 4 is byte for byte kConnect5NoClientId.
  ASSERT_TRUE(feeder.to_server(kConnect5NoClientId));
  ASSERT_TRUE(feeder.to_client(kConnack5BadPassword));
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "mqtt user=user result=failure"));
  EXPECT_EQ(count(sink, Attr::MqttClientId), 0U);  // empty: the broker assigned one
}

TEST(MqttAnalyzer, SubscribeTopicsAndOncePerFlowAttributes) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnect31));
  ASSERT_TRUE(feeder.to_server(kSubscribeTwo));
  ASSERT_TRUE(feeder.to_server(kConnect31));  // a second CONNECT on the same flow
  ASSERT_TRUE(feeder.to_server(kSubscribeTwo));
  EXPECT_EQ(sink.values(Attr::MqttTopic),
            (std::vector<std::string>{"subscribe topicX", "subscribe topicY", "subscribe topicX",
                                      "subscribe topicY"}));
  EXPECT_EQ(count(sink, Attr::MqttVersion), 1U);
  EXPECT_EQ(count(sink, Attr::MqttClientId), 1U);
  EXPECT_EQ(count(sink, Attr::MqttUsername), 1U);
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(MqttAnalyzer, AzureSasTokenNeverAppears) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnectAzure));
  EXPECT_TRUE(sink.has(Attr::MqttClientId, "P47775ID170W2120"));
  EXPECT_TRUE(
      sink.has(Attr::MqttUsername,
               "iotazewpmlithub.azure-devices.net/P47775ID170W2120/?api-version=2018-06-30"));
  EXPECT_TRUE(sink.has(Attr::CleartextCredential,
                       "mqtt user=iotazewpmlithub.azure-devices.net/P47775ID170W2120/"
                       "?api-version=2018-06-30"));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("SharedAccessSignature"), std::string::npos);
    EXPECT_EQ(record.value.find("sig="), std::string::npos);
  }
}

TEST(MqttAnalyzer, SeveralPacketsInOneSegment) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kPublishAndDisconnect));
  EXPECT_TRUE(sink.has(Attr::MqttTopic, "publish SampleTopic"));
  EXPECT_EQ(feeder.buffered(Direction::ToServer), 0U);
}

TEST(MqttAnalyzer, PacketsSplitAcrossSegments) {
  RecordingSink sink;
  Feeder feeder(sink);
  // suricata-verify/mqtt-midstream-split: the broker's CONNACK arrives as 1 byte, then 51.
  ASSERT_TRUE(feeder.to_server(kConnect311));
  ASSERT_TRUE(feeder.to_client("20"));
  EXPECT_EQ(count(sink, Attr::LoginAttempt), 0U);
  ASSERT_TRUE(
      feeder.to_client("3200002f22000a1200296175746f2d31423433453830302d303845332d334241312d3245"
                       "39372d453941304234303634424635"));
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "mqtt user=user result=success"));
  // Byte by byte through a CONNECT.
  RecordingSink bytewise;
  Feeder slow(bytewise);
  const auto connect = from_hex(kConnect5Will);
  for (std::size_t at = 0; at < connect.size(); ++at) {
    ASSERT_TRUE(slow.feed(Direction::ToServer, Bytes(connect).subspan(at, 1)));
  }
  EXPECT_TRUE(bytewise.has(Attr::MqttTopic, "will willtopic"));
  EXPECT_TRUE(bytewise.anomalies.empty());
}

TEST(MqttAnalyzer, SkipsALargePublishWithoutBufferingIt) {
  RecordingSink sink;
  auto analyzer = make_mqtt_analyzer();
  const auto start = from_hex(kPublishJpegStart);
  const auto used = analyzer->on_data(Direction::ToServer, start, sink);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, kPublishJpegTotal);  // the rest of the payload is skipped unseen
  EXPECT_TRUE(sink.has(Attr::MqttTopic, "publish topicX"));
  // After the skip, the DISCONNECT of frame 11 is read as a packet of its own.
  const auto disconnect = from_hex(kDisconnect);
  const auto after = analyzer->on_data(Direction::ToServer, disconnect, sink);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 2U);
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(MqttAnalyzer, WaitsForACutConnack) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kConnect5NoClientId));
  // The first 30 of its 55 bytes: the analyzer waits for the rest.
  ASSERT_TRUE(feeder.to_client(kConnack5Assigned.substr(0, 60)));
  EXPECT_EQ(feeder.buffered(Direction::ToClient), 30U);
  EXPECT_EQ(count(sink, Attr::LoginAttempt), 0U);
  ASSERT_TRUE(feeder.to_client(kConnack5Assigned.substr(60)));
  EXPECT_EQ(feeder.buffered(Direction::ToClient), 0U);
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "mqtt user=user result=success"));
}

TEST(MqttAnalyzer, StopsOnAnUnreadableFixedHeader) {
  RecordingSink sink;
  Feeder feeder(sink);
  EXPECT_FALSE(feeder.to_server("30ffffffff01"));
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"mqtt.remaining_length_too_long"});
  EXPECT_EQ(count(sink, Attr::Protocol), 0U);
}

TEST(MqttAnalyzer, SkipsAMalformedBodyAndGoesOn) {
  RecordingSink sink;
  Feeder feeder(sink);
  // A CONNECT whose protocol name is "MQTX", then the PUBLISH of mqtt311-pub-userpass frame 8.
  auto bytes = from_hex(kConnect311);
  bytes[7] = 'X';
  const auto publish = from_hex(kPublishTopicX);
  bytes.insert(bytes.end(), publish.begin(), publish.end());
  ASSERT_TRUE(feeder.feed(Direction::ToServer, bytes));
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"mqtt.bad_protocol_name"});
  EXPECT_TRUE(sink.has(Attr::MqttTopic, "publish topicX"));
}

TEST(MqttAnalyzer, SubscribeWithoutItsFlagsIsAnAnomaly) {
  RecordingSink sink;
  Feeder feeder(sink);
  auto bytes = from_hex(kSubscribeTwo);
  bytes[0] = 0x80;
  ASSERT_TRUE(feeder.feed(Direction::ToServer, bytes));
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"mqtt.bad_flags"});
}

}  // namespace
}  // namespace warden::proto::mqtt
