// SPDX-License-Identifier: Apache-2.0
// Test driver for the policy module (tests/policy/nft_enforcement.sh):
//   policy_export_tool check FILE
//   policy_export_tool export FILE nftables|iptables|terraform-aws [ZONE=IP ...]
//   policy_export_tool quarantine IP [--mac MAC] [--allow IP ...]
// Writes the ruleset to stdout; errors to stderr with exit 1, usage errors exit 2.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "policy/export.hpp"
#include "policy/policy.hpp"

namespace {

int usage() {
  std::cerr << "usage: policy_export_tool check FILE\n"
               "       policy_export_tool export FILE nftables|iptables|terraform-aws "
               "[ZONE=IP ...]\n"
               "       policy_export_tool quarantine IP [--mac MAC] [--allow IP ...]\n";
  return 2;
}

int run(const std::vector<std::string>& args) {
  using warden::IpAddress;
  namespace policy = warden::policy;
  if (args.size() >= 2 && (args[0] == "check" || args[0] == "export")) {
    auto loaded = policy::load_policy(args[1]);
    if (!loaded) {
      std::cerr << loaded.error().text() << "\n";
      return 1;
    }
    if (args[0] == "check") {
      std::cout << args[1] << ": ok, " << loaded->zones.size() << " zones, "
                << loaded->conduits.size() << " conduits\n";
      return 0;
    }
    if (args.size() < 3) {
      return usage();
    }
    policy::ZoneMembers members;
    for (std::size_t index = 3; index < args.size(); ++index) {
      const std::size_t equals = args[index].find('=');
      const auto ip = equals == std::string::npos
                          ? std::nullopt
                          : IpAddress::parse(args[index].substr(equals + 1));
      if (!ip) {
        return usage();
      }
      members[args[index].substr(0, equals)].push_back(*ip);
    }
    if (args[2] == "nftables") {
      std::cout << policy::export_nftables(*loaded, members);
    } else if (args[2] == "iptables") {
      std::cout << policy::export_iptables(*loaded, members);
    } else if (args[2] == "terraform-aws") {
      std::cout << policy::export_terraform_aws(*loaded, members);
    } else {
      return usage();
    }
    return 0;
  }
  if (args.size() >= 2 && args[0] == "quarantine") {
    const auto ip = IpAddress::parse(args[1]);
    if (!ip) {
      return usage();
    }
    std::optional<warden::MacAddress> mac;
    std::vector<IpAddress> allowed;
    for (std::size_t index = 2; index < args.size(); index += 2) {
      if (index + 1 >= args.size()) {
        return usage();
      }
      if (args[index] == "--mac") {
        mac = warden::MacAddress::parse(args[index + 1]);
        if (!mac) {
          return usage();
        }
      } else if (args[index] == "--allow") {
        const auto host = IpAddress::parse(args[index + 1]);
        if (!host) {
          return usage();
        }
        allowed.push_back(*host);
      } else {
        return usage();
      }
    }
    std::cout << policy::quarantine_nftables(*ip, mac, allowed);
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  for (int index = 1; index < argc; ++index) {
    args.emplace_back(argv[index]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  }
  return run(args);
}
