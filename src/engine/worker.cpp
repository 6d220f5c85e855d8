// SPDX-License-Identifier: Apache-2.0
#include "engine/worker.hpp"

#include <algorithm>
#include <array>

#include "core/text.hpp"
#include "flow/tcp_reassembly.hpp"
#include "protocols/registry.hpp"
#include "protocols/tcpfp/tcpfp.hpp"

namespace warden::engine {
namespace {

constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint8_t kIcmpEchoRequest = 8;
constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpv6EchoRequest = 128;
constexpr std::uint8_t kIcmpv6EchoReply = 129;
constexpr std::uint16_t kEtherTypeLldp = 0x88CC;
constexpr std::uint16_t kSnapCdp = 0x2000 | 0x0001;  // SNAP PID as reported by the decoder
constexpr int kMaxNdOptions = 16;
constexpr std::size_t kMaxBannerBytes = 160;
constexpr std::size_t kCacheLine = 64;
constexpr int kMaxTelnetOptions = 32;

// Bits of Flow::user_flags.
constexpr std::uint8_t kServiceNoted = 0x01;
constexpr std::uint8_t kBannerChecked = 0x02;
constexpr std::uint8_t kProbed = 0x04;
constexpr std::uint8_t kStreamDone = 0x08;
/// The flow's SYN carried the destination IPv4 address as sequence number (Mirai's scanner).
constexpr std::uint8_t kMiraiSeq = 0x10;

constexpr std::uint32_t kUnresolved = 0xFFFFFFFEU;

bool is_unicast_ip(const IpAddress& ip) {
  return ip.is_set() && ip.is_assignable();
}

/// Text for "tcp/80" style service prefixes, without allocation or printf (once per flow).
std::string_view service_prefix(std::array<char, 16>& buffer, bool tcp, std::uint16_t port) {
  std::size_t length = 0;
  for (const char c : std::string_view(tcp ? "tcp/" : "udp/")) {
    buffer[length++] = c;
  }
  std::array<char, 5> digits{};
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + port % 10);
    port = static_cast<std::uint16_t>(port / 10);
  } while (port != 0);
  while (count > 0) {
    buffer[length++] = digits[--count];
  }
  return {buffer.data(), length};
}

}  // namespace

/// Per-flow analysis state for TCP flows with a stream analyzer.
struct Worker::StreamState final : flow::FlowExtension {
  std::unique_ptr<proto::StreamAnalyzer> analyzer;
  std::array<flow::TcpStream, 2> streams;  // by side: initiator (to server), responder

  StreamState(std::unique_ptr<proto::StreamAnalyzer> owned, std::size_t max_buffer)
      : analyzer(std::move(owned)),
        streams{flow::TcpStream(max_buffer), flow::TcpStream(max_buffer)} {}
};

void WorkerStats::add(const WorkerStats& other) {
  decode.add(other.decode);
  flows.add(other.flows);
  inventory.add(other.inventory);
  analyzed_datagrams += other.analyzed_datagrams;
  analyzed_streams += other.analyzed_streams;
  stream_gaps += other.stream_gaps;
  stream_overflows += other.stream_overflows;
  for (const auto& [name, count] : other.anomalies) {
    anomalies[name] += count;
  }
}

Worker::Worker(const EngineConfig& config)
    : config_(config),
      flows_(config.flows,
             [this](flow::Flow& flow, flow::EvictReason) {
               if (const auto* state = dynamic_cast<StreamState*>(flow.extension.get())) {
                 count_stream_ends(*state);
               }
               tracker_.on_flow_end(flow, (flow.user_flags & kMiraiSeq) != 0);
             }),
      table_(config.inventory) {
  batch_.reserve(kMaxBatchedObservations);
  updates_.reserve(kMaxBatchedObservations);
  arena_.reserve(std::size_t{16} << 10);
}

Worker::~Worker() = default;

void Worker::count_stream_ends(const StreamState& state) {
  for (const flow::TcpStream& stream : state.streams) {
    if (stream.end() == flow::StreamEnd::Gap) {
      ++stats_.stream_gaps;
    } else if (stream.end() == flow::StreamEnd::BufferFull) {
      ++stats_.stream_overflows;
    }
  }
}

WorkerStats Worker::stats() const {
  WorkerStats out = stats_;
  out.flows = flows_.stats();
  out.inventory = table_.stats();
  return out;
}

