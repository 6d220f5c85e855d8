// SPDX-License-Identifier: Apache-2.0
#include "decode/decoder.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace warden::decode {
namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeQinQ = 0x88A8;
constexpr std::uint16_t kEtherTypeQinQOld = 0x9100;
constexpr std::uint16_t kMaxEthernetLength = 1500;  // below: an 802.3 length, not a type

/// SNAP PIDs are reported in `ether_type` with this flag bit so they cannot collide with real
/// EtherTypes used by analyzers (CDP is PID 0x2000 under Cisco's OUI).
constexpr std::uint16_t kLlcSentinel = 0x0001;

DecodeStatus decode_transport(Packet& out, Bytes l4, DecodeStats& stats) {
  switch (out.ip_proto) {
    case IpProto::Tcp: {
      if (l4.size() < 20) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      out.src_port = static_cast<std::uint16_t>((l4[0] << 8) | l4[1]);
      out.dst_port = static_cast<std::uint16_t>((l4[2] << 8) | l4[3]);
      out.tcp_seq = (std::uint32_t{l4[4]} << 24) | (std::uint32_t{l4[5]} << 16) |
                    (std::uint32_t{l4[6]} << 8) | l4[7];
      out.tcp_ack = (std::uint32_t{l4[8]} << 24) | (std::uint32_t{l4[9]} << 16) |
                    (std::uint32_t{l4[10]} << 8) | l4[11];
      const std::size_t header_length = static_cast<std::size_t>(l4[12] >> 4) * 4;
      out.tcp_flags = l4[13];
      out.tcp_window = static_cast<std::uint16_t>((l4[14] << 8) | l4[15]);
      if (header_length < 20) {
        ++stats.malformed;
        return DecodeStatus::Malformed;
      }
      if (header_length > l4.size()) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      out.tcp_options = l4.subspan(20, header_length - 20);
      out.payload = l4.subspan(header_length);
      return DecodeStatus::Ok;
    }
    case IpProto::Udp: {
      if (l4.size() < 8) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      out.src_port = static_cast<std::uint16_t>((l4[0] << 8) | l4[1]);
      out.dst_port = static_cast<std::uint16_t>((l4[2] << 8) | l4[3]);
      const auto length = static_cast<std::size_t>((l4[4] << 8) | l4[5]);
      // Trust the UDP length only when it is sane; keep what was captured otherwise.
      std::size_t end = l4.size();
      if (length >= 8 && length <= l4.size()) {
        end = length;
      }
      out.payload = l4.subspan(8, end - 8);
      return DecodeStatus::Ok;
    }
    case IpProto::Icmp:
    case IpProto::Icmpv6: {
      if (l4.size() < 4) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      out.icmp_type = l4[0];
      out.icmp_code = l4[1];
      out.payload = l4.subspan(4);
      return DecodeStatus::Ok;
    }
    case IpProto::None:
      break;
  }
  out.payload = l4;
  return DecodeStatus::Ok;
}

IpProto classify_proto(std::uint8_t raw) {
  switch (raw) {
    case 1:
      return IpProto::Icmp;
    case 6:
      return IpProto::Tcp;
    case 17:
      return IpProto::Udp;
    case 58:
      return IpProto::Icmpv6;
    default:
      return IpProto::None;
  }
}

DecodeStatus decode_ipv4(Bytes l3, Packet& out, DecodeStats& stats) {
  if (l3.size() < 20) {
    ++stats.truncated;
    return DecodeStatus::Truncated;
  }
  if ((l3[0] >> 4) != 4) {
    ++stats.malformed;
    return DecodeStatus::Malformed;
  }
  const std::size_t header_length = static_cast<std::size_t>(l3[0] & 0x0FU) * 4;
  if (header_length < 20) {
    ++stats.malformed;
    return DecodeStatus::Malformed;
  }
  if (header_length > l3.size()) {
    ++stats.truncated;
    return DecodeStatus::Truncated;
  }
  ++stats.ipv4;
  const auto total_length = static_cast<std::size_t>((l3[2] << 8) | l3[3]);
  // Ethernet pads short frames; trust total length when it is within what was captured.
  std::size_t end = l3.size();
  if (total_length >= header_length && total_length < end) {
    end = total_length;
  }
  const auto fragment = static_cast<std::uint16_t>((l3[6] << 8) | l3[7]);
  out.ttl = l3[8];
  out.ip_proto_raw = l3[9];
  out.ip_proto = classify_proto(l3[9]);
  out.src_ip = IpAddress::v4(l3.subspan(12, 4));
  out.dst_ip = IpAddress::v4(l3.subspan(16, 4));
  out.l3_payload = l3.subspan(header_length, end - header_length);
  const bool more_fragments = (fragment & 0x2000U) != 0;
  const std::uint16_t fragment_offset = fragment & 0x1FFFU;
  if (more_fragments || fragment_offset != 0) {
    // Reassembly is out of scope: identification signals live in unfragmented packets.
    out.is_fragment = true;
    ++stats.fragments;
    return DecodeStatus::Ok;
  }
  return decode_transport(out, out.l3_payload, stats);
}

