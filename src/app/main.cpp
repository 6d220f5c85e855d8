// SPDX-License-Identifier: Apache-2.0
// warden: IoT device inventory, identification, risk and detection from network traffic.
// Subcommands: analyze, devices, device, findings, alerts, policy, quarantine.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <vector>

#include "app/analyze.hpp"
#include "app/exit_codes.hpp"
#include "app/siem_bridge.hpp"
#include "detect/policy_check.hpp"
#include "export/device_format.hpp"
#include "identify/classifier.hpp"
#include "identify/taxonomy.hpp"
#include "policy/export.hpp"
#include "policy/policy.hpp"
#include "risk/risk.hpp"
#include "siem/format.hpp"
#include "storage/database.hpp"

namespace {

using warden::app::kExitDatabase;
using warden::app::kExitNotFound;
using warden::app::kExitOk;
using warden::app::kExitUsage;

/// A device looked up by MAC or IP in an existing database.
struct FoundDevice {
  warden::storage::Database database;
  warden::inventory::Device device;
};

/// Opens `database_path` and finds the device `selector` names; on failure prints why and sets
/// `code` (7 database, 2 bad selector, 5 no such device).
std::optional<FoundDevice> open_device(const std::string& database_path,
                                       const std::string& selector, int& code) {
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    std::cerr << "warden: " << database.error().message << '\n';
    code = kExitDatabase;
    return std::nullopt;
  }
  auto device = database->find_device(selector);
  if (!device) {
    std::cerr << "warden: " << device.error().message << '\n';
    code = kExitUsage;
    return std::nullopt;
  }
  if (!*device) {
    std::cerr << "warden: no device with MAC or IP " << selector << " in " << database_path << '\n';
    code = kExitNotFound;
    return std::nullopt;
  }
  return FoundDevice{std::move(*database), std::move(**device)};
}

/// The output format called `name`, or nullopt after naming the ones there are (`names`).
std::optional<warden::exporter::Format> format_named(const std::string& name, const char* names) {
  auto format = warden::exporter::parse_format(name);
  if (!format) {
    std::cerr << "warden: unknown format '" << name << "' (" << names << ")\n";
  }
  return format;
}

/// Every device of an existing database; nullopt (the reason printed) when it cannot be read.
std::optional<std::vector<warden::inventory::Device>> load_stored_devices(
    const std::string& database_path) {
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    std::cerr << "warden: " << database.error().message << '\n';
    return std::nullopt;
  }
  auto devices = database->load_devices();
  if (!devices) {
    std::cerr << "warden: " << database_path << ": " << devices.error().message << '\n';
    return std::nullopt;
  }
  return std::move(*devices);
}

int run_devices(const std::string& database_path, const std::string& format_name) {
  const auto format = format_named(format_name, "table, json, csv, ndjson");
  if (!format) {
    return kExitUsage;
  }
  auto devices = load_stored_devices(database_path);
  if (!devices) {
    return kExitDatabase;
  }
  warden::exporter::write_devices(std::cout, *devices, *format);
  return kExitOk;
}

int run_device(const std::string& database_path, const std::string& selector,
               const std::string& format_name) {
  const auto format = format_named(format_name, "table, json, ndjson");
  if (!format) {
    return kExitUsage;
  }
  int code = kExitOk;
  auto found = open_device(database_path, selector, code);
  if (!found) {
    return code;
  }
  const warden::inventory::Device& device = found->device;
  warden::exporter::write_device_detail(std::cout, device, *format);
  return kExitOk;
}

int run_findings(const std::string& database_path, const std::string& format_name,
                 const std::string& min_severity) {
  const auto format = format_named(format_name, "table, json, csv, ndjson");
  if (!format) {
    return kExitUsage;
  }
  auto devices = load_stored_devices(database_path);
  if (!devices) {
    return kExitDatabase;
  }
  const int floor = warden::risk::severity_rank(min_severity);
  for (auto& device : *devices) {
    std::erase_if(device.findings, [floor](const warden::inventory::Finding& finding) {
      return warden::risk::severity_rank(finding.severity) < floor;
    });
  }
  warden::exporter::write_findings(std::cout, *devices, *format);
  return kExitOk;
}

