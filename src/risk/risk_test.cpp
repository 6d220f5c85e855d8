// SPDX-License-Identifier: Apache-2.0
#include "risk/risk.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace warden::risk {
namespace {

using proto::Attr;
using ::testing::HasSubstr;
using ::testing::Not;

inventory::Device device_with(std::initializer_list<std::pair<Attr, std::string>> attributes) {
  inventory::Device device;
  device.key = "mac:00:11:22:33:44:55";
  std::int64_t time = 1'700'000'000'000'000;
  for (const auto& [attr, value] : attributes) {
    device.attributes.push_back({attr, value, "test", time, time + 5'000'000, 2, 0});
    time += 1'000'000;
  }
  return device;
}

std::set<std::string> ids(const inventory::Device& device) {
  std::set<std::string> out;
  for (const auto& finding : device.findings) {
    out.insert(finding.id);
  }
  return out;
}

TEST(Risk, CatalogueIdsAreUniqueAndComplete) {
  std::set<std::string_view> seen;
  for (const FindingKind& kind : finding_kinds()) {
    EXPECT_TRUE(seen.insert(kind.id).second) << kind.id;
    EXPECT_EQ(kind.points, severity_points(kind.severity)) << kind.id;
    EXPECT_FALSE(kind.remediation.empty());
    // Every finding maps to at least four of the seven frameworks.
    std::set<std::string> frameworks;
    for (const std::string_view control : kind.controls) {
      frameworks.insert(std::string(control.substr(0, control.find(' '))));
    }
    EXPECT_GE(frameworks.size(), 4U) << kind.id;
  }
}

TEST(Risk, CameraWithTelnetDefaultLoginAndRtsp) {
  auto camera = device_with({{Attr::Service, "tcp/23 telnet"},
                             {Attr::Service, "tcp/554 rtsp"},
                             {Attr::Service, "tcp/80 http"},
                             {Attr::CleartextCredential, "telnet user=root"},
                             {Attr::DefaultCredential, "telnet user=root list=mirai"},
                             {Attr::LoginAttempt, "telnet user=root result=success"}});
  camera.identity.push_back({"type", "ip_camera", 0.9, "rules", {}});
  assess(camera);
  EXPECT_EQ(ids(camera),
            (std::set<std::string>{"WARDEN-RISK-TELNET", "WARDEN-RISK-RTSP",
                                   "WARDEN-RISK-HTTP-ADMIN", "WARDEN-RISK-CLEARTEXT-CREDENTIALS",
                                   "WARDEN-RISK-DEFAULT-CREDENTIALS"}));
  EXPECT_EQ(camera.findings.front().id, "WARDEN-RISK-DEFAULT-CREDENTIALS");
  EXPECT_EQ(camera.findings.front().severity, "critical");
  EXPECT_THAT(camera.findings.front().evidence,
              HasSubstr("login.default_credential \"telnet user=root list=mirai\""));
  EXPECT_EQ(camera.risk_score, 100);  // 40 + 25 + 25 + 10 + 10, capped
}

TEST(Risk, RejectedDefaultLoginIsNoFindingButUnknownResultIs) {
  auto rejected = device_with({{Attr::DefaultCredential, "ftp user=admin list=mirai"},
                               {Attr::LoginAttempt, "ftp user=admin result=failure"}});
  assess(rejected);
  EXPECT_FALSE(ids(rejected).contains("WARDEN-RISK-DEFAULT-CREDENTIALS"));

  auto unknown = device_with({{Attr::DefaultCredential, "mqtt user=admin list=vendor"}});
  assess(unknown);
  EXPECT_TRUE(ids(unknown).contains("WARDEN-RISK-DEFAULT-CREDENTIALS"));
}

TEST(Risk, HttpIsAdministrationOnlyOnManagedDevicesOrBehindALogin) {
  auto laptop = device_with({{Attr::Service, "tcp/8080 http"}});
  assess(laptop);
  EXPECT_TRUE(laptop.findings.empty());
  EXPECT_EQ(laptop.risk_score, 0);

  auto login = device_with({{Attr::Service, "tcp/8080 http"}});
  login.attributes.push_back({Attr::AuthChallenge, "Basic", "http", 0, 0, 1, 0});
  assess(login);
  EXPECT_EQ(ids(login), std::set<std::string>{"WARDEN-RISK-HTTP-ADMIN"});
}

TEST(Risk, SnmpFindingsNeedAnAgent) {
  auto manager = device_with({{Attr::SnmpVersion, "v2c"}, {Attr::SnmpCommunity, "public"}});
  assess(manager);
  EXPECT_TRUE(manager.findings.empty());

  auto agent = device_with({{Attr::SnmpVersion, "v2c"},
                            {Attr::SnmpCommunity, "public"},
                            {Attr::SnmpSysDescr, "Linux sw1 5.10"}});
  assess(agent);
  EXPECT_EQ(ids(agent), (std::set<std::string>{"WARDEN-RISK-SNMP-V1V2C",
                                               "WARDEN-RISK-SNMP-DEFAULT-COMMUNITY"}));
  EXPECT_EQ(agent.risk_score, 35);
}

TEST(Risk, OtControlWithoutAuthenticationAndDnp3SecureAuthentication) {
  auto plc = device_with({{Attr::IcsControl, "modbus write-multiple-registers"}});
  assess(plc);
  EXPECT_EQ(ids(plc), std::set<std::string>{"WARDEN-RISK-OT-UNAUTHENTICATED-CONTROL"});

  auto outstation = device_with(
      {{Attr::IcsControl, "dnp3 operate"}, {Attr::IcsFunction, "dnp3 secure-authentication"}});
  assess(outstation);
  EXPECT_TRUE(outstation.findings.empty());
}

TEST(Risk, WeakTlsMqttUpnpDebugAndCleartextToTheInternet) {
  auto device =
      device_with({{Attr::TlsVersion, "1.0"},
                   {Attr::TlsCipher, "0x000a TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
                   {Attr::TlsCipher, "0x1301"},
                   {Attr::MqttClientId, "sensor-17"},
                   {Attr::SsdpType, "urn:schemas-upnp-org:device:InternetGatewayDevice:1"},
                   {Attr::SsdpServer, "Linux UPnP/1.0 MiniUPnPd/2.1"},
                   {Attr::Service, "tcp/5555"},
                   {Attr::CleartextExternal, "http to 93.184.216.34"}});
  assess(device);
  EXPECT_EQ(ids(device),
            (std::set<std::string>{"WARDEN-RISK-WEAK-TLS", "WARDEN-RISK-MQTT-CLEARTEXT",
                                   "WARDEN-RISK-UPNP-IGD", "WARDEN-RISK-UPNP",
                                   "WARDEN-RISK-DEBUG-PORT", "WARDEN-RISK-CLEARTEXT-INTERNET"}));
  for (const auto& finding : device.findings) {
    if (finding.id == "WARDEN-RISK-WEAK-TLS") {
      EXPECT_EQ(finding.count, 4U);  // two attributes, each seen twice
      EXPECT_THAT(finding.evidence, HasSubstr("tls.version \"1.0\""));
      EXPECT_THAT(finding.evidence, Not(HasSubstr("0x1301")));
    }
  }
  EXPECT_EQ(device.risk_score, 10 + 10 + 10 + 3 + 10 + 10);
}

TEST(Risk, EvidenceShowsTheValuesSeenMostWhateverTheirOrder) {
  inventory::Device device = device_with({{Attr::CleartextCredential, "telnet user=guest"},
                                          {Attr::CleartextCredential, "telnet user=admin"},
                                          {Attr::CleartextCredential, "telnet user=root"},
                                          {Attr::CleartextCredential, "telnet user=support"}});
  device.attributes[2].count = 9;                                     // root
  device.attributes[1].count = 5;                                     // admin
  device.attributes[3].first_us = device.attributes[0].first_us - 1;  // support, before guest
  auto evidence = [](inventory::Device copy) {
    assess(copy);
    for (const auto& finding : copy.findings) {
      if (finding.evidence.find("login.cleartext_credential") != std::string::npos) {
        return finding.evidence;
      }
    }
    return std::string();
  };
  const std::string shown = evidence(device);
  EXPECT_EQ(shown,
            "login.cleartext_credential \"telnet user=root\" (test, seen 9 times); "
            "login.cleartext_credential \"telnet user=admin\" (test, seen 5 times); "
            "login.cleartext_credential \"telnet user=support\" (test, seen 2 times); and 1 more");
  std::reverse(device.attributes.begin(), device.attributes.end());
  EXPECT_EQ(evidence(device), shown);
}

TEST(Risk, AssessIsIdempotent) {
  auto device = device_with({{Attr::Service, "tcp/21 ftp"}});
  assess(device);
  assess(device);
  EXPECT_EQ(device.findings.size(), 1U);
  EXPECT_EQ(device.risk_score, 10);
}

}  // namespace
}  // namespace warden::risk
