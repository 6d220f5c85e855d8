// SPDX-License-Identifier: Apache-2.0
// Delivery on loopback and in temporary files: real sockets, real files, no mocks.
#include "siem/delivery.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace warden::siem {
namespace {

using std::chrono::milliseconds;

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

Event make_event(const std::string& id, std::int64_t ts_us) {
  Event e;
  e.timestamp_us = ts_us;
  e.id = id;
  e.rule_id = "WARDEN-TEST";
  e.rule_name = "test rule";
  e.severity = "medium";
  e.message = "event " + id;
  return e;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "warden-siem-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<nlohmann::json> read_ndjson(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// A port on 127.0.0.1 that nothing listens on (bound, then released).
std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));  // NOLINT: sockets API
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);  // NOLINT: sockets API
  close(fd);
  return ntohs(addr.sin_port);
}

// Accepts one connection on 127.0.0.1:port and reads until `expected` bytes or 5 s pass.
std::string listen_and_read(std::uint16_t port, std::size_t expected) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||  // NOLINT
      listen(fd, 4) != 0) {
    close(fd);
    return "bind failed";
  }
  std::string data;
  pollfd pfd{fd, POLLIN, 0};
  if (poll(&pfd, 1, 5000) == 1) {
    const int conn = accept(fd, nullptr, nullptr);
    std::array<char, 4096> buffer{};
    pollfd cfd{conn, POLLIN, 0};
    while (data.size() < expected && poll(&cfd, 1, 5000) == 1) {
      const ssize_t n = recv(conn, buffer.data(), buffer.size(), 0);
      if (n <= 0) {
        break;
      }
      data.append(buffer.data(), static_cast<std::size_t>(n));
    }
    close(conn);
  }
  close(fd);
  return data;
}

TEST(SiemConfig, ParsesEveryOutputType) {
  const char* yaml = R"(
outputs:
  - type: file
    path: /tmp/alerts.ndjson
  - type: syslog
    transport: tls
    host: 10.0.0.5
    format: leef
    ca_file: /etc/ca.pem
    facility: 4
  - type: splunk_hec
    url: https://splunk:8088/services/collector/event
    token_env: HEC
  - type: webhook
    url: https://[fd00::1]/warden
    headers_env: {Authorization: HOOK, X-Team: TEAM}
limits:
  rate_per_minute: 60
  dedup_seconds: 10
  queue: 5
  retries: 2
)";
  auto config = parse_outputs_config(
      yaml, "outputs.yaml", fake_env({{"HEC", "tok-123"}, {"HOOK", "Bearer x"}, {"TEAM", "t"}}));
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->outputs.size(), 4U);
  EXPECT_EQ(config->outputs[0].describe(), "file /tmp/alerts.ndjson");
  EXPECT_EQ(config->outputs[1].describe(), "syslog tls://10.0.0.5:6514 leef");
  EXPECT_EQ(config->outputs[1].facility, 4);
  EXPECT_EQ(config->outputs[2].headers.at(0).second, "Splunk tok-123");
  EXPECT_EQ(config->outputs[3].headers.size(), 2U);
  EXPECT_EQ(config->limits.rate_per_minute, 60U);
  EXPECT_EQ(config->limits.queue, 5U);
  EXPECT_EQ(config->limits.retries, 2U);
  EXPECT_EQ(config->limits.dedup_seconds, 10U);
}

