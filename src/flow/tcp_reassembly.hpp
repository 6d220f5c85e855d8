// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/byte_reader.hpp"

namespace warden::flow {

/// What a consumer did with the bytes it was offered.
struct Consumed {
  std::size_t bytes = 0;  ///< may exceed what was offered: skip that many further bytes unseen
  bool stop = false;      ///< the consumer wants no more data in this direction
};

/// Why a stream stopped delivering data.
enum class StreamEnd : std::uint8_t { Open, ConsumerDone, Gap, BufferFull };

/// Bounded in-order reassembly of one TCP direction. Segments are delivered as soon as they are in
/// order (zero-copy when nothing is buffered); unconsumed bytes are kept up to `max_buffer`, and a
/// few out-of-order segments are held until the gap before them fills. A gap that never fills, or
/// a buffer that overflows, ends delivery for this direction: analyzers never see spliced data.
class TcpStream {
 public:
  static constexpr std::size_t kDefaultMaxBuffer = std::size_t{64} << 10;
  static constexpr std::size_t kMaxPendingSegments = 8;
  static constexpr std::size_t kMaxPendingBytes = std::size_t{32} << 10;

  explicit TcpStream(std::size_t max_buffer = kDefaultMaxBuffer) : max_buffer_(max_buffer) {}

  /// The SYN (or SYN-ACK) carried sequence number `isn`: data starts at isn + 1.
  void on_syn(std::uint32_t isn);

  /// Offers a segment. `consume(Bytes) -> Consumed` is called with the contiguous data available.
  template <typename Consumer>
  void add(std::uint32_t seq, Bytes payload, Consumer&& consume);

  [[nodiscard]] StreamEnd end() const { return end_; }
  [[nodiscard]] bool is_open() const { return end_ == StreamEnd::Open; }
  [[nodiscard]] std::size_t buffered() const { return buffer_.size(); }

 private:
  struct Pending {
    std::uint32_t seq;
    std::vector<std::uint8_t> bytes;
  };

  template <typename Consumer>
  void deliver_in_order(Bytes payload, Consumer& consume);
  template <typename Consumer>
  void drain_pending(Consumer& consume);

  std::vector<std::uint8_t> buffer_;
  std::vector<Pending> pending_;
  std::size_t pending_bytes_ = 0;
  std::size_t max_buffer_;
  std::uint64_t skip_ = 0;
  std::uint32_t next_seq_ = 0;
  bool started_ = false;
  StreamEnd end_ = StreamEnd::Open;
};

template <typename Consumer>
void TcpStream::add(std::uint32_t seq, Bytes payload, Consumer&& consume) {
  if (end_ != StreamEnd::Open || payload.empty()) {
    return;
  }
  if (!started_) {  // picked up mid-stream: start here
    started_ = true;
    next_seq_ = seq;
  }
  const auto offset = static_cast<std::int32_t>(seq - next_seq_);
  if (offset < 0) {  // retransmission or overlap: keep only what is new
    const auto overlap = static_cast<std::size_t>(-static_cast<std::int64_t>(offset));
    if (overlap >= payload.size()) {
      return;
    }
    payload = payload.subspan(overlap);
  } else if (offset > 0) {
    if (pending_.size() >= kMaxPendingSegments ||
        pending_bytes_ + payload.size() > kMaxPendingBytes) {
      end_ = StreamEnd::Gap;
      buffer_.clear();
      pending_.clear();
      return;
    }
    pending_.push_back({seq, std::vector<std::uint8_t>(payload.begin(), payload.end())});
    pending_bytes_ += payload.size();
    return;
  }
  deliver_in_order(payload, consume);
  drain_pending(consume);
}

template <typename Consumer>
void TcpStream::deliver_in_order(Bytes payload, Consumer& consume) {
  next_seq_ += static_cast<std::uint32_t>(payload.size());
  if (skip_ > 0) {
    const std::size_t skipped =
        skip_ < payload.size() ? static_cast<std::size_t>(skip_) : payload.size();
    skip_ -= skipped;
    payload = payload.subspan(skipped);
    if (payload.empty()) {
      return;
    }
  }
  Bytes view = payload;
  if (!buffer_.empty()) {
    if (buffer_.size() + payload.size() > max_buffer_) {
      end_ = StreamEnd::BufferFull;
      buffer_.clear();
      return;
    }
    buffer_.insert(buffer_.end(), payload.begin(), payload.end());
    view = Bytes(buffer_);
  }
  const Consumed result = consume(view);
  if (result.stop) {
    end_ = StreamEnd::ConsumerDone;
    buffer_.clear();
    pending_.clear();
    return;
  }
  if (result.bytes >= view.size()) {
    skip_ = result.bytes - view.size();
    buffer_.clear();
    return;
  }
  if (buffer_.empty()) {
    if (view.size() - result.bytes > max_buffer_) {
      end_ = StreamEnd::BufferFull;
      return;
    }
    buffer_.assign(view.begin() + static_cast<std::ptrdiff_t>(result.bytes), view.end());
  } else {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(result.bytes));
  }
}

template <typename Consumer>
void TcpStream::drain_pending(Consumer& consume) {
  // Bounded: each round either delivers or drops one pending segment.
  for (std::size_t round = 0; round < kMaxPendingSegments && !pending_.empty(); ++round) {
    bool progressed = false;
    for (std::size_t pending_idx = 0; pending_idx < pending_.size(); ++pending_idx) {
      Pending& segment = pending_[pending_idx];
      const auto offset = static_cast<std::int32_t>(segment.seq - next_seq_);
      if (offset > 0) {
        continue;
      }
      std::vector<std::uint8_t> bytes = std::move(segment.bytes);
      pending_bytes_ -= bytes.size();
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(pending_idx));
      const auto overlap = static_cast<std::size_t>(-static_cast<std::int64_t>(offset));
      if (overlap < bytes.size() && end_ == StreamEnd::Open) {
        deliver_in_order(Bytes(bytes).subspan(overlap), consume);
      }
      progressed = true;
      break;
    }
    if (!progressed || end_ != StreamEnd::Open) {
      return;
    }
  }
}

inline void TcpStream::on_syn(std::uint32_t isn) {
  if (!started_) {
    started_ = true;
    next_seq_ = isn + 1;
  }
}

}  // namespace warden::flow
