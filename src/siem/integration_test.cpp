// SPDX-License-Identifier: Apache-2.0
// End-to-end delivery to real receivers: rsyslogd (UDP, TCP, TLS via the ossl netstream driver)
// and a Python HTTPS receiver (tests/siem/https_receiver.py) standing in for Splunk HEC and a
// webhook. Both run in a server network namespace joined by a veth pair to a client namespace
// that the test thread enters, so no packet touches the host's interfaces. Needs root,
// rsyslogd, openssl, python3 and ip; skipped otherwise.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "siem/delivery.hpp"

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace warden::siem {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kServerIp = "10.97.0.2";
constexpr const char* kClientIp = "10.97.0.1";

int sh(const std::string& command) {
  // Test set-up only, before any delivery thread runs.
  const std::string quiet = command + " >/dev/null 2>&1";
  const int rc = std::system(quiet.c_str());  // NOLINT(cert-env33-c,concurrency-mt-unsafe)
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool have_tool(const std::string& name) {
  return sh("command -v " + name) == 0;
}

pid_t spawn_shell(const std::string& command) {
  pid_t pid = -1;
  const std::string exec = "exec " + command;
  const std::array<const char*, 4> argv = {"/bin/sh", "-c", exec.c_str(), nullptr};
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): posix_spawn's historical signature
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv.data()),
                  environ) != 0) {
    return -1;
  }
  return pid;
}

