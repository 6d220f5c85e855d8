// SPDX-License-Identifier: Apache-2.0
#include "protocols/s7comm/s7comm_analyzer.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "core/text.hpp"

namespace warden::proto::s7comm {
namespace {

constexpr std::string_view kProtocol = "s7comm";
constexpr std::string_view kProtocolPlus = "s7comm-plus";

// Keys of reported_: job functions 0..255, then the fixed values below, then userdata functions.
constexpr std::size_t kKeyControlWrite = 256;
constexpr std::size_t kKeyControlDownload = 257;
constexpr std::size_t kKeyControlPlc = 258;
constexpr std::size_t kKeyControlStop = 259;
constexpr std::size_t kKeyTsap = 260;
constexpr std::size_t kKeyPlusFunction = 261;
constexpr std::size_t kKeyPiService = 263;  // .. kKeyPiService + kMaxPiServices - 1
constexpr std::size_t kMaxPiServices = 8;
constexpr std::size_t kKeyUserdata = 272;  // + group * 16 + subfunction
constexpr std::size_t kKeySzl = 528;       // + extract number (id bits 8..11) * 2 + (list 0x1C)

constexpr std::uint8_t kJobWriteVar = 0x05;
constexpr std::uint8_t kJobRequestDownload = 0x1A;
constexpr std::uint8_t kJobDownloadBlock = 0x1B;
constexpr std::uint8_t kJobPlcControl = 0x28;
constexpr std::uint8_t kJobPlcStop = 0x29;
constexpr std::uint8_t kSubfunctionReadSzl = 1;

void observe(ObservationSink& sink, Subject subject, Attr attr, std::string_view value,
             std::string_view protocol = kProtocol) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, protocol});
  }
}

/// PI service names are short identifiers ("_INSE", "P_PROGRAM"); anything else is not shown.
bool is_pi_name(std::string_view name) {
  if (name.empty() || name.size() > 16) {
    return false;
  }
  for (const char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool S7commAnalyzer::first_time(std::size_t key) {
  if (key >= reported_.size() || reported_.test(key)) {
    return false;
  }
  reported_.set(key);
  return true;
}

Result<std::size_t> S7commAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  std::size_t offset = 0;
  for (std::size_t pdu_idx = 0; pdu_idx < kMaxPdusPerCall && offset < bytes.size() && !done_;
       ++pdu_idx) {
    const Bytes rest = bytes.subspan(offset);
    const auto header = parse_tpkt_header(rest);
    if (!header) {
      if (header.error().code == ParseErrorCode::Incomplete) {
        break;
      }
      side(dir).szl = {};
      return tl::unexpected(header.error());
    }
    if (rest.size() < header->length) {
      break;
    }
    handle_tpkt(dir, rest.subspan(kTpktHeaderLength, header->length - kTpktHeaderLength), sink);
    offset += header->length;
  }
  if (done_) {
    return bytes.size();
  }
  if (offset == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "s7comm.incomplete");
  }
  return offset;
}

void S7commAnalyzer::handle_tpkt(Direction dir, Bytes payload, ObservationSink& sink) {
  const auto cotp = parse_cotp(payload);
  if (!cotp) {
    sink.anomaly(cotp.error().name);
    return;
  }
  if (cotp->type == CotpType::ConnectionRequest && dir == Direction::ToServer) {
    called_tsap_length_ = std::min(cotp->called_tsap.size(), called_tsap_.size());
    std::copy_n(cotp->called_tsap.begin(), called_tsap_length_, called_tsap_.begin());
    return;
  }
  if (cotp->type != CotpType::Data || cotp->payload.empty()) {
    return;
  }
  Side& state = side(dir);
  const bool continuation = state.mid_pdu;
  state.mid_pdu = !cotp->last_data_unit;
  if (continuation) {
    return;  // the rest of a COTP-segmented PDU; only whole PDUs are parsed
  }
  const std::uint8_t protocol_id = cotp->payload[0];
  if (protocol_id == kProtocolIdS7Plus || protocol_id == kProtocolIdS7) {
    report_tsap(dir, protocol_id == kProtocolIdS7Plus ? kProtocolPlus : kProtocol, sink);
  }
  if (protocol_id == kProtocolIdS7Plus) {
    if (!state.announced) {
      state.announced = true;
      observe(sink, Subject::sender(), Attr::Protocol, kProtocolPlus, kProtocolPlus);
    }
    if (dir == Direction::ToServer && first_time(kKeyPlusFunction)) {
      observe(sink, Subject::sender(), Attr::IcsFunction, kProtocolPlus, kProtocolPlus);
    }
    return;
  }
  if (protocol_id != kProtocolIdS7) {
    done_ = true;  // another protocol over COTP (MMS, ICCP): not ours
    return;
  }
  if (!cotp->last_data_unit) {
    if (!state.announced) {
      state.announced = true;
      observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
    }
    return;  // the PDU continues in the next DT; its lengths cannot be checked here
  }
  handle_s7(dir, cotp->payload, sink);
}

void S7commAnalyzer::report_tsap(Direction dir, std::string_view protocol, ObservationSink& sink) {
  if (called_tsap_length_ == 0 || !first_time(kKeyTsap)) {
    return;
  }
  const std::string value = "s7 tsap " + to_hex(Bytes(called_tsap_).first(called_tsap_length_));
  // The CR went from client to server: the called TSAP addresses the server.
  observe(sink, dir == Direction::ToServer ? Subject::receiver() : Subject::sender(),
          Attr::IcsAddress, value, protocol);
}

