// SPDX-License-Identifier: Apache-2.0
#include "policy/export.hpp"

#include <gtest/gtest.h>

namespace warden::policy {
namespace {

constexpr std::string_view kGoldenPolicy = R"(version: 1
zones:
  site: {cidrs: [10.0.0.0/8, "fd00:1::/64"]}
  cams: {cidrs: [10.20.0.0/24], vlans: [20], intra: deny}
  ot: {select: {type: plc}}
conduits:
  - {name: pull, from: site, to: cams, transport: tcp, ports: [554, 8000-8010], protocol: rtsp}
  - {name: dns, from: any, to: site, transport: udp, ports: 53}
  - {name: ping, from: site, to: ot, transport: icmp, bidirectional: true}
  - {name: web, from: cams, to: site, transport: any, ports: [80, 443]}
)";

Policy golden_policy() {
  auto parsed = parse_policy(kGoldenPolicy, "golden.yaml");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().text());
  return parsed ? *parsed : Policy{};
}

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value_or(IpAddress{});
}

/// The PLCs the inventory found: one inside site's /8, one inside the cameras' /24.
ZoneMembers golden_members() {
  return {{"ot", {ip("10.20.0.77"), ip("10.9.9.9")}}};
}

TEST(PolicyExport, ZoneAddressesAreDisjointAndFollowPrecedence) {
  const std::vector<ZoneAddresses> sets = zone_addresses(golden_policy(), golden_members());
  ASSERT_EQ(sets.size(), 3U);
  const auto ranges = [](const std::vector<Cidr>& cidrs) {
    std::string out;
    for (const AddressRange& range : merge_ranges(cidrs)) {
      out += (out.empty() ? "" : " ") + range.to_string();
    }
    return out;
  };
  EXPECT_EQ(ranges(sets[0].v4),
            "10.0.0.0-10.9.9.8 10.9.9.10-10.19.255.255 10.20.1.0-10.255.255.255");
  EXPECT_EQ(ranges(sets[0].v6), "fd00:1::/64");
  EXPECT_EQ(ranges(sets[1].v4), "10.20.0.0-10.20.0.76 10.20.0.78-10.20.0.255");
  EXPECT_EQ(ranges(sets[2].v4), "10.9.9.9 10.20.0.77");
  EXPECT_EQ(sets[1].unenforced,
            "vlans 20: not matched by address; no member addresses were given, so those devices "
            "are not covered");
  EXPECT_EQ(sets[2].unenforced,
            "select type=plc: not matched by address; 2 member addresses resolved from the "
            "inventory included");
  // A member given twice goes to the first zone only.
  const std::vector<ZoneAddresses> tie =
      zone_addresses(golden_policy(), {{"cams", {ip("10.20.0.5")}}, {"ot", {ip("10.20.0.5")}}});
  EXPECT_EQ(ranges(tie[1].v4), "10.20.0.0/24");
  EXPECT_TRUE(tie[2].v4.empty());
}

TEST(PolicyExport, InternetZoneIsThePublicSpaceLessOtherZones) {
  auto policy = parse_policy(
      "version: 1\nzones:\n  dmz: {cidrs: [203.0.113.0/24]}\n  net: {internet: true}\n", "i.yaml");
  ASSERT_TRUE(policy);
  const std::vector<ZoneAddresses> sets = zone_addresses(*policy);
  std::string v4;
  for (const AddressRange& range : merge_ranges(sets[1].v4)) {
    v4 += (v4.empty() ? "" : " ") + range.to_string();
  }
  EXPECT_EQ(v4,
            "1.0.0.0-9.255.255.255 11.0.0.0-100.63.255.255 100.128.0.0-126.255.255.255 "
            "128.0.0.0-169.253.255.255 169.255.0.0-172.15.255.255 172.32.0.0-192.167.255.255 "
            "192.169.0.0-203.0.112.255 203.0.114.0-223.255.255.255");
  ASSERT_EQ(sets[1].v6.size(), 1U);
  EXPECT_EQ(sets[1].v6[0].to_string(), "2000::/3");
}

/// Which zone's export set holds `address`; "-" for none.
std::string exported_zone(const std::vector<ZoneAddresses>& sets, const IpAddress& address) {
  std::string found = "-";
  for (const ZoneAddresses& set : sets) {
    for (const Cidr& cidr : address.is_v4() ? set.v4 : set.v6) {
      if (cidr.contains(address)) {
        EXPECT_EQ(found, "-") << address.to_string() << " is in two zone sets";
        found = set.zone;
      }
    }
  }
  return found;
}

