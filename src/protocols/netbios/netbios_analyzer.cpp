// SPDX-License-Identifier: Apache-2.0
#include "protocols/netbios/netbios_analyzer.hpp"

#include "protocols/netbios/netbios_parser.hpp"

namespace warden::proto::netbios {

namespace {

constexpr std::string_view kProtocol = "netbios-ns";

bool is_registration(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::Registration:
    case Opcode::Refresh:
    case Opcode::RefreshAlt:
    case Opcode::MultiHomedRegistration:
      return true;
    default:
      return false;
  }
}

void report_name(const Name& name, bool is_group, const Subject& subject, ObservationSink& sink) {
  const std::string_view text = name.text();
  if (text.empty() || name.is_wildcard()) {
    return;
  }
  // Other suffixes name services (0x03 messenger, 0x1D master browser, ...), not the machine.
  if (is_group && name.suffix == kSuffixWorkstation) {
    sink.observe({subject, Attr::NetbiosGroup, text, kProtocol});
  } else if (!is_group && (name.suffix == kSuffixWorkstation || name.suffix == kSuffixServer)) {
    sink.observe({subject, Attr::NetbiosName, text, kProtocol});
    if (name.suffix == kSuffixWorkstation) {
      // The unique workstation name is the machine's own name.
      sink.observe({subject, Attr::Hostname, text, kProtocol});
    }
  }
}

void report_nb_record(const decode::Packet& packet, const Record& record, ObservationSink& sink) {
  const NbEntries nb = parse_nb_entries(record.rdata);
  for (std::size_t entry_idx = 0; entry_idx < nb.count; ++entry_idx) {
    const NbEntry& entry = nb.entries[entry_idx];
    const bool is_other_host = entry.address.is_assignable() && entry.address != packet.src_ip;
    report_name(record.name, entry.is_group(),
                is_other_host ? Subject::by_ip(entry.address) : Subject::sender(), sink);
  }
}

void report_node_status(const Record& record, ObservationSink& sink) {
  const auto status = parse_node_status(record.rdata);
  if (!status) {
    sink.anomaly(status.error().name);
    return;
  }
  // The name table is the responder's own.
  for (std::size_t name_idx = 0; name_idx < status->count; ++name_idx) {
    const NodeName& entry = status->names[name_idx];
    report_name(entry.name, entry.is_group(), Subject::sender(), sink);
  }
}

}  // namespace

void analyze_netbios(const decode::Packet& packet, ObservationSink& sink) {
  const auto msg = parse_message(packet.payload);
  if (!msg) {
    sink.anomaly(msg.error().name);
    return;
  }
  sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  const Header& header = msg->header;
  // Requests: only a registration or refresh states the sender's own names (in its additional
  // record). Responses: only positive answers to queries and registrations.
  const bool is_claim = !header.is_response && is_registration(header.opcode);
  const bool is_answer =
      header.is_response && header.rcode == 0 &&
      (header.opcode == static_cast<std::uint8_t>(Opcode::Query) || is_registration(header.opcode));
  if (!is_claim && !is_answer) {
    return;
  }
  const Section wanted = is_claim ? Section::Additional : Section::Answer;
  for (std::size_t record_idx = 0; record_idx < msg->record_count; ++record_idx) {
    const Record& record = msg->records[record_idx];
    if (record.section != wanted) {
      continue;
    }
    if (record.type == kTypeNb) {
      report_nb_record(packet, record, sink);
    } else if (record.type == kTypeNbstat && is_answer) {
      report_node_status(record, sink);
    }
  }
}

}  // namespace warden::proto::netbios
