// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "protocols/analyzer.hpp"
#include "protocols/modbus/modbus_parser.hpp"

namespace warden::proto::modbus {

/// Most ADUs examined per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxAdusPerCall = 128;

/// Watches one Modbus/TCP flow (TCP 502), protocol "modbus".
///
/// Requests (client to server): IcsFunction "modbus <function>" about the sender (the client),
/// e.g. "modbus read-holding-registers", "modbus read-device-identification", "modbus umas
/// read-id", "modbus function-65" for unnamed codes; IcsAddress "modbus unit <id>" about the
/// receiver (the server); IcsControl "modbus <function>" about the receiver for writes (5, 6, 15,
/// 16, 21, 22, 23), diagnostics "restart-communications" / "force-listen-only", and UMAS writes,
/// program transfer, "umas start-plc" / "umas stop-plc". Responses (server to client): a Read
/// Device Identification (43/14) gives IcsVendor (object 0), IcsProduct (objects 1, 4 and 5) and
/// IcsRevision (object 2) about the sender (the server). Both directions give Protocol "modbus"
/// about the sender. Each distinct value is reported once per flow.
///
/// Several ADUs in one segment and ADUs split across segments are handled. A header that is not
/// Modbus/TCP ("modbus.bad_protocol_id", "modbus.bad_length") is returned as an error, which
/// stops that direction. Counted without stopping: "modbus.oversized_adu" (length field 255..260,
/// once per direction) and "modbus.bad_device_identification".
class ModbusAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;

 private:
  void on_request(const Adu& adu, ObservationSink& sink);
  void on_response(const Adu& adu, ObservationSink& sink);

  std::bitset<256> seen_functions_;    ///< request function codes already reported
  std::bitset<256> seen_umas_;         ///< UMAS sub-functions already reported
  std::bitset<256> seen_units_;        ///< unit ids already reported
  std::bitset<8> seen_diag_controls_;  ///< indexed by sub-function 1 or 4
  std::array<bool, 2> protocol_reported_{};
  std::array<bool, 2> oversize_reported_{};
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_modbus_analyzer();

}  // namespace warden::proto::modbus