void kill_and_wait(pid_t pid) {
  if (pid > 0) {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

// Polls `path` until it holds at least `count` lines (5 s at most).
std::vector<std::string> wait_for_lines(const std::string& path, std::size_t count) {
  std::vector<std::string> lines;
  for (int tries = 0; tries < 100; ++tries) {
    lines = lines_of(read_file(path));
    if (lines.size() >= count) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  return lines;
}

// Enters a network namespace for the current thread (and the threads it starts), and leaves it.
class NetnsScope {
 public:
  explicit NetnsScope(const std::string& name) {
    original_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    ok_ = original_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) {
      close(target);
    }
  }
  ~NetnsScope() {
    if (original_ >= 0) {
      setns(original_, CLONE_NEWNET);
      close(original_);
    }
  }
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  int original_ = -1;
  bool ok_ = false;
};

class SiemIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) {
      skip_reason = "needs root (network namespaces)";
      return;
    }
    for (const char* tool : {"rsyslogd", "openssl", "python3", "ip", "ss"}) {
      if (!have_tool(tool)) {
        skip_reason = std::string("needs ") + tool;
        return;
      }
    }
    const std::string pid = std::to_string(getpid());
    client_ns = "wsc" + pid;
    server_ns = "wss" + pid;
    std::string pattern = (fs::temp_directory_path() / "warden-siem-it-XXXXXX").string();
    dir = mkdtemp(pattern.data());
    if (!setup_network(pid) || !make_certs() || !start_rsyslog() || !start_https()) {
      skip_reason = "environment setup failed: " + setup_error;
    }
  }

  static void TearDownTestSuite() {
    kill_and_wait(rsyslog_pid);
    kill_and_wait(https_pid);
    if (!client_ns.empty()) {
      sh("ip netns delete " + client_ns);
      sh("ip netns delete " + server_ns);
    }
    // WARDEN_SIEM_KEEP=1 keeps the receivers' files (configs, logs, certificates) for a look.
    if (!dir.empty() &&
        std::getenv("WARDEN_SIEM_KEEP") == nullptr) {  // NOLINT(concurrency-mt-unsafe)
      fs::remove_all(dir);
    }
  }

  void SetUp() override {
    if (!skip_reason.empty()) {
      GTEST_SKIP() << skip_reason;
    }
  }

  static bool fail(const std::string& what) {
    setup_error = what;
    return false;
  }

  static bool setup_network(const std::string& pid) {
    const std::string a = "wsc" + pid + "a";
    const std::string b = "wss" + pid + "b";
    const bool ok = sh("ip netns add " + client_ns) == 0 && sh("ip netns add " + server_ns) == 0 &&
                    sh("ip link add " + a + " netns " + client_ns + " type veth peer name " + b +
                       " netns " + server_ns) == 0 &&
                    sh("ip -n " + client_ns + " addr add " + kClientIp + "/24 dev " + a) == 0 &&
                    sh("ip -n " + server_ns + " addr add " + kServerIp + "/24 dev " + b) == 0 &&
                    sh("ip -n " + client_ns + " link set " + a + " up") == 0 &&
                    sh("ip -n " + server_ns + " link set " + b + " up") == 0 &&
                    sh("ip -n " + client_ns + " link set lo up") == 0 &&
                    sh("ip -n " + server_ns + " link set lo up") == 0;
    return ok ? true : fail("ip netns / veth");
  }

  static bool make_certs() {
    const std::string d = dir;
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(d + "/ext.cnf") << "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                                     "subjectAltName=DNS:siem.test,IP:"
                                  << kServerIp << "\n";
    const bool ok = sh("openssl req -x509" + ec + " -keyout " + d + "/ca.key -out " + d +
                       "/ca.pem -days 1 -subj /CN=WardenTestCA") == 0 &&
                    sh("openssl req -x509" + ec + " -keyout " + d + "/other.key -out " + d +
                       "/other.pem -days 1 -subj /CN=OtherCA") == 0 &&
                    sh("openssl req" + ec + " -keyout " + d + "/server.key -out " + d +
                       "/server.csr -subj /CN=siem.test") == 0 &&
                    sh("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " +
                       d + "/ca.key -CAcreateserial -out " + d + "/server.pem -days 1 -extfile " +
                       d + "/ext.cnf") == 0;
    return ok ? true : fail("openssl certificates");
  }

  static bool wait_listening(const std::string& port) {
    for (int tries = 0; tries < 100; ++tries) {
      if (sh(fmt::format("ip netns exec {} ss -ltnH | grep -q ':{} '", server_ns, port)) == 0) {
        return true;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }

  static bool start_rsyslog() {
    const std::string d = dir;
    fs::create_directories(d + "/work");
    std::ofstream(d + "/rsyslog.conf") << fmt::format(
        R"(global(workDirectory="{0}/work" parser.escapeControlCharactersOnReceive="off"
  defaultNetstreamDriverCAFile="{0}/ca.pem" defaultNetstreamDriverCertFile="{0}/server.pem"
  defaultNetstreamDriverKeyFile="{0}/server.key")
module(load="imudp")
module(load="imptcp")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="udp") {{ action(type="omfile" file="{0}/udp.log" template="raw") }}
ruleset(name="tcp") {{ action(type="omfile" file="{0}/tcp.log" template="raw") }}
ruleset(name="tls") {{ action(type="omfile" file="{0}/tls.log" template="raw") }}
input(type="imudp" address="{1}" port="514" ruleset="udp")
input(type="imptcp" address="{1}" port="601" ruleset="tcp")
input(type="imtcp" address="{1}" port="6514" ruleset="tls")
)",
        d, kServerIp);
    rsyslog_pid = spawn_shell("ip netns exec " + server_ns + " rsyslogd -n -f " + d +
                              "/rsyslog.conf -i " + d + "/rsyslog.pid >" + d + "/rsyslog.out 2>&1");
    if (rsyslog_pid < 0 || !wait_listening("601") || !wait_listening("6514")) {
      return fail("rsyslogd did not start: " + read_file(d + "/rsyslog.out"));
    }
    return true;
  }

  static bool start_https() {
    const std::string d = dir;
    const std::string script = std::string(WARDEN_SOURCE_DIR) + "/tests/siem/https_receiver.py";
    https_pid =
        spawn_shell("ip netns exec " + server_ns + " python3 " + script + " --bind " + kServerIp +
                    " --port 8088 --cert " + d + "/server.pem --key " + d + "/server.key --out " +
                    d + "/https.jsonl --ready " + d + "/https.ready >" + d + "/https.out 2>&1");
    for (int tries = 0; tries < 100 && !fs::exists(d + "/https.ready"); ++tries) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    if (https_pid < 0 || !fs::exists(d + "/https.ready")) {
      return fail("HTTPS receiver did not start: " + read_file(d + "/https.out"));
    }
    return true;
  }

  static Event event(int n) {
    Event e;
    e.kind = n % 2 == 0 ? Event::Kind::Alert : Event::Kind::Finding;
    e.timestamp_us = 1737198473520123 + n * 1'000'000LL;
    e.id = "it-" + std::to_string(n);
    e.rule_id = "WARDEN-DET-MIRAI-SCAN";
    e.rule_name = "Mirai-style telnet scanning";
    e.severity = n % 2 == 0 ? "high" : "critical";
    e.message = "Camera scanned telnet; note = \"quoted\" \\ and tab\there";
    e.source_ip = "10.97.0.23";
    e.source_mac = "b0:c5:54:12:34:5a";
    e.destination_ip = "10.97.0.1";
    e.destination_port = 23;
    e.transport = "tcp";
    e.techniques = {"T1110.001", "T0855"};
    e.warden = {{"device", {{"key", "b0:c5:54:12:34:5a"}}}};
    return e;
  }

  static inline std::string skip_reason;
  static inline std::string setup_error;
  static inline std::string client_ns;
  static inline std::string server_ns;
  static inline std::string dir;
  static inline pid_t rsyslog_pid = -1;
  static inline pid_t https_pid = -1;
};

