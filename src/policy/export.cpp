// SPDX-License-Identifier: Apache-2.0
#include "policy/export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace warden::policy {
namespace {

/// IPv4 addresses that are not public (IpAddress::is_private() and !is_assignable()): what the
/// internet zone leaves out.
constexpr std::array<std::string_view, 9> kNonPublicV4 = {
    "0.0.0.0/8",     "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4",   "240.0.0.0/4"};
/// The internet zone's IPv6 space: global unicast.
constexpr std::string_view kPublicV6 = "2000::/3";

constexpr std::size_t kElementsPerLine = 4;
/// iptables multiport takes 15 ports, a range counting as two.
constexpr std::size_t kMultiportSlots = 15;

Cidr must_parse(std::string_view text) {
  // Only called on the constants above.
  return Cidr::parse(text).value_or(Cidr{});
}

std::vector<Cidr> hosts(const std::vector<IpAddress>& ips) {
  std::vector<Cidr> out;
  for (const IpAddress& ip : ips) {
    if (ip.is_set()) {
      out.push_back(Cidr::host(ip));
    }
  }
  return normalize(std::move(out));
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += item;
  }
  return out;
}

std::string describe_unenforced(const Zone& zone, std::size_t member_count) {
  std::vector<std::string> parts;
  if (!zone.vlans.empty()) {
    std::vector<std::string> vlans;
    for (const std::uint16_t vlan : zone.vlans) {
      vlans.push_back(std::to_string(vlan));
    }
    parts.push_back("vlans " + join(vlans, ","));
  }
  if (!zone.select.empty()) {
    std::vector<std::string> fields;
    if (!zone.select.types.empty()) {
      fields.push_back("type=" + join(zone.select.types, ","));
    }
    if (!zone.select.vendors.empty()) {
      fields.push_back("vendor=" + join(zone.select.vendors, ","));
    }
    if (!zone.select.tags.empty()) {
      fields.push_back("tags=" + join(zone.select.tags, ","));
    }
    parts.push_back("select " + join(fields, " "));
  }
  if (parts.empty()) {
    return "";
  }
  std::string out = join(parts, "; ") + (zone.match == ZoneMatch::All ? " (match: all)" : "") +
                    ": not matched by address; ";
  if (member_count == 0) {
    out += "no member addresses were given, so those devices are not covered";
  } else {
    out += fmt::format("{} member address{} resolved from the inventory included", member_count,
                       member_count == 1 ? "" : "es");
  }
  return out;
}

std::vector<Cidr> of_family(const std::vector<Cidr>& cidrs, bool v4) {
  std::vector<Cidr> out;
  std::copy_if(cidrs.begin(), cidrs.end(), std::back_inserter(out),
               [v4](const Cidr& cidr) { return cidr.is_v4() == v4; });
  return out;
}

/// Transports a conduit's rules name: one entry per protocol a rule must be written for.
std::vector<std::string> rule_transports(const Conduit& conduit) {
  switch (conduit.transport) {
    case Transport::Tcp:
      return {"tcp"};
    case Transport::Udp:
      return {"udp"};
    case Transport::Icmp:
      return {"icmp"};
    case Transport::Any:
      break;
  }
  return conduit.ports.empty() ? std::vector<std::string>{"any"}
                               : std::vector<std::string>{"tcp", "udp"};
}

std::string port_text(const PortRange& range, char dash) {
  if (range.first == range.last) {
    return std::to_string(range.first);
  }
  return fmt::format("{}{}{}", range.first, dash, range.last);
}

std::string conduit_summary(const Conduit& conduit) {
  std::string out = fmt::format("{} -> {}", conduit.from.empty() ? "any" : join(conduit.from, ","),
                                conduit.to.empty() ? "any" : join(conduit.to, ","));
  if (conduit.bidirectional) {
    out += " (both ways)";
  }
  out += ", ";
  out += transport_name(conduit.transport);
  if (!conduit.ports.empty()) {
    std::vector<std::string> ports;
    for (const PortRange& range : conduit.ports) {
      ports.push_back(port_text(range, '-'));
    }
    out += " " + join(ports, ", ");
  }
  return out;
}

/// (initiator zones, responder zones) pairs of a conduit; an empty name list means any zone.
std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> directions(
    const Conduit& conduit) {
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> out;
  out.emplace_back(conduit.from, conduit.to);
  if (conduit.bidirectional) {
    out.emplace_back(conduit.to, conduit.from);
  }
  return out;
}

