// SPDX-License-Identifier: Apache-2.0
#include "inventory/oui.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace warden::inventory {
namespace {

TEST(OuiDatabase, LongestPrefixWins) {
  OuiDatabase oui;
  // Lines as they appear in Debian ieee-data's oui.csv, mam.csv and oui36.csv.
  EXPECT_EQ(oui.add_csv(
                "Registry,Assignment,Organization Name,Organization Address\n"
                "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane Piscataway NJ US 08854 \n"),
            1U);
  EXPECT_EQ(oui.add_csv("MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1 Moscow  RU 109388 \"\n"),
            1U);
  EXPECT_EQ(
      oui.add_csv("MA-M,208593B,IOG Products LLC,9737 LURLINE AVENUE CHATSWORTH CA US 91311 \n"),
      1U);
  EXPECT_EQ(oui.lookup(*MacAddress::parse("70:b3:d5:f2:f0:01")), "TELEPLATFORMS");
  EXPECT_EQ(oui.lookup(*MacAddress::parse("70:b3:d5:00:00:01")), "IEEE Registration Authority");
  EXPECT_EQ(oui.lookup(*MacAddress::parse("20:85:93:b0:00:01")), "IOG Products LLC");
  EXPECT_FALSE(oui.lookup(*MacAddress::parse("20:85:93:c0:00:01")));
  EXPECT_FALSE(oui.lookup(*MacAddress::parse("72:b3:d5:f2:f0:01")));  // locally administered
}

TEST(OuiDatabase, LoadsTheSystemRegistry) {
  if (!std::filesystem::exists("/usr/share/ieee-data/oui.csv")) {
    GTEST_SKIP() << "ieee-data not installed";
  }
  const OuiDatabase oui = OuiDatabase::load(OuiDatabase::default_directories());
  EXPECT_GT(oui.size(), 30000U);
  const auto vendor = oui.lookup(*MacAddress::parse("b8:27:eb:00:00:01"));
  ASSERT_TRUE(vendor);
  EXPECT_EQ(*vendor, "Raspberry Pi Foundation");
}

}  // namespace
}  // namespace warden::inventory
