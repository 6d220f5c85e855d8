// SPDX-License-Identifier: Apache-2.0
// Runs one input through the DNS parser and every DNS-family analyzer (UDP 53, mDNS, LLMNR and
// DNS over TCP in both directions).
#include <cstddef>
#include <cstdint>

#include "protocols/dns/dns_analyzer.hpp"
#include "protocols/dns/dns_parser.hpp"
#include "stream_fuzz.hpp"

namespace warden::proto::dns {
namespace {

void walk_message(Bytes message) {
  auto reader = MessageReader::open(message);
  if (!reader) {
    return;
  }
  NameBuffer buffer;
  for_each_record(*reader, [&](const Record& record) {
    (void)decode_name(message, record.name, buffer);
    if (const auto* txt = std::get_if<Txt>(&record.data)) {
      TxtReader strings(*txt);
      while (strings.next()) {
      }
    }
  });
}

void run(Bytes payload) {
  walk_message(payload);

  fuzz::TouchingSink sink;
  decode::Packet packet;
  packet.src_ip = IpAddress::v4_from_u32(0xC0A80145);  // 192.168.1.69
  packet.dst_ip = IpAddress::v4_from_u32(0xE00000FB);  // 224.0.0.251
  packet.ip_proto = decode::IpProto::Udp;
  packet.payload = payload;
  packet.src_port = 53;
  analyze_dns(packet, sink);
  packet.src_port = 5353;
  analyze_mdns(packet, sink);
  packet.src_port = 5355;
  analyze_llmnr(packet, sink);

  for (const Direction dir : {Direction::ToServer, Direction::ToClient}) {
    DnsTcpAnalyzer tcp;
    (void)tcp.on_data(dir, payload, sink);
  }
}

}  // namespace
}  // namespace warden::proto::dns

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::proto::dns::run(warden::Bytes(data, size));
  return 0;
}
