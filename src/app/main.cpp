// SPDX-License-Identifier: Apache-2.0
// warden: passive IoT device inventory. Subcommands: analyze, devices, device.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/analyze.hpp"
#include "app/exit_codes.hpp"
#include "export/device_format.hpp"
#include "storage/database.hpp"

namespace {

using warden::app::kExitDatabase;
using warden::app::kExitNotFound;
using warden::app::kExitOk;
using warden::app::kExitUsage;

int run_devices(const std::string& database_path, const std::string& format_name) {
  const auto format = warden::exporter::parse_format(format_name);
  if (!format) {
    std::cerr << "warden: unknown format '" << format_name << "' (table, json, csv, ndjson)\n";
    return kExitUsage;
  }
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    std::cerr << "warden: " << database.error().message << '\n';
    return kExitDatabase;
  }
  auto devices = database->load_devices();
  if (!devices) {
    std::cerr << "warden: " << database_path << ": " << devices.error().message << '\n';
    return kExitDatabase;
  }
  warden::exporter::write_devices(std::cout, *devices, *format);
  return kExitOk;
}

int run_device(const std::string& database_path, const std::string& selector,
               const std::string& format_name) {
  const auto format = warden::exporter::parse_format(format_name);
  if (!format) {
    std::cerr << "warden: unknown format '" << format_name << "' (table, json, ndjson)\n";
    return kExitUsage;
  }
  auto database = warden::storage::Database::open_existing(database_path);
  if (!database) {
    std::cerr << "warden: " << database.error().message << '\n';
    return kExitDatabase;
  }
  auto device = database->find_device(selector);
  if (!device) {
    std::cerr << "warden: " << device.error().message << '\n';
    return kExitUsage;
  }
  if (!*device) {
    std::cerr << "warden: no device with MAC or IP " << selector << " in " << database_path << '\n';
    return kExitNotFound;
  }
  warden::exporter::write_device_detail(std::cout, **device, *format);
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
    if (!analyze.bpf_filter.empty() && analyze.interface.empty()) {
      std::cerr << "warden analyze: --filter applies to live capture (--interface)\n";
      return kExitUsage;
    }
    return warden::app::run_analyze(analyze);
  }
  if (devices_cmd->parsed()) {
    return run_devices(database, format);
  }
  if (device_cmd->parsed()) {
    return run_device(database, selector, device_format);
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
