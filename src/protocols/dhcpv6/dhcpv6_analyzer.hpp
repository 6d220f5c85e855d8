// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::dhcpv6 {

/// Datagram analyzer for UDP 546/547. A client message's facts (DUID, ORO fingerprint, vendor and
/// user class, FQDN) go to the sender, or, when a relay wrapped it, to the relay's peer-address
/// (the client). A REPLY's IA_NA addresses bind to the MAC embedded in the client DUID, if any.
void analyze_dhcpv6(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::dhcpv6
