// SPDX-License-Identifier: Apache-2.0
#include "inventory/inventory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

namespace warden::inventory {
namespace {

MacAddress mac_of(std::uint32_t value) {
  MacAddress mac;
  mac.octets = {0x00,
                0x11,
                static_cast<std::uint8_t>(value >> 24),
                static_cast<std::uint8_t>(value >> 16),
                static_cast<std::uint8_t>(value >> 8),
                static_cast<std::uint8_t>(value)};
  return mac;
}

TEST(EndpointTable, DeduplicatesAttributesAndKeepsEvidence) {
  EndpointTable table;
  Endpoint* endpoint = table.resolve(table.get({mac_of(1), {}}, 10));
  ASSERT_NE(endpoint, nullptr);
  table.add_attribute(*endpoint, proto::Attr::Hostname, "Kitchen-Cam", "dhcp", 10);
  table.add_attribute(*endpoint, proto::Attr::Hostname, "kitchen-cam.", "dhcp", 30);
  table.add_attribute(*endpoint, proto::Attr::Hostname, "kitchen-cam", "mdns", 20);
  table.flush();
  ASSERT_EQ(endpoint->attributes.size(), 2U);
  EXPECT_EQ(endpoint->attributes[0].value, "kitchen-cam");
  EXPECT_EQ(endpoint->attributes[0].count, 2U);
  EXPECT_EQ(endpoint->attributes[0].first_us, 10);
  EXPECT_EQ(endpoint->attributes[0].last_us, 30);
}

TEST(EndpointTable, RepeatedValuesAreCountedExactlyThroughThePendingTable) {
  InventoryConfig config;
  config.pending_entries = 8;  // far fewer than the values: entries are replaced all the time
  EndpointTable table(config);
  constexpr std::uint32_t kEndpoints = 50;
  constexpr int kValues = 20;
  constexpr int kRepeats = 7;
  std::vector<std::pair<std::uint32_t, int>> order;
  for (int repeat = 0; repeat < kRepeats; ++repeat) {
    for (std::uint32_t mac_idx = 0; mac_idx < kEndpoints; ++mac_idx) {
      for (int value_idx = 0; value_idx < kValues; ++value_idx) {
        order.emplace_back(mac_idx, value_idx);
      }
    }
  }
  std::mt19937 random(3);
  std::shuffle(order.begin(), order.end(), random);
  std::int64_t now = 1000;
  for (const auto& [mac_idx, value_idx] : order) {
    Endpoint* endpoint = table.resolve(table.get({mac_of(mac_idx), {}}, now));
    ASSERT_NE(endpoint, nullptr);
    table.add_attribute(*endpoint, proto::Attr::DnsQuery, "name" + std::to_string(value_idx), "dns",
                        now++);
  }
  table.flush();
  for (const Endpoint& endpoint : table.endpoints()) {
    ASSERT_EQ(endpoint.attributes.size(), static_cast<std::size_t>(kValues));
    for (const AttributeValue& value : endpoint.attributes) {
      EXPECT_EQ(value.count, static_cast<std::uint64_t>(kRepeats)) << value.value;
      EXPECT_LT(value.first_us, value.last_us);
    }
  }
}

TEST(EndpointTable, CountsStayExactAfterThePendingTableIsReleased) {
  EndpointTable table;
  Endpoint* endpoint = table.resolve(table.get({mac_of(1), {}}, 10));
  ASSERT_NE(endpoint, nullptr);
  for (int repeat = 0; repeat < 3; ++repeat) {
    table.add_attribute(*endpoint, proto::Attr::DnsQuery, "a.example", "dns", 10 + repeat);
  }
  table.release_pending();  // folds the counts held, then drops the table
  ASSERT_EQ(endpoint->attributes.size(), 1U);
  EXPECT_EQ(endpoint->attributes[0].count, 3U);
  for (int repeat = 0; repeat < 2; ++repeat) {
    table.add_attribute(*endpoint, proto::Attr::DnsQuery, "a.example", "dns", 20 + repeat);
    table.add_attribute(*endpoint, proto::Attr::DnsQuery, "b.example", "dns", 20 + repeat);
  }
  table.flush();
  ASSERT_EQ(endpoint->attributes.size(), 2U);
  EXPECT_EQ(endpoint->attributes[0].count, 5U);
  EXPECT_EQ(endpoint->attributes[0].last_us, 21);
  EXPECT_EQ(endpoint->attributes[1].count, 2U);
}

TEST(EndpointTable, BatchedUpdatesEqualOneByOne) {
  InventoryConfig config;
  config.pending_entries = 16;
  EndpointTable one_by_one(config);
  EndpointTable batched(config);
  const std::vector<std::string> values = {"Kitchen-Cam.",  "kitchen-cam",   "evil\x1b[2J", "   ",
                                           "a.example.com", "A.EXAMPLE.COM", "tcp/80 http"};
  std::mt19937 random(5);
  std::vector<std::tuple<std::uint32_t, proto::Attr, std::string, std::int64_t>> script;
  script.reserve(500);
  for (int step = 0; step < 500; ++step) {  // more than one chunk of 32 per batch below
    script.emplace_back(static_cast<std::uint32_t>(random() % 4),
                        random() % 2 == 0 ? proto::Attr::Hostname : proto::Attr::HttpUserAgent,
                        values[random() % values.size()], step);
  }
  std::vector<EndpointTable::AttributeUpdate> updates;
  for (const auto& [mac_idx, attr, value, ts] : script) {
    Endpoint* a = one_by_one.resolve(one_by_one.get({mac_of(mac_idx), {}}, 0));
    one_by_one.add_attribute(*a, attr, value, "test", ts);
    Endpoint* b = batched.resolve(batched.get({mac_of(mac_idx), {}}, 0));
    updates.push_back({b, attr, value, "test", ts});
    if (updates.size() == 77) {
      batched.add_attributes(updates);
      updates.clear();
    }
  }
  batched.add_attributes(updates);
  one_by_one.flush();
  batched.flush();
  ASSERT_EQ(one_by_one.endpoints().size(), batched.endpoints().size());
  for (std::size_t index = 0; index < batched.endpoints().size(); ++index) {
    const auto& left = one_by_one.endpoints()[index].attributes;
    const auto& right = batched.endpoints()[index].attributes;
    ASSERT_EQ(left.size(), right.size());
    for (std::size_t at = 0; at < left.size(); ++at) {
      EXPECT_EQ(left[at].value, right[at].value);
      EXPECT_EQ(left[at].count, right[at].count);
      EXPECT_EQ(left[at].first_us, right[at].first_us);
      EXPECT_EQ(left[at].last_us, right[at].last_us);
    }
  }
  EXPECT_EQ(one_by_one.stats().observations, batched.stats().observations);
}

TEST(EndpointTable, PendingCountsOfAnEvictedEndpointDoNotReachItsSuccessor) {
  InventoryConfig config;
  config.max_endpoints = 1;
  EndpointTable table(config);
  Endpoint* first = table.resolve(table.get({mac_of(1), {}}, 1));
  for (int repeat = 0; repeat < 3; ++repeat) {
    table.add_attribute(*first, proto::Attr::Hostname, "cam", "dhcp", 1 + repeat);
  }
  Endpoint* second = table.resolve(table.get({mac_of(2), {}}, 10));  // evicts the first
  ASSERT_NE(second, nullptr);
  table.add_attribute(*second, proto::Attr::Hostname, "cam", "dhcp", 10);
  table.flush();
  ASSERT_EQ(table.endpoints()[0].attributes.size(), 1U);
  EXPECT_EQ(table.endpoints()[0].attributes[0].count, 1U);
  EXPECT_EQ(table.endpoints()[0].attributes[0].first_us, 10);
}

TEST(EndpointTable, SanitizesHostileValues) {
  EndpointTable table;
  Endpoint* endpoint = table.resolve(table.get({mac_of(1), {}}, 10));
  table.add_attribute(*endpoint, proto::Attr::HttpUserAgent, "evil\x1b[2J\n", "http", 10);
  ASSERT_EQ(endpoint->attributes.size(), 1U);
  EXPECT_EQ(endpoint->attributes[0].value, "evil.[2J.");
  table.add_attribute(*endpoint, proto::Attr::HttpUserAgent, "   ", "http", 10);
  EXPECT_EQ(endpoint->attributes.size(), 1U);  // empty after trimming: dropped
}

TEST(EndpointTable, MemoryStaysBoundedUnderAMacFlood) {
  InventoryConfig config;
  config.max_endpoints = 1000;
  config.max_attributes_per_endpoint = 4;
  config.max_peers_per_endpoint = 4;
  EndpointTable table(config);
  for (std::uint32_t mac_idx = 0; mac_idx < 200'000; ++mac_idx) {
    const EndpointRef ref = table.get({mac_of(mac_idx), {}}, mac_idx);
    Endpoint* endpoint = table.resolve(ref);
    ASSERT_NE(endpoint, nullptr);
    for (int attr_idx = 0; attr_idx < 10; ++attr_idx) {
      table.add_attribute(*endpoint, proto::Attr::DnsQuery, std::to_string(attr_idx), "dns",
                          mac_idx);
    }
    for (int attr_idx = 0; attr_idx < 10; ++attr_idx) {
      table.add_attribute(*endpoint, proto::Attr::Hostname, "h" + std::to_string(attr_idx), "dhcp",
                          mac_idx);
      table.add_peer(*endpoint, IpAddress::v4_from_u32(static_cast<std::uint32_t>(attr_idx)),
                     mac_idx, mac_idx);
    }
    ASSERT_EQ(endpoint->attributes.size(), 4U);
    ASSERT_LE(table.size(), 1000U);
  }
  EXPECT_EQ(table.endpoints().size(), 1000U);
  EXPECT_EQ(table.stats().endpoints_evicted, 199'000U);
  // Each endpoint: three of its ten names looked up (activity's three quarters of four values),
  // then one of its ten host names.
  EXPECT_EQ(table.stats().activity_dropped, 200'000U * 7);
  EXPECT_EQ(table.stats().attributes_dropped, 200'000U * 9);
  EXPECT_EQ(table.stats().peers_dropped, 200'000U * 6);
}

TEST(EndpointTable, NamesLookedUpLeaveRoomForTheDevicesIdentity) {
  // A laptop behind the sensor for a day: a thousand names looked up and servers asked for, then
  // its DHCP renewal and its mDNS announcements.
  EndpointTable table;
  Endpoint* endpoint = table.resolve(table.get({mac_of(7), {}}, 1));
  ASSERT_NE(endpoint, nullptr);
  for (int name = 0; name < 1000; ++name) {
    table.add_attribute(*endpoint, proto::Attr::DnsQuery, "n" + std::to_string(name) + ".example",
                        "dns", 10 + name);
    table.add_attribute(*endpoint, proto::Attr::TlsSni, "s" + std::to_string(name) + ".example",
                        "tls", 10 + name);
  }
  table.add_attribute(*endpoint, proto::Attr::Hostname, "laptop-7", "dhcp", 5000);
  table.add_attribute(*endpoint, proto::Attr::DhcpFingerprint, "1,121,3,6,15,114,119,252", "dhcp",
                      5000);
  table.add_attribute(*endpoint, proto::Attr::MdnsServiceType, "_airplay._tcp", "mdns", 5001);
  table.flush();
  const std::uint32_t share = 512 - 512 / 4;
  std::map<proto::Attr, int> kinds;
  for (const AttributeValue& value : endpoint->attributes) {
    ++kinds[value.attr];
  }
  EXPECT_EQ(kinds[proto::Attr::DnsQuery] + kinds[proto::Attr::TlsSni], static_cast<int>(share));
  EXPECT_EQ(kinds[proto::Attr::Hostname], 1);
  EXPECT_EQ(kinds[proto::Attr::DhcpFingerprint], 1);
  EXPECT_EQ(kinds[proto::Attr::MdnsServiceType], 1);
  EXPECT_EQ(endpoint->activity_values, share);
  EXPECT_EQ(table.stats().activity_dropped, 2000U - share);
  EXPECT_EQ(table.stats().attributes_dropped, 0U);

  // Moved whole into an empty endpoint of another table, it keeps its count of activity values:
  // the next name is still refused.
  EndpointTable devices;
  devices.absorb({mac_of(7), {}}, std::move(*endpoint));
  Endpoint* device = devices.resolve(devices.get({mac_of(7), {}}, 1));
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->activity_values, share);
  devices.add_attribute(*device, proto::Attr::DnsQuery, "one-more.example", "dns", 6000);
  devices.add_attribute(*device, proto::Attr::Hostname, "laptop-7.local", "mdns", 6000);
  devices.flush();
  EXPECT_EQ(device->attributes.size(), share + 4);
  EXPECT_EQ(devices.stats().activity_dropped, 1U);
}

TEST(EndpointTable, AFullEndpointKeepsTheSamePeersWhateverOrderOrWorkerSawThem) {
  InventoryConfig config;
  config.max_peers_per_endpoint = 64;
  const EndpointKey key{mac_of(1), {}};
  // 1,000 peers, two flows each, at times that depend on the peer.
  struct Flow {
    std::uint32_t peer;
    std::int64_t ts;
  };
  std::vector<Flow> flows;
  for (std::uint32_t peer = 0; peer < 1000; ++peer) {
    flows.push_back({peer, 1000 + peer});
    flows.push_back({peer, 5000 + peer * 3});
  }
  using Kept = std::vector<std::tuple<IpAddress, std::int64_t, std::int64_t, std::uint64_t>>;
  auto kept_of = [](const Endpoint& endpoint) {
    Kept kept;
    for (const PeerValue& peer : endpoint.peers) {
      kept.emplace_back(peer.ip, peer.first_us, peer.last_us, peer.flows);
    }
    std::sort(kept.begin(), kept.end());
    return kept;
  };
  auto add = [&](EndpointTable& table, const Flow& flow) {
    Endpoint* endpoint = table.resolve(table.get(key, flow.ts));
    ASSERT_NE(endpoint, nullptr);
    table.add_peer(*endpoint, IpAddress::v4_from_u32(0x0A000000 + flow.peer), flow.ts, flow.ts);
  };
  EndpointTable in_order(config);
  for (const Flow& flow : flows) {
    add(in_order, flow);
  }
  const Kept expected = kept_of(*in_order.resolve(in_order.get(key, 0)));
  ASSERT_EQ(expected.size(), 64U);
  for (const auto& [ip, first, last, count] : expected) {
    EXPECT_EQ(count, 2U) << ip.to_string();  // a kept peer's flows are all counted
    EXPECT_LT(first, last);
  }
  std::mt19937 random(7);
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(flows.begin(), flows.end(), random);
    // Two "workers" see the flows in turn; their endpoints are merged as the device build does.
    EndpointTable first(config);
    EndpointTable second(config);
    for (std::size_t at = 0; at < flows.size(); ++at) {
      add(at % 2 == 0 ? first : second, flows[at]);
    }
    EndpointTable merged(config);
    merged.absorb(key, *first.resolve(first.get(key, 0)));
    merged.absorb(key, *second.resolve(second.get(key, 0)));
    EXPECT_EQ(kept_of(*merged.resolve(merged.get(key, 0))), expected) << trial;
  }
}

TEST(EndpointTable, StaleHandlesDoNotResolveAfterEviction) {
  InventoryConfig config;
  config.max_endpoints = 1;
  EndpointTable table(config);
  const EndpointRef first = table.get({mac_of(1), {}}, 1);
  const EndpointRef second = table.get({mac_of(2), {}}, 2);
  EXPECT_EQ(table.resolve(first), nullptr);
  EXPECT_NE(table.resolve(second), nullptr);
}

}  // namespace
}  // namespace warden::inventory
