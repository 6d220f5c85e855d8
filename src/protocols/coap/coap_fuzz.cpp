// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the CoAP parser and analyzer on one datagram.
#include <cstddef>
#include <cstdint>

#include "protocols/coap/coap_analyzer.hpp"
#include "protocols/coap/coap_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::decode::Packet packet;
  packet.payload = warden::Bytes(data, size);
  (void)warden::proto::coap::parse_message(packet.payload);
  warden::fuzz::TouchingSink sink;
  warden::proto::coap::analyze_coap(packet, sink);
  return 0;
}
