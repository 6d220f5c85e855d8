// SPDX-License-Identifier: Apache-2.0
#include "core/byte_reader.hpp"

#include <gtest/gtest.h>

#include <array>

namespace warden {
namespace {

TEST(ByteReader, ReadsBigAndLittleEndian) {
  const std::array<std::uint8_t, 9> bytes = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x01};
  ByteReader reader(bytes);
  EXPECT_EQ(*reader.read_u16_be(), 0x1234);
  EXPECT_EQ(*reader.read_u16_le(), 0x7856);
  EXPECT_EQ(*reader.read_u32_be(), 0x9ABCDEF0U);
  EXPECT_EQ(reader.remaining(), 1U);
  EXPECT_EQ(*reader.read_u8(), 0x01);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReader, NeverReadsPastTheEnd) {
  const std::array<std::uint8_t, 3> bytes = {1, 2, 3};
  ByteReader reader(bytes);
  const auto too_long = reader.read_u32_be();
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(reader.position(), 0U);  // a failed read consumes nothing
  EXPECT_FALSE(reader.read_bytes(4));
  EXPECT_TRUE(reader.read_bytes(3));
  EXPECT_FALSE(reader.read_u8());
  EXPECT_FALSE(reader.seek(4));
}

TEST(ByteReader, ViewsAliasTheInput) {
  const std::array<std::uint8_t, 4> bytes = {'a', 'b', 'c', 'd'};
  ByteReader reader(bytes);
  ASSERT_TRUE(reader.skip(1));
  const auto chars = reader.read_chars(2);
  ASSERT_TRUE(chars);
  EXPECT_EQ(*chars, "bc");
  EXPECT_EQ(static_cast<const void*>(chars->data()), static_cast<const void*>(&bytes[1]));
}

Result<int> sum_two(ByteReader& reader) {
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t a, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t b, reader.read_u8());
  return a + b;
}

TEST(Result, AssignOrReturnPropagatesErrors) {
  const std::array<std::uint8_t, 1> one = {5};
  ByteReader short_reader(one);
  EXPECT_FALSE(sum_two(short_reader));
  const std::array<std::uint8_t, 2> two = {5, 6};
  ByteReader reader(two);
  EXPECT_EQ(*sum_two(reader), 11);
}

}  // namespace
}  // namespace warden
