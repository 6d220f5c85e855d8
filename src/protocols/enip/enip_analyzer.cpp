// SPDX-License-Identifier: Apache-2.0
#include "protocols/enip/enip_analyzer.hpp"

#include <string>

#include "core/text.hpp"

namespace warden::proto::enip {
namespace {

constexpr std::string_view kProtocol = "enip";
// ReportedState::functions keys of encapsulation requests. Service codes with bit 7 set are
// responses and never counted, so these keys cannot collide with a CIP service.
constexpr std::size_t kKeyListIdentity = 0xFF;
constexpr std::size_t kKeyListServices = 0xFE;
constexpr std::size_t kKeyListInterfaces = 0xFD;
constexpr std::size_t kKeyRegisterSession = 0xFC;

void observe(ObservationSink& sink, const Subject& subject, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, kProtocol});
  }
}

void report_identity(const Identity& identity, ObservationSink& sink) {
  const Subject device = Subject::sender();
  observe(sink, device, Attr::IcsVendorId, std::to_string(identity.vendor_id));
  observe(sink, device, Attr::IcsVendor, vendor_name(identity.vendor_id));
  observe(sink, device, Attr::IcsProduct, trim(identity.product_name));
  observe(sink, device, Attr::IcsRevision,
          std::to_string(identity.revision_major) + "." + std::to_string(identity.revision_minor));
  const std::uint32_t serial = identity.serial_number;
  const std::array<std::uint8_t, 4> big_endian = {
      static_cast<std::uint8_t>(serial >> 24), static_cast<std::uint8_t>(serial >> 16),
      static_cast<std::uint8_t>(serial >> 8), static_cast<std::uint8_t>(serial)};
  observe(sink, device, Attr::IcsSerial, "0x" + to_hex(big_endian));
}

/// Reports one encapsulation-level request function, once per flow when `state` is set.
void report_function(std::string_view text, std::size_t key, ReportedState* state,
                     ObservationSink& sink) {
  if (state != nullptr) {
    if (state->functions.test(key)) {
      return;
    }
    state->functions.set(key);
  }
  observe(sink, Subject::sender(), Attr::IcsFunction, text);
}

void report_control(std::string_view control, ReportedState* state, ObservationSink& sink) {
  if (state != nullptr) {
    for (std::size_t control_idx = 0; control_idx < state->control_count; ++control_idx) {
      if (state->controls.at(control_idx) == control) {
        return;
      }
    }
    if (state->control_count < state->controls.size()) {
      state->controls.at(state->control_count++) = control;
    }
  }
  observe(sink, Subject::receiver(), Attr::IcsControl, "enip " + std::string(control));
}

void handle_cip_request(Bytes message, int depth, ReportedState* state, ObservationSink& sink) {
  const auto request = parse_cip_request(message);
  if (!request) {
    sink.anomaly(request.error().name);
    return;
  }
  if ((request->service & service::kResponseBit) != 0) {
    return;  // a response travelling client to server: nothing to learn
  }
  std::size_t key = request->service;
  if (request->class_id == cip_class::kConnectionManager) {
    key += 256;
  } else if (request->symbolic) {
    key += 512;
  }
  const std::string_view name = service_name(*request);
  std::string text = "enip ";
  if (name.empty()) {
    const std::array<std::uint8_t, 1> raw = {request->service};
    text += "service-0x" + to_hex(raw);
  } else {
    text += name;
  }
  report_function(text, key, state, sink);
  const std::string_view control = control_name(*request);
  if (!control.empty()) {
    report_control(control, state, sink);
  }
  if (depth >= kMaxCipDepth) {
    return;
  }
  if (request->service == service::kUnconnectedSend &&
      request->class_id == cip_class::kConnectionManager) {
    const auto embedded = parse_unconnected_send(request->data);
    if (!embedded) {
      sink.anomaly(embedded.error().name);
      return;
    }
    handle_cip_request(*embedded, depth + 1, state, sink);
  } else if (request->service == service::kMultipleServicePacket) {
    const auto packed = for_each_packed_service(request->data, [&](Bytes embedded) {
      handle_cip_request(embedded, depth + 1, state, sink);
    });
    if (!packed) {
      sink.anomaly(packed.error().name);
    }
  }
}

