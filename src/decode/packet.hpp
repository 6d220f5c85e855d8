// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "core/address.hpp"
#include "core/byte_reader.hpp"

namespace warden::decode {

/// IP protocol numbers the decoder understands.
enum class IpProto : std::uint8_t { None = 0, Icmp = 1, Tcp = 6, Udp = 17, Icmpv6 = 58 };

/// TCP flag bits (RFC 9293 §3.1).
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
}  // namespace tcp_flag

/// One decoded frame. All spans alias the capture buffer and are valid only during the callback
/// that delivered the packet. Fields of layers that were absent keep their defaults.
struct Packet {
  std::int64_t ts_us = 0;         ///< capture time, microseconds since the Unix epoch
  std::uint32_t wire_length = 0;  ///< original length on the wire
  Bytes frame;                    ///< captured bytes from the link layer on

  // Layer 2 (absent for raw-IP link types).
  bool has_l2 = false;
  MacAddress src_mac;
  MacAddress dst_mac;
  std::uint16_t ether_type = 0;  ///< innermost EtherType, after VLAN tags
  std::uint16_t vlan = 0;        ///< outer 802.1Q VLAN id, 0 when untagged
  std::uint16_t inner_vlan = 0;  ///< inner id for QinQ, 0 otherwise
  Bytes l2_payload;              ///< bytes after the (last) EtherType / LLC header

  // Layer 3.
  IpAddress src_ip;
  IpAddress dst_ip;
  IpProto ip_proto = IpProto::None;
  std::uint8_t ip_proto_raw = 0;  ///< protocol / final next-header number
  std::uint8_t ttl = 0;           ///< IPv4 TTL or IPv6 hop limit
  bool is_fragment = false;       ///< a fragment; transport fields are left empty
  Bytes l3_payload;               ///< bytes after the IP header chain

  // Layer 4.
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t tcp_flags = 0;
  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  std::uint16_t tcp_window = 0;
  Bytes tcp_options;  ///< raw TCP options (for passive OS fingerprints)
  Bytes payload;      ///< application bytes (TCP/UDP payload, or ICMP body)
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;

  [[nodiscard]] bool is_tcp() const { return ip_proto == IpProto::Tcp; }
  [[nodiscard]] bool is_udp() const { return ip_proto == IpProto::Udp; }
  [[nodiscard]] bool has_ip() const { return src_ip.is_set(); }
};

}  // namespace warden::decode