TEST(SiemConfig, ErrorsNameLineAndFieldAndNeverTheSecret) {
  const char* yaml = R"(outputs:
  - type: syslog
    host: h
    port: 70000
    prot: udp
  - type: splunk_hec
    url: http://splunk/x
    token_env: MISSING
  - type: webhook
    url: https://hook/x
    headers_env: {Authorization: BROKEN}
limits:
  queue: -3
)";
  auto config = parse_outputs_config(yaml, "o.yaml", fake_env({{"BROKEN", "secret\r\nX-Evil: 1"}}));
  ASSERT_FALSE(config);
  const std::string& msg = config.error().message;
  EXPECT_NE(msg.find("o.yaml:4: outputs[0].port: expected an integer 1-65535"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("o.yaml:5: outputs[0].prot: unknown field"), std::string::npos) << msg;
  EXPECT_NE(msg.find("o.yaml:7: outputs[1].url: URL must start with https://"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("outputs[1].token_env: environment variable MISSING is not set"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("outputs[2].headers_env.Authorization: environment variable BROKEN "
                     "contains a line break"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("o.yaml:13: limits.queue"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("secret"), std::string::npos) << msg;
}

TEST(SiemConfig, InvalidYamlNamesTheLine) {
  auto config = parse_outputs_config("outputs:\n  - type: file\n    path: [unclosed\n", "x.yaml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message.rfind("x.yaml:", 0), 0U) << config.error().message;
}

TEST(SiemDelivery, FileOutputWritesEcsLines) {
  TempDir dir;
  OutputsConfig config;
  OutputConfig file;
  file.type = OutputType::File;
  file.path = dir.file("alerts.ndjson");
  config.outputs.push_back(file);
  auto outputs = Outputs::create(config);
  ASSERT_TRUE(outputs) << outputs.error().message;
  (*outputs)->submit(make_event("a", 1'000'000));
  (*outputs)->submit(make_event("b", 2'000'000));
  ASSERT_TRUE((*outputs)->flush(milliseconds(5000)));
  const auto lines = read_ndjson(file.path);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0]["event"]["id"], "a");
  EXPECT_EQ(lines[1]["@timestamp"], "1970-01-01T00:00:02.000Z");
  const auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 2U);
  EXPECT_EQ(stats[0].failed, 0U);
}

TEST(SiemDelivery, DuplicatesWithinTheWindowAreAggregated) {
  TempDir dir;
  OutputsConfig config;
  config.limits.dedup_seconds = 300;
  OutputConfig file;
  file.type = OutputType::File;
  file.path = dir.file("alerts.ndjson");
  config.outputs.push_back(file);
  auto outputs = Outputs::create(config);
  ASSERT_TRUE(outputs);
  // "x" five times within 300 s of capture time, once more after the window; "y" once.
  for (int i = 0; i < 5; ++i) {
    (*outputs)->submit(make_event("x", 1'000'000 + i * 10'000'000LL));
  }
  (*outputs)->submit(make_event("y", 60'000'000));
  (*outputs)->submit(make_event("x", 400'000'000));
  (*outputs)->stop(milliseconds(5000));
  const auto lines = read_ndjson(file.path);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[0]["event"]["id"], "x");
  EXPECT_EQ(lines[0]["warden"]["count"], 1);
  EXPECT_EQ(lines[1]["event"]["id"], "y");
  // The window of the first "x" closed when the later "x" arrived: its 4 duplicates, summed.
  EXPECT_EQ(lines[2]["event"]["id"], "x");
  EXPECT_EQ(lines[2]["warden"]["count"], 4);
  EXPECT_EQ(lines[2]["warden"]["aggregated"], true);
  EXPECT_EQ(lines[3]["@timestamp"], "1970-01-01T00:06:40.000Z");
  const auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].deduplicated, 4U);
  EXPECT_EQ(stats[0].summaries, 1U);
  EXPECT_EQ(stats[0].sent, 4U);
}

