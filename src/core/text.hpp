// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/byte_reader.hpp"

namespace warden {

/// Longest attribute value the inventory keeps; longer values are cut (and marked with "...").
inline constexpr std::size_t kMaxValueLength = 256;

/// Makes untrusted text safe to store and print: keeps printable ASCII and valid UTF-8 sequences,
/// replaces control bytes with '.', trims surrounding spaces and cuts at `max_length`.
std::string sanitize(std::string_view raw, std::size_t max_length = kMaxValueLength);

/// True when `raw` is non-empty printable ASCII of at most kMaxValueLength bytes without
/// surrounding spaces, so sanitize() would return it unchanged; with `lower`, also without
/// upper-case letters or a trailing dot (a canonical host name). Lets the common case be stored
/// without a copy. Checks eight bytes per step.
bool is_clean_value(std::string_view raw, bool lower);

/// ASCII lower-casing (protocol tokens, host names).
std::string to_lower(std::string_view text);

/// Removes leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

/// ASCII case-insensitive comparison.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
/// Position of `needle` in `haystack`, ignoring ASCII case, or npos.
std::size_t ifind(std::string_view haystack, std::string_view needle);

/// Lower-case hexadecimal of `bytes`.
std::string to_hex(Bytes bytes);

/// Text put together for an observation's value ("publish home/temp", "telnet user=root"): up to
/// kInline bytes stay inside the object, on the caller's stack; only a longer text moves to the
/// heap. Spares a heap allocation per message on the packet path, without cutting anything
/// (the inventory cuts a stored value at kMaxValueLength, after trimming it).
// NOLINTBEGIN(cppcoreguidelines-pro-type-member-init): inline_ is left uninitialized on purpose
class ValueText {
 public:
  static constexpr std::size_t kInline = 2 * kMaxValueLength;

  ValueText() = default;
  explicit ValueText(std::string_view text) { append(text); }
  ValueText(const ValueText&) = delete;
  ValueText& operator=(const ValueText&) = delete;
  ValueText(ValueText&&) = delete;
  ValueText& operator=(ValueText&&) = delete;
  ~ValueText() = default;

  ValueText& append(std::string_view text) {
    if (heap_.empty() && text.size() <= kInline - size_) {
      std::copy(text.begin(), text.end(), std::span(inline_).subspan(size_).begin());
      size_ += text.size();
    } else {
      if (heap_.empty()) {
        heap_.assign(inline_.data(), size_);
      }
      heap_.append(text);
    }
    return *this;
  }
  ValueText& operator+=(std::string_view text) { return append(text); }
  ValueText& operator+=(char c) { return append(std::string_view(&c, 1)); }

  [[nodiscard]] std::string_view view() const {
    return heap_.empty() ? std::string_view(inline_.data(), size_) : std::string_view(heap_);
  }
  // NOLINTNEXTLINE(google-explicit-constructor): used where the value's text is expected
  operator std::string_view() const { return view(); }

 private:
  // Not cleared: only the first size_ bytes are ever read.
  std::array<char, kInline> inline_;
  std::size_t size_ = 0;
  std::string heap_;  ///< the whole text once it outgrew inline_
};
// NOLINTEND(cppcoreguidelines-pro-type-member-init)

}  // namespace warden
