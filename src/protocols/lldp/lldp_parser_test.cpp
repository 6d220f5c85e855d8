// SPDX-License-Identifier: Apache-2.0
#include "protocols/lldp/lldp_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/lldp/lldp_analyzer.hpp"
#include "protocols/lldp/lldp_test_support.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::lldp {
namespace {

using testutil::RecordingSink;

using testutil::from_hex;

// zeek/lldp.pcap frame 1, from 00:22:2d:81:db:10 (an SMC GS8P switch), bytes after EtherType
// 0x88cc: Chassis ID MAC 00:22:2d:81:db:10, Port ID local "1", TTL 120, Port Description "Port #1",
// System Name "SMCGS8P-Smart", System Description "SMCGS8P-Smart - SMCGS8P-Smart v3.20",
// Capabilities 0x0004/0x0004 (bridge), Management Address IPv4 192.168.2.10 (ifIndex 1), End.
constexpr std::string_view kSmcSwitch =
    "02070400222d81db1004020731060200780807506f72742023310a0d534d43475338502d536d6172740c23534d"
    "43475338502d536d617274202d20534d43475338502d536d6172742076332e32300e0400040004100c0501c0a8"
    "020a0200000001000000bb14272c";

// tcpdump/LLDP_and_CDP.pcap frame 3, from 00:19:2f:a7:b2:8d (Cisco C3560 "S2"): Chassis ID MAC,
// Port ID interface alias "Uplink to S1", TTL 120, System Name "S2.cisco.com", a three-line IOS
// System Description, Port Description "GigabitEthernet0/13", Capabilities 0x0014/0x0004
// (bridge,router / bridge), 802.1 Port VLAN ID and 802.3 MAC/PHY TLVs, End.
constexpr std::string_view kCiscoS2 =
    "02070400192fa7b28d040d0155706c696e6b20746f205331060200780a0c53322e636973636f2e636f6d0cbe43"
    "6973636f20494f5320536f6674776172652c20433335363020536f667477617265202843333536302d41445649"
    "5053455256494345534b392d4d292c2056657273696f6e2031322e322834342953452c2052454c454153452053"
    "4f4654574152452028666331290a436f707972696768742028632920313938362d323030382062792043697363"
    "6f2053797374656d732c20496e632e0a436f6d70696c6564205361742030352d4a616e2d30382030303a313520"
    "6279207765696c697508134769676162697445746865726e6574302f31330e0400140004fe060080c2010001fe"
    "0900120f0103c03600100000";

// tcpdump/lldp_mudurl.pcap frame 1, from 00:23:54:c2:57:02 (an Ubuntu host): Chassis ID and
// Port ID MAC 00:23:54:c2:57:02, TTL 120, System Name "upstairs.ofcourseimright.com", System
// Description "Ubuntu 14.04.5 LTS Linux 3.13.0-106-generic ...", Capabilities 0x009c/0x0008
// (wlan-ap enabled), Management Addresses IPv4 62.12.173.114 and IPv6
// 2001:8a8:1006:4:223:54ff:fec2:5702, Port Description "eth0", 802.3 link aggregation and MAC/PHY
// TLVs, a MUD URL TLV, End.
constexpr std::string_view kMudHost =
    "020704002354c25702040703002354c25702060200780a1c75707374616972732e6f66636f75727365696d7269"
    "6768742e636f6d0c5c5562756e74752031342e30342e35204c5453204c696e757820332e31332e302d3130362d"
    "67656e6572696320233135332d5562756e747520534d50205475652044656320362031353a34353a3133205554"
    "43203230313620693638360e04009c0008100c05013e0cad7202000000020010181102200108a8100600040223"
    "54fffec25702020000000200080465746830fe0900120f030100000000fe0900120f0103ecc30010fe4000005e"
    "0168747470733a2f2f696d72696768742e6d75642e6578616d706c652e636f6d2f2e77656c6c2d6b6e6f776e2f"
    "6d75642f76312f766f6d697476322e300000";

/// One TLV: 7-bit type, 9-bit length, value.
std::vector<std::uint8_t> tlv(std::uint8_t type, const std::vector<std::uint8_t>& value) {
  std::vector<std::uint8_t> out = {
      static_cast<std::uint8_t>((std::size_t{type} << 1) | (value.size() >> 8)),
      static_cast<std::uint8_t>(value.size() & 0xff)};
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

/// Chassis ID (MAC), the given Port ID TLV, TTL 120, then `rest`.
std::vector<std::uint8_t> lldpdu(const std::vector<std::uint8_t>& port_id,
                                 const std::vector<std::uint8_t>& rest) {
  std::vector<std::uint8_t> out = tlv(1, {4, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55});
  const auto port = tlv(2, port_id);
  const auto ttl = tlv(3, {0, 120});
  out.insert(out.end(), port.begin(), port.end());
  out.insert(out.end(), ttl.begin(), ttl.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

TEST(LldpParser, ParsesSmcSwitch) {
  const auto bytes = from_hex(kSmcSwitch);
  const auto pdu = parse_lldpdu(bytes);
  ASSERT_TRUE(pdu.has_value()) << pdu.error().name;
  EXPECT_EQ(pdu->chassis_id.subtype, static_cast<std::uint8_t>(ChassisIdSubtype::MacAddress));
  EXPECT_EQ(MacAddress::from_bytes(pdu->chassis_id.id).to_string(), "00:22:2d:81:db:10");
  EXPECT_EQ(pdu->port_id.subtype, static_cast<std::uint8_t>(PortIdSubtype::Local));
  EXPECT_EQ(as_chars(pdu->port_id.id), "1");
  EXPECT_EQ(pdu->ttl, 120);
  EXPECT_EQ(pdu->port_description, "Port #1");
  EXPECT_EQ(pdu->system_name, "SMCGS8P-Smart");
  EXPECT_EQ(pdu->system_description, "SMCGS8P-Smart - SMCGS8P-Smart v3.20");
  EXPECT_TRUE(pdu->has_capabilities);
  EXPECT_EQ(pdu->capabilities, capability::kBridge);
  EXPECT_EQ(pdu->enabled_capabilities, capability::kBridge);
  ASSERT_EQ(pdu->management_address_count, 1U);
  EXPECT_EQ(pdu->management_addresses[0].family, family::kIpv4);
  EXPECT_EQ(IpAddress::v4(pdu->management_addresses[0].address).to_string(), "192.168.2.10");
  EXPECT_EQ(pdu->management_addresses[0].interface_number, 1U);
}

TEST(LldpParser, ParsesCiscoSwitchWithOrganizationalTlvs) {
  const auto bytes = from_hex(kCiscoS2);
  const auto pdu = parse_lldpdu(bytes);
  ASSERT_TRUE(pdu.has_value()) << pdu.error().name;
  EXPECT_EQ(pdu->port_id.subtype, static_cast<std::uint8_t>(PortIdSubtype::InterfaceAlias));
  EXPECT_EQ(as_chars(pdu->port_id.id), "Uplink to S1");
  EXPECT_EQ(pdu->system_name, "S2.cisco.com");
  EXPECT_TRUE(pdu->system_description.starts_with("Cisco IOS Software, C3560 Software"));
  EXPECT_EQ(pdu->port_description, "GigabitEthernet0/13");
  EXPECT_EQ(pdu->capabilities, 0x0014);
  EXPECT_EQ(pdu->enabled_capabilities, 0x0004);
  EXPECT_EQ(pdu->management_address_count, 0U);
}

TEST(LldpParser, ParsesIpv4AndIpv6ManagementAddresses) {
  const auto bytes = from_hex(kMudHost);
  const auto pdu = parse_lldpdu(bytes);
  ASSERT_TRUE(pdu.has_value()) << pdu.error().name;
  ASSERT_EQ(pdu->management_address_count, 2U);
  EXPECT_EQ(pdu->management_addresses[0].family, family::kIpv4);
  EXPECT_EQ(pdu->management_addresses[1].family, family::kIpv6);
  EXPECT_EQ(IpAddress::v6(pdu->management_addresses[1].address).to_string(),
            "2001:8a8:1006:4:223:54ff:fec2:5702");
}

TEST(LldpParser, NamesCapabilities) {
  EXPECT_EQ(capability_names(0x0014), "bridge,router");
  EXPECT_EQ(capability_names(0x0008), "wlan-ap");
  EXPECT_EQ(capability_names(0x00a0), "telephone,station");
  EXPECT_EQ(capability_names(0xffff),
            "other,repeater,bridge,wlan-ap,router,telephone,docsis,station,c-vlan,s-vlan,tpmr");
  EXPECT_EQ(capability_names(0), "");
}

TEST(LldpParser, TruncationAtEveryLengthIsSafe) {
  for (const std::string_view hex : {kSmcSwitch, kCiscoS2, kMudHost}) {
    const auto bytes = from_hex(hex);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      const auto pdu = parse_lldpdu(Bytes(bytes).first(length));
      if (!pdu) {
        EXPECT_EQ(pdu.error().code, ParseErrorCode::Malformed) << length;
      }
    }
  }
}

TEST(LldpParser, RequiresMandatoryTlvsInOrder) {
  auto pdu = parse_lldpdu(from_hex("0000"));  // End first
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.missing_mandatory_tlv");
  // Port ID before Chassis ID.
  pdu = parse_lldpdu(from_hex("0402070102070631060200780000"));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.missing_mandatory_tlv");
  // Chassis and Port ID only.
  pdu = parse_lldpdu(from_hex("0202073104020731"));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.missing_mandatory_tlv");
  // An empty chassis ID.
  pdu = parse_lldpdu(from_hex("0201040402073106020078"));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.bad_id_length");
}

TEST(LldpParser, StopsZeroLengthTlvFloodAtLimit) {
  std::vector<std::uint8_t> flood;
  for (std::size_t tlv_idx = 0; tlv_idx < kMaxTlvs; ++tlv_idx) {
    const auto empty = tlv(9, {});  // reserved type, zero length
    flood.insert(flood.end(), empty.begin(), empty.end());
  }
  const auto pdu = parse_lldpdu(lldpdu({7, '1'}, flood));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.too_many_tlvs");
}

TEST(LldpParser, RejectsLyingLengths) {
  // A System Name claiming 511 bytes with 3 present.
  auto pdu = parse_lldpdu(lldpdu({7, '1'}, {0x0b, 0xff, 'a', 'b', 'c'}));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.truncated_tlv");
  // A management address whose address string claims 255 bytes.
  pdu = parse_lldpdu(lldpdu({7, '1'}, tlv(8, {0xff, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 0})));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.bad_management_address");
  // A management address whose OID runs past the TLV.
  pdu = parse_lldpdu(lldpdu({7, '1'}, tlv(8, {5, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 9})));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.truncated_tlv");
  // Capabilities of the wrong size.
  pdu = parse_lldpdu(lldpdu({7, '1'}, tlv(7, {0, 4, 0})));
  ASSERT_FALSE(pdu.has_value());
  EXPECT_STREQ(pdu.error().name, "lldp.bad_capabilities_length");
}

TEST(LldpParser, ToleratesMissingEndAndIgnoresPadding) {
  const auto without_end = lldpdu({7, '1'}, tlv(5, {'s', 'w'}));
  const auto pdu = parse_lldpdu(without_end);
  ASSERT_TRUE(pdu.has_value());
  EXPECT_EQ(pdu->system_name, "sw");
  EXPECT_TRUE(parse_lldpdu(lldpdu({7, '1'}, {0, 0, 0xff, 0xff, 0xff})).has_value());  // End, junk
}

TEST(LldpAnalyzer, ReportsSmcSwitchAboutSender) {
  const auto bytes = from_hex(kSmcSwitch);
  RecordingSink sink;
  analyze_lldp(l2_packet(bytes, "00:22:2d:81:db:10"), sink);
  EXPECT_TRUE(sink.has(Attr::Protocol, "lldp"));
  EXPECT_TRUE(sink.has(Attr::LldpSystemName, "SMCGS8P-Smart"));
  EXPECT_TRUE(sink.has(Attr::LldpSystemDescription, "SMCGS8P-Smart - SMCGS8P-Smart v3.20"));
  EXPECT_TRUE(sink.has(Attr::LldpCapabilities, "bridge"));
  EXPECT_TRUE(sink.has(Attr::LldpPortId, "Port #1"));
  EXPECT_TRUE(sink.has(Attr::LldpManagementAddress, "192.168.2.10"));
  EXPECT_TRUE(sink.has(Attr::Ipv4, "192.168.2.10"));
  EXPECT_EQ(sink.records.size(), 7U);
  EXPECT_TRUE(sink.anomalies.empty());
  expect_all_about_sender(sink, "lldp");
}

TEST(LldpAnalyzer, ReportsEnabledCapabilitiesAndIpv6Binding) {
  const auto bytes = from_hex(kMudHost);
  RecordingSink sink;
  analyze_lldp(l2_packet(bytes, "00:23:54:c2:57:02"), sink);
  EXPECT_TRUE(sink.has(Attr::LldpCapabilities, "wlan-ap"));
  EXPECT_TRUE(sink.has(Attr::LldpPortId, "eth0"));
  EXPECT_TRUE(sink.has(Attr::Ipv4, "62.12.173.114"));
  EXPECT_TRUE(sink.has(Attr::Ipv6, "2001:8a8:1006:4:223:54ff:fec2:5702"));
  EXPECT_TRUE(sink.has(Attr::LldpManagementAddress, "2001:8a8:1006:4:223:54ff:fec2:5702"));
  expect_all_about_sender(sink, "lldp");
}

TEST(LldpAnalyzer, FallsBackToRenderedPortId) {
  RecordingSink sink;
  const auto mac_port = lldpdu({3, 0x00, 0x23, 0x54, 0xc2, 0x57, 0x02}, {});
  analyze_lldp(l2_packet(mac_port, "00:23:54:c2:57:02"), sink);
  const auto ip_port = lldpdu({4, 1, 10, 1, 2, 3}, {});
  analyze_lldp(l2_packet(ip_port, "00:23:54:c2:57:02"), sink);
  EXPECT_EQ(sink.values(Attr::LldpPortId),
            (std::vector<std::string>{"00:23:54:c2:57:02", "10.1.2.3"}));
}

TEST(LldpAnalyzer, SkipsUnassignableManagementAddresses) {
  RecordingSink sink;
  const auto pdu = lldpdu({7, '1'}, tlv(8, {5, 1, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0}));
  analyze_lldp(l2_packet(pdu, "02:11:22:33:44:55"), sink);
  EXPECT_TRUE(sink.values(Attr::LldpManagementAddress).empty());
  EXPECT_TRUE(sink.values(Attr::Ipv4).empty());
}

TEST(LldpAnalyzer, ReportsMalformedFrameAsAnomaly) {
  RecordingSink sink;
  const auto bytes = from_hex("0000");
  analyze_lldp(l2_packet(bytes, "02:11:22:33:44:55"), sink);
  EXPECT_TRUE(sink.records.empty());
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"lldp.missing_mandatory_tlv"});
}

}  // namespace
}  // namespace warden::proto::lldp
