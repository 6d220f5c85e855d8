// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/assess.hpp"
#include "engine/engine.hpp"

namespace warden::app {

struct AnalyzeOptions {
  std::vector<std::string> inputs;  ///< files or directories
  std::string interface;            ///< live capture when set
  std::string bpf_filter;
  std::optional<unsigned> duration_seconds;
  /// Live capture: store, identify, detect and deliver every this many seconds, not only at the
  /// end.
  std::optional<unsigned> interval_seconds;
  std::string database = "warden.db";
  std::string drop_user = "nobody";  ///< live capture as root: switch to this user after opening
  engine::EngineConfig engine;
  std::string output_format = "table";
  bool quiet = false;    ///< no inventory printout
  bool progress = true;  ///< progress bar when stderr is a terminal
  std::vector<std::string> oui_directories;
  RuleSources rules;                     ///< identification rules beyond the built-in ones
  std::vector<std::string> intel_files;  ///< threat-intelligence lists (text, CSV, STIX 2.1)
  bool learn = false;                    ///< this run builds the behaviour baseline
  std::vector<std::uint16_t> expected_external_ports = {53, 80, 123, 443};
  std::uint64_t exfil_mb = 50;
  double exfil_factor = 10;  ///< times a device's learned outbound volume (at least 1 MiB)
  std::string policy_file;   ///< segmentation policy (docs/policy.md) checked on every flow
  std::string outputs_file;  ///< SIEM outputs (docs/siem.md): alerts, findings, new devices  ///<
                             ///< bytes a device may send to the internet in a run, in MiB
};

/// Runs `warden analyze`; returns the process exit code.
int run_analyze(const AnalyzeOptions& options);

}  // namespace warden::app
