// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "detect/alert.hpp"
#include "inventory/device.hpp"

namespace warden::exporter {

enum class Format : std::uint8_t { Table, Json, Csv, Ndjson };

/// Parses "table", "json", "csv" or "ndjson".
std::optional<Format> parse_format(std::string_view name);

/// ISO 8601 UTC with microseconds: "2024-05-01T12:00:00.000001Z".
std::string format_time(std::int64_t us);

/// The device object of `warden devices --format json` (schema: docs/formats.md).
nlohmann::json device_to_json(const inventory::Device& device);

/// Every attribute of one device with its evidence (`warden device --format json`).
nlohmann::json device_evidence_to_json(const inventory::Device& device);

/// Writes the device list in `format`.
void write_devices(std::ostream& out, const std::vector<inventory::Device>& devices, Format format);

/// Writes every finding of `devices`, worst first (`warden findings`).
void write_findings(std::ostream& out, const std::vector<inventory::Device>& devices,
                    Format format);

/// Writes alerts as a table for people (`warden alerts`); the SIEM formats are in src/siem.
void write_alerts_table(std::ostream& out, const std::vector<detect::Alert>& alerts);

/// Writes one device with every attribute and its evidence, for people (table) or programs.
void write_device_detail(std::ostream& out, const inventory::Device& device, Format format);

}  // namespace warden::exporter