void Worker::anomaly(std::string_view name) {
  ++stats_.anomalies[name];
}

inventory::Endpoint* Worker::current(inventory::EndpointRef& ref, const MacAddress& mac,
                                     const IpAddress& ip, bool use_mac) {
  if (inventory::Endpoint* endpoint = table_.resolve(ref)) {
    return endpoint;
  }
  if (!current_packet_) {
    return nullptr;
  }
  inventory::EndpointKey key;
  if (use_mac) {
    key.mac = mac;
  }
  key.ip = ip;
  if (key.mac.is_zero() && !key.ip.is_set()) {
    return nullptr;
  }
  ref = table_.get(key, current_packet_->ts_us);
  return table_.resolve(ref);
}

void Worker::observe(const proto::Observation& observation) {
  if (current_packet_ == nullptr) {
    return;
  }
  const decode::Packet& packet = *current_packet_;
  inventory::EndpointRef ref;
  switch (observation.subject.who) {
    case proto::Who::Sender: {
      const bool use_mac = packet.has_l2 && packet.src_mac.is_unicast_station();
      const IpAddress ip = is_unicast_ip(packet.src_ip) ? packet.src_ip : IpAddress{};
      if (current(sender_, packet.src_mac, ip, use_mac) != nullptr) {
        ref = sender_;
      }
      break;
    }
    case proto::Who::Receiver: {
      const bool use_mac = packet.has_l2 && packet.dst_mac.is_unicast_station();
      if (!is_unicast_ip(packet.dst_ip) && !use_mac) {
        return;
      }
      const IpAddress ip = is_unicast_ip(packet.dst_ip) ? packet.dst_ip : IpAddress{};
      if (current(receiver_, packet.dst_mac, ip, use_mac) != nullptr) {
        ref = receiver_;
      }
      break;
    }
    case proto::Who::ByMac: {
      if (!observation.subject.mac.is_unicast_station()) {
        return;
      }
      ref = table_.get({observation.subject.mac, {}}, packet.ts_us);
      break;
    }
    case proto::Who::ByIp: {
      if (!is_unicast_ip(observation.subject.ip)) {
        return;
      }
      ref = table_.get({{}, observation.subject.ip}, packet.ts_us);
      break;
    }
  }
  if (!ref.is_none()) {
    // Counted a few packets later, with the observations of the packets around it
    // (add_attributes; kObservationsPerFlush).
    if (batch_.size() >= kMaxBatchedObservations) {
      flush_observations();
    }
    // The value may alias the packet: copied. The protocol is a literal (Observation): kept as is.
    const auto value_at = static_cast<std::uint32_t>(arena_.size());
    arena_.append(observation.value);
    batch_.push_back(BatchedObservation{ref, observation.attr, value_at,
                                        static_cast<std::uint32_t>(observation.value.size()),
                                        observation.protocol, packet.ts_us});
  }
  // Detections follow logins and lookups with both ends of the packet.
  if (observation.attr == proto::Attr::LoginAttempt) {
    const bool server_sent = observation.subject.who == proto::Who::Sender;
    tracker_.on_login(server_sent ? packet.dst_ip : packet.src_ip,
                      server_sent ? packet.src_ip : packet.dst_ip, observation.value, packet.ts_us);
  } else if (observation.attr == proto::Attr::DnsQuery &&
             observation.subject.who == proto::Who::Sender && packet.src_ip.is_set()) {
    tracker_.on_dns_query(packet.src_ip, observation.value, packet.ts_us);
  }
}

void Worker::process(int link_type, const capture::RawPacket& raw) {
  const decode::DecodeStatus status = decode::decode(link_type, raw, packet_, stats_.decode);
  handle_decoded(status, packet_, 0);
}

