// SPDX-License-Identifier: Apache-2.0
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocols/dhcp/dhcp_analyzer.hpp"
#include "protocols/dhcp/dhcp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const warden::Bytes payload(data, size);
  if (const auto msg = warden::proto::dhcp::parse_message(payload); msg && msg->client_fqdn) {
    (void)warden::proto::dhcp::fqdn_text(*msg->client_fqdn);
  }
  warden::decode::Packet packet;
  packet.ip_proto = warden::decode::IpProto::Udp;
  packet.src_port = warden::proto::dhcp::kServerPort;
  packet.dst_port = warden::proto::dhcp::kClientPort;
  packet.payload = payload;
  warden::fuzz::TouchingSink sink;
  warden::proto::dhcp::analyze_dhcp(packet, sink);
  return 0;
}
