// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/address.hpp"
#include "inventory/hash_index.hpp"
#include "protocols/observation.hpp"

namespace warden::inventory {

/// What the sensor saw an address pair do. An endpoint is a (MAC, IP) pair as seen on the wire;
/// devices are built from endpoints at the end (see `build_devices`), when it is known which MACs
/// are routers and which IPs are bound to which MAC.
struct EndpointKey {
  MacAddress mac;  ///< zero when the link layer was not seen or the fact is about an IP only
  IpAddress ip;    ///< unset for facts about a MAC only (DHCP chaddr, ARP, LLDP)

  friend bool operator==(const EndpointKey&, const EndpointKey&) = default;
};

struct EndpointKeyHash {
  std::size_t operator()(const EndpointKey& key) const noexcept {
    return std::hash<MacAddress>{}(key.mac) * 31 ^ std::hash<IpAddress>{}(key.ip);
  }
};

/// One attribute value with its evidence.
struct AttributeValue {
  proto::Attr attr = proto::Attr::Protocol;
  std::string value;     ///< sanitized
  std::string protocol;  ///< where it came from: "dhcp", "mdns", "oui", ...
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t count = 0;
  std::uint64_t hash = 0;  ///< of (attr, value, protocol), to find duplicates quickly
};

/// Traffic counters of an endpoint or device.
struct Counters {
  std::uint64_t packets_out = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;

  void add(const Counters& other) {
    packets_out += other.packets_out;
    packets_in += other.packets_in;
    bytes_out += other.bytes_out;
    bytes_in += other.bytes_in;
  }
};

/// A conversation partner.
struct PeerValue {
  IpAddress ip;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t flows = 0;
};

struct Endpoint {
  EndpointKey key;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  Counters counters;
  bool sent_traffic = false;  ///< this (MAC, IP) pair appeared as a packet's source
  std::vector<AttributeValue> attributes;
  std::vector<std::uint64_t> attribute_hashes;  ///< parallel to `attributes`
  HashIndex attribute_index;
  /// The attributes most recently added to, by position: devices repeat the same few values
  /// (their SSDP announcement, their service), and this avoids the index's cache misses.
  std::array<std::uint32_t, 4> recent_attributes{};
  std::vector<PeerValue> peers;
  std::vector<std::uint64_t> peer_hashes;  ///< parallel to `peers`
  HashIndex peer_index;
  std::uint32_t generation = 0;
  bool in_use = false;
};

/// Limits that keep memory bounded whatever the traffic.
struct InventoryConfig {
  std::uint32_t max_endpoints = 1U << 17;
  std::uint32_t max_attributes_per_endpoint = 512;
  std::uint32_t max_peers_per_endpoint = 256;
};

struct InventoryStats {
  std::uint64_t endpoints_created = 0;
  std::uint64_t endpoints_evicted = 0;
  std::uint64_t attributes_dropped = 0;  ///< per-endpoint attribute cap reached
  std::uint64_t peers_dropped = 0;       ///< per-endpoint peer cap reached
  std::uint64_t observations = 0;

  void add(const InventoryStats& other);
};

/// A handle to an endpoint that survives eviction checks: the generation must still match.
struct EndpointRef {
  static constexpr std::uint32_t kNone = 0xFFFFFFFFU;
  std::uint32_t index = kNone;
  std::uint32_t generation = 0;
  [[nodiscard]] bool is_none() const { return index == kNone; }
};

/// Per-worker store of endpoints and their evidence. Not thread-safe: one per worker, merged at the
/// end with `merge_from`.
class EndpointTable {
 public:
  explicit EndpointTable(const InventoryConfig& config = {});

  /// The endpoint for (mac, ip), created if needed; evicts the stalest endpoint when full.
  EndpointRef get(const EndpointKey& key, std::int64_t ts_us);
  /// The endpoint behind `ref`, or nullptr if it was evicted since.
  Endpoint* resolve(EndpointRef ref);

  /// Records `raw_value` (sanitized; host names lower-cased) with its evidence, or widens the
  /// evidence of the same value already there. Bounded per endpoint; overflow is counted.
  void add_attribute(Endpoint& endpoint, proto::Attr attr, std::string_view raw_value,
                     std::string_view protocol, std::int64_t first_us, std::int64_t last_us,
                     std::uint64_t count);
  void add_attribute(Endpoint& endpoint, proto::Attr attr, std::string_view raw_value,
                     std::string_view protocol, std::int64_t ts_us) {
    add_attribute(endpoint, attr, raw_value, protocol, ts_us, ts_us, 1);
  }
  /// Records a conversation partner (or widens the record of a known one). Bounded, counted.
  void add_peer(Endpoint& endpoint, const IpAddress& peer, std::int64_t first_us,
                std::int64_t last_us, std::uint64_t flows = 1);

  /// Folds `other`'s endpoints into this table (attributes, peers, counters, times).
  void merge_from(const EndpointTable& other);
  /// Folds one endpoint's evidence into the endpoint keyed `into` (created if needed).
  void absorb(const EndpointKey& into, const Endpoint& source);

  [[nodiscard]] const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  [[nodiscard]] const InventoryStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t size() const { return index_.size(); }

 private:
  std::uint32_t evict_one();

  InventoryConfig config_;
  std::vector<Endpoint> endpoints_;
  std::vector<std::uint32_t> free_;
  std::unordered_map<EndpointKey, std::uint32_t, EndpointKeyHash> index_;
  std::uint32_t eviction_cursor_ = 0;
  InventoryStats stats_;
};

}  // namespace warden::inventory
