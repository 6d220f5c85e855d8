// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the Ubiquiti discovery parser and analyzer on one datagram.
#include <cstddef>
#include <cstdint>

#include "protocols/ubnt/ubnt_analyzer.hpp"
#include "protocols/ubnt/ubnt_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::decode::Packet packet;
  packet.payload = warden::Bytes(data, size);
  (void)warden::proto::ubnt::parse_announcement(packet.payload);
  warden::fuzz::TouchingSink sink;
  warden::proto::ubnt::analyze_ubnt(packet, sink);
  return 0;
}
