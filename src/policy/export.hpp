// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "policy/cidr.hpp"
#include "policy/policy.hpp"

namespace warden::policy {

/// The addresses a zone holds for enforcement: its CIDRs and member addresses, less what a more
/// specific definition gives to another zone, so that the zones' sets are disjoint and a
/// firewall reaches the same zone as evaluate() does.
struct ZoneAddresses {
  std::string zone;
  std::vector<Cidr> v4;
  std::vector<Cidr> v6;
  /// What the zone says that an address match cannot express (VLANs, selectors), for people.
  std::string unenforced;
};

/// One entry per zone, in file order. `members` (zone -> addresses, from resolve_members() or
/// the caller) place devices that only a VLAN or a selector puts in a zone; they win over any
/// CIDR, like a selector does in evaluate(). Members of unknown zones are left out.
std::vector<ZoneAddresses> zone_addresses(const Policy& policy, const ZoneMembers& members = {});

/// A complete `nft -f` ruleset: table inet warden_policy (replaced when loaded again), a
/// forward chain that accepts established/related traffic and the conduits, accepts traffic
/// inside zones that allow it, and drops everything else between zones. The chain policy is
/// accept, or drop under `unzoned: deny`. Criteria an address cannot express are listed in
/// comments.
std::string export_nftables(const Policy& policy, const ZoneMembers& members = {});

/// The same semantics as iptables-restore input (IPv4 only; IPv6 prefixes are listed in a
/// comment): FORWARD jumps to WARDEN-POLICY, which sends each source zone to its WZ-<zone>
/// chain. Loading it with iptables-restore replaces the filter table.
std::string export_iptables(const Policy& policy, const ZoneMembers& members = {});

/// Terraform for AWS: a variable vpc_id and one aws_security_group per zone (not the internet
/// zone) whose ingress rules are the conduits into it, sources by CIDR (the internet as
/// 0.0.0.0/0 and ::/0), plus a self rule when the zone allows intra-zone traffic. Egress is
/// left open: security groups are stateful, and conduits are enforced at the responder.
std::string export_terraform_aws(const Policy& policy, const ZoneMembers& members = {});

/// A complete `nft -f` ruleset isolating one device: table inet warden_quarantine_<address>
/// with a forward chain (priority filter - 10) that drops every forwarded packet from or to
/// `ip` (and, when given, from `mac`, which catches the device after an address change; give
/// the MAC only for a device on a segment attached to this router, as behind another router
/// frames carry that router's MAC),
/// except traffic between the device and the `allowed_management` hosts. Its drops are final;
/// its accepts do not override drops of other tables (the policy's own conduits still apply).
std::string quarantine_nftables(const IpAddress& ip, const std::optional<MacAddress>& mac,
                                const std::vector<IpAddress>& allowed_management);

/// The table quarantine_nftables() creates for `ip`: "warden_quarantine_10_20_0_5", so that
/// `nft delete table inet <name>` lifts it.
std::string quarantine_table_name(const IpAddress& ip);

}  // namespace warden::policy
