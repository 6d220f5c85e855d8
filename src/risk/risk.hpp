// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "inventory/device.hpp"

namespace warden::risk {

/// One kind of finding: what it is, how bad, how to fix it, which controls it bears on.
struct FindingKind {
  std::string_view id;  ///< stable: "WARDEN-RISK-TELNET"
  std::string_view title;
  std::string_view severity;  ///< critical, high, medium, low, info
  int points;                 ///< added to the risk score, once per device
  std::string_view remediation;
  std::span<const std::string_view> controls;
};

/// Every kind of finding Warden raises (docs/risk.md lists them).
std::span<const FindingKind> finding_kinds();
/// The kind with this id, or nullptr.
const FindingKind* find_kind(std::string_view id);

/// Points per severity: critical 40, high 25, medium 10, low 3, info 0.
int severity_points(std::string_view severity);
/// Orders severities: critical 4 .. info 0, unknown -1.
int severity_rank(std::string_view severity);

/// Ports of debug and remote-administration services that should not be open on an IoT or OT
/// device: adb 5555, VNC 5900-5901, RDP 3389, Winbox 8291, Webmin 10000, X11 6000, Redis 6379,
/// Docker 2375, Telnet-alt 2323, ubiquiti discovery 10001 (TCP), Android/Amlogic debug 4444.
std::span<const std::uint16_t> debug_ports();

/// Evaluates `device` (its attributes and identity) into findings, highest severity first, and
/// its risk score: the sum of the findings' points, capped at 100. Pure: same device, same
/// findings.
void assess(inventory::Device& device);

}  // namespace warden::risk