/// `warden device <selector> set field=value...` / `unset field...`: pins survive re-analysis.
int run_device_pin(const std::string& database_path, const std::string& selector,
                   const std::vector<std::string>& assignments, bool unset) {
  std::vector<std::pair<std::string, std::optional<std::string>>> changes;
  for (const std::string& assignment : assignments) {
    const std::size_t equals = assignment.find('=');
    std::string field = unset ? assignment : assignment.substr(0, equals);
    if (!unset && (equals == std::string::npos || equals + 1 == assignment.size())) {
      std::cerr << "warden: '" << assignment << "': expected field=value\n";
      return kExitUsage;
    }
    const bool known = std::find(warden::identify::kIdentityFields.begin(),
                                 warden::identify::kIdentityFields.end(),
                                 field) != warden::identify::kIdentityFields.end();
    if (!known) {
      std::cerr << "warden: unknown identity field '" << field
                << "' (vendor, type, model, os, firmware)\n";
      return kExitUsage;
    }
    std::optional<std::string> value;
    if (!unset) {
      value = assignment.substr(equals + 1);
      if (field == "type" && !warden::identify::find_device_type(*value)) {
        std::cerr << "warden: unknown device type '" << *value << "'; one of:";
        for (const auto& type : warden::identify::device_types()) {
          std::cerr << ' ' << type.id;
        }
        std::cerr << '\n';
        return kExitUsage;
      }
    }
    changes.emplace_back(field, value);
  }
  int code = kExitOk;
  auto found = open_device(database_path, selector, code);
  if (!found) {
    return code;
  }
  warden::storage::Database& database = found->database;
  const warden::inventory::Device& device = found->device;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (const auto& [field, value] : changes) {
    if (auto stored = database.set_pin(device.key, field, value, now); !stored) {
      std::cerr << "warden: " << database_path << ": " << stored.error().message << '\n';
      return kExitDatabase;
    }
  }
  // Re-identify now (built-in rules; the next analysis applies any --rules files again) so the
  // pin shows at once, and re-assess risk, which depends on the type.
  auto pins = database.load_pins(device.key);
  if (!pins) {
    std::cerr << "warden: " << database_path << ": " << pins.error().message << '\n';
    return kExitDatabase;
  }
  std::vector<warden::inventory::Device> changed = {device};
  const auto previous = changed.front().identity;
  changed.front().identity = warden::identify::classify(
      changed.front(), warden::identify::RuleSet::builtin(), previous, *pins);
  warden::risk::assess(changed.front());
  if (auto stored = database.store_assessment(changed); !stored) {
    std::cerr << "warden: " << database_path << ": " << stored.error().message << '\n';
    return kExitDatabase;
  }
  for (const auto& field : changed.front().identity) {
    std::cout << field.field << ": " << field.value << " (" << field.source << ")\n";
  }
  return kExitOk;
}

int run_device_approval(const std::string& database_path, const std::string& selector,
                        const std::string& state) {
  int code = kExitOk;
  auto found = open_device(database_path, selector, code);
  if (!found) {
    return code;
  }
  warden::storage::Database& database = found->database;
  const warden::inventory::Device& device = found->device;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (auto stored = database.set_approval(device.key, state, now); !stored) {
    std::cerr << "warden: " << database_path << ": " << stored.error().message << '\n';
    return kExitDatabase;
  }
  std::cout << device.key << ": " << state << '\n';
  return kExitOk;
}

