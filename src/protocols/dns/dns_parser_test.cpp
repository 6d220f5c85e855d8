// SPDX-License-Identifier: Apache-2.0
#include "protocols/dns/dns_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/dns/dns_test_vectors.hpp"

namespace warden::proto::dns {
namespace {

using ::testing::ElementsAre;

struct Walk {
  std::vector<Record> records;
  std::optional<ParseError> error;
};

Walk walk(Bytes message) {
  Walk out;
  auto reader = MessageReader::open(message);
  if (!reader) {
    out.error = reader.error();
    return out;
  }
  out.error =
      for_each_record(*reader, [&](const Record& record) { out.records.push_back(record); });
  return out;
}

std::string name(Bytes message, NameRef ref) {
  NameBuffer buffer;
  const auto text = decode_name(message, ref, buffer);
  return text ? std::string(*text) : "<error>";
}

std::string error_name(const Walk& result) {
  return result.error ? result.error->name : "none";
}

/// A query of one question (type A, class IN) whose name is `name_bytes` in wire form.
std::vector<std::uint8_t> query(const std::vector<std::uint8_t>& name_bytes) {
  std::vector<std::uint8_t> out = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  out.insert(out.end(), name_bytes.begin(), name_bytes.end());
  out.insert(out.end(), {0, 1, 0, 1});
  return out;
}

/// `count` labels of `length` 'a's, in wire form with the root label.
std::vector<std::uint8_t> long_name(std::size_t count, std::uint8_t length) {
  std::vector<std::uint8_t> out;
  for (std::size_t label_idx = 0; label_idx < count; ++label_idx) {
    out.push_back(length);
    out.insert(out.end(), length, 'a');
  }
  out.push_back(0);
  return out;
}

TEST(DnsHeader, ReadsFlagsAndCounts) {
  const auto reader = MessageReader::open(testdata::kDnsResponse);
  ASSERT_TRUE(reader);
  const Header& header = reader->header();
  EXPECT_EQ(header.id, 0x5934);
  EXPECT_TRUE(header.is_response());
  EXPECT_EQ(header.opcode(), 0);
  EXPECT_FALSE(header.is_truncated());
  EXPECT_EQ(header.rcode(), 0);
  EXPECT_EQ(header.count(Section::Question), 1);
  EXPECT_EQ(header.count(Section::Answer), 2);
  EXPECT_EQ(header.count(Section::Authority), 2);
  EXPECT_EQ(header.count(Section::Additional), 5);
}

TEST(DnsHeader, ShortMessageIsTruncated) {
  const auto reader = MessageReader::open(Bytes(testdata::kDnsQuery).first(11));
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ParseErrorCode::Incomplete);
  EXPECT_STREQ(reader.error().name, "dns.truncated");
}

TEST(DnsMessage, ReadsQueryWithOpt) {
  const Bytes message(testdata::kDnsQuery);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 2U);
  const Record& question = result.records[0];
  EXPECT_EQ(question.section, Section::Question);
  EXPECT_EQ(name(message, question.name), "www.tcpdump.org");
  EXPECT_EQ(question.type, RrType::A);
  EXPECT_EQ(question.rr_class, 1);
  EXPECT_FALSE(question.mdns_flag);
  const Record& opt = result.records[1];
  EXPECT_EQ(opt.section, Section::Additional);
  EXPECT_EQ(opt.type, RrType::Opt);
  EXPECT_EQ(opt.rr_class, 4096);  // the UDP payload size
  EXPECT_EQ(name(message, opt.name), "");
  EXPECT_EQ(opt.rdata.size(), 12U);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(opt.data));
}