void S7commAnalyzer::handle_s7(Direction dir, Bytes payload, ObservationSink& sink) {
  const auto pdu = parse_s7_pdu(payload);
  if (!pdu) {
    sink.anomaly(pdu.error().name);
    return;
  }
  Side& state = side(dir);
  if (!state.announced) {
    state.announced = true;
    observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
  }
  switch (static_cast<Rosctr>(pdu->rosctr)) {
    case Rosctr::Job:
      handle_job(*pdu, sink);
      break;
    case Rosctr::Userdata:
      handle_userdata(dir, *pdu, sink);
      break;
    default:
      break;
  }
}

void S7commAnalyzer::handle_job(const S7Pdu& pdu, ObservationSink& sink) {
  if (pdu.parameter.empty()) {
    return;
  }
  const std::uint8_t function = pdu.parameter[0];
  const std::string_view name = job_function_name(function);
  if (name.empty()) {
    return;
  }
  if (first_time(function)) {
    observe(sink, Subject::sender(), Attr::IcsFunction, std::string("s7 ").append(name));
  }
  switch (function) {
    case kJobWriteVar:
      if (first_time(kKeyControlWrite)) {
        observe(sink, Subject::receiver(), Attr::IcsControl, "s7 write-var");
      }
      break;
    case kJobRequestDownload:
    case kJobDownloadBlock:
      if (first_time(kKeyControlDownload)) {
        observe(sink, Subject::receiver(), Attr::IcsControl, "s7 download");
      }
      break;
    case kJobPlcControl:
    case kJobPlcStop: {
      if (first_time(function == kJobPlcStop ? kKeyControlStop : kKeyControlPlc)) {
        observe(sink, Subject::receiver(), Attr::IcsControl, std::string("s7 ").append(name));
      }
      const auto service = parse_pi_service(pdu.parameter);
      if (!service) {
        sink.anomaly(service.error().name);
        break;
      }
      if (!is_pi_name(*service)) {
        break;
      }
      // A few distinct names per flow, told apart by a cheap hash of the name.
      std::size_t hash = service->size();
      for (const char c : *service) {
        hash = hash * 31 + static_cast<unsigned char>(c);
      }
      if (first_time(kKeyPiService + hash % kMaxPiServices)) {
        observe(sink, Subject::sender(), Attr::IcsFunction,
                std::string("s7 pi-service ").append(*service));
      }
      break;
    }
    default:
      break;
  }
}

void S7commAnalyzer::handle_userdata(Direction dir, const S7Pdu& pdu, ObservationSink& sink) {
  const auto param = parse_userdata_parameter(pdu.parameter);
  if (!param) {
    sink.anomaly(param.error().name);
    return;
  }
  if (param->type == kUserdataRequest) {
    const std::string_view name = userdata_function_name(param->function_group, param->subfunction);
    if (!name.empty() && first_time(kKeyUserdata + std::size_t{param->function_group} * 16 +
                                    (param->subfunction & 0x0FU))) {
      observe(sink, Subject::sender(), Attr::IcsFunction, std::string("s7 ").append(name));
    }
    return;
  }
  if (param->type != kUserdataResponse || param->function_group != group::kCpu ||
      param->subfunction != kSubfunctionReadSzl) {
    return;
  }
  const auto data = parse_userdata_data(pdu.data);
  if (!data || data->return_code != kReturnSuccess) {
    return;
  }
  Side& state = side(dir);
  if (!state.collecting_szl && param->last_data_unit) {
    report_identity(data->value, sink);  // the common case: the whole list in one PDU
    return;
  }
  if (!state.collecting_szl) {
    state.szl.clear();
    state.collecting_szl = true;
  }
  if (state.szl.size() + data->value.size() > kMaxSzlBytes) {
    sink.anomaly("s7comm.szl_too_long");
    state.szl = {};
    state.collecting_szl = false;
    return;
  }
  state.szl.insert(state.szl.end(), data->value.begin(), data->value.end());
  if (param->last_data_unit) {
    report_identity(state.szl, sink);
    state.szl = {};
    state.collecting_szl = false;
  }
}

void S7commAnalyzer::report_identity(Bytes szl_value, ObservationSink& sink) {
  const auto szl = parse_szl(szl_value);
  if (!szl) {
    sink.anomaly(szl.error().name);
    return;
  }
  // Each list (0x0011, 0x0111, 0x001C, ...) once per flow: engineering tools re-read them often.
  const std::size_t key =
      kKeySzl + std::size_t{(szl->id >> 8) & 0x0FU} * 2 + ((szl->id & 0xFFU) == 0x1C ? 1U : 0U);
  if ((szl->id & 0xFFU) != 0x11 && (szl->id & 0xFFU) != 0x1C) {
    return;
  }
  if (!first_time(key)) {
    return;
  }
  const ModuleIdentity identity = parse_identity(*szl);
  const Subject plc = Subject::sender();
  observe(sink, plc, Attr::IcsProduct, identity.order_number);
  if (identity.firmware) {
    observe(sink, plc, Attr::IcsRevision,
            "V" + std::to_string(identity.firmware->major) + "." +
                std::to_string(identity.firmware->minor) + "." +
                std::to_string(identity.firmware->patch));
  }
  observe(sink, plc, Attr::IcsObjectName,
          identity.module_name.empty() ? identity.system_name : identity.module_name);
  observe(sink, plc, Attr::IcsSerial, identity.serial);
  observe(sink, plc, Attr::IcsProduct, identity.type_name);
  if (ifind(identity.copyright, "siemens") != std::string_view::npos) {
    observe(sink, plc, Attr::IcsVendor, "Siemens");
  }
}

std::unique_ptr<StreamAnalyzer> make_s7comm_analyzer() {
  return std::make_unique<S7commAnalyzer>();
}

}  // namespace warden::proto::s7comm
