// SPDX-License-Identifier: Apache-2.0
#include "detect/policy_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "detect/device_index.hpp"
#include "protocols/registry.hpp"

namespace warden::detect {
namespace {

policy::Endpoint endpoint_of(const IpAddress& ip, std::uint16_t vlan,
                             const inventory::Device* device) {
  policy::Endpoint endpoint;
  endpoint.ip = ip;
  if (vlan != 0) {
    endpoint.vlan = vlan;
  }
  if (device != nullptr) {
    endpoint.type = device->identity_value("type");
    if (endpoint.type == "unknown") {
      endpoint.type.clear();
    }
    endpoint.vendor = device->identity_value("vendor");
  }
  return endpoint;
}

std::string transport_name(std::uint8_t proto) {
  switch (proto) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
    case 58:
      return "icmp";
    default:
      return std::to_string(proto);
  }
}

}  // namespace

policy::Endpoint policy_endpoint(const IpAddress& ip, std::uint16_t vlan,
                                 const std::vector<inventory::Device>& devices) {
  const DeviceIndex index(&devices);
  return endpoint_of(ip, vlan, index.find(ip));
}

std::vector<Alert> policy_violations(const Tracker& tracker, const policy::Policy& policy,
                                     const std::vector<inventory::Device>& devices) {
  const DeviceIndex index(&devices);
  std::vector<Alert> alerts;
  // A host's zone depends on its address, its VLAN and its device (found by address): looked up
  // once per (address, VLAN), not twice per conversation (the benchmark capture's 51,543
  // conversations are between 3,782 such hosts).
  struct Host {
    const inventory::Device* device = nullptr;
    std::optional<policy::ZoneAssignment> zone;
  };
  struct HostKey {
    IpAddress ip;
    std::uint16_t vlan = 0;
    bool operator==(const HostKey&) const = default;
  };
  struct HostKeyHash {
    std::size_t operator()(const HostKey& key) const noexcept {
      return std::hash<IpAddress>{}(key.ip) ^ (std::size_t{key.vlan} << 48U);
    }
  };
  absl::flat_hash_map<HostKey, Host, HostKeyHash> hosts;
  auto host_of = [&](const IpAddress& ip, std::uint16_t vlan) -> Host {
    auto [entry, inserted] = hosts.try_emplace(HostKey{ip, vlan});
    if (inserted) {
      entry->second.device = index.find(ip);
      entry->second.zone = policy::zone_of(policy, endpoint_of(ip, vlan, entry->second.device));
    }
    return entry->second;
  };
  // A device's description, made once for all its violations (a scanned host is in hundreds).
  absl::flat_hash_map<const inventory::Device*, nlohmann::json> descriptions;
  auto described = [&](const inventory::Device* device) -> const nlohmann::json& {
    auto [entry, inserted] = descriptions.try_emplace(device);
    if (inserted) {
      entry->second = describe(device);
    }
    return entry->second;
  };
  // Conversations an internet host opened (no device holds its address, which is public) add up
  // per (its zone, responder, transport, port): a service exposed to the internet is one alert
  // however many hosts reach it, not one per scanner (the benchmark capture's telnet scans come
  // from 2,645 addresses). The rest stay one alert per conversation.
  struct Inbound {
    std::size_t alert = 0;     // its alert in `alerts`
    IpAddress representative;  // the smallest source: its protocol and reason describe them all
    std::vector<IpAddress> sample;  // the smallest sources, sorted
    std::uint64_t sources = 0;
    std::string from;  // the zones' names for the message, "(unzoned)" for none
    std::string to;
    std::string service;  // "tcp/23"
  };
  absl::flat_hash_map<std::string, Inbound> inbound;  // by alert id
  constexpr std::size_t kSourceSample = 16;
  for (const auto& [key, c] : tracker.conversations()) {
    if (!key.initiator.is_assignable() || !key.responder.is_assignable()) {
      continue;  // multicast, broadcast: evaluate() would not govern them
    }
    const Host from_host = host_of(key.initiator, c.vlan);  // copies: a lookup may rehash
    const Host to_host = host_of(key.responder, c.vlan);
    const inventory::Device* initiator = from_host.device;
    const inventory::Device* responder = to_host.device;
    policy::Conversation conversation;
    conversation.initiator.ip = key.initiator;
    conversation.responder.ip = key.responder;
    conversation.transport = transport_name(key.transport);
    conversation.port = key.port;
    if (const proto::ProtocolInfo* info = proto::protocol_info(c.app)) {
      conversation.protocol = std::string(info->name);
    }
    const auto verdict = policy::evaluate(policy, conversation, from_host.zone, to_host.zone);
    if (!verdict || verdict->allowed) {
      continue;
    }
    const std::string from = verdict->from_zone.empty() ? "(unzoned)" : verdict->from_zone;
    const std::string to = verdict->to_zone.empty() ? "(unzoned)" : verdict->to_zone;
    const std::string service = conversation.transport + "/" + std::to_string(key.port);
    const bool from_internet =
        initiator == nullptr && !key.initiator.is_private() && !key.initiator.is_link_local();
    std::string id = fmt::format("WARDEN-POL-VIOLATION:{}{}>{}:{}", from_internet ? "zone:" : "",
                                 from_internet ? from : key.initiator.to_string(),
                                 key.responder.to_string(), service);
    if (from_internet) {
      auto [entry, inserted] = inbound.try_emplace(id);
      Inbound* group = &entry->second;
      group->sources += 1;
      auto at = std::lower_bound(group->sample.begin(), group->sample.end(), key.initiator);
      if (at - group->sample.begin() < static_cast<std::ptrdiff_t>(kSourceSample)) {
        group->sample.insert(at, key.initiator);
        if (group->sample.size() > kSourceSample) {
          group->sample.pop_back();
        }
      }
      if (!inserted) {
        Alert& alert = alerts[group->alert];
        alert.first_us = std::min(alert.first_us, c.first_us);
        alert.last_us = std::max(alert.last_us, c.last_us);
        alert.count += c.flows;
        nlohmann::json& evidence = alert.evidence;
        evidence["flows"] = evidence["flows"].get<std::uint64_t>() + c.flows;
        evidence["packets_out"] = evidence["packets_out"].get<std::uint64_t>() + c.packets_out;
        evidence["packets_in"] = evidence["packets_in"].get<std::uint64_t>() + c.packets_in;
        evidence["bytes_out"] = evidence["bytes_out"].get<std::uint64_t>() + c.bytes_out;
        evidence["bytes_in"] = evidence["bytes_in"].get<std::uint64_t>() + c.bytes_in;
        if (!(key.initiator < group->representative)) {
          continue;
        }
        // A smaller source: its protocol and reason now stand for the group (the same whatever
        // order the conversations come in, which differs between runs and thread counts).
        group->representative = key.initiator;
        evidence["reason"] = verdict->conduit;
        evidence["protocol"] = conversation.protocol;
        continue;
      }
      group->representative = key.initiator;
      group->alert = alerts.size();
      group->from = from;
      group->to = to;
      group->service = service;
    }
    Alert alert;
    alert.rule_id = "WARDEN-POL-VIOLATION";
    alert.rule_name = "Segmentation policy violation";
    alert.severity = "high";
    alert.techniques = {"T1599", "T0886"};
    alert.id = std::move(id);
    alert.source_ip = key.initiator.to_string();
    alert.destination_ip = key.responder.to_string();
    alert.destination_port = key.port;
    alert.transport = conversation.transport == "tcp" || conversation.transport == "udp"
                          ? conversation.transport
                          : std::string();
    alert.first_us = c.first_us;
    alert.last_us = c.last_us;
    alert.count = c.flows;
    if (initiator != nullptr) {
      alert.device_key = initiator->key;
      alert.device = described(initiator);
      if (initiator->mac) {
        alert.source_mac = initiator->mac->to_string();
      }
    } else if (from_internet && responder != nullptr) {
      alert.device_key = responder->key;  // the device the internet reaches
      alert.device = described(responder);
    }
    alert.message = fmt::format("{} ({}) -> {} ({}) {}{}: {}", key.initiator.to_string(), from,
                                key.responder.to_string(), to, service,
                                conversation.protocol.empty() ? "" : " " + conversation.protocol,
                                verdict->conduit);
    alert.evidence = {{"from_zone", verdict->from_zone},
                      {"to_zone", verdict->to_zone},
                      {"reason", verdict->conduit},
                      {"protocol", conversation.protocol},
                      {"flows", c.flows},
                      {"packets_out", c.packets_out},
                      {"packets_in", c.packets_in},
                      {"bytes_out", c.bytes_out},
                      {"bytes_in", c.bytes_in},
                      {"responder", described(responder)}};
    alerts.push_back(std::move(alert));
  }
  // Groups of several sources: no one source address, and the message counts them.
  for (auto& [id, group] : inbound) {
    Alert& alert = alerts[group.alert];
    nlohmann::json sample = nlohmann::json::array();
    for (const IpAddress& source : group.sample) {
      sample.push_back(source.to_string());
    }
    alert.evidence["sources"] = group.sources;
    alert.evidence["source_sample"] = std::move(sample);
    if (group.sources > 1) {
      alert.source_ip.clear();
      const auto& protocol = alert.evidence["protocol"].get_ref<const std::string&>();
      alert.message = fmt::format("{} hosts ({}) -> {} ({}) {}{}: {}", group.sources, group.from,
                                  alert.destination_ip, group.to, group.service,
                                  protocol.empty() ? "" : " " + protocol,
                                  alert.evidence["reason"].get_ref<const std::string&>());
    }
  }
  return alerts;
}

}  // namespace warden::detect
