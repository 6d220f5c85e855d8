// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "detect/detector.hpp"
#include "detect/intel.hpp"
#include "detect/tracker.hpp"
#include "testutil/hex.hpp"

namespace warden::detect {
namespace {

using ::testing::HasSubstr;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

flow::Flow make_flow(const char* from, const char* to, std::uint16_t port, std::int64_t start_us,
                     std::uint8_t proto = 6, std::uint64_t bytes_out = 60,
                     std::uint64_t responder_packets = 1) {
  flow::Flow flow;
  flow.key.a = ip(from);
  flow.key.b = ip(to);
  flow.key.port_a = 40000;
  flow.key.port_b = port;
  flow.key.proto = proto;
  flow.initiator_is_a = true;
  flow.first_ts_us = start_us;
  flow.last_ts_us = start_us + 1000;
  flow.packets[0] = 1;
  flow.packets[1] = responder_packets;
  flow.bytes[0] = bytes_out;
  flow.bytes[1] = responder_packets * 60;
  return flow;
}

using testutil::from_hex;

// Echo data (after identifier and sequence number) of real packets.
// BusyBox ping (`busybox ping -c 2`, captured with tcpdump in a network namespace): a 4-byte
// timestamp and zeros, 56 bytes, returned unchanged in the reply.
constexpr std::string_view kBusyboxPingData =
    "5cf29c55000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000";
// ../shared/pcaps/ndpi/icmp-tunnel.pcap (icmptunnel, identifier 0xfeff, sequence 0): frame 157, a
// request from 192.168.154.131 carrying a 32-byte IPv4/UDP packet 10.95.1.1 -> 10.95.1.2, and
// frame 156, a reply from 192.168.154.132 carrying the packet the other way.
constexpr std::string_view kTunnelRequestData =
    "45000020000040004011240d0a5f01010a5f01020035d8b5000c612910d19e30";
constexpr std::string_view kTunnelReplyData =
    "45000020000040004011240d0a5f01020a5f0101d8b50035000c612910d19e30";

// ptunnel-ng 1.42 in the ICMP tunnel lab (tests/integration/icmp_tunnel_test.sh), the echo data
// of its client's first request: the header (magic 0xDEADC0DE, destination 127.0.0.1:8080,
// client flag and state "start", acknowledgement 0xFFFF, no data, sequence 0, tunnel 0x94E8), and
// the header of a reply from its proxy carrying 1,024 bytes of the download (proxy flag, state
// "data", acknowledgement 1, sequence 1).
constexpr std::string_view kPtunnelStart =
    "deadc0de7f00000100001f90400000000000ffff00000000000094e8";
constexpr std::string_view kPtunnelProxyData =
    "deadc0de0000000000000000800000020000000100000400000194e8";

std::map<std::string, Alert> by_rule(const std::vector<Alert>& alerts) {
  std::map<std::string, Alert> out;
  for (const Alert& alert : alerts) {
    out.emplace(alert.rule_id, alert);
  }
  return out;
}

inventory::Device device(const std::string& mac, const std::string& address,
                         const std::string& type) {
  inventory::Device d;
  d.key = "mac:" + mac;
  d.mac = MacAddress::parse(mac);
  d.attributes.push_back({proto::Attr::Ipv4, address, "arp", 0, 0, 1, 0});
  if (!type.empty()) {
    d.identity.push_back({"type", type, 0.9, "rules", {}});
  }
  return d;
}

TEST(Tracker, RegisteredDomainsAndGeneratedLabels) {
  EXPECT_EQ(registered_domain("a.b.example.com"), "example.com");
  EXPECT_EQ(registered_domain("www.bbc.co.uk."), "bbc.co.uk");
  EXPECT_EQ(registered_domain("localhost"), "localhost");
  EXPECT_TRUE(looks_generated("xjwqkzpfhdvbnm"));
  EXPECT_TRUE(looks_generated("a8f3k2j9x7q1z5m4"));
  EXPECT_FALSE(looks_generated("connectivitycheck"));
  EXPECT_FALSE(looks_generated("google"));
  EXPECT_FALSE(looks_generated("mytotalconnectcomfort"));
  EXPECT_FALSE(looks_generated("samsungcloudsolution"));
}

TEST(Detector, MiraiScanFromSynsToTelnetAcrossHosts) {
  Tracker tracker;
  for (int host = 1; host <= 12; ++host) {
    const std::string target = "10.0.1." + std::to_string(host);
    tracker.on_flow_end(make_flow("10.0.0.9", target.c_str(), host % 2 == 0 ? 23 : 2323,
                                  std::int64_t{1'000'000} * host, 6, 60, 0),
                        false);
  }
  const auto alerts = by_rule(evaluate(tracker, {}));
  ASSERT_TRUE(alerts.contains("WARDEN-DET-MIRAI-SCAN"));
  const Alert& alert = alerts.at("WARDEN-DET-MIRAI-SCAN");
  EXPECT_EQ(alert.severity, "critical");
  EXPECT_EQ(alert.source_ip, "10.0.0.9");
  EXPECT_EQ(alert.evidence["telnet_hosts"], 12);
  EXPECT_THAT(alert.techniques, ::testing::Contains("T1046"));
  EXPECT_EQ(alert.id, "WARDEN-DET-MIRAI-SCAN:10.0.0.9");

  // Three SYNs carrying Mirai's sequence-number trait are enough on their own.
  Tracker trait;
  for (int host = 1; host <= 3; ++host) {
    const std::string target = "10.0.2." + std::to_string(host);
    trait.on_flow_end(make_flow("10.0.0.8", target.c_str(), 23, host), true);
  }
  EXPECT_TRUE(by_rule(evaluate(trait, {})).contains("WARDEN-DET-MIRAI-SCAN"));
}

TEST(Detector, PortScanAndSweep) {
  Tracker tracker;
  for (std::uint16_t port = 1; port <= 25; ++port) {
    tracker.on_flow_end(make_flow("10.0.0.5", "10.0.0.6", port, port, 6, 60, 1), false);
  }
  for (int host = 1; host <= 25; ++host) {
    const std::string target = "10.0.3." + std::to_string(host);
    tracker.on_flow_end(make_flow("10.0.0.7", target.c_str(), 445, host), false);
  }
  const auto alerts = by_rule(evaluate(tracker, {}));
  ASSERT_TRUE(alerts.contains("WARDEN-DET-PORT-SCAN"));
  EXPECT_EQ(alerts.at("WARDEN-DET-PORT-SCAN").source_ip, "10.0.0.5");
  ASSERT_TRUE(alerts.contains("WARDEN-DET-HOST-SWEEP"));
  EXPECT_EQ(alerts.at("WARDEN-DET-HOST-SWEEP").destination_port, 445);
  EXPECT_FALSE(alerts.contains("WARDEN-DET-MIRAI-SCAN"));
}

TEST(Detector, UdpPortScanCountsSilentPortsOnly) {
  constexpr std::uint8_t kUdp = 17;
  Tracker tracker;
  // nmap -sU: one datagram to each port, closed ports answer nothing over UDP.
  for (std::uint16_t port = 1; port <= 25; ++port) {
    tracker.on_flow_end(make_flow("10.0.0.5", "10.0.0.6", port, port, kUdp, 28, 0), false);
  }
  tracker.on_flow_end(make_flow("10.0.0.5", "10.0.0.6", 53, 100, kUdp, 40, 1), false);  // open
  // Not scans: services that answer; replies to a client's ephemeral ports (SSDP answers);
  // datagrams to broadcast and multicast addresses (discovery).
  for (std::uint16_t port = 1; port <= 25; ++port) {
    tracker.on_flow_end(make_flow("10.0.0.7", "10.0.0.8", port, port, kUdp, 40, 1), false);
    tracker.on_flow_end(make_flow("10.0.0.9", "10.0.0.10", 40000 + port, port, kUdp, 300, 0),
                        false);
    tracker.on_flow_end(make_flow("10.0.0.11", "255.255.255.255", port, port, kUdp, 40, 0), false);
    tracker.on_flow_end(make_flow("10.0.0.12", "239.255.255.250", port, port, kUdp, 40, 0), false);
  }
  const auto alerts = evaluate(tracker, {});
  const auto rules = by_rule(alerts);
  ASSERT_TRUE(rules.contains("WARDEN-DET-UDP-PORT-SCAN"));
  const Alert& alert = rules.at("WARDEN-DET-UDP-PORT-SCAN");
  EXPECT_EQ(alert.source_ip, "10.0.0.5");
  EXPECT_EQ(alert.destination_ip, "10.0.0.6");
  EXPECT_EQ(alert.transport, "udp");
  EXPECT_EQ(alert.count, 25U);
  EXPECT_EQ(alert.severity, "high");
  EXPECT_EQ(alert.techniques, std::vector<std::string>{"T1046"});
  EXPECT_EQ(std::count_if(alerts.begin(), alerts.end(),
                          [](const Alert& a) { return a.rule_id == "WARDEN-DET-UDP-PORT-SCAN"; }),
            1);
  EXPECT_FALSE(rules.contains("WARDEN-DET-PORT-SCAN"));  // TCP's rule counts TCP only
}

TEST(Detector, BruteForceFromLoginFailures) {
  Tracker tracker;
  for (int attempt = 0; attempt < 6; ++attempt) {
    tracker.on_login(
        ip("10.0.0.4"), ip("10.0.0.2"),
        attempt == 5 ? "telnet user=root result=success" : "telnet user=root result=failure",
        std::int64_t{attempt} * 1000);
  }
  tracker.on_login(ip("10.0.0.4"), ip("10.0.0.3"), "ftp user=bob result=failure", 5);
  const auto alerts = evaluate(tracker, {});
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].rule_id, "WARDEN-DET-BRUTE-FORCE");
  EXPECT_EQ(alerts[0].count, 5U);
  EXPECT_EQ(alerts[0].destination_ip, "10.0.0.2");
  EXPECT_THAT(alerts[0].message, HasSubstr("then succeeded"));
}

