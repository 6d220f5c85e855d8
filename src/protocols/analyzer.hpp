// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/byte_reader.hpp"
#include "core/result.hpp"
#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto {

/// Direction of stream data relative to the connection's initiator.
enum class Direction : std::uint8_t { ToServer = 0, ToClient = 1 };

/// A datagram analyzer inspects one packet's `payload` and reports what it learned. It keeps no
/// state, never throws, and must tolerate any bytes.
using DatagramAnalyzer = void (*)(const decode::Packet& packet, ObservationSink& sink);

/// A stream analyzer lives with one TCP flow and sees its bytes in order, per direction.
class StreamAnalyzer {
 public:
  virtual ~StreamAnalyzer() = default;
  /// `bytes` is the contiguous data buffered for `dir` that earlier calls did not consume.
  /// Returns how many bytes were consumed; a value above `bytes.size()` asks the flow to skip that
  /// many further bytes unseen (an HTTP body, a TLS record not worth reading). An `Incomplete`
  /// error keeps the data buffered until more arrives; any other error stops analysis of `dir`.
  virtual Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) = 0;
  /// True once the analyzer wants nothing more from this flow (TLS after the handshake).
  [[nodiscard]] virtual bool is_done() const { return false; }
};

/// The loop of a stream analyzer that reads its direction's bytes one unit (message, packet,
/// request) at a time. `step(rest)` handles the unit at the start of `rest` and returns the bytes
/// it used, which may pass the end of `rest` (the flow then skips the rest unseen). At most
/// `max_steps` units per call, and none once `done()` is true. An Incomplete step waits for more
/// bytes; any other error is counted as an anomaly and returned, which stops the direction.
/// Returns the bytes used, or Incomplete `incomplete` when none were.
template <typename Step, typename Done>
Result<std::size_t> run_steps(Bytes bytes, std::size_t max_steps, const char* incomplete,
                              ObservationSink& sink, Step&& step, Done&& done) {
  std::size_t used = 0;
  for (std::size_t step_idx = 0; step_idx < max_steps && !done() && used < bytes.size();
       ++step_idx) {
    const Result<std::size_t> step_used = step(bytes.subspan(used));
    if (!step_used) {
      if (step_used.error().code == ParseErrorCode::Incomplete) {
        break;
      }
      sink.anomaly(step_used.error().name);
      return tl::unexpected(step_used.error());
    }
    used += *step_used;
  }
  if (used == 0) {
    return fail(ParseErrorCode::Incomplete, 0, incomplete);
  }
  return used;
}

/// run_steps() for an analyzer that never finishes early.
template <typename Step>
Result<std::size_t> run_steps(Bytes bytes, std::size_t max_steps, const char* incomplete,
                              ObservationSink& sink, Step&& step) {
  return run_steps(bytes, max_steps, incomplete, sink, std::forward<Step>(step),
                   [] { return false; });
}

}  // namespace warden::proto
