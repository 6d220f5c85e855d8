// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/hash.hpp"

namespace warden {

/// An IEEE 802 MAC-48 address.
struct MacAddress {
  std::array<std::uint8_t, 6> octets{};

  static MacAddress from_bytes(Bytes bytes);  ///< requires bytes.size() >= 6, else all-zero
  static std::optional<MacAddress> parse(std::string_view text);  ///< "aa:bb:cc:dd:ee:ff" or '-'

  [[nodiscard]] std::string to_string() const;  ///< lower-case, colon-separated
  [[nodiscard]] bool is_zero() const { return as_u64() == 0; }
  [[nodiscard]] bool is_broadcast() const;
  [[nodiscard]] bool is_multicast() const { return (octets[0] & 0x01U) != 0; }
  /// U/L bit set: locally administered, which is how phones randomize their MACs.
  [[nodiscard]] bool is_locally_administered() const { return (octets[0] & 0x02U) != 0; }
  /// A unicast address a device could own (not multicast, broadcast or zero).
  [[nodiscard]] bool is_unicast_station() const { return !is_multicast() && !is_zero(); }
  [[nodiscard]] std::uint64_t as_u64() const {
    return std::uint64_t{octets[0]} << 40 | std::uint64_t{octets[1]} << 32 |
           std::uint64_t{octets[2]} << 24 | std::uint64_t{octets[3]} << 16 |
           std::uint64_t{octets[4]} << 8 | octets[5];
  }

  /// A 4-byte and a 2-byte load per side instead of a memcmp call: every endpoint lookup
  /// compares its key's MAC.
  friend bool operator==(const MacAddress& a, const MacAddress& b) {
    std::uint32_t a_high = 0;
    std::uint32_t b_high = 0;
    std::uint16_t a_low = 0;
    std::uint16_t b_low = 0;
    std::memcpy(&a_high, a.octets.data(), sizeof(a_high));
    std::memcpy(&b_high, b.octets.data(), sizeof(b_high));
    std::memcpy(&a_low, &a.octets[4], sizeof(a_low));
    std::memcpy(&b_low, &b.octets[4], sizeof(b_low));
    return a_high == b_high && a_low == b_low;
  }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const MacAddress&, const MacAddress&) = default;
};

/// An IPv4 or IPv6 address. IPv4 is stored in the first four bytes.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t family = 0;  ///< 0 = none, 4, or 6

  static IpAddress v4(Bytes four);     ///< requires 4 bytes
  static IpAddress v6(Bytes sixteen);  ///< requires 16 bytes
  static IpAddress v4_from_u32(std::uint32_t host_order);
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] bool is_v4() const { return family == 4; }
  [[nodiscard]] bool is_v6() const { return family == 6; }
  [[nodiscard]] bool is_set() const { return family != 0; }
  [[nodiscard]] std::uint32_t v4_u32() const;  ///< host order
  [[nodiscard]] std::string to_string() const;
  /// Buffer for format(): the longest IPv6 text (INET6_ADDRSTRLEN, 46 with the terminator).
  using TextBuffer = std::array<char, 46>;
  /// The text to_string() gives, written into `buffer` without a heap allocation; valid while
  /// `buffer` is.
  [[nodiscard]] std::string_view format(TextBuffer& buffer) const;
  /// Unspecified (0.0.0.0, ::), multicast, broadcast, loopback: never a device's address.
  [[nodiscard]] bool is_assignable() const;
  /// RFC 1918, RFC 6598 CGN, link-local, ULA, loopback: addresses that do not route on the
  /// internet.
  [[nodiscard]] bool is_private() const;
  [[nodiscard]] bool is_link_local() const;
  [[nodiscard]] bool is_multicast() const;

  /// Two 64-bit loads per side instead of a memcmp call: compared on every flow lookup.
  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    std::uint64_t a_words[2];  // NOLINT(modernize-avoid-c-arrays): memcpy target
    std::uint64_t b_words[2];  // NOLINT(modernize-avoid-c-arrays): memcpy target
    std::memcpy(a_words, a.bytes.data(), sizeof(a_words));
    std::memcpy(b_words, b.bytes.data(), sizeof(b_words));
    return a.family == b.family && a_words[0] == b_words[0] && a_words[1] == b_words[1];
  }
  /// The order of the bytes, then the family (as a defaulted <=> would give), from two big-endian
  /// 64-bit words per side: every packet's flow key orders its two addresses.
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
    std::uint64_t a_words[2];  // NOLINT(modernize-avoid-c-arrays): memcpy target
    std::uint64_t b_words[2];  // NOLINT(modernize-avoid-c-arrays): memcpy target
    std::memcpy(a_words, a.bytes.data(), sizeof(a_words));
    std::memcpy(b_words, b.bytes.data(), sizeof(b_words));
    if (a_words[0] != b_words[0]) {
      return __builtin_bswap64(a_words[0]) <=> __builtin_bswap64(b_words[0]);
    }
    if (a_words[1] != b_words[1]) {
      return __builtin_bswap64(a_words[1]) <=> __builtin_bswap64(b_words[1]);
    }
    return a.family <=> b.family;
  }
};

}  // namespace warden

template <>
struct std::hash<warden::MacAddress> {
  std::size_t operator()(const warden::MacAddress& mac) const noexcept {
    return std::hash<std::uint64_t>{}(mac.as_u64());
  }
};

template <>
struct std::hash<warden::IpAddress> {
  std::size_t operator()(const warden::IpAddress& ip) const noexcept {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    std::memcpy(&high, ip.bytes.data(), sizeof(high));
    std::memcpy(&low, ip.bytes.data() + sizeof(high), sizeof(low));
    return warden::mix64(high ^ warden::mix64(low ^ ip.family));
  }
};
