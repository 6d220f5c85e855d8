// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "capture/pcap_source.hpp"
#include "decode/packet.hpp"

namespace warden::decode {

/// Link types the decoder understands (libpcap DLT_ numbers, stable across platforms).
enum class LinkType : std::uint16_t {
  Null = 0,  ///< BSD loopback, 4-byte host-order family
  Ethernet = 1,
  Raw = 12,           ///< DLT_RAW on Linux: IPv4 or IPv6 by version nibble
  Loop = 108,         ///< OpenBSD loopback, 4-byte network-order family
  RawLinktype = 101,  ///< LINKTYPE_RAW as written in some files
  LinuxSll = 113,
  Ipv4 = 228,
  Ipv6 = 229,
  LinuxSll2 = 276,
};

/// True when the decoder can read frames of `dlt`.
bool is_supported_link_type(int dlt);

/// What became of a frame; counters are kept per outcome.
enum class DecodeStatus : std::uint8_t {
  Ok,           ///< decoded as far as it goes (even non-IP)
  Truncated,    ///< a header was cut short by the snap length or the frame
  Malformed,    ///< impossible header values (IHL < 5, bad version, ...)
  Unsupported,  ///< link type not handled
};

/// Counters the decoder bumps; owned by the caller (one per worker).
struct DecodeStats {
  std::uint64_t packets = 0;
  std::uint64_t truncated = 0;
  std::uint64_t malformed = 0;
  std::uint64_t unsupported_link = 0;
  std::uint64_t ipv4 = 0;
  std::uint64_t ipv6 = 0;
  std::uint64_t arp = 0;
  std::uint64_t vlan_tagged = 0;
  std::uint64_t fragments = 0;
  std::uint64_t ipv6_ext_limit = 0;  ///< extension-header chains cut at kMaxIpv6ExtensionHeaders

  void add(const DecodeStats& other);
};

/// Maximum 802.1Q / 802.1ad tags walked before giving up (QinQ needs two).
inline constexpr int kMaxVlanDepth = 4;
/// Maximum IPv6 extension headers walked (RFC 8200 recommends a handful; attackers send many).
inline constexpr int kMaxIpv6ExtensionHeaders = 8;

/// Decodes one frame into `out` (reset first). Stateless, never throws, never reads past `raw`.
DecodeStatus decode(int link_type, const capture::RawPacket& raw, Packet& out, DecodeStats& stats);

/// Symmetric hash of the packet's flow (same for both directions); 0 for packets without IPs.
std::uint64_t flow_hash(const Packet& packet);

/// Symmetric hash of the packet's two addresses and VLAN, whatever its ports and protocol; 0 for
/// packets without IPs. Every flow between two hosts has the same.
std::uint64_t pair_hash(const Packet& packet);

/// pair_hash() of decoding `raw`, read from the headers directly for the common Ethernet and
/// 802.1Q IPv4 and IPv6 frames (a fraction of a full decode: the engine's dispatcher needs only
/// this). Other frames fall back to a full decode into `scratch`.
std::uint64_t frame_pair_hash(int link_type, const capture::RawPacket& raw, Packet& scratch,
                              DecodeStats& scratch_stats);

}  // namespace warden::decode
