// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace warden {

/// Finalizer of MurmurHash3 (fmix64): every input bit affects every output bit, so the low bits
/// that open-addressing tables index by are well mixed.
constexpr std::uint64_t mix64(std::uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> 33;
  return value;
}

/// The last 1 to 7 bytes of a string as one word (0 for none), with fixed-size loads (a copy of a
/// variable length was a library call per hash): for 4 to 7 bytes two overlapping 4-byte loads,
/// whose shared bytes are equal, so OR-ing them gives the bytes in order; for 1 to 3 the first,
/// middle and last byte, which tell apart any two strings of the same length (the caller mixes the
/// length in).
inline std::uint64_t tail_word(std::string_view bytes) {
  const std::size_t size = bytes.size();
  if (size == 0) {
    return 0;
  }
  if (size >= 4) {
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    std::memcpy(&low, bytes.data(), 4);
    std::memcpy(&high, bytes.substr(size - 4).data(), 4);
    return std::uint64_t{low} | (std::uint64_t{high} << ((size - 4) * 8));
  }
  const auto byte = [&](std::size_t at) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at]));
  };
  return byte(0) | (byte(size / 2) << 8) | (byte(size - 1) << 16);
}

/// A fast 64-bit hash of a byte string for in-memory tables (not for anything adversarial to
/// depend on: tables that use it bound their probes). Eight bytes per step, where the byte-wise
/// FNV it replaced took one; the length is mixed in, so "ab" and "ab\0" differ.
inline std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed = 0) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  std::uint64_t hash = seed ^ (bytes.size() * kMultiplier);
  while (bytes.size() >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data(), 8);
    hash = (hash ^ mix64(word)) * kMultiplier;
    bytes.remove_prefix(8);
  }
  if (!bytes.empty()) {
    hash = (hash ^ mix64(tail_word(bytes))) * kMultiplier;
  }
  return mix64(hash);
}

}  // namespace warden