int run_alerts(const std::string& database_path, const std::string& format,
               const std::string& min_severity) {
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    std::cerr << "warden: " << database.error().message << '\n';
    return kExitDatabase;
  }
  auto alerts = database->load_alerts();
  if (!alerts) {
    std::cerr << "warden: " << database_path << ": " << alerts.error().message << '\n';
    return kExitDatabase;
  }
  const int floor = warden::risk::severity_rank(min_severity);
  std::erase_if(*alerts, [floor](const warden::detect::Alert& alert) {
    return warden::risk::severity_rank(alert.severity) < floor;
  });
  if (format == "table") {
    warden::exporter::write_alerts_table(std::cout, *alerts);
    return kExitOk;
  }
  // json, ndjson, cef, leef: the SIEM formats (docs/siem.md).
  nlohmann::json array = nlohmann::json::array();
  for (const warden::detect::Alert& alert : *alerts) {
    const warden::siem::Event event = warden::app::alert_event(alert);
    if (format == "json") {
      array.push_back(warden::siem::to_ecs(event));
    } else if (format == "ndjson") {
      std::cout << warden::siem::to_ndjson(event) << '\n';
    } else if (format == "cef") {
      std::cout << warden::siem::to_cef(event) << '\n';
    } else {
      std::cout << warden::siem::to_leef(event) << '\n';
    }
  }
  if (format == "json") {
    std::cout << array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return kExitOk;
}

int run_policy_check(const std::string& file) {
  auto loaded = warden::policy::load_policy(file);
  if (!loaded) {
    std::cerr << loaded.error().text() << '\n';
    return kExitUsage;
  }
  const auto type_errors = warden::policy::check_device_types(*loaded, [](std::string_view type) {
    return warden::identify::find_device_type(type).has_value();
  });
  for (const auto& error : type_errors) {
    std::cerr << error.text() << '\n';
  }
  if (!type_errors.empty()) {
    return kExitUsage;
  }
  std::cout << file << ": valid\n";
  return kExitOk;
}

/// The policy endpoints of every stored device (for zone members), when the database exists.
std::vector<warden::policy::Endpoint> inventory_endpoints(const std::string& database_path) {
  std::vector<warden::policy::Endpoint> endpoints;
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    return endpoints;
  }
  auto devices = database->load_devices();
  if (!devices) {
    return endpoints;
  }
  for (const auto& device : *devices) {
    for (const auto& value : device.attributes) {
      if (value.attr == warden::proto::Attr::Ipv4 || value.attr == warden::proto::Attr::Ipv6) {
        if (const auto ip = warden::IpAddress::parse(value.value)) {
          endpoints.push_back(warden::detect::policy_endpoint(*ip, 0, *devices));
        }
      }
    }
  }
  return endpoints;
}

int run_policy_export(const std::string& file, const std::string& format,
                      const std::string& database_path) {
  auto loaded = warden::policy::load_policy(file);
  if (!loaded) {
    std::cerr << loaded.error().text() << '\n';
    return kExitUsage;
  }
  const auto members = warden::policy::resolve_members(*loaded, inventory_endpoints(database_path));
  if (format == "nftables") {
    std::cout << warden::policy::export_nftables(*loaded, members);
  } else if (format == "iptables") {
    std::cout << warden::policy::export_iptables(*loaded, members);
  } else {
    std::cout << warden::policy::export_terraform_aws(*loaded, members);
  }
  return kExitOk;
}

int run_quarantine(const std::string& database_path, const std::string& selector,
                   const std::vector<std::string>& management) {
  std::vector<warden::IpAddress> allowed;
  for (const std::string& text : management) {
    const auto ip = warden::IpAddress::parse(text);
    if (!ip) {
      std::cerr << "warden: --management " << text << ": not an IP address\n";
      return kExitUsage;
    }
    allowed.push_back(*ip);
  }
  int code = kExitOk;
  auto found = open_device(database_path, selector, code);
  if (!found) {
    return code;
  }
  const warden::inventory::Device& device = found->device;
  // The device's address: the selector when it is one, else its first IPv4, else any.
  std::optional<warden::IpAddress> address = warden::IpAddress::parse(selector);
  for (const auto& value : device.attributes) {
    if (!address && value.attr == warden::proto::Attr::Ipv4) {
      address = warden::IpAddress::parse(value.value);
    }
  }
  if (!address && device.key_ip) {
    address = device.key_ip;
  }
  if (!address) {
    std::cerr << "warden: " << device.key << " has no known IP address to isolate\n";
    return kExitNotFound;
  }
  // The MAC only for a device seen on the attached segment: behind a router the frames carry the
  // router's MAC, and a MAC rule would cut the router off.
  const std::optional<warden::MacAddress> mac =
      device.mac && !device.is_router ? device.mac : std::nullopt;
  std::cout << warden::policy::quarantine_nftables(*address, mac, allowed);
  return kExitOk;
}

