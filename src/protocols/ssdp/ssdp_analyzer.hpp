// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::ssdp {

/// Reports what an SSDP datagram (UDP 1900) says about its sender, with protocol "ssdp".
///
/// NOTIFY (alive, byebye, update) and 200 OK search responses describe the device that sent them:
/// SsdpServer, SsdpLocation, SsdpUsn, SsdpType (NT of a NOTIFY, ST of a response) and Protocol
/// "ssdp". An M-SEARCH gives only SsdpUserAgent and Protocol "ssdp": its ST is what the sender
/// looks for, not what it is. Anything else is counted as an anomaly ("ssdp.malformed",
/// "ssdp.unknown_method", "ssdp.unexpected_status").
void analyze_ssdp(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::ssdp
