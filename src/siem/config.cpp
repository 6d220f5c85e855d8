// SPDX-License-Identifier: Apache-2.0
// The outputs file (docs/siem.md). yaml-cpp throws; every exception is caught here and becomes
// a ConfigError naming the file, line and field.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "siem/delivery.hpp"
#include "siem/transport.hpp"

namespace warden::siem {
namespace {

constexpr std::uint32_t kMaxQueue = 10'000'000;

class Parser {
 public:
  Parser(std::string_view source, const EnvLookup& env) : source_(source), env_(env) {}

  void error(const YAML::Node& node, std::string_view field, std::string_view what) {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    errors_.push_back(line > 0 ? fmt::format("{}:{}: {}: {}", source_, line, field, what)
                               : fmt::format("{}: {}: {}", source_, field, what));
  }

  std::optional<std::string> string_field(const YAML::Node& map, const std::string& key,
                                          const std::string& field, bool required) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) {
        error(map, field, "missing");
      }
      return std::nullopt;
    }
    if (!node.IsScalar()) {
      error(node, field, "expected a string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<std::uint64_t> number_field(const YAML::Node& map, const std::string& key,
                                            const std::string& field, std::uint64_t min,
                                            std::uint64_t max) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      return std::nullopt;
    }
    const std::string text = node.IsScalar() ? node.Scalar() : std::string();
    std::uint64_t value = 0;
    std::size_t used = 0;
    bool ok = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (ok) {
      try {
        value = std::stoull(text, &used);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok || value < min || value > max) {
      error(node, field, fmt::format("expected an integer {}-{}", min, max));
      return std::nullopt;
    }
    return value;
  }

  void check_keys(const YAML::Node& map, const std::string& prefix,
                  const std::set<std::string>& allowed) {
    for (const auto& item : map) {
      const std::string key = item.first.IsScalar() ? item.first.Scalar() : std::string("?");
      if (allowed.count(key) == 0) {
        error(item.first, prefix.empty() ? key : fmt::format("{}.{}", prefix, key),
              "unknown field");
      }
    }
  }

  std::optional<std::string> secret(const YAML::Node& node, const std::string& field,
                                    const std::string& variable) {
    std::optional<std::string> value = env_(variable);
    if (!value || value->empty()) {
      error(node, field, fmt::format("environment variable {} is not set", variable));
      return std::nullopt;
    }
    if (value->find_first_of("\r\n") != std::string::npos) {
      error(node, field, fmt::format("environment variable {} contains a line break", variable));
      return std::nullopt;
    }
    return value;
  }

