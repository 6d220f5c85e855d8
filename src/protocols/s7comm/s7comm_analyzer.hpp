// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "protocols/analyzer.hpp"
#include "protocols/s7comm/s7comm_parser.hpp"

namespace warden::proto::s7comm {

/// Most TPKT packets handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxPdusPerCall = 256;
/// Most bytes of one fragmented SZL response kept for reassembly (SZL 0x001C is ~350 bytes).
inline constexpr std::size_t kMaxSzlBytes = 4096;

/// Watches one ISO-on-TCP flow (TCP 102) carrying S7comm or S7comm-plus.
///
/// Every valid S7 PDU gives Protocol "s7comm" (S7comm-plus, protocol id 0x72: "s7comm-plus") about
/// its sender. Jobs (ROSCTR 1) give IcsFunction "s7 <function>" ("s7 read-var", "s7 plc-stop")
/// about the sender; write-var, request-download / download-block, plc-control and plc-stop also
/// give IcsControl "s7 write-var" / "s7 download" / "s7 plc-control" / "s7 plc-stop" about the
/// receiver (the PLC), and the PI service of a plc-control or plc-stop gives IcsFunction
/// "s7 pi-service <name>" ("_INSE", "P_PROGRAM"). Userdata requests give IcsFunction
/// "s7 read-szl", "s7 plc-password", "s7 set-clock", ... about the sender. Read-SZL responses
/// for lists 0x0011 and 0x001C (reassembled when fragmented) give, about the sender (the PLC):
/// IcsProduct (order number, module type name), IcsRevision ("V3.2.7"), IcsObjectName (module
/// name, else automation system name), IcsSerial, and IcsVendor "Siemens" for the copyright
/// "Original Siemens Equipment". A COTP connection request gives IcsAddress "s7 tsap <hex>" of
/// the called TSAP about the server, once the flow is known to carry S7. S7comm-plus requests give
/// IcsFunction "s7comm-plus".
///
/// Each value is reported once per flow. A broken TPKT header stops the direction (the error is
/// returned); S7 PDUs that fail to parse are counted with sink.anomaly() and skipped. A flow
/// whose COTP data is neither S7comm nor S7comm-plus (MMS, ICCP) is dropped without anomaly.
class S7commAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override { return done_; }

 private:
  struct Side {
    bool mid_pdu = false;           ///< the last COTP DT had no EOT: the next continues it
    bool announced = false;         ///< Protocol was reported for this sender
    bool collecting_szl = false;    ///< szl_buffer holds the start of a fragmented response
    std::vector<std::uint8_t> szl;  ///< fragmented SZL response, at most kMaxSzlBytes
  };

  void handle_tpkt(Direction dir, Bytes payload, ObservationSink& sink);
  void handle_s7(Direction dir, Bytes payload, ObservationSink& sink);
  void handle_job(const S7Pdu& pdu, ObservationSink& sink);
  void handle_userdata(Direction dir, const S7Pdu& pdu, ObservationSink& sink);
  void report_identity(Bytes szl_value, ObservationSink& sink);
  void report_tsap(Direction dir, std::string_view protocol, ObservationSink& sink);
  /// True the first time `key` is seen on this flow.
  bool first_time(std::size_t key);
  Side& side(Direction dir) { return sides_.at(static_cast<std::size_t>(dir)); }

  std::array<Side, 2> sides_;
  std::array<std::uint8_t, 32> called_tsap_{};  ///< from the CR, reported once S7 is confirmed
  std::size_t called_tsap_length_ = 0;
  std::bitset<560> reported_;  ///< keys of values already reported (see the .cpp)
  bool done_ = false;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_s7comm_analyzer();

}  // namespace warden::proto::s7comm
