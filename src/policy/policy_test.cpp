// SPDX-License-Identifier: Apache-2.0
#include "policy/policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <tuple>
#include <vector>

namespace warden::policy {
namespace {

// Line numbers in the error tests count from the first line of these raw strings.
constexpr std::string_view kClinic = R"(version: 1
description: clinic
unzoned: ignore
zones:
  cameras:
    cidrs: [10.20.0.0/24]
    vlans: [20]
    select: {type: [ip_camera, nvr_dvr]}
  clinical:
    cidrs: [10.50.0.0/16]
    intra: deny
  servers:
    cidrs: [10.0.0.0/24, "fd00:0:0:1::/64"]
  mgmt:
    cidrs: [10.0.0.8/29]
  iot:
    select: {vendor: [Acme], tags: [lobby]}
  plcs:
    cidrs: [10.60.0.0/24]
    select: {type: plc}
    match: all
  internet: {internet: true}
conduits:
  - {name: nvr-pull, from: servers, to: cameras, transport: tcp, ports: [554, 8000-8010], protocol: rtsp}
  - {name: cam-syslog, from: cameras, to: servers, transport: udp, ports: 514}
  - {name: ehr, from: clinical, to: servers, transport: tcp, ports: [443], protocol: tls}
  - {name: admin, from: mgmt, to: any}
  - {name: web-out, from: [servers, clinical], to: internet, transport: tcp, ports: [80, 443]}
  - {name: ping, from: servers, to: clinical, transport: icmp, bidirectional: true}
  - {name: ward-dicom, from: clinical, to: clinical, transport: tcp, ports: 104}
)";

Policy clinic() {
  auto parsed = parse_policy(kClinic, "clinic.yaml");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().text());
  return parsed ? *parsed : Policy{};
}

IpAddress ip(std::string_view text) {
  const auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(IpAddress{});
}

Endpoint at(std::string_view address) {
  return Endpoint{ip(address), std::nullopt, "", "", {}};
}

Conversation flow(Endpoint from, Endpoint to, std::string transport, std::uint16_t port,
                  std::string protocol = "") {
  return Conversation{std::move(from), std::move(to), std::move(transport), port,
                      std::move(protocol)};
}

PolicyError error_of(std::string_view yaml) {
  auto parsed = parse_policy(yaml, "p.yaml");
  EXPECT_FALSE(parsed) << "parsed without error:\n" << yaml;
  return parsed ? PolicyError{} : parsed.error();
}

// ----------------------------------------------------------------------------------- parsing

TEST(PolicyParse, ReadsTheClinicPolicy) {
  const Policy policy = clinic();
  ASSERT_EQ(policy.zones.size(), 7U);
  EXPECT_EQ(policy.zones[0].name, "cameras");
  EXPECT_EQ(policy.zones[0].line, 5);
  EXPECT_EQ(policy.zones[0].vlans, std::vector<std::uint16_t>{20});
  EXPECT_EQ(policy.zones[0].select.types, (std::vector<std::string>{"ip_camera", "nvr_dvr"}));
  EXPECT_FALSE(policy.zones[1].intra_allowed);
  EXPECT_EQ(policy.zones[2].cidrs.size(), 2U);
  EXPECT_EQ(policy.zones[5].match, ZoneMatch::All);
  EXPECT_TRUE(policy.zones[6].internet);
  ASSERT_EQ(policy.conduits.size(), 7U);
  const Conduit& pull = policy.conduits[0];
  EXPECT_EQ(pull.name, "nvr-pull");
  EXPECT_EQ(pull.line, 24);
  EXPECT_EQ(pull.from, std::vector<std::string>{"servers"});
  EXPECT_EQ(pull.transport, Transport::Tcp);
  EXPECT_EQ(pull.ports, (std::vector<PortRange>{{554, 554}, {8000, 8010}}));
  EXPECT_EQ(pull.protocol, "rtsp");
  EXPECT_TRUE(policy.conduits[3].to.empty());  // any
  EXPECT_EQ(policy.conduits[3].transport, Transport::Any);
  EXPECT_TRUE(policy.conduits[5].bidirectional);
  EXPECT_EQ(policy.unzoned, Unzoned::Ignore);
}

