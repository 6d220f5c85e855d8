// SPDX-License-Identifier: Apache-2.0
#include "inventory/inventory.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "core/hash.hpp"
#include "core/text.hpp"

namespace warden::inventory {
namespace {
/// Endpoints examined per eviction; the stalest of them goes (sampled LRU, no per-packet list).
constexpr std::uint32_t kEvictionSample = 16;

std::uint64_t hash_attribute(proto::Attr attr, std::string_view value, std::string_view protocol) {
  return hash_bytes(protocol, hash_bytes(value, static_cast<std::uint64_t>(attr)));
}

/// Whether a peer (`hash` of address `ip`) ranks before another: the order in which a full
/// endpoint keeps its peers (add_peer()).
bool peer_ranks_before(std::uint64_t hash, const IpAddress& ip, std::uint64_t other_hash,
                       const IpAddress& other_ip) {
  const std::uint64_t rank = mix64(hash);
  const std::uint64_t other_rank = mix64(other_hash);
  if (rank != other_rank) {
    return rank < other_rank;
  }
  return ip < other_ip;
}

/// Host names are case-insensitive; store them lower-case so "Foo" and "foo" are one value.
bool is_case_insensitive(proto::Attr attr) {
  switch (attr) {
    case proto::Attr::Hostname:
    case proto::Attr::DnsQuery:
    case proto::Attr::TlsSni:
    case proto::Attr::HttpHost:
      return true;
    default:
      return false;
  }
}
}  // namespace

void InventoryStats::add(const InventoryStats& other) {
  endpoints_created += other.endpoints_created;
  endpoints_evicted += other.endpoints_evicted;
  attributes_dropped += other.attributes_dropped;
  activity_dropped += other.activity_dropped;
  peers_dropped += other.peers_dropped;
  observations += other.observations;
}

EndpointTable::EndpointTable(const InventoryConfig& config) : config_(config) {
  if (config_.max_endpoints == 0) {
    config_.max_endpoints = 1;
  }
  // The per-endpoint indexes address at most HashIndex::kMaxEntries positions.
  config_.max_attributes_per_endpoint =
      std::min<std::uint32_t>(config_.max_attributes_per_endpoint, HashIndex::kMaxEntries);
  config_.max_peers_per_endpoint =
      std::min<std::uint32_t>(config_.max_peers_per_endpoint, HashIndex::kMaxEntries);
  pending_.resize(std::bit_ceil(std::max<std::uint32_t>(config_.pending_entries, 1)));
  // Reserved once (address space only; pages are touched as endpoints arrive) so Endpoint pointers
  // stay valid while other endpoints are created during the same packet.
  endpoints_.reserve(config_.max_endpoints);
  index_.reserve(std::min<std::size_t>(config_.max_endpoints, 4096));
}

std::uint32_t EndpointTable::evict_one() {
  std::uint32_t victim = eviction_cursor_ % static_cast<std::uint32_t>(endpoints_.size());
  for (std::uint32_t sample_idx = 0; sample_idx < kEvictionSample; ++sample_idx) {
    const std::uint32_t candidate =
        (eviction_cursor_ + sample_idx) % static_cast<std::uint32_t>(endpoints_.size());
    if (endpoints_[candidate].last_us < endpoints_[victim].last_us) {
      victim = candidate;
    }
  }
  eviction_cursor_ += kEvictionSample;
  Endpoint& old = endpoints_[victim];
  index_.erase(old.key);
  const std::uint32_t generation = old.generation + 1;
  old = Endpoint{};
  old.generation = generation;
  ++stats_.endpoints_evicted;
  return victim;
}

EndpointRef EndpointTable::get(const EndpointKey& key, std::int64_t ts_us) {
  const auto found = index_.find(key);
  if (found != index_.end()) {
    Endpoint& endpoint = endpoints_[found->second];
    if (ts_us > endpoint.last_us) {
      endpoint.last_us = ts_us;
    }
    return {found->second, endpoint.generation};
  }
  std::uint32_t slot = 0;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else if (endpoints_.size() < config_.max_endpoints) {
    slot = static_cast<std::uint32_t>(endpoints_.size());
    endpoints_.emplace_back();
  } else {
    slot = evict_one();
  }
  Endpoint& endpoint = endpoints_[slot];
  endpoint.key = key;
  endpoint.first_us = ts_us;
  endpoint.last_us = ts_us;
  endpoint.in_use = true;
  index_.emplace(key, slot);
  ++stats_.endpoints_created;
  return {slot, endpoint.generation};
}

Endpoint* EndpointTable::resolve(EndpointRef ref) {
  if (ref.is_none() || ref.index >= endpoints_.size()) {
    return nullptr;
  }
  Endpoint& endpoint = endpoints_[ref.index];
  return endpoint.generation == ref.generation && endpoint.in_use ? &endpoint : nullptr;
}

namespace {
/// The stored form of `raw`: itself when already clean, else sanitized (and, for host names,
/// lower-cased without trailing dots) into `owned`.
std::string_view canonical(proto::Attr attr, std::string_view raw, std::string& owned) {
  const bool lower = is_case_insensitive(attr);
  if (is_clean_value(raw, lower)) {
    return raw;
  }
  owned = sanitize(raw);
  if (lower) {
    owned = to_lower(owned);
    while (!owned.empty() && owned.back() == '.') {
      owned.pop_back();
    }
  }
  return owned;
}
}  // namespace

void EndpointTable::add_attribute(Endpoint& endpoint, proto::Attr attr, std::string_view raw_value,
                                  std::string_view protocol, std::int64_t first_us,
                                  std::int64_t last_us, std::uint64_t count) {
  ++stats_.observations;
  std::string owned;
  const std::string_view value = canonical(attr, raw_value, owned);
  if (value.empty()) {
    return;
  }
  add_hashed(endpoint, attr, value, protocol, hash_attribute(attr, value, protocol), first_us,
             last_us, count);
}

void EndpointTable::add_attributes(std::span<const AttributeUpdate> updates) {
  // Two passes: hash every value and ask for its pending entry first, then count them. The
  // entries are cache misses more often than not; requested together they overlap instead of
  // waiting one after another.
  constexpr std::size_t kChunk = kBatchChunk;
  auto& hashes = batch_hashes_;
  auto& values = batch_values_;
  auto& owned = batch_owned_;
  for (std::size_t start = 0; start < updates.size(); start += kChunk) {
    const std::size_t count = std::min(kChunk, updates.size() - start);
    for (std::size_t at = 0; at < count; ++at) {
      const AttributeUpdate& update = updates[start + at];
      values[at] = canonical(update.attr, update.value, owned[at]);
      hashes[at] = hash_attribute(update.attr, values[at], update.protocol);
      const auto index = static_cast<std::uint32_t>(update.endpoint - endpoints_.data());
      __builtin_prefetch(&pending_[pending_slot(index, hashes[at])]);
    }
    for (std::size_t at = 0; at < count; ++at) {
      const AttributeUpdate& update = updates[start + at];
      ++stats_.observations;
      if (!values[at].empty()) {
        add_hashed(*update.endpoint, update.attr, values[at], update.protocol, hashes[at],
                   update.ts_us, update.ts_us, 1);
      }
    }
  }
}

std::int64_t EndpointTable::count_value(Endpoint& endpoint, proto::Attr attr,
                                        std::string_view value, std::string_view protocol,
                                        std::uint64_t hash, std::int64_t first_us,
                                        std::int64_t last_us, std::uint64_t count,
                                        AttributeValue* movable) {
  auto same = [&](std::size_t position) {
    const AttributeValue& existing = endpoint.attributes[position];
    return existing.hash == hash && existing.attr == attr && existing.value == value &&
           existing.protocol == protocol;
  };
  std::int64_t found = -1;
  if (endpoint.attribute_index.active()) {
    found = endpoint.attribute_index.find(hash, same);
  } else {
    for (std::size_t position = 0; position < endpoint.attribute_hashes.size(); ++position) {
      if (endpoint.attribute_hashes[position] == hash && same(position)) {
        found = static_cast<std::int64_t>(position);
        break;
      }
    }
  }
  if (found >= 0) {
    AttributeValue& existing = endpoint.attributes[static_cast<std::size_t>(found)];
    existing.count += count;
    existing.first_us = std::min(existing.first_us, first_us);
    existing.last_us = std::max(existing.last_us, last_us);
    return found;
  }
  if (endpoint.attributes.size() >= config_.max_attributes_per_endpoint) {
    ++stats_.attributes_dropped;
    return -1;
  }
  const bool activity = is_activity_attr(attr);
  if (activity) {
    if (endpoint.activity_values >= max_activity_values()) {
      ++stats_.activity_dropped;
      return -1;
    }
    ++endpoint.activity_values;
  }
  if (movable != nullptr) {
    endpoint.attributes.push_back(std::move(*movable));
  } else {
    endpoint.attributes.push_back(AttributeValue{attr, std::string(value), std::string(protocol),
                                                 first_us, last_us, count, hash});
  }
  endpoint.attribute_hashes.push_back(hash);
  found = static_cast<std::int64_t>(endpoint.attributes.size() - 1);
  endpoint.attribute_index.add(hash, static_cast<std::uint32_t>(found), endpoint.attribute_hashes);
  return found;
}

void EndpointTable::add_hashed(Endpoint& endpoint, proto::Attr attr, std::string_view value,
                               std::string_view protocol, std::uint64_t hash, std::int64_t first_us,
                               std::int64_t last_us, std::uint64_t count) {
  const auto index = static_cast<std::uint32_t>(&endpoint - endpoints_.data());
  PendingAttribute& cached = pending_[pending_slot(index, hash)];
  if (cached.hash == hash && cached.endpoint == index && cached.generation == endpoint.generation &&
      cached.attr == attr && cached.in_use &&
      count <= std::numeric_limits<std::uint32_t>::max() - cached.count) {
    // Seen lately: count it here, in a table that stays in the CPU cache; the value's record
    // gets the sum when the entry is replaced or the table is read (flush()).
    cached.count += static_cast<std::uint32_t>(count);
    cached.first_us = std::min(cached.first_us, first_us);
    cached.last_us = std::max(cached.last_us, last_us);
    return;
  }
  const std::int64_t found =
      count_value(endpoint, attr, value, protocol, hash, first_us, last_us, count);
  if (found < 0) {
    return;
  }
  fold(cached);
  cached = PendingAttribute{hash,
                            index,
                            endpoint.generation,
                            static_cast<std::uint16_t>(found),
                            attr,
                            true,
                            0,
                            std::numeric_limits<std::int64_t>::max(),
                            std::numeric_limits<std::int64_t>::min()};
}

std::size_t EndpointTable::pending_slot(std::uint32_t endpoint_index, std::uint64_t hash) const {
  return static_cast<std::size_t>(mix64(hash ^ endpoint_index)) & (pending_.size() - 1);
}

void EndpointTable::fold(PendingAttribute& entry) {
  if (!entry.in_use) {
    return;
  }
  entry.in_use = false;
  if (entry.count == 0 || entry.endpoint >= endpoints_.size()) {
    return;
  }
  Endpoint& endpoint = endpoints_[entry.endpoint];
  if (!endpoint.in_use || endpoint.generation != entry.generation ||
      entry.position >= endpoint.attributes.size()) {
    return;  // the endpoint was evicted since: its evidence went with it
  }
  AttributeValue& target = endpoint.attributes[entry.position];
  target.count += entry.count;
  target.first_us = std::min(target.first_us, entry.first_us);
  target.last_us = std::max(target.last_us, entry.last_us);
}

std::vector<Endpoint> EndpointTable::release() {
  flush();
  std::vector<Endpoint> out = std::move(endpoints_);
  endpoints_.clear();
  endpoints_.reserve(config_.max_endpoints);
  free_.clear();
  index_.clear();
  return out;
}

void EndpointTable::add_peer_later(EndpointRef ref, const IpAddress& peer, std::int64_t ts_us) {
  peer_batch_.push_back({ref, peer, ts_us});
  if (peer_batch_.size() >= kPeerBatch) {
    flush_peers();
  }
}

void EndpointTable::flush_peers() {
  for (const PeerUpdate& update : peer_batch_) {
    if (const Endpoint* endpoint = resolve(update.endpoint)) {
      const std::uint64_t hash = std::hash<IpAddress>{}(update.peer);
      if (endpoint->peer_index.active()) {
        endpoint->peer_index.prefetch(hash);
      } else if (!endpoint->peer_hashes.empty()) {
        __builtin_prefetch(endpoint->peer_hashes.data());
      }
    }
  }
  for (const PeerUpdate& update : peer_batch_) {
    if (Endpoint* endpoint = resolve(update.endpoint)) {
      add_peer(*endpoint, update.peer, update.ts_us, update.ts_us);
    }
  }
  peer_batch_.clear();
}

void EndpointTable::release_pending() {
  flush();
  std::vector<PendingAttribute>(1).swap(pending_);  // a table of one entry: pending_slot() is 0
}

void EndpointTable::flush() {
  flush_peers();
  for (PendingAttribute& entry : pending_) {
    fold(entry);
  }
}

void EndpointTable::add_peer(Endpoint& endpoint, const IpAddress& peer, std::int64_t first_us,
                             std::int64_t last_us, std::uint64_t flows) {
  const std::uint64_t hash = std::hash<IpAddress>{}(peer);
  auto same = [&](std::size_t position) { return endpoint.peers[position].ip == peer; };
  std::int64_t found = -1;
  if (endpoint.peer_index.active()) {
    found = endpoint.peer_index.find(hash, same);
  } else {
    for (std::size_t position = 0; position < endpoint.peer_hashes.size(); ++position) {
      if (endpoint.peer_hashes[position] == hash && same(position)) {
        found = static_cast<std::int64_t>(position);
        break;
      }
    }
  }
  if (found >= 0) {
    PeerValue& existing = endpoint.peers[static_cast<std::size_t>(found)];
    existing.flows += flows;
    existing.first_us = std::min(existing.first_us, first_us);
    existing.last_us = std::max(existing.last_us, last_us);
    return;
  }
  if (endpoint.peers.size() >= config_.max_peers_per_endpoint) {
    // Full: the peers of smallest rank stay, so the kept ones do not depend on the order they
    // came in (nor on how flows were spread over workers: build_devices() merges a pair's
    // workers under the same cap). A peer that ever leaves never comes back (its rank stays
    // above the kept ones'), so a kept peer's counts are whole.
    ++stats_.peers_dropped;
    if (endpoint.peers.empty()) {
      return;
    }
    if (endpoint.highest_peer >= endpoint.peers.size()) {
      endpoint.highest_peer = 0;
      for (std::uint32_t position = 1; position < endpoint.peers.size(); ++position) {
        if (peer_ranks_before(endpoint.peer_hashes[endpoint.highest_peer],
                              endpoint.peers[endpoint.highest_peer].ip,
                              endpoint.peer_hashes[position], endpoint.peers[position].ip)) {
          endpoint.highest_peer = position;
        }
      }
    }
    const std::uint32_t highest = endpoint.highest_peer;
    if (!peer_ranks_before(hash, peer, endpoint.peer_hashes[highest], endpoint.peers[highest].ip)) {
      return;
    }
    endpoint.peers[highest] = PeerValue{peer, first_us, last_us, flows};
    endpoint.peer_hashes[highest] = hash;
    endpoint.peer_index.rebuild(endpoint.peer_hashes);
    endpoint.highest_peer = Endpoint::kUnknownPeer;
    return;
  }
  endpoint.peers.push_back(PeerValue{peer, first_us, last_us, flows});
  endpoint.peer_hashes.push_back(hash);
  endpoint.peer_index.add(hash, static_cast<std::uint32_t>(endpoint.peers.size() - 1),
                          endpoint.peer_hashes);
}

namespace {
/// What absorbing adds besides the records: the times widen, the counters add up.
void fold_scalars(Endpoint& target, const Endpoint& source) {
  target.first_us = std::min(target.first_us, source.first_us);
  target.last_us = std::max(target.last_us, source.last_us);
  target.counters.add(source.counters);
  target.sent_traffic = target.sent_traffic || source.sent_traffic;
  target.sent_unrouted = target.sent_unrouted || source.sent_unrouted;
}
}  // namespace

void EndpointTable::absorb(const EndpointKey& into, Endpoint&& source) {
  Endpoint* target = resolve(get(into, source.first_us));
  if (target == nullptr) {
    return;
  }
  if (!target->attributes.empty() || !target->peers.empty() ||
      source.attributes.size() > config_.max_attributes_per_endpoint ||
      source.activity_values > max_activity_values() ||
      source.peers.size() > config_.max_peers_per_endpoint) {
    // Counted in one by one, but a value new to the target moves its record over.
    absorb_into(*target, source, &source);
  } else {
    fold_scalars(*target, source);
    // Each record is unique in the source as in a table: taken whole, in the same order, they
    // are what counting them in one by one would give.
    stats_.observations += source.attributes.size();
    target->attributes = std::move(source.attributes);
    target->attribute_hashes = std::move(source.attribute_hashes);
    target->attribute_index = std::move(source.attribute_index);
    target->activity_values = source.activity_values;
    target->peers = std::move(source.peers);
    target->peer_hashes = std::move(source.peer_hashes);
    target->peer_index = std::move(source.peer_index);
    target->highest_peer = Endpoint::kUnknownPeer;
  }
  source.attributes.clear();
  source.attribute_hashes.clear();
  source.attribute_index = HashIndex{};
  source.activity_values = 0;
  source.peers.clear();
  source.peer_hashes.clear();
  source.peer_index = HashIndex{};
  source.highest_peer = Endpoint::kUnknownPeer;
}

void EndpointTable::absorb(const EndpointKey& into, const Endpoint& source) {
  if (Endpoint* target = resolve(get(into, source.first_us))) {
    absorb_into(*target, source, nullptr);
  }
}

void EndpointTable::reserve_records(Endpoint& endpoint, std::size_t attributes,
                                    std::size_t peers) const {
  attributes = std::min<std::size_t>(attributes, config_.max_attributes_per_endpoint);
  peers = std::min<std::size_t>(peers, config_.max_peers_per_endpoint);
  endpoint.attributes.reserve(attributes);
  endpoint.attribute_hashes.reserve(attributes);
  endpoint.peers.reserve(peers);
  endpoint.peer_hashes.reserve(peers);
}

void EndpointTable::absorb_into(Endpoint& target, const Endpoint& source, Endpoint* movable) {
  fold_scalars(target, source);
  // The source's values are stored (canonical) and hashed already, and mostly new to the
  // target: straight to the records, past the table of values seen lately.
  for (std::size_t at = 0; at < source.attributes.size(); ++at) {
    const AttributeValue& attribute = source.attributes[at];
    ++stats_.observations;
    (void)count_value(target, attribute.attr, attribute.value, attribute.protocol, attribute.hash,
                      attribute.first_us, attribute.last_us, attribute.count,
                      movable != nullptr ? &movable->attributes[at] : nullptr);
  }
  for (const PeerValue& peer : source.peers) {
    add_peer(target, peer.ip, peer.first_us, peer.last_us, peer.flows);
  }
}

}  // namespace warden::inventory
