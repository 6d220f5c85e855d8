// SPDX-License-Identifier: Apache-2.0
// Shared driver for fuzz targets of stream analyzers (STYLE.md §3.8, after Zeek and Suricata).
//
// A fuzz input is a sequence of chunks of one TCP flow:
//
//   <chunk to server> [kChunkMarker <direction byte> <chunk>]...
//
// Bytes before the first marker go to the server; after a marker, an even direction byte sends
// the chunk to the server, an odd one to the client. Each chunk is delivered the way the flow
// layer delivers segments: per direction the bytes the analyzer did not consume are kept and
// handed back with the next chunk appended, a count past the end skips that many further bytes
// unseen, Incomplete waits for more, any other error stops the direction, and is_done() stops the
// flow. Every on_data call gets an exact-size heap copy, so AddressSanitizer reports any read
// past the end. Usage in a target:
//
//   extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
//     auto analyzer = warden::proto::http::make_http_analyzer();
//     warden::fuzz::run_stream({data, size}, *analyzer);
//     return 0;
//   }
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/byte_reader.hpp"
#include "protocols/analyzer.hpp"
#include "protocols/observation.hpp"

namespace warden::fuzz {

/// Separates chunks; followed by one direction byte. Put it in the target's .dict.
inline constexpr std::string_view kChunkMarker = "\xFFWD\xFF";
/// Most chunks taken from one input.
inline constexpr std::size_t kMaxChunks = 512;
/// Most on_data calls after one chunk arrives.
inline constexpr std::size_t kMaxCallsPerChunk = 16;
/// Most bytes kept unconsumed per direction, as the flow layer caps its buffers.
inline constexpr std::size_t kMaxBufferedBytes = std::size_t{256} * 1024;

/// Calls `fn(proto::Direction, Bytes)` for every non-empty chunk of `input`, in order. The
/// chunks alias `input`.
template <typename Fn>
void for_each_chunk(Bytes input, Fn&& fn) {
  proto::Direction dir = proto::Direction::ToServer;
  for (std::size_t chunk_idx = 0; chunk_idx < kMaxChunks; ++chunk_idx) {
    const std::size_t marker = as_chars(input).find(kChunkMarker);
    const std::size_t end = marker == std::string_view::npos ? input.size() : marker;
    if (end > 0) {
      fn(dir, input.first(end));
    }
    const std::size_t next = end + kChunkMarker.size() + 1;
    if (marker == std::string_view::npos || next > input.size()) {
      return;
    }
    dir = (input[next - 1] & 1U) != 0 ? proto::Direction::ToClient : proto::Direction::ToServer;
    input = input.subspan(next);
  }
}

/// A sink that reads every byte it is handed, so AddressSanitizer checks the views, and keeps
/// nothing.
class TouchingSink final : public proto::ObservationSink {
 public:
  void observe(const proto::Observation& observation) override {
    touch(observation.value);
    touch(observation.protocol);
  }
  void anomaly(std::string_view name) override { touch(name); }
  [[nodiscard]] std::size_t checksum() const { return checksum_; }

 private:
  void touch(std::string_view text) {
    for (const char c : text) {
      checksum_ += static_cast<unsigned char>(c);
    }
  }
  std::size_t checksum_ = 0;
};

/// Delivers chunks to a stream analyzer as the flow layer would (see the top of this file).
class StreamFeeder {
 public:
  StreamFeeder(proto::StreamAnalyzer& analyzer, proto::ObservationSink& sink)
      : analyzer_(analyzer), sink_(sink) {}

  void feed(proto::Direction dir, Bytes chunk) {
    Side& side = sides_.at(static_cast<std::size_t>(dir));
    if (side.stopped || analyzer_.is_done()) {
      return;
    }
    const std::size_t skipped = std::min(side.skip, chunk.size());
    side.skip -= skipped;
    chunk = chunk.subspan(skipped);
    side.buffered.insert(side.buffered.end(), chunk.begin(), chunk.end());
    if (side.buffered.size() > kMaxBufferedBytes) {
      stop(side);
      return;
    }
    for (std::size_t call_idx = 0;
         call_idx < kMaxCallsPerChunk && !side.buffered.empty() && !analyzer_.is_done();
         ++call_idx) {
      // Built from a range, the vector allocates exactly its size.
      const std::vector<std::uint8_t> exact(side.buffered.begin(), side.buffered.end());
      const std::size_t size = exact.size();
      const auto used = analyzer_.on_data(dir, exact, sink_);
      if (!used) {
        if (used.error().code != ParseErrorCode::Incomplete) {
          stop(side);
        }
        return;
      }
      if (*used >= size) {
        side.skip = *used - size;
        side.buffered.clear();
        return;
      }
      if (*used == 0) {
        return;
      }
      side.buffered.erase(side.buffered.begin(),
                          side.buffered.begin() + static_cast<std::ptrdiff_t>(*used));
    }
  }

 private:
  struct Side {
    std::vector<std::uint8_t> buffered;  ///< bytes not yet consumed
    std::size_t skip = 0;                ///< bytes still to drop unseen
    bool stopped = false;
  };

  static void stop(Side& side) {
    side.stopped = true;
    side.buffered = {};
  }

  proto::StreamAnalyzer& analyzer_;
  proto::ObservationSink& sink_;
  std::array<Side, 2> sides_;
};

/// Splits `input` into chunks and feeds them to `analyzer`, discarding what it reports.
inline void run_stream(Bytes input, proto::StreamAnalyzer& analyzer) {
  TouchingSink sink;
  StreamFeeder feeder(analyzer, sink);
  for_each_chunk(input, [&](proto::Direction dir, Bytes chunk) { feeder.feed(dir, chunk); });
}

}  // namespace warden::fuzz