int run(int argc, char** argv) {
  CLI::App app{"warden: passive IoT device inventory from network traffic"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "warden 0.1.0");
  std::string database = "warden.db";

  warden::app::AnalyzeOptions analyze;
  CLI::App* analyze_cmd = app.add_subcommand(
      "analyze", "Read captures (files, directories) or a live interface into the inventory");
  analyze_cmd->add_option("inputs", analyze.inputs, "pcap/pcapng files or directories of them");
  analyze_cmd->add_option("--db", analyze.database, "SQLite database (created if missing)")
      ->capture_default_str();
  analyze_cmd->add_option("-i,--interface", analyze.interface, "Capture live from this interface");
  analyze_cmd->add_option("-f,--filter", analyze.bpf_filter, "BPF filter for live capture");
  analyze_cmd
      ->add_option("-d,--duration", analyze.duration_seconds,
                   "Stop a live capture after this many seconds")
      ->check(CLI::Range(1U, 31U * 24U * 3600U));
  analyze_cmd
      ->add_option("--user", analyze.drop_user,
                   "Unprivileged user to switch to after opening a live interface as root "
                   "('' keeps root)")
      ->capture_default_str();
  analyze_cmd->add_option("-t,--threads", analyze.engine.threads, "Worker threads")
      ->check(CLI::Range(1U, 64U))
      ->capture_default_str();
  analyze_cmd
      ->add_option("--max-flows", analyze.engine.flows.max_flows,
                   "Flow table capacity per worker (oldest flows are evicted, counted)")
      ->check(CLI::Range(1024U, 1U << 26))
      ->capture_default_str();
  analyze_cmd
      ->add_option("--max-endpoints", analyze.engine.inventory.max_endpoints,
                   "Address pairs kept per worker (stalest evicted, counted)")
      ->check(CLI::Range(256U, 1U << 24))
      ->capture_default_str();
  analyze_cmd
      ->add_option("--format", analyze.output_format,
                   "Inventory printed at the end: table, json, csv, ndjson")
      ->check(CLI::IsMember({"table", "json", "csv", "ndjson"}))
      ->capture_default_str();
  analyze_cmd->add_flag("-q,--quiet", analyze.quiet, "Do not print the inventory");
  analyze_cmd->add_flag("!--no-progress", analyze.progress, "No progress bar on stderr");
  analyze_cmd
      ->add_option("--rules", analyze.rules.rule_files,
                   "Extra identification rule file (YAML, docs/identification.md); "
                   "repeatable, later files override earlier rules with the same id")
      ->allow_extra_args(false);  // one file per --rules, so inputs after it stay inputs
  analyze_cmd->add_option("--recog", analyze.rules.recog_directory,
                          "Directory of Rapid7 Recog fingerprint XML files to use as well");
  analyze_cmd
      ->add_option("--intel", analyze.intel_files,
                   "Threat-intelligence list: IPs, CIDRs, domains (text, CSV or STIX 2.1 JSON); "
                   "repeatable")
      ->allow_extra_args(false);
  analyze_cmd->add_flag("--learn", analyze.learn,
                        "Learn each device's behaviour (ports, destinations, protocols) and "
                        "outbound volume as its baseline; later runs alert on what is new or "
                        "much larger");
  analyze_cmd
      ->add_option("--expected-ports", analyze.expected_external_ports,
                   "Ports devices may use towards the internet without an alert")
      ->delimiter(',')
      ->capture_default_str();
  analyze_cmd
      ->add_option("--exfil-mb", analyze.exfil_mb,
                   "MiB a device may send to the internet in one run before an exfiltration "
                   "alert")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30))
      ->capture_default_str();
  analyze_cmd
      ->add_option("--exfil-factor", analyze.exfil_factor,
                   "A device learned with --learn may send this many times the most it sent "
                   "while learning (at least 1 MiB, at most --exfil-mb) before an exfiltration "
                   "alert")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  analyze_cmd->add_option("--policy", analyze.policy_file,
                          "Segmentation policy (YAML, docs/policy.md): every flow is checked");
  analyze_cmd
      ->add_option("--interval", analyze.interval_seconds,
                   "Live capture: store, identify, detect and deliver every S seconds")
      ->check(CLI::Range(1U, 86400U));
  analyze_cmd->add_option("--outputs", analyze.outputs_file,
                          "SIEM outputs (YAML, docs/siem.md): files, syslog UDP/TCP/TLS, Splunk "
                          "HEC, webhooks");
  analyze_cmd->add_option("--oui-dir", analyze.oui_directories,
                          "Directory with IEEE registry CSVs (default: /var/lib/ieee-data, "
                          "/usr/share/ieee-data)");

  std::string format = "table";
  CLI::App* devices_cmd = app.add_subcommand("devices", "List the devices in the inventory");
  devices_cmd->add_option("--db", database, "SQLite database")->capture_default_str();
  devices_cmd->add_option("--format", format, "table, json, csv or ndjson")
      ->check(CLI::IsMember({"table", "json", "csv", "ndjson"}))
      ->capture_default_str();

  std::string selector;
  std::string device_format = "table";
  CLI::App* device_cmd =
      app.add_subcommand("device", "Show one device, every attribute with its evidence");
  device_cmd->add_option("selector", selector, "MAC address or IP address")->required();
  device_cmd->add_option("--db", database, "SQLite database")->capture_default_str();
  device_cmd->add_option("--format", device_format, "table, json or ndjson")
      ->check(CLI::IsMember({"table", "json", "ndjson"}))
      ->capture_default_str();

  std::vector<std::string> assignments;
  CLI::App* set_cmd = device_cmd->add_subcommand(
      "set",
      "Pin identity fields (field=value: vendor, type, model, os, firmware); pins survive "
      "re-analysis");
  set_cmd->add_option("assignments", assignments, "field=value ...")->required();
  set_cmd->fallthrough();  // --db given after the assignments belongs to `device`
  std::vector<std::string> unset_fields;
  CLI::App* unset_cmd = device_cmd->add_subcommand("unset", "Remove pinned identity fields");
  unset_cmd->add_option("fields", unset_fields, "vendor, type, model, os, firmware")->required();
  unset_cmd->fallthrough();

  CLI::App* approve_cmd =
      device_cmd->add_subcommand("approve", "Mark the device approved (others raise rogue alerts)");
  approve_cmd->fallthrough();
  CLI::App* reject_cmd = device_cmd->add_subcommand("reject", "Mark the device rogue");
  reject_cmd->fallthrough();

  std::string alerts_format = "table";
  std::string alerts_min_severity = "low";
  CLI::App* alerts_cmd = app.add_subcommand("alerts", "List stored alerts");
  alerts_cmd->add_option("--db", database, "SQLite database")->capture_default_str();
  alerts_cmd->add_option("--format", alerts_format, "table, json, ndjson, cef or leef")
      ->check(CLI::IsMember({"table", "json", "ndjson", "cef", "leef"}))
      ->capture_default_str();
  alerts_cmd->add_option("--min-severity", alerts_min_severity, "low, medium, high or critical")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}))
      ->capture_default_str();

  CLI::App* policy_cmd = app.add_subcommand("policy", "Segmentation policy files (docs/policy.md)");
  policy_cmd->require_subcommand(1);
  std::string policy_file;
  CLI::App* policy_check_cmd = policy_cmd->add_subcommand(
      "check", "Validate a policy file; errors name the line and the field");
  policy_check_cmd->add_option("file", policy_file, "Policy YAML")->required();
  std::string policy_format = "nftables";
  CLI::App* policy_export_cmd = policy_cmd->add_subcommand(
      "export", "Write enforcement rules for a policy (zone members from the inventory)");
  policy_export_cmd->add_option("file", policy_file, "Policy YAML")->required();
  policy_export_cmd->add_option("--format", policy_format, "nftables, iptables or terraform-aws")
      ->check(CLI::IsMember({"nftables", "iptables", "terraform-aws"}))
      ->capture_default_str();
  policy_export_cmd->add_option("--db", database, "SQLite database (device types and vendors)")
      ->capture_default_str();

  std::string quarantine_selector;
  std::vector<std::string> management;
  CLI::App* quarantine_cmd = app.add_subcommand(
      "quarantine", "Write nftables rules that isolate one device (load with nft -f)");
  quarantine_cmd->add_option("selector", quarantine_selector, "MAC address or IP address")
      ->required();
  quarantine_cmd->add_option("--db", database, "SQLite database")->capture_default_str();
  quarantine_cmd
      ->add_option("--management", management, "Hosts that may still reach the device (repeatable)")
      ->allow_extra_args(false);

  std::string findings_format = "table";
  std::string min_severity = "info";
  CLI::App* findings_cmd =
      app.add_subcommand("findings", "List risk findings across devices, worst first");
  findings_cmd->add_option("--db", database, "SQLite database")->capture_default_str();
  findings_cmd->add_option("--format", findings_format, "table, json, csv or ndjson")
      ->check(CLI::IsMember({"table", "json", "csv", "ndjson"}))
      ->capture_default_str();
  findings_cmd->add_option("--min-severity", min_severity, "info, low, medium, high or critical")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (analyze_cmd->parsed()) {
    if (analyze.inputs.empty() && analyze.interface.empty()) {
      std::cerr << "warden analyze: give capture files/directories or --interface\n"
                << analyze_cmd->help();
      return kExitUsage;
    }
    if (analyze.interval_seconds && analyze.interface.empty()) {
      std::cerr << "warden analyze: --interval applies to live capture (--interface)\n";
      return kExitUsage;
    }
    if (!analyze.bpf_filter.empty() && analyze.interface.empty()) {
      std::cerr << "warden analyze: --filter applies to live capture (--interface)\n";
      return kExitUsage;
    }
    return warden::app::run_analyze(analyze);
  }
  if (devices_cmd->parsed()) {
    return run_devices(database, format);
  }
  if (set_cmd->parsed()) {
    return run_device_pin(database, selector, assignments, false);
  }
  if (unset_cmd->parsed()) {
    return run_device_pin(database, selector, unset_fields, true);
  }
  if (approve_cmd->parsed() || reject_cmd->parsed()) {
    return run_device_approval(database, selector, approve_cmd->parsed() ? "approved" : "rogue");
  }
  if (device_cmd->parsed()) {
    return run_device(database, selector, device_format);
  }
  if (alerts_cmd->parsed()) {
    return run_alerts(database, alerts_format, alerts_min_severity);
  }
  if (policy_check_cmd->parsed()) {
    return run_policy_check(policy_file);
  }
  if (policy_export_cmd->parsed()) {
    return run_policy_export(policy_file, policy_format, database);
  }
  if (quarantine_cmd->parsed()) {
    return run_quarantine(database, quarantine_selector, management);
  }
  if (findings_cmd->parsed()) {
    return run_findings(database, findings_format, min_severity);
  }
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Exceptions belong to configuration and the libraries; none is expected to reach here.
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "warden: internal error: " << error.what() << '\n';
  } catch (...) {
    std::cerr << "warden: internal error\n";
  }
  return warden::app::kExitInternal;
}
