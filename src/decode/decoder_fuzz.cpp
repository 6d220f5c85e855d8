// SPDX-License-Identifier: Apache-2.0
// Fuzzes the frame decoder. The first input byte picks the link type.
#include <array>
#include <cstdint>

#include "decode/decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<int, 6> kLinkTypes = {1, 12, 113, 276, 228, 229};
  if (size == 0) {
    return 0;
  }
  const warden::Bytes input(data, size);
  warden::capture::RawPacket raw;
  raw.data = input.subspan(1);
  raw.wire_length = static_cast<std::uint32_t>(raw.data.size());
  warden::decode::Packet packet;
  warden::decode::DecodeStats stats;
  (void)warden::decode::decode(kLinkTypes[input[0] % kLinkTypes.size()], raw, packet, stats);
  (void)warden::decode::flow_hash(packet);
  return 0;
}
