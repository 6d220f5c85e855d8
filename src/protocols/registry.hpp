// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "protocols/analyzer.hpp"

namespace warden::proto {

enum class Transport : std::uint8_t { Udp, Tcp };

/// One application protocol: how to recognise it and what analyzes it.
struct ProtocolInfo {
  std::string_view name;  ///< "dns", "http", ... (service names)
  Transport transport;
  std::span<const std::uint16_t> ports;                          ///< well-known ports
  DatagramAnalyzer datagram = nullptr;                           ///< UDP analyzer, if any
  std::unique_ptr<StreamAnalyzer> (*create_stream)() = nullptr;  ///< TCP analyzer, if any
  bool (*probe)(Bytes first_payload) = nullptr;  ///< recognises the protocol on other ports
};

/// Protocol ids are 1-based indexes into `protocols()`; 0 means unknown.
using ProtocolId = std::uint16_t;

/// Every protocol Warden knows, in registry order.
std::span<const ProtocolInfo> protocols();
/// The protocol registered for `port`, or 0. O(1).
ProtocolId protocol_for_port(Transport transport, std::uint16_t port);
/// The first protocol whose probe accepts `payload`, or 0.
ProtocolId probe_protocol(Transport transport, Bytes payload);
/// The entry for `id`; nullptr for 0 or out of range.
const ProtocolInfo* protocol_info(ProtocolId id);

/// Layer-2 analyzers (frames without IP).
void analyze_lldp_frame(const decode::Packet& packet, ObservationSink& sink);
void analyze_cdp_frame(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto
