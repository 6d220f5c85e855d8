// SPDX-License-Identifier: Apache-2.0
#include "core/text.hpp"

#include <algorithm>
#include <cstring>

namespace warden {
namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Length of the valid UTF-8 sequence starting at text[at], or 0 if it is not one.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  if ((lead & 0xE0U) == 0xC0U && lead >= 0xC2U) {
    length = 2;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
  } else if ((lead & 0xF8U) == 0xF0U && lead <= 0xF4U) {
    length = 4;
  } else {
    return 0;
  }
  if (at + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[at + k]) & 0xC0U) != 0x80U) {
      return 0;
    }
  }
  return length;
}
}  // namespace

bool is_clean_value(std::string_view raw, bool lower) {
  if (raw.empty() || raw.size() > kMaxValueLength || raw.front() == ' ' || raw.back() == ' ' ||
      (lower && raw.back() == '.')) {
    return false;
  }
  // Byte-parallel tests from "Bit Twiddling Hacks" (hasless, hasmore, hasbetween): each is exact
  // for whether any byte of the word is in the range, for the thresholds used here (all < 128).
  constexpr std::uint64_t kOnes = ~std::uint64_t{0} / 255;
  constexpr std::uint64_t kHigh = kOnes * 128;
  auto has_less = [](std::uint64_t word, std::uint64_t n) {
    return ((word - kOnes * n) & ~word & kHigh) != 0;
  };
  auto has_more = [](std::uint64_t word, std::uint64_t n) {
    return (((word + kOnes * (127 - n)) | word) & kHigh) != 0;
  };
  auto has_between = [](std::uint64_t word, std::uint64_t low, std::uint64_t high) {
    return (((kOnes * (127 + high) - (word & kOnes * 127)) & ~word &
             ((word & kOnes * 127) + kOnes * (127 - low))) &
            kHigh) != 0;
  };
  auto clean = [&](std::uint64_t word) {
    return !has_less(word, 0x20) && !has_more(word, 0x7E) &&
           !(lower && has_between(word, 'A' - 1, 'Z' + 1));
  };
  std::size_t at = 0;
  for (; at + 8 <= raw.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, raw.data() + at, 8);
    if (!clean(word)) {
      return false;
    }
  }
  if (at < raw.size()) {
    std::uint64_t word = kOnes * 'a';  // padding that passes every test
    std::memcpy(&word, raw.data() + at, raw.size() - at);
    if (!clean(word)) {
      return false;
    }
  }
  return true;
}

std::string sanitize(std::string_view raw, std::size_t max_length) {
  raw = trim(raw);
  std::string out;
  out.reserve(std::min(raw.size(), max_length));
  std::size_t at = 0;
  while (at < raw.size() && out.size() < max_length) {
    const auto c = static_cast<unsigned char>(raw[at]);
    if (c >= 0x20U && c < 0x7FU) {
      out.push_back(static_cast<char>(c));
      ++at;
      continue;
    }
    const std::size_t length = c >= 0x80U ? utf8_sequence_length(raw, at) : 0;
    if (length > 0 && out.size() + length <= max_length) {
      out.append(raw.substr(at, length));
      at += length;
      continue;
    }
    if (length > 0) {
      break;
    }
    out.push_back('.');
    ++at;
  }
  if (at < raw.size()) {
    // Cut: mark it so nobody mistakes a prefix for the whole value.
    while (out.size() + 3 > max_length && !out.empty()) {
      out.pop_back();
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0U) == 0x80U) {
        out.pop_back();
      }
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0U) {
        out.pop_back();
      }
    }
    out += "...";
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    out.pop_back();
  }
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\0')) {
    text.remove_suffix(1);
  }
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::size_t ifind(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) {
    return 0;
  }
  if (needle.size() > haystack.size()) {
    return std::string_view::npos;
  }
  for (std::size_t at = 0; at + needle.size() <= haystack.size(); ++at) {
    if (iequals(haystack.substr(at, needle.size()), needle)) {
      return at;
    }
  }
  return std::string_view::npos;
}

std::string to_hex(Bytes bytes) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0FU]);
  }
  return out;
}

}  // namespace warden
