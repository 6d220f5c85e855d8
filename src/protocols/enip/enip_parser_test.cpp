// SPDX-License-Identifier: Apache-2.0
#include "protocols/enip/enip_parser.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "protocols/enip/enip_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::enip {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// iti-ics/EthernetIP_enip_test.pcap frame 6, 10.1.1.167:5262 -> 10.1.1.164:44818 (TCP):
// ListIdentity request, sender context 0000c1debed1.
constexpr std::string_view kListIdentityRequest =
    "63000000000000000000000000000000c1debed100000000";
// Same capture frame 7, 10.1.1.164:44818 -> 10.1.1.167: ListIdentity response, one Identity item:
// encapsulation v1, 10.1.1.164:44818, vendor 1, device type 12 (communications adapter),
// product code 58, revision 4.3, status 0x0030, serial 0x00524d8e, "1756-ENBT/A", state 3.
constexpr std::string_view kListIdentityResponse =
    "63003300000000000000000000000000c1debed10000000001000c002d0001000002af120a0101a400000000000000"
    "00"
    "01000c003a00040330008e4d52000b313735362d454e42542f4103";
// iti-ics/openics_EIP-FirmwareChange.pcap frame 10680, 192.168.10.105:1072 -> 192.168.10.120:
// RegisterSession, protocol version 1.
constexpr std::string_view kRegisterSession =
    "65000400000000000000000000000000000000000000000001000000";
// Same capture frame 10676, 192.168.10.120:44818 -> client: legacy command 0x0001 answer.
constexpr std::string_view kLegacyAnswer =
    "01002a000000000000000000000000000000000000000000010001002400010000000002af12c0a80a780000000000"
    "0000"
    "003139322e3136382e31302e3132300000";
// Same capture frame 29, 192.168.10.105 -> 192.168.10.120:44818: SendRRData, unconnected CIP
// service 0x4B to class 0xA1 instance 1 (start of the firmware transfer).
constexpr std::string_view kFirmwareBegin =
    "6f001e0000010212000000000a020000489ae00000000000000000008b00020000000000b2000e004b0220a1240116"
    "ff1b"
    "0000000000";
// iti-ics/EthernetIP_cip_stop_plc.pcap frame 1, port 49271 -> 44818: SendUnitData, connected CIP
// Stop (0x07) to class 0x8E instance 1.
constexpr std::string_view kStopPlc =
    "70001c0001002a00000000000000000000000000000000000000000001000200a1000400224095ffb1000800060107"
    "02"
    "208e2401";
// iti-ics/openics_EIP-RebootorRestart.pcap frame 454, 192.168.10.105:2927 -> 192.168.10.120:44818:
// SendUnitData, CIP Reset (0x05) to class 0x72 instance 1.
constexpr std::string_view kReset =
    "70001c0000010211000000000000000000000000000000000000000001000200a1000400010b7900b1000800a10005"
    "02"
    "20722401";
// ndpi/ethernetIP.pcap frame 1, 141.81.0.10:50275 -> 44818: SendUnitData, Multiple_Service_Packet
// to the Message Router holding two class-specific 0x4C requests to class 0x72.
constexpr std::string_view kMultiple =
    "70003a0000010210000000001a392f000000000000000000000000000a000200a100040009133500b1002600e46a0a"
    "02"
    "200224010200060012004c022072240000ce040001004c02207224002c3d04000100";
// iti-ics/EthernetIP_cip-eth-set-2.pcap frame 1, 44818 -> 1402: SendRRData, Set_Attribute_Single
// response (service 0x90), success.
constexpr std::string_view kSetAttributeResponse =
    "6f0014000001021200000000ec6d8601701ee10000000000000000000500020000000000b200040090000000";

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value) {
  return sink.has(who, attr, value, "enip");
}

TEST(EnipHeader, ParsesLittleEndianFields) {
  const auto bytes = from_hex(kListIdentityResponse);
  const auto header = parse_header(bytes);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->command, command::kListIdentity);
  EXPECT_EQ(header->length, 0x33);
  EXPECT_EQ(header->status, 0U);
  EXPECT_EQ(bytes.size(), kHeaderLength + header->length);
}

TEST(EnipListIdentity, ParsesIdentityItem) {
  const auto bytes = from_hex(kListIdentityResponse);
  const auto identity = parse_list_identity(Bytes(bytes).subspan(kHeaderLength));
  ASSERT_TRUE(identity.has_value());
  ASSERT_TRUE(identity->has_value());
  const Identity& id = **identity;
  EXPECT_EQ(id.encapsulation_version, 1);
  EXPECT_EQ(id.vendor_id, 1);
  EXPECT_EQ(id.device_type, 12);
  EXPECT_EQ(id.product_code, 58);
  EXPECT_EQ(id.revision_major, 4);
  EXPECT_EQ(id.revision_minor, 3);
  EXPECT_EQ(id.serial_number, 0x00524d8eU);
  EXPECT_EQ(id.product_name, "1756-ENBT/A");
  EXPECT_EQ(id.state, 3);
}

TEST(EnipListIdentity, RejectsTruncatedItem) {
  auto bytes = from_hex(kListIdentityResponse);
  bytes.resize(bytes.size() - 8);
  const auto identity = parse_list_identity(Bytes(bytes).subspan(kHeaderLength));
  ASSERT_FALSE(identity.has_value());
  EXPECT_STREQ(identity.error().name, "enip.bad_cpf");
}