// ---------------------------------------------------------------------------------- nftables

std::string nft_set_name(const std::string& zone, bool v4) {
  return fmt::format("zone_{}_{}", zone, v4 ? "v4" : "v6");
}

void nft_set(std::string& out, const std::string& name, bool v4, const std::vector<Cidr>& cidrs) {
  out += fmt::format("\tset {} {{\n\t\ttype {}\n\t\tflags interval\n\t\telements = {{ ", name,
                     v4 ? "ipv4_addr" : "ipv6_addr");
  const std::vector<AddressRange> ranges = merge_ranges(cidrs);
  for (std::size_t index = 0; index < ranges.size(); ++index) {
    if (index > 0) {
      out += index % kElementsPerLine == 0 ? ",\n\t\t\t     " : ", ";
    }
    out += ranges[index].to_string();
  }
  out += " }\n\t}\n";
}

std::string nft_transport_match(const std::string& transport, const Conduit& conduit, bool v4) {
  std::string ports;
  if (!conduit.ports.empty()) {
    std::vector<std::string> items;
    for (const PortRange& range : conduit.ports) {
      items.push_back(port_text(range, '-'));
    }
    ports = items.size() == 1 ? items.front() : "{ " + join(items, ", ") + " }";
  }
  if (transport == "icmp") {
    return v4 ? " meta l4proto icmp" : " meta l4proto ipv6-icmp";
  }
  if (transport == "any") {
    return "";
  }
  if (ports.empty()) {
    return " meta l4proto " + transport;
  }
  return fmt::format(" {} dport {}", transport, ports);
}

/// Set reference for one side: a zone's set or, for any zone, the union.
std::string nft_side(const std::vector<std::string>& zones, std::size_t index, bool v4) {
  return zones.empty() ? std::string(v4 ? "@zoned_v4" : "@zoned_v6")
                       : "@" + nft_set_name(zones[index], v4);
}

bool has_family(const std::vector<ZoneAddresses>& sets, const std::string& zone, bool v4) {
  for (const ZoneAddresses& set : sets) {
    if (set.zone == zone) {
      return !(v4 ? set.v4 : set.v6).empty();
    }
  }
  return false;
}

std::string header(const Policy& policy, std::string_view format, std::string_view comment,
                   const std::vector<ZoneAddresses>& sets, const ZoneMembers& members) {
  std::string out;
  out += fmt::format("{} Warden segmentation policy {}, as {} rules\n", comment, policy.source,
                     format);
  out += fmt::format("{} (generated by `warden policy export`; see docs/policy.md).\n", comment);
  out += fmt::format(
      "{} Flows between zones are denied unless a conduit allows them; replies pass.\n", comment);
  out += fmt::format("{} Unzoned addresses: {}.\n", comment,
                     policy.unzoned == Unzoned::Deny
                         ? "all forwarded traffic from or to them is dropped (unzoned: deny)"
                         : "not filtered (unzoned: ignore)");
  bool first = true;
  for (const ZoneAddresses& set : sets) {
    if (set.unenforced.empty()) {
      continue;
    }
    if (first) {
      out += fmt::format("{} Zone criteria an address cannot express:\n", comment);
      first = false;
    }
    out += fmt::format("{}   zone {}: {}\n", comment, set.zone, set.unenforced);
  }
  for (const auto& [zone, ips] : members) {
    if (policy.find_zone(zone) == nullptr) {
      out += fmt::format("{} Members given for unknown zone '{}' are left out.\n", comment, zone);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------- iptables

/// "-s 10.0.0.0/8" or "-m iprange --src-range 10.0.0.0-10.9.9.8".
std::string iptables_address(const AddressRange& range, bool source) {
  if (const std::optional<Cidr> cidr = range.as_cidr()) {
    return fmt::format("{} {}", source ? "-s" : "-d", cidr->to_string());
  }
  return fmt::format("-m iprange {} {}", source ? "--src-range" : "--dst-range", range.to_string());
}

std::vector<std::string> multiport_chunks(const std::vector<PortRange>& ports) {
  std::vector<std::string> chunks;
  std::vector<std::string> current;
  std::size_t slots = 0;
  for (const PortRange& range : ports) {
    const std::size_t cost = range.first == range.last ? 1 : 2;
    if (slots + cost > kMultiportSlots) {
      chunks.push_back(join(current, ","));
      current.clear();
      slots = 0;
    }
    current.push_back(port_text(range, ':'));
    slots += cost;
  }
  if (!current.empty()) {
    chunks.push_back(join(current, ","));
  }
  return chunks;
}

/// The match parts of iptables rules for one transport of a conduit.
std::vector<std::string> iptables_matches(const std::string& transport, const Conduit& conduit) {
  if (transport == "any") {
    return {""};
  }
  if (transport == "icmp") {
    return {" -p icmp"};
  }
  if (conduit.ports.empty()) {
    return {" -p " + transport};
  }
  if (conduit.ports.size() == 1) {
    return {fmt::format(" -p {} --dport {}", transport, port_text(conduit.ports.front(), ':'))};
  }
  std::vector<std::string> out;
  for (const std::string& chunk : multiport_chunks(conduit.ports)) {
    out.push_back(fmt::format(" -p {} -m multiport --dports {}", transport, chunk));
  }
  return out;
}

// --------------------------------------------------------------------------------- terraform

std::string hcl_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const std::string& item : items) {
    quoted.push_back("\"" + item + "\"");
  }
  return "[" + join(quoted, ", ") + "]";
}

/// Writes `key = value` lines with the `=` aligned, as `terraform fmt` does.
void hcl_attributes(std::string& out, std::string_view indent,
                    const std::vector<std::pair<std::string, std::string>>& attributes) {
  std::size_t width = 0;
  for (const auto& [key, value] : attributes) {
    width = std::max(width, key.size());
  }
  for (const auto& [key, value] : attributes) {
    out += fmt::format("{}{:<{}} = {}\n", indent, key, width, value);
  }
}

struct IngressSources {
  std::vector<std::string> v4;
  std::vector<std::string> v6;
  bool self = false;
};

}  // namespace