TEST(Detector, BeaconUnexpectedPortAndExfiltration) {
  Tracker tracker;
  for (int beat = 0; beat < 10; ++beat) {
    tracker.on_flow_end(
        make_flow("10.0.0.20", "203.0.113.9", 443,
                  std::int64_t{60'000'000} * beat + std::int64_t{beat % 2} * 100'000),
        false);
  }
  tracker.on_flow_end(make_flow("10.0.0.21", "198.51.100.3", 6667, 5), false);
  tracker.on_flow_end(make_flow("10.0.0.22", "198.51.100.4", 443, 5, 6, std::uint64_t{60} << 20),
                      false);
  // Irregular traffic to a web site is no beacon.
  for (int visit = 0; visit < 10; ++visit) {
    tracker.on_flow_end(
        make_flow("10.0.0.23", "192.0.2.80", 80, std::int64_t{1'000'000} * visit * visit * 7),
        false);
  }
  const auto alerts = by_rule(evaluate(tracker, {}));
  ASSERT_TRUE(alerts.contains("WARDEN-DET-BEACON"));
  EXPECT_EQ(alerts.at("WARDEN-DET-BEACON").source_ip, "10.0.0.20");
  EXPECT_NEAR(alerts.at("WARDEN-DET-BEACON").evidence["mean_interval_s"].get<double>(), 60.0, 0.05);
  ASSERT_TRUE(alerts.contains("WARDEN-DET-UNEXPECTED-PORT"));
  EXPECT_EQ(alerts.at("WARDEN-DET-UNEXPECTED-PORT").source_ip, "10.0.0.21");
  EXPECT_EQ(alerts.at("WARDEN-DET-UNEXPECTED-PORT").evidence["ports"][0], "tcp/6667");
  ASSERT_TRUE(alerts.contains("WARDEN-DET-EXFILTRATION"));
  EXPECT_EQ(alerts.at("WARDEN-DET-EXFILTRATION").source_ip, "10.0.0.22");
  std::size_t beacons = 0;
  for (const Alert& alert : evaluate(tracker, {})) {
    beacons += alert.rule_id == "WARDEN-DET-BEACON" ? 1U : 0U;
  }
  EXPECT_EQ(beacons, 1U);
}

TEST(Detector, DgaAndDnsTunnel) {
  Tracker tracker;
  const std::array<const char*, 8> generated = {"xjwqkzpfhdvb", "qpzmxnvbcrtw", "kdjfhgtrwqpl",
                                                "zxcvbnmlkjhg", "plmknjbuhvxz", "wsxedcrfvtgb",
                                                "yhnjmkolpqzx", "trewqsdfghzx"};
  for (const char* label : generated) {
    tracker.on_dns_query(ip("10.0.0.30"), std::string(label) + ".com", 1);
  }
  for (int chunk = 0; chunk < 60; ++chunk) {
    tracker.on_dns_query(
        ip("10.0.0.31"),
        "a1b2c3d4e5f6a7b8c9d0e1f2a3b4" + std::to_string(chunk) + ".t.tunnel.example", chunk);
  }
  tracker.on_dns_query(ip("10.0.0.32"), "www.google.com", 1);
  const auto alerts = by_rule(evaluate(tracker, {}));
  ASSERT_TRUE(alerts.contains("WARDEN-DET-DGA"));
  EXPECT_EQ(alerts.at("WARDEN-DET-DGA").source_ip, "10.0.0.30");
  ASSERT_TRUE(alerts.contains("WARDEN-DET-DNS-TUNNEL"));
  EXPECT_EQ(alerts.at("WARDEN-DET-DNS-TUNNEL").evidence["domain"], "tunnel.example");
  EXPECT_EQ(alerts.size(), 2U);
}

TEST(Detector, DnsTunnelStraightToItsServerUnderNoCommonDomain) {
  // dnscat2 without a domain (../shared/pcaps/ndpi/dns_exfiltration.pcap): hex data in every
  // label, so each name's registered domain is data too and no domain collects 50 names. The
  // names below are three of the capture's queries; the others vary their hex the same way.
  constexpr std::array<std::string_view, 3> kReal = {
      "dnscat.546b03f50000000000a6023ed4df184d6ac5c2628b47714fdee584fed739."
      "5a03b5b1e1aa8f8fdb1bbe8d5e04952141f7d4f82c7e3b06dcc8b87fad7a.19e4d098dc8c618f8d81cfeb02",
      "dnscat.f97c01f5006c798b8d6e990002e3772bc8", "dnscat.c08301f5000ebb1f421a030003320a615b"};
  Tracker tracker;
  const IpAddress client = ip("192.168.220.56");
  for (const std::string_view name : kReal) {
    tracker.on_dns_query(client, name, 1);
  }
  for (int index = 0; index < 47; ++index) {
    tracker.on_dns_query(
        client, fmt::format("dnscat.{:08x}01f5006c798b8d6e990002e37", index * 7919), 2 + index);
  }
  // Long hashes under one CDN domain are the per-domain test's business, and a busy client's
  // ordinary names are not encoded at all.
  for (int index = 0; index < 60; ++index) {
    tracker.on_dns_query(ip("10.0.0.40"), fmt::format("{:032x}.cdn.example.net", index * 104729),
                         index);
    tracker.on_dns_query(ip("10.0.0.41"), fmt::format("host-{}.example-{}.com", index, index),
                         index);
  }
  const auto alerts = evaluate(tracker, {});
  std::vector<std::string> ids;
  ids.reserve(alerts.size());
  for (const Alert& alert : alerts) {
    ids.push_back(alert.id);
  }
  EXPECT_THAT(ids, ::testing::Contains("WARDEN-DET-DNS-TUNNEL:192.168.220.56>*"));
  EXPECT_THAT(ids, ::testing::Contains("WARDEN-DET-DNS-TUNNEL:10.0.0.40>example.net"));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains("WARDEN-DET-DNS-TUNNEL:10.0.0.40>*")));
  for (const Alert& alert : alerts) {
    EXPECT_NE(alert.source_ip, "10.0.0.41") << alert.id;
    if (alert.id == "WARDEN-DET-DNS-TUNNEL:192.168.220.56>*") {
      EXPECT_EQ(alert.evidence["encoded_names"], 50);
      EXPECT_EQ(alert.evidence["domains"], 50);
      EXPECT_EQ(alert.evidence["sample"], kReal[0]);
      EXPECT_THAT(alert.message, HasSubstr("50 names with long random-looking labels under 50"));
    }
  }
}