TEST(PolicyExport, ExportSetsAgreeWithZoneOf) {
  // Every sampled address lands in the export set of the zone evaluate() gives it.
  const std::vector<std::pair<std::string_view, ZoneMembers>> cases = {
      {kGoldenPolicy, golden_members()},
      {"version: 1\nzones:\n  dmz: {cidrs: [203.0.113.0/24, 10.0.0.0/8]}\n"
       "  lab: {cidrs: [10.1.0.0/16]}\n  bench: {cidrs: [10.1.2.0/24], vlans: [7]}\n"
       "  net: {internet: true}\n",
       {{"bench", {ip("192.168.50.1")}}}},
  };
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525U + 1013904223U;  // Numerical Recipes LCG: deterministic samples
    return state;
  };
  for (const auto& [yaml, members] : cases) {
    auto policy = parse_policy(yaml, "p.yaml");
    ASSERT_TRUE(policy) << policy.error().text();
    const std::vector<ZoneAddresses> sets = zone_addresses(*policy, members);
    std::vector<IpAddress> samples = {ip("10.9.9.9"),    ip("10.20.0.77"), ip("10.20.0.76"),
                                      ip("10.200.0.1"),  ip("10.1.2.3"),   ip("fd00:1::5"),
                                      ip("2001:db8::1"), ip("203.0.113.9")};
    for (int sample_idx = 0; sample_idx < 4000; ++sample_idx) {
      const std::uint32_t value = next();
      // Half in 10.0.0.0/8 (where the zones nest), half anywhere.
      samples.push_back(IpAddress::v4_from_u32(
          sample_idx % 2 == 0 ? (value & 0x00FFFFFFU) | 0x0A000000U : value));
    }
    for (const IpAddress& address : samples) {
      Endpoint endpoint{address, std::nullopt, "", "", {}};
      for (const auto& [zone, ips] : members) {
        if (std::find(ips.begin(), ips.end(), address) != ips.end()) {
          // A member: the inventory knows its identity or VLAN (as resolve_members() finds it).
          endpoint.type = "plc";
          endpoint.vlan = 7;
        }
      }
      const auto assigned = zone_of(*policy, endpoint);
      const std::string expected = assigned ? assigned->zone->name : "-";
      EXPECT_EQ(exported_zone(sets, address), expected) << address.to_string();
    }
  }
}

constexpr std::string_view kGoldenNftables = R"(#!/usr/sbin/nft -f
# Warden segmentation policy golden.yaml, as nftables rules
# (generated by `warden policy export`; see docs/policy.md).
# Flows between zones are denied unless a conduit allows them; replies pass.
# Unzoned addresses: not filtered (unzoned: ignore).
# Zone criteria an address cannot express:
#   zone cams: vlans 20: not matched by address; no member addresses were given, so those devices are not covered
#   zone ot: select type=plc: not matched by address; 2 member addresses resolved from the inventory included
# Load with `nft -f FILE`; loading it again replaces the table.

add table inet warden_policy
delete table inet warden_policy

