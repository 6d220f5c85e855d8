// SPDX-License-Identifier: Apache-2.0
#include "protocols/lldp/cdp_parser.hpp"

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

// zeek/cdp-v1.pcap frame 1, from 00:e0:1e:d5:d5:15 (a Cisco 1601 router), bytes after the SNAP
// header: version 1, TTL 180, Device ID "R1", Addresses (1: NLPID IP 192.168.10.1), Port ID
// "Ethernet0", Capabilities 0x01 (router), Software Version "Cisco Internetwork Operating System
// Software \nIOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, ...", Platform "cisco 1601".
constexpr std::string_view kRouterV1 =
    "01b4dff000010006523100020011000000010101cc0004c0a80a010003000d45746865726e6574300004000800"
    "000001000500d8436973636f20496e7465726e6574776f726b204f7065726174696e672053797374656d20536f"
    "667477617265200a494f532028746d29203136303020536f667477617265202843313630302d4e592d4c292c20"
    "56657273696f6e2031312e3228313229502c2052454c4541534520534f4654574152452028666331290a436f70"
    "7972696768742028632920313938362d3139393820627920636973636f2053797374656d732c20496e632e0a43"
    "6f6d70696c6564205475652030332d4d61722d39382030363a33332062792064736368776172740006000e6369"
    "73636f2031363031";

// tcpdump/3560_CDP.pcap frame 1, from 00:19:06:ea:b8:85 (a Catalyst 3560G): version 2, TTL 180,
// Device ID "Switch", Software Version (IOS 12.2(25)SEB4), Platform "cisco WS-C3560G-24PS",
// Addresses (192.168.0.1), Port ID "GigabitEthernet0/5", Capabilities 0x28 (switch, IGMP),
// Protocol Hello, VTP domain "Lab", Native VLAN 1, Duplex full, Trust Bitmap, Untrusted CoS,
// Management Addresses (192.168.0.1 again), Power Available.
constexpr std::string_view kSwitchV2 =
    "02b4b0bd0001000a537769746368000500c4436973636f20494f5320536f6674776172652c2043333536302053"
    "6f667477617265202843333536302d414456495053455256494345534b392d4d292c2056657273696f6e203132"
    "2e3228323529534542342c2052454c4541534520534f4654574152452028666331290a436f7079726967687420"
    "28632920313938362d3230303520627920436973636f2053797374656d732c20496e632e0a436f6d70696c6564"
    "205475652033302d4175672d30352031373a35362062792079656e616e6800060018636973636f2057532d4333"
    "353630472d3234505300020011000000010101cc0004c0a80001000300164769676162697445746865726e6574"
    "302f3500040008000000280008002400000c011200000000ffffffff010221ff000000000000001906eab880ff"
    "0000000900074c6162000a00060001000b0005010012000500001300050000160011000000010101cc0004c0a8"
    "0001001a00100000000100000000ffffffff";

// tcpdump/LLDP_and_CDP.pcap frame 1, from 00:18:ba:98:68:8f (Catalyst 3560 "S1"): version 2,
// Device ID "S1", Port ID "FastEthernet0/13", Platform "cisco WS-C3560-24TS", Addresses and
// Management Addresses both 0.0.0.0 (no IP configured), Capabilities 0x28.
constexpr std::string_view kUnconfiguredSwitch =
    "02b40bea000100065331000500c2436973636f20494f5320536f6674776172652c20433335363020536f667477"
    "617265202843333536302d414456495053455256494345534b392d4d292c2056657273696f6e2031322e322834"
    "342953452c2052454c4541534520534f4654574152452028666331290a436f7079726967687420286329203139"
    "38362d3230303820627920436973636f2053797374656d732c20496e632e0a436f6d70696c6564205361742030"
    "352d4a616e2d30382030303a3135206279207765696c697500060017636973636f2057532d43333536302d3234"
    "545300020011000000010101cc000400000000000300144661737445746865726e6574302f3133000400080000"
    "00280008002400000c011200000000ffffffff010220ff0000000000000018ba986880ff000000090004000a00"
    "060001000b0005010012000500001300050000160011000000010101cc000400000000001a0010000000010000"
    "0000ffffffff";

