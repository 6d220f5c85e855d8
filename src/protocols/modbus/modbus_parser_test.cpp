// SPDX-License-Identifier: Apache-2.0
#include "protocols/modbus/modbus_parser.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "protocols/modbus/modbus_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::modbus {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// Read Device Identification: no public capture in /work/shared/pcaps holds a 43/14 response,
// so these vectors come from a capture made for this project (modbus_43_14.pcap): a tiny
// python3 Modbus server at 10.97.0.2:502 and a client at 10.97.0.1 in two private network
// namespaces joined by a veth pair, recorded with tcpdump. The identity strings are invented.

// Frame 4, 10.97.0.1 -> 10.97.0.2: tid 1, unit 1, function 43 MEI 14, read code 1 (basic), object
// 0.
constexpr std::string_view kReadDeviceIdRequest = "000100000005012b0e0100";
// Frame 9, 10.97.0.2 -> 10.97.0.1: tid 2, unit 1, 43/14 read code 2 (regular), conformity 0x82,
// 6 objects: VendorName "Warden Test Devices", ProductCode "WTD-502", MajorMinorRevision "v1.2",
// VendorUrl "http://example.invalid", ProductName "Warden Modbus Sim", ModelName "SIM-1".
constexpr std::string_view kReadDeviceIdResponse =
    "00020000005e012b0e0282000006001357617264656e2054657374204465766963657301075754442d353032020476"
    "312e320316687474703a2f2f6578616d706c652e696e76616c6964041157617264656e204d6f646275732053696d05"
    "0553494d2d31";
// Frame 11, 10.97.0.1 -> 10.97.0.2: two ADUs in one segment: tid 3 read holding registers
// 0..1 and tid 4 write single register 1 = 42.
constexpr std::string_view kTwoRequests = "00030000000601030000000200040000000601060001002a";
// Frame 14, 10.97.0.2 -> 10.97.0.1: tid 4 exception response 0x86, code 01 (illegal function).
constexpr std::string_view kWriteException = "000400000003018601";

// suricata-verify/modbus__modbus.pcap frame 8, 10.0.0.57 -> 10.0.0.3:502: unit 10, diagnostics
// sub-function 4 (force listen only mode).
constexpr std::string_view kForceListenOnly = "0000000000060a0800040000";
// Same capture frame 60, 10.0.0.9 -> 10.0.0.3:502: unit 10, write single coil 2 = off.
constexpr std::string_view kWriteSingleCoil = "0001000000060a0500020000";
// Same capture frame 91, 10.0.0.8:502 -> client: unit 10, exception 0x81 code 6 (busy).
constexpr std::string_view kReadCoilsException = "0001000000040a810600";
// Same capture frame 40, 10.0.0.57 -> 10.0.0.3:502: unit 10, report server id (17).
constexpr std::string_view kReportServerId = "0000000000020a11";

// ndpi/modbus.pcap frame 1, 192.168.110.131:2074 -> 192.168.110.138:502: tid 0xd1, unit 1, read
// holding registers from 1, count 1; frame 2 is its answer (one register, 0).
constexpr std::string_view kReadHolding = "00d100000006010300010001";
constexpr std::string_view kReadHoldingResponse = "00d1000000050103020000";

// ndpi/umas.pcap frame 4, 192.168.63.100:7718 -> 192.168.63.253:502: unit 0, function 90 (UMAS),
// session key 0, UMAS 0x02 read-id.
constexpr std::string_view kUmasReadId = "000000000004005a0002";
// Same capture frame 19: UMAS 0x0a (repeat) with an MBAP length of 255, one above the spec.
constexpr std::string_view kUmasRepeat255 =
    "0007000000ff005a000a00000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122"
    "232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50"
    "5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e"
    "7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabac"
    "adaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9da"
    "dbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9";

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value) {
  return sink.has(who, attr, value, "modbus");
}

