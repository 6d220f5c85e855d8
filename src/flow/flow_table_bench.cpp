// SPDX-License-Identifier: Apache-2.0
#include <benchmark/benchmark.h>

#include "flow/flow_table.hpp"

namespace {
void BM_FlowTableTrack(benchmark::State& state) {
  warden::flow::FlowTable table(warden::flow::FlowConfig{});
  const auto flows = static_cast<std::uint32_t>(state.range(0));
  warden::decode::Packet packet;
  packet.ip_proto = warden::decode::IpProto::Udp;
  packet.ip_proto_raw = 17;
  packet.dst_ip = warden::IpAddress::v4_from_u32(0x0A000001);
  packet.dst_port = 53;
  packet.wire_length = 100;
  std::uint32_t next = 0;
  bool a_to_b = false;
  bool is_new = false;
  for (auto _ : state) {
    packet.src_ip = warden::IpAddress::v4_from_u32(0x0A010000 + next % flows);
    packet.src_port = static_cast<std::uint16_t>(1024 + next % flows);
    ++packet.ts_us;
    benchmark::DoNotOptimize(&table.track(packet, a_to_b, is_new));
    ++next;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FlowTableTrack)->Arg(1000)->Arg(100000);
}  // namespace
