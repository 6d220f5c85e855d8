// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "inventory/device.hpp"

namespace warden::inventory {
namespace {

const MacAddress the_router = *MacAddress::parse("00:1b:21:00:00:01");  // Intel MA-L
const MacAddress the_camera = *MacAddress::parse("44:19:b6:00:00:02");  // Hikvision MA-L
const MacAddress the_phone = *MacAddress::parse("da:a1:19:00:00:03");   // randomized

OuiDatabase test_oui() {
  OuiDatabase oui;
  oui.add_csv(
      "Registry,Assignment,Organization Name,Organization Address\n"
      "MA-L,001B21,Intel Corporate,Lot 8 Jalan Hi-Tech 2/3  Kulim Kedah MY 09000 \n"
      "MA-L,4419B6,\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",\"No.555 Qianmo Road\"\n");
  return oui;
}

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

const Device* find(const std::vector<Device>& devices, const std::string& key) {
  const auto found = std::find_if(devices.begin(), devices.end(),
                                  [&](const Device& device) { return device.key == key; });
  return found == devices.end() ? nullptr : &*found;
}

bool has_value(const Device& device, proto::Attr attr, const std::string& value) {
  return std::any_of(device.attributes.begin(), device.attributes.end(),
                     [&](const auto& a) { return a.attr == attr && a.value == value; });
}

TEST(BuildDevices, RouterMacDoesNotCollectTheInternet) {
  EndpointTable table;
  // The router's own address is bound by ARP; internet hosts and a routed LAN host arrive via it.
  Endpoint* router_mac = table.resolve(table.get({the_router, {}}, 1));
  table.add_attribute(*router_mac, proto::Attr::Ipv4, "192.168.1.1", "arp", 1);
  for (const char* address : {"192.168.1.1", "8.8.8.8", "1.1.1.1", "10.9.0.5", "93.184.216.34"}) {
    Endpoint* endpoint = table.resolve(table.get({the_router, ip(address)}, 2));
    endpoint->counters.packets_out = 1;
    endpoint->sent_traffic = true;
  }
  Endpoint* routed = table.resolve(table.get({the_router, ip("10.9.0.5")}, 3));
  table.add_attribute(*routed, proto::Attr::DnsQuery, "time.example.org", "dns", 3);
  table.resolve(table.get({the_camera, ip("192.168.1.20")}, 4))->counters.packets_out = 9;

  const std::vector<Device> devices = build_devices(table, test_oui());
  const Device* router = find(devices, "mac:00:1b:21:00:00:01");
  ASSERT_NE(router, nullptr);
  EXPECT_TRUE(router->is_router);
  EXPECT_EQ(router->vendor, "Intel Corporate");
  EXPECT_TRUE(has_value(*router, proto::Attr::Ipv4, "192.168.1.1"));
  EXPECT_FALSE(has_value(*router, proto::Attr::Ipv4, "8.8.8.8"));
  EXPECT_FALSE(has_value(*router, proto::Attr::Ipv4, "10.9.0.5"));
  EXPECT_EQ(find(devices, "ip:8.8.8.8"), nullptr);  // internet hosts are peers, not devices
  const Device* routed_device = find(devices, "ip:10.9.0.5");
  ASSERT_NE(routed_device, nullptr);
  EXPECT_TRUE(has_value(*routed_device, proto::Attr::DnsQuery, "time.example.org"));
  const Device* camera = find(devices, "mac:44:19:b6:00:00:02");
  ASSERT_NE(camera, nullptr);
  EXPECT_FALSE(camera->is_router);
  EXPECT_EQ(camera->vendor, "Hangzhou Hikvision Digital Technology Co.,Ltd.");
  EXPECT_TRUE(has_value(*camera, proto::Attr::Ipv4, "192.168.1.20"));
}

TEST(BuildDevices, HostsWithPublicAddressesOnTheLinkAreDevices) {
  // A LAN numbered from public space (147.32.80.0/24, as in the Stratosphere captures): no ARP or
  // DHCP was captured, but the hosts' packets arrive with their initial TTL. The gateway forwards
  // internet hosts' packets, their TTL decremented; a second gateway does not decrement it, and
  // sends from three public addresses.
  const MacAddress first = *MacAddress::parse("30:3e:a7:07:e5:bc");
  const MacAddress second = *MacAddress::parse("ec:f4:bb:cf:93:88");
  const MacAddress stealth = *MacAddress::parse("00:1b:21:00:00:09");
  EndpointTable table;
  auto sent = [&](const MacAddress& mac, const char* address, bool unrouted) {
    Endpoint* endpoint = table.resolve(table.get({mac, ip(address)}, 1));
    endpoint->counters.packets_out = 5;
    endpoint->sent_traffic = true;
    endpoint->sent_unrouted = unrouted;
  };
  sent(first, "147.32.80.40", true);
  sent(second, "147.32.80.37", true);
  for (const MacAddress& gateway : {the_router, stealth}) {  // their own frames (ARP, STP, ...)
    table.resolve(table.get({gateway, {}}, 1))->sent_traffic = true;
  }
  for (const char* internet : {"141.193.213.20", "141.193.213.21"}) {
    sent(the_router, internet, false);
  }
  for (const char* internet : {"198.51.100.1", "198.51.100.2", "198.51.100.3"}) {
    sent(stealth, internet, true);
  }
  const std::vector<Device> devices = build_devices(table, test_oui());
  const Device* host = find(devices, "mac:30:3e:a7:07:e5:bc");
  ASSERT_NE(host, nullptr);
  EXPECT_FALSE(host->is_router);
  EXPECT_TRUE(has_value(*host, proto::Attr::Ipv4, "147.32.80.40"));
  const Device* other = find(devices, "mac:ec:f4:bb:cf:93:88");
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(has_value(*other, proto::Attr::Ipv4, "147.32.80.37"));
  const Device* gateway = find(devices, "mac:00:1b:21:00:00:01");
  ASSERT_NE(gateway, nullptr);
  EXPECT_TRUE(gateway->is_router);
  EXPECT_FALSE(has_value(*gateway, proto::Attr::Ipv4, "141.193.213.20"));
  const Device* no_decrement = find(devices, "mac:00:1b:21:00:00:09");
  ASSERT_NE(no_decrement, nullptr);
  EXPECT_TRUE(no_decrement->is_router);
  EXPECT_FALSE(has_value(*no_decrement, proto::Attr::Ipv4, "198.51.100.1"));
  EXPECT_EQ(find(devices, "ip:141.193.213.20"), nullptr);  // internet hosts stay peers
  EXPECT_EQ(find(devices, "ip:198.51.100.1"), nullptr);
  EXPECT_EQ(devices.size(), 4U);
}

TEST(BuildDevices, UnroutedTtlsAreTheInitialOnes) {
  EXPECT_TRUE(is_unrouted_ttl(64));
  EXPECT_TRUE(is_unrouted_ttl(128));
  EXPECT_TRUE(is_unrouted_ttl(255));
  EXPECT_FALSE(is_unrouted_ttl(63));
  EXPECT_FALSE(is_unrouted_ttl(57));
  EXPECT_FALSE(is_unrouted_ttl(0));
}

TEST(BuildDevices, FactsAboutAnIpJoinTheMacHoldingIt) {
  EndpointTable table;
  table.resolve(table.get({the_camera, ip("192.168.1.20")}, 1))->sent_traffic = true;
  Endpoint* by_ip = table.resolve(table.get({{}, ip("192.168.1.20")}, 2));
  table.add_attribute(*by_ip, proto::Attr::Hostname, "cam-kitchen", "mdns", 2);
  const std::vector<Device> devices = build_devices(table, test_oui());
  ASSERT_EQ(devices.size(), 1U);
  EXPECT_TRUE(has_value(devices[0], proto::Attr::Hostname, "cam-kitchen"));
}

TEST(BuildDevices, AnAddressTwoMacsClaimedGoesToTheFirstWhateverTheTableOrder) {
  // The camera had 192.168.1.20 first, the phone later (a new DHCP lease): an IP-only fact
  // about the address joins the camera, whichever worker's table is read first.
  const MacAddress second_camera = *MacAddress::parse("44:19:b6:00:00:09");
  EndpointTable camera_side;
  EndpointTable phone_side;
  camera_side.resolve(camera_side.get({the_camera, ip("192.168.1.20")}, 10))->sent_traffic = true;
  phone_side.resolve(phone_side.get({second_camera, ip("192.168.1.20")}, 20))->sent_traffic = true;
  Endpoint* by_ip = phone_side.resolve(phone_side.get({{}, ip("192.168.1.20")}, 30));
  phone_side.add_attribute(*by_ip, proto::Attr::Hostname, "cam-kitchen", "snmp", 30);
  camera_side.flush();
  phone_side.flush();
  for (const auto& tables : {std::array<const EndpointTable*, 2>{&camera_side, &phone_side},
                             std::array<const EndpointTable*, 2>{&phone_side, &camera_side}}) {
    const std::vector<Device> devices = build_devices(tables, test_oui());
    const Device* first = find(devices, "mac:" + the_camera.to_string());
    const Device* later = find(devices, "mac:" + second_camera.to_string());
    ASSERT_NE(first, nullptr);
    ASSERT_NE(later, nullptr);
    EXPECT_TRUE(has_value(*first, proto::Attr::Hostname, "cam-kitchen"));
    EXPECT_FALSE(has_value(*later, proto::Attr::Hostname, "cam-kitchen"));
  }
}

TEST(BuildDevices, FlagsRandomizedMacsWithoutVendor) {
  EndpointTable table;
  table.resolve(table.get({the_phone, ip("192.168.1.30")}, 1))->sent_traffic = true;
  const std::vector<Device> devices = build_devices(table, test_oui());
  ASSERT_EQ(devices.size(), 1U);
  EXPECT_TRUE(devices[0].locally_administered);
  EXPECT_FALSE(devices[0].vendor);
}

TEST(BuildDevices, ManyIpv6PrivacyAddressesDoNotMakeARouter) {
  EndpointTable table;
  for (const char* address :
       {"fe80::1", "2001:db8::a1", "2001:db8::a2", "2001:db8::a3", "2001:db8::a4"}) {
    table.resolve(table.get({the_camera, ip(address)}, 1))->sent_traffic = true;
  }
  const std::vector<Device> devices = build_devices(table, test_oui());
  ASSERT_EQ(devices.size(), 1U);
  EXPECT_FALSE(devices[0].is_router);
  EXPECT_TRUE(has_value(devices[0], proto::Attr::Ipv6, "2001:db8::a4"));
}

}  // namespace
TEST(BuildDevices, TwoWorkersTablesAddUpAsOne) {
  // The same (MAC, IP) pair seen by two workers: counters add, times widen, values merge.
  EndpointTable left;
  EndpointTable right;
  Endpoint* a = left.resolve(left.get({the_camera, ip("10.0.0.7")}, 100));
  a->counters.packets_out = 3;
  a->sent_traffic = true;
  left.add_attribute(*a, proto::Attr::Hostname, "cam", "dhcp", 100);
  Endpoint* b = right.resolve(right.get({the_camera, ip("10.0.0.7")}, 50));
  b->counters.packets_out = 4;
  b->last_us = 500;
  right.add_attribute(*b, proto::Attr::Hostname, "cam", "dhcp", 50);
  left.flush();
  right.flush();
  const std::array<const EndpointTable*, 2> tables = {&left, &right};
  const std::vector<Device> devices = build_devices(tables, test_oui());
  ASSERT_EQ(devices.size(), 1U);
  const Device& camera = devices[0];
  EXPECT_EQ(camera.counters.packets_out, 7U);
  EXPECT_EQ(camera.first_us, 50);
  EXPECT_EQ(camera.last_us, 500);
  const auto hostname =
      std::find_if(camera.attributes.begin(), camera.attributes.end(),
                   [](const AttributeValue& value) { return value.attr == proto::Attr::Hostname; });
  ASSERT_NE(hostname, camera.attributes.end());
  EXPECT_EQ(hostname->count, 2U);
  EXPECT_EQ(hostname->first_us, 50);
  EXPECT_EQ(hostname->last_us, 100);
  EXPECT_TRUE(has_value(camera, proto::Attr::Ipv4, "10.0.0.7"));
}

TEST(BuildDevices, TakingTheRecordsGivesWhatCopyingThemGives) {
  // Two workers' tables with a device whose endpoints are in both, one with enough values to
  // have built its index, an IP-only fact, peers: every device must come out the same whether
  // the records are copied or taken.
  auto fill = [](EndpointTable& table, int offset) {
    Endpoint* camera = table.resolve(table.get({the_camera, ip("10.0.0.7")}, 100 + offset));
    camera->sent_traffic = true;
    camera->counters.packets_out = 3 + static_cast<std::uint64_t>(offset);
    for (int value = 0; value < 40; ++value) {
      table.add_attribute(*camera, proto::Attr::DnsQuery,
                          "host" + std::to_string((value * 7 + offset) % 50) + ".example.com",
                          "dns", 100 + value + offset);
    }
    table.add_peer(*camera, ip("93.184.216.34"), 100, 200 + offset, 2);
    table.add_peer(*camera, ip("10.0.0.1"), 150, 300, 1);
    Endpoint* by_mac = table.resolve(table.get({the_camera, {}}, 90));
    table.add_attribute(*by_mac, proto::Attr::Ipv4, "10.0.0.7", "dhcp", 90);
    table.add_attribute(*by_mac, proto::Attr::Hostname, "cam-" + std::to_string(offset), "dhcp",
                        90);
    Endpoint* by_ip = table.resolve(table.get({{}, ip("10.0.0.7")}, 120));
    table.add_attribute(*by_ip, proto::Attr::SnmpSysName, "camera", "snmp", 120);
  };
  auto render = [](const std::vector<Device>& devices) {
    std::vector<std::string> lines;
    for (const Device& device : devices) {
      std::string line = device.key + " " + std::to_string(device.first_us) + "-" +
                         std::to_string(device.last_us) + " " +
                         std::to_string(device.counters.packets_out);
      for (const AttributeValue& a : device.attributes) {
        line += " | " + std::string(proto::attr_name(a.attr)) + "=" + a.value + "/" + a.protocol +
                " " + std::to_string(a.count) + " " + std::to_string(a.first_us) + "-" +
                std::to_string(a.last_us);
      }
      for (const PeerValue& peer : device.peers) {
        line += " peer " + peer.ip.to_string() + " " + std::to_string(peer.flows) + " " +
                std::to_string(peer.first_us) + "-" + std::to_string(peer.last_us);
      }
      lines.push_back(line);
    }
    return lines;
  };
  for (const unsigned threads : {1U, 2U}) {
    EndpointTable left;
    EndpointTable right;
    fill(left, 0);
    fill(right, 3);
    left.flush();
    right.flush();
    const std::array<const EndpointTable*, 2> read_only = {&left, &right};
    const std::vector<std::string> copied = render(build_devices(read_only, test_oui(), threads));
    const std::array<EndpointTable*, 2> owned = {&left, &right};
    const std::vector<std::string> taken =
        render(build_devices_consuming(owned, test_oui(), threads));
    ASSERT_FALSE(copied.empty());
    EXPECT_EQ(taken, copied) << threads;
  }
}

}  // namespace warden::inventory