TEST(DnsMessage, ReadsResponseSections) {
  const Bytes message(testdata::kDnsResponse);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 10U);
  std::vector<std::string> addresses;
  std::vector<std::string> servers;
  for (const Record& record : result.records) {
    if (const auto* address = std::get_if<IpAddress>(&record.data)) {
      addresses.push_back(address->to_string());
    }
    if (record.type == RrType::Ns) {
      EXPECT_EQ(record.section, Section::Authority);
      EXPECT_EQ(name(message, record.name), "tcpdump.org");
      servers.push_back(name(message, std::get<NameRef>(record.data)));
    }
  }
  EXPECT_THAT(addresses, ElementsAre("192.139.46.66", "198.199.88.104", "209.87.249.18",
                                     "2607:f0b0:f::babe:f00d", "97.107.133.15",
                                     "2600:3c03::f03c:91ff:fe96:e8ef"));
  EXPECT_THAT(servers, ElementsAre("sns.cooperix.net", "nic.sandelman.ca"));
  EXPECT_EQ(result.records[1].ttl, 60U);
}

TEST(DnsMessage, ReadsMdnsAnnouncement) {
  const Bytes message(testdata::kSonosAnnouncement);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 4U);

  const Record& ptr = result.records[0];
  EXPECT_EQ(ptr.section, Section::Answer);
  EXPECT_EQ(ptr.type, RrType::Ptr);
  EXPECT_FALSE(ptr.mdns_flag);
  EXPECT_EQ(name(message, ptr.name), "_spotify-connect._tcp.local");
  EXPECT_EQ(name(message, std::get<NameRef>(ptr.data)),
            "sonos7828CA05FACC._spotify-connect._tcp.local");

  const Record& txt = result.records[1];
  EXPECT_EQ(txt.section, Section::Additional);
  EXPECT_TRUE(txt.mdns_flag);  // cache-flush
  EXPECT_EQ(txt.rr_class, 1);  // top bit masked off
  EXPECT_EQ(txt.ttl, 4500U);
  TxtReader strings(std::get<Txt>(txt.data));
  EXPECT_EQ(strings.next(), "VERSION=1.0");
  EXPECT_EQ(strings.next(), "CPath=/spotifyzc");
  EXPECT_EQ(strings.next(), std::nullopt);

  const Srv& srv = std::get<Srv>(result.records[2].data);
  EXPECT_EQ(srv.priority, 0);
  EXPECT_EQ(srv.weight, 0);
  EXPECT_EQ(srv.port, 1400);
  EXPECT_EQ(name(message, srv.target), "sonos7828CA05FACC.local");

  const Record& a = result.records[3];
  EXPECT_EQ(a.type, RrType::A);
  EXPECT_TRUE(a.mdns_flag);
  EXPECT_EQ(name(message, a.name), "sonos7828CA05FACC.local");
  EXPECT_EQ(std::get<IpAddress>(a.data).to_string(), "192.168.1.69");
}

TEST(DnsMessage, KeepsUnknownTypesRaw) {
  const Bytes message(testdata::kIpadAnnouncement);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 8U);
  TxtReader strings(std::get<Txt>(result.records[0].data));
  EXPECT_EQ(strings.next(), "");  // the one empty string of a TXT without keys
  EXPECT_EQ(strings.next(), std::nullopt);
  const Record& nsec = result.records[5];
  EXPECT_EQ(static_cast<std::uint16_t>(nsec.type), 47);
  EXPECT_EQ(nsec.rdata.size(), 9U);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(nsec.data));
  EXPECT_EQ(result.records[7].type, RrType::Opt);
  EXPECT_EQ(result.records[7].rr_class, 1440);
}

TEST(DnsMessage, ReadsMdnsProbeAuthority) {
  const Bytes message(testdata::kMdnsProbe);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 10U);
  EXPECT_EQ(name(message, result.records[0].name),
            "4.c.d.4.1.e.e.f.f.f.6.d.c.3.8.8.5.3.2.8.c.3.0.c.e.9.2.4.2.5.d.f.ip6.arpa");
  EXPECT_EQ(static_cast<std::uint16_t>(result.records[1].type), 255);  // ANY
  EXPECT_EQ(result.records[4].section, Section::Authority);
  EXPECT_EQ(name(message, result.records[4].name), "johanna-QEMU-Virtual-Machine.local");
  EXPECT_EQ(std::get<IpAddress>(result.records[4].data).to_string(), "10.0.2.7");
}

