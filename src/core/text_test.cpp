// SPDX-License-Identifier: Apache-2.0
#include "core/text.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/address.hpp"
#include "core/hash.hpp"

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

/// The byte-at-a-time definition is_clean_value() must agree with.
bool clean_reference(std::string_view raw, bool lower) {
  if (raw.empty() || raw.size() > kMaxValueLength || sanitize(raw) != raw ||
      (lower && raw.back() == '.')) {
    return false;
  }
  return std::all_of(raw.begin(), raw.end(), [lower](char c) {
    return c >= 0x20 && c <= 0x7E && !(lower && c >= 'A' && c <= 'Z');
  });
}

TEST(Text, CleanValueAgreesWithTheBytewiseDefinition) {
  EXPECT_TRUE(is_clean_value("tcp/80 http", false));
  EXPECT_FALSE(is_clean_value("Printer.local", true));
  EXPECT_TRUE(is_clean_value("Printer.local", false));
  EXPECT_FALSE(is_clean_value("printer.local.", true));
  EXPECT_FALSE(is_clean_value(std::string_view("a\0b", 3), false));
  EXPECT_FALSE(is_clean_value("caf\xc3\xa9", false));  // kept by sanitize, but not ASCII
  EXPECT_FALSE(is_clean_value(std::string(kMaxValueLength + 1, 'a'), false));
  EXPECT_TRUE(is_clean_value(std::string(kMaxValueLength, 'a'), false));
  // Every byte value at every position of a word, and random strings of the interesting bytes.
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t position = 0; position < 11; ++position) {
      std::string value(11, 'x');
      value[position] = static_cast<char>(byte);
      for (const bool lower : {false, true}) {
        ASSERT_EQ(is_clean_value(value, lower), clean_reference(value, lower))
            << "byte " << byte << " at " << position << (lower ? " lower" : "");
      }
    }
  }
  std::mt19937 random(7);
  const std::string alphabet = std::string("aZ. @[`{~\x7f\x1f\x80\xff\t") + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string value(random() % 20, ' ');
    for (char& c : value) {
      c = alphabet[random() % alphabet.size()];
    }
    for (const bool lower : {false, true}) {
      ASSERT_EQ(is_clean_value(value, lower), clean_reference(value, lower)) << value;
    }
  }
}

TEST(Hash, BytesHashIsStableAndSeesEveryByteAndTheLength) {
  EXPECT_EQ(hash_bytes("printer.local"), hash_bytes(std::string("printer.local")));
  EXPECT_NE(hash_bytes("ab"), hash_bytes(std::string_view("ab\0", 3)));
  EXPECT_NE(hash_bytes(""), hash_bytes(std::string_view("\0", 1)));
  EXPECT_NE(hash_bytes("x", 1), hash_bytes("x", 2));
  // Every length from 1 to 40 (each tail size, with and without whole words before it): a
  // change in any one byte changes the hash.
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::string base(length, 'q');
    for (std::size_t position = 0; position < base.size(); ++position) {
      std::string changed = base;
      changed[position] = 'r';
      EXPECT_NE(hash_bytes(changed), hash_bytes(base)) << length << " " << position;
    }
  }
}

TEST(Hash, TailWordHoldsTheLastBytesInOrder) {
  EXPECT_EQ(tail_word("\x01\x02\x03\x04\x05"), 0x0504030201U);
  EXPECT_EQ(tail_word("\x01\x02\x03\x04\x05\x06\x07"), 0x07060504030201U);
  EXPECT_EQ(tail_word("\x01\x02\x03\x04"), 0x04030201U);
  EXPECT_EQ(tail_word("\x01\x02\x03"), 0x030201U);
  EXPECT_EQ(tail_word("\x01\x02"), 0x020201U);
  EXPECT_EQ(tail_word("\x01"), 0x010101U);
  EXPECT_EQ(tail_word(""), 0U);
}

TEST(ValueText, KeepsEveryByteWhetherItStaysInlineOrMovesToTheHeap) {
  ValueText text("telnet user=");
  text += "root";
  text += ' ';
  EXPECT_EQ(text.view(), "telnet user=root ");
  // Exactly full, then one byte past: the text moves to the heap whole.
  ValueText full;
  const std::string filler(ValueText::kInline - 1, 'a');
  full += filler;
  full += 'b';
  EXPECT_EQ(full.view(), filler + "b");
  full += "cd";
  EXPECT_EQ(full.view(), filler + "bcd");
  full += std::string(1000, 'e');
  EXPECT_EQ(full.view().size(), ValueText::kInline + 2 + 1000);
  EXPECT_EQ(full.view().substr(ValueText::kInline), "cd" + std::string(1000, 'e'));
  // A first piece longer than the inline room.
  const std::string longer(ValueText::kInline + 7, 'z');
  EXPECT_EQ(ValueText(longer).view(), longer);
  EXPECT_EQ(ValueText().view(), "");
}

TEST(IpAddressFormat, WritesTheCanonicalTextIntoTheBuffer) {
  // Each in its canonical form (RFC 5952 for IPv6), so formatting the parsed address gives it back.
  for (const char* text :
       {"0.0.0.0", "10.0.4.17", "255.255.255.255", "1.22.133.4", "::", "fe80::1",
        "2001:db8::ff00:42:8329", "::ffff:192.0.2.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    const auto address = IpAddress::parse(text);
    ASSERT_TRUE(address.has_value()) << text;
    IpAddress::TextBuffer buffer;
    EXPECT_EQ(address->format(buffer), text);
    EXPECT_EQ(address->to_string(), text);
  }
  IpAddress::TextBuffer buffer;
  EXPECT_EQ(IpAddress{}.format(buffer), "");
}

}  // namespace
}  // namespace warden
