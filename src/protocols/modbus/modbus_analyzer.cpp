// SPDX-License-Identifier: Apache-2.0
#include "protocols/modbus/modbus_analyzer.hpp"

#include <string>
#include <string_view>

#include "core/text.hpp"

namespace warden::proto::modbus {
namespace {

constexpr std::string_view kProtocol = "modbus";

void observe(ObservationSink& sink, const Subject& subject, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, kProtocol});
  }
}

/// "modbus <name>" or "modbus function-<n>".
std::string describe_function(std::uint8_t function) {
  std::string text = "modbus ";
  const std::string_view name = function_name(function);
  if (name.empty()) {
    text += "function-";
    text += std::to_string(function);
  } else {
    text += name;
  }
  return text;
}

/// "modbus umas <name>" or "modbus umas function-0x<hex>".
std::string describe_umas(std::uint8_t umas_function) {
  std::string text = "modbus umas ";
  const std::string_view name = umas_function_name(umas_function);
  if (name.empty()) {
    const std::array<std::uint8_t, 1> raw = {umas_function};
    text += "function-0x";
    text += to_hex(raw);
  } else {
    text += name;
  }
  return text;
}

}  // namespace

Result<std::size_t> ModbusAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  const auto side = static_cast<std::size_t>(dir);
  std::size_t offset = 0;
  for (std::size_t adu_idx = 0; adu_idx < kMaxAdusPerCall && offset < bytes.size(); ++adu_idx) {
    const auto adu = parse_adu(bytes.subspan(offset));
    if (!adu) {
      if (adu.error().code == ParseErrorCode::Incomplete) {
        break;
      }
      return tl::unexpected(adu.error());
    }
    offset += adu->size();
    if (adu->header.length > kMaxSpecLength && !oversize_reported_.at(side)) {
      oversize_reported_.at(side) = true;
      sink.anomaly("modbus.oversized_adu");
    }
    if (!protocol_reported_.at(side)) {
      protocol_reported_.at(side) = true;
      observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
    }
    if (dir == Direction::ToServer) {
      on_request(*adu, sink);
    } else {
      on_response(*adu, sink);
    }
  }
  if (offset == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "modbus.adu_incomplete");
  }
  return offset;
}

void ModbusAnalyzer::on_request(const Adu& adu, ObservationSink& sink) {
  if (!seen_units_.test(adu.header.unit_id)) {
    seen_units_.set(adu.header.unit_id);
    observe(sink, Subject::receiver(), Attr::IcsAddress,
            "modbus unit " + std::to_string(adu.header.unit_id));
  }
  const std::uint8_t function = adu.function;
  ByteReader data(adu.data);
  if (function == function::kUmas) {
    // UMAS PDU: session (pairing) key, then the UMAS function code.
    const auto head = data.read_bytes(2);
    if (!head) {
      return;
    }
    const std::uint8_t umas = (*head)[1];
    if (!seen_umas_.test(umas)) {
      seen_umas_.set(umas);
      const std::string text = describe_umas(umas);
      observe(sink, Subject::sender(), Attr::IcsFunction, text);
      if (is_umas_control(umas)) {
        observe(sink, Subject::receiver(), Attr::IcsControl, text);
      }
    }
    return;
  }
  if (function == function::kEncapsulatedInterface) {
    const auto mei = data.read_u8();
    if (mei && *mei == kMeiReadDeviceId) {
      if (!seen_functions_.test(function)) {
        seen_functions_.set(function);
        observe(sink, Subject::sender(), Attr::IcsFunction, "modbus read-device-identification");
      }
      return;
    }
  }
  if (function == function::kDiagnostics) {
    const auto sub = data.read_u16_be();
    if (sub && (*sub == kDiagRestartCommunications || *sub == kDiagForceListenOnly) &&
        !seen_diag_controls_.test(*sub)) {
      seen_diag_controls_.set(*sub);
      observe(sink, Subject::receiver(), Attr::IcsControl,
              *sub == kDiagForceListenOnly ? "modbus force-listen-only"
                                           : "modbus restart-communications");
    }
  }
  if (seen_functions_.test(function)) {
    return;
  }
  seen_functions_.set(function);
  const std::string text = describe_function(function);
  observe(sink, Subject::sender(), Attr::IcsFunction, text);
  if (is_write_function(function)) {
    observe(sink, Subject::receiver(), Attr::IcsControl, text);
  }
}

void ModbusAnalyzer::on_response(const Adu& adu, ObservationSink& sink) {
  if (adu.function != function::kEncapsulatedInterface || adu.data.empty() ||
      adu.data[0] != kMeiReadDeviceId) {
    return;  // exception responses (function | 0x80) and other answers carry no identity
  }
  const auto ident = parse_device_identification(adu.data);
  if (!ident) {
    sink.anomaly(ident.error().name);
    return;
  }
  for (std::size_t object_idx = 0; object_idx < ident->object_count; ++object_idx) {
    const DeviceIdObject& item = ident->objects.at(object_idx);
    switch (item.id) {
      case object::kVendorName:
        observe(sink, Subject::sender(), Attr::IcsVendor, trim(item.value));
        break;
      case object::kProductCode:
      case object::kProductName:
      case object::kModelName:
        observe(sink, Subject::sender(), Attr::IcsProduct, trim(item.value));
        break;
      case object::kMajorMinorRevision:
        observe(sink, Subject::sender(), Attr::IcsRevision, trim(item.value));
        break;
      default:
        break;  // vendor URL, user application name, extended objects
    }
  }
}

std::unique_ptr<StreamAnalyzer> make_modbus_analyzer() {
  return std::make_unique<ModbusAnalyzer>();
}

}  // namespace warden::proto::modbus
