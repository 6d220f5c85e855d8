// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "decode/packet.hpp"
#include "protocols/analyzer.hpp"
#include "protocols/enip/enip_parser.hpp"

namespace warden::proto::enip {

/// Most encapsulation messages examined per on_data call.
inline constexpr std::size_t kMaxMessagesPerCall = 64;
/// Longest message read; longer ones are skipped unseen (CIP requests of interest are small).
inline constexpr std::size_t kMaxReadLength = 8192;
/// Deepest nesting of Unconnected_Send / Multiple_Service_Packet followed.
inline constexpr int kMaxCipDepth = 3;

/// What has been reported on one flow, so each value is reported once; nullptr for datagrams.
struct ReportedState {
  std::bitset<768> functions;  ///< service + 256 * (0 generic, 1 connection manager, 2 tag)
  std::array<std::string_view, 8> controls{};
  std::size_t control_count = 0;
};

/// Watches one EtherNet/IP flow (TCP 44818), protocol "enip".
///
/// Client to server: IcsFunction about the sender (the client) for encapsulation requests
/// ("enip register-session", "enip list-identity", "enip list-services") and for the CIP request
/// of SendRRData / SendUnitData ("enip get-attribute-single", "enip forward-open", "enip
/// read-tag", "enip service-0x4c" when unnamed), looking inside Unconnected_Send and
/// Multiple_Service_Packet; IcsControl about the receiver (the device) for "enip set-attribute"
/// (0x02, 0x04, 0x10, 0x19), "enip reset", "enip start", "enip stop", "enip write-tag" and
/// "enip firmware-update" (class 0xA1 services 0x4B/0x4D). Server to client: a ListIdentity
/// response gives IcsVendorId ("1"), IcsVendor for well-known ids, IcsProduct (product name),
/// IcsRevision ("4.3") and IcsSerial ("0x00524d8e") about the sender. Protocol "enip" about the
/// sender of each direction. Each value is reported once per flow.
///
/// Anomalies (counted, analysis goes on): "enip.unknown_command", "enip.bad_cpf",
/// "enip.too_many_items", "enip.bad_identity", "enip.bad_cip_path", "enip.bad_unconnected_send",
/// "enip.bad_multiple_service_packet".
class EnipAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;

 private:
  ReportedState reported_;
  std::array<bool, 2> protocol_reported_{};
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_enip_analyzer();

/// Reports what one EtherNet/IP datagram (UDP 44818, mostly broadcast ListIdentity discovery)
/// says: a ListIdentity request gives IcsFunction "enip list-identity" about the sender, a
/// response the identity observations above, about the sender; Protocol "enip" for any valid
/// encapsulation. Anomalies: "enip.truncated", "enip.unknown_command" and the parse errors above.
void analyze_enip(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::enip
