// SPDX-License-Identifier: Apache-2.0
#include "protocols/credentials/default_credentials.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <iterator>

namespace warden::proto::credentials {
namespace {

TEST(DefaultCredentials, MiraiPairsAreRecognised) {
  EXPECT_EQ(match_default("root", "xc3511"), DefaultList::Mirai);
  EXPECT_EQ(match_default("root", "vizxv"), DefaultList::Mirai);
  EXPECT_EQ(match_default("root", ""), DefaultList::Mirai);
  EXPECT_EQ(match_default("mother", "fucker"), DefaultList::Mirai);
  EXPECT_EQ(pairs_of(DefaultList::Mirai).size(), 60U);
  EXPECT_EQ(pairs_of(DefaultList::Vendor).size(), 24U);
  EXPECT_TRUE(pairs_of(DefaultList::None).empty());
}

TEST(DefaultCredentials, VendorDefaultsAreRecognised) {
  EXPECT_EQ(match_default("pi", "raspberry"), DefaultList::Vendor);
  EXPECT_EQ(match_default("ADMIN", "ADMIN"), DefaultList::Vendor);
  EXPECT_EQ(match_default("admin", "admin"), DefaultList::Mirai);  // on both: Mirai wins
}

TEST(DefaultCredentials, UserNamesIgnoreCasePasswordsDoNot) {
  EXPECT_EQ(match_default("Root", "xc3511"), DefaultList::Mirai);
  EXPECT_EQ(match_default("root", "XC3511"), DefaultList::None);
  EXPECT_EQ(match_default("root", "correct horse battery staple"), DefaultList::None);
  EXPECT_EQ(match_default("", ""), DefaultList::None);
}

TEST(DefaultCredentials, ListNamesAreStable) {
  EXPECT_EQ(list_name(DefaultList::Mirai), "mirai");
  EXPECT_EQ(list_name(DefaultList::Vendor), "vendor");
  EXPECT_EQ(list_name(DefaultList::None), "none");
}

}  // namespace
}  // namespace warden::proto::credentials
