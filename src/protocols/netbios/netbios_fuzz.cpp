// SPDX-License-Identifier: Apache-2.0
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocols/netbios/netbios_analyzer.hpp"
#include "protocols/netbios/netbios_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const warden::Bytes payload(data, size);
  // The analyzer reads record data only for some messages; read it for every record here.
  if (const auto msg = warden::proto::netbios::parse_message(payload)) {
    for (std::size_t record_idx = 0; record_idx < msg->record_count; ++record_idx) {
      (void)warden::proto::netbios::parse_nb_entries(msg->records[record_idx].rdata);
      (void)warden::proto::netbios::parse_node_status(msg->records[record_idx].rdata);
    }
  }
  warden::decode::Packet packet;
  packet.ip_proto = warden::decode::IpProto::Udp;
  packet.src_ip = warden::IpAddress::v4_from_u32(0x0a000002);
  packet.src_port = warden::proto::netbios::kNameServicePort;
  packet.dst_port = warden::proto::netbios::kNameServicePort;
  packet.payload = payload;
  warden::fuzz::TouchingSink sink;
  warden::proto::netbios::analyze_netbios(packet, sink);
  return 0;
}
