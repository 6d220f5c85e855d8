// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
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

}  // namespace warden