/// A CDP v2 packet (checksum zero) made of `tlvs`.
std::vector<std::uint8_t> cdp_packet(const std::vector<std::uint8_t>& tlvs) {
  std::vector<std::uint8_t> out = {2, 180, 0, 0};
  out.insert(out.end(), tlvs.begin(), tlvs.end());
  return out;
}

TEST(CdpParser, ParsesVersion1Router) {
  const auto bytes = from_hex(kRouterV1);
  const auto cdp = parse_cdp(bytes);
  ASSERT_TRUE(cdp.has_value()) << cdp.error().name;
  EXPECT_EQ(cdp->version, 1);
  EXPECT_EQ(cdp->ttl, 180);
  EXPECT_EQ(cdp->device_id, "R1");
  EXPECT_EQ(cdp->port_id, "Ethernet0");
  EXPECT_EQ(cdp->platform, "cisco 1601");
  EXPECT_TRUE(cdp->software_version.starts_with("Cisco Internetwork Operating System Software"));
  EXPECT_TRUE(cdp->has_capabilities);
  EXPECT_EQ(cdp->capabilities, cdp_capability::kRouter);
  ASSERT_EQ(cdp->address_count, 1U);
  EXPECT_EQ(cdp_ip_address(cdp->addresses[0])->to_string(), "192.168.10.1");
}

TEST(CdpParser, MergesAddressesAndManagementAddresses) {
  const auto bytes = from_hex(kSwitchV2);
  const auto cdp = parse_cdp(bytes);
  ASSERT_TRUE(cdp.has_value()) << cdp.error().name;
  EXPECT_EQ(cdp->version, 2);
  EXPECT_EQ(cdp->device_id, "Switch");
  EXPECT_EQ(cdp->platform, "cisco WS-C3560G-24PS");
  EXPECT_EQ(cdp->capabilities, cdp_capability::kSwitch | cdp_capability::kIgmp);
  ASSERT_EQ(cdp->address_count, 1U);  // the same 192.168.0.1 appears in both TLVs
  EXPECT_EQ(cdp_ip_address(cdp->addresses[0])->to_string(), "192.168.0.1");
}

TEST(CdpParser, NamesCapabilities) {
  EXPECT_EQ(cdp_capability_names(0x28), "switch,igmp");
  EXPECT_EQ(cdp_capability_names(0x91), "router,host,phone");
  EXPECT_EQ(cdp_capability_names(0), "");
}

TEST(CdpParser, ReadsIpv6AddressEntries) {
  const auto bytes =
      cdp_packet({0x00, 0x02, 0x00, 0x24, 0,    0,    0, 1,              // Addresses, 1 entry
                  2,    8,    0xaa, 0xaa, 0x03, 0,    0, 0, 0x86, 0xdd,  // 802.2 IPv6
                  0,    16,   0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,    0,    0, 0, 0, 0, 0, 0, 0, 1});
  const auto cdp = parse_cdp(bytes);
  ASSERT_TRUE(cdp.has_value()) << cdp.error().name;
  ASSERT_EQ(cdp->address_count, 1U);
  EXPECT_EQ(cdp_ip_address(cdp->addresses[0])->to_string(), "2001:db8::1");
}

TEST(CdpParser, TruncationAtEveryLengthIsSafe) {
  for (const std::string_view hex : {kRouterV1, kSwitchV2, kUnconfiguredSwitch}) {
    const auto bytes = from_hex(hex);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      const auto cdp = parse_cdp(Bytes(bytes).first(length));
      if (!cdp) {
        EXPECT_EQ(cdp.error().code, ParseErrorCode::Malformed) << length;
      }
    }
  }
}

