// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::coap {

/// Reports what a CoAP datagram (UDP 5683, RFC 7252) says about its sender, with protocol "coap".
///
/// Every valid message gives Protocol "coap". A request (code class 0) gives CoapRequest
/// "<METHOD> /<path>", the Uri-Path options joined with "/" (Uri-Query left out; "/" when there
/// is no path). A Content-Format option gives CoapContentFormat, the registered name for common
/// formats ("application/link-format") or else the number. Malformed datagrams are counted as the
/// parser's anomalies; a request code outside 0.01-0.07 as "coap.unknown_method".
void analyze_coap(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::coap
