// SPDX-License-Identifier: Apache-2.0
#include "protocols/ssdp/ssdp_analyzer.hpp"

#include <string_view>

#include "protocols/ssdp/ssdp_parser.hpp"

namespace warden::proto::ssdp {
namespace {

constexpr std::string_view kProtocol = "ssdp";

void observe(ObservationSink& sink, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, kProtocol});
  }
}

}  // namespace

void analyze_ssdp(const decode::Packet& packet, ObservationSink& sink) {
  const auto message = parse_message(packet.payload);
  if (!message) {
    // HTTP-level failures ("http.bad_start_line", ...) are reported under this protocol's name.
    const std::string_view name = message.error().name;
    sink.anomaly(name.starts_with("ssdp.") ? name : "ssdp.malformed");
    return;
  }
  observe(sink, Attr::Protocol, kProtocol);
  if (message->kind == MessageKind::Search) {
    observe(sink, Attr::SsdpUserAgent, message->user_agent);
    return;
  }
  observe(sink, Attr::SsdpServer, message->server);
  observe(sink, Attr::SsdpLocation, message->location);
  observe(sink, Attr::SsdpUsn, message->usn);
  observe(sink, Attr::SsdpType, message->kind == MessageKind::Notify ? message->nt : message->st);
}

}  // namespace warden::proto::ssdp
