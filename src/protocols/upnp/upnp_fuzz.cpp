// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the UPnP device description scanner.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/upnp/upnp_parser.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)warden::proto::upnp::parse_description(warden::as_chars({data, size}));
  return 0;
}