TEST(ModbusAdu, ParsesMbapHeader) {
  const auto bytes = from_hex(kReadHolding);
  const auto adu = parse_adu(bytes);
  ASSERT_TRUE(adu.has_value());
  EXPECT_EQ(adu->header.transaction_id, 0xd1);
  EXPECT_EQ(adu->header.length, 6);
  EXPECT_EQ(adu->header.unit_id, 1);
  EXPECT_EQ(adu->function, 3);
  EXPECT_EQ(adu->data.size(), 4U);
  EXPECT_EQ(adu->size(), bytes.size());
}

TEST(ModbusAdu, IncompleteUntilTheWholeAduIsThere) {
  const auto bytes = from_hex(kReadHolding);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    const auto adu = parse_adu(Bytes(bytes).first(cut));
    ASSERT_FALSE(adu.has_value());
    EXPECT_EQ(adu.error().code, ParseErrorCode::Incomplete) << cut;
  }
}

TEST(ModbusAdu, RejectsNonZeroProtocolIdAndBadLengths) {
  auto bytes = from_hex(kReadHolding);
  bytes[3] = 1;
  EXPECT_STREQ(parse_adu(bytes).error().name, "modbus.bad_protocol_id");
  bytes = from_hex(kReadHolding);
  bytes[5] = 1;  // unit id only, no function code
  EXPECT_STREQ(parse_adu(bytes).error().name, "modbus.bad_length");
  bytes[4] = 0x01;
  bytes[5] = 0x05;  // 261
  EXPECT_STREQ(parse_adu(bytes).error().name, "modbus.bad_length");
}

TEST(ModbusDeviceId, ParsesRegularIdentification) {
  const auto bytes = from_hex(kReadDeviceIdResponse);
  const auto adu = parse_adu(bytes);
  ASSERT_TRUE(adu.has_value());
  ASSERT_EQ(adu->function, 43);
  const auto ident = parse_device_identification(adu->data);
  ASSERT_TRUE(ident.has_value());
  EXPECT_EQ(ident->read_code, 2);
  EXPECT_EQ(ident->conformity_level, 0x82);
  EXPECT_FALSE(ident->more_follows);
  ASSERT_EQ(ident->object_count, 6U);
  EXPECT_EQ(ident->objects[0].value, "Warden Test Devices");
  EXPECT_EQ(ident->objects[4].id, object::kProductName);
  EXPECT_EQ(ident->objects[5].value, "SIM-1");
}

TEST(ModbusDeviceId, RejectsObjectOverrunningThePdu) {
  auto bytes = from_hex(kReadDeviceIdResponse);
  bytes[13] = 0xff;  // VendorName length
  const auto adu = parse_adu(bytes);
  ASSERT_TRUE(adu.has_value());
  EXPECT_STREQ(parse_device_identification(adu->data).error().name,
               "modbus.bad_device_identification");
}

TEST(ModbusAnalyzer, ReportsDeviceIdentificationOfTheServer) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  const auto request = from_hex(kReadDeviceIdRequest);
  ASSERT_EQ(analyzer.on_data(Direction::ToServer, request, sink).value(), request.size());
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus read-device-identification"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsAddress, "modbus unit 1"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "modbus"));
  EXPECT_TRUE(sink.values(Attr::IcsControl).empty());

  RecordingSink server;
  const auto response = from_hex(kReadDeviceIdResponse);
  ASSERT_EQ(analyzer.on_data(Direction::ToClient, response, server).value(), response.size());
  EXPECT_TRUE(has(server, Who::Sender, Attr::IcsVendor, "Warden Test Devices"));
  EXPECT_EQ(server.values(Attr::IcsProduct),
            (std::vector<std::string>{"WTD-502", "Warden Modbus Sim", "SIM-1"}));
  EXPECT_TRUE(has(server, Who::Sender, Attr::IcsRevision, "v1.2"));
  EXPECT_TRUE(has(server, Who::Sender, Attr::Protocol, "modbus"));
  EXPECT_TRUE(server.anomalies.empty());
}

