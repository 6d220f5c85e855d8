// SPDX-License-Identifier: Apache-2.0
// The policy's protocol names (repeated in policy.cpp, which does not depend on the protocol
// module) are exactly the registry's.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "policy/policy.hpp"
#include "protocols/registry.hpp"

namespace warden::policy {
namespace {

TEST(PolicyProtocols, AreTheRegistrysNames) {
  std::set<std::string> names;
  for (const proto::ProtocolInfo& info : proto::protocols()) {
    names.emplace(info.name);
    EXPECT_TRUE(is_known_protocol(info.name)) << info.name;
  }
  // Nothing beyond them: a name the registry does not know would never match a conversation.
  for (const char* unknown : {"https", "", "LDAP", "ldaps"}) {
    EXPECT_FALSE(is_known_protocol(unknown)) << unknown;
  }
  EXPECT_EQ(names.size(), 32U);  // the registry's 35 entries name 32 protocols
}

}  // namespace
}  // namespace warden::policy
