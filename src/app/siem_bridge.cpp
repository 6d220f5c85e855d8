// SPDX-License-Identifier: Apache-2.0
#include "app/siem_bridge.hpp"

#include <string>

namespace warden::app {
namespace {

std::string first_address(const inventory::Device& device) {
  for (const inventory::AttributeValue& value : device.attributes) {
    if (value.attr == proto::Attr::Ipv4) {
      return value.value;
    }
  }
  for (const inventory::AttributeValue& value : device.attributes) {
    if (value.attr == proto::Attr::Ipv6) {
      return value.value;
    }
  }
  return device.key_ip ? device.key_ip->to_string() : std::string();
}

nlohmann::json identity(const inventory::Device& device) {
  nlohmann::json out = {{"key", device.key}, {"risk_score", device.risk_score}};
  for (const inventory::IdentityField& field : device.identity) {
    out[field.field] = field.value;
  }
  return out;
}

}  // namespace

siem::Event alert_event(const detect::Alert& alert) {
  siem::Event event;
  event.kind = siem::Event::Kind::Alert;
  event.timestamp_us = alert.last_us;
  event.id = alert.id;
  event.rule_id = alert.rule_id;
  event.rule_name = alert.rule_name;
  event.severity = alert.severity;
  event.message = alert.message;
  event.source_ip = alert.source_ip;
  event.source_mac = alert.source_mac;
  event.destination_ip = alert.destination_ip;
  event.destination_port = alert.destination_port;
  event.transport = alert.transport;
  event.techniques = alert.techniques;
  event.count = alert.count;
  event.warden = {{"device", alert.device},
                  {"evidence", alert.evidence},
                  {"first_seen_us", alert.first_us},
                  {"last_seen_us", alert.last_us}};
  return event;
}

siem::Event finding_event(const inventory::Device& device, const inventory::Finding& finding) {
  siem::Event event;
  event.kind = siem::Event::Kind::Finding;
  event.timestamp_us = finding.last_us;
  event.id = finding.id + ":" + device.key;
  event.rule_id = finding.id;
  event.rule_name = finding.title;
  event.severity = finding.severity;
  event.message = finding.title + ": " + finding.evidence;
  event.source_ip = first_address(device);
  event.source_mac = device.mac ? device.mac->to_string() : std::string();
  event.count = finding.count;
  event.warden = {{"device", identity(device)},
                  {"evidence", finding.evidence},
                  {"remediation", finding.remediation},
                  {"controls", finding.controls},
                  {"points", finding.points}};
  return event;
}

siem::Event new_device_event(const inventory::Device& device) {
  siem::Event event;
  event.kind = siem::Event::Kind::InventoryChange;
  event.timestamp_us = device.first_us;
  event.id = "WARDEN-INV-NEW:" + device.key;
  event.rule_id = "WARDEN-INV-NEW";
  event.rule_name = "Device added to the inventory";
  event.severity = "info";
  const inventory::IdentityField* type = device.identity_field("type");
  event.message = "new device " + device.key +
                  (type != nullptr && type->value != "unknown" ? " (" + type->value + ")" : "");
  event.source_ip = first_address(device);
  event.source_mac = device.mac ? device.mac->to_string() : std::string();
  event.warden = {{"device", identity(device)}};
  return event;
}

}  // namespace warden::app
