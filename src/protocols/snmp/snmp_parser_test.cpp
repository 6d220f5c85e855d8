// SPDX-License-Identifier: Apache-2.0
#include "protocols/snmp/snmp_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/snmp/snmp_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::snmp {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// zeek/snmp__snmpv1_get_short.pcap frame 1, 203.143.168.235 -> 129.94.135.39:161: v1 GetRequest,
// community "public", three hrDevice OIDs with NULL values.
constexpr std::string_view kV1GetRequest =
    "304c02010004067075626c6963a03f0202061f0201000201003033300f060b2b060102011903020105010500300f"
    "060b2b060102011903050101010500300f060b2b060102011903050102010500";

// zeek/snmp__snmpv1_get_short.pcap frame 2, the agent 129.94.135.39:161 answering: v1
// GetResponse, community "public", INTEGER values.
constexpr std::string_view kV1GetResponse =
    "304f02010004067075626c6963a2420202061f02010002010030363010060b2b0601020119030201050102010530"
    "10060b2b060102011903050101010201013010060b2b060102011903050102010401c0";

// zeek/snmp__snmpwalk-short.pcap frame 2, 138.68.10.203:161 -> 138.68.14.240: v2c GetResponse,
// community "public", sysDescr.0 = "Linux ubuntu-512mb-sfo2-01 4.4.0-31-generic #50~14.04.1-Ubuntu
// SMP Wed Jul 13 01:07:32 UTC 2016 x86_64" (two-octet long-form lengths 0x81).
constexpr std::string_view kWalkSysDescr =
    "30819002010104067075626c6963a28182020409584e450201000201003074307206082b0601020101010004664c"
    "696e7578207562756e74752d3531326d622d73666f322d303120342e342e302d33312d67656e6572696320233530"
    "7e31342e30342e312d5562756e747520534d5020576564204a756c2031332030313a30373a333220555443203230"
    "3136207838365f3634";

// zeek/snmp__snmpwalk-short.pcap frame 4: GetResponse sysObjectID.0 = 1.3.6.1.4.1.8072.3.2.10
// (Net-SNMP linux agent; 8072 is the two-octet sub-identifier 0xbf 0x08).
constexpr std::string_view kWalkSysObjectId =
    "303302010104067075626c6963a226020409584e460201000201003018301606082b06010201010200060a2b0601"
    "0401bf0803020a";

// zeek/snmp__snmpwalk-short.pcap frame 10: GetResponse sysName.0 = "ubuntu-512mb-sfo2-01".
constexpr std::string_view kWalkSysName =
    "303d02010104067075626c6963a230020409584e490201000201003022302006082b060102010105000414756275"
    "6e74752d3531326d622d73666f322d3031";

// ndpi/snmp.pcap frame 4, 97.0.115.163:161 -> 176.211.60.43: v1 GetResponse, sysName.0 =
// "R1.lab.local".
constexpr std::string_view kV1SysNameResponse =
    "303502010004067075626c6963a22802044b781a6f020100020100301a301806082b06010201010500040c52312e"
    "6c61622e6c6f63616c";

// zeek/snmp__snmpv1_trap.pcap frame 1, 127.0.0.1 -> 127.0.0.1:162: v1 Trap-PDU, community
// "public", enterprise 1.3.6.1.4.1.31337.0, agent-addr 127.0.0.1, coldStart, one varbind.
constexpr std::string_view kV1Trap =
    "303b02010004067075626c6963a42e06092b0601040181f4690040047f000001020100020100430400000000300f"
    "300d06082b06010201020100020121";

// ndpi/snmp.pcap frame 53, 92.135.15.240 -> 137.49.110.186:162: v2c SNMPv2-Trap (linkDown),
// community "public2c", six varbinds.
constexpr std::string_view kV2Trap =
    "3081aa02010104087075626c69633263a7819a02011702010002010030818e300f06082b060102010103004303"
    "033fc53017060a2b06010603010104010006092b0601060301010503300f060a2b0601020102020101020201023019"
    "060a2b060102010202010202040b45746865726e6574302f31300f060a2b0601020102020103020201063025060c"
    "2b0601040109020201011402041561646d696e6973747261746976656c7920646f776e";

// zeek/snmp__snmpv2_get_bulk.pcap frame 1, 127.0.0.1 -> 127.0.0.1:161: v2c GetBulkRequest with an
// empty community, sysName.0.
constexpr std::string_view kGetBulk =
    "30230201010400a51c02046c4e552d020100020100300e300c06082b060102010105000500";

