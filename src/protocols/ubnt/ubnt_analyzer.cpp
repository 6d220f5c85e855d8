// SPDX-License-Identifier: Apache-2.0
#include "protocols/ubnt/ubnt_analyzer.hpp"

#include "protocols/ubnt/ubnt_parser.hpp"

namespace warden::proto::ubnt {
namespace {

constexpr std::string_view kProtocol = "ubnt";

void observe(ObservationSink& sink, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, kProtocol});
  }
}

}  // namespace

void analyze_ubnt(const decode::Packet& packet, ObservationSink& sink) {
  const auto announcement = parse_announcement(packet.payload);
  if (!announcement) {
    sink.anomaly(announcement.error().name);
    return;
  }
  observe(sink, Attr::Protocol, kProtocol);
  if (announcement->is_request) {
    return;
  }
  observe(sink, Attr::UbntModel,
          announcement->model.empty() ? announcement->platform : announcement->model);
  observe(sink, Attr::UbntFirmware, announcement->firmware);
  observe(sink, Attr::Hostname, announcement->hostname);
}

}  // namespace warden::proto::ubnt
