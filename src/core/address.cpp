// SPDX-License-Identifier: Apache-2.0
#include "core/address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace warden {

MacAddress MacAddress::from_bytes(Bytes bytes) {
  MacAddress mac;
  if (bytes.size() >= mac.octets.size()) {
    std::copy_n(bytes.begin(), mac.octets.size(), mac.octets.begin());
  }
  return mac;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  // Exactly six two-digit groups separated by ':' or '-'.
  if (text.size() != 17) {
    return std::nullopt;
  }
  MacAddress mac;
  for (std::size_t octet_idx = 0; octet_idx < 6; ++octet_idx) {
    const std::size_t at = octet_idx * 3;
    const int high = hex_value(text[at]);
    const int low = hex_value(text[at + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    if (octet_idx < 5 && text[at + 2] != ':' && text[at + 2] != '-') {
      return std::nullopt;
    }
    mac.octets[octet_idx] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return mac;
}

std::string MacAddress::to_string() const {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out(17, ':');
  for (std::size_t octet_idx = 0; octet_idx < octets.size(); ++octet_idx) {
    out[octet_idx * 3] = kDigits[octets[octet_idx] >> 4];
    out[octet_idx * 3 + 1] = kDigits[octets[octet_idx] & 0x0FU];
  }
  return out;
}

bool MacAddress::is_broadcast() const {
  return std::all_of(octets.begin(), octets.end(), [](std::uint8_t b) { return b == 0xFF; });
}

IpAddress IpAddress::v4(Bytes four) {
  IpAddress ip;
  if (four.size() >= 4) {
    std::copy_n(four.begin(), 4, ip.bytes.begin());
    ip.family = 4;
  }
  return ip;
}

IpAddress IpAddress::v6(Bytes sixteen) {
  IpAddress ip;
  if (sixteen.size() >= 16) {
    std::copy_n(sixteen.begin(), 16, ip.bytes.begin());
    ip.family = 6;
  }
  return ip;
}

IpAddress IpAddress::v4_from_u32(std::uint32_t host_order) {
  IpAddress ip;
  ip.family = 4;
  ip.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  ip.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  ip.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  ip.bytes[3] = static_cast<std::uint8_t>(host_order);
  return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() > 45) {
    return std::nullopt;
  }
  const std::string owned(text);
  IpAddress ip;
  if (inet_pton(AF_INET, owned.c_str(), ip.bytes.data()) == 1) {
    ip.family = 4;
    return ip;
  }
  if (inet_pton(AF_INET6, owned.c_str(), ip.bytes.data()) == 1) {
    ip.family = 6;
    return ip;
  }
  return std::nullopt;
}

std::uint32_t IpAddress::v4_u32() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

std::string IpAddress::to_string() const {
  TextBuffer buffer;
  return std::string(format(buffer));
}

std::string_view IpAddress::format(TextBuffer& buffer) const {
  if (family == 4) {
    // Dotted quad by hand: inet_ntop goes through printf machinery.
    std::size_t length = 0;
    for (std::size_t octet_idx = 0; octet_idx < 4; ++octet_idx) {
      if (octet_idx > 0) {
        buffer[length++] = '.';
      }
      const std::uint8_t octet = bytes[octet_idx];
      if (octet >= 100) {
        buffer[length++] = static_cast<char>('0' + octet / 100);
      }
      if (octet >= 10) {
        buffer[length++] = static_cast<char>('0' + octet / 10 % 10);
      }
      buffer[length++] = static_cast<char>('0' + octet % 10);
    }
    return {buffer.data(), length};
  }
  if (family == 6 && inet_ntop(AF_INET6, bytes.data(), buffer.data(),
                               static_cast<socklen_t>(buffer.size())) != nullptr) {
    return {buffer.data()};
  }
  return {};
}

bool IpAddress::is_multicast() const {
  if (family == 4) {
    return (bytes[0] & 0xF0U) == 0xE0U;
  }
  return family == 6 && bytes[0] == 0xFF;
}

bool IpAddress::is_link_local() const {
  if (family == 4) {
    return bytes[0] == 169 && bytes[1] == 254;
  }
  return family == 6 && bytes[0] == 0xFE && (bytes[1] & 0xC0U) == 0x80U;
}

bool IpAddress::is_assignable() const {
  if (family == 4) {
    const std::uint32_t v = v4_u32();
    return v != 0 && v != 0xFFFFFFFFU && bytes[0] != 127 && bytes[0] != 0 && !is_multicast() &&
           bytes[0] < 240;
  }
  if (family == 6) {
    const bool unspecified =
        std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
    const bool loopback =
        std::all_of(bytes.begin(), bytes.end() - 1, [](std::uint8_t b) { return b == 0; }) &&
        bytes[15] == 1;
    return !unspecified && !loopback && !is_multicast();
  }
  return false;
}

bool IpAddress::is_private() const {
  if (family == 4) {
    return bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0U) == 16) ||
           (bytes[0] == 192 && bytes[1] == 168) || (bytes[0] == 100 && (bytes[1] & 0xC0U) == 64) ||
           bytes[0] == 127 || is_link_local() || bytes[0] == 0;
  }
  if (family == 6) {
    return (bytes[0] & 0xFEU) == 0xFCU || is_link_local() || !is_assignable();
  }
  return false;
}

}  // namespace warden