std::vector<ZoneAddresses> zone_addresses(const Policy& policy, const ZoneMembers& members) {
  const auto members_of = [&](const std::string& zone) {
    const auto found = members.find(zone);
    return found == members.end() ? std::vector<Cidr>{} : hosts(found->second);
  };
  std::vector<std::vector<Cidr>> member_cidrs;
  for (const Zone& zone : policy.zones) {
    member_cidrs.push_back(members_of(zone.name));
  }

  std::vector<ZoneAddresses> out;
  for (std::size_t zone_idx = 0; zone_idx < policy.zones.size(); ++zone_idx) {
    const Zone& zone = policy.zones[zone_idx];
    std::vector<Cidr> kept;
    // Members of other zones win over this zone's CIDRs; on a tie the earlier zone keeps one.
    std::vector<Cidr> foreign_members;
    for (std::size_t other_idx = 0; other_idx < policy.zones.size(); ++other_idx) {
      if (other_idx == zone_idx) {
        continue;
      }
      for (const Cidr& member : member_cidrs[other_idx]) {
        const bool also_ours =
            std::find(member_cidrs[zone_idx].begin(), member_cidrs[zone_idx].end(), member) !=
            member_cidrs[zone_idx].end();
        if (!also_ours || other_idx < zone_idx) {
          foreign_members.push_back(member);
        }
      }
    }
    if (zone.internet) {
      std::vector<Cidr> space;
      std::vector<Cidr> taken;
      taken.reserve(kNonPublicV4.size());
      for (const std::string_view text : kNonPublicV4) {
        taken.push_back(must_parse(text));
      }
      for (const Zone& other : policy.zones) {
        if (other.match == ZoneMatch::Any) {
          taken.insert(taken.end(), other.cidrs.begin(), other.cidrs.end());
        }
      }
      space.push_back(must_parse("0.0.0.0/0"));
      space.push_back(must_parse(kPublicV6));
      kept = subtract_all(std::move(space), taken);
    } else if (zone.match == ZoneMatch::Any) {
      for (const Cidr& cidr : normalize(zone.cidrs)) {
        std::vector<Cidr> nested;  // more specific prefixes of other zones
        for (std::size_t other_idx = 0; other_idx < policy.zones.size(); ++other_idx) {
          const Zone& other = policy.zones[other_idx];
          if (other_idx == zone_idx || other.match != ZoneMatch::Any) {
            continue;
          }
          for (const Cidr& candidate : other.cidrs) {
            if (candidate.prefix > cidr.prefix && cidr.contains(candidate)) {
              nested.push_back(candidate);
            }
          }
        }
        std::vector<Cidr> left = subtract_all({cidr}, nested);
        kept.insert(kept.end(), left.begin(), left.end());
      }
    }
    kept.insert(kept.end(), member_cidrs[zone_idx].begin(), member_cidrs[zone_idx].end());
    kept = subtract_all(normalize(std::move(kept)), foreign_members);
    ZoneAddresses addresses;
    addresses.zone = zone.name;
    addresses.v4 = of_family(kept, true);
    addresses.v6 = of_family(kept, false);
    addresses.unenforced = describe_unenforced(zone, member_cidrs[zone_idx].size());
    out.push_back(std::move(addresses));
  }
  return out;
}

