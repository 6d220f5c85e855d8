// SPDX-License-Identifier: Apache-2.0
#include "protocols/netbios/netbios_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "protocols/netbios/netbios_analyzer.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::netbios {
namespace {

using testutil::RecordingSink;

// ndpi/gnutella.pcap frame 33: 10.0.2.15 -> 10.0.2.255, registration request (flags 0x2910:
// opcode 5, RD, B), id 0x9c29; question MSEDGEWIN10<00> NB IN; additional record via pointer
// 0xc00c, NB IN, TTL 300000, NB_FLAGS 0x0000 (unique, B-node), address 10.0.2.15.
constexpr std::array<std::uint8_t, 68> kRegistration = {
    0x9c, 0x29, 0x29, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x45,
    0x4e, 0x46, 0x44, 0x45, 0x46, 0x45, 0x45, 0x45, 0x48, 0x45, 0x46, 0x46, 0x48, 0x45,
    0x4a, 0x45, 0x4f, 0x44, 0x42, 0x44, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
    0x41, 0x41, 0x41, 0x00, 0x00, 0x20, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01,
    0x00, 0x04, 0x93, 0xe0, 0x00, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x02, 0x0f,
};

// ndpi/gnutella.pcap frame 34: as above for WORKGROUP<00> with NB_FLAGS 0x8000 (group).
constexpr std::array<std::uint8_t, 68> kGroupRegistration = {
    0x9c, 0x2a, 0x29, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x46,
    0x48, 0x45, 0x50, 0x46, 0x43, 0x45, 0x4c, 0x45, 0x48, 0x46, 0x43, 0x45, 0x50, 0x46,
    0x46, 0x46, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
    0x41, 0x41, 0x41, 0x00, 0x00, 0x20, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01,
    0x00, 0x04, 0x93, 0xe0, 0x00, 0x06, 0x80, 0x00, 0x0a, 0x00, 0x02, 0x0f,
};

// ndpi/zoom.pcap frame 22: 192.168.1.117 -> 192.168.1.255, refresh (flags 0x4010: opcode 8, B),
// id 0x4599; LUCAS-IMAC<20> NB IN, TTL 900, NB_FLAGS 0x6000 (unique, H-node), 192.168.1.117.
constexpr std::array<std::uint8_t, 68> kRefreshServer = {
    0x45, 0x99, 0x40, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x45,
    0x4d, 0x46, 0x46, 0x45, 0x44, 0x45, 0x42, 0x46, 0x44, 0x43, 0x4e, 0x45, 0x4a, 0x45,
    0x4e, 0x45, 0x42, 0x45, 0x44, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
    0x41, 0x43, 0x41, 0x00, 0x00, 0x20, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x03, 0x84, 0x00, 0x06, 0x60, 0x00, 0xc0, 0xa8, 0x01, 0x75,
};

// ndpi/netbios.pcap frame 69: 10.0.4.24 -> 10.0.4.165, positive name query response (flags
// 0x8500: response, AA, RD, rcode 0), id 0x8486; answer GUNNAR<00> NB IN, TTL 300000,
// NB_FLAGS 0x0000, address 10.0.4.24.
constexpr std::array<std::uint8_t, 62> kQueryResponse = {
    0x84, 0x86, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x45, 0x48, 0x46,
    0x46, 0x45, 0x4f, 0x45, 0x4f, 0x45, 0x42, 0x46, 0x43, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
    0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00, 0x00, 0x20,
    0x00, 0x01, 0x00, 0x04, 0x93, 0xe0, 0x00, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x18,
};

// ndpi/netbios.pcap frame 129: 10.0.4.24 -> 10.0.5.233, node status response (flags 0x8400),
// id 0x9a2f; answer *<00..> NBSTAT IN, 4 names: GUNNAR<00> 0x0400, VIGILANT_GROUP<00> 0x8400
// (group), GUNNAR<20> 0x0400, VIGILANT_GROUP<1e> 0x8400; unit ID 00:1c:c4:10:79:0f.
constexpr std::array<std::uint8_t, 175> kNodeStatusResponse = {
    0x9a, 0x2f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x43, 0x4b, 0x41,
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x00, 0x00, 0x21,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x77, 0x04, 0x47, 0x55, 0x4e, 0x4e, 0x41, 0x52, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x04, 0x00, 0x56, 0x49, 0x47, 0x49, 0x4c,
    0x41, 0x4e, 0x54, 0x5f, 0x47, 0x52, 0x4f, 0x55, 0x50, 0x20, 0x00, 0x84, 0x00, 0x47, 0x55, 0x4e,
    0x4e, 0x41, 0x52, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x04, 0x00, 0x56,
    0x49, 0x47, 0x49, 0x4c, 0x41, 0x4e, 0x54, 0x5f, 0x47, 0x52, 0x4f, 0x55, 0x50, 0x20, 0x1e, 0x84,
    0x00, 0x00, 0x1c, 0xc4, 0x10, 0x79, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// ndpi/netbios.pcap frame 1: 10.0.4.131 -> 10.0.5.255, broadcast name query (flags 0x0110),
// id 0xa749, question XSTREAM_HY<00> NB IN.
constexpr std::array<std::uint8_t, 50> kQuery = {
    0xa7, 0x49, 0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
    0x46, 0x49, 0x46, 0x44, 0x46, 0x45, 0x46, 0x43, 0x45, 0x46, 0x45, 0x42, 0x45,
    0x4e, 0x46, 0x50, 0x45, 0x49, 0x46, 0x4a, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41,
    0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00, 0x00, 0x20, 0x00, 0x01,
};

// ndpi/dos_win98_smb_netbeui.pcap frame 9: 192.168.239.129 -> 192.168.239.2, registration
// (flags 0x2900) of MDJR98<03> (messenger service), NB_FLAGS 0x0000, 192.168.239.129.
constexpr std::array<std::uint8_t, 68> kMessengerRegistration = {
    0x00, 0x04, 0x29, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x45,
    0x4e, 0x45, 0x45, 0x45, 0x4b, 0x46, 0x43, 0x44, 0x4a, 0x44, 0x49, 0x43, 0x41, 0x43,
    0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
    0x41, 0x41, 0x44, 0x00, 0x00, 0x20, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01,
    0x00, 0x04, 0x93, 0xe0, 0x00, 0x06, 0x00, 0x00, 0xc0, 0xa8, 0xef, 0x81,
};

decode::Packet make_packet(Bytes payload, std::string_view src_ip) {
  decode::Packet packet;
  packet.ip_proto = decode::IpProto::Udp;
  packet.src_ip = *IpAddress::parse(src_ip);
  packet.src_port = kNameServicePort;
  packet.dst_port = kNameServicePort;
  packet.payload = payload;
  return packet;
}

/// An encoded name label (length 32 + first-level encoding) of `name` padded with spaces.
std::vector<std::uint8_t> encode_name(std::string_view name, std::uint8_t suffix) {
  std::string raw(name);
  raw.resize(15, ' ');
  raw += static_cast<char>(suffix);
  std::vector<std::uint8_t> out = {32};
  for (const char c : raw) {
    const auto byte = static_cast<std::uint8_t>(c);
    out.push_back(static_cast<std::uint8_t>('A' + (byte >> 4)));
    out.push_back(static_cast<std::uint8_t>('A' + (byte & 0x0F)));
  }
  return out;
}

TEST(NetbiosParser, ParsesRegistrationWithCompressedRecordName) {
  const auto msg = parse_message(kRegistration);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->header.transaction_id, 0x9c29);
  EXPECT_FALSE(msg->header.is_response);
  EXPECT_EQ(msg->header.opcode, static_cast<std::uint8_t>(Opcode::Registration));
  EXPECT_EQ(msg->header.nm_flags, 0x11);  // RD, B
  ASSERT_EQ(msg->question_count, 1U);
  EXPECT_EQ(msg->questions[0].name.text(), "MSEDGEWIN10");
  EXPECT_EQ(msg->questions[0].name.suffix, 0x00);
  EXPECT_EQ(msg->questions[0].type, kTypeNb);
  ASSERT_EQ(msg->record_count, 1U);
  const Record& record = msg->records[0];
  EXPECT_EQ(record.section, Section::Additional);
  EXPECT_EQ(record.name.text(), "MSEDGEWIN10");
  EXPECT_EQ(record.ttl, 300000U);
  const NbEntries nb = parse_nb_entries(record.rdata);
  ASSERT_EQ(nb.count, 1U);
  EXPECT_FALSE(nb.entries[0].is_group());
  EXPECT_EQ(nb.entries[0].address.to_string(), "10.0.2.15");
}

TEST(NetbiosParser, ParsesNodeStatus) {
  const auto msg = parse_message(kNodeStatusResponse);
  ASSERT_TRUE(msg);
  ASSERT_EQ(msg->record_count, 1U);
  EXPECT_TRUE(msg->records[0].name.is_wildcard());
  EXPECT_EQ(msg->records[0].type, kTypeNbstat);
  const auto status = parse_node_status(msg->records[0].rdata);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->count, 4U);
  EXPECT_EQ(status->names[1].name.text(), "VIGILANT_GROUP");
  EXPECT_TRUE(status->names[1].is_group());
  EXPECT_EQ(status->names[3].name.suffix, 0x1e);
  EXPECT_EQ(status->unit_id, MacAddress::parse("00:1c:c4:10:79:0f"));
}

