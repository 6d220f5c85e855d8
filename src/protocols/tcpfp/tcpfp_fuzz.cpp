// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the TCP option walk of the passive fingerprint.
#include <cstddef>
#include <cstdint>

#include "protocols/tcpfp/tcpfp.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) {
    return 0;
  }
  warden::proto::tcpfp::Buffer buffer;
  const auto window = static_cast<std::uint16_t>((data[1] << 8) | data[2]);
  (void)warden::proto::tcpfp::fingerprint(data[0], window, warden::Bytes(data + 3, size - 3),
                                          buffer);
  return 0;
}
