// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::netbios {

/// Datagram analyzer for the NetBIOS name service (UDP 137). Names a node registers or refreshes,
/// answers for in a positive response, or lists in its node status table become NetbiosName
/// (unique, suffix 0x00 or 0x20) or NetbiosGroup (group, suffix 0x00). They belong to the sender,
/// unless the record's NB address is another host's: then to Subject::by_ip(address), as when a
/// WINS server answers. Names in queries belong to someone else and are not reported.
void analyze_netbios(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::netbios