TEST(NetbiosParser, BoundsNodeStatusNames) {
  std::vector<std::uint8_t> rdata = {255};
  rdata.insert(rdata.end(), std::size_t{255} * 18, 'A');
  const auto status = parse_node_status(rdata);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->count, kMaxNodeNames);
  EXPECT_FALSE(status->unit_id);
  rdata.resize(100);
  EXPECT_STREQ(parse_node_status(rdata).error().name, "netbios.truncated");
}

TEST(NetbiosParser, SurvivesTruncationAtEveryLength) {
  for (const Bytes whole : {Bytes(kRegistration), Bytes(kNodeStatusResponse)}) {
    for (std::size_t length = 0; length < whole.size(); ++length) {
      const auto msg = parse_message(whole.first(length));
      ASSERT_FALSE(msg) << length;
      EXPECT_STREQ(msg.error().name, "netbios.truncated") << length;
      RecordingSink sink;
      analyze_netbios(make_packet(whole.first(length), "10.0.0.1"), sink);
    }
  }
}

TEST(NetbiosParser, RejectsForwardAndSelfPointers) {
  std::vector<std::uint8_t> bytes(kRegistration.begin(), kRegistration.end());
  bytes[51] = 0x3c;  // the record's pointer now targets itself
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.bad_pointer");
  bytes[51] = 0x40;  // forward, past itself
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.bad_pointer");
}

