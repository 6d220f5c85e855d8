// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <vector>

namespace warden::inventory {

/// An open-addressing index from a 64-bit hash to positions in a caller's vector, for the small
/// per-endpoint lists (attributes, peers) that most endpoints keep short and a few grow to their
/// cap. Below `kScanLimit` entries it holds nothing and callers scan; at the limit it is built and
/// kept, sized for `capacity` entries at most half full.
class HashIndex {
 public:
  static constexpr std::size_t kScanLimit = 16;

  [[nodiscard]] bool active() const { return !slots_.empty(); }

  /// Calls `matches(position)` for each candidate position of `hash` until it returns true;
  /// returns that position, or -1. Only valid when active().
  template <typename Matches>
  [[nodiscard]] std::int64_t find(std::uint64_t hash, Matches&& matches) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = spread(hash) & mask;
    for (std::size_t probe = 0; probe <= mask && slots_[at] != 0; ++probe) {
      if (matches(slots_[at] - 1U)) {
        return slots_[at] - 1;
      }
      at = (at + 1) & mask;
    }
    return -1;
  }

  /// Records that the entry at `position` has `hash`. Builds the index from `hashes` (the hash of
  /// every entry, by position) when the list reaches kScanLimit.
  void add(std::uint64_t hash, std::uint32_t position, std::size_t capacity,
           const std::vector<std::uint64_t>& hashes) {
    if (!active()) {
      if (hashes.size() < kScanLimit) {
        return;
      }
      std::size_t slots = 32;
      while (slots < capacity * 2) {
        slots *= 2;
      }
      slots_.assign(slots, 0);
      for (std::size_t entry_idx = 0; entry_idx < hashes.size(); ++entry_idx) {
        insert(hashes[entry_idx], static_cast<std::uint32_t>(entry_idx));
      }
      return;
    }
    insert(hash, position);
  }

 private:
  /// FNV-style hashes keep poorly mixed low bits; linear probing needs them mixed (murmur3 fmix).
  static std::size_t spread(std::uint64_t hash) {
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    return static_cast<std::size_t>(hash);
  }

  void insert(std::uint64_t hash, std::uint32_t position) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = spread(hash) & mask;
    for (std::size_t probe = 0; probe <= mask && slots_[at] != 0; ++probe) {
      at = (at + 1) & mask;
    }
    slots_[at] = position + 1;
  }

  std::vector<std::uint32_t> slots_;  // position + 1; 0 = empty
};

}  // namespace warden::inventory
