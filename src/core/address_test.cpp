// SPDX-License-Identifier: Apache-2.0
#include "core/address.hpp"

#include <gtest/gtest.h>

#include <compare>
#include <random>
#include <tuple>

namespace warden {
namespace {

TEST(MacAddress, ParsesAndPrintsLowerCase) {
  const auto mac = MacAddress::parse("00:1A:2B:3c:4d:5E");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->to_string(), "00:1a:2b:3c:4d:5e");
  EXPECT_TRUE(MacAddress::parse("00-1a-2b-3c-4d-5e"));
  EXPECT_FALSE(MacAddress::parse("00:1a:2b:3c:4d"));
  EXPECT_FALSE(MacAddress::parse("00:1a:2b:3c:4d:5g"));
}

TEST(MacAddress, FlagsLocallyAdministeredAndMulticast) {
  EXPECT_TRUE(MacAddress::parse("da:a1:19:00:00:01")->is_locally_administered());
  EXPECT_FALSE(MacAddress::parse("00:1a:2b:3c:4d:5e")->is_locally_administered());
  EXPECT_TRUE(MacAddress::parse("01:00:5e:00:00:fb")->is_multicast());
  EXPECT_TRUE(MacAddress::parse("ff:ff:ff:ff:ff:ff")->is_broadcast());
  EXPECT_FALSE(MacAddress::parse("ff:ff:ff:ff:ff:ff")->is_unicast_station());
}

TEST(MacAddress, EqualOnlyWhenEveryOctetIs) {
  const MacAddress base = *MacAddress::parse("00:1a:2b:3c:4d:5e");
  EXPECT_EQ(base, *MacAddress::parse("00:1a:2b:3c:4d:5e"));
  for (std::size_t octet = 0; octet < base.octets.size(); ++octet) {
    MacAddress changed = base;
    changed.octets.at(octet) ^= 0x80U;
    EXPECT_NE(changed, base) << octet;
    EXPECT_NE(changed <=> base, std::strong_ordering::equal) << octet;
  }
}

TEST(IpAddress, ClassifiesRanges) {
  EXPECT_TRUE(IpAddress::parse("10.1.2.3")->is_private());
  EXPECT_TRUE(IpAddress::parse("172.20.0.1")->is_private());
  EXPECT_FALSE(IpAddress::parse("172.32.0.1")->is_private());
  EXPECT_TRUE(IpAddress::parse("192.168.1.1")->is_private());
  EXPECT_TRUE(IpAddress::parse("100.64.0.1")->is_private());
  EXPECT_FALSE(IpAddress::parse("8.8.8.8")->is_private());
  EXPECT_TRUE(IpAddress::parse("fe80::1")->is_link_local());
  EXPECT_TRUE(IpAddress::parse("fd00::1")->is_private());
  EXPECT_FALSE(IpAddress::parse("2001:db8::1")->is_private());
  EXPECT_FALSE(IpAddress::parse("224.0.0.251")->is_assignable());
  EXPECT_FALSE(IpAddress::parse("255.255.255.255")->is_assignable());
  EXPECT_FALSE(IpAddress::parse("0.0.0.0")->is_assignable());
  EXPECT_FALSE(IpAddress::parse("::")->is_assignable());
  EXPECT_FALSE(IpAddress::parse("ff02::fb")->is_assignable());
  EXPECT_TRUE(IpAddress::parse("192.168.1.20")->is_assignable());
}

TEST(IpAddress, RoundTripsText) {
  EXPECT_EQ(IpAddress::parse("2001:0db8:0000::0001")->to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddress::v4_from_u32(0x0A000001).to_string(), "10.0.0.1");
  EXPECT_FALSE(IpAddress::parse("10.0.0.256"));
  EXPECT_FALSE(IpAddress::parse("not an address"));
}

}  // namespace
TEST(IpAddress, OrdersByBytesThenFamily) {
  std::mt19937 random(11);
  for (int round = 0; round < 5000; ++round) {
    IpAddress a;
    IpAddress b;
    for (std::size_t byte_idx = 0; byte_idx < a.bytes.size(); ++byte_idx) {
      // Few distinct values, so equal prefixes of every length occur.
      a.bytes[byte_idx] = static_cast<std::uint8_t>(random() % 3 * 0x7F);
      b.bytes[byte_idx] = static_cast<std::uint8_t>(random() % 3 * 0x7F);
    }
    if (round % 2 == 0) {
      b.bytes = a.bytes;
    }
    a.family = static_cast<std::uint8_t>(random() % 2 == 0 ? 4 : 6);
    b.family = static_cast<std::uint8_t>(random() % 2 == 0 ? 4 : 6);
    const auto expected = std::tie(a.bytes, a.family) <=> std::tie(b.bytes, b.family);
    ASSERT_EQ(a <=> b, expected);
    ASSERT_EQ(a == b, std::is_eq(expected));
  }
}

}  // namespace warden
