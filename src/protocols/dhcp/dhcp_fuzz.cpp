// SPDX-License-Identifier: Apache-2.0
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocols/dhcp/dhcp_analyzer.hpp"
#include "protocols/dhcp/dhcp_parser.hpp"

namespace {
class NullSink : public warden::proto::ObservationSink {
 public:
  void observe(const warden::proto::Observation& /*observation*/) override {}
  void anomaly(std::string_view /*name*/) override {}
};
}  // namespace

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
  NullSink sink;
  warden::proto::dhcp::analyze_dhcp(packet, sink);
  return 0;
}
