// SPDX-License-Identifier: Apache-2.0
#include "flow/flow_table.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace warden::flow {
namespace {

decode::Packet tcp_packet(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                          std::uint16_t dport, std::uint8_t flags, std::int64_t ts_us) {
  decode::Packet packet;
  packet.ts_us = ts_us;
  packet.wire_length = 60;
  packet.src_ip = IpAddress::v4_from_u32(src);
  packet.dst_ip = IpAddress::v4_from_u32(dst);
  packet.src_port = sport;
  packet.dst_port = dport;
  packet.ip_proto = decode::IpProto::Tcp;
  packet.ip_proto_raw = 6;
  packet.tcp_flags = flags;
  return packet;
}

TEST(FlowTable, BothDirectionsShareOneFlow) {
  FlowTable table(FlowConfig{});
  bool a_to_b = false;
  bool is_new = false;
  Flow& syn = table.track(tcp_packet(0x0A000002, 40000, 0x0A000001, 80, decode::tcp_flag::kSyn, 1),
                          a_to_b, is_new);
  EXPECT_TRUE(is_new);
  EXPECT_EQ(syn.side_of(a_to_b), 0);
  Flow& reply = table.track(tcp_packet(0x0A000001, 80, 0x0A000002, 40000,
                                       decode::tcp_flag::kSyn | decode::tcp_flag::kAck, 2),
                            a_to_b, is_new);
  EXPECT_FALSE(is_new);
  EXPECT_EQ(&syn, &reply);
  EXPECT_EQ(reply.side_of(a_to_b), 1);
  EXPECT_EQ(reply.packets[0], 1U);
  EXPECT_EQ(reply.packets[1], 1U);
  EXPECT_EQ(table.active(), 1U);
}

TEST(FlowTable, ReleaseEndsEveryFlowAndLeavesAWorkingTable) {
  int flushed = 0;
  FlowTable table(FlowConfig{}, [&](Flow&, EvictReason reason) {
    EXPECT_EQ(reason, EvictReason::Flush);
    ++flushed;
  });
  bool a_to_b = false;
  bool is_new = false;
  for (std::uint16_t port = 1; port <= 100; ++port) {
    table.track(tcp_packet(0x0A000002, port, 0x0A000001, 80, decode::tcp_flag::kSyn, port), a_to_b,
                is_new);
  }
  table.release();
  EXPECT_EQ(flushed, 100);
  EXPECT_EQ(table.active(), 0U);
  // As a new table: flows are tracked again, both directions in one.
  Flow& syn = table.track(tcp_packet(0x0A000002, 40000, 0x0A000001, 80, decode::tcp_flag::kSyn, 1),
                          a_to_b, is_new);
  EXPECT_TRUE(is_new);
  Flow& reply = table.track(tcp_packet(0x0A000001, 80, 0x0A000002, 40000,
                                       decode::tcp_flag::kSyn | decode::tcp_flag::kAck, 2),
                            a_to_b, is_new);
  EXPECT_FALSE(is_new);
  EXPECT_EQ(&syn, &reply);
  EXPECT_EQ(table.active(), 1U);
}

TEST(FlowTable, MissedSynReplyStillFindsTheInitiator) {
  FlowTable table(FlowConfig{});
  bool a_to_b = false;
  bool is_new = false;
  Flow& flow = table.track(
      tcp_packet(0x0A000001, 443, 0x0A000002, 51000, decode::tcp_flag::kAck, 1), a_to_b, is_new);
  EXPECT_EQ(flow.side_of(a_to_b), 1);  // sent by the responder
}

TEST(FlowTable, EvictsIdleFlowsByCaptureTime) {
  FlowConfig config;
  config.udp_timeout_us = 1'000'000;
  int evicted = 0;
  FlowTable table(config, [&](Flow&, EvictReason reason) {
    EXPECT_EQ(reason, EvictReason::IdleTimeout);
    ++evicted;
  });
  bool a_to_b = false;
  bool is_new = false;
  auto udp = tcp_packet(0x0A000002, 5353, 0x0A000001, 53, 0, 0);
  udp.ip_proto = decode::IpProto::Udp;
  udp.ip_proto_raw = 17;
  table.track(udp, a_to_b, is_new);
  udp.src_port = 5354;
  udp.ts_us = 5'000'000;
  table.track(udp, a_to_b, is_new);
  EXPECT_EQ(evicted, 1);
  EXPECT_EQ(table.active(), 1U);
  EXPECT_EQ(table.stats().evicted_idle, 1U);
}

TEST(FlowTable, AFlowIdlePastItsTimeoutEndsEvenBeforeTheSweepReachesIt) {
  FlowConfig config;
  config.udp_timeout_us = 1'000'000;
  std::vector<int> ended;  // the flows evicted, in order: the sum of their ports
  FlowTable table(config, [&](Flow& flow, EvictReason reason) {
    EXPECT_EQ(reason, EvictReason::IdleTimeout);
    ended.push_back(flow.key.port_a + flow.key.port_b);
  });
  bool a_to_b = false;
  bool is_new = false;
  auto udp = tcp_packet(0x0A000002, 0, 0x0A000001, 123, 0, 0);
  udp.ip_proto = decode::IpProto::Udp;
  udp.ip_proto_raw = 17;
  // Many flows, then the one that comes back: the sweep ends a few stale flows per packet, far
  // fewer than are ahead of it.
  for (std::uint16_t port = 2000; port < 2200; ++port) {
    udp.src_port = port;
    table.track(udp, a_to_b, is_new);
  }
  udp.src_port = 123;
  udp.ts_us = 10;
  Flow& first = table.track(udp, a_to_b, is_new);
  EXPECT_TRUE(is_new);
  first.app = 7;
  udp.ts_us = 5'000'000;  // long after the timeout
  Flow& again = table.track(udp, a_to_b, is_new);
  EXPECT_TRUE(is_new);  // a new flow, not the old one continued
  EXPECT_EQ(again.app, 0);
  EXPECT_EQ(again.first_ts_us, 5'000'000);
  EXPECT_EQ(again.packets[0] + again.packets[1], 1U);
  ASSERT_FALSE(ended.empty());
  EXPECT_EQ(ended.back(), 123 + 123);  // the old one ended as idle
  EXPECT_LT(ended.size(), 200U);       // while most of the others still wait for the sweep
}

TEST(FlowTable, StaysWithinCapacityUnderAFloodAndCountsEvictions) {
  FlowConfig config;
  config.max_flows = 1024;
  FlowTable table(config);
  bool a_to_b = false;
  bool is_new = false;
  for (std::uint32_t flow_idx = 0; flow_idx < 100'000; ++flow_idx) {
    table.track(tcp_packet(0x0A000000 + flow_idx, static_cast<std::uint16_t>(flow_idx), 0x0A0000FE,
                           23, decode::tcp_flag::kSyn, flow_idx),
                a_to_b, is_new);
    ASSERT_LE(table.active(), 1024U);
  }
  EXPECT_EQ(table.stats().created, 100'000U);
  EXPECT_EQ(table.stats().evicted_capacity, 100'000U - 1024U);
  // Every surviving flow is still findable after all the backward-shift deletions.
  for (std::uint32_t flow_idx = 100'000 - 1024; flow_idx < 100'000; ++flow_idx) {
    table.track(tcp_packet(0x0A000000 + flow_idx, static_cast<std::uint16_t>(flow_idx), 0x0A0000FE,
                           23, decode::tcp_flag::kAck, 200'000),
                a_to_b, is_new);
    ASSERT_FALSE(is_new) << flow_idx;
  }
}

TEST(FlowTable, CapacityEvictsTheLeastRecentlyActiveFlow) {
  FlowConfig config;
  config.max_flows = 2;
  std::vector<std::uint16_t> evicted_ports;
  FlowTable table(config, [&](Flow& flow, EvictReason) {
    evicted_ports.push_back(flow.initiator_is_a ? flow.key.port_a : flow.key.port_b);
  });
  bool a_to_b = false;
  bool is_new = false;
  table.track(tcp_packet(0x0A000002, 1001, 0x0A000001, 80, decode::tcp_flag::kSyn, 1), a_to_b,
              is_new);
  table.track(tcp_packet(0x0A000002, 1002, 0x0A000001, 80, decode::tcp_flag::kSyn, 2), a_to_b,
              is_new);
  // The first flow is active again; the second has been quiet since its SYN.
  table.track(tcp_packet(0x0A000002, 1001, 0x0A000001, 80, decode::tcp_flag::kAck, 3), a_to_b,
              is_new);
  table.track(tcp_packet(0x0A000002, 1003, 0x0A000001, 80, decode::tcp_flag::kSyn, 4), a_to_b,
              is_new);
  ASSERT_EQ(evicted_ports.size(), 1U);
  EXPECT_EQ(evicted_ports[0], 1002);
  table.track(tcp_packet(0x0A000002, 1001, 0x0A000001, 80, decode::tcp_flag::kAck, 5), a_to_b,
              is_new);
  EXPECT_FALSE(is_new);
}

TEST(FlowTable, TheIndexGrowsWithTheFlowsAndFindsThemAll) {
  FlowTable table(FlowConfig{});
  bool a_to_b = false;
  bool is_new = false;
  constexpr std::uint32_t kFlows = 100'000;  // several doublings of the index
  for (std::uint32_t flow_idx = 0; flow_idx < kFlows; ++flow_idx) {
    table.track(tcp_packet(0x0A000000 + flow_idx, 1000, 0x0A0000FE, 80, decode::tcp_flag::kSyn, 1),
                a_to_b, is_new);
    ASSERT_TRUE(is_new);
  }
  EXPECT_EQ(table.active(), kFlows);
  for (std::uint32_t flow_idx = 0; flow_idx < kFlows; ++flow_idx) {
    table.track(tcp_packet(0x0A000000 + flow_idx, 1000, 0x0A0000FE, 80, decode::tcp_flag::kAck, 2),
                a_to_b, is_new);
    ASSERT_FALSE(is_new) << flow_idx;
  }
}

TEST(FlowTable, FlushEndsEveryFlow) {
  int ended = 0;
  FlowTable table(FlowConfig{}, [&](Flow&, EvictReason reason) {
    EXPECT_EQ(reason, EvictReason::Flush);
    ++ended;
  });
  bool a_to_b = false;
  bool is_new = false;
  for (std::uint16_t port = 1; port <= 10; ++port) {
    table.track(tcp_packet(0x0A000002, port, 0x0A000001, 80, decode::tcp_flag::kSyn, port), a_to_b,
                is_new);
  }
  table.flush();
  EXPECT_EQ(ended, 10);
  EXPECT_EQ(table.active(), 0U);
}

}  // namespace
}  // namespace warden::flow