// zeek/snmp__snmpv1_set.pcap frame 1, 127.0.0.1 -> 127.0.0.1:161: v1 SetRequest with an empty
// community, sysName.0 = "musec".
constexpr std::string_view kV1Set =
    "30280201000400a32102047b086e690201000201003013301106082b0601020101050004056d75736563";

// ndpi/snmp.pcap frame 17, 30.54.142.240 -> 250.58.112.87:161: SNMPv3 engine-id discovery
// (msgVersion 3, noAuthNoPriv, empty GetRequest).
constexpr std::string_view kV3Discovery =
    "303e020103301102046c9af56e020300ffe30401040201030410300e0400020100020100040004000400301404"
    "000400a00e0204750558880201000201003000";

// ndpi/snmp.pcap frame 63, 10.231.2.134:161 -> 10.72.247.4: v2c GetResponse with community "adsl",
// non-minimal 0x82 long-form lengths and one enterprise OCTET STRING (1.3.6.1.4.1.5875...).
constexpr std::string_view kAdslResponse =
    "308200b502010104046164736ca28200a80202642e0201130201013082009a30820096060f2b06010401ad735b01"
    "010101010f0104818242474d50010000000000000130303030303000000000000000000000000052312e36312e31"
    "322e3030000000000000000000000000000000000000010000000100000001000000060000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000060000000100"
    "00";

RecordingSink analyze(std::string_view hex) {
  const std::vector<std::uint8_t> bytes = from_hex(hex);
  decode::Packet packet;
  packet.payload = bytes;
  RecordingSink sink;
  analyze_snmp(packet, sink);
  return sink;
}

/// Hex of a TLV with tag `tag` and a two-octet long-form length (0x82) around `content`.
std::string long_tlv(std::string_view tag, const std::string& content) {
  const std::size_t length = content.size() / 2;
  std::string out(tag);
  out += "82";
  for (const std::size_t shift : {12U, 8U, 4U, 0U}) {
    out += "0123456789abcdef"[(length >> shift) & 0xFU];
  }
  return out + content;
}

std::vector<std::string> about(const RecordingSink& sink, Who who, Attr attr) {
  std::vector<std::string> out;
  for (const auto& record : sink.records) {
    if (record.subject.who == who && record.attr == attr) {
      out.push_back(record.value);
    }
  }
  return out;
}

TEST(SnmpParser, ParsesV1GetRequest) {
  const auto bytes = from_hex(kV1GetRequest);
  const auto message = parse_message(bytes);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->version, Version::V1);
  EXPECT_EQ(message->community, "public");
  EXPECT_EQ(message->pdu, PduType::GetRequest);
  ASSERT_EQ(message->varbind_count, 3U);
  EXPECT_EQ(message->varbinds[0].value.tag, 0x05);  // NULL
  std::array<char, kMaxOidText> text{};
  EXPECT_EQ(format_oid(message->varbinds[2].oid, text).value_or(""), "1.3.6.1.2.1.25.3.5.1.2.1");
}

TEST(SnmpParser, ParsesTrapsAndBulk) {
  const auto v1_bytes = from_hex(kV1Trap);
  const auto v1 = parse_message(v1_bytes);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->pdu, PduType::TrapV1);
  EXPECT_EQ(v1->varbind_count, 1U);

  const auto v2_bytes = from_hex(kV2Trap);
  const auto v2 = parse_message(v2_bytes);
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->version, Version::V2c);
  EXPECT_EQ(v2->pdu, PduType::TrapV2);
  EXPECT_EQ(v2->community, "public2c");
  EXPECT_EQ(v2->varbind_count, 6U);

  const auto bulk_bytes = from_hex(kGetBulk);
  const auto bulk = parse_message(bulk_bytes);
  ASSERT_TRUE(bulk.has_value());
  EXPECT_EQ(bulk->pdu, PduType::GetBulkRequest);
  EXPECT_TRUE(bulk->community.empty());
  EXPECT_EQ(bulk->varbind_count, 1U);
}

TEST(SnmpParser, AcceptsNonMinimalLongFormLengths) {
  const auto bytes = from_hex(kAdslResponse);
  const auto message = parse_message(bytes);
  ASSERT_TRUE(message.has_value()) << message.error().name;
  EXPECT_EQ(message->community, "adsl");
  EXPECT_EQ(message->varbind_count, 1U);
}

TEST(SnmpParser, StopsAtVersionThree) {
  const auto bytes = from_hex(kV3Discovery);
  const auto message = parse_message(bytes);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->version, Version::V3);
  EXPECT_TRUE(message->community.empty());
  EXPECT_EQ(message->varbind_count, 0U);
}

