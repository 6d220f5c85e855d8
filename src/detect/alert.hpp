// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace warden::detect {

/// One alert: a detection about one or two devices. Repeats share `id` and are aggregated
/// (count, first and last time), never duplicated.
struct Alert {
  std::string id;         ///< stable: "<rule id>:<subject>", e.g. "WARDEN-DET-PORT-SCAN:10.0.0.9"
  std::string rule_id;    ///< "WARDEN-DET-MIRAI-SCAN"
  std::string rule_name;  ///< "Mirai-style telnet scanning"
  std::string severity;   ///< critical, high, medium, low
  std::vector<std::string> techniques;  ///< MITRE ATT&CK / ATT&CK for ICS ids
  std::string device_key;               ///< the device it is about ("" when not a device)
  std::string source_ip;
  std::string source_mac;
  std::string destination_ip;
  std::uint16_t destination_port = 0;
  std::string transport;  ///< "tcp", "udp", ""
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t count = 1;
  std::string message;                                 ///< one sentence
  nlohmann::json evidence = nlohmann::json::object();  ///< rule-specific figures
  nlohmann::json device = nlohmann::json::object();    ///< identity: vendor, type, model, ...
};

}  // namespace warden::detect