table inet warden_policy {
	set zone_site_v4 {
		type ipv4_addr
		flags interval
		elements = { 10.0.0.0-10.9.9.8, 10.9.9.10-10.19.255.255, 10.20.1.0-10.255.255.255 }
	}
	set zone_site_v6 {
		type ipv6_addr
		flags interval
		elements = { fd00:1::/64 }
	}
	set zone_cams_v4 {
		type ipv4_addr
		flags interval
		elements = { 10.20.0.0-10.20.0.76, 10.20.0.78-10.20.0.255 }
	}
	set zone_ot_v4 {
		type ipv4_addr
		flags interval
		elements = { 10.9.9.9, 10.20.0.77 }
	}
	set zoned_v4 {
		type ipv4_addr
		flags interval
		elements = { 10.0.0.0/8 }
	}
	set zoned_v6 {
		type ipv6_addr
		flags interval
		elements = { fd00:1::/64 }
	}

	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		# conduit pull: site -> cams, tcp 554, 8000-8010
		# protocol rtsp is checked by `warden analyze`; here the transport and ports decide
		ip saddr @zone_site_v4 ip daddr @zone_cams_v4 tcp dport { 554, 8000-8010 } accept comment "pull"
		# conduit dns: any -> site, udp 53
		ip saddr @zoned_v4 ip daddr @zone_site_v4 udp dport 53 accept comment "dns"
		ip6 saddr @zoned_v6 ip6 daddr @zone_site_v6 udp dport 53 accept comment "dns"
		# conduit ping: site -> ot (both ways), icmp
		ip saddr @zone_site_v4 ip daddr @zone_ot_v4 meta l4proto icmp accept comment "ping"
		ip saddr @zone_ot_v4 ip daddr @zone_site_v4 meta l4proto icmp accept comment "ping"
		# conduit web: cams -> site, any 80, 443
		ip saddr @zone_cams_v4 ip daddr @zone_site_v4 tcp dport { 80, 443 } accept comment "web"
		ip saddr @zone_cams_v4 ip daddr @zone_site_v4 udp dport { 80, 443 } accept comment "web"
		# traffic inside a zone (intra: allow)
		ip saddr @zone_site_v4 ip daddr @zone_site_v4 accept comment "intra site"
		ip6 saddr @zone_site_v6 ip6 daddr @zone_site_v6 accept comment "intra site"
		ip saddr @zone_ot_v4 ip daddr @zone_ot_v4 accept comment "intra ot"
		# everything else between zones
		ip saddr @zoned_v4 ip daddr @zoned_v4 counter drop comment "warden default deny"
		ip6 saddr @zoned_v6 ip6 daddr @zoned_v6 counter drop comment "warden default deny"
	}
}
)";

TEST(PolicyExport, NftablesGolden) {
  EXPECT_EQ(export_nftables(golden_policy(), golden_members()), kGoldenNftables);
}

TEST(PolicyExport, NftablesUnzonedDenyDropsByDefault) {
  Policy policy = golden_policy();
  policy.unzoned = Unzoned::Deny;
  const std::string rules = export_nftables(policy);
  EXPECT_NE(rules.find("type filter hook forward priority filter; policy drop;"),
            std::string::npos);
  EXPECT_NE(rules.find("# Unzoned addresses: all forwarded traffic from or to them is dropped"),
            std::string::npos);
  // Without members the selector-only zone has no set and no rule.
  EXPECT_EQ(rules.find("zone_ot_v4"), std::string::npos);
  EXPECT_NE(rules.find("no member addresses were given"), std::string::npos);
}

constexpr std::string_view kGoldenIptables =
    R"(# Warden segmentation policy golden.yaml, as iptables-restore rules
