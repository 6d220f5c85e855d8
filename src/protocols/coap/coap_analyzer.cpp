// SPDX-License-Identifier: Apache-2.0
#include "protocols/coap/coap_analyzer.hpp"

#include <string>
#include <string_view>

#include "core/text.hpp"
#include "protocols/coap/coap_parser.hpp"

namespace warden::proto::coap {
namespace {

constexpr std::string_view kProtocol = "coap";

void observe(ObservationSink& sink, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, kProtocol});
  }
}

/// "GET /a/b", cut at kMaxValueLength (the sink would cut it there anyway).
void request_line(std::string_view method, const Message& message, ValueText& line) {
  line += method;
  line += ' ';
  if (message.path_count == 0) {
    line += '/';
  }
  for (std::size_t segment_idx = 0;
       segment_idx < message.path_count && line.view().size() < kMaxValueLength; ++segment_idx) {
    line += '/';
    line += message.path.at(segment_idx);
  }
}

}  // namespace

void analyze_coap(const decode::Packet& packet, ObservationSink& sink) {
  const auto message = parse_message(packet.payload);
  if (!message) {
    sink.anomaly(message.error().name);
    return;
  }
  observe(sink, Attr::Protocol, kProtocol);
  if (message->is_request()) {
    const std::string_view method = method_name(message->code);
    if (method.empty()) {
      sink.anomaly("coap.unknown_method");
    } else {
      ValueText line;
      request_line(method, *message, line);
      observe(sink, Attr::CoapRequest, line);
    }
  }
  if (message->content_format) {
    const std::string_view name = content_format_name(*message->content_format);
    if (name.empty()) {
      observe(sink, Attr::CoapContentFormat, std::to_string(*message->content_format));
    } else {
      observe(sink, Attr::CoapContentFormat, name);
    }
  }
}

}  // namespace warden::proto::coap
