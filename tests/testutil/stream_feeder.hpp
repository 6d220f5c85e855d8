// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/byte_reader.hpp"
#include "protocols/analyzer.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::testutil {

/// Plays the flow's role for a stream analyzer in tests: per direction, buffers what arrives,
/// drops what the analyzer consumed and skips what it asked to skip; an error other than
/// Incomplete stops the direction.
class StreamFeeder {
 public:
  StreamFeeder(std::unique_ptr<proto::StreamAnalyzer> analyzer, RecordingSink& sink)
      : analyzer_(std::move(analyzer)), sink_(sink) {}

  /// Delivers `bytes`; false once the direction was stopped by an error.
  bool feed(proto::Direction dir, Bytes bytes) {
    Side& side = sides_.at(static_cast<std::size_t>(dir));
    if (side.stopped) {
      return false;
    }
    for (const std::uint8_t byte : bytes) {
      if (side.skip > 0) {
        --side.skip;
      } else {
        side.buffer.push_back(byte);
      }
    }
    if (side.buffer.empty()) {
      return true;
    }
    const auto used = analyzer_->on_data(dir, side.buffer, sink_);
    if (!used) {
      side.stopped = used.error().code != ParseErrorCode::Incomplete;
      return !side.stopped;
    }
    if (*used >= side.buffer.size()) {
      side.skip = *used - side.buffer.size();
      side.buffer.clear();
    } else {
      side.buffer.erase(side.buffer.begin(),
                        side.buffer.begin() + static_cast<std::ptrdiff_t>(*used));
    }
    return true;
  }
  [[nodiscard]] std::size_t skip(proto::Direction dir) const {
    return sides_.at(static_cast<std::size_t>(dir)).skip;
  }
  [[nodiscard]] std::size_t buffered(proto::Direction dir) const {
    return sides_.at(static_cast<std::size_t>(dir)).buffer.size();
  }

 private:
  struct Side {
    std::vector<std::uint8_t> buffer;
    std::size_t skip = 0;
    bool stopped = false;
  };
  std::unique_ptr<proto::StreamAnalyzer> analyzer_;
  RecordingSink& sink_;
  std::array<Side, 2> sides_;
};

}  // namespace warden::testutil