TEST(PolicyParse, ExampleFileLoads) {
  const char* root = std::getenv("WARDEN_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  const std::string dir = root != nullptr ? root : WARDEN_SOURCE_DIR;
  auto loaded = load_policy(dir + "/tests/policy/example.yaml");
  ASSERT_TRUE(loaded) << loaded.error().text();
  EXPECT_EQ(loaded->zones.size(), 5U);
  auto enforcement = load_policy(dir + "/tests/policy/enforcement.yaml");
  ASSERT_TRUE(enforcement) << enforcement.error().text();
}

TEST(PolicyParse, MissingFileIsAnError) {
  auto loaded = load_policy("/nonexistent/warden-policy.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().text(), "/nonexistent/warden-policy.yaml: cannot read the file");
}

TEST(PolicyParse, UnknownZoneInAConduit) {
  const PolicyError error = error_of(R"(version: 1
zones:
  cameras: {cidrs: [10.20.0.0/24]}
  servers: {cidrs: [10.0.0.0/24]}
conduits:
  - name: pull
    from: servers
    to: camera
)");
  EXPECT_EQ(error.line, 8);
  EXPECT_EQ(error.field, "conduits[0].to");
  EXPECT_EQ(error.text(),
            "p.yaml:8: conduits[0].to: unknown zone 'camera' (zones: cameras, servers; or any)");
}

TEST(PolicyParse, BadCidr) {
  PolicyError error = error_of(R"(version: 1
zones:
  cameras:
    cidrs:
      - 10.20.0.0/24
      - 10.21.0.1/24
)");
  EXPECT_EQ(error.text(),
            "p.yaml:6: zones.cameras.cidrs[1]: bad CIDR '10.21.0.1/24': host bits set: use "
            "10.21.0.0/24");
  error = error_of("version: 1\nzones:\n  cameras: {cidrs: 10.20.0.0/40}\n");
  EXPECT_EQ(error.text(),
            "p.yaml:3: zones.cameras.cidrs: bad CIDR '10.20.0.0/40': prefix length '40' must be 0 "
            "to 32");
  error = error_of("version: 1\nzones:\n  cameras: {cidrs: [cameras.local]}\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.field, "zones.cameras.cidrs[0]");
}

TEST(PolicyParse, BadPortRange) {
  PolicyError error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
  b: {cidrs: [10.2.0.0/24]}
conduits:
  - {from: a, to: b, transport: tcp, ports: [80]}
  - from: a
    to: b
    transport: tcp
    ports: [443, 9000-8000]
)");
  EXPECT_EQ(error.text(),
            "p.yaml:10: conduits[1].ports[1]: bad port range '9000-8000': the first port is above "
            "the last");
  error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
conduits:
  - {from: a, to: a, transport: udp, ports: [70000]}
)");
  EXPECT_EQ(error.text(), "p.yaml:5: conduits[0].ports[0]: bad port '70000': ports are 1 to 65535");
  error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
conduits:
  - {from: a, to: a, transport: udp, ports: [http]}
)");
  EXPECT_EQ(error.field, "conduits[0].ports[0]");
  error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
conduits:
  - {from: a, to: a, transport: icmp, ports: [1]}
)");
  EXPECT_EQ(error.text(), "p.yaml:5: conduits[0].ports: icmp has no ports");
}

TEST(PolicyParse, UnknownKeys) {
  PolicyError error = error_of(R"(version: 1
zones:
  cameras:
    cidr: [10.20.0.0/24]
)");
  EXPECT_EQ(error.text(),
            "p.yaml:4: zones.cameras.cidr: unknown key (use description, cidrs, vlans, select, "
            "match, internet, intra)");
  error = error_of("version: 1\nzones: {a: {cidrs: [10.0.0.0/8]}}\nconduit: []\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.field, "conduit");
  error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
conduits:
  - from: a
    to: a
    port: 80
)");
  EXPECT_EQ(error.line, 7);
  EXPECT_EQ(error.field, "conduits[0].port");
  error = error_of("version: 1\nzones:\n  a: {select: {model: x}}\n");
  EXPECT_EQ(error.text(), "p.yaml:3: zones.a.select.model: unknown key (use type, vendor, tags)");
}

