// SPDX-License-Identifier: Apache-2.0
#include "protocols/bacnet/bacnet_parser.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "protocols/bacnet/bacnet_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::bacnet {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// ndpi/bacnet.pcap frame 10, 204.172.177.255 -> 204.172.177.159:47808: Original-Broadcast-NPDU,
// NPDU with DNET 0xffff (global broadcast), hop count 255, Who-Is without range.
constexpr std::string_view kWhoIs = "810b000c0120ffff00ff1008";
// Same capture frame 11: I-Am device 0, max APDU 1476, no segmentation (3), vendor 260.
constexpr std::string_view kIAm = "810b00190120ffff00ff1000c4020000002205c49103220104";
// Same capture frame 22: network-layer message I-Am-Router-To-Network.
constexpr std::string_view kRouterMessage = "810b000d01a0ffff00ff010000";
// ndpi/bacnet.pcap frame 1, 65.49.20.98 -> 90.147.69.219: Original-Unicast-NPDU, confirmed
// ReadProperty (invoke 169) of device 4194303 object-identifier (a scanner).
constexpr std::string_view kReadPropertyRequest = "810a001101040005a90c0c023fffff194b";

// iti-ics/BACnet_bacnet_test.pcap, 10.1.1.165:47808 -> 10.1.1.167: ReadProperty-ACKs of a
// Johnson Controls NAE, all about device 4194303 (the wildcard the client asked for).
// Frame 4: object-identifier = device 500.
constexpr std::string_view kAckObjectId = "810a0017010030010c0c023fffff194b3ec4020001f43f";
// Frame 6: vendor-identifier = 5.
constexpr std::string_view kAckVendorId = "810a0014010030010c0c023fffff19783e21053f";
// Frame 8: vendor-name = "JCI" (UCS-2, character set 4).
constexpr std::string_view kAckVendorName =
    "810a001b010030010c0c023fffff19793e750704004a004300493f";
// Frame 10: firmware-revision = "5.1.0.4400" (UCS-2).
constexpr std::string_view kAckFirmware =
    "810a0029010030010c0c023fffff192c3e7515040035002e0031002e0030002e00340034003000303f";
// Frame 12: application-software-version = "" (UCS-2, empty).
constexpr std::string_view kAckSoftwareVersion = "810a0014010030010c0c023fffff190c3e71043f";
// Frame 14: object-name = "KBRNAE" (UCS-2).
constexpr std::string_view kAckObjectName =
    "810a0021010030010c0c023fffff194d3e750d04004b00420052004e004100453f";
// Frame 16: model-name = "MS-NAE4510-2" (UCS-2).
constexpr std::string_view kAckModelName =
    "810a002d010030010c0c023fffff19463e751904004d0053002d004e004100450034003500310030002d00323f";
// Frame 22: BVLC-Result (no NPDU).
constexpr std::string_view kBvlcResult = "810000060020";

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value) {
  return sink.has(who, attr, value, "bacnet");
}

RecordingSink analyze(std::string_view hex) {
  const auto bytes = from_hex(hex);
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_bacnet(packet, sink);
  return sink;
}

TEST(BacnetDatagram, ParsesBvlcAndNpduWithDestination) {
  const auto bytes = from_hex(kIAm);
  const auto datagram = parse_datagram(bytes);
  ASSERT_TRUE(datagram.has_value());
  EXPECT_EQ(datagram->function, bvlc::kOriginalBroadcast);
  EXPECT_TRUE(datagram->has_npdu);
  EXPECT_FALSE(datagram->network_message);
  const auto apdu = parse_apdu(datagram->apdu);
  ASSERT_TRUE(apdu.has_value());
  EXPECT_EQ(apdu->type, PduType::UnconfirmedRequest);
  EXPECT_EQ(apdu->service, unconfirmed::kIAm);
  const auto i_am = parse_i_am(apdu->body);
  ASSERT_TRUE(i_am.has_value());
  EXPECT_EQ(i_am->device.type, kObjectDevice);
  EXPECT_EQ(i_am->device.instance, 0U);
  EXPECT_EQ(i_am->max_apdu, 1476U);
  EXPECT_EQ(i_am->segmentation, 3U);
  EXPECT_EQ(i_am->vendor_id, 260U);
}