DecodeStatus decode_ipv6(Bytes l3, Packet& out, DecodeStats& stats) {
  if (l3.size() < 40) {
    ++stats.truncated;
    return DecodeStatus::Truncated;
  }
  if ((l3[0] >> 4) != 6) {
    ++stats.malformed;
    return DecodeStatus::Malformed;
  }
  ++stats.ipv6;
  const auto payload_length = static_cast<std::size_t>((l3[4] << 8) | l3[5]);
  std::uint8_t next_header = l3[6];
  out.ttl = l3[7];
  out.src_ip = IpAddress::v6(l3.subspan(8, 16));
  out.dst_ip = IpAddress::v6(l3.subspan(24, 16));
  std::size_t end = l3.size();
  if (payload_length > 0 && payload_length + 40 < end) {
    end = payload_length + 40;
  }
  std::size_t at = 40;
  for (int header_idx = 0;; ++header_idx) {
    const bool is_extension = next_header == 0 || next_header == 43 || next_header == 44 ||
                              next_header == 60 || next_header == 51 || next_header == 135 ||
                              next_header == 139 || next_header == 140;
    if (!is_extension) {
      break;
    }
    if (header_idx >= kMaxIpv6ExtensionHeaders) {
      ++stats.ipv6_ext_limit;
      out.ip_proto_raw = next_header;
      out.ip_proto = IpProto::None;
      out.l3_payload = {};
      return DecodeStatus::Malformed;
    }
    if (at + 8 > end) {
      ++stats.truncated;
      return DecodeStatus::Truncated;
    }
    const std::uint8_t following = l3[at];
    std::size_t length = 0;
    if (next_header == 44) {  // fragment header: fixed 8 bytes (RFC 8200 §4.5)
      const auto offset_flags = static_cast<std::uint16_t>((l3[at + 2] << 8) | l3[at + 3]);
      length = 8;
      if ((offset_flags & 0xFFF9U) != 0) {  // offset != 0 or M flag
        out.is_fragment = true;
        ++stats.fragments;
      }
    } else if (next_header == 51) {  // AH: length in 4-byte units minus 2 (RFC 4302)
      length = (static_cast<std::size_t>(l3[at + 1]) + 2) * 4;
    } else {
      length = (static_cast<std::size_t>(l3[at + 1]) + 1) * 8;
    }
    at += length;
    next_header = following;
    if (at > end) {
      ++stats.truncated;
      return DecodeStatus::Truncated;
    }
  }
  out.ip_proto_raw = next_header;
  out.ip_proto = classify_proto(next_header);
  out.l3_payload = l3.subspan(at, end - at);
  if (out.is_fragment) {
    return DecodeStatus::Ok;
  }
  return decode_transport(out, out.l3_payload, stats);
}

DecodeStatus decode_l3(std::uint16_t ether_type, Bytes l3, Packet& out, DecodeStats& stats) {
  switch (ether_type) {
    case kEtherTypeIpv4:
      return decode_ipv4(l3, out, stats);
    case kEtherTypeIpv6:
      return decode_ipv6(l3, out, stats);
    case kEtherTypeArp:
      ++stats.arp;
      return DecodeStatus::Ok;
    default:
      return DecodeStatus::Ok;
  }
}

DecodeStatus decode_raw_ip(Bytes l3, Packet& out, DecodeStats& stats) {
  if (l3.empty()) {
    ++stats.truncated;
    return DecodeStatus::Truncated;
  }
  const int version = l3[0] >> 4;
  if (version == 4) {
    out.ether_type = kEtherTypeIpv4;
    return decode_ipv4(l3, out, stats);
  }
  if (version == 6) {
    out.ether_type = kEtherTypeIpv6;
    return decode_ipv6(l3, out, stats);
  }
  ++stats.malformed;
  return DecodeStatus::Malformed;
}

