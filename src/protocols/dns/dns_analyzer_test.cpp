// SPDX-License-Identifier: Apache-2.0
#include "protocols/dns/dns_analyzer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/dns/dns_parser.hpp"
#include "protocols/dns/dns_test_vectors.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::dns {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testutil::RecordingSink;

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value_or(IpAddress{});
}

decode::Packet udp(Bytes payload, std::string_view src, std::uint16_t src_port,
                   std::string_view dst, std::uint16_t dst_port) {
  decode::Packet packet;
  packet.src_ip = ip(src);
  packet.dst_ip = ip(dst);
  packet.ip_proto = decode::IpProto::Udp;
  packet.src_port = src_port;
  packet.dst_port = dst_port;
  packet.payload = payload;
  return packet;
}

/// Values of `attr` reported about `subject` (matched by kind, and by address for by_ip).
std::vector<std::string> about(const RecordingSink& sink, const Subject& subject, Attr attr) {
  std::vector<std::string> out;
  for (const auto& record : sink.records) {
    if (record.attr == attr && record.subject.who == subject.who &&
        (subject.who != Who::ByIp || record.subject.ip == subject.ip)) {
      out.push_back(record.value);
    }
  }
  return out;
}

/// Every attribute reported about the sender, as "attr=value".
std::vector<std::string> sender_facts(const RecordingSink& sink) {
  std::vector<std::string> out;
  for (const auto& record : sink.records) {
    if (record.subject.who == Who::Sender) {
      out.push_back(std::string(attr_name(record.attr)) + "=" + record.value);
    }
  }
  return out;
}