TEST(Tracker, EncodedFilesInDnsNames) {
  // The query of ../shared/pcaps/ndpi/dns-exf.pcap (frame 1, lower-cased as the DNS analyzer
  // reports it): gzip's header in base64, its file name "test.txt" inside, dnsteal's layout.
  const auto real = encoded_file(
      "h4sicn03*2qaa3rlc3qudhh0aavjycxwakjehelu5klueow0zjxulgage-.4s2fgaaaa==-.test.txt");
  ASSERT_TRUE(real);
  EXPECT_EQ(real->format, "gzip");
  EXPECT_EQ(real->encoding, "base64");
  // `printf 'secret\n' | gzip -n` in hex and in base64, in a later label.
  const auto hex =
      encoded_file("0.1f8b08000000000000032b4e4d2e4a2de102008cb2ebe207000000.x.example");
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->format, "gzip");
  EXPECT_EQ(hex->encoding, "hex");
  EXPECT_TRUE(encoded_file("h4siaaaaaaaaaytots5kleecaiyy6-ihaaaa.exfil.example"));
  EXPECT_EQ(encoded_file("jvberi0xljqkjcdm0tuk-lz0zmf2a11x.example")->format, "pdf");
  EXPECT_EQ(encoded_file("uesdbbqaaaaiaaaaiqbxdmmcaaa.example")->format, "zip");
  // Not files: a label shorter than 24 characters, an ordinary long label, CDN and cloud hashes,
  // a gzip prefix with a flags value no gzip has, a prefix inside a label.
  EXPECT_FALSE(encoded_file("h4siaaaaaaaaaytots5k.example"));
  EXPECT_FALSE(encoded_file("connectivitycheck-gstatic-android.googleapis.com"));
  EXPECT_FALSE(encoded_file("d1f8b08x2k3j4h5g6f7d8s9a0.cloudfront.net"));
  EXPECT_FALSE(encoded_file("e4b3a2f1c0d9e8f7a6b5c4d3e2f1a0b9.cdn.example.net"));
  EXPECT_FALSE(encoded_file("h4siiaaaaaaaaaytots5kleecaiyy6.example"));
  EXPECT_FALSE(encoded_file("xx1f8b08000000000000032b4e4d2e4a.example"));
  EXPECT_FALSE(encoded_file(""));
  EXPECT_FALSE(encoded_file("...."));
}

TEST(Detector, FileInDnsNamesIsTheSameAlertWhateverWorkerSawWhichName) {
  const std::string real =
      "h4sicn03*2qaa3rlc3qudhh0aavjycxwakjehelu5klueow0zjxulgage-.4s2fgaaaa==-.test.txt";
  const std::string later = "jvberi0xljqkjcdm0tuk-lz0zmf2a11x.example";
  const IpAddress client = ip("192.168.2.225");
  auto alert_of = [&](Tracker& tracker) {
    tracker.on_dns_query(ip("10.0.0.50"), "www.example.com", 1);
    const std::vector<Alert> alerts = evaluate(tracker, {});
    EXPECT_EQ(alerts.size(), 1U);
    return alerts.empty() ? Alert{} : alerts.front();
  };
  Tracker one;
  one.on_dns_query(client, later, 5);
  one.on_dns_query(client, real, 6);
  one.on_dns_query(client, real, 7);  // the same name again: one name
  const Alert alone = alert_of(one);
  EXPECT_EQ(alone.id, "WARDEN-DET-DNS-FILE:192.168.2.225");
  EXPECT_EQ(alone.severity, "high");
  EXPECT_EQ(alone.evidence["names"], 2);
  EXPECT_EQ(alone.evidence["queries"], 3);
  EXPECT_EQ(alone.evidence["sample"], real);  // the smaller name
  EXPECT_EQ(alone.evidence["format"], "gzip");
  EXPECT_EQ(alone.evidence["encoding"], "base64");
  EXPECT_THAT(alone.message,
              HasSubstr("sent a gzip file in DNS names: 2 names begin with its first bytes in "
                        "base64"));
  // Split over two workers, the later name first: the same alert.
  Tracker first;
  Tracker second;
  first.on_dns_query(client, later, 5);
  second.on_dns_query(client, real, 6);
  first.on_dns_query(client, real, 7);
  first.merge_from(second);
  const Alert merged = alert_of(first);
  EXPECT_EQ(merged.id, alone.id);
  EXPECT_EQ(merged.evidence, alone.evidence);
  EXPECT_EQ(merged.message, alone.message);
}

TEST(Detector, RoleViolationNewAndRogueDevices) {
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera"),
      device("00:11:22:33:44:55", "10.0.0.41", "computer")};
  Tracker tracker;
  tracker.on_flow_end(make_flow("10.0.0.40", "10.0.0.41", 445, 1), false);        // camera -> SMB
  tracker.on_flow_end(make_flow("10.0.0.40", "10.0.0.1", 53, 1, 17), false);      // DNS is fine
  tracker.on_flow_end(make_flow("10.0.0.40", "10.0.0.41", 51439, 1, 17), false);  // SSDP reply
  tracker.on_flow_end(make_flow("10.0.0.41", "10.0.0.40", 80, 1), false);  // computer -> camera
  DetectContext context;
  context.devices = &devices;
  context.inventory_was_empty = false;
  context.known_before = {"mac:00:11:22:33:44:55"};
  context.approved = {"mac:00:11:22:33:44:55"};
  const auto alerts = evaluate(tracker, context);
  const auto rules = by_rule(alerts);
  ASSERT_TRUE(rules.contains("WARDEN-DET-ROLE-VIOLATION"));
  const Alert& violation = rules.at("WARDEN-DET-ROLE-VIOLATION");
  EXPECT_EQ(violation.destination_port, 445);
  EXPECT_EQ(violation.device_key, "mac:44:19:b6:00:00:01");
  EXPECT_EQ(violation.source_mac, "44:19:b6:00:00:01");
  EXPECT_EQ(violation.device["type"], "ip_camera");
  ASSERT_TRUE(rules.contains("WARDEN-DET-NEW-DEVICE"));
  EXPECT_EQ(rules.at("WARDEN-DET-NEW-DEVICE").device_key, "mac:44:19:b6:00:00:01");
  ASSERT_TRUE(rules.contains("WARDEN-DET-ROGUE-DEVICE"));
  EXPECT_EQ(alerts.size(), 3U);
}

