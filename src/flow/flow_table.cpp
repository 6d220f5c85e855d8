// SPDX-License-Identifier: Apache-2.0
#include "flow/flow_table.hpp"

#include <bit>
#include <cstring>

#include "decode/decoder.hpp"

namespace warden::flow {
namespace {
/// Expired flows removed per packet at most: keeps per-packet latency bounded after a lull.
constexpr int kMaxExpirePerPacket = 16;
/// Slots of the flow index before it grows (8 bytes each).
constexpr std::uint64_t kInitialSlots = 1U << 14;

}  // namespace

void FlowStats::add(const FlowStats& other) {
  created += other.created;
  evicted_idle += other.evicted_idle;
  evicted_capacity += other.evicted_capacity;
  flushed += other.flushed;
  peak_active += other.peak_active;
}

FlowKey make_key(const decode::Packet& packet, bool& is_a_to_b) {
  FlowKey key;
  key.proto = packet.ip_proto_raw;
  key.vlan = packet.vlan;
  const bool src_first = packet.src_ip < packet.dst_ip ||
                         (packet.src_ip == packet.dst_ip && packet.src_port <= packet.dst_port);
  if (src_first) {
    key.a = packet.src_ip;
    key.b = packet.dst_ip;
    key.port_a = packet.src_port;
    key.port_b = packet.dst_port;
  } else {
    key.a = packet.dst_ip;
    key.b = packet.src_ip;
    key.port_a = packet.dst_port;
    key.port_b = packet.src_port;
  }
  is_a_to_b = src_first;
  return key;
}

FlowTable::FlowTable(const FlowConfig& config, EvictCallback on_evict)
    : config_(config), on_evict_(std::move(on_evict)) {
  if (config_.max_flows == 0) {
    config_.max_flows = 1;
  }
  reserve_pool();
  // The index starts small and doubles to stay at most half full: sized for the cap from the
  // start (half a million slots by default) its probes missed the CPU cache on every packet.
  const std::uint64_t slot_count =
      std::min(std::bit_ceil(std::uint64_t{config_.max_flows} * 2), kInitialSlots);
  slots_.resize(slot_count);
  mask_ = slot_count - 1;
}

void FlowTable::reserve_pool() {
  // Address space for the whole pool now, pages as flows arrive: references to flows stay valid
  // (no reallocation) and a small capture does not pay for zeroing a large table.
  pool_.reserve(config_.max_flows);
  free_.reserve(config_.max_flows);
}

void FlowTable::release() {
  flush();
  std::vector<Flow>().swap(pool_);
  std::vector<std::uint32_t>().swap(free_);
  const std::uint64_t slot_count =
      std::min(std::bit_ceil(std::uint64_t{config_.max_flows} * 2), kInitialSlots);
  std::vector<Slot>(slot_count).swap(slots_);
  mask_ = slot_count - 1;
}

FlowTable::~FlowTable() = default;

std::int64_t FlowTable::timeout_of(const Flow& flow) const {
  switch (flow.key.proto) {
    case 6:
      return flow.tcp_state == TcpState::Established ? config_.tcp_established_timeout_us
                                                     : config_.tcp_transitory_timeout_us;
    case 17:
      return config_.udp_timeout_us;
    default:
      return config_.other_timeout_us;
  }
}

void FlowTable::lru_unlink(std::uint32_t index) {
  Flow& flow = pool_[index];
  if (flow.lru_prev != kNil) {
    pool_[flow.lru_prev].lru_next = flow.lru_next;
  } else {
    lru_head_ = flow.lru_next;
  }
  if (flow.lru_next != kNil) {
    pool_[flow.lru_next].lru_prev = flow.lru_prev;
  } else {
    lru_tail_ = flow.lru_prev;
  }
  flow.lru_prev = kNil;
  flow.lru_next = kNil;
}

void FlowTable::lru_push_back(std::uint32_t index) {
  Flow& flow = pool_[index];
  flow.lru_prev = lru_tail_;
  flow.lru_next = kNil;
  if (lru_tail_ != kNil) {
    pool_[lru_tail_].lru_next = index;
  } else {
    lru_head_ = index;
  }
  lru_tail_ = index;
}

void FlowTable::erase_from_index(std::uint32_t index) {
  // Linear probing with backward-shift deletion: no tombstones, so probe lengths stay short.
  std::uint64_t at = home_of(static_cast<std::uint32_t>(pool_[index].hash >> 32));
  for (std::uint64_t probe = 0; probe <= mask_; ++probe) {
    if (slots_[at].index == index) {
      break;
    }
    at = (at + 1) & mask_;
  }
  std::uint64_t hole = at;
  std::uint64_t next = (hole + 1) & mask_;
  for (std::uint64_t probe = 0; probe <= mask_ && slots_[next].index != kNil; ++probe) {
    // From the slot's own tag: no visit to the flow record (a cache miss per shifted slot).
    const std::uint64_t home = home_of(slots_[next].tag);
    // Move `next` into the hole if its home does not lie cyclically in (hole, next].
    const bool movable =
        hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
    if (movable) {
      slots_[hole] = slots_[next];
      hole = next;
    }
    next = (next + 1) & mask_;
  }
  slots_[hole] = Slot{};
}

void FlowTable::evict(std::uint32_t index, EvictReason reason) {
  Flow& flow = pool_[index];
  if (on_evict_) {
    on_evict_(flow, reason);
  }
  switch (reason) {
    case EvictReason::IdleTimeout:
      ++stats_.evicted_idle;
      break;
    case EvictReason::Capacity:
      ++stats_.evicted_capacity;
      break;
    case EvictReason::Flush:
      ++stats_.flushed;
      break;
  }
  erase_from_index(index);
  lru_unlink(index);
  flow.extension.reset();
  flow.in_use = false;
  free_.push_back(index);
  --active_;
}

void FlowTable::grow_index() {
  const std::uint64_t slot_count = slots_.size() * 2;
  slots_.assign(slot_count, Slot{});
  mask_ = slot_count - 1;
  for (std::uint32_t index = 0; index < pool_.size(); ++index) {
    const Flow& flow = pool_[index];
    if (!flow.in_use) {
      continue;
    }
    const auto tag = static_cast<std::uint32_t>(flow.hash >> 32);
    std::uint64_t at = home_of(tag);
    for (std::uint64_t probe = 0; probe <= mask_ && slots_[at].index != kNil; ++probe) {
      at = (at + 1) & mask_;
    }
    slots_[at] = Slot{index, tag};
  }
}

std::uint32_t FlowTable::allocate() {
  if (free_.empty() && pool_.size() < config_.max_flows) {
    if (pool_.capacity() == 0) {
      reserve_pool();  // after release()
    }
    pool_.emplace_back();
    return static_cast<std::uint32_t>(pool_.size() - 1);
  }
  if (free_.empty()) {
    evict(lru_head_, EvictReason::Capacity);
  }
  const std::uint32_t index = free_.back();
  free_.pop_back();
  return index;
}

void FlowTable::expire(std::int64_t now_us) {
  for (int round = 0; round < kMaxExpirePerPacket && lru_head_ != kNil; ++round) {
    const Flow& head = pool_[lru_head_];
    if (!is_idle(head, now_us)) {
      return;
    }
    evict(lru_head_, EvictReason::IdleTimeout);
  }
}

Flow& FlowTable::track(const decode::Packet& packet, bool& is_a_to_b, bool& is_new) {
  // The packet's symmetric flow hash: the same number the engine's shared reader computes from
  // the headers to pick a packet's thread, so the reader can ask for the slot ahead (prefetch()).
  return track(packet, decode::flow_hash(packet), is_a_to_b, is_new);
}

Flow& FlowTable::track(const decode::Packet& packet, std::uint64_t hash, bool& is_a_to_b,
                       bool& is_new) {
  const FlowKey key = make_key(packet, is_a_to_b);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  expire(packet.ts_us);

  std::uint64_t at = home_of(tag);
  std::uint32_t found = kNil;
  for (std::uint64_t probe = 0; probe <= mask_; ++probe) {
    const Slot& slot = slots_[at];
    if (slot.index == kNil) {
      break;
    }
    if (slot.tag == tag && pool_[slot.index].key == key) {
      found = slot.index;
      break;
    }
    at = (at + 1) & mask_;
  }

  // A flow idle past its timeout is over even if the sweep above has not reached it yet (it
  // evicts a few flows per packet): how far the sweep got depends on the packets around, and so
  // on the thread count.
  if (found != kNil && is_idle(pool_[found], packet.ts_us)) {
    evict(found, EvictReason::IdleTimeout);
    found = kNil;
  }
  is_new = found == kNil;
  if (is_new) {
    found = allocate();
    if ((active_ + 1) * 2 > slots_.size() &&
        slots_.size() < std::bit_ceil(std::uint64_t{config_.max_flows} * 2)) {
      grow_index();
    }
    // Allocation may have evicted and shifted slots: find the insertion point again.
    at = home_of(tag);
    for (std::uint64_t probe = 0; probe <= mask_ && slots_[at].index != kNil; ++probe) {
      at = (at + 1) & mask_;
    }
    slots_[at] = Slot{found, tag};
    Flow& flow = pool_[found];
    flow.key = key;
    flow.hash = hash;
    flow.first_ts_us = packet.ts_us;
    flow.last_ts_us = packet.ts_us;
    flow.packets[0] = flow.packets[1] = 0;
    flow.bytes[0] = flow.bytes[1] = 0;
    flow.tcp_state = TcpState::None;
    flow.fin_seen = 0;
    flow.app = 0;
    flow.user_flags = 0;
    flow.extension.reset();
    flow.endpoint[0] = flow.endpoint[1] = 0;
    flow.endpoint_gen[0] = flow.endpoint_gen[1] = 0;
    flow.in_use = true;
    // The initiator is the sender of the first packet, except that a SYN-ACK seen first (the SYN
    // was missed) reveals the responder, and so does a first packet (no SYN) sent from a
    // privileged port to an ephemeral one: a reply whose request was not captured.
    const bool syn = packet.is_tcp() && (packet.tcp_flags & decode::tcp_flag::kSyn) != 0;
    const bool syn_ack = syn && (packet.tcp_flags & decode::tcp_flag::kAck) != 0;
    const bool looks_like_reply =
        !syn && packet.src_port != 0 && packet.src_port < 1024 && packet.dst_port >= 1024;
    flow.initiator_is_a = (syn_ack || looks_like_reply) ? !is_a_to_b : is_a_to_b;
    lru_push_back(found);
    ++active_;
    ++stats_.created;
    if (active_ > stats_.peak_active) {
      stats_.peak_active = active_;
    }
  } else {
    lru_unlink(found);
    lru_push_back(found);
  }

  Flow& flow = pool_[found];
  const int side = flow.side_of(is_a_to_b);
  ++flow.packets[side];
  flow.bytes[side] += packet.wire_length;
  if (packet.ts_us > flow.last_ts_us) {
    flow.last_ts_us = packet.ts_us;
  }
  if (packet.is_tcp()) {
    const std::uint8_t flags = packet.tcp_flags;
    if ((flags & decode::tcp_flag::kRst) != 0) {
      flow.tcp_state = TcpState::Closed;
    } else if ((flags & decode::tcp_flag::kFin) != 0) {
      flow.fin_seen = static_cast<std::uint8_t>(flow.fin_seen | (1U << side));
      flow.tcp_state = flow.fin_seen == 3 ? TcpState::Closed : TcpState::Closing;
    } else if ((flags & decode::tcp_flag::kSyn) != 0) {
      if (flow.tcp_state == TcpState::None) {
        flow.tcp_state = TcpState::SynSent;
      }
    } else if (flow.tcp_state == TcpState::None || flow.tcp_state == TcpState::SynSent) {
      // Data or ACKs in both directions (or picked up mid-stream): treat as established.
      if (flow.packets[0] > 0 && flow.packets[1] > 0) {
        flow.tcp_state = TcpState::Established;
      }
    }
  }
  return flow;
}

void FlowTable::flush() {
  while (lru_head_ != kNil) {
    evict(lru_head_, EvictReason::Flush);
  }
}

}  // namespace warden::flow
