// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::tcpfp {

/// Room for the longest fingerprint: "255:65535:65535:" + 20 option letters and commas + ":14".
using Buffer = std::array<char, 96>;

/// The initial TTL a sender most likely used: the observed TTL rounded up to 32, 64, 128 or 255
/// (the defaults of common stacks), so hops on the way do not change the fingerprint.
std::uint8_t initial_ttl(std::uint8_t observed);

/// A passive fingerprint of a SYN or SYN-ACK, in the spirit of p0f: "ttl:window:mss:options:ws",
/// e.g. "64:64240:1460:M,S,T,N,W:7" for Linux. Options are letters in wire order: M (MSS),
/// N (NOP), W (window scale), S (SACK permitted), T (timestamps), E (end of list), K (SACK), and
/// ?<kind> for others; mss and ws are empty when absent. The walk stops at end-of-list and is
/// bounded by the 40 bytes options can occupy.
/// Errors: Malformed "tcp.bad_option_length" (an option running past the end or of length < 2).
[[nodiscard]] Result<std::string_view> fingerprint(std::uint8_t ttl, std::uint16_t window,
                                                   Bytes options, Buffer& buffer);

}  // namespace warden::proto::tcpfp
