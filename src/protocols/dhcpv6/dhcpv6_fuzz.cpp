// SPDX-License-Identifier: Apache-2.0
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocols/dhcpv6/dhcpv6_analyzer.hpp"
#include "protocols/dhcpv6/dhcpv6_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const warden::Bytes payload(data, size);
  // The analyzer renders options only for client messages; render them for every message here.
  if (const auto msg = warden::proto::dhcpv6::parse_message(payload); msg && msg->vendor_class) {
    (void)warden::proto::dhcpv6::render_vendor_class(*msg->vendor_class);
  }
  warden::decode::Packet packet;
  packet.ip_proto = warden::decode::IpProto::Udp;
  packet.src_port = warden::proto::dhcpv6::kServerPort;
  packet.dst_port = warden::proto::dhcpv6::kClientPort;
  packet.payload = payload;
  warden::fuzz::TouchingSink sink;
  warden::proto::dhcpv6::analyze_dhcpv6(packet, sink);
  return 0;
}
