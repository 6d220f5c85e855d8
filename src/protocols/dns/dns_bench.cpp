// SPDX-License-Identifier: Apache-2.0
// Per-packet cost of mDNS: walking a real announcement, and the whole analyzer on it.
#include <benchmark/benchmark.h>

#include "protocols/dns/dns_analyzer.hpp"
#include "protocols/dns/dns_parser.hpp"
#include "protocols/dns/dns_test_vectors.hpp"
#include "testutil/null_sink.hpp"

namespace warden::proto::dns {
namespace {

/// Sonos announcement (ndpi/telegram.pcap frame 4): PTR, TXT, SRV and A.
constexpr Bytes kMessage(testdata::kSonosAnnouncement);

void parse_mdns_response(benchmark::State& state) {
  for ([[maybe_unused]] auto iteration : state) {
    auto reader = MessageReader::open(kMessage);
    std::size_t records = 0;
    for_each_record(*reader, [&](const Record& record) {
      benchmark::DoNotOptimize(record.data);
      ++records;
    });
    benchmark::DoNotOptimize(records);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kMessage.size()));
}
BENCHMARK(parse_mdns_response);

void analyze_mdns_response(benchmark::State& state) {
  decode::Packet packet;
  packet.src_ip = IpAddress::v4_from_u32(0xC0A80145);  // 192.168.1.69, the announcer
  packet.src_port = 5353;
  packet.dst_port = 5353;
  packet.payload = kMessage;
  testutil::NullSink sink;
  for ([[maybe_unused]] auto iteration : state) {
    analyze_mdns(packet, sink);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kMessage.size()));
}
BENCHMARK(analyze_mdns_response);

}  // namespace
}  // namespace warden::proto::dns