TEST(ModbusAnalyzer, ReadsSeveralAdusFromOneSegment) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  const auto bytes = from_hex(kTwoRequests);
  ASSERT_EQ(analyzer.on_data(Direction::ToServer, bytes, sink).value(), bytes.size());
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus read-holding-registers"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus write-single-register"));
  EXPECT_EQ(sink.values(Attr::IcsControl),
            (std::vector<std::string>{"modbus write-single-register"}));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "modbus write-single-register"));
  // Reported once per flow.
  RecordingSink again;
  ASSERT_TRUE(analyzer.on_data(Direction::ToServer, bytes, again).has_value());
  EXPECT_TRUE(again.records.empty());
}

TEST(ModbusAnalyzer, WaitsForAnAduSplitAcrossSegments) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  const auto bytes = from_hex(kTwoRequests);
  const Bytes all(bytes);
  // First segment: the first ADU and 5 bytes of the second.
  const auto first = analyzer.on_data(Direction::ToServer, all.first(17), sink);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 12U);
  const auto waiting = analyzer.on_data(Direction::ToServer, all.subspan(12, 5), sink);
  ASSERT_FALSE(waiting.has_value());
  EXPECT_EQ(waiting.error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(analyzer.on_data(Direction::ToServer, all.subspan(12), sink).value(), 12U);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus write-single-register"));
}

TEST(ModbusAnalyzer, IgnoresExceptionResponses) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  for (const std::string_view hex : {kWriteException, kReadCoilsException}) {
    const auto bytes = from_hex(hex);
    ASSERT_EQ(analyzer.on_data(Direction::ToClient, bytes, sink).value(), bytes.size());
  }
  EXPECT_EQ(sink.records.size(), 1U);  // Protocol only
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(ModbusAnalyzer, ReportsDiagnosticsAndWritesAsControls) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  for (const std::string_view hex : {kForceListenOnly, kWriteSingleCoil, kReportServerId}) {
    const auto bytes = from_hex(hex);
    ASSERT_EQ(analyzer.on_data(Direction::ToServer, bytes, sink).value(), bytes.size());
  }
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "modbus force-listen-only"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "modbus write-single-coil"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus diagnostics"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus report-server-id"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsAddress, "modbus unit 10"));
}

TEST(ModbusAnalyzer, ResponsesToReadsGiveOnlyTheProtocol) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  const auto bytes = from_hex(kReadHoldingResponse);
  ASSERT_EQ(analyzer.on_data(Direction::ToClient, bytes, sink).value(), bytes.size());
  ASSERT_EQ(sink.records.size(), 1U);
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "modbus"));
}

TEST(ModbusAnalyzer, NamesUmasFunctionsAndToleratesLength255) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  for (const std::string_view hex : {kUmasReadId, kUmasRepeat255}) {
    const auto bytes = from_hex(hex);
    ASSERT_EQ(analyzer.on_data(Direction::ToServer, bytes, sink).value(), bytes.size());
  }
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus umas read-id"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus umas repeat"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsAddress, "modbus unit 0"));
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"modbus.oversized_adu"}));
}

TEST(ModbusAnalyzer, NamesUnknownFunctionsByNumber) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  auto bytes = from_hex(kReadHolding);
  bytes[7] = 65;
  ASSERT_TRUE(analyzer.on_data(Direction::ToServer, bytes, sink).has_value());
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "modbus function-65"));
}

TEST(ModbusAnalyzer, StopsOnNonModbusBytes) {
  ModbusAnalyzer analyzer;
  RecordingSink sink;
  const std::string_view http = "GET / HTTP/1.1\r\n\r\n";
  const auto result = analyzer.on_data(Direction::ToServer, as_bytes(http), sink);
  ASSERT_FALSE(result.has_value());
  EXPECT_STREQ(result.error().name, "modbus.bad_protocol_id");
  EXPECT_TRUE(sink.records.empty());
}

}  // namespace
}  // namespace warden::proto::modbus