TEST(Detector, SharedEvaluationOnTwoThreadsGivesEvaluatesAlerts) {
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera"),
      device("00:11:22:33:44:55", "10.0.0.41", "computer")};
  Tracker tracker;
  tracker.on_flow_end(make_flow("10.0.0.40", "10.0.0.41", 445, 1), false);  // role violation
  for (int host = 1; host <= 30; ++host) {  // a telnet scan and a sweep of tcp/80
    const std::string target = "10.0.1." + std::to_string(host);
    tracker.on_flow_end(make_flow("10.0.0.41", target.c_str(), 23, host, 6, 60, 0), false);
    tracker.on_flow_end(make_flow("10.0.0.41", target.c_str(), 80, host, 6, 60, 0), false);
  }
  DetectContext context;
  context.devices = &devices;
  context.inventory_was_empty = false;
  const std::vector<Alert> alone = evaluate(tracker, context);
  ASSERT_GE(alone.size(), 4U);  // role violation, Mirai scan, sweep, new devices

  SharedEvaluation shared(tracker, context);
  std::thread other([&] { shared.run(); });
  shared.run();
  other.join();
  const std::vector<Alert> together = shared.alerts();
  ASSERT_EQ(together.size(), alone.size());
  for (std::size_t at = 0; at < alone.size(); ++at) {
    EXPECT_EQ(together[at].id, alone[at].id);
    EXPECT_EQ(together[at].message, alone[at].message);
    EXPECT_EQ(together[at].count, alone[at].count);
    EXPECT_EQ(together[at].evidence, alone[at].evidence);
  }
}

TEST(Detector, BaselineFlagsNewBehaviourOnlyAfterLearning) {
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera")};
  Tracker learn;
  learn.on_flow_end(make_flow("10.0.0.40", "203.0.113.5", 443, 1), false);
  const auto baseline = behaviour(learn, devices);
  ASSERT_TRUE(baseline.contains("mac:44:19:b6:00:00:01"));
  Tracker later;
  later.on_flow_end(make_flow("10.0.0.40", "203.0.113.5", 443, 1), false);
  DetectContext context;
  context.devices = &devices;
  context.baseline = baseline;
  EXPECT_TRUE(evaluate(later, context).empty());
  later.on_flow_end(make_flow("10.0.0.40", "203.0.113.77", 8883, 2), false);
  const auto rules = by_rule(evaluate(later, context));
  ASSERT_TRUE(rules.contains("WARDEN-DET-NEW-BEHAVIOUR"));
  EXPECT_THAT(rules.at("WARDEN-DET-NEW-BEHAVIOUR").evidence.dump(), HasSubstr("203.0.113.77"));

  // A second camera, new since learning, is held to what cameras did: 443 is usual, 23 is not.
  const std::vector<inventory::Device> two = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera"),
      device("44:19:b6:00:00:02", "10.0.0.42", "ip_camera")};
  ASSERT_TRUE(baseline.contains("class:ip_camera"));
  DetectContext with_class;
  with_class.devices = &two;
  with_class.baseline = baseline;
  Tracker second;
  second.on_flow_end(make_flow("10.0.0.42", "203.0.113.9", 443, 1), false);
  EXPECT_TRUE(evaluate(second, with_class).empty());
  second.on_flow_end(make_flow("10.0.0.42", "203.0.113.9", 23, 2), false);
  const auto class_rules = by_rule(evaluate(second, with_class));
  ASSERT_TRUE(class_rules.contains("WARDEN-DET-NEW-BEHAVIOUR"));
  EXPECT_EQ(class_rules.at("WARDEN-DET-NEW-BEHAVIOUR").device_key, "mac:44:19:b6:00:00:02");
}