/// Walks VLAN tags starting at `at` (which points at an EtherType), then LLC/SNAP.
DecodeStatus decode_ethertype_chain(Bytes frame, std::size_t at, Packet& out, DecodeStats& stats) {
  auto ether_type = static_cast<std::uint16_t>((frame[at] << 8) | frame[at + 1]);
  at += 2;
  for (int depth = 0; ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ ||
                      ether_type == kEtherTypeQinQOld;
       ++depth) {
    if (depth >= kMaxVlanDepth || at + 4 > frame.size()) {
      ++stats.truncated;
      return DecodeStatus::Truncated;
    }
    const auto vid = static_cast<std::uint16_t>(((frame[at] << 8) | frame[at + 1]) & 0x0FFF);
    if (depth == 0) {
      out.vlan = vid;
      ++stats.vlan_tagged;
    } else if (depth == 1) {
      out.inner_vlan = vid;
    }
    ether_type = static_cast<std::uint16_t>((frame[at + 2] << 8) | frame[at + 3]);
    at += 4;
  }
  if (ether_type <= kMaxEthernetLength) {
    // 802.3 length field: LLC follows. Only SNAP (AA AA 03 + OUI + PID) is of interest.
    std::size_t end = std::min(frame.size(), at + ether_type);
    if (at + 8 <= end && frame[at] == 0xAA && frame[at + 1] == 0xAA && frame[at + 2] == 0x03) {
      const auto pid = static_cast<std::uint16_t>((frame[at + 6] << 8) | frame[at + 7]);
      out.ether_type = static_cast<std::uint16_t>(pid | kLlcSentinel);
      out.l2_payload = frame.subspan(at + 8, end - at - 8);
      return DecodeStatus::Ok;
    }
    out.ether_type = 0;
    out.l2_payload = frame.subspan(at, end - at);
    return DecodeStatus::Ok;
  }
  out.ether_type = ether_type;
  out.l2_payload = frame.subspan(at);
  return decode_l3(ether_type, out.l2_payload, out, stats);
}

}  // namespace

void DecodeStats::add(const DecodeStats& other) {
  packets += other.packets;
  truncated += other.truncated;
  malformed += other.malformed;
  unsupported_link += other.unsupported_link;
  ipv4 += other.ipv4;
  ipv6 += other.ipv6;
  arp += other.arp;
  vlan_tagged += other.vlan_tagged;
  fragments += other.fragments;
  ipv6_ext_limit += other.ipv6_ext_limit;
}

bool is_supported_link_type(int dlt) {
  switch (static_cast<LinkType>(dlt)) {
    case LinkType::Null:
    case LinkType::Ethernet:
    case LinkType::Raw:
    case LinkType::RawLinktype:
    case LinkType::Loop:
    case LinkType::LinuxSll:
    case LinkType::Ipv4:
    case LinkType::Ipv6:
    case LinkType::LinuxSll2:
      return true;
  }
  return false;
}

DecodeStatus decode(int link_type, const capture::RawPacket& raw, Packet& out, DecodeStats& stats) {
  out = Packet{};
  out.ts_us = raw.ts_us;
  out.wire_length = raw.wire_length;
  out.frame = raw.data;
  ++stats.packets;
  const Bytes frame = raw.data;
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::Ethernet:
      if (frame.size() < 14) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      out.has_l2 = true;
      out.dst_mac = MacAddress::from_bytes(frame.subspan(0, 6));
      out.src_mac = MacAddress::from_bytes(frame.subspan(6, 6));
      return decode_ethertype_chain(frame, 12, out, stats);
    case LinkType::LinuxSll: {
      // Linux cooked v1: packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2).
      if (frame.size() < 16) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      const auto hatype = static_cast<std::uint16_t>((frame[2] << 8) | frame[3]);
      const auto addr_len = static_cast<std::uint16_t>((frame[4] << 8) | frame[5]);
      if (hatype == 1 && addr_len == 6) {  // ARPHRD_ETHER: the sender's MAC
        out.has_l2 = true;
        out.src_mac = MacAddress::from_bytes(frame.subspan(6, 6));
      }
      return decode_ethertype_chain(frame, 14, out, stats);
    }
    case LinkType::LinuxSll2: {
      // Linux cooked v2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) type(1) len(1) addr(8).
      if (frame.size() < 20) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      const auto hatype = static_cast<std::uint16_t>((frame[8] << 8) | frame[9]);
      if (hatype == 1 && frame[11] == 6) {
        out.has_l2 = true;
        out.src_mac = MacAddress::from_bytes(frame.subspan(12, 6));
      }
      // The kernel strips VLAN tags into metadata for cooked captures, so no tag walk here.
      const auto protocol = static_cast<std::uint16_t>((frame[0] << 8) | frame[1]);
      out.ether_type = protocol;
      out.l2_payload = frame.subspan(20);
      return decode_l3(protocol, out.l2_payload, out, stats);
    }
    case LinkType::Raw:
    case LinkType::RawLinktype:
    case LinkType::Ipv4:
    case LinkType::Ipv6:
      return decode_raw_ip(frame, out, stats);
    case LinkType::Null:
    case LinkType::Loop:
      if (frame.size() < 4) {
        ++stats.truncated;
        return DecodeStatus::Truncated;
      }
      return decode_raw_ip(frame.subspan(4), out, stats);
  }
  ++stats.unsupported_link;
  return DecodeStatus::Unsupported;
}

