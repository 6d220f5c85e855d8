// SPDX-License-Identifier: Apache-2.0
#include "policy/cidr.hpp"

#include <gtest/gtest.h>

namespace warden::policy {
namespace {

Cidr cidr(std::string_view text) {
  const std::optional<Cidr> parsed = Cidr::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(Cidr{});
}

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value_or(IpAddress{});
}

std::string texts(const std::vector<Cidr>& cidrs) {
  std::string out;
  for (const Cidr& item : cidrs) {
    out += (out.empty() ? "" : " ") + item.to_string();
  }
  return out;
}

TEST(Cidr, ParsesPrefixesAndBareAddresses) {
  EXPECT_EQ(cidr("10.20.0.0/24").to_string(), "10.20.0.0/24");
  EXPECT_EQ(cidr("10.20.0.7").prefix, 32);
  EXPECT_EQ(cidr("10.20.0.7").to_string(), "10.20.0.7");
  EXPECT_EQ(cidr("fd00:1::/64").to_string(), "fd00:1::/64");
  EXPECT_EQ(cidr("::/0").prefix, 0);
  EXPECT_EQ(cidr("0.0.0.0/0").prefix, 0);
}

TEST(Cidr, RejectsBadText) {
  std::string why;
  EXPECT_FALSE(Cidr::parse("10.20.0.1/24", &why));
  EXPECT_EQ(why, "host bits set: use 10.20.0.0/24");
  EXPECT_FALSE(Cidr::parse("10.20.0.0/33", &why));
  EXPECT_EQ(why, "prefix length '33' must be 0 to 32");
  EXPECT_FALSE(Cidr::parse("10.20.0/24", &why));
  EXPECT_EQ(why, "'10.20.0' is not an IPv4 or IPv6 address");
  EXPECT_FALSE(Cidr::parse("10.0.0.0/", &why));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/8x", &why));
  EXPECT_FALSE(Cidr::parse("fd00::/129", &why));
}

TEST(Cidr, Contains) {
  EXPECT_TRUE(cidr("10.20.0.0/24").contains(ip("10.20.0.255")));
  EXPECT_FALSE(cidr("10.20.0.0/24").contains(ip("10.20.1.0")));
  EXPECT_FALSE(cidr("10.20.0.0/24").contains(ip("fd00::1")));
  EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("8.8.8.8")));
  EXPECT_TRUE(cidr("fd00::/8").contains(ip("fd12::1")));
  EXPECT_TRUE(cidr("10.0.0.0/8").contains(cidr("10.20.0.0/24")));
  EXPECT_FALSE(cidr("10.20.0.0/24").contains(cidr("10.0.0.0/8")));
  EXPECT_TRUE(cidr("10.20.0.0/24").overlaps(cidr("10.0.0.0/8")));
  EXPECT_FALSE(cidr("10.20.0.0/24").overlaps(cidr("10.21.0.0/24")));
}

TEST(Cidr, SubtractLeavesTheSiblingsAlongThePath) {
  EXPECT_EQ(texts(subtract(cidr("10.0.0.0/24"), cidr("10.0.0.8/29"))),
            "10.0.0.128/25 10.0.0.64/26 10.0.0.32/27 10.0.0.16/28 10.0.0.0/29");
  EXPECT_EQ(texts(subtract(cidr("10.0.0.0/24"), cidr("10.1.0.0/24"))), "10.0.0.0/24");
  EXPECT_EQ(texts(subtract(cidr("10.0.0.0/24"), cidr("10.0.0.0/16"))), "");
  EXPECT_EQ(texts(subtract(cidr("10.0.0.0/31"), cidr("10.0.0.1"))), "10.0.0.0");
  EXPECT_EQ(texts(subtract(cidr("fd00::/126"), cidr("fd00::3"))), "fd00::/127 fd00::2");
}

TEST(Cidr, SubtractAllAndNormalize) {
  EXPECT_EQ(texts(subtract_all({cidr("10.0.0.0/30")}, {cidr("10.0.0.1"), cidr("10.0.0.2")})),
            "10.0.0.0 10.0.0.3");
  EXPECT_EQ(texts(normalize({cidr("10.1.0.0/16"), cidr("10.0.0.0/8"), cidr("10.0.0.0/16"),
                             cidr("192.168.0.0/16"), cidr("fd00::/8")})),
            "10.0.0.0/8 192.168.0.0/16 fd00::/8");
}

TEST(Cidr, MergeRanges) {
  std::string out;
  for (const AddressRange& range : merge_ranges(
           {cidr("10.0.0.0/25"), cidr("10.0.0.128/25"), cidr("10.0.1.0"), cidr("10.0.1.2/31"),
            cidr("10.0.2.0/24"), cidr("255.255.255.255"), cidr("fd00::/127"), cidr("fd00::2")})) {
    out += (out.empty() ? "" : " ") + range.to_string();
  }
  EXPECT_EQ(out, "10.0.0.0-10.0.1.0 10.0.1.2/31 10.0.2.0/24 255.255.255.255 fd00::-fd00::2");
  const AddressRange whole{ip("10.0.0.0"), ip("10.0.255.255")};
  ASSERT_TRUE(whole.as_cidr());
  EXPECT_EQ(whole.as_cidr()->to_string(), "10.0.0.0/16");
  EXPECT_FALSE((AddressRange{ip("10.0.0.1"), ip("10.0.0.2")}).as_cidr());
}

}  // namespace
}  // namespace warden::policy