TEST(PolicyParse, OverlappingDefinitions) {
  PolicyError error = error_of(R"(version: 1
zones:
  cameras: {cidrs: [10.20.0.0/24]}
  iot:
    cidrs:
      - 10.30.0.0/24
      - 10.20.0.0/24
)");
  EXPECT_EQ(error.text(),
            "p.yaml:7: zones.iot.cidrs: 10.20.0.0/24 is already in zone 'cameras' (line 3); nested "
            "prefixes are fine (the longest wins), the same prefix twice is not");
  error = error_of(R"(version: 1
zones:
  cameras: {vlans: [20, 21]}
  iot: {vlans: [21]}
)");
  EXPECT_EQ(error.text(),
            "p.yaml:4: zones.iot.vlans: VLAN 21 is already in zone 'cameras' (line 3)");
  error = error_of(R"(version: 1
zones:
  cameras: {cidrs: [10.20.0.0/24]}
  cameras: {cidrs: [10.21.0.0/24]}
)");
  EXPECT_EQ(error.text(), "p.yaml:4: zones.cameras: zone defined twice");
  error = error_of(R"(version: 1
zones:
  a: {cidrs: [10.20.0.0/24]}
conduits:
  - {name: x, from: a, to: a}
  - {name: x, from: a, to: a}
)");
  EXPECT_EQ(error.text(), "p.yaml:6: conduits[1].name: conduit 'x' is already defined (line 5)");
  error = error_of(R"(version: 1
zones:
  web: {internet: true}
  net: {internet: true}
)");
  EXPECT_EQ(error.text(), "p.yaml:4: zones.net.internet: zone 'web' is already the internet");
  error = error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8, 10.0.0.0/8]}\n");
  EXPECT_EQ(error.text(), "p.yaml:3: zones.a.cidrs[1]: listed twice");
  // Nested prefixes in two zones are allowed: the longest prefix wins.
  EXPECT_TRUE(
      parse_policy("version: 1\nzones:\n  site: {cidrs: [10.0.0.0/8]}\n"
                   "  cams: {cidrs: [10.20.0.0/24]}\n",
                   "p.yaml"));
}

TEST(PolicyParse, OtherErrors) {
  EXPECT_EQ(error_of("zones: {a: {cidrs: [10.0.0.0/8]}}\n").text(),
            "p.yaml:1: version: missing (this build reads version: 1)");
  EXPECT_EQ(error_of("version: 2\nzones: {a: {cidrs: [10.0.0.0/8]}}\n").text(),
            "p.yaml:1: version: unsupported policy version (this build reads 1)");
  EXPECT_EQ(error_of("version: 1\ndefault: allow\nzones: {a: {cidrs: [10.0.0.0/8]}}\n").field,
            "default");
  EXPECT_EQ(error_of("version: 1\nzones:\n  Cams: {cidrs: [10.0.0.0/8]}\n").field, "zones.Cams");
  EXPECT_EQ(error_of("version: 1\nzones:\n  any: {cidrs: [10.0.0.0/8]}\n").text(),
            "p.yaml:3: zones.any: 'any' is reserved: in a conduit it means every zone");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {description: empty}\n").text(),
            "p.yaml:3: zones.a: a zone needs cidrs, vlans, select, or internet: true");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {vlans: [4095]}\n").text(),
            "p.yaml:3: zones.a.vlans[0]: bad VLAN id '4095': must be 1 to 4094");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8], match: all}\n").field,
            "zones.a.match");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {internet: true, cidrs: [1.0.0.0/8]}\n").field,
            "zones.a.internet");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8]}\nconduits:\n"
                     "  - {from: a, to: a, protocol: rtps}\n")
                .text()
                .substr(0, 53),
            "p.yaml:5: conduits[0].protocol: unknown protocol 'rtp");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8]}\nconduits:\n"
                     "  - {from: a, to: a, transport: sctp}\n")
                .text(),
            "p.yaml:5: conduits[0].transport: expected tcp, udp, icmp or any");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8]}\nconduits:\n"
                     "  - {to: a}\n")
                .text(),
            "p.yaml:5: conduits[0].from: missing: a zone name, a list of them, or any");
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8]}\nconduits:\n"
                     "  - {from: [any, a], to: a}\n")
                .field,
            "conduits[0].from");
  // YAML syntax errors keep their line.
  EXPECT_EQ(error_of("version: 1\nzones:\n  a: {cidrs: [10.0.0.0/8}\n").line, 3);
  EXPECT_EQ(error_of("").text(), "p.yaml: empty policy file");
}

TEST(PolicyParse, DeviceTypesAreCheckedAgainstATaxonomy) {
  const Policy policy = clinic();
  const auto known = [](std::string_view type) { return type == "ip_camera" || type == "plc"; };
  const std::vector<PolicyError> errors = check_device_types(policy, known);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].text(),
            "clinic.yaml:8: zones.cameras.select.type: unknown device type 'nvr_dvr' (see "
            "docs/identification.md)");
}

