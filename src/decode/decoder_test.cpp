// SPDX-License-Identifier: Apache-2.0
#include "decode/decoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace warden::decode {
namespace {

capture::RawPacket raw_of(const std::vector<std::uint8_t>& bytes) {
  capture::RawPacket raw;
  raw.ts_us = 1'700'000'000'000'000;
  raw.wire_length = static_cast<std::uint32_t>(bytes.size());
  raw.data = bytes;
  return raw;
}

// tcpdump/802.1ad_QinQ.pcap frame 1: 802.1ad S-tag 200, 802.1Q C-tag 2001, ARP request
// who-has 172.21.79.100 tell 172.21.79.97 from 00:20:d2:5a:fb:3f.
const std::vector<std::uint8_t> kQinQArp = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, 0x88, 0xa8, 0x00, 0xc8,
    0x81, 0x00, 0x07, 0xd1, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x20,
    0xd2, 0x5a, 0xfb, 0x3f, 0xac, 0x15, 0x4f, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xac, 0x15,
    0x4f, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

// tcpdump/tcp-handshake-nano.pcap frame 1 (Linux cooked v1): TCP SYN
// 131.155.215.69:46656 -> 137.116.81.94:80, MSS 1360, SACK, timestamps, window scale.
const std::vector<std::uint8_t> kSllSyn = {
    0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x3c, 0x29, 0xa9, 0x40, 0x00, 0x40, 0x06, 0xdb, 0x5f, 0x83, 0x9b, 0xd7, 0x45,
    0x89, 0x74, 0x51, 0x5e, 0xb6, 0x40, 0x00, 0x50, 0x2f, 0x84, 0x2a, 0xcb, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0x6a, 0x40, 0x50, 0xc4, 0x00, 0x00, 0x02, 0x04, 0x05, 0x50, 0x04, 0x02, 0x08, 0x0a,
    0x43, 0x6a, 0x03, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

TEST(Decoder, WalksQinQToArp) {
  Packet packet;
  DecodeStats stats;
  ASSERT_EQ(decode(1, raw_of(kQinQArp), packet, stats), DecodeStatus::Ok);
  EXPECT_TRUE(packet.has_l2);
  EXPECT_EQ(packet.src_mac.to_string(), "00:20:d2:5a:fb:3f");
  EXPECT_EQ(packet.vlan, 200);
  EXPECT_EQ(packet.inner_vlan, 2001);
  EXPECT_EQ(packet.ether_type, 0x0806);
  EXPECT_EQ(packet.l2_payload.size(), 42U);  // 64-byte frame minus 22 bytes of headers
  EXPECT_EQ(stats.arp, 1U);
  EXPECT_FALSE(packet.has_ip());
}

TEST(Decoder, ReadsLinuxCookedTcp) {
  Packet packet;
  DecodeStats stats;
  ASSERT_EQ(decode(113, raw_of(kSllSyn), packet, stats), DecodeStatus::Ok);
  EXPECT_EQ(packet.src_ip.to_string(), "131.155.215.69");
  EXPECT_EQ(packet.dst_ip.to_string(), "137.116.81.94");
  EXPECT_EQ(packet.src_port, 46656);
  EXPECT_EQ(packet.dst_port, 80);
  EXPECT_EQ(packet.tcp_flags, tcp_flag::kSyn);
  EXPECT_EQ(packet.tcp_seq, 0x2f842acbU);
  EXPECT_EQ(packet.tcp_options.size(), 20U);
  EXPECT_TRUE(packet.payload.empty());
  EXPECT_EQ(packet.ttl, 64);
}

TEST(Decoder, ReadsRawIpv4FromTheSameBytes) {
  const std::vector<std::uint8_t> raw_ip(kSllSyn.begin() + 16, kSllSyn.end());
  Packet packet;
  DecodeStats stats;
  ASSERT_EQ(decode(12, raw_of(raw_ip), packet, stats), DecodeStatus::Ok);
  EXPECT_FALSE(packet.has_l2);
  EXPECT_EQ(packet.dst_port, 80);
  ASSERT_EQ(decode(228, raw_of(raw_ip), packet, stats), DecodeStatus::Ok);
  EXPECT_EQ(packet.src_port, 46656);
}

TEST(Decoder, ReadsLinuxCookedV2) {
  // The SYN above re-wrapped in an SLL2 header: protocol 0x0800, ifindex 2, ARPHRD_ETHER,
  // outgoing, source MAC 02:42:ac:11:00:02.
  std::vector<std::uint8_t> frame = {0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
                                     0x04, 0x06, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x00, 0x00};
  frame.insert(frame.end(), kSllSyn.begin() + 16, kSllSyn.end());
  Packet packet;
  DecodeStats stats;
  ASSERT_EQ(decode(276, raw_of(frame), packet, stats), DecodeStatus::Ok);
  EXPECT_TRUE(packet.has_l2);
  EXPECT_EQ(packet.src_mac.to_string(), "02:42:ac:11:00:02");
  EXPECT_EQ(packet.dst_port, 80);
}

TEST(Decoder, SurvivesEveryTruncation) {
  for (const auto* frame : {&kQinQArp, &kSllSyn}) {
    for (std::size_t length = 0; length < frame->size(); ++length) {
      const std::vector<std::uint8_t> cut(frame->begin(),
                                          frame->begin() + static_cast<std::ptrdiff_t>(length));
      Packet packet;
      DecodeStats stats;
      (void)decode(frame == &kQinQArp ? 1 : 113, raw_of(cut), packet, stats);
      EXPECT_LE(packet.payload.size(), cut.size());
    }
  }
}

TEST(Decoder, CountsIpv4FragmentsWithoutTransport) {
  std::vector<std::uint8_t> frame(kSllSyn.begin() + 16, kSllSyn.end());
  frame[6] = 0x20;  // more fragments
  Packet packet;
  DecodeStats stats;
  ASSERT_EQ(decode(12, raw_of(frame), packet, stats), DecodeStatus::Ok);
  EXPECT_TRUE(packet.is_fragment);
  EXPECT_EQ(packet.dst_port, 0);
  EXPECT_EQ(stats.fragments, 1U);
}

TEST(Decoder, BoundsIpv6ExtensionHeaderChains) {
  // IPv6 with 20 destination-options headers (8 bytes each) before UDP.
  std::vector<std::uint8_t> frame = {0x60, 0, 0, 0, 0, 0, 60, 64};
  for (int byte_idx = 0; byte_idx < 32; ++byte_idx) {
    frame.push_back(byte_idx == 15 || byte_idx == 31 ? 1 : 0);
  }
  const std::size_t headers = 20;
  frame[4] = 0;
  frame[5] = static_cast<std::uint8_t>(headers * 8 + 8);
  for (std::size_t header_idx = 0; header_idx < headers; ++header_idx) {
    const std::uint8_t next = header_idx + 1 == headers ? 17 : 60;
    frame.insert(frame.end(), {next, 0, 1, 4, 0, 0, 0, 0});
  }
  frame.insert(frame.end(), {0x00, 0x35, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00});
  Packet packet;
  DecodeStats stats;
  EXPECT_EQ(decode(229, raw_of(frame), packet, stats), DecodeStatus::Malformed);
  EXPECT_EQ(stats.ipv6_ext_limit, 1U);
}

TEST(Decoder, RejectsUnknownLinkTypes) {
  Packet packet;
  DecodeStats stats;
  EXPECT_EQ(decode(147, raw_of(kSllSyn), packet, stats), DecodeStatus::Unsupported);
  EXPECT_FALSE(is_supported_link_type(147));
  EXPECT_TRUE(is_supported_link_type(276));
}

TEST(PairHash, FramePairHashMatchesAFullDecode) {
  // The SYN as Ethernet, untagged and 802.1Q-tagged; cut inside its TCP header (the addresses are
  // whole: a pair); cut inside its IPv4 header (no IP for decode(), so no pair either).
  std::vector<std::uint8_t> ethernet = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00,
                                        0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00};
  ethernet.insert(ethernet.end(), kSllSyn.begin() + 16, kSllSyn.end());
  std::vector<std::uint8_t> tagged(ethernet.begin(), ethernet.begin() + 12);
  tagged.insert(tagged.end(), {0x81, 0x00, 0x00, 0x2a});
  tagged.insert(tagged.end(), ethernet.begin() + 12, ethernet.end());
  const std::vector<std::uint8_t> cut(ethernet.begin(), ethernet.begin() + 40);
  const std::vector<std::uint8_t> cut_short(ethernet.begin(), ethernet.begin() + 30);
  const std::array<const std::vector<std::uint8_t>*, 4> frames = {&ethernet, &tagged, &cut,
                                                                  &cut_short};
  for (const std::vector<std::uint8_t>* frame : frames) {
    Packet packet;
    DecodeStats stats;
    (void)decode(1, raw_of(*frame), packet, stats);
    Packet scratch;
    EXPECT_EQ(frame_pair_hash(1, raw_of(*frame), scratch, stats), pair_hash(packet));
    EXPECT_EQ(pair_hash(packet) != 0, frame != &cut_short);
  }
}

/// `packet` seen the other way: source and destination swapped.
Packet reversed(const Packet& packet) {
  Packet backward = packet;
  std::swap(backward.src_ip, backward.dst_ip);
  std::swap(backward.src_port, backward.dst_port);
  return backward;
}

TEST(FlowHash, IsSymmetric) {
  Packet forward;
  DecodeStats stats;
  ASSERT_EQ(decode(113, raw_of(kSllSyn), forward, stats), DecodeStatus::Ok);
  EXPECT_EQ(flow_hash(forward), flow_hash(reversed(forward)));
  EXPECT_NE(flow_hash(forward), 0U);
}

TEST(PairHash, IsTheSameForEveryFlowBetweenTwoHosts) {
  Packet forward;
  DecodeStats stats;
  ASSERT_EQ(decode(113, raw_of(kSllSyn), forward, stats), DecodeStatus::Ok);
  EXPECT_EQ(pair_hash(forward), pair_hash(reversed(forward)));
  EXPECT_NE(pair_hash(forward), 0U);
  // Another connection between the same two hosts: another flow, the same pair.
  Packet other_flow = forward;
  other_flow.src_port = static_cast<std::uint16_t>(forward.src_port + 1);
  other_flow.dst_port = 443;
  other_flow.ip_proto_raw = 17;
  EXPECT_NE(flow_hash(other_flow), flow_hash(forward));
  EXPECT_EQ(pair_hash(other_flow), pair_hash(forward));
  // Another host, or the same two on another VLAN: another pair.
  Packet other_host = forward;
  other_host.dst_ip = IpAddress::v4_from_u32(0x0A090807U);
  EXPECT_NE(pair_hash(other_host), pair_hash(forward));
  Packet other_vlan = forward;
  other_vlan.vlan = 42;
  EXPECT_NE(pair_hash(other_vlan), pair_hash(forward));
  // Without IP there is no pair.
  EXPECT_EQ(pair_hash(Packet{}), 0U);
}

}  // namespace
}  // namespace warden::decode
