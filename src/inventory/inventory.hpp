// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
    return mix64(key.mac.as_u64() ^ std::hash<IpAddress>{}(key.ip));
  }
};

/// Whether values of `attr` are a device's activity rather than its identity: the names it looks
/// up or connects to, the topics and resources it uses. A busy device has thousands of them; caps
/// give them a share of their own, so they never crowd out the few values that say what the
/// device is (its host name, its DHCP options, its announcements, its services).
constexpr bool is_activity_attr(proto::Attr attr) {
  switch (attr) {
    case proto::Attr::DnsQuery:
    case proto::Attr::HttpHost:
    case proto::Attr::TlsSni:
    case proto::Attr::MqttTopic:
    case proto::Attr::CoapRequest:
      return true;
    default:
      return false;
  }
}

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
  /// ... with an initial TTL or hop limit (64, 128, 255; is_unrouted_ttl()): a packet no router
  /// forwarded, so the address is the sending host's own.
  bool sent_unrouted = false;
  std::vector<AttributeValue> attributes;
  std::vector<std::uint64_t> attribute_hashes;  ///< parallel to `attributes`
  HashIndex attribute_index;
  std::vector<PeerValue> peers;
  std::vector<std::uint64_t> peer_hashes;  ///< parallel to `peers`
  HashIndex peer_index;
  /// Once `peers` is full: the position of the peer that goes first (EndpointTable::add_peer()),
  /// or kUnknownPeer until it is looked for.
  std::uint32_t highest_peer = kUnknownPeer;
  static constexpr std::uint32_t kUnknownPeer = 0xFFFFFFFFU;
  std::uint32_t generation = 0;
  /// How many of `attributes` are activity (is_activity_attr()).
  std::uint16_t activity_values = 0;
  bool in_use = false;
};

/// Whether `ttl` is one a host starts its packets with (64: Linux, BSDs, macOS, Android, iOS,
/// most embedded stacks; 128: Windows; 255: network gear, many RTOSes): a packet still carrying
/// it crossed no router (each decrements it) on its way to the sensor.
constexpr bool is_unrouted_ttl(std::uint8_t ttl) {
  return ttl == 64 || ttl == 128 || ttl == 255;
}

/// Limits that keep memory bounded whatever the traffic.
struct InventoryConfig {
  std::uint32_t max_endpoints = 1U << 17;
  /// Of which activity values (is_activity_attr()) may take three quarters: a device that looks
  /// up a thousand names still keeps room for its identity.
  std::uint32_t max_attributes_per_endpoint = 512;
  /// Past it an endpoint keeps the peers of smallest rank (a hash of the address): the same
  /// ones whatever order they came in, and so whichever worker saw them (add_peer()).
  std::uint32_t max_peers_per_endpoint = 256;
  /// Entries of the table that counts repeated values before they reach their records (a power
  /// of two; 40 bytes each).
  std::uint32_t pending_entries = 1U << 17;
};

/// Activity values (is_activity_attr()) an endpoint may hold: three quarters of its values.
constexpr std::uint32_t max_activity_values(const InventoryConfig& config) {
  return config.max_attributes_per_endpoint - config.max_attributes_per_endpoint / 4;
}

struct InventoryStats {
  std::uint64_t endpoints_created = 0;
  std::uint64_t endpoints_evicted = 0;
  std::uint64_t attributes_dropped = 0;  ///< per-endpoint attribute cap reached
  std::uint64_t activity_dropped = 0;    ///< activity values past their share (not in the above)
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

/// Per-worker store of endpoints and their evidence. Not thread-safe: one per worker; the device
/// builder takes all the workers' tables at the end.
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
  /// One observation for add_attributes().
  struct AttributeUpdate {
    Endpoint* endpoint = nullptr;
    proto::Attr attr = proto::Attr::Protocol;
    std::string_view value;
    std::string_view protocol;
    std::int64_t ts_us = 0;
  };
  /// add_attribute() for each of `updates`, in order (the same result), faster: the memory each
  /// needs is requested for all of them before any is counted.
  void add_attributes(std::span<const AttributeUpdate> updates);
  /// Records a conversation partner (or widens the record of a known one). Bounded, counted.
  void add_peer(Endpoint& endpoint, const IpAddress& peer, std::int64_t first_us,
                std::int64_t last_us, std::uint64_t flows = 1);

  /// add_peer() (one flow, first and last seen `ts_us`) for the endpoint behind `ref`, recorded
  /// with the next few in the order they came: a peer record is a cache miss or two, and looked
  /// up together the misses of a batch overlap. flush() records what is left; an endpoint
  /// evicted meanwhile takes its peers along, as it would have.
  void add_peer_later(EndpointRef ref, const IpAddress& peer, std::int64_t ts_us);

