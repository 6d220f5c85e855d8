// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "decode/packet.hpp"
#include "protocols/observation.hpp"

namespace warden::proto::snmp {

/// The well-known default community this community string is (its canonical spelling), or an
/// empty view when it is not a default. Compared case-insensitively.
[[nodiscard]] std::string_view default_community(std::string_view community);

/// Reports what an SNMP datagram (UDP 161/162) says, with protocol "snmp".
///
/// Every valid message gives SnmpVersion ("v1", "v2c", "v3") and Protocol "snmp" about the sender;
/// a v3 message gives nothing else (its PDU may be encrypted). For v1/v2c, the agent is the
/// sender of a GetResponse, Trap, SNMPv2-Trap, InformRequest or Report: it gets SnmpCommunity,
/// the community itself when it is on the default list (default_community()), else "(custom)";
/// the community of a request is not reported, since a request that nobody answers says nothing
/// about its receiver. A GetResponse also gives, about its sender, SnmpSysDescr (sysDescr.0),
/// SnmpSysObjectId (sysObjectID.0, dotted) and SnmpSysName (sysName.0). Failures are anomalies
/// named by snmp_parser.hpp, plus "snmp.too_many_varbinds" and "snmp.bad_oid_value".
void analyze_snmp(const decode::Packet& packet, ObservationSink& sink);

}  // namespace warden::proto::snmp
