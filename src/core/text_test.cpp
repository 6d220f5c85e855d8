// SPDX-License-Identifier: Apache-2.0
#include "core/text.hpp"

#include <gtest/gtest.h>

namespace warden {
namespace {

TEST(Sanitize, ReplacesControlBytesAndKeepsUtf8) {
  EXPECT_EQ(sanitize("  ok\x01\x1b[31m  "), "ok..[31m");
  EXPECT_EQ(sanitize("K\xc3\xbc\x63he"), "K\xc3\xbc\x63he");
  EXPECT_EQ(sanitize("bad \xc3 utf8"), "bad . utf8");
}

TEST(Sanitize, CutsLongValuesVisibly) {
  const std::string long_value(400, 'a');
  const std::string cut = sanitize(long_value, 16);
  EXPECT_EQ(cut.size(), 16U);
  EXPECT_EQ(cut.substr(13), "...");
}

TEST(Text, CaseInsensitiveHelpers) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(istarts_with("User-Agent: x", "user-agent"));
  EXPECT_EQ(ifind("abcDEF", "def"), 3U);
  EXPECT_EQ(ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(to_lower("MiXeD"), "mixed");
  EXPECT_EQ(trim(" \tx y\r"), "x y");
  const std::array<std::uint8_t, 3> bytes = {0x00, 0xab, 0x7f};
  EXPECT_EQ(to_hex(bytes), "00ab7f");
}

}  // namespace
}  // namespace warden