TEST(Detector, ExfiltrationIsMeasuredAgainstTheVolumeADeviceLearned) {
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera"),
      device("00:11:32:00:00:02", "10.0.0.41", "nas"),
      device("00:11:32:00:00:03", "10.0.0.42", "nas"),
      device("00:11:32:00:00:04", "10.0.0.43", "nas")};
  // Learning: the camera uploads 20 kB, the first NAS nothing; the others were not learned.
  Tracker learn;
  learn.on_flow_end(make_flow("10.0.0.40", "203.0.113.5", 443, 1, 6, 20'000), false);
  learn.on_flow_end(make_flow("10.0.0.40", "10.0.0.41", 445, 2, 6, 900'000), false);  // LAN
  const auto volume = outbound_volume(learn, devices);
  EXPECT_EQ(volume.at("mac:44:19:b6:00:00:01"), 20'000U);
  EXPECT_EQ(volume.at("mac:00:11:32:00:00:02"), 0U);
  DetectContext context;
  context.devices = &devices;
  context.exfil_baseline = {{"mac:44:19:b6:00:00:01", 20'000},
                            {"mac:00:11:32:00:00:02", 0},
                            {"mac:00:11:32:00:00:04", 10'000'000}};
  Tracker later;
  // 3 MB from the camera: far below the global 50 MiB, far above ten times what it learned.
  later.on_flow_end(make_flow("10.0.0.40", "198.51.100.9", 443, 10, 6, 3'000'000), false);
  // 512 kB from the NAS that sent nothing: below the 1 MiB floor.
  later.on_flow_end(make_flow("10.0.0.41", "198.51.100.9", 443, 11, 6, 512'000), false);
  // 3 MB from a NAS never learned, and from one that learned 10 MB: the global threshold holds.
  later.on_flow_end(make_flow("10.0.0.42", "198.51.100.9", 443, 12, 6, 3'000'000), false);
  later.on_flow_end(make_flow("10.0.0.43", "198.51.100.9", 443, 13, 6, 3'000'000), false);
  const auto alerts = evaluate(later, context);
  std::vector<std::string> sources;
  for (const Alert& alert : alerts) {
    if (alert.rule_id == "WARDEN-DET-EXFILTRATION") {
      sources.push_back(alert.source_ip);
      EXPECT_TRUE(alert.evidence["from_baseline"].get<bool>());
      EXPECT_EQ(alert.evidence["threshold"].get<std::uint64_t>(), std::uint64_t{1} << 20);
      EXPECT_EQ(alert.evidence["learned_bytes_out"].get<std::uint64_t>(), 20'000U);
    }
  }
  EXPECT_EQ(sources, std::vector<std::string>{"10.0.0.40"});
  // The NAS that learned nothing is held to the floor: 2 MiB is too much for it.
  later.on_flow_end(make_flow("10.0.0.41", "198.51.100.9", 443, 14, 6, 2'000'000), false);
  const auto more = evaluate(later, context);
  EXPECT_EQ(std::count_if(more.begin(), more.end(),
                          [](const Alert& a) { return a.rule_id == "WARDEN-DET-EXFILTRATION"; }),
            2);
}

TEST(Detector, BaselineOfABusyDeviceKeepsTheSameValuesWhateverTheOrder) {
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:01", "10.0.0.40", "ip_camera")};
  // 600 internet destinations and 300 ports: more than a baseline keeps. One tracker sees them
  // all; another is merged from two workers that saw the odd and the even ones (its tables are
  // visited in another order).
  Tracker alone;
  Tracker odd;
  Tracker even;
  for (int host = 0; host < 600; ++host) {
    const std::string target =
        "203.0." + std::to_string(113 + host / 250) + "." + std::to_string(1 + host % 250);
    const auto port = static_cast<std::uint16_t>(1000 + host % 300);
    alone.on_flow_end(make_flow("10.0.0.40", target.c_str(), port, host), false);
    (host % 2 == 0 ? even : odd)
        .on_flow_end(make_flow("10.0.0.40", target.c_str(), port, host), false);
  }
  Tracker merged;
  merged.merge_from(odd);
  merged.merge_from(even);
  const auto one = behaviour(alone, devices);
  const auto two = behaviour(merged, devices);
  EXPECT_EQ(one, two);
  const std::set<std::string>& kept = one.at("mac:44:19:b6:00:00:01");
  EXPECT_EQ(std::count_if(kept.begin(), kept.end(),
                          [](const std::string& v) { return v.starts_with("dst:"); }),
            256);
  EXPECT_EQ(std::count_if(kept.begin(), kept.end(),
                          [](const std::string& v) { return v.starts_with("port:"); }),
            192);
  EXPECT_TRUE(kept.contains("port:tcp/1000"));  // the smallest, in text order
  EXPECT_TRUE(kept.contains("dst:203.0.113.1"));
  EXPECT_EQ(one.at("class:ip_camera").size(), 192U);  // ports only: destinations are a device's
}

TEST(Indicators, TextCsvAndStix) {
  // A folder of its own (mkdtemp): another build's run of this test may be going on at once.
  std::string pattern = (std::filesystem::temp_directory_path() / "warden-intel-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  std::ofstream(dir / "list.txt") << "# botnet C2\n203.0.113.9\n198.51.100.0/24\nevil.example\n";
  std::ofstream(dir / "list.csv") << "indicator,description\n192.0.2.66,scanner\nbad.test,phish\n";
  std::ofstream(dir / "stix.json")
      << R"({"type":"bundle","id":"bundle--1","objects":[)"
      << R"({"type":"indicator","spec_version":"2.1","id":"indicator--1","name":"Mirai C2",)"
      << R"("pattern":"[ipv4-addr:value = '192.0.2.99'] OR [domain-name:value = 'c2.example']",)"
      << R"("pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"},)"
      << R"({"type":"malware","id":"malware--1","name":"x"}]})";
  std::ofstream(dir / "bad.txt") << "203.0.113.1\nnot an indicator!\n";
  Indicators intel;
  ASSERT_EQ(intel.load_file((dir / "list.txt").string()).value_or(0), 3U);
  ASSERT_EQ(intel.load_file((dir / "list.csv").string()).value_or(0), 2U);
  ASSERT_EQ(intel.load_file((dir / "stix.json").string()).value_or(0), 2U);
  const auto bad = intel.load_file((dir / "bad.txt").string());
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error(), HasSubstr("bad.txt:2: not an IP address"));
  EXPECT_EQ(intel.match_ip(ip("198.51.100.77"))->indicator, "198.51.100.0/24");
  EXPECT_EQ(intel.match_ip(ip("192.0.2.99"))->label, "Mirai C2");
  EXPECT_FALSE(intel.match_ip(ip("192.0.2.1")));
  EXPECT_EQ(intel.match_domain("a.b.evil.example")->indicator, "evil.example");
  EXPECT_EQ(intel.match_domain("BAD.test.")->label, "phish");
  EXPECT_FALSE(intel.match_domain("notevil.example"));
  std::filesystem::remove_all(dir);

  Tracker tracker;
  tracker.on_flow_end(make_flow("10.0.0.50", "192.0.2.99", 443, 1), false);
  tracker.on_dns_query(ip("10.0.0.51"), "x.c2.example", 2);
  DetectContext context;
  context.intel = &intel;
  const auto rules = by_rule(evaluate(tracker, context));
  EXPECT_TRUE(rules.contains("WARDEN-DET-INTEL-IP"));
  EXPECT_TRUE(rules.contains("WARDEN-DET-INTEL-DOMAIN"));
}

TEST(Tracker, StaysBoundedAndMerges) {
  TrackerLimits limits;
  limits.max_conversations = 100;
  limits.max_sources = 10;
  Tracker a(limits);
  Tracker b(limits);
  for (int index = 0; index < 1000; ++index) {
    const std::string from =
        "10.1." + std::to_string(index / 250) + "." + std::to_string(index % 250);
    a.on_flow_end(make_flow(from.c_str(), "10.0.0.1", 80, index), false);
  }
  EXPECT_EQ(a.conversations().size(), 100U);
  EXPECT_EQ(a.stats().conversations_dropped, 900U);
  b.on_flow_end(make_flow("10.1.0.0", "10.0.0.1", 80, 5000), false);
  a.merge_from(b);
  std::uint64_t flows = 0;
  for (const auto& [key, c] : a.conversations()) {
    flows += c.flows;
  }
  EXPECT_EQ(flows, 101U);
}

TEST(Tracker, ProbeTargetsAreTheSameWhateverTheSplitAndOrder) {
  TrackerLimits limits;
  limits.max_probe_targets = 64;
  // 300 ARP requests for 300 addresses from one sender, seen by one tracker in order, and split
  // between two trackers (odd and even addresses) in reverse order: the 64 kept are the same.
  Tracker one(limits);
  Tracker odd(limits);
  Tracker even(limits);
  for (int index = 0; index < 300; ++index) {
    const std::string target =
        "10.5." + std::to_string(index / 200) + "." + std::to_string(index % 200 + 1);
    one.on_probe(ProbeKind::Arp, ip("10.5.9.9"), ip(target.c_str()), index);
    one.on_probe(ProbeKind::Arp, ip("10.5.9.9"), ip(target.c_str()), index);  // asked twice
  }
  for (int index = 299; index >= 0; --index) {
    const std::string target =
        "10.5." + std::to_string(index / 200) + "." + std::to_string(index % 200 + 1);
    (index % 2 == 0 ? even : odd)
        .on_probe(ProbeKind::Arp, ip("10.5.9.9"), ip(target.c_str()), index);
  }
  // Probes (0.0.0.0) and announcements (its own address) are not looking for anyone.
  one.on_probe(ProbeKind::Arp, ip("0.0.0.0"), ip("10.5.0.7"), 1);
  one.on_probe(ProbeKind::Arp, ip("10.5.0.7"), ip("10.5.0.7"), 1);
  Tracker merged(limits);
  merged.merge_from(odd);
  merged.merge_from(even);
  ASSERT_EQ(one.probes().size(), 1U);
  ASSERT_EQ(merged.probes().size(), 1U);
  const ProbeActivity& a = one.probes().begin()->second;
  const ProbeActivity& b = merged.probes().begin()->second;
  EXPECT_EQ(a.targets.size(), 64U);
  EXPECT_TRUE(a.capped);
  EXPECT_TRUE(b.capped);
  EXPECT_EQ(a.targets, b.targets);
  EXPECT_EQ(a.probes, 600U);
  EXPECT_EQ(b.probes, 300U);
  EXPECT_EQ(a.first_us, 0);
  EXPECT_EQ(b.last_us, 299);
  EXPECT_TRUE(std::is_sorted(a.targets.begin(), a.targets.end()));
}

TEST(Detector, ArpSweepCountsAddressesNobodyHolds) {
  // 10.6.0.1, a router, asks for its 30 clients, which answer (they are devices); 10.6.0.40 asks
  // for 40 addresses, 35 of them held by nobody.
  std::vector<inventory::Device> devices;
  for (int index = 0; index < 30; ++index) {
    const std::string suffix = std::to_string(100 + index);
    devices.push_back(
        device("00:16:3e:00:01:" + std::to_string(10 + index), "10.6.0." + suffix, ""));
  }
  Tracker tracker;
  for (int index = 0; index < 30; ++index) {
    const std::string target = "10.6.0." + std::to_string(100 + index);
    tracker.on_probe(ProbeKind::Arp, ip("10.6.0.1"), ip(target.c_str()), 1000 + index);
  }
  for (int index = 0; index < 40; ++index) {
    const std::string target = "10.6.0." + std::to_string(index < 5 ? 100 + index : 200 + index);
    tracker.on_probe(ProbeKind::Arp, ip("10.6.0.40"), ip(target.c_str()), 2000 + index);
  }
  DetectContext context;
  context.devices = &devices;
  const auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].rule_id, "WARDEN-DET-ARP-SWEEP");
  EXPECT_EQ(alerts[0].source_ip, "10.6.0.40");
  EXPECT_EQ(alerts[0].evidence["unanswered"], 35);
  EXPECT_EQ(alerts[0].evidence["addresses"], 40);
  EXPECT_EQ(alerts[0].first_us, 2000);
  EXPECT_EQ(alerts[0].last_us, 2039);
  EXPECT_THAT(alerts[0].techniques, ::testing::Contains("T1018"));
}

TEST(Detector, SweepRulesLeaveRoutersArpAndDhcpServersPingsAlone) {
  // A router ARPs for the empty addresses a sweep routed through it reaches; a DHCP server pings
  // addresses before leasing them. Neither is the scanner.
  std::vector<inventory::Device> devices = {device("00:1b:21:00:00:01", "10.8.0.1", ""),
                                            device("00:1b:21:00:00:02", "10.8.0.2", "")};
  devices[0].is_router = true;
  devices[1].attributes.push_back({proto::Attr::Service, "udp/67 dhcp", "traffic", 0, 0, 1, 0});
  Tracker tracker;
  for (int index = 0; index < 40; ++index) {
    const std::string target = "10.8.1." + std::to_string(index + 1);
    tracker.on_probe(ProbeKind::Arp, ip("10.8.0.1"), ip(target.c_str()), index);
    tracker.on_probe(ProbeKind::Echo, ip("10.8.0.2"), ip(target.c_str()), index);
  }
  DetectContext context;
  context.devices = &devices;
  EXPECT_TRUE(evaluate(tracker, context).empty());
  // The same probes from an ordinary host are sweeps.
  devices[0].is_router = false;
  devices[1].attributes.pop_back();
  const auto rules = by_rule(evaluate(tracker, context));
  EXPECT_TRUE(rules.contains("WARDEN-DET-ARP-SWEEP"));
  EXPECT_TRUE(rules.contains("WARDEN-DET-PING-SWEEP"));
}

TEST(Detector, PingSweepFromEchoRequestsToTwentyHosts) {
  Tracker tracker;
  for (int index = 0; index < 20; ++index) {
    const std::string target = "10.7.2." + std::to_string(index + 1);
    tracker.on_probe(ProbeKind::Echo, ip("10.7.0.9"), ip(target.c_str()), index);
  }
  for (int index = 0; index < 19; ++index) {  // one short of the threshold
    const std::string target = "fd00::" + std::to_string(index + 1);
    tracker.on_probe(ProbeKind::Echo, ip("fd00::99"), ip(target.c_str()), index);
  }
  DetectContext context;
  const auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].rule_id, "WARDEN-DET-PING-SWEEP");
  EXPECT_EQ(alerts[0].id, "WARDEN-DET-PING-SWEEP:10.7.0.9");
  EXPECT_EQ(alerts[0].transport, "icmp");
  EXPECT_EQ(alerts[0].evidence["hosts"], 20);
  EXPECT_EQ(alerts[0].count, 20U);
}

TEST(Tracker, MergingTakesAnotherWorkersTableWholeAndAddsUpSharedKeys) {
  Tracker first;
  Tracker second;
  Tracker third;
  // 200 conversations of the first worker, 300 of the second, one key in both (port 80 from
  // 10.2.0.0) and one in the third, which is merged after the second's table was taken.
  for (int index = 0; index < 200; ++index) {
    const std::string from = "10.2.0." + std::to_string(index);
    first.on_flow_end(make_flow(from.c_str(), "10.0.0.1", 80, index), false);
  }
  for (int index = 0; index < 300; ++index) {
    const std::string from =
        "10.3." + std::to_string(index / 250) + "." + std::to_string(index % 250);
    second.on_flow_end(make_flow(from.c_str(), "10.0.0.2", 443, 1000 + index), false);
  }
  second.on_flow_end(make_flow("10.2.0.0", "10.0.0.1", 80, 5000), false);
  third.on_flow_end(make_flow("10.3.0.7", "10.0.0.2", 443, 6000), false);
  Tracker merged;
  merged.merge_from(first);
  merged.merge_from(second);
  merged.merge_from(third);
  EXPECT_EQ(merged.conversations().size(), 500U);
  std::map<std::string, std::uint64_t> flows;
  std::uint64_t total = 0;
  for (const auto& [key, c] : merged.conversations()) {
    flows[key.initiator.to_string() + ">" + std::to_string(key.port)] += c.flows;
    total += c.flows;
  }
  EXPECT_EQ(flows.size(), 500U);  // each key once
  EXPECT_EQ(total, 502U);
  EXPECT_EQ(flows["10.2.0.0>80"], 2U);
  EXPECT_EQ(flows["10.3.0.7>443"], 2U);
  // A flow that ends after the merge counts into the same conversation, wherever it was.
  merged.on_flow_end(make_flow("10.3.0.9", "10.0.0.2", 443, 7000), false);
  std::uint64_t after = 0;
  std::size_t seen = 0;
  for (const auto& [key, c] : merged.conversations()) {
    ++seen;
    if (key.initiator.to_string() == "10.3.0.9") {
      after = c.flows;
    }
  }
  EXPECT_EQ(seen, 500U);
  EXPECT_EQ(after, 2U);
}

TEST(Tracker, ConversationsOfTakenTablesShowWhenItsOwnTableIsEmpty) {
  // A tracker with only a login record merges a worker's conversations: its own table stays
  // empty and the view starts with the taken one.
  Tracker merged;
  Tracker logins;
  logins.on_login(ip("10.9.0.1"), ip("10.9.0.2"), "telnet user=root result=failure", 1);
  merged.merge_from(logins);
  Tracker worker;
  worker.on_flow_end(make_flow("10.9.0.3", "10.9.0.4", 80, 5), false);
  worker.on_flow_end(make_flow("10.9.0.5", "10.9.0.4", 80, 6), false);
  merged.merge_from(worker);
  const ConversationView view = merged.conversations();
  EXPECT_EQ(view.size(), 2U);
  EXPECT_EQ(std::distance(view.begin(), view.end()), 2);
  Tracker empty;
  const ConversationView none = empty.conversations();
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.begin() == none.end());
}

}  // namespace
}  // namespace warden::detect

namespace warden::detect {
namespace {

TEST(Tracker, EchoRepliesPairWithTheirRequestOnly) {
  const auto ping = from_hex(kBusyboxPingData);
  auto changed = ping;
  changed[10] = 1;
  Tracker tracker;
  const IpAddress host = ip("10.99.0.1");
  const IpAddress target = ip("10.99.0.2");
  tracker.on_echo(false, host, target, 27393, 0, ping, true, 1);
  tracker.on_echo(true, target, host, 27393, 0, ping, true, 2);     // its reply: echoed
  tracker.on_echo(true, target, host, 27393, 0, ping, true, 3);     // ping's duplicate: ignored
  tracker.on_echo(true, target, host, 27393, 0, changed, true, 3);  // another reply: unsolicited
  tracker.on_echo(true, target, host, 27393, 7, changed, true, 4);  // no such request: unsolicited
  tracker.on_echo(false, host, target, 27393, 1, ping, true, 5);
  tracker.on_echo(true, target, host, 27393, 1, changed, false, 6);  // truncated: not compared
  tracker.on_echo(false, host, target, 27393, 2, ping, true, 7);
  tracker.on_echo(true, target, host, 27393, 2, changed, true, 8);  // other data
  ASSERT_EQ(tracker.echoes().size(), 1U);
  const EchoActivity& echo = tracker.echoes().begin()->second;
  EXPECT_EQ(tracker.echoes().begin()->first.requester, host);
  EXPECT_EQ(echo.requests, 3U);
  EXPECT_EQ(echo.replies, 6U);
  EXPECT_EQ(echo.echoed, 1U);
  EXPECT_EQ(echo.not_echoed, 1U);
  EXPECT_EQ(echo.unsolicited, 2U);
  EXPECT_EQ(echo.request_bytes, 3 * 56U);
  EXPECT_EQ(echo.sizes, std::vector<std::uint16_t>{56});
  EXPECT_EQ(echo.ip_inside, 0U);
  EXPECT_EQ(echo.first_us, 1);
  EXPECT_EQ(echo.last_us, 8);
}

TEST(Tracker, PtunnelHeaders) {
  const auto start = from_hex(kPtunnelStart);
  const auto header = ptunnel(start, true);
  ASSERT_TRUE(header);
  EXPECT_TRUE(header->from_client);
  EXPECT_EQ(header->state, 0U);
  EXPECT_EQ(header->destination_ip, 0x7F000001U);
  EXPECT_EQ(header->destination_port, 8080);
  auto data = from_hex(kPtunnelProxyData);
  data.resize(28 + 1024, 0x41);
  const auto proxy = ptunnel(data, true);
  ASSERT_TRUE(proxy);
  EXPECT_FALSE(proxy->from_client);
  EXPECT_EQ(proxy->state, 2U);
  // Cut by the snap length: the data length cannot be checked, and is not held against it.
  data.resize(100);
  EXPECT_FALSE(ptunnel(data, true));
  EXPECT_TRUE(ptunnel(data, false));
  // ptunnel's own magic number.
  auto original = start;
  original[0] = 0xD5;
  original[1] = 0x20;
  original[2] = 0x08;
  original[3] = 0x80;
  EXPECT_TRUE(ptunnel(original, true));
  // Not ptunnel: another magic, both flags or neither, a state past "authenticate", a short header,
  // BusyBox ping's data.
  auto changed = start;
  changed[3] = 0xDF;
  EXPECT_FALSE(ptunnel(changed, true));
  changed = start;
  changed[12] = 0xC0;
  EXPECT_FALSE(ptunnel(changed, true));
  changed[12] = 0x00;
  EXPECT_FALSE(ptunnel(changed, true));
  changed = start;
  changed[15] = 5;
  EXPECT_FALSE(ptunnel(changed, true));
  EXPECT_FALSE(ptunnel(std::span(start).first(27), true));
  EXPECT_FALSE(ptunnel(from_hex(kBusyboxPingData), true));
}

TEST(Detector, IcmpTunnelFromOnePtunnelSession) {
  // The client's first request and the kernel's echo of it: a pair that looks like ping in every
  // other way, named by ptunnel's header, with the destination its client asked for.
  const auto start = from_hex(kPtunnelStart);
  const auto ping = from_hex(kBusyboxPingData);
  const IpAddress camera = ip("10.82.0.3");
  const IpAddress proxy = ip("10.82.0.2");
  auto alerts_of = [&](Tracker& tracker) {
    tracker.on_echo(false, ip("10.82.0.5"), proxy, 7, 1, ping, true, 1);  // ordinary ping
    tracker.on_echo(true, proxy, ip("10.82.0.5"), 7, 1, ping, true, 2);
    return evaluate(tracker, {});
  };
  Tracker tracker;
  tracker.on_echo(false, camera, proxy, 0x94E8, 0, start, true, 10);
  tracker.on_echo(true, proxy, camera, 0x94E8, 0, start, true, 11);
  const auto alerts = alerts_of(tracker);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].id, "WARDEN-DET-ICMP-TUNNEL:10.82.0.3>10.82.0.2");
  EXPECT_EQ(alerts[0].evidence["ptunnel_packets"], 2);
  EXPECT_EQ(alerts[0].evidence["ptunnel_destination"], "127.0.0.1:8080");
  EXPECT_EQ(alerts[0].evidence["replies_echoed"], 1);
  EXPECT_THAT(alerts[0].message,
              HasSubstr("2 carried ptunnel's header, its client asking for 127.0.0.1:8080"));
  // Split over two workers: the same alert.
  Tracker first;
  Tracker second;
  first.on_echo(false, camera, proxy, 0x94E8, 0, start, true, 10);
  second.on_echo(true, proxy, camera, 0x94E8, 0, start, true, 11);
  first.merge_from(second);
  const auto merged = alerts_of(first);
  ASSERT_EQ(merged.size(), 1U);
  EXPECT_EQ(merged[0].evidence["ptunnel_packets"], 2);
  EXPECT_EQ(merged[0].evidence["ptunnel_destination"], "127.0.0.1:8080");
}

TEST(Detector, IcmpTunnelFromRepliesToNoRequest) {
  // ptunnel-ng's proxy answers a few requests with many replies of its own (the kernel echoes
  // each request too): replies outnumber requests.
  const auto ping = from_hex(kBusyboxPingData);
  const std::vector<std::uint8_t> chunk(1052, 0x5A);
  Tracker tracker;
  const IpAddress camera = ip("10.82.0.3");
  const IpAddress proxy = ip("10.82.0.2");
  for (int index = 0; index < 6; ++index) {
    const auto seq = static_cast<std::uint16_t>(index);
    tracker.on_echo(false, camera, proxy, 12320, seq, ping, true, index);
    tracker.on_echo(true, proxy, camera, 12320, seq, ping, true, index);  // the kernel's echo
  }
  for (int index = 0; index < 20; ++index) {
    tracker.on_echo(true, proxy, camera, 12320, static_cast<std::uint16_t>(100 + index), chunk,
                    true, 10 + index);
  }
  // A sensor that sees only one direction (replies, no request at all) cannot tell.
  for (int index = 0; index < 50; ++index) {
    tracker.on_echo(true, ip("10.82.0.9"), ip("10.82.0.8"), 1, static_cast<std::uint16_t>(index),
                    ping, true, index);
  }
  DetectContext context;
  const auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].source_ip, "10.82.0.3");
  EXPECT_EQ(alerts[0].evidence["replies_unsolicited"], 20);
  EXPECT_EQ(alerts[0].evidence["replies_echoed"], 6);
  EXPECT_THAT(alerts[0].message, HasSubstr("20 replies answered no request (6 requests)"));
}

