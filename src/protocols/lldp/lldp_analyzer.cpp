// SPDX-License-Identifier: Apache-2.0
#include "protocols/lldp/lldp_analyzer.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "protocols/lldp/cdp_parser.hpp"
#include "protocols/lldp/lldp_parser.hpp"

namespace warden::proto::lldp {
namespace {

constexpr std::string_view kLldp = "lldp";
constexpr std::string_view kCdp = "cdp";
constexpr std::size_t kMacLength = 6;

void observe(ObservationSink& sink, Attr attr, std::string_view value, std::string_view protocol) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, protocol});
  }
}

/// An IP address from an IANA address family and its bytes.
std::optional<IpAddress> ip_from_family(std::uint8_t address_family, Bytes address) {
  if (address_family == family::kIpv4 && address.size() == 4) {
    return IpAddress::v4(address);
  }
  if (address_family == family::kIpv6 && address.size() == 16) {
    return IpAddress::v6(address);
  }
  return std::nullopt;
}

/// Reports an advertised management address and binds it to the sender.
void observe_ip(ObservationSink& sink, const IpAddress& ip, std::string_view protocol) {
  if (!ip.is_assignable()) {
    return;  // 0.0.0.0 from unconfigured switches, multicast, loopback
  }
  const std::string text = ip.to_string();
  observe(sink, Attr::LldpManagementAddress, text, protocol);
  observe(sink, ip.is_v4() ? Attr::Ipv4 : Attr::Ipv6, text, protocol);
}

/// A port ID as text: MAC and network-address subtypes are rendered, the others are strings.
std::string port_id_text(const Identifier& port) {
  ByteReader reader(port.id);
  switch (static_cast<PortIdSubtype>(port.subtype)) {
    case PortIdSubtype::MacAddress:
      return port.id.size() == kMacLength ? MacAddress::from_bytes(port.id).to_string()
                                          : std::string();
    case PortIdSubtype::NetworkAddress: {
      const std::uint8_t address_family = reader.read_u8().value_or(0);
      const auto ip = ip_from_family(address_family, reader.rest());
      return ip ? ip->to_string() : std::string();
    }
    default:
      return std::string(as_chars(port.id));
  }
}

}  // namespace

void analyze_lldp(const decode::Packet& packet, ObservationSink& sink) {
  const auto pdu = parse_lldpdu(packet.l2_payload);
  if (!pdu) {
    sink.anomaly(pdu.error().name);
    return;
  }
  observe(sink, Attr::Protocol, kLldp, kLldp);
  observe(sink, Attr::LldpSystemName, pdu->system_name, kLldp);
  observe(sink, Attr::LldpSystemDescription, pdu->system_description, kLldp);
  if (pdu->has_capabilities) {
    observe(sink, Attr::LldpCapabilities, capability_names(pdu->enabled_capabilities), kLldp);
  }
  observe(sink, Attr::LldpPortId,
          pdu->port_description.empty() ? port_id_text(pdu->port_id)
                                        : std::string(pdu->port_description),
          kLldp);
  for (std::size_t addr_idx = 0; addr_idx < pdu->management_address_count; ++addr_idx) {
    const ManagementAddress& address = pdu->management_addresses.at(addr_idx);
    if (const auto ip = ip_from_family(address.family, address.address)) {
      observe_ip(sink, *ip, kLldp);
    } else if (address.family == family::kMac && address.address.size() == kMacLength) {
      observe(sink, Attr::LldpManagementAddress,
              MacAddress::from_bytes(address.address).to_string(), kLldp);
    }
  }
}

void analyze_cdp(const decode::Packet& packet, ObservationSink& sink) {
  const auto cdp = parse_cdp(packet.l2_payload);
  if (!cdp) {
    sink.anomaly(cdp.error().name);
    return;
  }
  observe(sink, Attr::Protocol, kCdp, kCdp);
  observe(sink, Attr::LldpSystemName, cdp->device_id, kCdp);
  observe(sink, Attr::LldpSystemDescription, cdp->software_version, kCdp);
  observe(sink, Attr::LldpPlatform, cdp->platform, kCdp);
  if (cdp->has_capabilities) {
    observe(sink, Attr::LldpCapabilities, cdp_capability_names(cdp->capabilities), kCdp);
  }
  observe(sink, Attr::LldpPortId, cdp->port_id, kCdp);
  for (std::size_t addr_idx = 0; addr_idx < cdp->address_count; ++addr_idx) {
    if (const auto ip = cdp_ip_address(cdp->addresses.at(addr_idx))) {
      observe_ip(sink, *ip, kCdp);
    }
  }
}

}  // namespace warden::proto::lldp
