// SPDX-License-Identifier: Apache-2.0
#include "siem/format.hpp"

#include <gtest/gtest.h>

#include <string>

namespace warden::siem {
namespace {

Event sample_alert() {
  Event e;
  e.kind = Event::Kind::Alert;
  e.timestamp_us = 1737198473520123;  // 2025-01-18T11:07:53.520123Z
  e.id = "alert-7f3a";
  e.rule_id = "WARDEN-DET-MIRAI-SCAN";
  e.rule_name = "Mirai-style telnet scanning";
  e.severity = "high";
  e.message = "Camera 10.97.0.23 scanned 412 hosts on telnet/23 in 60 s";
  e.source_ip = "10.97.0.23";
  e.source_mac = "b0:c5:54:12:34:5a";
  e.destination_ip = "10.97.0.1";
  e.destination_port = 23;
  e.transport = "tcp";
  e.techniques = {"T1110.001", "T0855"};
  e.count = 3;
  e.warden = {{"device", {{"key", "b0:c5:54:12:34:5a"}, {"type", "camera"}}}};
  return e;
}

std::string version() {
  return std::string(product_version());
}

TEST(SiemFormat, Iso8601Milliseconds) {
  EXPECT_EQ(iso8601_ms(1737198473520123), "2025-01-18T11:07:53.520Z");
  EXPECT_EQ(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(-1000), "1969-12-31T23:59:59.999Z");
}

TEST(SiemFormat, MacNotations) {
  EXPECT_EQ(format_mac("b0:c5:54:12:34:5a", '-'), "B0-C5-54-12-34-5A");
  EXPECT_EQ(format_mac("B0-C5-54-12-34-5A", ':'), "B0:C5:54:12:34:5A");
  EXPECT_EQ(format_mac("b0c5.5412.345a", '-'), "B0-C5-54-12-34-5A");
  EXPECT_EQ(format_mac("not a mac", '-'), "not a mac");
}

TEST(SiemFormat, SeverityMappings) {
  EXPECT_EQ(ecs_severity("critical"), 99);
  EXPECT_EQ(ecs_severity("high"), 73);
  EXPECT_EQ(ecs_severity("medium"), 47);
  EXPECT_EQ(ecs_severity("low"), 21);
  EXPECT_EQ(ecs_severity("info"), 0);
  EXPECT_EQ(ecs_severity("bogus"), 0);
  EXPECT_EQ(cef_severity("critical"), 10);
  EXPECT_EQ(cef_severity("medium"), 5);
  EXPECT_EQ(leef_severity("info"), 1);
  EXPECT_EQ(syslog_severity("critical"), 2);
  EXPECT_EQ(syslog_severity("low"), 5);
}

TEST(SiemFormat, EcsAlertGolden) {
  EXPECT_EQ(to_ndjson(sample_alert()),
            R"({"@timestamp":"2025-01-18T11:07:53.520Z",)"
            R"("destination":{"ip":"10.97.0.1","port":23},)"
            R"("ecs":{"version":"8.11.0"},)"
            R"("event":{"category":["intrusion_detection"],"dataset":"warden.alert",)"
            R"("id":"alert-7f3a","kind":"alert","module":"warden","severity":73,"type":["info"]},)"
            R"("message":"Camera 10.97.0.23 scanned 412 hosts on telnet/23 in 60 s",)"
            R"("network":{"transport":"tcp"},)"
            R"("observer":{"product":"Warden","type":"ids","vendor":"Warden"},)"
            R"("rule":{"id":"WARDEN-DET-MIRAI-SCAN","name":"Mirai-style telnet scanning"},)"
            R"("source":{"ip":"10.97.0.23","mac":"B0-C5-54-12-34-5A"},)"
            R"("threat":{"framework":"MITRE ATT&CK","technique":{"id":["T1110.001","T0855"]}},)"
            R"("warden":{"count":3,"device":{"key":"b0:c5:54:12:34:5a","type":"camera"}}})");
}

TEST(SiemFormat, EcsFindingAndInventoryKinds) {
  Event finding;
  finding.kind = Event::Kind::Finding;
  finding.severity = "critical";
  const auto f = to_ecs(finding);
  EXPECT_EQ(f["event"]["kind"], "state");
  EXPECT_EQ(f["event"]["category"], nlohmann::json::array({"vulnerability"}));
  EXPECT_EQ(f["event"]["severity"], 99);
  EXPECT_EQ(f["event"]["dataset"], "warden.finding");
  EXPECT_FALSE(f.contains("source"));
  EXPECT_FALSE(f.contains("threat"));
  Event change;
  change.kind = Event::Kind::InventoryChange;
  const auto c = to_ecs(change);
  EXPECT_EQ(c["event"]["kind"], "event");
  EXPECT_EQ(c["event"]["category"], nlohmann::json::array({"host"}));
  EXPECT_EQ(c["event"]["type"], nlohmann::json::array({"change"}));
}

TEST(SiemFormat, NdjsonReplacesInvalidUtf8) {
  Event e;
  e.message = std::string("bad \xff byte");
  EXPECT_NE(to_ndjson(e).find("bad \xEF\xBF\xBD byte"), std::string::npos);
}

TEST(SiemFormat, CefGolden) {
  EXPECT_EQ(to_cef(sample_alert()),
            "CEF:0|Warden|Warden|" + version() +
                "|WARDEN-DET-MIRAI-SCAN|Mirai-style telnet scanning|8|"
                "rt=1737198473520 cat=alert externalId=alert-7f3a src=10.97.0.23 "
                "smac=B0:C5:54:12:34:5A dst=10.97.0.1 dpt=23 proto=TCP cnt=3 "
                "cs1Label=mitreTechniques cs1=T1110.001,T0855 "
                "msg=Camera 10.97.0.23 scanned 412 hosts on telnet/23 in 60 s");
}

TEST(SiemFormat, CefEscaping) {
  Event e;
  e.timestamp_us = 1000;
  e.rule_id = "ID|1\\x";
  e.rule_name = "pipe | back\\slash\nnewline";
  e.severity = "low";
  e.message = "a=b c\\d\r\ne|f";
  e.count = 1;
  EXPECT_EQ(to_cef(e), "CEF:0|Warden|Warden|" + version() +
                           R"(|ID\|1\\x|pipe \| back\\slash newline|3|)"
                           R"(rt=1 cat=alert cnt=1 msg=a\=b c\\d\r\ne|f)");
}

TEST(SiemFormat, LeefGolden) {
  EXPECT_EQ(to_leef(sample_alert()),
            "LEEF:2.0|Warden|Warden|" + version() +
                "|WARDEN-DET-MIRAI-SCAN|x09|"
                "devTime=2025-01-18T11:07:53.520+0000\t"
                "devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ\tcat=alert\tsev=8\t"
                "src=10.97.0.23\tsrcMAC=B0:C5:54:12:34:5A\tdst=10.97.0.1\tdstPort=23\t"
                "proto=TCP\texternalId=alert-7f3a\truleName=Mirai-style telnet scanning\t"
                "technique=T1110.001,T0855\tcount=3\t"
                "msg=Camera 10.97.0.23 scanned 412 hosts on telnet/23 in 60 s");
}

TEST(SiemFormat, LeefEscaping) {
  Event e;
  e.kind = Event::Kind::Finding;
  e.rule_id = "RISK|telnet open";
  e.severity = "critical";
  e.message = "tab\there\nline=two";
  EXPECT_EQ(to_leef(e), "LEEF:2.0|Warden|Warden|" + version() +
                            "|RISK_telnet_open|x09|"
                            "devTime=1970-01-01T00:00:00.000+0000\t"
                            "devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ\tcat=finding\tsev=10\t"
                            "count=1\tmsg=tab here line=two");
}

TEST(SiemFormat, Syslog5424Golden) {
  SyslogOptions options;
  options.hostname = "sensor-1";
  options.procid = "4242";
  const Event e = sample_alert();
  const std::string cef = to_cef(e);
  // local0 (16) * 8 + error (3, "high") = 131
  EXPECT_EQ(to_syslog5424(e, cef, options),
            "<131>1 2025-01-18T11:07:53.520Z sensor-1 warden 4242 alert "
            "[origin software=\"Warden\" swVersion=\"" +
                version() + "\"] " + cef);
  options.facility = 4;  // auth
  options.hostname = "bad host";
  options.procid = "";
  Event finding;
  finding.kind = Event::Kind::Finding;
  finding.severity = "low";
  EXPECT_EQ(to_syslog5424(finding, "x", options),
            "<37>1 1970-01-01T00:00:00.000Z bad_host warden - finding "
            "[origin software=\"Warden\" swVersion=\"" +
                version() + "\"] x");
}

TEST(SiemFormat, OctetCounting) {
  EXPECT_EQ(octet_counted("<14>1 - - - - - - hi"), "20 <14>1 - - - - - - hi");
  EXPECT_EQ(octet_counted(""), "0 ");
}

}  // namespace
}  // namespace warden::siem
