// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "inventory/device.hpp"

namespace warden::inventory {
namespace {

bool is_address_attr(proto::Attr attr) {
  return attr == proto::Attr::Ipv4 || attr == proto::Attr::Ipv6;
}

void merge_attribute(Device& device, const AttributeValue& attribute) {
  for (AttributeValue& existing : device.attributes) {
    if (existing.hash == attribute.hash && existing.attr == attribute.attr &&
        existing.value == attribute.value && existing.protocol == attribute.protocol) {
      existing.count += attribute.count;
      existing.first_us = std::min(existing.first_us, attribute.first_us);
      existing.last_us = std::max(existing.last_us, attribute.last_us);
      return;
    }
  }
  device.attributes.push_back(attribute);
}

void merge_endpoint(Device& device, const Endpoint& endpoint) {
  if (device.first_us == 0 || endpoint.first_us < device.first_us) {
    device.first_us = endpoint.first_us;
  }
  device.last_us = std::max(device.last_us, endpoint.last_us);
  device.counters.add(endpoint.counters);
  for (const AttributeValue& attribute : endpoint.attributes) {
    merge_attribute(device, attribute);
  }
  for (const PeerValue& peer : endpoint.peers) {
    auto existing = std::find_if(device.peers.begin(), device.peers.end(),
                                 [&](const PeerValue& p) { return p.ip == peer.ip; });
    if (existing == device.peers.end()) {
      device.peers.push_back(peer);
    } else {
      existing->flows += peer.flows;
      existing->first_us = std::min(existing->first_us, peer.first_us);
      existing->last_us = std::max(existing->last_us, peer.last_us);
    }
  }
}

/// Records the address an endpoint was seen with as an attribute, with the endpoint's times.
void add_traffic_address(Device& device, const Endpoint& endpoint) {
  const IpAddress& ip = endpoint.key.ip;
  if (!ip.is_set() || !ip.is_assignable()) {
    return;
  }
  AttributeValue attribute;
  attribute.attr = ip.is_v4() ? proto::Attr::Ipv4 : proto::Attr::Ipv6;
  attribute.value = ip.to_string();
  attribute.protocol = "traffic";
  attribute.first_us = endpoint.first_us;
  attribute.last_us = endpoint.last_us;
  attribute.count = endpoint.counters.packets_out + endpoint.counters.packets_in;
  attribute.hash = std::hash<std::string>{}(attribute.value) ^ 0x5a5aU;
  merge_attribute(device, attribute);
}

}  // namespace

std::vector<Device> build_devices(const EndpointTable& table, const OuiDatabase& oui) {
  const std::vector<Endpoint>& endpoints = table.endpoints();

  // 1. Addresses bound to each MAC by ARP, DHCP, ND or LLDP (ByMac / Sender address facts).
  std::unordered_map<MacAddress, std::set<IpAddress>> bound;
  for (const Endpoint& endpoint : endpoints) {
    if (!endpoint.in_use || endpoint.key.mac.is_zero()) {
      continue;
    }
    for (const AttributeValue& attribute : endpoint.attributes) {
      if (is_address_attr(attribute.attr)) {
        if (auto ip = IpAddress::parse(attribute.value)) {
          bound[endpoint.key.mac].insert(*ip);
        }
      }
    }
  }

  // 2. Routers: MACs carrying IPv4 addresses nothing binds to them.
  std::unordered_map<MacAddress, std::size_t> unbound_v4;
  std::unordered_set<MacAddress> routers;
  for (const Endpoint& endpoint : endpoints) {
    const IpAddress& ip = endpoint.key.ip;
    if (!endpoint.in_use || endpoint.key.mac.is_zero() || !ip.is_v4() || !ip.is_assignable()) {
      continue;
    }
    const auto found = bound.find(endpoint.key.mac);
    if (found != bound.end() && found->second.count(ip) > 0) {
      continue;
    }
    if (!ip.is_private() || ++unbound_v4[endpoint.key.mac] > kRouterAddressThreshold) {
      routers.insert(endpoint.key.mac);
    }
  }

  std::map<std::string, Device> devices;                // ordered by key: stable output
  std::unordered_map<IpAddress, std::string> ip_owner;  // IP -> key of the MAC device holding it
  auto mac_device = [&](const MacAddress& mac) -> Device& {
    Device& device = devices["mac:" + mac.to_string()];
    if (!device.mac) {
      device.key = "mac:" + mac.to_string();
      device.mac = mac;
      device.locally_administered = mac.is_locally_administered();
      device.is_router = routers.count(mac) > 0;
      device.vendor = oui.lookup(mac);
    }
    return device;
  };
  auto ip_device = [&](const IpAddress& ip) -> Device& {
    Device& device = devices["ip:" + ip.to_string()];
    if (!device.key_ip) {
      device.key = "ip:" + ip.to_string();
      device.key_ip = ip;
    }
    return device;
  };

  // 3. Endpoints with a MAC that belong to the MAC's device.
  std::vector<const Endpoint*> deferred;  // IP-only facts and addresses behind routers
  for (const Endpoint& endpoint : endpoints) {
    if (!endpoint.in_use) {
      continue;
    }
    const MacAddress& mac = endpoint.key.mac;
    const IpAddress& ip = endpoint.key.ip;
    if (mac.is_zero() || !mac.is_unicast_station()) {
      deferred.push_back(&endpoint);
      continue;
    }
    const bool is_router = routers.count(mac) > 0;
    const auto bindings = bound.find(mac);
    const bool ip_bound = ip.is_set() && bindings != bound.end() && bindings->second.count(ip) > 0;
    // Behind a router: an unbound IPv4 address, or an unbound global IPv6 address.
    const bool behind_router = is_router && ip.is_set() && !ip_bound && !ip.is_link_local();
    if (behind_router) {
      deferred.push_back(&endpoint);
      // The router still forwarded these packets: count them, but keep the facts elsewhere.
      continue;
    }
    Device& device = mac_device(mac);
    merge_endpoint(device, endpoint);
    add_traffic_address(device, endpoint);
    if (ip.is_set() && ip.is_assignable()) {
      ip_owner.emplace(ip, device.key);
    }
  }
  for (const auto& [mac, addresses] : bound) {
    for (const IpAddress& ip : addresses) {
      ip_owner.emplace(ip, "mac:" + mac.to_string());
    }
  }

  // 4. IP-only facts: join the MAC device owning the IP, else become a routed device if private.
  for (const Endpoint* endpoint : deferred) {
    const IpAddress& ip = endpoint->key.ip;
    if (!ip.is_set() || !ip.is_assignable()) {
      continue;
    }
    const auto owner = ip_owner.find(ip);
    if (owner != ip_owner.end()) {
      merge_endpoint(devices[owner->second], *endpoint);
      continue;
    }
    if (!ip.is_private()) {
      continue;  // an internet host: a peer, not a device
    }
    Device& device = ip_device(ip);
    merge_endpoint(device, *endpoint);
    add_traffic_address(device, *endpoint);
  }

  std::vector<Device> out;
  out.reserve(devices.size());
  for (auto& [key, device] : devices) {
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
    out.push_back(std::move(device));
  }
  return out;
}

}  // namespace warden::inventory
