// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "decode/packet.hpp"
#include "protocols/analyzer.hpp"
#include "protocols/dnp3/dnp3_parser.hpp"

namespace warden::proto::dnp3 {

/// Most link frames handled per on_data call or datagram.
inline constexpr std::size_t kMaxFramesPerCall = 256;
/// Most times a TCP direction looks for the next frame start after losing the framing.
inline constexpr std::size_t kMaxResyncs = 16;
/// Most distinct (role, address) pairs reported per flow.
inline constexpr std::size_t kMaxAddresses = 8;

/// Turns DNP3 link frames into observations, each value once (per flow or per datagram).
///
/// Every valid frame gives Protocol "dnp3" about its sender, IcsAddress "dnp3 <source>" about the
/// sender and "dnp3 <destination>" about the receiver (broadcast and reserved destinations
/// 0xFFF0..0xFFFF excepted). The link layer DIR bit tells who is the master. The first segment of
/// an application fragment from the master gives IcsFunction "dnp3 <function>" ("dnp3 read",
/// "dnp3 direct-operate") about the sender; control functions (write, select, operate,
/// direct-operate[-nr], cold/warm-restart, initialize-data/appl, start/stop-appl, save-config,
/// open/delete-file, activate-config) also give IcsControl "dnp3 <function>" about the receiver
/// (the outstation). From the outstation, unsolicited responses give IcsFunction
/// "dnp3 unsolicited-response". Secure Authentication (functions 32, 33, 131 or an object of group
/// 120) gives IcsFunction "dnp3 secure-authentication" about the sender.
class Dnp3Reporter {
 public:
  void report(const LinkFrame& frame, ObservationSink& sink);

 private:
  /// True the first time `address` is seen for the master (or the outstation).
  bool first_address(bool master, std::uint16_t address);

  std::bitset<256> functions_;  ///< IcsFunction reported, by function code
  std::bitset<256> controls_;   ///< IcsControl reported, by function code
  std::array<std::uint32_t, kMaxAddresses> addresses_{};
  std::size_t address_count_ = 0;
  std::array<bool, 2> announced_{};      ///< Protocol reported, [outstation, master]
  std::array<bool, 2> authenticated_{};  ///< secure-authentication reported, same index
};

/// Watches one DNP3 TCP flow (port 20000): several frames per segment and frames split across
/// segments are handled. A frame with a bad block CRC is counted as "dnp3.bad_crc" (sink.anomaly)
/// and skipped. A bad header CRC ("dnp3.bad_crc"), bytes that do not start 0x05 0x64
/// ("dnp3.bad_start") or a length below 5 ("dnp3.bad_length") are counted and the analyzer looks
/// for the next 0x05 0x64, as a link layer does; after kMaxResyncs of those the direction is given
/// up (the error is returned).
class Dnp3Analyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;

 private:
  Dnp3Reporter reporter_;
  std::array<std::size_t, 2> resyncs_{};  ///< per direction
};

/// Creates an analyzer for one TCP flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_dnp3_analyzer();

/// Reports the DNP3 frames of one UDP datagram (port 20000) as Dnp3Reporter does. Anomalies:
/// "dnp3.bad_crc", "dnp3.bad_start", "dnp3.bad_length", "dnp3.truncated_frame".
void analyze_dnp3(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::dnp3
