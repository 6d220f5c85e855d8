// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::ubnt {

/// Reports what a Ubiquiti discovery announcement (UDP 10001) says about its sender, with
/// protocol "ubnt": UbntModel (the model TLV, else the platform), UbntFirmware (the firmware
/// string), Hostname, and Protocol "ubnt". A discovery request gives only Protocol. Malformed
/// datagrams are counted as anomalies ("ubnt.bad_header", "ubnt.bad_tlv", "ubnt.too_many_tlvs").
void analyze_ubnt(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::ubnt
