// SPDX-License-Identifier: Apache-2.0
#include "detect/policy_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace warden::detect {
namespace {

IpAddress ip(const std::string& text) {
  return *IpAddress::parse(text);
}

flow::Flow make_flow(const std::string& from, const std::string& to, std::uint16_t port,
                     std::int64_t start_us) {
  flow::Flow flow;
  flow.key.a = ip(from);
  flow.key.b = ip(to);
  flow.key.port_a = 40000;
  flow.key.port_b = port;
  flow.key.proto = 6;
  flow.initiator_is_a = true;
  flow.first_ts_us = start_us;
  flow.last_ts_us = start_us + 1000;
  flow.packets[0] = 2;
  flow.packets[1] = 1;
  flow.bytes[0] = 120;
  flow.bytes[1] = 60;
  return flow;
}

inventory::Device device(const std::string& mac, const std::string& address,
                         const std::string& type) {
  inventory::Device d;
  d.key = "mac:" + mac;
  d.mac = MacAddress::parse(mac);
  d.attributes.push_back({proto::Attr::Ipv4, address, "arp", 0, 0, 1, 0});
  d.identity.push_back({"type", type, 0.9, "rules", {}});
  return d;
}

constexpr std::string_view kPolicy = R"(version: 1
default: deny
unzoned: ignore
zones:
  lan: {cidrs: [10.0.0.0/24]}
  cameras: {select: {type: [ip_camera]}}
  internet: {internet: true}
conduits:
  - {name: web-out, from: [lan, cameras], to: internet, transport: tcp, ports: [443]}
)";

std::map<std::string, Alert> by_id(const std::vector<Alert>& alerts) {
  std::map<std::string, Alert> out;
  for (const Alert& alert : alerts) {
    EXPECT_TRUE(out.emplace(alert.id, alert).second) << "two alerts " << alert.id;
  }
  return out;
}

// 20 internet hosts try telnet on the camera, one tries SSH on it, the camera opens telnet to a
// LAN host twice (two flows, one conversation) and HTTPS to the internet (allowed).
std::vector<flow::Flow> flows() {
  std::vector<flow::Flow> out;
  for (int host = 20; host >= 1; --host) {
    out.push_back(make_flow("203.0.113." + std::to_string(host * 10), "10.0.0.20", 23,
                            std::int64_t{1'000'000} * host));
  }
  out.push_back(make_flow("198.51.100.7", "10.0.0.20", 22, 5'000'000));
  out.push_back(make_flow("10.0.0.20", "10.0.0.30", 23, 30'000'000));
  out.push_back(make_flow("10.0.0.20", "10.0.0.30", 23, 31'000'000));
  out.push_back(make_flow("10.0.0.20", "93.184.216.34", 443, 32'000'000));
  return out;
}

std::vector<Alert> check(const std::vector<flow::Flow>& in) {
  Tracker tracker;
  for (const flow::Flow& flow : in) {
    tracker.on_flow_end(flow, false);
  }
  const auto policy = policy::parse_policy(kPolicy, "test.yaml");
  EXPECT_TRUE(policy.has_value());
  const std::vector<inventory::Device> devices = {
      device("44:47:cc:00:00:14", "10.0.0.20", "ip_camera"),
      device("00:1a:2b:00:00:1e", "10.0.0.30", "computer")};
  return policy_violations(tracker, *policy, devices);
}

TEST(PolicyViolations, InternetSourcesOfOneServiceMakeOneAlert) {
  const auto alerts = by_id(check(flows()));
  ASSERT_EQ(alerts.size(), 3U);

  const Alert& telnet = alerts.at("WARDEN-POL-VIOLATION:zone:internet>10.0.0.20:tcp/23");
  EXPECT_EQ(telnet.count, 20U);
  EXPECT_EQ(telnet.source_ip, "");  // 20 sources: none stands for them
  EXPECT_EQ(telnet.destination_ip, "10.0.0.20");
  EXPECT_EQ(telnet.destination_port, 23);
  EXPECT_EQ(telnet.device_key, "mac:44:47:cc:00:00:14");  // the device the internet reaches
  EXPECT_EQ(telnet.device["type"], "ip_camera");
  EXPECT_EQ(telnet.first_us, 1'000'000);
  EXPECT_EQ(telnet.last_us, 20'001'000);
  EXPECT_EQ(telnet.message,
            "20 hosts (internet) -> 10.0.0.20 (cameras) tcp/23: no conduit allows tcp/23 from "
            "internet to cameras");
  EXPECT_EQ(telnet.evidence["sources"], 20);
  EXPECT_EQ(telnet.evidence["flows"], 20);
  EXPECT_EQ(telnet.evidence["packets_out"], 40);
  EXPECT_EQ(telnet.evidence["bytes_in"], 1200);
  // The 16 smallest addresses, in order: 203.0.113.10, .100, .110, ..., .200, .20, .30, ...
  std::vector<std::string> sample = telnet.evidence["source_sample"];
  ASSERT_EQ(sample.size(), 16U);
  std::vector<IpAddress> addresses;
  for (int host = 1; host <= 20; ++host) {
    addresses.push_back(ip("203.0.113." + std::to_string(host * 10)));
  }
  std::sort(addresses.begin(), addresses.end());
  for (std::size_t i = 0; i < sample.size(); ++i) {
    EXPECT_EQ(sample[i], addresses[i].to_string());
  }

  // One source: the alert names it.
  const Alert& ssh = alerts.at("WARDEN-POL-VIOLATION:zone:internet>10.0.0.20:tcp/22");
  EXPECT_EQ(ssh.source_ip, "198.51.100.7");
  EXPECT_EQ(ssh.evidence["sources"], 1);
  EXPECT_EQ(ssh.message,
            "198.51.100.7 (internet) -> 10.0.0.20 (cameras) tcp/22: no conduit allows tcp/22 "
            "from internet to cameras");

  // A device's own conversation stays one alert, about that device.
  const Alert& lateral = alerts.at("WARDEN-POL-VIOLATION:10.0.0.20>10.0.0.30:tcp/23");
  EXPECT_EQ(lateral.count, 2U);
  EXPECT_EQ(lateral.source_ip, "10.0.0.20");
  EXPECT_EQ(lateral.source_mac, "44:47:cc:00:00:14");
  EXPECT_EQ(lateral.device_key, "mac:44:47:cc:00:00:14");
  EXPECT_FALSE(lateral.evidence.contains("sources"));
}

TEST(PolicyViolations, TheSameAlertsWhateverOrderTheConversationsComeIn) {
  std::vector<flow::Flow> in = flows();
  const auto forward = by_id(check(in));
  std::reverse(in.begin(), in.end());
  const auto backward = by_id(check(in));
  std::rotate(in.begin(), in.begin() + 7, in.end());
  const auto rotated = by_id(check(in));
  ASSERT_EQ(forward.size(), backward.size());
  ASSERT_EQ(forward.size(), rotated.size());
  for (const auto& [id, alert] : forward) {
    for (const auto* other : {&backward.at(id), &rotated.at(id)}) {
      EXPECT_EQ(alert.message, other->message) << id;
      EXPECT_EQ(alert.source_ip, other->source_ip) << id;
      EXPECT_EQ(alert.evidence.dump(), other->evidence.dump()) << id;
      EXPECT_EQ(alert.count, other->count) << id;
    }
  }
}

}  // namespace
}  // namespace warden::detect
