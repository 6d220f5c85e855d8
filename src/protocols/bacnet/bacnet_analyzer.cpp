// SPDX-License-Identifier: Apache-2.0
#include "protocols/bacnet/bacnet_analyzer.hpp"

#include <string>
#include <string_view>

#include "core/text.hpp"
#include "protocols/bacnet/bacnet_parser.hpp"

namespace warden::proto::bacnet {
namespace {

constexpr std::string_view kProtocol = "bacnet";
/// Device instance 4194303 is the wildcard a client uses to ask "whoever you are".
constexpr std::uint32_t kWildcardInstance = 0x3FFFFF;

void observe(ObservationSink& sink, const Subject& subject, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, kProtocol});
  }
}

void report_device(const Subject& device, std::uint32_t instance, ObservationSink& sink) {
  if (instance != kWildcardInstance) {
    observe(sink, device, Attr::IcsAddress, "bacnet device " + std::to_string(instance));
  }
}

void report_vendor_id(const Subject& device, std::uint32_t vendor_id, ObservationSink& sink) {
  observe(sink, device, Attr::IcsVendorId, std::to_string(vendor_id));
  observe(sink, device, Attr::IcsVendor, vendor_name(vendor_id));
}

void report_property(const Subject& device, const ReadPropertyAck& ack, ObservationSink& sink) {
  if (ack.object.type != kObjectDevice) {
    return;  // names and values of points, not of the device
  }
  report_device(device, ack.object.instance, sink);
  const Value& value = ack.value;
  const std::string_view text = value.kind == Value::Kind::Text ? trim(value.as_text()) : "";
  switch (ack.property) {
    case property::kObjectIdentifier:
      if (value.kind == Value::Kind::ObjectId && value.object.type == kObjectDevice) {
        report_device(device, value.object.instance, sink);
      }
      break;
    case property::kObjectName:
      observe(sink, device, Attr::IcsObjectName, text);
      break;
    case property::kModelName:
      observe(sink, device, Attr::IcsProduct, text);
      break;
    case property::kFirmwareRevision:
    case property::kApplicationSoftwareVersion:
      observe(sink, device, Attr::IcsRevision, text);
      break;
    case property::kVendorName:
      observe(sink, device, Attr::IcsVendor, text);
      break;
    case property::kVendorIdentifier:
      if (value.kind == Value::Kind::Unsigned) {
        report_vendor_id(device, value.number, sink);
      }
      break;
    default:
      break;
  }
}

void report_confirmed_request(const Apdu& apdu, ObservationSink& sink) {
  const std::string_view name = confirmed_service_name(apdu.service);
  const std::string text = name.empty() ? "bacnet service-" + std::to_string(apdu.service)
                                        : "bacnet " + std::string(name);
  observe(sink, Subject::sender(), Attr::IcsFunction, text);
  if (is_control_service(apdu.service)) {
    observe(sink, Subject::receiver(), Attr::IcsControl, text);
  }
}

}  // namespace

void analyze_bacnet(const decode::Packet& packet, ObservationSink& sink) {
  const auto datagram = parse_datagram(packet.payload);
  if (!datagram) {
    sink.anomaly(datagram.error().name);
    return;
  }
  // A BBMD's Forwarded-NPDU names the device that originally sent the broadcast.
  const Subject device = datagram->forwarded_from
                             ? Subject::by_ip(IpAddress::v4(*datagram->forwarded_from))
                             : Subject::sender();
  observe(sink, device, Attr::Protocol, kProtocol);
  if (!datagram->has_npdu || datagram->network_message) {
    return;
  }
  const auto apdu = parse_apdu(datagram->apdu);
  if (!apdu) {
    sink.anomaly(apdu.error().name);
    return;
  }
  switch (apdu->type) {
    case PduType::UnconfirmedRequest:
      if (apdu->service == unconfirmed::kIAm) {
        const auto i_am = parse_i_am(apdu->body);
        if (!i_am) {
          sink.anomaly(i_am.error().name);
          return;
        }
        if (i_am->device.type == kObjectDevice) {
          report_device(device, i_am->device.instance, sink);
        }
        report_vendor_id(device, i_am->vendor_id, sink);
      } else if (apdu->service == unconfirmed::kWhoIs || apdu->service == unconfirmed::kWhoHas) {
        observe(sink, device, Attr::IcsFunction,
                "bacnet " + std::string(unconfirmed_service_name(apdu->service)));
      }
      return;
    case PduType::ConfirmedRequest:
      report_confirmed_request(*apdu, sink);
      return;
    case PduType::ComplexAck:
      if (apdu->segmented) {
        return;  // a segment of a longer answer: its values may be cut anywhere
      }
      if (apdu->service == confirmed::kReadProperty) {
        const auto ack = parse_read_property_ack(apdu->body);
        if (!ack) {
          sink.anomaly(ack.error().name);
          return;
        }
        report_property(device, *ack, sink);
      } else if (apdu->service == confirmed::kReadPropertyMultiple) {
        // What parsed before a malformed part is reported too.
        const auto read = parse_read_property_multiple_ack(
            apdu->body, [&](const ReadPropertyAck& ack) { report_property(device, ack, sink); });
        if (!read) {
          sink.anomaly(read.error().name);
        }
      }
      return;
    default:
      return;
  }
}

}  // namespace warden::proto::bacnet