TEST(DnsMessage, ReadsQuestionFlags) {
  const Bytes message(testdata::kMdnsQuery);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(name(message, result.records[1].name), "_ipps._tcp.local");
  EXPECT_FALSE(result.records[1].mdns_flag);  // QM

  std::vector<std::uint8_t> unicast(testdata::kMdnsQuery.begin(), testdata::kMdnsQuery.end());
  unicast[unicast.size() - 2] |= 0x80;  // the second question asks for a unicast response
  const Walk qu = walk(unicast);
  ASSERT_EQ(qu.records.size(), 2U);
  EXPECT_TRUE(qu.records[1].mdns_flag);
  EXPECT_EQ(qu.records[1].rr_class, 1);
}

TEST(DnsMessage, ReadsHinfo) {
  std::vector<std::uint8_t> message = {0,   0,   0x84, 0, 0, 0,  0, 1, 0, 0, 0, 0,  4, 'h',
                                       'o', 's', 't',  0, 0, 13, 0, 1, 0, 0, 0, 10, 0, 10};
  message.insert(message.end(), {3, 'A', 'R', 'M', 5, 'L', 'i', 'n', 'u', 'x'});
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  const auto& hinfo = std::get<Hinfo>(result.records.at(0).data);
  EXPECT_EQ(hinfo.cpu, "ARM");
  EXPECT_EQ(hinfo.os, "Linux");
}

TEST(DnsMessage, KeepsLabelBytesRaw) {
  const Bytes message(testdata::kInvalidCharsQuery);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  EXPECT_EQ(name(message, result.records.at(0).name), std::string("www.allyourba\x04\x05\x06"
                                                                  "arebelongto.cn"));
}

TEST(DnsMessage, ReadsIodineQuery) {
  const Bytes message(testdata::kIodineQuery);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  EXPECT_EQ(static_cast<std::uint16_t>(result.records.at(0).type), 10);  // NULL
  EXPECT_EQ(name(message, result.records.at(0).name), "vaaaakardli.pirate.sea");
}

TEST(DnsName, RejectsPointerToItself) {
  const Walk result = walk(testdata::kZlipSelfPointer);
  EXPECT_EQ(error_name(result), "dns.pointer_loop");
  EXPECT_EQ(result.error->code, ParseErrorCode::Malformed);
  EXPECT_EQ(result.error->offset, 12U);
}

TEST(DnsName, RejectsForwardPointer) {
  EXPECT_EQ(error_name(walk(testdata::kZlipForwardPointer)), "dns.forward_pointer");
}

TEST(DnsName, RejectsPointerBackIntoItsOwnLabels) {
  EXPECT_EQ(error_name(walk(testdata::kZlipLabelLoop)), "dns.pointer_loop");
}

TEST(DnsName, RejectsLoopThroughEarlierName) {
  // Question 2 (at 19) is the label "b" followed by a pointer back to that label.
  std::vector<std::uint8_t> message = {0, 0,   0x01, 0,   0, 2, 0, 0, 0, 0,
                                       0, 0,   1,    'a', 0, 0, 1, 0, 1,  // offset 12
                                       1, 'b', 0xC0, 19,  0, 1, 0, 1};
  EXPECT_EQ(error_name(walk(message)), "dns.pointer_loop");
}

