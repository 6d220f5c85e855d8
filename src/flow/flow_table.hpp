// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "decode/packet.hpp"

namespace warden::flow {

/// Bidirectional flow identity: both endpoints, transport, and the outer VLAN. Endpoint `a` is the
/// lower (address, port) pair, so both directions of a conversation map to one key.
struct FlowKey {
  IpAddress a;
  IpAddress b;
  std::uint16_t port_a = 0;
  std::uint16_t port_b = 0;
  std::uint16_t vlan = 0;
  std::uint8_t proto = 0;

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

/// Builds the key of `packet`; `is_a_to_b` tells whether the packet travels from a to b.
FlowKey make_key(const decode::Packet& packet, bool& is_a_to_b);

/// State the pipeline attaches to a flow (analyzers, stream buffers). Destroyed with the flow.
struct FlowExtension {
  virtual ~FlowExtension() = default;
};

/// TCP life-cycle as far as timeouts care.
enum class TcpState : std::uint8_t { None, SynSent, Established, Closing, Closed };

/// Why a flow left the table.
enum class EvictReason : std::uint8_t { IdleTimeout, Capacity, Flush };

/// One conversation. Index 0 of the direction arrays is the initiator's side.
struct Flow {
  FlowKey key;
  std::uint64_t hash = 0;
  std::int64_t first_ts_us = 0;
  std::int64_t last_ts_us = 0;
  std::uint64_t packets[2] = {0, 0};  // NOLINT(modernize-avoid-c-arrays): fixed pair, hot path
  std::uint64_t bytes[2] = {0, 0};    // NOLINT(modernize-avoid-c-arrays): fixed pair, hot path
  bool initiator_is_a = true;         ///< endpoint a sent the first packet (or the SYN)
  TcpState tcp_state = TcpState::None;
  std::uint8_t fin_seen = 0;               ///< bit 0: initiator sent FIN, bit 1: responder
  std::uint16_t app = 0;                   ///< application protocol id assigned by the pipeline
  std::uint8_t user_flags = 0;             ///< pipeline bookkeeping bits, cleared on creation
  std::uint32_t endpoint[2] = {0, 0};      // NOLINT(modernize-avoid-c-arrays): inventory handles
  std::uint32_t endpoint_gen[2] = {0, 0};  // NOLINT(modernize-avoid-c-arrays): handle checks
  std::unique_ptr<FlowExtension> extension;

  /// 0 when the packet came from the initiator, 1 from the responder.
  [[nodiscard]] int side_of(bool is_a_to_b) const { return is_a_to_b == initiator_is_a ? 0 : 1; }

  // Intrusive LRU links (pool indices); managed by FlowTable.
  std::uint32_t lru_prev = 0;
  std::uint32_t lru_next = 0;
  bool in_use = false;
};

/// Limits and timeouts (capture time, microseconds).
struct FlowConfig {
  std::uint32_t max_flows = 1U << 18;
  std::int64_t tcp_established_timeout_us = 300'000'000;
  std::int64_t tcp_transitory_timeout_us = 30'000'000;  ///< half-open and closing
  std::int64_t udp_timeout_us = 60'000'000;
  std::int64_t other_timeout_us = 60'000'000;
};

struct FlowStats {
  std::uint64_t created = 0;
  std::uint64_t evicted_idle = 0;
  std::uint64_t evicted_capacity = 0;
  std::uint64_t flushed = 0;
  std::uint64_t peak_active = 0;

  void add(const FlowStats& other);
};

/// A fixed-capacity flow table: a pool of flows (index-stable), an open-addressing index, and an
/// LRU list by last activity. Memory is allocated once at construction; when full, the least
/// recently active flow is evicted and counted.
class FlowTable {
 public:
  using EvictCallback = std::function<void(Flow&, EvictReason)>;

  explicit FlowTable(const FlowConfig& config, EvictCallback on_evict = {});
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  /// Finds or creates the flow of `packet` (which must have IPs), updates counters, TCP state and
  /// LRU position, and expires idle flows. `is_new` tells whether it was just created.
  Flow& track(const decode::Packet& packet, bool& is_a_to_b, bool& is_new);
  /// The same, for a caller that has the packet's decode::flow_hash() already.
  Flow& track(const decode::Packet& packet, std::uint64_t hash, bool& is_a_to_b, bool& is_new);

  /// Asks the CPU for the index slot where track() will look for the flow whose
  /// decode::flow_hash() is `hash`. Called a packet ahead, the slot's cache miss overlaps the
  /// work on the packet before.
  void prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) {
      __builtin_prefetch(&slots_[home_of(static_cast<std::uint32_t>(hash >> 32))]);
    }
  }
  /// The next step, once the slot is in cache (a packet after prefetch()): asks for the record
  /// of the flow the slot points to, its first two cache lines (key, times, counters).
  void prefetch_flow(std::uint64_t hash) const {
    if (slots_.empty()) {
      return;
    }
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::uint64_t at = home_of(tag);
    for (int probe = 0; probe < 4 && slots_[at].index != kNil; ++probe) {
      if (slots_[at].tag == tag) {
        // A record spans more than one cache line: ask for its first two.
        const auto record = std::as_bytes(std::span(&pool_[slots_[at].index], 1));
        __builtin_prefetch(record.data());
        __builtin_prefetch(record.subspan(64).data());
        return;
      }
      at = (at + 1) & mask_;
    }
  }

  /// Evicts every flow (end of input).
  void flush();
  /// flush(), then gives the table's memory (flow records, free list, index) back to the
  /// allocator: the next stage allocates from it instead of faulting in new pages. The table
  /// still works, as a new one would.
  void release();

  [[nodiscard]] std::size_t active() const { return active_; }
  [[nodiscard]] const FlowStats& stats() const { return stats_; }
  [[nodiscard]] std::int64_t timeout_of(const Flow& flow) const;
  /// Whether `flow` has been idle past its timeout at `now_us`: it is over.
  [[nodiscard]] bool is_idle(const Flow& flow, std::int64_t now_us) const {
    return flow.last_ts_us + timeout_of(flow) < now_us;
  }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFU;
  struct Slot {
    std::uint32_t index = kNil;
    std::uint32_t tag = 0;
  };

  /// A flow's home slot in the index: from the high half of its hash, which the slot keeps as
  /// its tag, so moving slots around needs no look at the flow records.
  [[nodiscard]] std::uint64_t home_of(std::uint32_t tag) const { return tag & mask_; }
  std::uint32_t allocate();
  void evict(std::uint32_t index, EvictReason reason);
  void erase_from_index(std::uint32_t index);
  void lru_unlink(std::uint32_t index);
  void lru_push_back(std::uint32_t index);
  void expire(std::int64_t now_us);
  void grow_index();
  void reserve_pool();

  FlowConfig config_;
  EvictCallback on_evict_;
  std::vector<Flow> pool_;
  std::vector<std::uint32_t> free_;
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
  std::uint32_t lru_head_ = kNil;
  std::uint32_t lru_tail_ = kNil;
  std::size_t active_ = 0;
  FlowStats stats_;
};

}  // namespace warden::flow