std::string export_nftables(const Policy& policy, const ZoneMembers& members) {
  const std::vector<ZoneAddresses> sets = zone_addresses(policy, members);
  std::string out = "#!/usr/sbin/nft -f\n";
  out += header(policy, "nftables", "#", sets, members);
  out += "# Load with `nft -f FILE`; loading it again replaces the table.\n\n";
  out += "add table inet warden_policy\ndelete table inet warden_policy\n\n";
  out += "table inet warden_policy {\n";
  std::vector<Cidr> zoned_v4;
  std::vector<Cidr> zoned_v6;
  for (const ZoneAddresses& set : sets) {
    if (!set.v4.empty()) {
      nft_set(out, nft_set_name(set.zone, true), true, set.v4);
    }
    if (!set.v6.empty()) {
      nft_set(out, nft_set_name(set.zone, false), false, set.v6);
    }
    zoned_v4.insert(zoned_v4.end(), set.v4.begin(), set.v4.end());
    zoned_v6.insert(zoned_v6.end(), set.v6.begin(), set.v6.end());
  }
  zoned_v4 = normalize(std::move(zoned_v4));
  zoned_v6 = normalize(std::move(zoned_v6));
  if (!zoned_v4.empty()) {
    nft_set(out, "zoned_v4", true, zoned_v4);
  }
  if (!zoned_v6.empty()) {
    nft_set(out, "zoned_v6", false, zoned_v6);
  }
  out += "\n\tchain forward {\n";
  out += fmt::format("\t\ttype filter hook forward priority filter; policy {};\n",
                     policy.unzoned == Unzoned::Deny ? "drop" : "accept");
  out += "\t\tct state established,related accept\n";

  const auto side_has = [&](const std::vector<std::string>& zones, std::size_t index, bool v4) {
    return zones.empty() ? !(v4 ? zoned_v4 : zoned_v6).empty() : has_family(sets, zones[index], v4);
  };
  for (const Conduit& conduit : policy.conduits) {
    out += fmt::format("\t\t# conduit {}: {}\n", conduit.name, conduit_summary(conduit));
    if (!conduit.protocol.empty()) {
      out += fmt::format(
          "\t\t# protocol {} is checked by `warden analyze`; here the transport and ports "
          "decide\n",
          conduit.protocol);
    }
    bool wrote = false;
    for (const auto& [from, to] : directions(conduit)) {
      for (std::size_t from_idx = 0; from_idx < std::max<std::size_t>(from.size(), 1); ++from_idx) {
        for (std::size_t to_idx = 0; to_idx < std::max<std::size_t>(to.size(), 1); ++to_idx) {
          for (const bool v4 : {true, false}) {
            if (!side_has(from, from_idx, v4) || !side_has(to, to_idx, v4)) {
              continue;
            }
            for (const std::string& transport : rule_transports(conduit)) {
              const std::string match = nft_transport_match(transport, conduit, v4);
              out += fmt::format("\t\t{} saddr {} {} daddr {}{} accept comment \"{}\"\n",
                                 v4 ? "ip" : "ip6", nft_side(from, from_idx, v4), v4 ? "ip" : "ip6",
                                 nft_side(to, to_idx, v4), match, conduit.name);
              wrote = true;
            }
          }
        }
      }
    }
    if (!wrote) {
      out += "\t\t# (no rule: a side has no address)\n";
    }
  }
  bool intra_header = false;
  for (const Zone& zone : policy.zones) {
    if (!zone.intra_allowed) {
      continue;
    }
    for (const bool v4 : {true, false}) {
      if (!has_family(sets, zone.name, v4)) {
        continue;
      }
      if (!intra_header) {
        out += "\t\t# traffic inside a zone (intra: allow)\n";
        intra_header = true;
      }
      out += fmt::format("\t\t{0} saddr @{1} {0} daddr @{1} accept comment \"intra {2}\"\n",
                         v4 ? "ip" : "ip6", nft_set_name(zone.name, v4), zone.name);
    }
  }
  out += "\t\t# everything else between zones\n";
  if (!zoned_v4.empty()) {
    out +=
        "\t\tip saddr @zoned_v4 ip daddr @zoned_v4 counter drop comment \"warden default "
        "deny\"\n";
  }
  if (!zoned_v6.empty()) {
    out +=
        "\t\tip6 saddr @zoned_v6 ip6 daddr @zoned_v6 counter drop comment \"warden default "
        "deny\"\n";
  }
  out += "\t}\n}\n";
  return out;
}