TEST(DnsName, FollowsAtMostMaxPointerHops) {
  // Question "a" at 12; an unknown-type answer whose rdata is a chain of pointers, each to the
  // one before it (the first to 12); a second answer's name points at the chain's end.
  auto build = [](std::size_t chain) {
    std::vector<std::uint8_t> message = {0,    0,  0x84, 0,   0, 1, 0, 2, 0, 0,
                                         0,    0,  1,    'a', 0, 0, 1, 0, 1,  // offset 12
                                         0xC0, 12, 0xFF, 0,   0, 1, 0, 0, 0, 0};
    message.push_back(0);
    message.push_back(static_cast<std::uint8_t>(2 * chain));
    const std::size_t chain_start = message.size();
    for (std::size_t link_idx = 0; link_idx < chain; ++link_idx) {
      const std::size_t target = link_idx == 0 ? 12 : chain_start + 2 * (link_idx - 1);
      message.push_back(static_cast<std::uint8_t>(0xC0 | (target >> 8)));
      message.push_back(static_cast<std::uint8_t>(target & 0xFF));
    }
    const std::size_t last = chain_start + 2 * (chain - 1);
    message.push_back(static_cast<std::uint8_t>(0xC0 | (last >> 8)));
    message.push_back(static_cast<std::uint8_t>(last & 0xFF));
    message.insert(message.end(), {0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    return message;
  };
  const auto ok = build(kMaxPointerHops - 1);  // plus the answer's own pointer
  const Walk fine = walk(ok);
  ASSERT_FALSE(fine.error) << error_name(fine);
  EXPECT_EQ(name(ok, fine.records.at(2).name), "a");

  const Walk result = walk(build(kMaxPointerHops));
  EXPECT_EQ(error_name(result), "dns.too_many_pointers");
  EXPECT_EQ(result.error->code, ParseErrorCode::LimitExceeded);
}

TEST(DnsName, AcceptsLongestName) {
  // 3 labels of 63 + one of 61: 4 * 1 + 250 + 1 = 255 bytes in wire form, 253 as text.
  std::vector<std::uint8_t> wire = long_name(3, 63);
  wire.pop_back();
  wire.push_back(61);
  wire.insert(wire.end(), 61, 'b');
  wire.push_back(0);
  ASSERT_EQ(wire.size(), kMaxNameLength);
  const auto message = query(wire);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  EXPECT_EQ(name(message, result.records.at(0).name).size(), 253U);
}

TEST(DnsName, RejectsNameOver255Bytes) {
  std::vector<std::uint8_t> wire = long_name(3, 63);
  wire.pop_back();
  wire.push_back(62);
  wire.insert(wire.end(), 62, 'b');
  wire.push_back(0);
  ASSERT_EQ(wire.size(), kMaxNameLength + 1);
  const Walk result = walk(query(wire));
  EXPECT_EQ(error_name(result), "dns.name_too_long");
  EXPECT_EQ(error_name(walk(query(long_name(200, 63)))), "dns.name_too_long");
}

TEST(DnsName, RejectsNameOver255BytesThroughPointers) {
  // Question 1: three 63-byte labels (193 bytes); question 2: a 63-byte label, then a pointer to
  // question 1, 257 bytes in all.
  std::vector<std::uint8_t> message = query(long_name(3, 63));
  message[5] = 2;
  message.push_back(63);
  message.insert(message.end(), 63, 'c');
  message.insert(message.end(), {0xC0, 12, 0, 1, 0, 1});
  EXPECT_EQ(error_name(walk(message)), "dns.name_too_long");
}

TEST(DnsName, RejectsExtendedLabelTypes) {
  EXPECT_EQ(error_name(walk(query({0x41, 'a', 0}))), "dns.bad_label_type");
  EXPECT_EQ(error_name(walk(query({0x80, 0}))), "dns.bad_label_type");
}

TEST(DnsName, DecodesRootAsEmpty) {
  const auto message = query({0});
  const Walk result = walk(message);
  ASSERT_FALSE(result.error);
  EXPECT_EQ(name(message, result.records.at(0).name), "");
}

TEST(DnsMessage, EveryTruncationFailsCleanly) {
  const std::vector<Bytes> messages = {testdata::kDnsQuery,          testdata::kDnsResponse,
                                       testdata::kSonosAnnouncement, testdata::kIpadAnnouncement,
                                       testdata::kMdnsProbe,         testdata::kMdnsForeignAnswer,
                                       testdata::kLlmnrResponse,     testdata::kIodineQuery};
  for (const Bytes full : messages) {
    ASSERT_FALSE(walk(full).error);
    for (std::size_t length = 0; length < full.size(); ++length) {
      const Walk result = walk(full.first(length));
      ASSERT_TRUE(result.error) << "length " << length;
      EXPECT_EQ(result.error->code, ParseErrorCode::Incomplete) << "length " << length;
      EXPECT_EQ(error_name(result), "dns.truncated") << "length " << length;
    }
  }
}

TEST(DnsMessage, StopsAfterMaxRecordsPerSection) {
  std::vector<std::uint8_t> message = {0, 0, 0x01, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0};
  for (std::size_t question_idx = 0; question_idx <= kMaxRecords; ++question_idx) {
    message.insert(message.end(), {0, 0, 1, 0, 1});
  }
  const Walk result = walk(message);
  EXPECT_EQ(result.records.size(), kMaxRecords);
  EXPECT_EQ(error_name(result), "dns.too_many_records");
  EXPECT_EQ(result.error->code, ParseErrorCode::LimitExceeded);
}

TEST(DnsMessage, ErrorIsSticky) {
  auto reader = MessageReader::open(testdata::kZlipSelfPointer);
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader->next());
  const auto again = reader->next();
  ASSERT_FALSE(again);
  EXPECT_STREQ(again.error().name, "dns.pointer_loop");
}

TEST(DnsRdata, EmptyRdataStaysUndecoded) {
  const Bytes message(testdata::kInverseQuery);
  const Walk result = walk(message);
  ASSERT_FALSE(result.error) << error_name(result);
  ASSERT_EQ(result.records.size(), 1U);
  EXPECT_EQ(result.records[0].type, RrType::A);
  EXPECT_EQ(name(message, result.records[0].name), "216.58.202.4");
  EXPECT_TRUE(result.records[0].rdata.empty());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(result.records[0].data));
}