template <bool kFromOtherCore, typename PacketAt>
void Worker::process_ahead(int link_type, std::size_t count, PacketAt packet_at) {
  constexpr std::size_t kRing = 3;  // the packet handled and the two decoded ahead of it
  // A shared chunk was read (and its records written) by whichever thread filled it: for the
  // other thread its packet records and header bytes sit in another core's cache, and each
  // first read waited on the transfer (perf put a fifth of a two-thread run's samples in decode()
  // and the walk that found the packets). Asked for ahead, the transfers overlap the work on the
  // packets before them. One thread reads its chunk into its own cache and skips this.
  constexpr std::size_t kRecordAhead = 16;  ///< packets ahead whose record (RawPacket) is asked for
  constexpr std::size_t kBytesAhead = 4;    ///< packets ahead whose first two lines are asked for
  std::array<decode::DecodeStatus, kRing> status{};
  auto load = [&](std::size_t index) {
    const std::size_t at = index % kRing;
    status[at] = decode::decode(link_type, packet_at(index), ahead_[at], stats_.decode);
    ahead_hash_[at] = decode::flow_hash(ahead_[at]);  // 0 without IP
    if (ahead_hash_[at] != 0) {
      flows_.prefetch(ahead_hash_[at]);
    }
  };
  for (std::size_t index = 0; index < std::min<std::size_t>(2, count); ++index) {
    load(index);
  }
  for (std::size_t index = 0; index < count; ++index) {
    if constexpr (kFromOtherCore) {
      if (index + kRecordAhead < count) {
        __builtin_prefetch(&packet_at(index + kRecordAhead));
      }
      if (index + kBytesAhead < count) {
        const Bytes bytes = packet_at(index + kBytesAhead).data;
        __builtin_prefetch(bytes.data());
        if (bytes.size() > kCacheLine) {
          __builtin_prefetch(bytes.subspan(kCacheLine).data());
        }
      }
    }
    if (index + 2 < count) {
      load(index + 2);
    }
    if (index + 1 < count && ahead_hash_[(index + 1) % kRing] != 0) {
      flows_.prefetch_flow(ahead_hash_[(index + 1) % kRing]);
    }
    const std::size_t at = index % kRing;
    handle_decoded(status[at], ahead_[at], ahead_hash_[at]);
  }
}

void Worker::process_chunk(int link_type, std::span<const capture::RawPacket> packets) {
  process_ahead<false>(
      link_type, packets.size(),
      [&](std::size_t index) -> const capture::RawPacket& { return packets[index]; });
}

void Worker::process_selected(int link_type, std::span<const capture::RawPacket> packets) {
  process_ahead<true>(
      link_type, packets.size(),
      [&](std::size_t index) -> const capture::RawPacket& { return packets[index]; });
}

void Worker::handle_decoded(decode::DecodeStatus status, const decode::Packet& packet,
                            std::uint64_t flow_hash) {
  if (status == decode::DecodeStatus::Unsupported) {
    return;
  }
  flow_hash_ = flow_hash;
  current_packet_ = &packet;
  sender_ = {};
  receiver_ = {};
  if (packet.has_ip()) {
    handle_ip(packet);
  } else if (packet.has_l2) {
    handle_l2(packet);
  }
  current_packet_ = nullptr;
  if (batch_.size() >= kObservationsPerFlush) {
    flush_observations();
  }
}

void Worker::flush_observations() {
  updates_.clear();
  const std::string_view arena(arena_);
  for (const BatchedObservation& observation : batch_) {
    // Resolved now: an endpoint evicted since the observation (a full table) takes it along.
    if (inventory::Endpoint* endpoint = table_.resolve(observation.endpoint)) {
      updates_.push_back({endpoint, observation.attr,
                          arena.substr(observation.value_at, observation.value_length),
                          observation.protocol, observation.ts_us});
    }
  }
  table_.add_attributes(updates_);
  batch_.clear();
  arena_.clear();
}

void Worker::handle_l2(const decode::Packet& packet) {
  if (!packet.src_mac.is_unicast_station()) {
    return;
  }
  if (inventory::Endpoint* sender = current(sender_, packet.src_mac, {}, true)) {
    ++sender->counters.packets_out;
    sender->counters.bytes_out += packet.wire_length;
    sender->sent_traffic = true;
  }
  switch (packet.ether_type) {
    case kEtherTypeArp: {
      // RFC 826 over Ethernet/IPv4: the sender pair is the binding (probes use 0.0.0.0).
      const Bytes arp = packet.l2_payload;
      if (arp.size() >= 28 && arp[0] == 0 && arp[1] == 1 && arp[2] == 0x08 && arp[3] == 0x00 &&
          arp[4] == 6 && arp[5] == 4) {
        const MacAddress sha = MacAddress::from_bytes(arp.subspan(8, 6));
        const IpAddress spa = IpAddress::v4(arp.subspan(14, 4));
        if (arp[6] == 0 && arp[7] == 1) {  // a request: whom the sender looks for
          tracker_.on_probe(detect::ProbeKind::Arp, spa, IpAddress::v4(arp.subspan(24, 4)),
                            packet.ts_us);
        }
        if (sha.is_unicast_station() && spa.is_assignable()) {
          IpAddress::TextBuffer buffer;
          const std::string_view text = spa.format(buffer);
          observe({proto::Subject::by_mac(sha), proto::Attr::Ipv4, text, "arp"});
        }
        observe({proto::Subject::by_mac(sha), proto::Attr::Protocol, "arp", "arp"});
      }
      break;
    }
    case kEtherTypeLldp:
      proto::analyze_lldp_frame(packet, *this);
      break;
    case kSnapCdp:
      proto::analyze_cdp_frame(packet, *this);
      break;
    default:
      break;
  }
}

