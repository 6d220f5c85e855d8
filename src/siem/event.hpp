// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace warden::siem {

/// One thing Warden tells a SIEM: an alert, a risk finding or an inventory change. Every formatter
/// and every output takes this; fields left empty (or 0) are absent from the output.
struct Event {
  enum class Kind : std::uint8_t { Alert, Finding, InventoryChange };
  Kind kind = Kind::Alert;
  std::int64_t timestamp_us = 0;  ///< when it happened (capture time), microseconds since epoch
  std::string id;                 ///< stable id of this alert/finding instance (dedup key)
  std::string rule_id;            ///< "WARDEN-DET-MIRAI-SCAN"
  std::string rule_name;          ///< "Mirai-style telnet scanning"
  std::string severity;           ///< "critical", "high", "medium", "low", "info"
  std::string message;            ///< one human sentence
  std::string source_ip;          ///< "" when absent
  std::string source_mac;         ///< any of aa:bb:cc:dd:ee:ff, AA-BB-..., "" when absent
  std::string destination_ip;     ///< "" when absent
  std::uint16_t destination_port = 0;   ///< 0 = absent
  std::string transport;                ///< "tcp"/"udp"/""
  std::vector<std::string> techniques;  ///< MITRE ATT&CK "T1110.001", ATT&CK for ICS "T0855"
  std::uint64_t count = 1;              ///< occurrences aggregated into this event
  nlohmann::json warden = nlohmann::json::object();  ///< Warden's own fields (device, evidence)
};

}  // namespace warden::siem
