// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "core/parallel.hpp"
#include "inventory/device.hpp"

namespace warden::inventory {
namespace {

bool is_address_attr(proto::Attr attr) {
  return attr == proto::Attr::Ipv4 || attr == proto::Attr::Ipv6;
}

/// Each attribute kind's place in the order of their names (attribute_order()).
const std::array<std::uint16_t, static_cast<std::size_t>(proto::kLastAttr) + 1>& name_ranks() {
  static const auto ranks = [] {
    constexpr std::size_t kKinds = static_cast<std::size_t>(proto::kLastAttr) + 1;
    std::array<std::uint16_t, kKinds> kinds{};
    for (std::size_t kind = 0; kind < kKinds; ++kind) {
      kinds[kind] = static_cast<std::uint16_t>(kind);
    }
    std::sort(kinds.begin(), kinds.end(), [](std::uint16_t left, std::uint16_t right) {
      return proto::attr_name(static_cast<proto::Attr>(left)) <
             proto::attr_name(static_cast<proto::Attr>(right));
    });
    std::array<std::uint16_t, kKinds> out{};
    for (std::size_t rank = 0; rank < kKinds; ++rank) {
      out[kinds[rank]] = static_cast<std::uint16_t>(rank);
    }
    return out;
  }();
  return ranks;
}

std::uint16_t name_rank(proto::Attr attr) {
  const auto kind = static_cast<std::size_t>(attr);
  return kind < name_ranks().size() ? name_ranks()[kind]
                                    : std::numeric_limits<std::uint16_t>::max();
}

/// Sorts `attributes` into attribute_order(), moving each record once (they are large: sorting
/// them in place moved each a dozen times, a tenth of the device build).
void sort_attributes(std::vector<AttributeValue>& attributes) {
  if (std::is_sorted(attributes.begin(), attributes.end(), attribute_order)) {
    return;
  }
  struct Entry {
    std::uint16_t rank;
    std::uint32_t index;
  };
  std::vector<Entry> order;
  order.reserve(attributes.size());
  for (std::size_t index = 0; index < attributes.size(); ++index) {
    order.push_back({name_rank(attributes[index].attr), static_cast<std::uint32_t>(index)});
  }
  std::sort(order.begin(), order.end(), [&](const Entry& left, const Entry& right) {
    if (left.rank != right.rank) {
      return left.rank < right.rank;
    }
    const AttributeValue& a = attributes[left.index];
    const AttributeValue& b = attributes[right.index];
    return std::tie(a.value, a.protocol) < std::tie(b.value, b.protocol);
  });
  // Into place along the permutation's cycles (the record that belongs at k is at
  // order[k].index): each record moves once, plus once per cycle through `held`. A second vector
  // of records would be fresh memory, which costs a page fault and a page clear per 4 KiB: all the
  // devices' attributes, 11 MB on the benchmark capture.
  for (std::size_t start = 0; start < order.size(); ++start) {
    if (order[start].index == start) {
      continue;  // in place, or placed by an earlier cycle
    }
    AttributeValue held = std::move(attributes[start]);
    std::size_t at = start;
    while (true) {
      const std::size_t from = order[at].index;
      order[at].index = static_cast<std::uint32_t>(at);
      if (from == start) {
        attributes[at] = std::move(held);
        break;
      }
      attributes[at] = std::move(attributes[from]);
      at = from;
    }
  }
}
}  // namespace

bool attribute_order(const AttributeValue& left, const AttributeValue& right) {
  if (left.attr != right.attr) {
    return name_rank(left.attr) < name_rank(right.attr);
  }
  return std::tie(left.value, left.protocol) < std::tie(right.value, right.protocol);
}

std::vector<Device> build_devices(const EndpointTable& table, const OuiDatabase& oui) {
  const std::array<const EndpointTable*, 1> tables = {&table};
  return build_devices(tables, oui);
}

namespace {
/// build_devices(); with `consume`, the endpoints' records are taken (the tables are the
/// caller's to change: build_devices_consuming()).
std::vector<Device> build(std::span<const EndpointTable* const> tables, const OuiDatabase& oui,
                          unsigned threads, bool consume) {
  // Every endpoint of every table (one per worker: the same (MAC, IP) pair may be in several).
  std::vector<const Endpoint*> endpoints;
  std::size_t capacity = 1;
  for (const EndpointTable* table : tables) {
    capacity += table->size();
    for (const Endpoint& endpoint : table->endpoints()) {
      if (endpoint.in_use) {
        endpoints.push_back(&endpoint);
      }
    }
  }
  // A pair in several workers' tables that holds more peers or values, all told, than one
  // worker keeps of a pair is merged first, under a worker's caps, into what one worker would
  // have kept: the peers of smallest rank are the same whichever worker saw them
  // (EndpointTable::add_peer()), and their counts are whole. (Below the caps the device takes
  // every copy's records as they are.) With several threads each merges the pairs whose key
  // hashes to it.
  const unsigned parts = std::max(1U, std::min(threads, 16U));
  std::vector<std::optional<EndpointTable>> merged_pairs(parts);
  if (tables.size() > 1) {
    struct Copies {
      std::uint32_t count = 0;
      std::size_t peers = 0;
      std::size_t attributes = 0;
      std::size_t activity = 0;
      [[nodiscard]] bool to_merge(const InventoryConfig& caps) const {
        return count > 1 && (peers > caps.max_peers_per_endpoint ||
                             attributes > caps.max_attributes_per_endpoint ||
                             activity > max_activity_values(caps));
      }
    };
    const InventoryConfig& caps = tables.front()->config();
    absl::flat_hash_map<EndpointKey, Copies, EndpointKeyHash> copies;
    copies.reserve(endpoints.size());
    for (const Endpoint* endpoint : endpoints) {
      Copies& entry = copies[endpoint->key];
      ++entry.count;
      entry.peers += endpoint->peers.size();
      entry.attributes += endpoint->attributes.size();
      entry.activity += endpoint->activity_values;
    }
    // Each endpoint's part when its pair is merged, or `parts` when it is taken as it is.
    std::vector<unsigned> merge_part(endpoints.size(), parts);
    std::vector<std::uint32_t> shared(parts, 0);
    const EndpointKeyHash key_hash;
    for (std::size_t at = 0; at < endpoints.size(); ++at) {
      const EndpointKey& key = endpoints[at]->key;
      if (copies.find(key)->second.to_merge(caps)) {
        merge_part[at] = static_cast<unsigned>(key_hash(key) % parts);
      }
    }
    for (const auto& [key, entry] : copies) {
      shared[key_hash(key) % parts] += entry.to_merge(caps) ? 1U : 0U;
    }
    run_in_parallel(parts, [&](unsigned part) {
      if (shared[part] == 0) {
        return;
      }
      InventoryConfig config = caps;
      config.max_endpoints = shared[part];
      config.pending_entries = 1024;
      EndpointTable& merged = merged_pairs[part].emplace(config);
      for (std::size_t at = 0; at < endpoints.size(); ++at) {
        if (merge_part[at] != part) {
          continue;
        }
        const Endpoint& endpoint = *endpoints[at];
        if (consume) {
          merged.absorb(endpoint.key, std::move(const_cast<Endpoint&>(endpoint)));  // NOLINT
        } else {
          merged.absorb(endpoint.key, endpoint);
        }
      }
    });
    std::vector<const Endpoint*> kept;
    kept.reserve(endpoints.size());
    for (std::size_t at = 0; at < endpoints.size(); ++at) {
      if (merge_part[at] == parts) {
        kept.push_back(endpoints[at]);
      }
    }
    for (const std::optional<EndpointTable>& merged : merged_pairs) {
      if (merged) {
        for (const Endpoint& endpoint : merged->endpoints()) {
          if (endpoint.in_use) {
            kept.push_back(&endpoint);
          }
        }
      }
    }
    endpoints = std::move(kept);
  }

  // 1. Addresses bound to each MAC by ARP, DHCP, ND or LLDP (ByMac / Sender address facts), and
  //    the endpoints that sent traffic in any table.
  std::unordered_map<MacAddress, std::set<IpAddress>> bound;
  std::unordered_set<EndpointKey, EndpointKeyHash> senders;
  // Public IPv4 addresses a MAC sent unrouted packets from (initial TTL): a host on this link
  // with a public address (universities, some enterprises), which no ARP or DHCP in the capture
  // may have bound. Without them its MAC carried an unbound public address, as a router's does,
  // and the host was taken for a router, with no device at all.
  std::map<MacAddress, std::set<IpAddress>> unrouted_public;
  for (const Endpoint* endpoint : endpoints) {
    if (endpoint->sent_traffic) {
      senders.insert(endpoint->key);
    }
    if (endpoint->key.mac.is_zero()) {
      continue;
    }
    for (const AttributeValue& attribute : endpoint->attributes) {
      if (is_address_attr(attribute.attr)) {
        if (auto ip = IpAddress::parse(attribute.value)) {
          bound[endpoint->key.mac].insert(*ip);
        }
      }
    }
    const IpAddress& ip = endpoint->key.ip;
    if (endpoint->sent_unrouted && endpoint->key.mac.is_unicast_station() && ip.is_v4() &&
        ip.is_assignable() && !ip.is_private()) {
      unrouted_public[endpoint->key.mac].insert(ip);
    }
  }
  for (const auto& [mac, addresses] : unrouted_public) {
    // A host has an address or two; a MAC sending unrouted packets from more is a gateway that
    // does not decrement the TTL (some firewalls and NAT boxes): its addresses stay unbound.
    if (addresses.size() <= kRouterAddressThreshold) {
      bound[mac].insert(addresses.begin(), addresses.end());
    }
  }

  // 2. Routers: MACs carrying IPv4 addresses nothing binds to them.
  std::unordered_map<MacAddress, std::set<IpAddress>> unbound_v4;
  std::unordered_set<MacAddress> routers;
  for (const Endpoint* endpoint : endpoints) {
    const IpAddress& ip = endpoint->key.ip;
    if (endpoint->key.mac.is_zero() || !ip.is_v4() || !ip.is_assignable()) {
      continue;
    }
    const auto found = bound.find(endpoint->key.mac);
    if (found != bound.end() && found->second.count(ip) > 0) {
      continue;
    }
    auto& unbound = unbound_v4[endpoint->key.mac];
    unbound.insert(ip);
    if (!ip.is_private() || unbound.size() > kRouterAddressThreshold) {
      routers.insert(endpoint->key.mac);
    }
  }

  // What each endpoint adds to which device, decided first and done after (in this order).
  struct Absorb {
    EndpointKey device;
    const Endpoint* endpoint;
    bool with_address;  ///< the address the endpoint was seen with is evidence too
  };
  std::vector<Absorb> absorbs;
  absorbs.reserve(endpoints.size());
  std::unordered_map<IpAddress, EndpointKey> ip_owner;      // IP -> the MAC device holding it
  std::unordered_map<IpAddress, std::int64_t> ip_first_us;  // when that MAC was seen with it

  // 3. Endpoints with a MAC that belong to the MAC's device.
  std::vector<const Endpoint*> deferred;  // IP-only facts and addresses behind routers
  for (const Endpoint* endpoint_in : endpoints) {
    const Endpoint& endpoint = *endpoint_in;
    const MacAddress& mac = endpoint.key.mac;
    const IpAddress& ip = endpoint.key.ip;
    if (mac.is_zero() || !mac.is_unicast_station()) {
      deferred.push_back(&endpoint);
      continue;
    }
    const auto bindings = bound.find(mac);
    const bool ip_bound = ip.is_set() && bindings != bound.end() && bindings->second.count(ip) > 0;
    // Behind a router: an unbound IPv4 address, or an unbound global IPv6 address.
    if (routers.count(mac) > 0 && ip.is_set() && !ip_bound && !ip.is_link_local()) {
      deferred.push_back(&endpoint);
      continue;
    }
    absorbs.push_back({{mac, {}}, &endpoint, true});
    if (ip.is_set() && ip.is_assignable()) {
      // An address seen with several MACs (it moved, or two hosts claimed it) belongs to the one
      // seen with it first (then the lowest MAC): the same whatever order the tables are read in.
      const auto [owner, added] = ip_owner.emplace(ip, EndpointKey{mac, {}});
      auto& first_us = ip_first_us[ip];
      if (added || std::tie(endpoint.first_us, mac) < std::tie(first_us, owner->second.mac)) {
        owner->second = EndpointKey{mac, {}};
        first_us = endpoint.first_us;
      }
    }
  }
  // Addresses bound by ARP, DHCP, ND or LLDP and never seen as a source: the lowest MAC's.
  for (const auto& [mac, addresses] : bound) {
    for (const IpAddress& ip : addresses) {
      const auto [owner, added] = ip_owner.emplace(ip, EndpointKey{mac, {}});
      if (!added && !ip_first_us.contains(ip) && mac < owner->second.mac) {
        owner->second = EndpointKey{mac, {}};
      }
    }
  }

  // 4. IP-only facts: join the MAC device owning the IP, else become a routed device if private.
  for (const Endpoint* endpoint : deferred) {
    const IpAddress& ip = endpoint->key.ip;
    if (!ip.is_set() || !ip.is_assignable()) {
      continue;
    }
    if (const auto owner = ip_owner.find(ip); owner != ip_owner.end()) {
      absorbs.push_back({owner->second, endpoint, false});
    } else if (ip.is_private() && senders.contains(endpoint->key)) {
      absorbs.push_back({{{}, ip}, endpoint, true});
    }
    // Otherwise an internet host, or an address that only received (a scan's targets, which
    // may not exist): a peer, not a device.
  }

  // Devices are aggregated in endpoint tables keyed (MAC, none) or (none, IP): the same merge
  // rules as everywhere else, with room for everything a device's endpoints carry. With several
  // threads each builds the devices whose key hashes to it, in the same order as one would.
  InventoryConfig config;
  config.max_endpoints = static_cast<std::uint32_t>(capacity);
  config.max_attributes_per_endpoint = 4096;
  config.max_peers_per_endpoint = 1024;
  config.pending_entries = 4096;
  // Each part also turns its aggregates into devices, their attributes and peers sorted.
  std::vector<std::vector<Device>> built(parts);
  auto build_part = [&](unsigned part) {
    EndpointTable devices(config);
    const EndpointKeyHash key_hash;
    auto in_part = [&](const Absorb& absorb) {
      return parts == 1 || key_hash(absorb.device) % parts == part;
    };
    // The records each device takes in all, at most: a device that absorbs several endpoints
    // gets room for all of them with the first, instead of growing its vectors by doubling as
    // they come (fresh memory costs a page fault and a page clear per 4 KiB; with two threads
    // each endpoint is in both workers' tables, and the build took twice the memory of one).
    struct Room {
      std::size_t attributes = 1;  // the vendor's
      std::size_t peers = 0;
      std::uint32_t absorbs = 0;
      bool reserved = false;
    };
    absl::flat_hash_map<EndpointKey, Room, EndpointKeyHash> room;
    for (const Absorb& absorb : absorbs) {
      if (in_part(absorb)) {
        Room& needed = room[absorb.device];
        needed.attributes += absorb.endpoint->attributes.size() + 1;  // + its address
        needed.peers += absorb.endpoint->peers.size();
        ++needed.absorbs;
      }
    }
    for (const Absorb& absorb : absorbs) {
      if (!in_part(absorb)) {
        continue;
      }
      const Endpoint& endpoint = *absorb.endpoint;
      if (consume) {
        // Each endpoint is absorbed once, by one thread; only its records move (below, its key,
        // times and counters are read still).
        devices.absorb(absorb.device, std::move(const_cast<Endpoint&>(endpoint)));  // NOLINT
      } else {
        devices.absorb(absorb.device, endpoint);
      }
      Room& needed = room.find(absorb.device)->second;
      const bool reserve = needed.absorbs > 1 && !needed.reserved;  // once, after the first
      needed.reserved = needed.reserved || reserve;
      const IpAddress& ip = endpoint.key.ip;
      const bool address = absorb.with_address && ip.is_set() && ip.is_assignable();
      if (!reserve && !address) {
        continue;
      }
      Endpoint* device = devices.resolve(devices.get(absorb.device, endpoint.first_us));
      if (device == nullptr) {
        continue;
      }
      if (reserve) {
        devices.reserve_records(*device, needed.attributes, needed.peers);
      }
      if (address) {
        devices.add_attribute(*device, ip.is_v4() ? proto::Attr::Ipv4 : proto::Attr::Ipv6,
                              ip.to_string(), "traffic", endpoint.first_us, endpoint.last_us,
                              endpoint.counters.packets_out + endpoint.counters.packets_in);
      }
    }
    std::vector<Device>& out = built[part];
    for (Endpoint& aggregate : devices.release()) {
      if (!aggregate.in_use) {
        continue;
      }
      Device& device = out.emplace_back();
      if (!aggregate.key.mac.is_zero()) {
        const MacAddress& mac = aggregate.key.mac;
        device.key = "mac:" + mac.to_string();
        device.mac = mac;
        device.locally_administered = mac.is_locally_administered();
        device.is_router = routers.count(mac) > 0;
        device.vendor = oui.lookup(mac);
      } else {
        device.key = "ip:" + aggregate.key.ip.to_string();
        device.key_ip = aggregate.key.ip;
      }
      device.first_us = aggregate.first_us;
      device.last_us = aggregate.last_us;
      device.counters = aggregate.counters;
      device.attributes = std::move(aggregate.attributes);
      device.peers = std::move(aggregate.peers);
      if (device.vendor) {
        AttributeValue vendor;
        vendor.attr = proto::Attr::Vendor;
        vendor.value = *device.vendor;
        vendor.protocol = "ieee-oui";
        vendor.first_us = device.first_us;
        vendor.last_us = device.last_us;
        vendor.count = 1;
        vendor.hash = std::hash<std::string>{}(vendor.value);
        device.attributes.push_back(std::move(vendor));
      }
      // Absorbed endpoint by endpoint, in an order that depends on the thread count: sorted.
      sort_attributes(device.attributes);
      std::sort(device.peers.begin(), device.peers.end(), peer_order);
    }
  };
  run_in_parallel(parts, build_part);

  // By key: stable output.
  std::vector<Device*> ordered;
  for (std::vector<Device>& part : built) {
    for (Device& device : part) {
      ordered.push_back(&device);
    }
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const Device* a, const Device* b) { return a->key < b->key; });
  std::vector<Device> out;
  out.reserve(ordered.size());
  for (Device* device : ordered) {
    out.push_back(std::move(*device));
  }
  return out;
}

}  // namespace

std::vector<Device> build_devices(std::span<const EndpointTable* const> tables,
                                  const OuiDatabase& oui, unsigned threads) {
  return build(tables, oui, threads, false);
}

std::vector<Device> build_devices_consuming(std::span<EndpointTable* const> tables,
                                            const OuiDatabase& oui, unsigned threads) {
  const std::vector<const EndpointTable*> read_only(tables.begin(), tables.end());
  return build(read_only, oui, threads, true);
}

}  // namespace warden::inventory