# (generated by `warden policy export`; see docs/policy.md).
# Flows between zones are denied unless a conduit allows them; replies pass.
# Unzoned addresses: not filtered (unzoned: ignore).
# Zone criteria an address cannot express:
#   zone cams: vlans 20: not matched by address; no member addresses were given, so those devices are not covered
#   zone ot: select type=plc: not matched by address; 2 member addresses resolved from the inventory included
# Load with `iptables-restore FILE`: it replaces the filter table. IPv4 only.
# zone site: IPv6 fd00:1::/64 not enforced here (use the nftables export)
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:WARDEN-POLICY - [0:0]
:WZ-site - [0:0]
:WZ-cams - [0:0]
:WZ-ot - [0:0]
-A FORWARD -j WARDEN-POLICY
-A WARDEN-POLICY -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A WARDEN-POLICY -m iprange --src-range 10.0.0.0-10.9.9.8 -j WZ-site
-A WARDEN-POLICY -m iprange --src-range 10.9.9.10-10.19.255.255 -j WZ-site
-A WARDEN-POLICY -m iprange --src-range 10.20.1.0-10.255.255.255 -j WZ-site
-A WARDEN-POLICY -m iprange --src-range 10.20.0.0-10.20.0.76 -j WZ-cams
-A WARDEN-POLICY -m iprange --src-range 10.20.0.78-10.20.0.255 -j WZ-cams
-A WARDEN-POLICY -s 10.9.9.9 -j WZ-ot
-A WARDEN-POLICY -s 10.20.0.77 -j WZ-ot
-A WZ-site -m iprange --dst-range 10.20.0.0-10.20.0.76 -p tcp -m multiport --dports 554,8000:8010 -m comment --comment "pull" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.20.0.78-10.20.0.255 -p tcp -m multiport --dports 554,8000:8010 -m comment --comment "pull" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.0.0.0-10.9.9.8 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.9.9.10-10.19.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.20.1.0-10.255.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-site -d 10.9.9.9 -p icmp -m comment --comment "ping" -j ACCEPT
-A WZ-site -d 10.20.0.77 -p icmp -m comment --comment "ping" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.0.0.0-10.9.9.8 -m comment --comment "intra site" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.9.9.10-10.19.255.255 -m comment --comment "intra site" -j ACCEPT
-A WZ-site -m iprange --dst-range 10.20.1.0-10.255.255.255 -m comment --comment "intra site" -j ACCEPT
-A WZ-site -d 10.0.0.0/8 -m comment --comment "warden default deny" -j DROP
-A WZ-cams -m iprange --dst-range 10.0.0.0-10.9.9.8 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.9.9.10-10.19.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.20.1.0-10.255.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.0.0.0-10.9.9.8 -p tcp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.0.0.0-10.9.9.8 -p udp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.9.9.10-10.19.255.255 -p tcp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.9.9.10-10.19.255.255 -p udp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.20.1.0-10.255.255.255 -p tcp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -m iprange --dst-range 10.20.1.0-10.255.255.255 -p udp -m multiport --dports 80,443 -m comment --comment "web" -j ACCEPT
-A WZ-cams -d 10.0.0.0/8 -m comment --comment "warden default deny" -j DROP
-A WZ-ot -m iprange --dst-range 10.0.0.0-10.9.9.8 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-ot -m iprange --dst-range 10.9.9.10-10.19.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-ot -m iprange --dst-range 10.20.1.0-10.255.255.255 -p udp --dport 53 -m comment --comment "dns" -j ACCEPT
-A WZ-ot -m iprange --dst-range 10.0.0.0-10.9.9.8 -p icmp -m comment --comment "ping" -j ACCEPT
-A WZ-ot -m iprange --dst-range 10.9.9.10-10.19.255.255 -p icmp -m comment --comment "ping" -j ACCEPT
-A WZ-ot -m iprange --dst-range 10.20.1.0-10.255.255.255 -p icmp -m comment --comment "ping" -j ACCEPT
-A WZ-ot -d 10.9.9.9 -m comment --comment "intra ot" -j ACCEPT
-A WZ-ot -d 10.20.0.77 -m comment --comment "intra ot" -j ACCEPT
-A WZ-ot -d 10.0.0.0/8 -m comment --comment "warden default deny" -j DROP
COMMIT
)";

TEST(PolicyExport, IptablesGolden) {
  EXPECT_EQ(export_iptables(golden_policy(), golden_members()), kGoldenIptables);
}

TEST(PolicyExport, IptablesSplitsLongPortLists) {
  auto policy = parse_policy(R"(version: 1
zones:
  a: {cidrs: [10.1.0.0/24]}
  b: {cidrs: [10.2.0.0/24]}
  c: {cidrs: [10.3.0.0/24]}
conduits:
  - {name: many, from: a, to: b, transport: tcp,
     ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20-30, 40]}
)",
                             "p.yaml");
  ASSERT_TRUE(policy);
  const std::string rules = export_iptables(*policy);
  EXPECT_NE(rules.find("-A WZ-a -d 10.2.0.0/24 -p tcp -m multiport --dports "
                       "1,2,3,4,5,6,7,8,9,10,11,12,13,20:30 -m comment"),
            std::string::npos);
  EXPECT_NE(rules.find("-A WZ-a -d 10.2.0.0/24 -p tcp -m multiport --dports 40 -m comment"),
            std::string::npos);
  EXPECT_NE(rules.find("-A WZ-c -d 10.3.0.0/24 -m comment --comment \"intra c\" -j ACCEPT"),
            std::string::npos);
}

constexpr std::string_view kGoldenTerraformCams = R"tf(resource "aws_security_group" "warden_cams" {
  name        = "warden-cams"
  description = "Warden zone cams"
  vpc_id      = var.vpc_id

  ingress {
    description      = "pull (rtsp)"
    protocol         = "tcp"
    from_port        = 554
    to_port          = 554
    cidr_blocks      = ["10.0.0.0/12", "10.16.0.0/14", "10.20.1.0/24", "10.20.2.0/23", "10.20.4.0/22", "10.20.8.0/21", "10.20.16.0/20", "10.20.32.0/19", "10.20.64.0/18", "10.20.128.0/17", "10.21.0.0/16", "10.22.0.0/15", "10.24.0.0/13", "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9"]
    ipv6_cidr_blocks = ["fd00:1::/64"]
  }
)tf";