TEST(NetbiosParser, RejectsBadNames) {
  std::vector<std::uint8_t> bytes(kQuery.begin(), kQuery.end());
  bytes[13] = 'Z';  // not a first-level letter
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.bad_name");
  bytes[13] = 'E';
  bytes[12] = 31;  // label length other than 32
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.bad_name");
}

TEST(NetbiosParser, SkipsScopeLabelsAndBoundsThem) {
  std::vector<std::uint8_t> bytes = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  const auto name = encode_name("PRINTER", 0x20);
  bytes.insert(bytes.end(), name.begin(), name.end());
  bytes.insert(bytes.end(), {3, 'c', 'o', 'm', 0, 0, 0x20, 0, 1});
  auto msg = parse_message(bytes);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->questions[0].name.text(), "PRINTER");
  EXPECT_EQ(msg->questions[0].name.suffix, 0x20);

  bytes.resize(12 + name.size());
  bytes.insert(bytes.end(), 300, 0x01);  // 150 one-byte labels
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.too_many_labels");
}

TEST(NetbiosParser, RejectsHugeCounts) {
  std::vector<std::uint8_t> bytes(kQuery.begin(), kQuery.end());
  bytes[6] = 0xff;  // ANCOUNT
  EXPECT_STREQ(parse_message(bytes).error().name, "netbios.too_many_records");
}