std::string export_iptables(const Policy& policy, const ZoneMembers& members) {
  const std::vector<ZoneAddresses> sets = zone_addresses(policy, members);
  std::string out = header(policy, "iptables-restore", "#", sets, members);
  out += "# Load with `iptables-restore FILE`: it replaces the filter table. IPv4 only.\n";
  for (const ZoneAddresses& set : sets) {
    if (!set.v6.empty()) {
      std::vector<std::string> v6;
      for (const Cidr& cidr : set.v6) {
        v6.push_back(cidr.to_string());
      }
      out += fmt::format("# zone {}: IPv6 {} not enforced here (use the nftables export)\n",
                         set.zone, join(v6, ", "));
    }
  }
  out += "*filter\n:INPUT ACCEPT [0:0]\n";
  out += fmt::format(":FORWARD {} [0:0]\n", policy.unzoned == Unzoned::Deny ? "DROP" : "ACCEPT");
  out += ":OUTPUT ACCEPT [0:0]\n:WARDEN-POLICY - [0:0]\n";
  for (const ZoneAddresses& set : sets) {
    if (!set.v4.empty()) {
      out += fmt::format(":WZ-{} - [0:0]\n", set.zone);
    }
  }
  out += "-A FORWARD -j WARDEN-POLICY\n";
  out += "-A WARDEN-POLICY -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n";
  std::vector<Cidr> all_v4;
  for (const ZoneAddresses& set : sets) {
    for (const AddressRange& range : merge_ranges(set.v4)) {
      out += fmt::format("-A WARDEN-POLICY {} -j WZ-{}\n", iptables_address(range, true), set.zone);
    }
    all_v4.insert(all_v4.end(), set.v4.begin(), set.v4.end());
  }
  std::vector<std::string> zoned;
  for (const AddressRange& range : merge_ranges(all_v4)) {
    zoned.push_back(iptables_address(range, false));
  }
  const auto cidrs_of = [&](const std::vector<std::string>& zones) {
    if (zones.empty()) {
      return zoned;
    }
    std::vector<std::string> destinations;
    for (const ZoneAddresses& set : sets) {
      if (std::find(zones.begin(), zones.end(), set.zone) != zones.end()) {
        for (const AddressRange& range : merge_ranges(set.v4)) {
          destinations.push_back(iptables_address(range, false));
        }
      }
    }
    return destinations;
  };
  for (const ZoneAddresses& set : sets) {
    if (set.v4.empty()) {
      continue;
    }
    const Zone* zone = policy.find_zone(set.zone);
    for (const Conduit& conduit : policy.conduits) {
      for (const auto& [from, to] : directions(conduit)) {
        if (!from.empty() && std::find(from.begin(), from.end(), set.zone) == from.end()) {
          continue;
        }
        for (const std::string& destination : cidrs_of(to)) {
          for (const std::string& transport : rule_transports(conduit)) {
            for (const std::string& match : iptables_matches(transport, conduit)) {
              out += fmt::format("-A WZ-{} {}{} -m comment --comment \"{}\" -j ACCEPT\n", set.zone,
                                 destination, match, conduit.name);
            }
          }
        }
      }
    }
    if (zone != nullptr && zone->intra_allowed) {
      for (const AddressRange& range : merge_ranges(set.v4)) {
        out += fmt::format("-A WZ-{} {} -m comment --comment \"intra {}\" -j ACCEPT\n", set.zone,
                           iptables_address(range, false), set.zone);
      }
    }
    for (const std::string& destination : zoned) {
      out += fmt::format("-A WZ-{} {} -m comment --comment \"warden default deny\" -j DROP\n",
                         set.zone, destination);
    }
  }
  out += "COMMIT\n";
  return out;
}