  /// Records the batched peers and folds the counts still held for values seen lately into their
  /// records. The const accessors below show the records: call this (Worker::finish does) after
  /// the last add_attribute or add_peer_later.
  void flush();

  /// flush(), then gives the memory of the table of values seen lately back to the allocator (a
  /// worker's, 5 MiB by default) for the stages after reading. Counting still works, without it.
  void release_pending();

  /// Hands over every endpoint (flushed), leaving the table empty: for a caller done with it.
  std::vector<Endpoint> release();

  /// Folds one endpoint's evidence into the endpoint keyed `into` (created if needed).
  void absorb(const EndpointKey& into, const Endpoint& source);
  /// The same, taking the source's records (attributes, peers and their indexes) instead of
  /// copying them one by one when the target has none yet and they fit its caps; otherwise as
  /// absorb(const Endpoint&). The source keeps its key, times and counters.
  void absorb(const EndpointKey& into, Endpoint&& source);
  /// Makes room in `endpoint` for `attributes` and `peers` records in all (at most its caps), so
  /// that the endpoints absorbed into it next append without regrowing its vectors.
  void reserve_records(Endpoint& endpoint, std::size_t attributes, std::size_t peers) const;

  [[nodiscard]] const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  [[nodiscard]] const InventoryStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t size() const { return index_.size(); }
  [[nodiscard]] const InventoryConfig& config() const { return config_; }

 private:
  /// A value seen lately, with the counts not yet added to its record. Devices repeat the same
  /// values (their announcements, their lookups, their services) all the time: counting them here
  /// costs an access to a table that stays in the CPU cache instead of two cache misses (the
  /// endpoint's index and the record). Keyed by the endpoint (exactly) and the value's hash.
  struct PendingAttribute {
    std::uint64_t hash = 0;
    std::uint32_t endpoint = 0;
    std::uint32_t generation = 0;
    std::uint16_t position = 0;  ///< of the record in the endpoint's attributes
    proto::Attr attr = proto::Attr::Protocol;
    bool in_use = false;
    std::uint32_t count = 0;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
  };
  static_assert(sizeof(PendingAttribute) == 40);

  struct PeerUpdate {
    EndpointRef endpoint;
    IpAddress peer;
    std::int64_t ts_us = 0;
  };
  static constexpr std::size_t kPeerBatch = 16;
  std::vector<PeerUpdate> peer_batch_;
  void flush_peers();

  std::uint32_t evict_one();
  /// Folds `source`'s evidence into `target` value by value; with `movable` (the same endpoint as
  /// `source`, the caller's to change), a value new to the target moves its record over.
  void absorb_into(Endpoint& target, const Endpoint& source, Endpoint* movable);
  /// add_attribute() after canonicalizing and hashing.
  void add_hashed(Endpoint& endpoint, proto::Attr attr, std::string_view value,
                  std::string_view protocol, std::uint64_t hash, std::int64_t first_us,
                  std::int64_t last_us, std::uint64_t count);
  /// Counts into the record of the value, creating it if new; its position, or -1 when the
  /// endpoint holds as many values as it may (counted as dropped). With `movable` (a record
  /// holding this value, count and times), a new record is moved from it instead of built.
  std::int64_t count_value(Endpoint& endpoint, proto::Attr attr, std::string_view value,
                           std::string_view protocol, std::uint64_t hash, std::int64_t first_us,
                           std::int64_t last_us, std::uint64_t count,
                           AttributeValue* movable = nullptr);
  [[nodiscard]] std::size_t pending_slot(std::uint32_t endpoint_index, std::uint64_t hash) const;
  [[nodiscard]] std::uint32_t max_activity_values() const {
    return inventory::max_activity_values(config_);
  }
  void fold(PendingAttribute& entry);

  InventoryConfig config_;
  std::vector<Endpoint> endpoints_;
  std::vector<std::uint32_t> free_;
  absl::flat_hash_map<EndpointKey, std::uint32_t, EndpointKeyHash> index_;
  std::vector<PendingAttribute> pending_;
  // Scratch of add_attributes(), kept to spare constructing it per call.
  static constexpr std::size_t kBatchChunk = 32;
  std::array<std::uint64_t, kBatchChunk> batch_hashes_{};
  std::array<std::string_view, kBatchChunk> batch_values_{};
  std::array<std::string, kBatchChunk> batch_owned_;
  std::uint32_t eviction_cursor_ = 0;
  InventoryStats stats_;
};

}  // namespace warden::inventory
