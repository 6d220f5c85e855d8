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

// tests/golden/lab-bacnet/input.pcap (tests/integration/bacnet_test.sh: @bacnet-js/client 3.3.2 as
// a controller at 10.83.0.10 and a workstation at 10.83.0.20).
// Frame 3: ReadPropertyMultiple request (invoke 0): device 1083 object-name, vendor-name,
// vendor-identifier, model-name, firmware-revision, application-software-version, location;
// analog-input 1 object-name, present-value.
constexpr std::string_view kRpmRequest =
    "810a002a01040275000e0c0200043b1e094d097909780946092c090c093a1f0c000000011e094d09551f";
// Frame 4: the ReadPropertyMultiple-ACK: the device's properties as UTF-8 strings and an unsigned,
// location answered with an error (class property, code unknown-property), then the analog
// input's name and present value (REAL 13.5).
constexpr std::string_view kRpmAck =
    "810a009d010030000e0c0200043b1e294d4e7511004148552d3320636f6e74726f6c6c65724f29794e750f0044656c"
    "746120436f6e74726f6c734f29784e21084f29464e7506006542434f4e4f292c4e750700342e32312e304f290c4e75"
    "0700342e32312e304f293a5e910291205f1f0c000000011e294d4e751700537570706c79206169722074656d706572"
    "61"
    "747572654f29554e44415800004f1f";

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value) {
  return sink.has(who, attr, value, "bacnet");
}

RecordingSink analyze(const std::vector<std::uint8_t>& bytes) {
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_bacnet(packet, sink);
  return sink;
}

RecordingSink analyze(std::string_view hex) {
  return analyze(from_hex(hex));
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
  EXPECT_TRUE(has(analyze(bytes), Who::Receiver, Attr::IcsControl, "bacnet write-property"));
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
  EXPECT_EQ(analyze(bytes).anomalies, (std::vector<std::string>{"bacnet.bad_read_property_ack"}));
}

/// The ReadPropertyMultiple-ACK's APDU body.
std::vector<std::uint8_t> rpm_ack_body() {
  const auto bytes = from_hex(kRpmAck);
  const auto datagram = parse_datagram(bytes);
  const auto apdu = parse_apdu(datagram.value().apdu);
  EXPECT_EQ(apdu.value().type, PduType::ComplexAck);
  EXPECT_EQ(apdu.value().service, confirmed::kReadPropertyMultiple);
  return {apdu.value().body.begin(), apdu.value().body.end()};
}

TEST(BacnetReadPropertyMultiple, PassesEveryPropertyReadWithAValueInOrder) {
  const auto body = rpm_ack_body();
  std::vector<ReadPropertyAck> read;
  const auto passed = parse_read_property_multiple_ack(
      body, [&](const ReadPropertyAck& ack) { read.push_back(ack); });
  ASSERT_TRUE(passed.has_value());
  ASSERT_EQ(*passed, 8U);  // location's error is not passed
  ASSERT_EQ(read.size(), 8U);
  for (std::size_t at = 0; at < 6; ++at) {
    EXPECT_EQ(read[at].object.type, kObjectDevice);
    EXPECT_EQ(read[at].object.instance, 1083U);
  }
  EXPECT_EQ(read[0].property, property::kObjectName);
  EXPECT_EQ(read[0].value.as_text(), "AHU-3 controller");
  EXPECT_EQ(read[1].property, property::kVendorName);
  EXPECT_EQ(read[1].value.as_text(), "Delta Controls");
  EXPECT_EQ(read[2].property, property::kVendorIdentifier);
  EXPECT_EQ(read[2].value.kind, Value::Kind::Unsigned);
  EXPECT_EQ(read[2].value.number, 8U);
  EXPECT_EQ(read[3].value.as_text(), "eBCON");
  EXPECT_EQ(read[4].property, property::kFirmwareRevision);
  EXPECT_EQ(read[5].property, property::kApplicationSoftwareVersion);
  EXPECT_EQ(read[5].value.as_text(), "4.21.0");
  EXPECT_EQ(read[6].object.type, 0U);  // analog-input 1
  EXPECT_EQ(read[6].object.instance, 1U);
  EXPECT_EQ(read[6].value.as_text(), "Supply air temperature");
  EXPECT_EQ(read[7].property, 85U);  // present-value: a REAL, not decoded
  EXPECT_EQ(read[7].value.kind, Value::Kind::Other);
}

