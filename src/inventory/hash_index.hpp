// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <vector>

namespace warden::inventory {

/// An open-addressing index from a 64-bit hash to positions in a caller's vector, for the small
/// per-endpoint lists (attributes, peers) that most endpoints keep short and a few grow to their
/// cap. Below `kScanLimit` entries it holds nothing and callers scan; from there it is built, and
/// it doubles to stay at most half full. A slot is 32 bits: the position and 16 bits of the
/// entry's hash, so a probe rejects other entries without touching them (the entries live
/// elsewhere in memory; touching one is a cache miss), and an index of 64 entries fits in four
/// cache lines.
class HashIndex {
 public:
  static constexpr std::size_t kScanLimit = 16;
  /// Positions must be below this.
  static constexpr std::size_t kMaxEntries = 0xFFFF;

  [[nodiscard]] bool active() const { return !slots_.empty(); }

  /// Calls `matches(position)` for each candidate position of `hash` until it returns true;
  /// returns that position, or -1. Only valid when active().
  template <typename Matches>
  [[nodiscard]] std::int64_t find(std::uint64_t hash, Matches&& matches) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = tag_of(hash);
    std::size_t at = spread(hash) & mask;
    for (std::size_t probe = 0; probe <= mask && slots_[at] != 0; ++probe) {
      const std::uint32_t slot = slots_[at];
      if ((slot & kTagMask) == tag) {
        const std::uint32_t position = (slot & kPositionMask) - 1U;
        if (matches(position)) {
          return position;
        }
      }
      at = (at + 1) & mask;
    }
    return -1;
  }

  /// Asks the CPU for the slot where find(hash) starts. Only valid when active().
  void prefetch(std::uint64_t hash) const {
    __builtin_prefetch(&slots_[spread(hash) & (slots_.size() - 1)]);
  }

  /// Rebuilds the index from `hashes`, the hash of every entry by position (after entries were
  /// replaced in place).
  void rebuild(const std::vector<std::uint64_t>& hashes) {
    slots_.clear();
    count_ = 0;
    if (!hashes.empty()) {
      add(hashes.back(), static_cast<std::uint32_t>(hashes.size() - 1), hashes);
    }
  }

  /// Records that the entry at `position` has `hash`; `hashes` holds the hash of every entry by
  /// position (the index is built, and rebuilt when it grows, from it).
  void add(std::uint64_t hash, std::uint32_t position, const std::vector<std::uint64_t>& hashes) {
    if (hashes.size() < kScanLimit || position >= kMaxEntries) {
      return;
    }
    if (!active() || (count_ + 1) * 2 > slots_.size()) {
      std::size_t slots = 64;
      while (slots < hashes.size() * 4) {
        slots *= 2;
      }
      slots_.assign(slots, 0);
      count_ = 0;
      for (std::size_t entry_idx = 0; entry_idx < hashes.size() && entry_idx < kMaxEntries;
           ++entry_idx) {
        insert(hashes[entry_idx], static_cast<std::uint32_t>(entry_idx));
      }
      return;
    }
    insert(hash, position);
  }

 private:
  static constexpr std::uint32_t kPositionMask = 0xFFFFU;
  static constexpr std::uint32_t kTagMask = 0xFFFF0000U;
  static std::uint32_t tag_of(std::uint64_t hash) {
    return static_cast<std::uint32_t>(hash >> 32) & kTagMask;
  }
  /// Some callers' hashes keep poorly mixed low bits; linear probing needs them mixed.
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
    slots_[at] = tag_of(hash) | (position + 1U);
    ++count_;
  }

  std::vector<std::uint32_t> slots_;  // tag | (position + 1); 0 = empty
  std::size_t count_ = 0;
};

}  // namespace warden::inventory
