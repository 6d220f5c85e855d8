// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace warden::proto