void Worker::handle_icmpv6(const decode::Packet& packet) {
  // Neighbour discovery (RFC 4861 §4): link-layer address options bind MACs to IPv6 addresses.
  const Bytes body = packet.payload;  // after type, code, checksum
  std::size_t options_at = 0;
  int binding_option = 1;  // source link-layer address
  IpAddress bound_ip = packet.src_ip;
  switch (packet.icmp_type) {
    case 133:  // router solicitation
      options_at = 4;
      break;
    case 134:  // router advertisement
      options_at = 12;
      observe({proto::Subject::sender(), proto::Attr::Protocol, "icmpv6-ra", "icmpv6"});
      break;
    case 135:  // neighbour solicitation
      options_at = 20;
      break;
    case 136:  // neighbour advertisement: the target address belongs to the sender
      options_at = 20;
      binding_option = 2;
      if (body.size() >= 20) {
        bound_ip = IpAddress::v6(body.subspan(4, 16));
      }
      break;
    default:
      return;
  }
  std::size_t at = options_at;
  for (int option_idx = 0; option_idx < kMaxNdOptions && at + 2 <= body.size(); ++option_idx) {
    const std::size_t length = static_cast<std::size_t>(body[at + 1]) * 8;
    if (length == 0 || at + length > body.size()) {
      anomaly("icmpv6.bad_option_length");
      return;
    }
    if (body[at] == binding_option && length >= 8 && bound_ip.is_assignable()) {
      const MacAddress mac = MacAddress::from_bytes(body.subspan(at + 2, 6));
      IpAddress::TextBuffer buffer;
      const std::string_view text = bound_ip.format(buffer);
      observe({proto::Subject::by_mac(mac), proto::Attr::Ipv6, text, "icmpv6-nd"});
    }
    at += length;
  }
}

void Worker::note_tcp_fingerprint(const decode::Packet& packet, bool syn_ack) {
  proto::tcpfp::Buffer buffer;
  const auto print =
      proto::tcpfp::fingerprint(packet.ttl, packet.tcp_window, packet.tcp_options, buffer);
  if (!print) {
    anomaly(print.error().name);
    return;
  }
  observe({proto::Subject::sender(),
           syn_ack ? proto::Attr::TcpSynAckFingerprint : proto::Attr::TcpSynFingerprint, *print,
           "tcp"});
}

void Worker::note_cleartext_external(const proto::ProtocolInfo& info, const decode::Packet& packet,
                                     bool from_client) {
  // The responder is an internet host and the protocol carries no encryption: the client, a
  // device of this network, talks in clear beyond it. `packet` is the responder's, or with
  // `from_client` the client's.
  static constexpr std::array<std::string_view, 14> kCleartext = {
      "http", "telnet", "ftp",  "mqtt",   "rtsp", "snmp",   "smtp",
      "tftp", "syslog", "coap", "modbus", "dnp3", "s7comm", "ldap"};
  const IpAddress& responder = from_client ? packet.dst_ip : packet.src_ip;
  const IpAddress& client = from_client ? packet.src_ip : packet.dst_ip;
  if (!responder.is_set() || responder.is_private() || responder.is_multicast() ||
      !client.is_private() ||
      std::find(kCleartext.begin(), kCleartext.end(), info.name) == kCleartext.end()) {
    return;
  }
  ValueText value(info.name);
  value += " to ";
  IpAddress::TextBuffer buffer;
  value += responder.format(buffer);
  observe({from_client ? proto::Subject::sender() : proto::Subject::receiver(),
           proto::Attr::CleartextExternal, value, "traffic"});
}