/// Handles one complete message whose command data is `data`. `from_client` is false for
/// datagrams that answer (ListIdentity responses carry data, requests none).
void handle_message(const Header& header, Bytes data, bool from_client, ReportedState* state,
                    ObservationSink& sink) {
  switch (header.command) {
    case command::kListIdentity:
      if (!data.empty()) {
        if (const auto identity = parse_list_identity(data); !identity) {
          sink.anomaly(identity.error().name);
        } else if (identity->has_value()) {
          report_identity(**identity, sink);
        }
      } else if (from_client) {
        report_function("enip list-identity", kKeyListIdentity, state, sink);
      }
      return;
    case command::kListServices:
      if (from_client && data.empty()) {
        report_function("enip list-services", kKeyListServices, state, sink);
      }
      return;
    case command::kListInterfaces:
      if (from_client && data.empty()) {
        report_function("enip list-interfaces", kKeyListInterfaces, state, sink);
      }
      return;
    case command::kRegisterSession:
      if (from_client) {
        report_function("enip register-session", kKeyRegisterSession, state, sink);
      }
      return;
    case command::kSendRrData:
    case command::kSendUnitData:
      if (from_client) {
        const auto message = extract_cip_message(header.command, data);
        if (!message) {
          sink.anomaly(message.error().name);
        } else if (message->has_value()) {
          handle_cip_request(**message, 0, state, sink);
        }
      }
      return;
    default:
      return;
  }
}

/// True when the analyzer reads the command data of this message; others are skipped unseen.
bool wants(const Header& header, Direction dir) {
  if (header.length > kMaxReadLength) {
    return false;
  }
  if (dir == Direction::ToClient) {
    return header.command == command::kListIdentity;
  }
  return header.command == command::kListIdentity || header.command == command::kListServices ||
         header.command == command::kListInterfaces ||
         header.command == command::kRegisterSession || header.command == command::kSendRrData ||
         header.command == command::kSendUnitData;
}

}  // namespace

Result<std::size_t> EnipAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  const auto side = static_cast<std::size_t>(dir);
  std::size_t offset = 0;
  for (std::size_t message_idx = 0; message_idx < kMaxMessagesPerCall && offset < bytes.size();
       ++message_idx) {
    const Bytes rest = bytes.subspan(offset);
    const auto header = parse_header(rest);
    if (!header) {
      break;  // fewer than 24 bytes
    }
    const std::size_t size = kHeaderLength + header->length;
    if (!is_known_command(header->command)) {
      sink.anomaly("enip.unknown_command");
    } else if (!protocol_reported_.at(side)) {
      protocol_reported_.at(side) = true;
      observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
    }
    if (!wants(*header, dir)) {
      offset += size;  // may pass the end of `bytes`: the flow skips the rest unseen
      continue;
    }
    if (rest.size() < size) {
      break;
    }
    handle_message(*header, rest.subspan(kHeaderLength, header->length), dir == Direction::ToServer,
                   &reported_, sink);
    offset += size;
  }
  if (offset == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "enip.message_incomplete");
  }
  return offset;
}

std::unique_ptr<StreamAnalyzer> make_enip_analyzer() {
  return std::make_unique<EnipAnalyzer>();
}

void analyze_enip(const decode::Packet& packet, ObservationSink& sink) {
  const auto header = parse_header(packet.payload);
  if (!header || packet.payload.size() < kHeaderLength + header->length) {
    sink.anomaly("enip.truncated");
    return;
  }
  if (!is_known_command(header->command)) {
    sink.anomaly("enip.unknown_command");
    return;
  }
  observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
  const Bytes data = packet.payload.subspan(kHeaderLength, header->length);
  // Over UDP only discovery commands are expected; a request carries no command data.
  handle_message(*header, data, data.empty(), nullptr, sink);
}

}  // namespace warden::proto::enip
