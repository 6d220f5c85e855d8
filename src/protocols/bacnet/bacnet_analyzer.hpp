// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::bacnet {

/// Reports what one BACnet/IP datagram (UDP 47808, ASHRAE 135 Annex J) says, protocol "bacnet".
///
/// About the device that sent the APDU (the sender, or for a Forwarded-NPDU the device at the
/// origin address the BBMD put in the BVLC header): Protocol "bacnet"; an I-Am gives IcsAddress
/// "bacnet device <instance>", IcsVendorId "<id>" and IcsVendor for well-known ids; a
/// ReadProperty-ACK about a device object gives, by property, IcsAddress (75 object-identifier),
/// IcsObjectName (77), IcsProduct (70 model-name), IcsRevision (44 firmware-revision, 12
/// application-software-version), IcsVendor (121) and IcsVendorId (120). Character strings in
/// UTF-8, UCS-2 and ISO 8859-1 are decoded; others are skipped. Requests: Who-Is / Who-Has give
/// IcsFunction "bacnet who-is" / "bacnet who-has" about the sender; a confirmed request gives
/// IcsFunction "bacnet <service>" about the sender and, for services that change the receiver
/// (write-property, write-property-multiple, device-communication-control, reinitialize-device,
/// atomic-write-file, create-object, delete-object), IcsControl "bacnet <service>" about the
/// receiver. Network-layer messages and BVLC management give Protocol only.
///
/// Anomalies: "bacnet.bad_bvlc", "bacnet.bad_npdu", "bacnet.bad_apdu", "bacnet.bad_i_am",
/// "bacnet.bad_read_property_ack".
void analyze_bacnet(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::bacnet
