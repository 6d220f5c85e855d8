// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace warden::testutil {

/// Decodes lower-case hex (as `tshark -T fields -e tcp.payload` prints it); test data only.
inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  const auto nibble = [](char c) {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  for (std::size_t idx = 0; idx + 1 < hex.size(); idx += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[idx]) << 4 | nibble(hex[idx + 1])));
  }
  return out;
}

}  // namespace warden::testutil