// -------------------------------------------------------------------------------- membership

TEST(PolicyZones, PrecedenceSelectThenLongestPrefixThenVlanThenInternet) {
  const Policy policy = clinic();
  const auto zone = [&](const Endpoint& endpoint) {
    const auto assigned = zone_of(policy, endpoint);
    return assigned ? assigned->zone->name : std::string("-");
  };
  EXPECT_EQ(zone(at("10.20.0.5")), "cameras");
  EXPECT_EQ(zone(at("10.0.0.9")), "mgmt");  // 10.0.0.8/29 inside servers' /24
  EXPECT_EQ(zone(at("10.0.0.20")), "servers");
  EXPECT_EQ(zone(at("fd00:0:0:1::5")), "servers");
  EXPECT_EQ(zone(at("8.8.8.8")), "internet");
  EXPECT_EQ(zone(at("2606:4700::1111")), "internet");
  EXPECT_EQ(zone(at("192.168.7.7")), "-");  // private, in no zone
  EXPECT_EQ(zone(at("fd99::1")), "-");

  Endpoint camera_elsewhere = at("10.50.3.3");  // a camera on the clinical subnet
  camera_elsewhere.type = "ip_camera";
  EXPECT_EQ(zone(camera_elsewhere), "cameras");
  EXPECT_EQ(zone_of(policy, camera_elsewhere)->by, MatchedBy::Select);

  Endpoint tagged = at("10.99.0.1");
  tagged.vendor = "ACME";        // vendors compare without case
  EXPECT_EQ(zone(tagged), "-");  // the selector also wants the tag
  tagged.tags = {"Lobby"};
  EXPECT_EQ(zone(tagged), "iot");

  Endpoint on_vlan = at("10.99.0.2");
  on_vlan.vlan = 20;
  EXPECT_EQ(zone(on_vlan), "cameras");
  EXPECT_EQ(zone_of(policy, on_vlan)->by, MatchedBy::Vlan);
  on_vlan.ip = ip("10.50.0.2");  // a CIDR beats a VLAN
  EXPECT_EQ(zone(on_vlan), "clinical");

  // match: all: a PLC only inside 10.60.0.0/24; the CIDR alone places nobody there.
  Endpoint plc = at("10.60.0.10");
  EXPECT_EQ(zone(plc), "-");
  plc.type = "plc";
  EXPECT_EQ(zone(plc), "plcs");
  plc.ip = ip("10.61.0.10");
  EXPECT_EQ(zone(plc), "-");
}

// -------------------------------------------------------------------------------- evaluation

TEST(PolicyEvaluate, AllowedConduitAndPortRanges) {
  const Policy policy = clinic();
  auto verdict = evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 554, "rtsp"));
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->allowed);
  EXPECT_EQ(verdict->from_zone, "servers");
  EXPECT_EQ(verdict->to_zone, "cameras");
  EXPECT_EQ(verdict->conduit, "nvr-pull");
  EXPECT_TRUE(evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 8000))->allowed);
  EXPECT_TRUE(evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 8010))->allowed);
  verdict = evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 8011));
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit, "no conduit allows tcp/8011 from servers to cameras");
  // Wrong transport.
  EXPECT_FALSE(evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "udp", 554))->allowed);
  EXPECT_TRUE(evaluate(policy, flow(at("10.20.0.5"), at("10.0.0.20"), "udp", 514))->allowed);
}

TEST(PolicyEvaluate, ConduitsAreDirectional) {
  const Policy policy = clinic();
  auto verdict = evaluate(policy, flow(at("10.20.0.5"), at("10.0.0.20"), "tcp", 554));
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->from_zone, "cameras");
  EXPECT_EQ(verdict->to_zone, "servers");
  EXPECT_EQ(verdict->conduit, "no conduit allows tcp/554 from cameras to servers");
  // A bidirectional conduit works both ways.
  EXPECT_EQ(evaluate(policy, flow(at("10.0.0.20"), at("10.50.1.1"), "icmp", 0))->conduit, "ping");
  EXPECT_EQ(evaluate(policy, flow(at("10.50.1.1"), at("10.0.0.20"), "icmpv6", 0))->conduit, "ping");
}