TEST_F(SiemIntegration, SyslogOverUdpTcpAndTlsArrivesExactly) {
  const NetnsScope netns(client_ns);
  ASSERT_TRUE(netns.ok());
  const std::string yaml = std::string("outputs:\n") +
                           "  - {type: syslog, transport: udp, host: " + kServerIp +
                           ", port: 514, format: cef}\n"
                           "  - {type: syslog, transport: tcp, host: " +
                           kServerIp +
                           ", port: 601, format: leef, facility: 13}\n"
                           "  - {type: syslog, transport: tls, host: " +
                           kServerIp + ", port: 6514, format: ecs, ca_file: " + dir +
                           "/ca.pem}\n"
                           "limits: {retries: 3, retry_backoff_ms: 100}\n";
  auto config = parse_outputs_config(yaml, "it.yaml");
  ASSERT_TRUE(config) << config.error().message;
  OutputsOptions options;
  options.hostname = "sensor-it";
  options.procid = "99";
  auto outputs = Outputs::create(*config, options);
  ASSERT_TRUE(outputs) << outputs.error().message;
  for (int n = 0; n < 3; ++n) {
    (*outputs)->submit(event(n));
  }
  ASSERT_TRUE((*outputs)->flush(milliseconds(10'000)));
  (*outputs)->stop(milliseconds(2000));
  for (const auto& s : (*outputs)->stats()) {
    EXPECT_EQ(s.sent, 3U) << s.name << ": " << s.last_error;
    EXPECT_EQ(s.failed, 0U) << s.name;
  }
  struct Case {
    const char* file;
    PayloadFormat format;
    int facility;
  };
  const std::array<Case, 3> cases = {Case{"/udp.log", PayloadFormat::Cef, 16},
                                     Case{"/tcp.log", PayloadFormat::Leef, 13},
                                     Case{"/tls.log", PayloadFormat::Ecs, 16}};
  for (const auto& c : cases) {
    const auto lines = wait_for_lines(dir + c.file, 3);
    ASSERT_EQ(lines.size(), 3U) << c.file << "\n" << read_file(dir + "/rsyslog.out");
    for (int n = 0; n < 3; ++n) {
      const Event e = event(n);
      const std::string expected = to_syslog5424(
          e, format_payload(e, c.format), SyslogOptions{c.facility, "sensor-it", "warden", "99"});
      EXPECT_EQ(lines.at(static_cast<std::size_t>(n)), expected) << c.file;
    }
  }
}

TEST_F(SiemIntegration, TlsRefusesAServerTheCaDidNotSign) {
  const NetnsScope netns(client_ns);
  ASSERT_TRUE(netns.ok());
  OutputsConfig config;
  config.limits.retries = 1;
  config.limits.retry_backoff_ms = 50;
  OutputConfig tls;
  tls.type = OutputType::Syslog;
  tls.transport = SyslogTransport::Tls;
  tls.host = kServerIp;
  tls.port = 6514;
  tls.ca_file = dir + "/other.pem";
  config.outputs.push_back(tls);
  auto outputs = Outputs::create(config);
  ASSERT_TRUE(outputs) << outputs.error().message;
  (*outputs)->submit(event(7));
  (*outputs)->stop(milliseconds(5000));
  const auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 0U);
  EXPECT_EQ(stats[0].retried, 1U);
  EXPECT_EQ(stats[0].failed, 1U);
  EXPECT_NE(stats[0].last_error.find("certificate verification failed"), std::string::npos)
      << stats[0].last_error;
}

TEST_F(SiemIntegration, SplunkHecAndWebhookOverHttps) {
  const NetnsScope netns(client_ns);
  ASSERT_TRUE(netns.ok());
  const std::string base = std::string("https://") + kServerIp + ":8088";
  const std::string yaml =
      "outputs:\n"
      "  - type: splunk_hec\n"
      "    url: " +
      base +
      "/services/collector/event\n"
      "    token_env: IT_HEC_TOKEN\n"
      "    ca_file: " +
      dir +
      "/ca.pem\n"
      "  - type: webhook\n"
      "    url: " +
      base +
      "/flaky\n"
      "    ca_file: " +
      dir +
      "/ca.pem\n"
      "    headers_env: {Authorization: IT_HOOK_AUTH}\n"
      "limits: {retries: 4, retry_backoff_ms: 50}\n";
  const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "IT_HEC_TOKEN") {
      return "11111111-2222-3333-4444-555555555555";
    }
    if (name == "IT_HOOK_AUTH") {
      return "Bearer hook-secret";
    }
    return std::nullopt;
  };
  auto config = parse_outputs_config(yaml, "it.yaml", env);
  ASSERT_TRUE(config) << config.error().message;
  auto outputs = Outputs::create(*config);
  ASSERT_TRUE(outputs) << outputs.error().message;
  const Event e = event(0);
  (*outputs)->submit(e);
  ASSERT_TRUE((*outputs)->flush(milliseconds(10'000)));
  (*outputs)->stop(milliseconds(2000));
  const auto stats = (*outputs)->stats();
  EXPECT_EQ(stats[0].sent, 1U) << stats[0].last_error;
  EXPECT_EQ(stats[0].retried, 0U);
  // The receiver answers 503 twice on /flaky before it accepts.
  EXPECT_EQ(stats[1].sent, 1U) << stats[1].last_error;
  EXPECT_EQ(stats[1].retried, 2U);
  EXPECT_EQ(stats[1].failed, 0U);
  EXPECT_NE(stats[1].last_error.find("HTTP 503"), std::string::npos) << stats[1].last_error;
  EXPECT_EQ(stats[1].last_error.find("hook-secret"), std::string::npos);

  const auto lines = wait_for_lines(dir + "/https.jsonl", 2);
  ASSERT_EQ(lines.size(), 2U);
  bool saw_hec = false;
  bool saw_hook = false;
  for (const auto& line : lines) {
    const auto record = nlohmann::json::parse(line);
    const auto& headers = record["headers"];
    if (record["path"] == "/services/collector/event") {
      saw_hec = true;
      EXPECT_EQ(headers["Authorization"], "Splunk 11111111-2222-3333-4444-555555555555");
      const auto body = nlohmann::json::parse(record["body"].get<std::string>());
      EXPECT_DOUBLE_EQ(body["time"].get<double>(), 1737198473.520);
      EXPECT_EQ(body["sourcetype"], "warden");
      EXPECT_EQ(body["event"], to_ecs(e));
    } else {
      saw_hook = true;
      EXPECT_EQ(record["path"], "/flaky");
      EXPECT_EQ(headers["Authorization"], "Bearer hook-secret");
      EXPECT_EQ(headers["Content-Type"], "application/json");
      EXPECT_EQ(record["body"], to_ndjson(e));
    }
  }
  EXPECT_TRUE(saw_hec);
  EXPECT_TRUE(saw_hook);
}

}  // namespace
}  // namespace warden::siem