TEST(CdpParser, RejectsHostileHeadersAndLengths) {
  auto cdp = parse_cdp(from_hex("03b40000"));
  ASSERT_FALSE(cdp.has_value());
  EXPECT_EQ(cdp.error().code, ParseErrorCode::Unsupported);
  for (std::uint8_t length = 0; length < 4; ++length) {  // lengths that would never advance
    cdp = parse_cdp(cdp_packet({0x00, 0x01, 0x00, length, 'R', '1'}));
    ASSERT_FALSE(cdp.has_value());
    EXPECT_STREQ(cdp.error().name, "cdp.bad_tlv_length");
  }
  cdp = parse_cdp(cdp_packet({0x00, 0x01, 0xff, 0xff, 'R', '1'}));
  ASSERT_FALSE(cdp.has_value());
  EXPECT_STREQ(cdp.error().name, "cdp.truncated");
  // Addresses claiming 2^32 - 1 entries, holding one.
  cdp = parse_cdp(cdp_packet({0x00, 0x02, 0x00, 0x11, 0xff, 0xff, 0xff, 0xff,  //
                              1, 1, 0xcc, 0, 4, 10, 0, 0, 1}));
  ASSERT_FALSE(cdp.has_value());
  EXPECT_STREQ(cdp.error().name, "cdp.truncated");
  cdp = parse_cdp(cdp_packet({0x00, 0x04, 0x00, 0x06, 0x00, 0x01}));
  ASSERT_FALSE(cdp.has_value());
  EXPECT_STREQ(cdp.error().name, "cdp.bad_capabilities_length");
}

TEST(CdpParser, StopsEmptyTlvFloodAtLimit) {
  std::vector<std::uint8_t> flood;
  for (std::size_t tlv_idx = 0; tlv_idx <= kMaxCdpTlvs; ++tlv_idx) {
    flood.insert(flood.end(), {0x00, 0x09, 0x00, 0x04});
  }
  const auto cdp = parse_cdp(cdp_packet(flood));
  ASSERT_FALSE(cdp.has_value());
  EXPECT_EQ(cdp.error().code, ParseErrorCode::LimitExceeded);
}

TEST(CdpAnalyzer, ReportsRouterAboutSender) {
  const auto bytes = from_hex(kRouterV1);
  RecordingSink sink;
  analyze_cdp(l2_packet(bytes, "00:e0:1e:d5:d5:15"), sink);
  EXPECT_TRUE(sink.has(Attr::Protocol, "cdp"));
  EXPECT_TRUE(sink.has(Attr::LldpSystemName, "R1"));
  EXPECT_TRUE(sink.has(Attr::LldpPlatform, "cisco 1601"));
  EXPECT_TRUE(sink.has(Attr::LldpCapabilities, "router"));
  EXPECT_TRUE(sink.has(Attr::LldpPortId, "Ethernet0"));
  EXPECT_TRUE(sink.has(Attr::LldpManagementAddress, "192.168.10.1"));
  EXPECT_TRUE(sink.has(Attr::Ipv4, "192.168.10.1"));
  ASSERT_EQ(sink.values(Attr::LldpSystemDescription).size(), 1U);
  EXPECT_TRUE(sink.values(Attr::LldpSystemDescription)[0].starts_with("Cisco Internetwork"));
  EXPECT_TRUE(sink.anomalies.empty());
  expect_all_about_sender(sink, "cdp");
}

TEST(CdpAnalyzer, SkipsUnconfiguredAddress) {
  const auto bytes = from_hex(kUnconfiguredSwitch);
  RecordingSink sink;
  analyze_cdp(l2_packet(bytes, "00:18:ba:98:68:8f"), sink);
  EXPECT_TRUE(sink.has(Attr::LldpSystemName, "S1"));
  EXPECT_TRUE(sink.has(Attr::LldpCapabilities, "switch,igmp"));
  EXPECT_TRUE(sink.has(Attr::LldpPlatform, "cisco WS-C3560-24TS"));
  EXPECT_TRUE(sink.values(Attr::LldpManagementAddress).empty());
  EXPECT_TRUE(sink.values(Attr::Ipv4).empty());
}

TEST(CdpAnalyzer, ReportsMalformedPacketAsAnomaly) {
  RecordingSink sink;
  const auto bytes = from_hex("02b4");
  analyze_cdp(l2_packet(bytes, "00:18:ba:98:68:8f"), sink);
  EXPECT_TRUE(sink.records.empty());
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"cdp.truncated"});
}

}  // namespace
}  // namespace warden::proto::lldp
