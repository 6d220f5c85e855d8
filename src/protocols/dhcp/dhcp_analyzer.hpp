// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::dhcp {

/// Datagram analyzer for UDP 67/68. Facts a client states about itself (hostname, option 55
/// fingerprint, vendor class, client id, ...) go to Subject::by_mac(chaddr), because a relay agent
/// forwards them from its own Ethernet address; a DHCPACK binds yiaddr to chaddr. A server's
/// reply options describe the client and are never attributed to the server, which only gets
/// Service "udp/67 dhcp".
void analyze_dhcp(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::dhcp