TEST(BacnetDatagram, RejectsBadBvlc) {
  auto bytes = from_hex(kWhoIs);
  bytes[0] = 0x82;
  EXPECT_STREQ(parse_datagram(bytes).error().name, "bacnet.bad_bvlc");
  bytes = from_hex(kWhoIs);
  bytes[3] = 0x20;  // length beyond the datagram
  EXPECT_STREQ(parse_datagram(bytes).error().name, "bacnet.bad_bvlc");
  bytes = from_hex(kWhoIs);
  bytes[4] = 2;  // NPDU version
  EXPECT_STREQ(parse_datagram(bytes).error().name, "bacnet.bad_npdu");
}

TEST(BacnetReadProperty, DecodesUcs2Strings) {
  const auto bytes = from_hex(kAckModelName);
  const auto datagram = parse_datagram(bytes);
  ASSERT_TRUE(datagram.has_value());
  const auto apdu = parse_apdu(datagram->apdu);
  ASSERT_TRUE(apdu.has_value());
  EXPECT_EQ(apdu->type, PduType::ComplexAck);
  EXPECT_EQ(apdu->service, confirmed::kReadProperty);
  const auto ack = parse_read_property_ack(apdu->body);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->object.type, kObjectDevice);
  EXPECT_EQ(ack->object.instance, 4194303U);
  EXPECT_EQ(ack->property, property::kModelName);
  EXPECT_EQ(ack->value.kind, Value::Kind::Text);
  EXPECT_EQ(ack->value.as_text(), "MS-NAE4510-2");
}

TEST(BacnetAnalyzer, ReportsIAm) {
  const RecordingSink sink = analyze(kIAm);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsAddress, "bacnet device 0"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsVendorId, "260"));
  EXPECT_TRUE(sink.values(Attr::IcsVendor).empty());  // 260 is not in the short table
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "bacnet"));
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(BacnetAnalyzer, ReportsWhoIsAndIgnoresNetworkMessages) {
  EXPECT_TRUE(has(analyze(kWhoIs), Who::Sender, Attr::IcsFunction, "bacnet who-is"));
  const RecordingSink router = analyze(kRouterMessage);
  EXPECT_EQ(router.records.size(), 1U);  // Protocol
  EXPECT_TRUE(router.anomalies.empty());
  const RecordingSink result = analyze(kBvlcResult);
  EXPECT_EQ(result.records.size(), 1U);
}

TEST(BacnetAnalyzer, ReportsConfirmedRequests) {
  const RecordingSink sink = analyze(kReadPropertyRequest);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "bacnet read-property"));
  EXPECT_TRUE(sink.values(Attr::IcsControl).empty());
  // The same request with service choice 15 (write-property) is a control operation.
  auto bytes = from_hex(kReadPropertyRequest);
  bytes[9] = 15;
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink write;
  analyze_bacnet(packet, write);
  EXPECT_TRUE(has(write, Who::Receiver, Attr::IcsControl, "bacnet write-property"));
}

TEST(BacnetAnalyzer, ReportsDevicePropertiesOfAJohnsonControlsNae) {
  EXPECT_TRUE(has(analyze(kAckObjectId), Who::Sender, Attr::IcsAddress, "bacnet device 500"));
  const RecordingSink vendor = analyze(kAckVendorId);
  EXPECT_TRUE(has(vendor, Who::Sender, Attr::IcsVendorId, "5"));
  EXPECT_TRUE(has(vendor, Who::Sender, Attr::IcsVendor, "Johnson Controls, Inc."));
  EXPECT_TRUE(has(analyze(kAckVendorName), Who::Sender, Attr::IcsVendor, "JCI"));
  EXPECT_TRUE(has(analyze(kAckFirmware), Who::Sender, Attr::IcsRevision, "5.1.0.4400"));
  EXPECT_TRUE(analyze(kAckSoftwareVersion).values(Attr::IcsRevision).empty());
  EXPECT_TRUE(has(analyze(kAckObjectName), Who::Sender, Attr::IcsObjectName, "KBRNAE"));
  EXPECT_TRUE(has(analyze(kAckModelName), Who::Sender, Attr::IcsProduct, "MS-NAE4510-2"));
  // The wildcard instance the ACKs echo is not an address.
  EXPECT_TRUE(analyze(kAckModelName).values(Attr::IcsAddress).empty());
}

TEST(BacnetAnalyzer, CountsTruncatedAck) {
  auto bytes = from_hex(kAckModelName);
  bytes.resize(20);
  bytes[3] = 20;
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_bacnet(packet, sink);
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"bacnet.bad_read_property_ack"}));
}

}  // namespace
}  // namespace warden::proto::bacnet