TEST(Detector, IcmpTunnelFromRepliesThatAreNotEchoesAndIpPacketsInside) {
  const auto request = from_hex(kTunnelRequestData);
  const auto reply = from_hex(kTunnelReplyData);
  const auto ping = from_hex(kBusyboxPingData);
  Tracker tracker;
  const IpAddress client = ip("192.168.154.131");
  const IpAddress proxy = ip("192.168.154.132");
  for (int index = 0; index < 10; ++index) {
    tracker.on_echo(false, client, proxy, 0xfeff, 0, request, true, std::int64_t{index} * 10);
    tracker.on_echo(true, proxy, client, 0xfeff, 0, reply, true, std::int64_t{index} * 10 + 1);
    // An hour of ordinary ping beside it raises nothing.
    const auto seq = static_cast<std::uint16_t>(index);
    tracker.on_echo(false, ip("10.99.0.1"), ip("10.99.0.2"), 27393, seq, ping, true, index);
    tracker.on_echo(true, ip("10.99.0.2"), ip("10.99.0.1"), 27393, seq, ping, true, index);
  }
  DetectContext context;
  auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  const Alert& alert = alerts[0];
  EXPECT_EQ(alert.rule_id, "WARDEN-DET-ICMP-TUNNEL");
  EXPECT_EQ(alert.id, "WARDEN-DET-ICMP-TUNNEL:192.168.154.131>192.168.154.132");
  EXPECT_EQ(alert.source_ip, "192.168.154.131");
  EXPECT_EQ(alert.destination_ip, "192.168.154.132");
  EXPECT_EQ(alert.transport, "icmp");
  EXPECT_EQ(alert.count, 20U);
  EXPECT_EQ(alert.evidence["replies_not_echoed"], 10);
  EXPECT_EQ(alert.evidence["replies_echoed"], 0);
  EXPECT_EQ(alert.evidence["ip_packets_inside"], 20);
  EXPECT_THAT(alert.message, HasSubstr("10 of 10 paired replies did not return"));
  EXPECT_THAT(alert.message, HasSubstr("20 carried IP packets"));
  EXPECT_THAT(alert.techniques, ::testing::ElementsAre("T1095", "T1572"));

  // One short of each threshold: nothing.
  Tracker fewer;
  for (int index = 0; index < 9; ++index) {
    fewer.on_echo(false, client, proxy, 0xfeff, 0, request, true, index);
    fewer.on_echo(true, proxy, client, 0xfeff, 0, ping, true, index);  // not an echo, no IP inside
  }
  fewer.on_echo(false, client, proxy, 0xfeff, 0, ping, true, 100);
  EXPECT_TRUE(evaluate(fewer, context).empty());
}