void Worker::note_service(flow::Flow& flow, int side, const decode::Packet& packet) {
  // The responder answered: it offers a service on its port. Once per flow.
  if (side != 1 || (flow.user_flags & kServiceNoted) != 0) {
    return;
  }
  const bool tcp = packet.is_tcp();
  if (tcp && (packet.tcp_flags & decode::tcp_flag::kRst) != 0) {
    return;  // a refused connection is no service
  }
  flow.user_flags |= kServiceNoted;
  const proto::ProtocolInfo* info = proto::protocol_info(flow.app);
  if (!tcp && info == nullptr && packet.src_port >= 1024) {
    return;  // ephemeral-to-ephemeral UDP (RTP, games): not a service
  }
  observe_service(info, packet, false);
}

void Worker::note_probed_service(const flow::Flow& flow, const decode::Packet& packet,
                                 const proto::ProtocolInfo& info) {
  // The responder's answer was noted as a bare port before the client's first bytes named the
  // protocol (SSH on tcp/902, HTTP on a UPnP port): the service again, with its name; the device
  // export merges the two by port.
  if ((flow.user_flags & kServiceNoted) == 0) {
    return;  // not answered yet: note_service() will name it
  }
  observe_service(&info, packet, true);
}

void Worker::observe_service(const proto::ProtocolInfo* info, const decode::Packet& packet,
                             bool from_client) {
  // The responder is the packet's sender, or with `from_client` its receiver.
  const proto::Subject responder =
      from_client ? proto::Subject::receiver() : proto::Subject::sender();
  std::array<char, 16> prefix_buffer{};
  ValueText value(service_prefix(prefix_buffer, packet.is_tcp(),
                                 from_client ? packet.dst_port : packet.src_port));
  if (info != nullptr) {
    value += ' ';
    value += info->name;
    // By port only where no analyzer speaks the protocol: one that does reports it for each side
    // it hears, from the messages themselves (and a port alone would say it twice per flow).
    if (info->datagram == nullptr && info->create_stream == nullptr) {
      observe({proto::Subject::sender(), proto::Attr::Protocol, info->name, "traffic"});
      observe({proto::Subject::receiver(), proto::Attr::Protocol, info->name, "traffic"});
    }
    note_cleartext_external(*info, packet, from_client);
  }
  observe({responder, proto::Attr::Service, value, "traffic"});
}

void Worker::handle_tcp_payload(flow::Flow& flow, int side, const decode::Packet& packet) {
  const bool syn = (packet.tcp_flags & decode::tcp_flag::kSyn) != 0;
  auto* state = static_cast<StreamState*>(flow.extension.get());
  if (state == nullptr && (flow.user_flags & kStreamDone) == 0) {
    const proto::ProtocolInfo* info = proto::protocol_info(flow.app);
    if ((info == nullptr || info->create_stream == nullptr) && !packet.payload.empty() &&
        side == 0 && (flow.user_flags & kProbed) == 0) {
      // Unknown port: recognise HTTP and TLS by content (UPnP descriptions live on high ports).
      flow.user_flags |= kProbed;
      if (const proto::ProtocolId probed =
              proto::probe_protocol(proto::Transport::Tcp, packet.payload)) {
        flow.app = probed;
        info = proto::protocol_info(probed);
        note_probed_service(flow, packet, *info);
      }
    }
    if (info != nullptr && info->create_stream != nullptr && (syn || !packet.payload.empty())) {
      auto owned =
          std::make_unique<StreamState>(info->create_stream(), config_.stream_buffer_bytes);
      state = owned.get();
      flow.extension = std::move(owned);
      ++stats_.analyzed_streams;
    } else if (info != nullptr || !packet.payload.empty()) {
      flow.user_flags |= kStreamDone;
    }
  }
  if (state == nullptr) {
    return;
  }
  flow::TcpStream& stream = state->streams[static_cast<std::size_t>(side)];
  if (syn) {
    stream.on_syn(packet.tcp_seq);
  }
  if (packet.payload.empty()) {
    return;
  }
  const auto direction = side == 0 ? proto::Direction::ToServer : proto::Direction::ToClient;
  stream.add(packet.tcp_seq, packet.payload, [&](Bytes bytes) -> flow::Consumed {
    const Result<std::size_t> consumed = state->analyzer->on_data(direction, bytes, *this);
    if (!consumed) {
      if (consumed.error().code == ParseErrorCode::Incomplete) {
        return {0, false};
      }
      anomaly(consumed.error().name);
      return {0, true};
    }
    return {*consumed, false};
  });
  if (state->analyzer->is_done() ||
      (!state->streams[0].is_open() && !state->streams[1].is_open())) {
    count_stream_ends(*state);
    flow.extension.reset();
    flow.user_flags |= kStreamDone;
  }
}

