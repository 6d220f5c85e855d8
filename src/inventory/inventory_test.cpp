// SPDX-License-Identifier: Apache-2.0
#include "inventory/inventory.hpp"

#include <gtest/gtest.h>

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
  ASSERT_EQ(endpoint->attributes.size(), 2U);
  EXPECT_EQ(endpoint->attributes[0].value, "kitchen-cam");
  EXPECT_EQ(endpoint->attributes[0].count, 2U);
  EXPECT_EQ(endpoint->attributes[0].first_us, 10);
  EXPECT_EQ(endpoint->attributes[0].last_us, 30);
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
      table.add_peer(*endpoint, IpAddress::v4_from_u32(static_cast<std::uint32_t>(attr_idx)),
                     mac_idx, mac_idx);
    }
    ASSERT_LE(table.size(), 1000U);
  }
  EXPECT_EQ(table.endpoints().size(), 1000U);
  EXPECT_EQ(table.stats().endpoints_evicted, 199'000U);
  EXPECT_EQ(table.stats().attributes_dropped, 200'000U * 6);
  EXPECT_EQ(table.stats().peers_dropped, 200'000U * 6);
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

TEST(EndpointTable, MergeAddsCountersAndWidensTimes) {
  EndpointTable left;
  EndpointTable right;
  Endpoint* a = left.resolve(left.get({mac_of(7), IpAddress::v4_from_u32(0x0A000007)}, 100));
  a->counters.packets_out = 3;
  left.add_attribute(*a, proto::Attr::Hostname, "cam", "dhcp", 100);
  Endpoint* b = right.resolve(right.get({mac_of(7), IpAddress::v4_from_u32(0x0A000007)}, 50));
  b->counters.packets_out = 4;
  b->last_us = 500;
  right.add_attribute(*b, proto::Attr::Hostname, "cam", "dhcp", 50);
  left.merge_from(right);
  ASSERT_EQ(left.size(), 1U);
  const Endpoint& merged = left.endpoints()[0];
  EXPECT_EQ(merged.counters.packets_out, 7U);
  EXPECT_EQ(merged.first_us, 50);
  EXPECT_EQ(merged.last_us, 500);
  ASSERT_EQ(merged.attributes.size(), 1U);
  EXPECT_EQ(merged.attributes[0].count, 2U);
  EXPECT_EQ(merged.attributes[0].first_us, 50);
  EXPECT_EQ(merged.attributes[0].last_us, 100);
}

}  // namespace
}  // namespace warden::inventory