TEST(SnmpParser, SurvivesEveryTruncation) {
  for (const std::string_view hex : {kV1GetRequest, kWalkSysDescr, kV1Trap, kV2Trap}) {
    const auto bytes = from_hex(hex);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      const auto message = parse_message(Bytes(bytes).first(length));
      ASSERT_FALSE(message.has_value()) << length;
      EXPECT_EQ(message.error().code, ParseErrorCode::Malformed);
    }
  }
}

TEST(SnmpParser, RejectsBadLengthsAndVersions) {
  // Message headers built after kV1GetRequest with broken fields.
  EXPECT_EQ(parse_message(from_hex("3080020100")).error().name,
            std::string("snmp.indefinite_length"));
  EXPECT_EQ(parse_message(from_hex("308500000000040201")).error().name,
            std::string("snmp.length_too_long"));
  EXPECT_EQ(parse_message(from_hex("3f0100")).error().name, std::string("snmp.high_tag_number"));
  EXPECT_EQ(parse_message(from_hex("3003020102")).error().name,
            std::string("snmp.unknown_version"));
  EXPECT_EQ(parse_message(from_hex("0403020100")).error().name, std::string("snmp.not_a_message"));
  // kV1GetRequest with the PDU tag 0xa0 changed to 0xa9.
  std::string hex(kV1GetRequest);
  hex.replace(hex.find("a03f"), 2, "a9");
  EXPECT_EQ(parse_message(from_hex(hex)).error().name, std::string("snmp.unknown_pdu"));
}

TEST(SnmpParser, CapsVarbinds) {
  // The kV1GetRequest message around 70 copies of its first varbind (17 octets each).
  std::string list;
  for (int copy_idx = 0; copy_idx < 70; ++copy_idx) {
    list += "300f060b2b060102011903020105010500";
  }
  const std::string pdu = "0202061f020100020100" + long_tlv("30", list);
  const std::string hex = long_tlv("30", "02010004067075626c6963" + long_tlv("a0", pdu));
  const auto bytes = from_hex(hex);
  const auto message = parse_message(bytes);
  ASSERT_TRUE(message.has_value()) << message.error().name;
  EXPECT_EQ(message->varbind_count, kMaxVarbinds);
  EXPECT_TRUE(message->truncated);
  const RecordingSink sink = analyze(hex);
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"snmp.too_many_varbinds"});
}

TEST(SnmpOid, FormatsMultiOctetArcs) {
  std::array<char, kMaxOidText> text{};
  // sysObjectID value of kWalkSysObjectId.
  EXPECT_EQ(format_oid(from_hex("2b06010401bf0803020a"), text).value_or(""),
            "1.3.6.1.4.1.8072.3.2.10");
  // enterprise of kV1Trap: 31337 = 0x81 0xf4 0x69.
  EXPECT_EQ(format_oid(from_hex("2b0601040181f46900"), text).value_or(""), "1.3.6.1.4.1.31337.0");
  // 2^32-1 = 0x8f 0xff 0xff 0xff 0x7f is the largest arc.
  EXPECT_EQ(format_oid(from_hex("2b8fffffff7f"), text).value_or(""), "1.3.4294967295");
  EXPECT_EQ(format_oid(from_hex("2b908080807f"), text).error().name,
            std::string("snmp.oid_overflow"));
  EXPECT_EQ(format_oid(from_hex("2b8080808080807f"), text).error().name,
            std::string("snmp.oid_overflow"));
  EXPECT_EQ(format_oid(from_hex("2b06bf"), text).error().name, std::string("snmp.oid_truncated"));
  EXPECT_EQ(format_oid({}, text).error().name, std::string("snmp.empty_oid"));
  std::vector<std::uint8_t> many;
  for (std::size_t arc_idx = 0; arc_idx <= kMaxOidArcs; ++arc_idx) {
    many.push_back(0x01);
  }
  EXPECT_EQ(format_oid(many, text).error().name, std::string("snmp.oid_too_long"));
  many.pop_back();
  EXPECT_TRUE(format_oid(many, text).has_value());
  // 128 maximal arcs fill the buffer exactly up to its reserve.
  std::vector<std::uint8_t> widest;
  for (std::size_t arc_idx = 0; arc_idx < kMaxOidArcs; ++arc_idx) {
    for (const int byte : {0x8F, 0xFF, 0xFF, 0xFF, 0x7F}) {
      widest.push_back(static_cast<std::uint8_t>(byte));
    }
  }
  const auto wide = format_oid(widest, text);
  ASSERT_TRUE(wide.has_value());
  EXPECT_EQ(wide->size(), 11U * kMaxOidArcs + 1U);  // "2.4294967215" then 127 ".4294967295"
}