TEST(PolicyEvaluate, DeniedWithTheProtocolNamed) {
  const Policy policy = clinic();
  const auto verdict =
      evaluate(policy, flow(at("10.20.0.5"), at("10.50.0.9"), "tcp", 23, "telnet"));
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit, "no conduit allows tcp/23 (telnet) from cameras to clinical");
}

TEST(PolicyEvaluate, SameZone) {
  const Policy policy = clinic();
  EXPECT_FALSE(evaluate(policy, flow(at("10.20.0.5"), at("10.20.0.6"), "tcp", 80)));
  // intra: deny makes it governed: only the ward-dicom conduit is allowed.
  auto verdict = evaluate(policy, flow(at("10.50.0.5"), at("10.50.9.6"), "tcp", 22));
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit, "no conduit allows tcp/22 inside clinical (intra: deny)");
  verdict = evaluate(policy, flow(at("10.50.0.5"), at("10.50.9.6"), "tcp", 104));
  EXPECT_TRUE(verdict->allowed);
  EXPECT_EQ(verdict->conduit, "ward-dicom");
}

TEST(PolicyEvaluate, Unzoned) {
  Policy policy = clinic();
  EXPECT_FALSE(evaluate(policy, flow(at("192.168.1.5"), at("10.20.0.5"), "tcp", 80)));
  policy.unzoned = Unzoned::Deny;
  const auto verdict = evaluate(policy, flow(at("192.168.1.5"), at("10.20.0.5"), "tcp", 80));
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->from_zone, "");
  EXPECT_EQ(verdict->to_zone, "cameras");
  EXPECT_EQ(verdict->conduit, "192.168.1.5 is in no zone (unzoned: deny)");
  // Multicast and broadcast are never governed.
  EXPECT_FALSE(evaluate(policy, flow(at("10.20.0.5"), at("239.255.255.250"), "udp", 1900)));
  EXPECT_FALSE(evaluate(policy, flow(at("10.20.0.5"), at("255.255.255.255"), "udp", 67)));
  EXPECT_FALSE(evaluate(policy, flow(at("10.20.0.5"), at("ff02::fb"), "udp", 5353)));
}

TEST(PolicyEvaluate, ZonesLookedUpOnceGiveTheSameVerdicts) {
  // Every pair of these hosts, in every transport and port below, under both unzoned settings:
  // evaluate() with the ends' zones passed in says what it says when it looks them up.
  Policy policy = clinic();
  Endpoint camera = at("10.20.0.5");
  camera.type = "ip_camera";
  Endpoint plc = at("10.60.0.7");
  plc.type = "plc";
  Endpoint lobby = at("192.168.7.7");
  lobby.vendor = "Acme";
  const std::vector<Endpoint> hosts = {at("10.0.0.20"),
                                       at("10.0.0.9"),
                                       at("10.20.0.6"),
                                       camera,
                                       plc,
                                       at("10.50.1.1"),
                                       at("10.50.9.6"),
                                       lobby,
                                       at("192.168.1.5"),
                                       at("93.184.216.34"),
                                       at("239.255.255.250"),
                                       at("fd00:0:0:1::5")};
  const std::vector<std::tuple<std::string, std::uint16_t, std::string>> flows = {
      {"tcp", 554, "rtsp"}, {"tcp", 554, "http"}, {"tcp", 8005, ""}, {"udp", 514, ""},
      {"tcp", 443, "tls"},  {"icmp", 0, ""},      {"tcp", 104, ""},  {"tcp", 23, "telnet"}};
  std::size_t governed = 0;
  for (const Unzoned unzoned : {Unzoned::Ignore, Unzoned::Deny}) {
    policy.unzoned = unzoned;
    for (const Endpoint& from : hosts) {
      for (const Endpoint& to : hosts) {
        for (const auto& [transport, port, protocol] : flows) {
          const Conversation conversation = flow(from, to, transport, port, protocol);
          const auto looked_up = evaluate(policy, conversation);
          const auto given =
              evaluate(policy, conversation, zone_of(policy, from), zone_of(policy, to));
          ASSERT_EQ(looked_up.has_value(), given.has_value())
              << from.ip.to_string() << " > " << to.ip.to_string() << " " << transport << "/"
              << port;
          if (looked_up) {
            ++governed;
            EXPECT_EQ(looked_up->allowed, given->allowed);
            EXPECT_EQ(looked_up->from_zone, given->from_zone);
            EXPECT_EQ(looked_up->to_zone, given->to_zone);
            EXPECT_EQ(looked_up->conduit, given->conduit);
          }
        }
      }
    }
  }
  EXPECT_GT(governed, 500U);
}

