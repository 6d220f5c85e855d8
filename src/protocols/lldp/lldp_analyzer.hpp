// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

/// Layer-2 neighbour discovery: LLDP and CDP announce a device's name, software, capabilities,
/// port and management address. Every observation is about the sender (the frame's source MAC):
/// a chassis ID that differs from it still names the same device.
namespace warden::proto::lldp {

/// LLDP (EtherType 0x88cc): reads `packet.l2_payload`, the bytes after the EtherType. Reports
/// Protocol "lldp", LldpSystemName, LldpSystemDescription, LldpCapabilities (enabled ones),
/// LldpPortId (port description, else the port ID), and for each assignable management address
/// LldpManagementAddress plus an Ipv4 / Ipv6 binding. Parse failures become anomalies.
void analyze_lldp(const decode::Packet& packet, ObservationSink& sink);

/// CDP (802.3 + SNAP, PID 0x2000): reads `packet.l2_payload`, the bytes after the SNAP header.
/// Reports Protocol "cdp", LldpSystemName (device ID), LldpSystemDescription (software version),
/// LldpPlatform, LldpCapabilities, LldpPortId, and for each assignable IP address
/// LldpManagementAddress plus an Ipv4 / Ipv6 binding. Parse failures become anomalies.
void analyze_cdp(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::lldp
