// SPDX-License-Identifier: Apache-2.0
// Fuzzes the frame decoder. The first input byte picks the link type. Also checks that the
// shared reader's hash (frame_pair_hash, which reads Ethernet/IPv4/IPv6 headers itself) is
// decode()'s pair_hash, and finds IP exactly where decode() does: it picks a packet's worker, and
// a frame without IP goes by its sender's MAC instead.
#include <array>
#include <cstdint>
#include <cstdlib>

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
  const int link_type = kLinkTypes[input[0] % kLinkTypes.size()];
  (void)warden::decode::decode(link_type, raw, packet, stats);
  warden::decode::Packet scratch;
  warden::decode::DecodeStats scratch_stats;
  const std::uint64_t pair =
      warden::decode::frame_pair_hash(link_type, raw, scratch, scratch_stats);
  if (pair != warden::decode::pair_hash(packet)) {
    std::abort();
  }
  return 0;
}
