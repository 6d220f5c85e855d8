// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <memory>

#include "protocols/analyzer.hpp"

namespace warden::proto::dns {

/// Most TXT strings reported from one mDNS message.
inline constexpr std::size_t kMaxTxtPerMessage = 32;
/// Most A/AAAA records per message remembered to decide which device a name belongs to.
inline constexpr std::size_t kMaxHostAddresses = 16;
/// Most SRV records per message remembered to decide which device an instance belongs to.
inline constexpr std::size_t kMaxServiceRecords = 16;
/// Most DNS-over-TCP messages handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxMessagesPerCall = 64;

/// Plain DNS on UDP 53. A query (QR=0, opcode QUERY) gives DnsQuery for each question name
/// (lower-cased, no trailing dot) and Protocol "dns", about the sender. A response sent from port
/// 53 gives Service "udp/53 dns" and Protocol "dns" about the sender (a server); its answers are
/// about internet names, not devices, and are ignored.
void analyze_dns(const decode::Packet& packet, ObservationSink& sink);

/// Multicast DNS and DNS-SD on UDP 5353 (RFC 6762, RFC 6763). Every message gives Protocol "mdns".
/// Records count as the sender's own in responses sent from port 5353 (all sections) and in the
/// authority section of queries (probes, RFC 6762 §8.2); a query's answer section holds
/// known answers learned from others (§7.1) and its questions are only what the sender looks for.
///
/// Which device a record is about: a host name belongs to the sender when one of its A/AAAA
/// addresses in the message is the packet's source address, and otherwise to the device holding
/// each address (a Sleep Proxy answering for a sleeping host, RFC 6762 §6). A service instance
/// belongs to whoever owns its SRV target host, and to the sender when the message holds no SRV
/// for it or no address for the target.
///  - A/AAAA "<host>.local": Hostname "<host>" (lower-cased); for the sender also Ipv4/Ipv6.
///  - PTR "_services._dns-sd._udp.local": MdnsServiceType of the type it lists, for the sender.
///  - PTR "[<sub>._sub.]<_service>._tcp|_udp.local": MdnsServiceType "<_service>._<proto>"
///    and MdnsService (the instance's full name) for the instance's owner.
///  - SRV of an instance: Service "<proto>/<port> <service>" for the instance's owner.
///  - TXT of an instance: MdnsTxt for each non-empty string, at most kMaxTxtPerMessage.
void analyze_mdns(const decode::Packet& packet, ObservationSink& sink);

/// LLMNR on UDP 5355 (RFC 4795). Every message gives Protocol "llmnr". In responses sent from
/// port 5355, each A/AAAA answer gives Hostname (lower-cased) with the same ownership rule as mDNS:
/// the sender's (plus Ipv4/Ipv6) when the name has the source address, else the address holder's.
void analyze_llmnr(const decode::Packet& packet, ObservationSink& sink);

/// Plain DNS over TCP 53: splits length-prefixed messages (RFC 1035 §4.2.2) and reports them as
/// analyze_dns() does, with Service "tcp/53 dns" for the server (data flowing to the client).
class DnsTcpAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
};

/// Creates an analyzer for one TCP 53 flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_dns_tcp_analyzer();

}  // namespace warden::proto::dns