std::string export_terraform_aws(const Policy& policy, const ZoneMembers& members) {
  const std::vector<ZoneAddresses> sets = zone_addresses(policy, members);
  std::string out = header(policy, "Terraform (AWS security group)", "#", sets, members);
  out +=
      "# One security group per zone: attach it to the zone's instances. Ingress rules are the\n"
      "# conduits into the zone, sources by CIDR; the internet zone is 0.0.0.0/0 and ::/0.\n"
      "# Egress stays open (security groups are stateful; conduits are enforced at the\n"
      "# responder), so conduits towards the internet zone are not enforced here.\n\n";
  out += "variable \"vpc_id\" {\n";
  hcl_attributes(out, "  ",
                 {{"description", "\"VPC that holds the Warden zones' security groups\""},
                  {"type", "string"}});
  out += "}\n";

  const auto sources = [&](const std::vector<std::string>& zones, const std::string& target) {
    IngressSources result;
    for (const Zone& zone : policy.zones) {
      if (!zones.empty() && std::find(zones.begin(), zones.end(), zone.name) == zones.end()) {
        continue;
      }
      if (zone.internet) {
        result.v4 = {"0.0.0.0/0"};
        result.v6 = {"::/0"};
        return result;
      }
      if (zone.name == target) {
        result.self = true;
      }
      for (const ZoneAddresses& set : sets) {
        if (set.zone == zone.name && zone.name != target) {
          for (const Cidr& cidr : set.v4) {
            result.v4.push_back(cidr.prefix == 32 ? cidr.to_string() + "/32" : cidr.to_string());
          }
          for (const Cidr& cidr : set.v6) {
            result.v6.push_back(cidr.prefix == 128 ? cidr.to_string() + "/128" : cidr.to_string());
          }
        }
      }
    }
    return result;
  };

  for (const Zone& zone : policy.zones) {
    if (zone.internet) {
      continue;
    }
    out += fmt::format("\nresource \"aws_security_group\" \"warden_{}\" {{\n", zone.name);
    hcl_attributes(out, "  ",
                   {{"name", fmt::format("\"warden-{}\"", zone.name)},
                    {"description", fmt::format("\"Warden zone {}\"", zone.name)},
                    {"vpc_id", "var.vpc_id"}});
    if (zone.intra_allowed) {
      out += "\n  ingress {\n";
      hcl_attributes(out, "    ",
                     {{"description", fmt::format("\"intra {}\"", zone.name)},
                      {"protocol", "\"-1\""},
                      {"from_port", "0"},
                      {"to_port", "0"},
                      {"self", "true"}});
      out += "  }\n";
    }
    for (const Conduit& conduit : policy.conduits) {
      for (const auto& [from, to] : directions(conduit)) {
        if (!to.empty() && std::find(to.begin(), to.end(), zone.name) == to.end()) {
          continue;
        }
        const IngressSources source = sources(from, zone.name);
        if (source.v4.empty() && source.v6.empty() && !source.self) {
          out += fmt::format("\n  # conduit {}: its source zones have no address\n", conduit.name);
          continue;
        }
        const std::vector<PortRange>& ranges = conduit.ports;
        for (const std::string& transport : rule_transports(conduit)) {
          std::vector<std::pair<std::string, std::string>> port_pairs;
          std::string protocol = "\"" + transport + "\"";
          if (transport == "any") {
            protocol = "\"-1\"";
            port_pairs.emplace_back("0", "0");
          } else if (transport == "icmp") {
            port_pairs.emplace_back("-1", "-1");
          } else if (ranges.empty()) {
            port_pairs.emplace_back("0", "65535");
          } else {
            for (const PortRange& range : ranges) {
              port_pairs.emplace_back(std::to_string(range.first), std::to_string(range.last));
            }
          }
          for (const auto& [first, last] : port_pairs) {
            std::vector<std::pair<std::string, std::string>> attributes = {
                {"description",
                 fmt::format("\"{}{}\"", conduit.name,
                             conduit.protocol.empty() ? "" : " (" + conduit.protocol + ")")},
                {"protocol", protocol},
                {"from_port", first},
                {"to_port", last}};
            // ICMPv6 needs its own rule: protocol "icmp" covers IPv4 only.
            const bool icmp = transport == "icmp";
            if (!source.v4.empty()) {
              attributes.emplace_back("cidr_blocks", hcl_list(source.v4));
            }
            if (!source.v6.empty() && !icmp) {
              attributes.emplace_back("ipv6_cidr_blocks", hcl_list(source.v6));
            }
            if (source.self) {
              attributes.emplace_back("self", "true");
            }
            if (!icmp || !source.v4.empty() || source.self) {
              out += "\n  ingress {\n";
              hcl_attributes(out, "    ", attributes);
              out += "  }\n";
            }
            if (icmp && !source.v6.empty()) {
              out += "\n  ingress {\n";
              hcl_attributes(out, "    ",
                             {{"description", fmt::format("\"{}\"", conduit.name)},
                              {"protocol", "\"icmpv6\""},
                              {"from_port", "-1"},
                              {"to_port", "-1"},
                              {"ipv6_cidr_blocks", hcl_list(source.v6)}});
              out += "  }\n";
            }
          }
        }
      }
    }
    out += "\n  egress {\n";
    hcl_attributes(out, "    ",
                   {{"description", "\"open: conduits are enforced on ingress\""},
                    {"protocol", "\"-1\""},
                    {"from_port", "0"},
                    {"to_port", "0"},
                    {"cidr_blocks", "[\"0.0.0.0/0\"]"},
                    {"ipv6_cidr_blocks", "[\"::/0\"]"}});
    out += "  }\n\n  tags = {\n";
    hcl_attributes(out, "    ", {{"\"warden:zone\"", fmt::format("\"{}\"", zone.name)}});
    out += "  }\n}\n";
  }
  return out;
}