  void parse_output(const YAML::Node& node, std::size_t index, OutputsConfig& config) {
    const std::string prefix = fmt::format("outputs[{}]", index);
    if (!node.IsMap()) {
      error(node, prefix, "expected a mapping");
      return;
    }
    const auto type = string_field(node, "type", prefix + ".type", true);
    if (!type) {
      return;
    }
    OutputConfig out;
    if (*type == "file") {
      out.type = OutputType::File;
      check_keys(node, prefix, {"type", "path"});
      out.path = string_field(node, "path", prefix + ".path", true).value_or("");
    } else if (*type == "syslog") {
      out.type = OutputType::Syslog;
      check_keys(node, prefix,
                 {"type", "transport", "host", "port", "format", "ca_file", "facility"});
      const std::string transport =
          string_field(node, "transport", prefix + ".transport", false).value_or("udp");
      if (transport == "udp") {
        out.transport = SyslogTransport::Udp;
      } else if (transport == "tcp") {
        out.transport = SyslogTransport::Tcp;
      } else if (transport == "tls") {
        out.transport = SyslogTransport::Tls;
      } else {
        error(node["transport"], prefix + ".transport", "expected udp, tcp or tls");
      }
      out.host = string_field(node, "host", prefix + ".host", true).value_or("");
      const std::uint64_t default_port = out.transport == SyslogTransport::Tls ? 6514 : 514;
      out.port = static_cast<std::uint16_t>(
          number_field(node, "port", prefix + ".port", 1, 65535).value_or(default_port));
      const std::string format =
          string_field(node, "format", prefix + ".format", false).value_or("cef");
      if (format == "cef") {
        out.format = PayloadFormat::Cef;
      } else if (format == "leef") {
        out.format = PayloadFormat::Leef;
      } else if (format == "ecs" || format == "json") {
        out.format = PayloadFormat::Ecs;
      } else {
        error(node["format"], prefix + ".format", "expected cef, leef or ecs");
      }
      out.facility = static_cast<int>(
          number_field(node, "facility", prefix + ".facility", 0, 23).value_or(16));
      out.ca_file = string_field(node, "ca_file", prefix + ".ca_file", false).value_or("");
      if (!out.ca_file.empty() && out.transport != SyslogTransport::Tls) {
        error(node["ca_file"], prefix + ".ca_file", "only used with transport: tls");
      }
    } else if (*type == "splunk_hec" || *type == "webhook") {
      const bool hec = *type == "splunk_hec";
      out.type = hec ? OutputType::SplunkHec : OutputType::Webhook;
      if (hec) {
        check_keys(node, prefix, {"type", "url", "ca_file", "token_env"});
      } else {
        check_keys(node, prefix, {"type", "url", "ca_file", "headers_env"});
      }
      out.url = string_field(node, "url", prefix + ".url", true).value_or("");
      if (!out.url.empty()) {
        if (auto url = parse_https_url(out.url); !url) {
          error(node["url"], prefix + ".url", url.error());
        }
      }
      out.ca_file = string_field(node, "ca_file", prefix + ".ca_file", false).value_or("");
      if (hec) {
        const auto variable = string_field(node, "token_env", prefix + ".token_env", true);
        if (variable) {
          if (auto token = secret(node["token_env"], prefix + ".token_env", *variable)) {
            out.headers.emplace_back("Authorization", "Splunk " + *token);
          }
        }
      } else if (const YAML::Node headers = node["headers_env"]; headers.IsDefined()) {
        if (!headers.IsMap()) {
          error(headers, prefix + ".headers_env", "expected a mapping header: VARIABLE");
        } else {
          for (const auto& item : headers) {
            const std::string name = item.first.Scalar();
            const std::string field = fmt::format("{}.headers_env.{}", prefix, name);
            if (name.empty() ||
                name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                                       "mnopqrstuvwxyz0123456789-_") != std::string::npos) {
              error(item.first, field, "not a valid header name");
              continue;
            }
            if (!item.second.IsScalar()) {
              error(item.second, field, "expected an environment variable name");
              continue;
            }
            if (auto value = secret(item.second, field, item.second.Scalar())) {
              out.headers.emplace_back(name, *value);
            }
          }
        }
      }
    } else {
      error(node["type"], prefix + ".type", "expected file, syslog, splunk_hec or webhook");
      return;
    }
    config.outputs.push_back(std::move(out));
  }

  void parse_limits(const YAML::Node& node, Limits& limits) {
    if (!node.IsMap()) {
      error(node, "limits", "expected a mapping");
      return;
    }
    check_keys(
        node, "limits",
        {"rate_per_minute", "dedup_seconds", "queue", "retries", "retry_backoff_ms", "timeout_ms"});
    const auto set = [&](const char* key, std::uint32_t& target, std::uint64_t min,
                         std::uint64_t max) {
      if (auto value = number_field(node, key, std::string("limits.") + key, min, max)) {
        target = static_cast<std::uint32_t>(*value);
      }
    };
    set("rate_per_minute", limits.rate_per_minute, 0, 1'000'000);
    set("dedup_seconds", limits.dedup_seconds, 0, 86'400);
    set("queue", limits.queue, 1, kMaxQueue);
    set("retries", limits.retries, 0, 100);
    set("retry_backoff_ms", limits.retry_backoff_ms, 1, 60'000);
    set("timeout_ms", limits.timeout_ms, 100, 120'000);
  }

  tl::expected<OutputsConfig, ConfigError> parse(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return tl::unexpected(
          ConfigError{fmt::format("{}:{}: invalid YAML: {}", source_, e.mark.line + 1, e.msg)});
    }
    OutputsConfig config;
    try {
      if (!root.IsMap()) {
        error(root, "(top level)", "expected a mapping with outputs: and limits:");
      } else {
        check_keys(root, "", {"outputs", "limits"});
        const YAML::Node outputs = root["outputs"];
        if (!outputs.IsDefined() || !outputs.IsSequence()) {
          error(outputs.IsDefined() ? outputs : root, "outputs", "expected a list of outputs");
        } else {
          for (std::size_t index = 0; index < outputs.size(); ++index) {
            parse_output(outputs[index], index, config);
          }
        }
        if (const YAML::Node limits = root["limits"]; limits.IsDefined()) {
          parse_limits(limits, config.limits);
        }
      }
    } catch (const YAML::Exception& e) {
      errors_.push_back(fmt::format("{}:{}: {}", source_, e.mark.line + 1, e.msg));
    }
    if (!errors_.empty()) {
      std::string message;
      for (const auto& line : errors_) {
        message += message.empty() ? "" : "\n";
        message += line;
      }
      return tl::unexpected(ConfigError{std::move(message)});
    }
    return config;
  }

 private:
  std::string source_;
  const EnvLookup& env_;
  std::vector<std::string> errors_;
};

std::optional<std::string> getenv_lookup(const std::string& name) {
  // Read once at start-up, before the delivery threads exist.
  const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

}  // namespace

std::string OutputConfig::describe() const {
  switch (type) {
    case OutputType::File:
      return "file " + path;
    case OutputType::Syslog: {
      static constexpr std::array<std::string_view, 3> kTransports = {"udp", "tcp", "tls"};
      static constexpr std::array<std::string_view, 3> kFormats = {"ecs", "cef", "leef"};
      const bool v6 = host.find(':') != std::string::npos;
      return fmt::format("syslog {}://{}{}{}:{} {}",
                         kTransports.at(static_cast<std::size_t>(transport)), v6 ? "[" : "", host,
                         v6 ? "]" : "", port, kFormats.at(static_cast<std::size_t>(format)));
    }
    case OutputType::SplunkHec:
      return "splunk_hec " + url;
    case OutputType::Webhook:
      return "webhook " + url;
  }
  return "output";
}

tl::expected<OutputsConfig, ConfigError> parse_outputs_config(std::string_view yaml,
                                                              std::string_view source_name,
                                                              const EnvLookup& env) {
  const EnvLookup lookup = env ? env : EnvLookup(getenv_lookup);
  Parser parser(source_name, lookup);
  return parser.parse(yaml);
}

tl::expected<OutputsConfig, ConfigError> load_outputs_config(const std::string& path,
                                                             const EnvLookup& env) {
  std::ifstream in(path);
  if (!in) {
    return tl::unexpected(ConfigError{fmt::format("{}: cannot read the outputs file", path)});
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_outputs_config(text.str(), path, env);
}

}  // namespace warden::siem