TEST(Detector, IcmpTunnelFromMuchDataInManySizesEvenWhenEchoed) {
  // Data sent out in echo requests that the far end's kernel echoes back: every reply is an
  // echo, but ping never varies its size like this.
  Tracker tracker;
  const IpAddress sender = ip("10.4.0.7");
  const IpAddress receiver = ip("198.51.100.20");
  std::uint64_t sent = 0;
  for (int index = 0; sent < std::uint64_t{128} * 1024; ++index) {
    std::vector<std::uint8_t> data(200 + static_cast<std::size_t>(index % 40) * 30,
                                   static_cast<std::uint8_t>(index));
    const auto seq = static_cast<std::uint16_t>(index);
    tracker.on_echo(false, sender, receiver, 7, seq, data, true, index);
    tracker.on_echo(true, receiver, sender, 7, seq, data, true, index);
    sent += data.size();
  }
  // A long ping with one large size moves as much and raises nothing.
  const std::vector<std::uint8_t> large(1400, 0xAB);
  for (int index = 0; index < 200; ++index) {
    const auto seq = static_cast<std::uint16_t>(index);
    tracker.on_echo(false, ip("10.4.0.8"), receiver, 9, seq, large, true, index);
    tracker.on_echo(true, receiver, ip("10.4.0.8"), 9, seq, large, true, index);
  }
  DetectContext context;
  const auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].source_ip, "10.4.0.7");
  EXPECT_EQ(alerts[0].evidence["replies_not_echoed"], 0);
  EXPECT_EQ(alerts[0].evidence["data_sizes"], 32);
  EXPECT_EQ(alerts[0].evidence["data_sizes_capped"], true);
  EXPECT_THAT(alerts[0].message, HasSubstr("over 32 data sizes"));
}