/// A name in uncompressed wire form.
std::vector<std::uint8_t> wire_name(std::string_view dotted) {
  std::vector<std::uint8_t> out;
  while (!dotted.empty()) {
    const std::size_t dot = dotted.find('.');
    const std::string_view label = dotted.substr(0, dot);
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  out.push_back(0);
  return out;
}

struct TestRecord {
  std::string name;
  std::uint16_t type;
  std::vector<std::uint8_t> rdata;
};

/// An mDNS response whose answer section holds `answers`, uncompressed.
std::vector<std::uint8_t> mdns_response(const std::vector<TestRecord>& answers) {
  std::vector<std::uint8_t> out = {
      0, 0, 0x84, 0, 0, 0, 0, static_cast<std::uint8_t>(answers.size()), 0, 0, 0, 0};
  for (const TestRecord& answer : answers) {
    const auto owner = wire_name(answer.name);
    out.insert(out.end(), owner.begin(), owner.end());
    out.insert(out.end(), {static_cast<std::uint8_t>(answer.type >> 8),
                           static_cast<std::uint8_t>(answer.type & 0xFF), 0x80, 1, 0, 0, 0x11, 0x94,
                           static_cast<std::uint8_t>(answer.rdata.size() >> 8),
                           static_cast<std::uint8_t>(answer.rdata.size() & 0xFF)});
    out.insert(out.end(), answer.rdata.begin(), answer.rdata.end());
  }
  return out;
}

// Plain DNS.

TEST(AnalyzeDns, QueryReportsLookupAboutClient) {
  RecordingSink sink;
  analyze_dns(udp(testdata::kDnsQuery, "192.168.1.11", 40000, "209.87.249.18", 53), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("dns.query=www.tcpdump.org", "protocol=dns"));
  EXPECT_EQ(sink.records.size(), 2U);
  EXPECT_EQ(sink.records[0].protocol, "dns");
  EXPECT_THAT(sink.anomalies, IsEmpty());
}

TEST(AnalyzeDns, ResponseMakesSenderAServerAndAttachesNoNames) {
  RecordingSink sink;
  analyze_dns(udp(testdata::kDnsResponse, "209.87.249.18", 53, "192.168.1.11", 40000), sink);
  // Answers about www.tcpdump.org and its name servers describe no device on the network.
  EXPECT_THAT(sender_facts(sink), ElementsAre("service=udp/53 dns", "protocol=dns"));
  EXPECT_EQ(sink.records.size(), 2U);
}

TEST(AnalyzeDns, ResponseFromOtherPortIsNoServer) {
  RecordingSink sink;
  analyze_dns(udp(testdata::kDnsResponse, "209.87.249.18", 40000, "192.168.1.11", 53), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=dns"));
}

TEST(AnalyzeDns, LookupsAreLowerCaseAndRaw) {
  RecordingSink iodine;
  analyze_dns(udp(testdata::kIodineQuery, "10.0.2.30", 40000, "10.0.2.20", 53), iodine);
  EXPECT_THAT(iodine.values(Attr::DnsQuery), ElementsAre("vaaaakardli.pirate.sea"));

  RecordingSink odd;
  analyze_dns(udp(testdata::kInvalidCharsQuery, "127.0.0.1", 40000, "127.0.0.1", 53), odd);
  EXPECT_THAT(odd.values(Attr::DnsQuery), ElementsAre(std::string("www.allyourba\x04\x05\x06"
                                                                  "arebelongto.cn")));

  std::vector<std::uint8_t> upper(testdata::kDnsQuery.begin(), testdata::kDnsQuery.end());
  upper[13] = 'W';  // "Www.tcpdump.org"
  RecordingSink mixed;
  analyze_dns(udp(upper, "192.168.1.11", 40000, "209.87.249.18", 53), mixed);
  EXPECT_THAT(mixed.values(Attr::DnsQuery), ElementsAre("www.tcpdump.org"));
}

TEST(AnalyzeDns, InverseQueryIsNoLookup) {
  RecordingSink sink;
  analyze_dns(udp(testdata::kInverseQuery, "173.147.108.174", 40000, "244.187.95.1", 53), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=dns"));
  EXPECT_THAT(sink.anomalies, IsEmpty());
}

TEST(AnalyzeDns, HostileMessagesGiveAnomaliesOnly) {
  RecordingSink sink;
  analyze_dns(udp(testdata::kZlipSelfPointer, "10.0.0.1", 1024, "146.84.28.88", 53), sink);
  analyze_dns(udp(testdata::kZlipForwardPointer, "10.0.0.1", 1024, "146.84.28.88", 53), sink);
  analyze_dns(udp(testdata::kZlipLabelLoop, "10.0.0.1", 1024, "146.84.28.88", 53), sink);
  EXPECT_THAT(sink.records, IsEmpty());
  EXPECT_THAT(sink.anomalies,
              ElementsAre("dns.pointer_loop", "dns.forward_pointer", "dns.pointer_loop"));
}

TEST(AnalyzeDnsTcp, SplitsStreamAndKnowsTheServerSide) {
  const Bytes stream(testdata::kDnsTcpStream);
  DnsTcpAnalyzer client_side;
  RecordingSink queries;
  const auto consumed = client_side.on_data(Direction::ToServer, stream.first(58), queries);
  ASSERT_TRUE(consumed);
  EXPECT_EQ(*consumed, 58U);
  EXPECT_THAT(sender_facts(queries), ElementsAre("dns.query=www.tcpdump.org", "protocol=dns"));

  auto server_side = make_dns_tcp_analyzer();
  RecordingSink answers;
  const Bytes response = stream.subspan(58);
  const auto partial = server_side->on_data(Direction::ToClient, response.first(100), answers);
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, ParseErrorCode::Incomplete);
  const auto whole = server_side->on_data(Direction::ToClient, response, answers);
  ASSERT_TRUE(whole);
  EXPECT_EQ(*whole, response.size());
  EXPECT_THAT(sender_facts(answers), ElementsAre("service=tcp/53 dns", "protocol=dns"));
}

TEST(AnalyzeDnsTcp, ConsumesSeveralMessagesAtOnce) {
  DnsTcpAnalyzer analyzer;
  RecordingSink sink;
  const auto consumed = analyzer.on_data(Direction::ToServer, testdata::kDnsTcpStream, sink);
  ASSERT_TRUE(consumed);
  EXPECT_EQ(*consumed, testdata::kDnsTcpStream.size());
  EXPECT_EQ(sink.values(Attr::Protocol).size(), 2U);
}

// mDNS.

TEST(AnalyzeMdns, AnnouncementDescribesTheSender) {
  RecordingSink sink;
  analyze_mdns(udp(testdata::kSonosAnnouncement, "192.168.1.69", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink),
              UnorderedElementsAre("mdns.service_type=_spotify-connect._tcp",
                                   "mdns.service=sonos7828CA05FACC._spotify-connect._tcp.local",
                                   "mdns.txt=VERSION=1.0", "mdns.txt=CPath=/spotifyzc",
                                   "service=tcp/1400 spotify-connect", "hostname=sonos7828ca05facc",
                                   "ipv4=192.168.1.69", "protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 8U);  // nothing about anyone else
  EXPECT_EQ(sink.records[0].protocol, "mdns");
  EXPECT_THAT(sink.anomalies, IsEmpty());
}

TEST(AnalyzeMdns, SleepProxyAnswerGoesToTheAddressHolder) {
  // The same real records, sent by another host (as a Bonjour Sleep Proxy does for a sleeping
  // device): every fact is about 192.168.1.69, none about the sender.
  RecordingSink sink;
  analyze_mdns(udp(testdata::kSonosAnnouncement, "192.168.1.10", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=mdns"));
  const Subject sonos = Subject::by_ip(ip("192.168.1.69"));
  EXPECT_THAT(about(sink, sonos, Attr::Hostname), ElementsAre("sonos7828ca05facc"));
  EXPECT_THAT(about(sink, sonos, Attr::Service), ElementsAre("tcp/1400 spotify-connect"));
  EXPECT_THAT(about(sink, sonos, Attr::MdnsService),
              ElementsAre("sonos7828CA05FACC._spotify-connect._tcp.local"));
  EXPECT_THAT(about(sink, sonos, Attr::MdnsTxt), ElementsAre("VERSION=1.0", "CPath=/spotifyzc"));
  EXPECT_THAT(about(sink, sonos, Attr::Ipv4), IsEmpty());
}

TEST(AnalyzeMdns, ForeignAddressRecordGoesToItsHolder) {
  RecordingSink sink;
  analyze_mdns(
      udp(testdata::kMdnsForeignAnswer, "fe80::200:deff:fead:beef", 5353, "ff02::fb", 5353), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=mdns"));
  EXPECT_THAT(about(sink, Subject::by_ip(ip("fe80::1")), Attr::Hostname),
              ElementsAre("v6-unrelated"));
}

TEST(AnalyzeMdns, AllAddressesOfTheSendersNameAreItsOwn) {
  // Sent over IPv6; the A record of the same name is the iPad's IPv4 address.
  RecordingSink sink;
  analyze_mdns(udp(testdata::kIpadAnnouncement, "fe80::4ba:91a:7817:e318", 5353, "ff02::fb", 5353),
               sink);
  EXPECT_THAT(
      sender_facts(sink),
      UnorderedElementsAre("mdns.service_type=_dacp._tcp",
                           "mdns.service=iTunes_Ctrl_4ABB39A41EEFDEB3._dacp._tcp.local",
                           "service=tcp/50979 dacp", "hostname=gabrieles-ipad",
                           "ipv6=fe80::4ba:91a:7817:e318", "ipv4=192.168.1.75", "protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 7U);  // the empty TXT string is skipped
}

TEST(AnalyzeMdns, ProbeAuthorityRecordsAreTheSenders) {
  RecordingSink sink;
  analyze_mdns(udp(testdata::kMdnsProbe, "10.0.2.7", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(
      sender_facts(sink),
      UnorderedElementsAre("hostname=johanna-qemu-virtual-machine", "ipv4=10.0.2.7",
                           "ipv6=fd52:429e:c03c:8235:5968:5bc6:1563:f82f",
                           "ipv6=fd52:429e:c03c:8235:883c:d6ff:fee1:4dc4", "protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 5U);  // questions are not reported as lookups
}

TEST(AnalyzeMdns, KnownAnswersInQueriesAreNotTheSenders) {
  // The probe's records moved to the answer section: known answers (RFC 6762 §7.1), which are
  // what the querier has cached about others.
  std::vector<std::uint8_t> query(testdata::kMdnsProbe.begin(), testdata::kMdnsProbe.end());
  std::swap(query[7], query[9]);
  RecordingSink sink;
  analyze_mdns(udp(query, "10.0.2.7", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 1U);
}

TEST(AnalyzeMdns, QueryGivesOnlyTheProtocol) {
  RecordingSink sink;
  analyze_mdns(udp(testdata::kMdnsQuery, "10.0.2.7", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 1U);
}

TEST(AnalyzeMdns, IgnoresResponsesNotFromPort5353) {
  RecordingSink sink;
  analyze_mdns(udp(testdata::kSonosAnnouncement, "192.168.1.69", 40000, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=mdns"));
  EXPECT_EQ(sink.records.size(), 1U);
}

TEST(AnalyzeMdns, ServiceTypeEnumerationAndSubtypes) {
  const auto message = mdns_response({
      {"_services._dns-sd._udp.local", 12, wire_name("_googlecast._tcp.local")},
      {"_CC32E753._sub._googlecast._tcp.local", 12,
       wire_name("Living Room._googlecast._tcp.local")},
      {"_ipp._tcp.local", 12, wire_name("not-an-instance.example")},
      {"4.3.2.1.in-addr.arpa", 12, wire_name("other.local")},
  });
  RecordingSink sink;
  analyze_mdns(udp(message, "192.168.1.20", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sink.values(Attr::MdnsServiceType),
              ElementsAre("_googlecast._tcp", "_googlecast._tcp"));
  EXPECT_THAT(sink.values(Attr::MdnsService), ElementsAre("Living Room._googlecast._tcp.local"));
  EXPECT_THAT(sink.values(Attr::Hostname), IsEmpty());
}

TEST(AnalyzeMdns, SrvTargetWithoutAddressIsTheSenders) {
  std::vector<std::uint8_t> srv = {0, 0, 0, 0, 0x1F, 0x49};  // port 8009
  const auto target = wire_name("chromecast.local");
  srv.insert(srv.end(), target.begin(), target.end());
  const auto message = mdns_response({{"Living Room._googlecast._tcp.local", 33, srv},
                                      {"Living Room._googlecast._tcp.local",
                                       16,
                                       {0, 9, 'm', 'd', '=', 'C', 'h', 'r', 'o', 'm', 'e'}}});
  RecordingSink sink;
  analyze_mdns(udp(message, "192.168.1.20", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sender_facts(sink),
              ElementsAre("service=tcp/8009 googlecast", "mdns.txt=md=Chrome", "protocol=mdns"));
}

TEST(AnalyzeMdns, CapsTxtStringsPerMessage) {
  std::vector<std::uint8_t> rdata;
  for (std::size_t string_idx = 0; string_idx < kMaxTxtPerMessage + 8; ++string_idx) {
    rdata.insert(rdata.end(), {3, 'k', '=', static_cast<std::uint8_t>('a' + string_idx % 26)});
  }
  const auto message = mdns_response({{"dev._device-info._tcp.local", 16, rdata}});
  RecordingSink sink;
  analyze_mdns(udp(message, "192.168.1.20", 5353, "224.0.0.251", 5353), sink);
  EXPECT_EQ(about(sink, Subject::sender(), Attr::MdnsTxt).size(), kMaxTxtPerMessage);
}

TEST(AnalyzeMdns, SkipsUnassignableAddresses) {
  const auto message =
      mdns_response({{"ghost.local", 1, {0, 0, 0, 0}}, {"party.local", 1, {224, 0, 0, 251}}});
  RecordingSink sink;
  analyze_mdns(udp(message, "192.168.1.20", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sink.values(Attr::Hostname), IsEmpty());
}

// LLMNR.

TEST(AnalyzeLlmnr, QueryGivesOnlyTheProtocol) {
  RecordingSink sink;
  analyze_llmnr(udp(testdata::kLlmnrQuery, "192.168.10.233", 49395, "224.0.0.252", 5355), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=llmnr"));
  EXPECT_EQ(sink.records.size(), 1U);
}

TEST(AnalyzeLlmnr, ResponderAnswersForItsOwnName) {
  RecordingSink sink;
  analyze_llmnr(udp(testdata::kLlmnrResponse, "192.168.10.101", 5355, "192.168.10.233", 49395),
                sink);
  EXPECT_THAT(sender_facts(sink),
              ElementsAre("hostname=hs2011", "ipv4=192.168.10.101", "protocol=llmnr"));
  EXPECT_EQ(sink.records[0].protocol, "llmnr");
}

TEST(AnalyzeLlmnr, AnswerForAnotherAddressGoesToItsHolder) {
  RecordingSink sink;
  analyze_llmnr(udp(testdata::kLlmnrResponse, "192.168.10.7", 5355, "192.168.10.233", 49395), sink);
  EXPECT_THAT(sender_facts(sink), ElementsAre("protocol=llmnr"));
  EXPECT_THAT(about(sink, Subject::by_ip(ip("192.168.10.101")), Attr::Hostname),
              ElementsAre("hs2011"));
}

// Hostile input through every entry point.

TEST(AnalyzeAll, EveryTruncationGivesOneAnomalyAndNoProtocol) {
  const std::vector<Bytes> messages = {testdata::kDnsQuery,          testdata::kDnsResponse,
                                       testdata::kSonosAnnouncement, testdata::kIpadAnnouncement,
                                       testdata::kMdnsProbe,         testdata::kLlmnrResponse};
  for (const Bytes full : messages) {
    for (std::size_t length = 0; length < full.size(); ++length) {
      const Bytes cut = full.first(length);
      RecordingSink sink;
      analyze_dns(udp(cut, "10.0.0.1", 53, "10.0.0.2", 53), sink);
      analyze_mdns(udp(cut, "192.168.1.69", 5353, "224.0.0.251", 5353), sink);
      analyze_llmnr(udp(cut, "192.168.10.101", 5355, "10.0.0.2", 5355), sink);
      EXPECT_THAT(sink.anomalies, ElementsAre("dns.truncated", "dns.truncated", "dns.truncated"))
          << "length " << length;
      EXPECT_THAT(sink.values(Attr::Protocol), IsEmpty()) << "length " << length;
    }
  }
}

TEST(AnalyzeAll, PartialMdnsMessageKeepsEarlierRecords) {
  // Cut inside the final A record: the PTR, TXT and SRV before it still count.
  const Bytes cut =
      Bytes(testdata::kSonosAnnouncement).first(testdata::kSonosAnnouncement.size() - 2);
  RecordingSink sink;
  analyze_mdns(udp(cut, "192.168.1.69", 5353, "224.0.0.251", 5353), sink);
  EXPECT_THAT(sink.anomalies, ElementsAre("dns.truncated"));
  EXPECT_THAT(sink.values(Attr::Service), ElementsAre("tcp/1400 spotify-connect"));
  EXPECT_THAT(sink.values(Attr::Hostname), IsEmpty());
}

}  // namespace
}  // namespace warden::proto::dns