namespace {
/// An address as one 64-bit word, from its two 64-bit words in memory order (IPv4: its four bytes
/// as the low word, the high word zero).
inline std::uint64_t address_word(std::uint64_t low, std::uint64_t high) {
  return (low * 0x9E3779B97F4A7C15ULL) ^ high;
}

/// The symmetric mix of two (address, port) endpoints given as address_word()s: flow_hash().
inline std::uint64_t mix_flow(std::uint64_t src, std::uint64_t dst, std::uint16_t src_port,
                              std::uint16_t dst_port, std::uint8_t proto, std::uint16_t vlan) {
  const std::uint64_t a = src * 65599 + src_port;
  const std::uint64_t b = dst * 65599 + dst_port;
  // XOR and sum of both endpoints make the hash symmetric; mix afterwards so low bits spread.
  std::uint64_t hash = (a ^ b) + (a + b) + proto + (std::uint64_t{vlan} << 32);
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

/// The symmetric mix of two address_word()s and a VLAN: pair_hash().
inline std::uint64_t mix_pair(std::uint64_t src, std::uint64_t dst, std::uint16_t vlan) {
  std::uint64_t hash = (src ^ dst) + (src + dst) + (std::uint64_t{vlan} << 32);
  hash ^= hash >> 32;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 29;
  return hash;
}

/// address_word() of an address given as bytes: an IpAddress's 16 (IPv4 in the first four and
/// zeros after) or an IPv6 header's 16. The two sizes that occur load without a variable-length
/// copy.
inline std::uint64_t address_word(Bytes address) {
  static_assert(std::endian::native == std::endian::little, "address_word() assumes little-endian");
  std::array<std::uint64_t, 2> words{};
  if (address.size() >= 16) {
    std::memcpy(words.data(), address.data(), 16);
  } else if (address.size() == 4) {
    std::uint32_t v4 = 0;
    std::memcpy(&v4, address.data(), 4);
    words[0] = v4;  // little-endian: the same word as the four bytes followed by zeros
  } else if (!address.empty()) {
    std::memcpy(words.data(), address.data(), address.size());
  }
  return address_word(words[0], words[1]);
}

/// address_word() of the four-byte IPv4 address at `at` (frame_pair_hash()'s per-packet path).
inline std::uint64_t address_word_v4(const std::uint8_t* at) {
  std::uint32_t v4 = 0;
  std::memcpy(&v4, at, 4);
  return address_word(v4, 0);
}
}  // namespace

std::uint64_t flow_hash(const Packet& packet) {
  if (!packet.has_ip()) {
    return 0;
  }
  return mix_flow(address_word(packet.src_ip.bytes), address_word(packet.dst_ip.bytes),
                  packet.src_port, packet.dst_port, packet.ip_proto_raw, packet.vlan);
}

std::uint64_t pair_hash(const Packet& packet) {
  if (!packet.has_ip()) {
    return 0;
  }
  return mix_pair(address_word(packet.src_ip.bytes), address_word(packet.dst_ip.bytes),
                  packet.vlan);
}

std::uint64_t frame_pair_hash(int link_type, const capture::RawPacket& raw, Packet& scratch,
                              DecodeStats& scratch_stats) {
  const Bytes frame = raw.data;
  if (link_type == static_cast<int>(LinkType::Ethernet) && frame.size() >= 14) {
    std::size_t at = 12;
    std::uint16_t vlan = 0;
    auto ether_type = static_cast<std::uint16_t>((frame[12] << 8) | frame[13]);
    if (ether_type == kEtherTypeVlan && frame.size() >= 18) {
      vlan = static_cast<std::uint16_t>(((frame[14] << 8) | frame[15]) & 0x0FFF);
      ether_type = static_cast<std::uint16_t>((frame[16] << 8) | frame[17]);
      at = 16;
    }
    const Bytes l3 = frame.subspan(at + 2);
    // Where decode() would take the addresses: an IPv4 header whose stated length is whole (ports,
    // fragments and what follows do not matter), or an IPv6 fixed header.
    if (ether_type == kEtherTypeIpv4 && l3.size() >= 20 && (l3[0] >> 4) == 4) {
      const std::size_t header_length = static_cast<std::size_t>(l3[0] & 0x0FU) * 4;
      if (header_length >= 20 && header_length <= l3.size()) {
        return mix_pair(address_word_v4(l3.subspan(12, 4).data()),
                        address_word_v4(l3.subspan(16, 4).data()), vlan);
      }
    } else if (ether_type == kEtherTypeIpv6 && l3.size() >= 40 && (l3[0] >> 4) == 6) {
      return mix_pair(address_word(l3.subspan(8, 16)), address_word(l3.subspan(24, 16)), vlan);
    }
  }
  (void)decode(link_type, raw, scratch, scratch_stats);
  return pair_hash(scratch);
}

}  // namespace warden::decode