TEST(PolicyEvaluate, InternetZone) {
  const Policy policy = clinic();
  auto verdict = evaluate(policy, flow(at("10.0.0.20"), at("93.184.216.34"), "tcp", 443, "tls"));
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->allowed);
  EXPECT_EQ(verdict->to_zone, "internet");
  EXPECT_EQ(verdict->conduit, "web-out");
  verdict = evaluate(policy, flow(at("10.20.0.5"), at("93.184.216.34"), "tcp", 443, "tls"));
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit, "no conduit allows tcp/443 (tls) from cameras to internet");
  // Inbound from the internet: no conduit.
  verdict = evaluate(policy, flow(at("203.0.113.9"), at("10.0.0.20"), "tcp", 22, "ssh"));
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->from_zone, "internet");
}

TEST(PolicyEvaluate, ProtocolMatch) {
  Policy policy = clinic();
  // rtsp on the allowed port: allowed; http on it: denied, naming the conduit.
  EXPECT_TRUE(
      evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 554, "rtsp"))->allowed);
  auto verdict = evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 554, "http"));
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit,
            "conduit nvr-pull allows rtsp only, saw http from servers to cameras");
  // Unidentified: allowed unless strict_protocol.
  EXPECT_TRUE(evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 554))->allowed);
  policy.strict_protocol = true;
  verdict = evaluate(policy, flow(at("10.0.0.20"), at("10.20.0.5"), "tcp", 554));
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->conduit,
            "conduit nvr-pull allows rtsp only, saw an unidentified protocol from servers to "
            "cameras");
}

TEST(PolicyEvaluate, AnyZoneAndAnyTransport) {
  const Policy policy = clinic();
  for (const char* target : {"10.20.0.5", "10.50.0.5", "10.0.0.20", "1.1.1.1"}) {
    const auto verdict = evaluate(policy, flow(at("10.0.0.9"), at(target), "udp", 161, "snmp"));
    ASSERT_TRUE(verdict) << target;
    EXPECT_TRUE(verdict->allowed) << target;
    EXPECT_EQ(verdict->conduit, "admin");
  }
  // ... but `to: any` means zoned addresses only: an unzoned one is not governed at all.
  EXPECT_FALSE(evaluate(policy, flow(at("10.0.0.9"), at("192.168.1.1"), "tcp", 22)));
}

TEST(PolicyEvaluate, SelectorsPlaceDevicesWhereverTheyAre) {
  const Policy policy = clinic();
  Endpoint camera = at("10.50.3.3");
  camera.type = "ip_camera";
  // A camera on the clinical subnet reaching the internet: judged as a camera.
  const auto verdict = evaluate(policy, flow(camera, at("93.184.216.34"), "tcp", 443));
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(verdict->from_zone, "cameras");
}

TEST(PolicyMembers, ResolvesSelectorAndVlanMembersOnly) {
  const Policy policy = clinic();
  Endpoint camera = at("10.50.3.3");
  camera.type = "ip_camera";
  Endpoint on_vlan = at("10.99.0.2");
  on_vlan.vlan = 20;
  Endpoint in_cidr = at("10.20.0.5");
  in_cidr.type = "printer";
  Endpoint plc = at("10.60.0.10");
  plc.type = "plc";
  const ZoneMembers members = resolve_members(policy, {camera, on_vlan, in_cidr, plc, camera});
  ASSERT_EQ(members.size(), 2U);
  EXPECT_EQ(members.at("cameras"), (std::vector<IpAddress>{ip("10.50.3.3"), ip("10.99.0.2")}));
  EXPECT_EQ(members.at("plcs"), std::vector<IpAddress>{ip("10.60.0.10")});
}

TEST(PolicyProtocols, KnowsWardensNames) {
  for (const char* name : {"http", "tls", "rtsp", "mqtt", "modbus", "dnp3", "s7comm", "enip",
                           "bacnet", "snmp", "dns", "telnet", "netbios-ns"}) {
    EXPECT_TRUE(is_known_protocol(name)) << name;
  }
  EXPECT_FALSE(is_known_protocol("https"));
  EXPECT_FALSE(is_known_protocol(""));
}

}  // namespace
}  // namespace warden::policy