TEST(BacnetReadPropertyMultiple, EveryCutOfTheAckFailsCleanlyAfterWhatItHeld) {
  const auto body = rpm_ack_body();
  ASSERT_EQ(body.size(), 148U);
  std::size_t most = 0;
  std::vector<std::size_t> whole;
  for (std::size_t size = 0; size < body.size(); ++size) {
    std::size_t count = 0;
    const auto passed = parse_read_property_multiple_ack(Bytes(body.data(), size),
                                                         [&](const ReadPropertyAck&) { ++count; });
    if (passed) {
      EXPECT_EQ(*passed, count);
      whole.push_back(size);
    } else {
      EXPECT_STREQ(passed.error().name, "bacnet.bad_read_property_multiple_ack");
    }
    EXPECT_GE(count, most) << size;  // what came before the cut was passed
    most = count;
  }
  // Whole, shorter answers (a list of results is optional): nothing; the device's identifier
  // alone; the device's result (103 bytes); that and the analog input's identifier alone.
  EXPECT_EQ(whole, (std::vector<std::size_t>{0, 5, 103, 108}));
  EXPECT_EQ(most, 8U);  // cut before the last closing tag: every value passed, then the error
}

TEST(BacnetReadPropertyMultiple, ResultsWithoutListsAndWithErrorsOnly) {
  // An object with no listOfResults, then one whose only property is an error.
  const auto body = from_hex("0c0200043b0c0200043b1e293a5e910291205f1f");
  std::size_t count = 0;
  const auto passed =
      parse_read_property_multiple_ack(body, [&](const ReadPropertyAck&) { ++count; });
  ASSERT_TRUE(passed.has_value());
  EXPECT_EQ(*passed, 0U);
  EXPECT_EQ(count, 0U);
  // A property result with neither [4] nor [5], and constructed values nested past the bound.
  EXPECT_FALSE(parse_read_property_multiple_ack(from_hex("0c0200043b1e294d6e"),
                                                [](const ReadPropertyAck&) {}));
  std::string deep = "0c0200043b1e294d4e";
  for (int level = 0; level < 20; ++level) {
    deep += "0e";
  }
  EXPECT_FALSE(parse_read_property_multiple_ack(from_hex(deep), [](const ReadPropertyAck&) {}));
}

TEST(BacnetAnalyzer, ReportsTheDeviceAReadPropertyMultipleDescribes) {
  const RecordingSink sink = analyze(kRpmAck);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsObjectName, "AHU-3 controller"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsVendor, "Delta Controls"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsVendorId, "8"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsProduct, "eBCON"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsRevision, "4.21.0"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsAddress, "bacnet device 1083"));
  // The analog input's name describes a point, not the device.
  EXPECT_EQ(sink.values(Attr::IcsObjectName), (std::vector<std::string>{"AHU-3 controller"}));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(
      has(analyze(kRpmRequest), Who::Sender, Attr::IcsFunction, "bacnet read-property-multiple"));
}

TEST(BacnetAnalyzer, ReportsWhatACutReadPropertyMultipleHeldAndCountsTheCut) {
  auto bytes = from_hex(kRpmAck);
  bytes.resize(40);  // and the BVLC length with it: the ACK ends after vendor-name's identifier
  bytes[3] = 40;
  const RecordingSink sink = analyze(bytes);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsObjectName, "AHU-3 controller"));
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"bacnet.bad_read_property_multiple_ack"}));
}

}  // namespace
}  // namespace warden::proto::bacnet