TEST(DnsRdata, RejectsWrongAddressLength) {
  const std::vector<std::uint8_t> message = {0, 0, 0x84, 0, 0, 0, 0, 1,  0, 0, 0,  0, 0,
                                             0, 1, 0,    1, 0, 0, 0, 10, 0, 3, 10, 0, 0};
  EXPECT_EQ(error_name(walk(message)), "dns.bad_rdata");
}

TEST(DnsRdata, RejectsNameRunningPastRdata) {
  // PTR whose rdata length (2) cuts its target name "ab" short.
  const std::vector<std::uint8_t> message = {0,  0, 0x84, 0, 0, 0, 0,  1, 0, 0, 0,   0,   0, 0,
                                             12, 0, 1,    0, 0, 0, 10, 0, 2, 2, 'a', 'b', 0};
  EXPECT_EQ(error_name(walk(message)), "dns.bad_rdata");
}

TEST(DnsRdata, RejectsTxtStringPastRdata) {
  const std::vector<std::uint8_t> message = {0, 0,  0x84, 0, 0, 0, 0, 1,  0, 0, 0, 0,   0,
                                             0, 16, 0,    1, 0, 0, 0, 10, 0, 3, 5, 'a', 'b'};
  EXPECT_EQ(error_name(walk(message)), "dns.bad_rdata");
}

TEST(DnsRdata, TxtReaderStopsAtMaxStrings) {
  const std::vector<std::uint8_t> rdata(kMaxTxtStrings + 10, 0);  // that many empty strings
  TxtReader strings(Txt{rdata});
  std::size_t count = 0;
  while (strings.next()) {
    ++count;
  }
  EXPECT_EQ(count, kMaxTxtStrings);
}

TEST(DnsTcp, SplitsLengthPrefixedMessages) {
  const Bytes stream(testdata::kDnsTcpStream);
  const auto first = tcp_message(stream);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 56U);
  const auto second = tcp_message(stream.subspan(2 + first->size()));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->size(), 224U);
  EXPECT_FALSE(walk(*second).error);
  const auto partial = tcp_message(stream.first(57));
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, ParseErrorCode::Incomplete);
}

}  // namespace
}  // namespace warden::proto::dns