TEST(SiemDelivery, RateLimitCountsAndSummarises) {
  TempDir dir;
  OutputsConfig config;
  config.limits.rate_per_minute = 10;
  OutputConfig file;
  file.type = OutputType::File;
  file.path = dir.file("alerts.ndjson");
  config.outputs.push_back(file);
  std::atomic<std::int64_t> clock{0};
  OutputsOptions options;
  options.now_us = [&clock] { return clock.load(); };
  auto outputs = Outputs::create(config, options);
  ASSERT_TRUE(outputs);
  for (int i = 0; i < 15; ++i) {
    (*outputs)->submit(make_event("e" + std::to_string(i), i));
  }
  auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].rate_limited, 5U);
  // Twelve seconds later two tokens are back: the summary goes first, then the event.
  clock = 12'000'000;
  (*outputs)->submit(make_event("late", 20));
  (*outputs)->stop(milliseconds(5000));
  const auto lines = read_ndjson(file.path);
  ASSERT_EQ(lines.size(), 12U);
  EXPECT_EQ(lines[10]["rule"]["id"], "WARDEN-SIEM-RATE-LIMITED");
  EXPECT_EQ(lines[10]["warden"]["count"], 5);
  EXPECT_EQ(lines[11]["event"]["id"], "late");
  stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 12U);
  EXPECT_EQ(stats[0].summaries, 1U);
}

TEST(SiemDelivery, FullQueueIsCountedAndSubmitNeverBlocks) {
  OutputsConfig config;
  config.limits.queue = 10;
  config.limits.retries = 50;
  config.limits.retry_backoff_ms = 10'000;
  config.limits.dedup_seconds = 0;
  config.limits.rate_per_minute = 0;
  OutputConfig syslog;
  syslog.type = OutputType::Syslog;
  syslog.transport = SyslogTransport::Tcp;
  syslog.host = "127.0.0.1";
  syslog.port = free_port();  // refused: the first event sits in backoff
  config.outputs.push_back(syslog);
  auto outputs = Outputs::create(config);
  ASSERT_TRUE(outputs);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    (*outputs)->submit(make_event(std::to_string(i), i));
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, milliseconds(500));
  auto stats = (*outputs)->stats();
  // 10 queued, at most one taken by the delivery thread, the rest counted.
  EXPECT_GE(stats[0].dropped_queue_full, 89U);
  EXPECT_LE(stats[0].dropped_queue_full, 90U);
  EXPECT_FALSE((*outputs)->flush(milliseconds(100)));
  (*outputs)->stop(milliseconds(100));
  stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 0U);
  EXPECT_EQ(stats[0].failed + stats[0].dropped_queue_full, 100U);
  EXPECT_NE(stats[0].last_error.find("connect"), std::string::npos) << stats[0].last_error;
}

TEST(SiemDelivery, RetriesUntilTheReceiverAccepts) {
  OutputsConfig config;
  config.limits.retries = 20;
  config.limits.retry_backoff_ms = 50;
  OutputConfig syslog;
  syslog.type = OutputType::Syslog;
  syslog.transport = SyslogTransport::Tcp;
  syslog.host = "127.0.0.1";
  syslog.port = free_port();
  syslog.format = PayloadFormat::Cef;
  config.outputs.push_back(syslog);
  OutputsOptions options;
  options.hostname = "sensor";
  options.procid = "7";
  auto outputs = Outputs::create(config, options);
  ASSERT_TRUE(outputs);
  const Event event = make_event("r1", 1'000'000);
  const std::string expected = octet_counted(
      to_syslog5424(event, to_cef(event), SyslogOptions{16, "sensor", "warden", "7"}));
  (*outputs)->submit(event);
  // Refused for 400 ms (several attempts), then a listener appears.
  std::this_thread::sleep_for(milliseconds(400));
  const std::string received = listen_and_read(syslog.port, expected.size());
  EXPECT_EQ(received, expected);
  ASSERT_TRUE((*outputs)->flush(milliseconds(5000)));
  const auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 1U);
  EXPECT_GE(stats[0].retried, 2U);
  EXPECT_EQ(stats[0].failed, 0U);
}

TEST(SiemDelivery, CreateFailsOnUnreadableCaFile) {
  OutputsConfig config;
  OutputConfig hook;
  hook.type = OutputType::Webhook;
  hook.url = "https://127.0.0.1:1/x";
  hook.ca_file = "/nonexistent/ca.pem";
  config.outputs.push_back(hook);
  auto outputs = Outputs::create(config);
  ASSERT_FALSE(outputs);
  EXPECT_NE(outputs.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace warden::siem
