// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the SSDP parser and analyzer on one datagram.
#include <cstddef>
#include <cstdint>

#include "protocols/ssdp/ssdp_analyzer.hpp"
#include "protocols/ssdp/ssdp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::decode::Packet packet;
  packet.payload = warden::Bytes(data, size);
  (void)warden::proto::ssdp::parse_message(packet.payload);
  warden::fuzz::TouchingSink sink;
  warden::proto::ssdp::analyze_ssdp(packet, sink);
  return 0;
}