TEST(PolicyExport, TerraformAws) {
  const std::string tf = export_terraform_aws(golden_policy());
  EXPECT_NE(tf.find("variable \"vpc_id\" {\n"
                    "  description = \"VPC that holds the Warden zones' security groups\"\n"
                    "  type        = string\n}\n"),
            std::string::npos);
  EXPECT_NE(tf.find(kGoldenTerraformCams), std::string::npos) << tf;
  // cams denies intra-zone traffic: no self rule. site allows it.
  EXPECT_EQ(tf.find("\"intra cams\""), std::string::npos);
  EXPECT_NE(tf.find("    description = \"intra site\"\n    protocol    = \"-1\"\n"
                    "    from_port   = 0\n    to_port     = 0\n    self        = true\n"),
            std::string::npos);
  // dns comes from any zone: the other zones by CIDR, site's own members through self.
  EXPECT_NE(tf.find("    description = \"dns\"\n    protocol    = \"udp\"\n"
                    "    from_port   = 53\n    to_port     = 53\n"
                    "    cidr_blocks = [\"10.20.0.0/24\"]\n    self        = true\n"),
            std::string::npos);
  // web: transport any with ports becomes tcp and udp rules.
  EXPECT_NE(
      tf.find("    description = \"web\"\n    protocol    = \"udp\"\n    from_port   = 443\n"),
      std::string::npos);
  EXPECT_NE(tf.find("resource \"aws_security_group\" \"warden_ot\""), std::string::npos);
  EXPECT_NE(tf.find("# conduit ping: its source zones have no address"), std::string::npos);
}

TEST(PolicyExport, TerraformInternetSourcesAreEverything) {
  auto policy = parse_policy(R"(version: 1
zones:
  web: {cidrs: [10.1.0.0/24]}
  net: {internet: true}
conduits:
  - {name: https-in, from: net, to: web, transport: tcp, ports: 443}
  - {name: ping-out, from: web, to: net, transport: icmp}
)",
                             "p.yaml");
  ASSERT_TRUE(policy);
  const std::string tf = export_terraform_aws(*policy);
  EXPECT_NE(tf.find("    cidr_blocks      = [\"0.0.0.0/0\"]\n    ipv6_cidr_blocks = [\"::/0\"]\n"
                    "  }\n"),
            std::string::npos);
  EXPECT_EQ(tf.find("warden_net"), std::string::npos);  // no group for the internet
}

constexpr std::string_view kGoldenQuarantine = R"(#!/usr/sbin/nft -f
# Warden quarantine of 10.20.0.5 (00:11:22:33:44:55): every forwarded packet from or to it is dropped,
# except traffic with the management hosts.
# Load with `nft -f FILE`; lift with `nft delete table inet warden_quarantine_10_20_0_5`.

add table inet warden_quarantine_10_20_0_5
delete table inet warden_quarantine_10_20_0_5

table inet warden_quarantine_10_20_0_5 {
	chain forward {
		type filter hook forward priority filter - 10; policy accept;
		ip saddr 10.20.0.5 ip daddr { 10.0.0.9, 10.0.0.10 } accept comment "management"
		ip saddr { 10.0.0.9, 10.0.0.10 } ip daddr 10.20.0.5 accept comment "management"
		ip saddr 10.20.0.5 counter drop comment "quarantine"
		ip daddr 10.20.0.5 counter drop comment "quarantine"
		ether saddr 00:11:22:33:44:55 counter drop comment "quarantine"
	}
}
)";

TEST(PolicyQuarantine, Golden) {
  EXPECT_EQ(quarantine_nftables(
                ip("10.20.0.5"), MacAddress::parse("00:11:22:33:44:55"),
                {ip("10.0.0.10"), ip("10.0.0.9"), ip("10.0.0.9"), ip("fd00::1"), ip("10.20.0.5")}),
            kGoldenQuarantine);
}

TEST(PolicyQuarantine, Ipv6WithoutManagement) {
  const std::string rules = quarantine_nftables(ip("fd00::5"), std::nullopt, {});
  EXPECT_EQ(quarantine_table_name(ip("fd00::5")), "warden_quarantine_fd00__5");
  EXPECT_NE(rules.find("\t\tip6 saddr fd00::5 counter drop comment \"quarantine\"\n"
                       "\t\tip6 daddr fd00::5 counter drop comment \"quarantine\"\n\t}\n}\n"),
            std::string::npos);
  EXPECT_EQ(rules.find("management"), std::string::npos);
  EXPECT_EQ(rules.find("ether"), std::string::npos);
}

}  // namespace
}  // namespace warden::policy