TEST(EnipCip, ParsesRequestPath) {
  const auto bytes = from_hex(kFirmwareBegin);
  const auto message =
      extract_cip_message(command::kSendRrData, Bytes(bytes).subspan(kHeaderLength));
  ASSERT_TRUE(message.has_value() && message->has_value());
  const auto request = parse_cip_request(**message);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->service, 0x4B);
  EXPECT_EQ(request->class_id, 0xA1U);
  EXPECT_EQ(request->instance_id, 1U);
  EXPECT_EQ(control_name(*request), "firmware-update");
}

TEST(EnipAnalyzer, ReportsListIdentityOfTheDevice) {
  EnipAnalyzer analyzer;
  RecordingSink client;
  const auto request = from_hex(kListIdentityRequest);
  ASSERT_EQ(analyzer.on_data(Direction::ToServer, request, client).value(), request.size());
  EXPECT_TRUE(has(client, Who::Sender, Attr::IcsFunction, "enip list-identity"));
  EXPECT_TRUE(has(client, Who::Sender, Attr::Protocol, "enip"));

  RecordingSink device;
  const auto response = from_hex(kListIdentityResponse);
  ASSERT_EQ(analyzer.on_data(Direction::ToClient, response, device).value(), response.size());
  EXPECT_TRUE(has(device, Who::Sender, Attr::IcsVendorId, "1"));
  EXPECT_TRUE(has(device, Who::Sender, Attr::IcsVendor, "Rockwell Automation/Allen-Bradley"));
  EXPECT_TRUE(has(device, Who::Sender, Attr::IcsProduct, "1756-ENBT/A"));
  EXPECT_TRUE(has(device, Who::Sender, Attr::IcsRevision, "4.3"));
  EXPECT_TRUE(has(device, Who::Sender, Attr::IcsSerial, "0x00524d8e"));
  EXPECT_TRUE(has(device, Who::Sender, Attr::Protocol, "enip"));
  EXPECT_TRUE(device.anomalies.empty());
}

TEST(EnipAnalyzer, WaitsForASplitMessage) {
  EnipAnalyzer analyzer;
  RecordingSink sink;
  const auto response = from_hex(kListIdentityResponse);
  const auto partial = analyzer.on_data(Direction::ToClient, Bytes(response).first(40), sink);
  ASSERT_FALSE(partial.has_value());
  EXPECT_EQ(partial.error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(analyzer.on_data(Direction::ToClient, response, sink).value(), response.size());
  EXPECT_TRUE(sink.has(Attr::IcsProduct, "1756-ENBT/A"));
}

TEST(EnipAnalyzer, ReportsControlOperationsAboutTheReceiver) {
  EnipAnalyzer analyzer;
  RecordingSink sink;
  for (const std::string_view hex : {kRegisterSession, kFirmwareBegin, kStopPlc, kReset}) {
    const auto bytes = from_hex(hex);
    ASSERT_EQ(analyzer.on_data(Direction::ToServer, bytes, sink).value(), bytes.size());
  }
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "enip register-session"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "enip service-0x4b"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "enip stop"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "enip reset"));
  EXPECT_EQ(sink.values(Attr::IcsControl),
            (std::vector<std::string>{"enip firmware-update", "enip stop", "enip reset"}));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "enip firmware-update"));
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(EnipAnalyzer, LooksInsideMultipleServicePackets) {
  EnipAnalyzer analyzer;
  RecordingSink sink;
  const auto bytes = from_hex(kMultiple);
  ASSERT_EQ(analyzer.on_data(Direction::ToServer, bytes, sink).value(), bytes.size());
  EXPECT_EQ(sink.values(Attr::IcsFunction),
            (std::vector<std::string>{"enip multiple-service-packet", "enip service-0x4c"}));
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(EnipAnalyzer, SkipsResponsesOtherThanListIdentity) {
  EnipAnalyzer analyzer;
  RecordingSink sink;
  for (const std::string_view hex : {kSetAttributeResponse, kLegacyAnswer}) {
    const auto bytes = from_hex(hex);
    ASSERT_EQ(analyzer.on_data(Direction::ToClient, bytes, sink).value(), bytes.size());
  }
  EXPECT_EQ(sink.records.size(), 1U);  // Protocol
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(EnipAnalyzer, SkipsLongUnneededMessagesUnseen) {
  EnipAnalyzer analyzer;
  RecordingSink sink;
  auto bytes = from_hex(kSetAttributeResponse);
  bytes[2] = 0x00;
  bytes[3] = 0x10;  // 4096 bytes of command data, of which only 20 are here
  const auto used = analyzer.on_data(Direction::ToClient, bytes, sink);
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, kHeaderLength + 4096);
}

TEST(EnipDatagram, ReportsListIdentityOverUdp) {
  // The ListIdentity response of EthernetIP_enip_test.pcap frame 7 (captured over TCP); the
  // encapsulation is the same in a UDP 44818 discovery answer.
  const auto bytes = from_hex(kListIdentityResponse);
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_enip(packet, sink);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsProduct, "1756-ENBT/A"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsSerial, "0x00524d8e"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "enip"));

  const auto request = from_hex(kListIdentityRequest);
  packet.payload = request;
  RecordingSink discoverer;
  analyze_enip(packet, discoverer);
  EXPECT_TRUE(has(discoverer, Who::Sender, Attr::IcsFunction, "enip list-identity"));
}

TEST(EnipDatagram, CountsTruncatedAndForeignDatagrams) {
  auto bytes = from_hex(kListIdentityResponse);
  bytes.resize(30);
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_enip(packet, sink);
  bytes = from_hex(kListIdentityRequest);
  bytes[0] = 0x47;
  bytes[1] = 0xeb;
  packet.payload = bytes;
  analyze_enip(packet, sink);
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"enip.truncated", "enip.unknown_command"}));
  EXPECT_TRUE(sink.records.empty());
}

}  // namespace
}  // namespace warden::proto::enip