void Worker::handle_ip(const decode::Packet& packet) {
  bool a_to_b = false;
  bool is_new = false;
  flow::Flow& flow = flow_hash_ != 0 ? flows_.track(packet, flow_hash_, a_to_b, is_new)
                                     : flows_.track(packet, a_to_b, is_new);
  const int side = flow.side_of(a_to_b);
  const int other = 1 - side;
  if (is_new) {
    flow.endpoint[0] = flow.endpoint[1] = kUnresolved;
  }

  // Resolve (once per flow) the endpoints of both sides; multicast and broadcast have none.
  auto resolve_side = [&](int which, const MacAddress& mac, const IpAddress& ip,
                          inventory::EndpointRef& ref) -> inventory::Endpoint* {
    if (flow.endpoint[which] == inventory::EndpointRef::kNone) {
      return nullptr;
    }
    ref = {flow.endpoint[which], flow.endpoint_gen[which]};
    if (flow.endpoint[which] != kUnresolved) {
      if (inventory::Endpoint* endpoint = table_.resolve(ref)) {
        return endpoint;
      }
    }
    const bool use_mac = packet.has_l2 && mac.is_unicast_station();
    if (!is_unicast_ip(ip) || (packet.has_l2 && !use_mac && !mac.is_zero())) {
      flow.endpoint[which] = inventory::EndpointRef::kNone;
      ref = {};
      return nullptr;
    }
    ref = {};
    inventory::Endpoint* endpoint = current(ref, mac, ip, use_mac);
    flow.endpoint[which] = ref.index;
    flow.endpoint_gen[which] = ref.generation;
    return endpoint;
  };
  inventory::Endpoint* sender = resolve_side(side, packet.src_mac, packet.src_ip, sender_);
  inventory::Endpoint* receiver = resolve_side(other, packet.dst_mac, packet.dst_ip, receiver_);
  if (sender != nullptr) {
    ++sender->counters.packets_out;
    sender->counters.bytes_out += packet.wire_length;
    sender->sent_traffic = true;
    sender->sent_unrouted = sender->sent_unrouted || inventory::is_unrouted_ttl(packet.ttl);
    sender->last_us = std::max(sender->last_us, packet.ts_us);
  }
  if (receiver != nullptr) {
    ++receiver->counters.packets_in;
    receiver->counters.bytes_in += packet.wire_length;
    receiver->last_us = std::max(receiver->last_us, packet.ts_us);
  }

  const bool tcp = packet.is_tcp();
  const bool udp = packet.is_udp();
  if (is_new) {
    if (sender != nullptr) {
      table_.add_peer_later(sender_, packet.dst_ip, packet.ts_us);
    }
    if (receiver != nullptr) {
      table_.add_peer_later(receiver_, packet.src_ip, packet.ts_us);
    }
    if (tcp || udp) {
      const auto transport = tcp ? proto::Transport::Tcp : proto::Transport::Udp;
      const std::uint16_t responder_port = side == 0 ? packet.dst_port : packet.src_port;
      const std::uint16_t initiator_port = side == 0 ? packet.src_port : packet.dst_port;
      flow.app = proto::protocol_for_port(transport, responder_port);
      if (flow.app == 0) {
        flow.app = proto::protocol_for_port(transport, initiator_port);
      }
    }
  }

  // Echo requests and replies (ping: RFC 792 types 8 and 0, RFC 4443 types 128 and 129), not
  // fragmented (a discovery ping never is; the decoder reads no ICMP header from a fragment).
  // Requests are host discovery; the data of both feeds the ICMP tunnel rule. Multicast pings
  // (ff02::1) ask everyone at once: no sweep, and no one reply pairs with them.
  const bool v4 = packet.ip_proto == decode::IpProto::Icmp;
  const bool v6 = packet.ip_proto == decode::IpProto::Icmpv6;
  if ((v4 || v6) && !packet.is_fragment && !packet.dst_ip.is_multicast()) {
    const bool request = (v4 && packet.icmp_type == kIcmpEchoRequest) ||
                         (v6 && packet.icmp_type == kIcmpv6EchoRequest);
    const bool reply =
        (v4 && packet.icmp_type == kIcmpEchoReply) || (v6 && packet.icmp_type == kIcmpv6EchoReply);
    if (request) {
      tracker_.on_probe(detect::ProbeKind::Echo, packet.src_ip, packet.dst_ip, packet.ts_us);
    }
    if ((request || reply) && packet.payload.size() >= 4) {
      const auto id = static_cast<std::uint16_t>(packet.payload[0] << 8 | packet.payload[1]);
      const auto seq = static_cast<std::uint16_t>(packet.payload[2] << 8 | packet.payload[3]);
      tracker_.on_echo(reply, packet.src_ip, packet.dst_ip, id, seq, packet.payload.subspan(4),
                       packet.frame.size() >= packet.wire_length, packet.ts_us);
    }
  }
  if (v6) {
    handle_icmpv6(packet);
    return;
  }
  if (packet.is_fragment || (!tcp && !udp)) {
    return;
  }
  if (tcp) {
    const bool syn_ack = (packet.tcp_flags & (decode::tcp_flag::kSyn | decode::tcp_flag::kAck)) ==
                         (decode::tcp_flag::kSyn | decode::tcp_flag::kAck);
    if ((packet.tcp_flags & decode::tcp_flag::kSyn) != 0) {
      note_tcp_fingerprint(packet, syn_ack);
      if (!syn_ack && packet.dst_ip.is_v4() &&
          packet.tcp_seq == (std::uint32_t{packet.dst_ip.bytes[0]} << 24 |
                             std::uint32_t{packet.dst_ip.bytes[1]} << 16 |
                             std::uint32_t{packet.dst_ip.bytes[2]} << 8 | packet.dst_ip.bytes[3])) {
        flow.user_flags |= kMiraiSeq;
      }
    }
    if (side == 1 && (syn_ack || !packet.payload.empty())) {
      note_service(flow, side, packet);
    }
    if (side == 1 && !packet.payload.empty() && (flow.user_flags & kBannerChecked) == 0) {
      flow.user_flags |= kBannerChecked;
      const proto::ProtocolInfo* info = proto::protocol_info(flow.app);
      const bool has_analyzer = info != nullptr && info->create_stream != nullptr;
      if (!has_analyzer) {
        // The first line a server sends (SSH, FTP, SMTP, telnet prompts) names its software.
        Bytes text = packet.payload;
        for (int option_idx = 0;
             option_idx < kMaxTelnetOptions && text.size() >= 3 && text[0] == 0xFF; ++option_idx) {
          text = text.subspan(3);  // telnet IAC option negotiation
        }
        std::size_t length = 0;
        while (length < text.size() && length < kMaxBannerBytes && text[length] != '\n' &&
               text[length] != '\r') {
          ++length;
        }
        std::size_t printable = 0;
        for (std::size_t at = 0; at < length; ++at) {
          printable += (text[at] >= 0x20 && text[at] < 0x7F) ? 1U : 0U;
        }
        if (length >= 4 && printable * 10 >= length * 9) {
          std::array<char, 16> prefix_buffer{};
          std::string value(service_prefix(prefix_buffer, true, packet.src_port));
          value += ' ';
          value += as_chars(text.subspan(0, length));
          observe({proto::Subject::sender(), proto::Attr::ServiceBanner, value, "traffic"});
        }
      }
    }
    if ((flow.user_flags & kStreamDone) == 0) {
      handle_tcp_payload(flow, side, packet);
    }
    return;
  }
  // UDP
  if (side == 1) {
    note_service(flow, side, packet);
  }
  if (const proto::ProtocolInfo* info = proto::protocol_info(flow.app)) {
    if (info->datagram != nullptr && !packet.payload.empty()) {
      ++stats_.analyzed_datagrams;
      info->datagram(packet, *this);
    }
  }
}

void Worker::finish() {
  if (!batch_.empty()) {
    flush_observations();  // the last packets' observations
  }
  // Every flow ends; the flow table's and the pending counts' memory, dead from here on, goes
  // back to the allocator for the device build and the store (fresh pages cost a fault and a
  // clear each, and the benchmark's run faulted 8 MB fewer this way).
  flows_.release();
  tracker_.flush();  // the flow ends the flush just batched
  table_.release_pending();
}

}  // namespace warden::engine