TEST(NetbiosAnalyzer, RegistrationNamesTheSender) {
  RecordingSink sink;
  analyze_netbios(make_packet(kRegistration, "10.0.2.15"), sink);
  ASSERT_TRUE(sink.has(Attr::NetbiosName, "MSEDGEWIN10"));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, "netbios-ns");
  }
  EXPECT_TRUE(sink.has(Attr::Protocol, "netbios-ns"));
}

TEST(NetbiosAnalyzer, GroupRegistrationIsAWorkgroup) {
  RecordingSink sink;
  analyze_netbios(make_packet(kGroupRegistration, "10.0.2.15"), sink);
  EXPECT_TRUE(sink.has(Attr::NetbiosGroup, "WORKGROUP"));
  EXPECT_TRUE(sink.values(Attr::NetbiosName).empty());
}

TEST(NetbiosAnalyzer, RefreshOfServerName) {
  RecordingSink sink;
  analyze_netbios(make_packet(kRefreshServer, "192.168.1.117"), sink);
  EXPECT_EQ(sink.values(Attr::NetbiosName), std::vector<std::string>{"LUCAS-IMAC"});
}

TEST(NetbiosAnalyzer, ServiceSuffixesAreNotMachineNames) {
  RecordingSink sink;
  analyze_netbios(make_packet(kMessengerRegistration, "192.168.239.129"), sink);
  EXPECT_TRUE(sink.values(Attr::NetbiosName).empty());
}

TEST(NetbiosAnalyzer, QueryNameIsSomeoneElses) {
  RecordingSink sink;
  analyze_netbios(make_packet(kQuery, "10.0.4.131"), sink);
  EXPECT_TRUE(sink.values(Attr::NetbiosName).empty());
  EXPECT_EQ(sink.records.size(), 1U);  // Protocol only
}

TEST(NetbiosAnalyzer, PositiveResponseNamesTheResponder) {
  RecordingSink sink;
  analyze_netbios(make_packet(kQueryResponse, "10.0.4.24"), sink);
  ASSERT_TRUE(sink.has(Attr::NetbiosName, "GUNNAR"));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
  }
}

TEST(NetbiosAnalyzer, ResponseForAnotherHostGoesToItsAddress) {
  // The same answer relayed by a WINS server at 10.0.0.53: GUNNAR is 10.0.4.24, not the server.
  RecordingSink sink;
  analyze_netbios(make_packet(kQueryResponse, "10.0.0.53"), sink);
  const auto name = std::find_if(sink.records.begin(), sink.records.end(), [](const auto& record) {
    return record.attr == Attr::NetbiosName;
  });
  ASSERT_NE(name, sink.records.end());
  EXPECT_EQ(name->subject.who, Who::ByIp);
  EXPECT_EQ(name->subject.ip, IpAddress::parse("10.0.4.24"));
}

TEST(NetbiosAnalyzer, NegativeResponseNamesNobody) {
  std::vector<std::uint8_t> bytes(kQueryResponse.begin(), kQueryResponse.end());
  bytes[3] |= 0x03;  // RCODE NAM_ERR
  RecordingSink sink;
  analyze_netbios(make_packet(bytes, "10.0.4.24"), sink);
  EXPECT_TRUE(sink.values(Attr::NetbiosName).empty());
}

TEST(NetbiosAnalyzer, NodeStatusListsResponderNames) {
  RecordingSink sink;
  analyze_netbios(make_packet(kNodeStatusResponse, "10.0.4.24"), sink);
  EXPECT_EQ(sink.values(Attr::NetbiosName), (std::vector<std::string>{"GUNNAR", "GUNNAR"}));
  EXPECT_EQ(sink.values(Attr::NetbiosGroup), std::vector<std::string>{"VIGILANT_GROUP"});
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
  }
}

TEST(NetbiosAnalyzer, ReportsParseFailureAsAnomaly) {
  RecordingSink sink;
  const auto junk = std::to_array<std::uint8_t>({1, 2, 3});
  analyze_netbios(make_packet(junk, "10.0.0.1"), sink);
  EXPECT_TRUE(sink.records.empty());
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"netbios.truncated"});
}

}  // namespace
}  // namespace warden::proto::netbios