std::string quarantine_table_name(const IpAddress& ip) {
  std::string name = "warden_quarantine_";
  for (const char c : ip.to_string()) {
    name += (c == '.' || c == ':') ? '_' : c;
  }
  return name;
}

std::string quarantine_nftables(const IpAddress& ip, const std::optional<MacAddress>& mac,
                                const std::vector<IpAddress>& allowed_management) {
  const std::string table = quarantine_table_name(ip);
  const std::string family = ip.is_v4() ? "ip" : "ip6";
  std::vector<IpAddress> hosts_kept;
  for (const IpAddress& host : allowed_management) {
    if (host.family == ip.family && host != ip) {
      hosts_kept.push_back(host);
    }
  }
  std::sort(hosts_kept.begin(), hosts_kept.end());
  hosts_kept.erase(std::unique(hosts_kept.begin(), hosts_kept.end()), hosts_kept.end());
  std::vector<std::string> management;
  management.reserve(hosts_kept.size());
  for (const IpAddress& host : hosts_kept) {
    management.push_back(host.to_string());
  }
  std::string out = "#!/usr/sbin/nft -f\n";
  out += fmt::format("# Warden quarantine of {}{}: every forwarded packet from or to it is dropped",
                     ip.to_string(), mac ? " (" + mac->to_string() + ")" : "");
  out += management.empty() ? ".\n" : ",\n# except traffic with the management hosts.\n";
  out += fmt::format("# Load with `nft -f FILE`; lift with `nft delete table inet {}`.\n\n", table);
  out += fmt::format("add table inet {0}\ndelete table inet {0}\n\n", table);
  out += fmt::format("table inet {} {{\n", table);
  out += "\tchain forward {\n";
  out += "\t\ttype filter hook forward priority filter - 10; policy accept;\n";
  if (!management.empty()) {
    const std::string hosts_text =
        management.size() == 1 ? management.front() : "{ " + join(management, ", ") + " }";
    out += fmt::format("\t\t{0} saddr {1} {0} daddr {2} accept comment \"management\"\n", family,
                       ip.to_string(), hosts_text);
    out += fmt::format("\t\t{0} saddr {1} {0} daddr {2} accept comment \"management\"\n", family,
                       hosts_text, ip.to_string());
  }
  out +=
      fmt::format("\t\t{} saddr {} counter drop comment \"quarantine\"\n", family, ip.to_string());
  out +=
      fmt::format("\t\t{} daddr {} counter drop comment \"quarantine\"\n", family, ip.to_string());
  if (mac) {
    // Frames from the device's MAC, whatever address it takes next. Only right when the device
    // is on a segment attached to this router: behind another router the MAC is that router's.
    out +=
        fmt::format("\t\tether saddr {} counter drop comment \"quarantine\"\n", mac->to_string());
  }
  out += "\t}\n}\n";
  return out;
}

}  // namespace warden::policy