TEST(SnmpAnalyzer, RequestsDescribeOnlyTheManagerVersion) {
  const RecordingSink sink = analyze(kV1GetRequest);
  EXPECT_EQ(about(sink, Who::Sender, Attr::SnmpVersion), std::vector<std::string>{"v1"});
  EXPECT_EQ(about(sink, Who::Sender, Attr::Protocol), std::vector<std::string>{"snmp"});
  EXPECT_TRUE(sink.values(Attr::SnmpCommunity).empty());
  EXPECT_EQ(sink.records.size(), 2U);
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.protocol, "snmp");
  }
  EXPECT_TRUE(analyze(kV1Set).values(Attr::SnmpCommunity).empty());
  EXPECT_TRUE(analyze(kGetBulk).values(Attr::SnmpCommunity).empty());
}

TEST(SnmpAnalyzer, ResponseGivesDefaultCommunityOfTheAgent) {
  const RecordingSink sink = analyze(kV1GetResponse);
  EXPECT_EQ(about(sink, Who::Sender, Attr::SnmpCommunity), std::vector<std::string>{"public"});
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(sink.values(Attr::SnmpSysDescr).empty());
}

TEST(SnmpAnalyzer, CustomCommunitiesAreNeverReported) {
  const RecordingSink adsl = analyze(kAdslResponse);
  EXPECT_EQ(adsl.values(Attr::SnmpCommunity), std::vector<std::string>{"(custom)"});
  EXPECT_EQ(adsl.values(Attr::SnmpVersion), std::vector<std::string>{"v2c"});
  const RecordingSink trap = analyze(kV2Trap);
  EXPECT_EQ(about(trap, Who::Sender, Attr::SnmpCommunity), std::vector<std::string>{"(custom)"});
  for (const RecordingSink* sink : {&adsl, &trap}) {
    for (const auto& record : sink->records) {
      EXPECT_EQ(record.value.find("adsl"), std::string::npos);
      EXPECT_EQ(record.value.find("public2c"), std::string::npos);
    }
  }
}

TEST(SnmpAnalyzer, TrapGivesCommunityButNotTheEnterprise) {
  const RecordingSink sink = analyze(kV1Trap);
  EXPECT_EQ(about(sink, Who::Sender, Attr::SnmpCommunity), std::vector<std::string>{"public"});
  EXPECT_TRUE(sink.values(Attr::SnmpSysObjectId).empty());
}

TEST(SnmpAnalyzer, SystemGroupFromResponses) {
  EXPECT_EQ(about(analyze(kWalkSysDescr), Who::Sender, Attr::SnmpSysDescr),
            std::vector<std::string>{"Linux ubuntu-512mb-sfo2-01 4.4.0-31-generic "
                                     "#50~14.04.1-Ubuntu SMP Wed Jul 13 01:07:32 UTC 2016 x86_64"});
  EXPECT_EQ(about(analyze(kWalkSysObjectId), Who::Sender, Attr::SnmpSysObjectId),
            std::vector<std::string>{"1.3.6.1.4.1.8072.3.2.10"});
  EXPECT_EQ(about(analyze(kWalkSysName), Who::Sender, Attr::SnmpSysName),
            std::vector<std::string>{"ubuntu-512mb-sfo2-01"});
  EXPECT_EQ(about(analyze(kV1SysNameResponse), Who::Sender, Attr::SnmpSysName),
            std::vector<std::string>{"R1.lab.local"});
  // The same OID in a SetRequest is what a manager wants to write, not what the agent is.
  EXPECT_TRUE(analyze(kV1Set).values(Attr::SnmpSysName).empty());
}

TEST(SnmpAnalyzer, VersionThreeGivesOnlyTheVersion) {
  const RecordingSink sink = analyze(kV3Discovery);
  EXPECT_EQ(sink.values(Attr::SnmpVersion), std::vector<std::string>{"v3"});
  EXPECT_EQ(sink.records.size(), 2U);
}

TEST(SnmpAnalyzer, ReportsAnomalies) {
  EXPECT_EQ(analyze("3003020102").anomalies, std::vector<std::string>{"snmp.unknown_version"});
  EXPECT_EQ(analyze("").anomalies, std::vector<std::string>{"snmp.truncated"});
  EXPECT_TRUE(analyze("").records.empty());
}

TEST(SnmpCommunity, DefaultListIsCaseInsensitive) {
  EXPECT_EQ(default_community("PUBLIC"), "public");
  EXPECT_EQ(default_community("ilmi"), "ILMI");
  EXPECT_EQ(default_community("all private"), "all private");
  EXPECT_TRUE(default_community("public2c").empty());
  EXPECT_TRUE(default_community("").empty());
}

}  // namespace
}  // namespace warden::proto::snmp
