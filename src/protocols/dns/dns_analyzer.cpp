// SPDX-License-Identifier: Apache-2.0
#include "protocols/dns/dns_analyzer.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/text.hpp"
#include "protocols/dns/dns_parser.hpp"

namespace warden::proto::dns {
namespace {

constexpr std::uint16_t kDnsPort = 53;
constexpr std::uint16_t kMdnsPort = 5353;
constexpr std::uint16_t kLlmnrPort = 5355;
constexpr std::uint8_t kOpcodeQuery = 0;
constexpr std::string_view kLocalSuffix = ".local";

void emit(ObservationSink& sink, const Subject& subject, Attr attr, std::string_view value,
          std::string_view protocol) {
  sink.observe(Observation{subject, attr, value, protocol});
}

/// Decodes `name` into `buffer` and lower-cases it there (host names are case-insensitive).
std::optional<std::string_view> decode_lower(Bytes message, NameRef name, NameBuffer& buffer) {
  const auto text = decode_name(message, name, buffer);
  if (!text) {
    return std::nullopt;
  }
  const std::span<char> chars = std::span<char>(buffer).first(text->size());
  std::ranges::transform(chars, chars.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return *text;
}

/// `name` without its ".local" suffix (any case), or std::nullopt when it has none.
std::optional<std::string_view> without_local(std::string_view name) {
  if (name.size() <= kLocalSuffix.size() ||
      !iequals(name.substr(name.size() - kLocalSuffix.size()), kLocalSuffix)) {
    return std::nullopt;
  }
  return name.substr(0, name.size() - kLocalSuffix.size());
}

/// A DNS-SD name, "<instance>.<_service>.<_tcp|_udp>.local" (RFC 6763 §4.1, §7), split from the
/// right because instance labels may hold dots. Views alias the decoded name.
struct ServiceName {
  std::string_view instance;  ///< empty for a bare service type
  std::string_view type;      ///< "_googlecast._tcp"
  std::string_view service;   ///< "_googlecast"
  std::string_view proto;     ///< "_tcp" or "_udp"
};

std::optional<ServiceName> split_service_name(std::string_view name) {
  const auto head = without_local(name);
  if (!head) {
    return std::nullopt;
  }
  const std::size_t proto_dot = head->rfind('.');
  if (proto_dot == std::string_view::npos) {
    return std::nullopt;
  }
  ServiceName out;
  out.proto = head->substr(proto_dot + 1);
  if (!iequals(out.proto, "_tcp") && !iequals(out.proto, "_udp")) {
    return std::nullopt;
  }
  const std::string_view rest = head->substr(0, proto_dot);
  const std::size_t service_dot = rest.rfind('.');
  const std::size_t service_start = service_dot == std::string_view::npos ? 0 : service_dot + 1;
  out.service = rest.substr(service_start);
  if (out.service.size() < 2 || out.service.front() != '_') {
    return std::nullopt;
  }
  out.type = head->substr(service_start);
  out.instance =
      service_dot == std::string_view::npos ? std::string_view() : rest.substr(0, service_dot);
  return out;
}

/// Which device the host names and service instances of one message belong to, learned from its
/// A/AAAA and SRV records before anything is reported.
// NOLINTBEGIN(cppcoreguidelines-pro-type-member-init): names_ is read only up to names_used_
class Ownership {
 public:
  Ownership(Bytes message, const IpAddress& source) : message_(message), source_(source) {}

  void learn(const Record& record) {
    NameBuffer name_buffer;
    const auto name = decode_name(message_, record.name, name_buffer);
    if (!name) {
      return;
    }
    if (const auto* address = std::get_if<IpAddress>(&record.data)) {
      if (address->is_assignable() && host_count_ < kMaxHostAddresses) {
        hosts_.at(host_count_++) = {keep(*name), *address};
      }
    } else if (const auto* srv = std::get_if<Srv>(&record.data)) {
      NameBuffer target_buffer;
      const auto target = decode_name(message_, srv->target, target_buffer);
      if (target && instance_count_ < kMaxServiceRecords) {
        const std::string_view kept_name = keep(*name);
        instances_.at(instance_count_++) = {kept_name, keep(*target)};
      }
    }
  }

  /// Owner of host `name`: the sender when one of its addresses is the packet's source, else the
  /// holder of its first address; std::nullopt when the message gives it no address.
  [[nodiscard]] std::optional<Subject> host(std::string_view name) const {
    std::optional<Subject> owner;
    for (const HostAddress& host : std::span(hosts_).first(host_count_)) {
      if (!iequals(host.name, name)) {
        continue;
      }
      if (host.address == source_) {
        return Subject::sender();
      }
      if (!owner) {
        owner = Subject::by_ip(host.address);
      }
    }
    return owner;
  }

  /// Owner of service instance `name`: the owner of its SRV target, else the sender.
  [[nodiscard]] Subject instance(std::string_view name) const {
    for (const Instance& instance : std::span(instances_).first(instance_count_)) {
      if (iequals(instance.name, name)) {
        return host(instance.target).value_or(Subject::sender());
      }
    }
    return Subject::sender();
  }

  [[nodiscard]] const IpAddress& source() const { return source_; }

 private:
  struct HostAddress {
    std::string_view name;  ///< in names_
    IpAddress address;
  };
  struct Instance {
    std::string_view name;    ///< in names_
    std::string_view target;  ///< in names_
  };

  /// A copy of `name` in names_, which has room for every name this object keeps (no heap
  /// allocation per message).
  std::string_view keep(std::string_view name) {
    const std::span<char> room = std::span(names_).subspan(names_used_, name.size());
    std::copy(name.begin(), name.end(), room.begin());
    names_used_ += name.size();
    return {room.data(), room.size()};
  }

  Bytes message_;
  IpAddress source_;
  std::array<HostAddress, kMaxHostAddresses> hosts_{};
  std::size_t host_count_ = 0;
  std::array<Instance, kMaxServiceRecords> instances_{};
  std::size_t instance_count_ = 0;
  // A host's name, or an instance's name and its target, each at most kMaxNameLength bytes.
  std::array<char, (kMaxHostAddresses + 2 * kMaxServiceRecords) * kMaxNameLength> names_;
  std::size_t names_used_ = 0;
};
// NOLINTEND(cppcoreguidelines-pro-type-member-init)

/// Reports the own records of one mDNS or LLMNR message.
class Reporter {
 public:
  Reporter(Bytes message, const Ownership& owners, std::string_view protocol, ObservationSink& sink)
      : message_(message), owners_(owners), protocol_(protocol), sink_(sink) {}

  /// A/AAAA record: `name` is the owner name (lower-case), `host` what Hostname reports.
  void host_address(std::string_view name, std::string_view host, const IpAddress& address) {
    if (!address.is_assignable()) {
      return;
    }
    const auto owner = owners_.host(name);
    if (address != owners_.source() && (!owner || owner->who != Who::Sender)) {
      emit(sink_, Subject::by_ip(address), Attr::Hostname, host, protocol_);
      return;
    }
    if (host != last_hostname_) {
      emit(sink_, Subject::sender(), Attr::Hostname, host, protocol_);
      last_hostname_ = host;
    }
    emit(sink_, Subject::sender(), address.is_v4() ? Attr::Ipv4 : Attr::Ipv6, address.to_string(),
         protocol_);
  }

  void mdns_address(const Record& record, const IpAddress& address) {
    NameBuffer buffer;
    const auto name = decode_lower(message_, record.name, buffer);
    const auto host = name ? without_local(*name) : std::nullopt;
    if (host && !host->empty()) {
      host_address(*name, *host, address);
    }
  }

  void ptr(const Record& record, NameRef target) {
    NameBuffer owner_buffer;
    NameBuffer target_buffer;
    const auto owner = decode_lower(message_, record.name, owner_buffer);
    const auto browsed = owner ? split_service_name(*owner) : std::nullopt;
    if (!browsed) {
      return;
    }
    // Service type enumeration (RFC 6763 §9): the types the sender offers.
    if (browsed->instance == "_services" && browsed->type == "_dns-sd._udp") {
      const auto listed = decode_lower(message_, target, target_buffer);
      const auto type = listed ? split_service_name(*listed) : std::nullopt;
      if (type && type->instance.empty()) {
        emit(sink_, Subject::sender(), Attr::MdnsServiceType, type->type, protocol_);
      }
      return;
    }
    // "<_service>._tcp.local" or a subtype, "<sub>._sub.<_service>._tcp.local" (RFC 6763 §7.1).
    if (!browsed->instance.empty() && !browsed->instance.ends_with("._sub")) {
      return;
    }
    const auto instance = decode_name(message_, target, target_buffer);
    const auto instance_name = instance ? split_service_name(*instance) : std::nullopt;
    if (!instance_name || instance_name->instance.empty() ||
        !iequals(instance_name->type, browsed->type)) {
      return;
    }
    const Subject subject = owners_.instance(*instance);
    emit(sink_, subject, Attr::MdnsServiceType, browsed->type, protocol_);
    emit(sink_, subject, Attr::MdnsService, *instance, protocol_);
  }

  void srv(const Record& record, const Srv& srv) {
    NameBuffer owner_buffer;
    NameBuffer target_buffer;
    const auto owner = decode_lower(message_, record.name, owner_buffer);
    const auto name = owner ? split_service_name(*owner) : std::nullopt;
    const auto target = decode_name(message_, srv.target, target_buffer);
    if (!name || name->instance.empty() || !target || srv.port == 0) {
      return;
    }
    std::string value(name->proto.substr(1));
    value.append("/").append(std::to_string(srv.port)).append(" ").append(name->service.substr(1));
    emit(sink_, owners_.host(*target).value_or(Subject::sender()), Attr::Service, value, protocol_);
  }

  void txt(const Record& record, const Txt& txt) {
    NameBuffer buffer;
    const auto owner = decode_name(message_, record.name, buffer);
    const auto name = owner ? split_service_name(*owner) : std::nullopt;
    if (!name || name->instance.empty()) {
      return;
    }
    const Subject subject = owners_.instance(*owner);
    TxtReader strings(txt);
    for (std::size_t string_idx = 0; string_idx < kMaxTxtStrings; ++string_idx) {
      const auto text = strings.next();
      if (!text || txt_count_ >= kMaxTxtPerMessage) {
        return;
      }
      if (!text->empty()) {
        ++txt_count_;
        emit(sink_, subject, Attr::MdnsTxt, *text, protocol_);
      }
    }
  }

 private:
  Bytes message_;
  const Ownership& owners_;
  std::string_view protocol_;
  ObservationSink& sink_;
  std::size_t txt_count_ = 0;
  std::string last_hostname_;  ///< the sender's, so several addresses report it once
};

/// Learns ownership from the entries `is_own` selects, then hands each of them to `report`.
/// Entries before a parse error still count; the error becomes an anomaly. False on error.
template <typename IsOwn, typename Report>
bool walk_own_records(MessageReader reader, Ownership& owners, IsOwn is_own, Report report,
                      ObservationSink& sink) {
  MessageReader learning = reader;
  const auto error = for_each_record(learning, [&](const Record& record) {
    if (is_own(record)) {
      owners.learn(record);
    }
  });
  for_each_record(reader, [&](const Record& record) {
    if (is_own(record)) {
      report(record);
    }
  });
  if (error) {
    sink.anomaly(error->name);
  }
  return !error;
}

/// Plain DNS, whatever the transport. `from_server`: sent from the server port.
void analyze_message(Bytes message, bool from_server, std::string_view service,
                     ObservationSink& sink) {
  auto reader = MessageReader::open(message);
  if (!reader) {
    sink.anomaly(reader.error().name);
    return;
  }
  const Header& header = reader->header();
  const bool is_lookup = !header.is_response() && header.opcode() == kOpcodeQuery;
  NameBuffer buffer;
  const auto error = for_each_record(*reader, [&](const Record& record) {
    if (!is_lookup || record.section != Section::Question) {
      return;
    }
    const auto name = decode_lower(message, record.name, buffer);
    if (name && !name->empty()) {
      emit(sink, Subject::sender(), Attr::DnsQuery, *name, "dns");
    }
  });
  if (error) {
    sink.anomaly(error->name);
    return;
  }
  if (header.is_response() && from_server) {
    emit(sink, Subject::sender(), Attr::Service, service, "dns");
  }
  emit(sink, Subject::sender(), Attr::Protocol, "dns", "dns");
}

}  // namespace

void analyze_dns(const decode::Packet& packet, ObservationSink& sink) {
  analyze_message(packet.payload, packet.src_port == kDnsPort, "udp/53 dns", sink);
}

void analyze_mdns(const decode::Packet& packet, ObservationSink& sink) {
  auto reader = MessageReader::open(packet.payload);
  if (!reader) {
    sink.anomaly(reader.error().name);
    return;
  }
  const bool is_response = reader->header().is_response();
  // RFC 6762 §6: responses not sent from port 5353 must be ignored.
  const bool trusted_response = is_response && packet.src_port == kMdnsPort;
  auto is_own = [&](const Record& record) {
    return is_response ? trusted_response && record.section != Section::Question
                       : record.section == Section::Authority;
  };
  Ownership owners(packet.payload, packet.src_ip);
  Reporter reporter(packet.payload, owners, "mdns", sink);
  auto report = [&](const Record& record) {
    if (const auto* address = std::get_if<IpAddress>(&record.data)) {
      reporter.mdns_address(record, *address);
    } else if (const auto* srv = std::get_if<Srv>(&record.data)) {
      reporter.srv(record, *srv);
    } else if (const auto* txt = std::get_if<Txt>(&record.data)) {
      reporter.txt(record, *txt);
    } else if (const auto* target = std::get_if<NameRef>(&record.data);
               target && record.type == RrType::Ptr) {
      reporter.ptr(record, *target);
    }
  };
  if (walk_own_records(*reader, owners, is_own, report, sink)) {
    emit(sink, Subject::sender(), Attr::Protocol, "mdns", "mdns");
  }
}

void analyze_llmnr(const decode::Packet& packet, ObservationSink& sink) {
  auto reader = MessageReader::open(packet.payload);
  if (!reader) {
    sink.anomaly(reader.error().name);
    return;
  }
  const bool trusted_response = reader->header().is_response() && packet.src_port == kLlmnrPort;
  auto is_own = [&](const Record& record) {
    return trusted_response && record.section == Section::Answer;
  };
  Ownership owners(packet.payload, packet.src_ip);
  Reporter reporter(packet.payload, owners, "llmnr", sink);
  auto report = [&](const Record& record) {
    NameBuffer buffer;
    const auto* address = std::get_if<IpAddress>(&record.data);
    const auto name = address ? decode_lower(packet.payload, record.name, buffer) : std::nullopt;
    if (name && !name->empty()) {
      reporter.host_address(*name, *name, *address);
    }
  };
  if (walk_own_records(*reader, owners, is_own, report, sink)) {
    emit(sink, Subject::sender(), Attr::Protocol, "llmnr", "llmnr");
  }
}

Result<std::size_t> DnsTcpAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  std::size_t consumed = 0;
  for (std::size_t message_idx = 0; message_idx < kMaxMessagesPerCall; ++message_idx) {
    const auto message = tcp_message(bytes.subspan(consumed));
    if (!message) {
      break;
    }
    analyze_message(*message, dir == Direction::ToClient, "tcp/53 dns", sink);
    consumed += 2 + message->size();
  }
  if (consumed == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "dns.truncated");
  }
  return consumed;
}

std::unique_ptr<StreamAnalyzer> make_dns_tcp_analyzer() {
  return std::make_unique<DnsTcpAnalyzer>();
}

}  // namespace warden::proto::dns
