// SPDX-License-Identifier: Apache-2.0
#include "identify/regex.hpp"

#include <gtest/gtest.h>

namespace warden::identify {
namespace {

TEST(Regex, MatchesCaseInsensitivelyAndFillsGroups) {
  const auto regex = Regex::compile(R"(^Linux/([\d.]+) UPnP/1\.0 (\w+)/)");
  ASSERT_TRUE(regex.has_value()) << regex.error();
  Captures groups;
  EXPECT_TRUE(regex->match("linux/3.10.14 UPnP/1.0 Sonos/70.3", &groups));
  EXPECT_EQ(groups[1], "3.10.14");
  EXPECT_EQ(groups[2], "Sonos");
  EXPECT_TRUE(groups[3].empty());
  EXPECT_FALSE(regex->match("Windows/10 UPnP/1.0 X/1", &groups));
  // The same pattern again (the match block is reused): earlier groups do not leak.
  EXPECT_TRUE(regex->match("Linux/4 UPnP/1.0 Hue/1", &groups));
  EXPECT_EQ(groups[1], "4");
  EXPECT_EQ(groups[2], "Hue");
}

TEST(Regex, MoreGroupsThanKeptStillMatch) {
  const auto regex = Regex::compile("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)");
  ASSERT_TRUE(regex.has_value()) << regex.error();
  Captures groups;
  EXPECT_TRUE(regex->match("abcdefghijkl", &groups));
  EXPECT_EQ(groups[0], "abcdefghijkl");
  EXPECT_EQ(groups[9], "i");
  EXPECT_TRUE(regex->match("xxabcdefghijklxx"));
}

TEST(Regex, RunawayBacktrackingFailsInsteadOfStalling) {
  const auto regex = Regex::compile("^(a+)+$");
  ASSERT_TRUE(regex.has_value());
  EXPECT_FALSE(regex->match(std::string(40, 'a') + "!"));
  EXPECT_TRUE(regex->match("aaaa"));
}

TEST(Regex, ReportsWhereAPatternIsBroken) {
  const auto regex = Regex::compile("abc(");
  ASSERT_FALSE(regex.has_value());
  EXPECT_NE(regex.error().find("offset 4"), std::string::npos) << regex.error();
}

}  // namespace
}  // namespace warden::identify