TEST(Detector, IcmpTunnelAnsweredByADeviceIsAboutThatDevice) {
  // An internet host asks a camera inside, which answers with data of its own.
  const std::vector<inventory::Device> devices = {
      device("44:19:b6:00:00:07", "10.4.0.7", "ip_camera")};
  const auto ping = from_hex(kBusyboxPingData);
  const auto reply = from_hex(kTunnelReplyData);
  Tracker tracker;
  for (int index = 0; index < 10; ++index) {
    const auto seq = static_cast<std::uint16_t>(index);
    tracker.on_echo(false, ip("203.0.113.9"), ip("10.4.0.7"), 3, seq, ping, true, index);
    tracker.on_echo(true, ip("10.4.0.7"), ip("203.0.113.9"), 3, seq, reply, true, index);
  }
  DetectContext context;
  context.devices = &devices;
  const auto alerts = evaluate(tracker, context);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].source_ip, "203.0.113.9");
  EXPECT_EQ(alerts[0].destination_ip, "10.4.0.7");
  EXPECT_EQ(alerts[0].device_key, "mac:44:19:b6:00:00:07");
  EXPECT_EQ(alerts[0].device["type"], "ip_camera");
}

TEST(Tracker, EchoPairsStayBoundedAndMerge) {
  TrackerLimits limits;
  limits.max_echo_pairs = 2;
  const auto ping = from_hex(kBusyboxPingData);
  Tracker a(limits);
  Tracker b(limits);
  a.on_echo(false, ip("10.0.0.1"), ip("10.0.0.2"), 1, 0, ping, true, 1);
  a.on_echo(false, ip("10.0.0.1"), ip("10.0.0.3"), 1, 0, ping, true, 2);
  a.on_echo(false, ip("10.0.0.1"), ip("10.0.0.4"), 1, 0, ping, true, 3);  // over the bound
  EXPECT_EQ(a.echoes().size(), 2U);
  EXPECT_EQ(a.stats().echo_pairs_dropped, 1U);
  const std::vector<std::uint8_t> other(100, 1);
  b.on_echo(false, ip("10.0.0.1"), ip("10.0.0.2"), 1, 1, other, true, 0);
  b.on_echo(true, ip("10.0.0.2"), ip("10.0.0.1"), 1, 1, other, true, 1);  // b pairs it
  b.on_echo(true, ip("10.0.0.5"), ip("10.0.0.6"), 1, 1, other, true, 9);  // a new pair: dropped
  a.merge_from(b);
  EXPECT_EQ(a.echoes().size(), 2U);
  EXPECT_EQ(a.stats().echo_pairs_dropped, 2U);
  const EchoActivity& merged = a.echoes().at(EchoKey{ip("10.0.0.1"), ip("10.0.0.2")});
  EXPECT_EQ(merged.requests, 2U);
  EXPECT_EQ(merged.replies, 1U);
  EXPECT_EQ(merged.echoed, 1U);
  EXPECT_EQ(merged.request_bytes, 156U);
  EXPECT_EQ(merged.first_us, 0);
  EXPECT_EQ(merged.sizes, (std::vector<std::uint16_t>{56, 100}));
}

}  // namespace
}  // namespace warden::detect
