// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the LLDP parser and analyzer: the input is the layer-2 payload of one frame.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/packet.hpp"
#include "protocols/lldp/lldp_analyzer.hpp"
#include "protocols/lldp/lldp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::decode::Packet packet;
  packet.has_l2 = true;
  packet.l2_payload = warden::Bytes(data, size);
  (void)warden::proto::lldp::parse_lldpdu(packet.l2_payload);
  warden::fuzz::TouchingSink sink;
  warden::proto::lldp::analyze_lldp(packet, sink);
  return 0;
}
