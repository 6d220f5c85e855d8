// SPDX-License-Identifier: Apache-2.0
#include "identify/classifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace warden::identify {
namespace {

using proto::Attr;
using ::testing::HasSubstr;

inventory::Device device_with(std::initializer_list<std::pair<Attr, std::string>> attributes,
                              std::optional<std::string> oui = std::nullopt) {
  inventory::Device device;
  device.key = "mac:00:11:22:33:44:55";
  device.vendor = std::move(oui);
  for (const auto& [attr, value] : attributes) {
    inventory::AttributeValue attribute;
    attribute.attr = attr;
    attribute.value = value;
    attribute.protocol = "test";
    attribute.count = 3;
    device.attributes.push_back(attribute);
  }
  return device;
}

std::string field(const std::vector<inventory::IdentityField>& identity, std::string_view name) {
  for (const auto& entry : identity) {
    if (entry.field == name) {
      return entry.value;
    }
  }
  return "";
}

const inventory::IdentityField* entry(const std::vector<inventory::IdentityField>& identity,
                                      std::string_view name) {
  for (const auto& item : identity) {
    if (item.field == name) {
      return &item;
    }
  }
  return nullptr;
}

TEST(Classifier, HikvisionCameraFromItsWebServerAndOui) {
  const auto device = device_with({{Attr::HttpServer, "App-webs/"}},
                                  "Hangzhou Hikvision Digital Technology Co.,Ltd.");
  const auto identity = classify(device, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "vendor"), "Hikvision");
  EXPECT_EQ(field(identity, "type"), "ip_camera");
  const auto* type = entry(identity, "type");
  ASSERT_NE(type, nullptr);
  EXPECT_GT(type->confidence, 0.9);  // two independent signals agree
  EXPECT_THAT(type->evidence.front(), HasSubstr("http.server \"App-webs/\""));
  EXPECT_THAT(type->evidence.front(), HasSubstr("web server of Hikvision cameras"));
}

TEST(Classifier, NoEvidenceMeansUnknownNotAGuess) {
  const auto device = device_with({{Attr::Ipv4, "10.0.0.9"}, {Attr::Protocol, "arp"}});
  const auto identity = classify(device, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "type"), "unknown");
  EXPECT_EQ(entry(identity, "vendor"), nullptr);
  EXPECT_EQ(entry(identity, "type")->confidence, 0.0);
}

TEST(Classifier, AWeakSignalDoesNotOverrideStrongOnes) {
  // A printer's own TXT record and IPP service against a weak "Chrome's DIAL search" hint.
  const auto device = device_with({{Attr::MdnsServiceType, "_ipp._tcp"},
                                   {Attr::MdnsTxt, "ty=HP LaserJet Pro M404dn"},
                                   {Attr::SsdpUserAgent, "Google Chrome/120.0 Linux"}});
  const auto identity = classify(device, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "type"), "printer");
  EXPECT_EQ(field(identity, "model"), "HP LaserJet Pro M404dn");
  EXPECT_THAT(entry(identity, "type")->evidence.back(), HasSubstr("contradicted by weaker"));
}

TEST(Classifier, TheBrandWinsOverTheMakerOfTheNetworkChip) {
  // An Espressif MAC (the Wi-Fi module) in a Shelly relay.
  const auto device = device_with({{Attr::Hostname, "shellyplug-s-7C87CE"}}, "Espressif Inc.");
  const auto identity = classify(device, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "vendor"), "Shelly");
  EXPECT_EQ(field(identity, "type"), "smart_plug");

  // With nothing else, the chip maker is too weak a vendor to state.
  const auto bare = device_with({}, "Espressif Inc.");
  EXPECT_EQ(entry(classify(bare, RuleSet::builtin(), {}, {}), "vendor"), nullptr);

  // A brand's own registry entry is stated, with its legal suffix removed.
  const auto plain = device_with({}, "Ubiquiti Inc");
  EXPECT_EQ(field(classify(plain, RuleSet::builtin(), {}, {}), "vendor"), "Ubiquiti");
  const auto unknown_brand = device_with({}, "Example Widgets Co.,Ltd.");
  const auto widget = classify(unknown_brand, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(widget, "vendor"), "Example Widgets");
  EXPECT_EQ(entry(widget, "vendor")->source, "oui");
}

TEST(Classifier, CaptureGroupsFillModelOsAndFirmware) {
  const auto device = device_with(
      {{Attr::SnmpSysDescr,
        "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, RELEASE"},
       {Attr::LldpPlatform, "cisco WS-C2960-24TT-L"}});
  const auto identity = classify(device, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "vendor"), "Cisco");
  EXPECT_EQ(field(identity, "type"), "switch");
  EXPECT_EQ(field(identity, "model"), "WS-C2960-24TT-L");
  EXPECT_EQ(field(identity, "os"), "Cisco IOS");
  EXPECT_EQ(field(identity, "firmware"), "12.2(55)SE7");
}

TEST(Classifier, StoredVerdictDoesNotFlapOnASlightlyStrongerNewcomer) {
  // Stored: a Google Cast receiver is a smart TV. New weak-ish evidence suggests a speaker.
  auto device = device_with({{Attr::MdnsServiceType, "_googlecast._tcp"},
                             {Attr::MdnsServiceType, "_spotify-connect._tcp"}});
  const std::vector<inventory::IdentityField> stored = {{"type", "smart_tv", 0.6, "rules", {}}};
  const auto kept = classify(device, RuleSet::builtin(), stored, {});
  EXPECT_EQ(field(kept, "type"), "smart_tv");

  // Strong evidence does change it.
  device.attributes.push_back({Attr::MdnsTxt, "md=Google Home Mini", "mdns", 0, 0, 1, 0});
  const auto changed = classify(device, RuleSet::builtin(), stored, {});
  EXPECT_EQ(field(changed, "type"), "smart_speaker");
  EXPECT_EQ(field(changed, "model"), "Google Home Mini");
}

TEST(Classifier, PinsOverrideAndSayWhatWardenWouldHaveSaid) {
  const auto device = device_with({{Attr::HttpServer, "App-webs/"}});
  const auto identity =
      classify(device, RuleSet::builtin(), {}, {{"type", "nvr_dvr"}, {"model", "DS-7608NI"}});
  const auto* type = entry(identity, "type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->value, "nvr_dvr");
  EXPECT_EQ(type->confidence, 1.0);
  EXPECT_EQ(type->source, "pin");
  EXPECT_THAT(type->evidence.back(), HasSubstr("\"ip_camera\""));
  EXPECT_EQ(field(identity, "model"), "DS-7608NI");
  EXPECT_EQ(field(identity, "vendor"), "Hikvision");
}

TEST(Classifier, OtIdentityObjects) {
  const auto plc = device_with({{Attr::IcsVendor, "Siemens"},
                                {Attr::IcsProduct, "6ES7 315-2EH14-0AB0"},
                                {Attr::IcsRevision, "V3.2.6"},
                                {Attr::Service, "tcp/102 s7comm"}});
  const auto identity = classify(plc, RuleSet::builtin(), {}, {});
  EXPECT_EQ(field(identity, "vendor"), "Siemens");
  EXPECT_EQ(field(identity, "type"), "plc");
  EXPECT_EQ(field(identity, "model"), "6ES7 315-2EH14-0AB0");
  EXPECT_EQ(field(identity, "firmware"), "V3.2.6");

  const auto hmi = device_with({{Attr::IcsFunction, "modbus read-holding-registers"}});
  EXPECT_EQ(field(classify(hmi, RuleSet::builtin(), {}, {}), "type"), "hmi");
}

TEST(Classifier, CitesTheFirstSeenMatchWhateverTheAttributeOrder) {
  auto device =
      device_with({{Attr::DnsQuery, "ws.meethue.com"}, {Attr::DnsQuery, "diag.meethue.com"}});
  device.attributes[0].first_us = 200;
  device.attributes[1].first_us = 100;  // diag.meethue.com was looked up first
  auto cited = [](const inventory::Device& copy) {
    const auto identity = classify(copy, RuleSet::builtin(), {}, {});
    const auto* vendor = entry(identity, "vendor");
    return vendor != nullptr && !vendor->evidence.empty() ? vendor->evidence.front()
                                                          : std::string();
  };
  const std::string first = cited(device);
  EXPECT_THAT(first, HasSubstr("dns.query \"diag.meethue.com\""));
  std::swap(device.attributes[0], device.attributes[1]);
  EXPECT_EQ(cited(device), first);
}

TEST(Classifier, ShortVendorName) {
  EXPECT_EQ(short_vendor_name("Hangzhou Hikvision Digital Technology Co.,Ltd."),
            "Hangzhou Hikvision Digital Technology");
  EXPECT_EQ(short_vendor_name("Apple, Inc."), "Apple");
  EXPECT_EQ(short_vendor_name("Raspberry Pi Trading Ltd"), "Raspberry Pi Trading");
  EXPECT_EQ(short_vendor_name("Cisco Systems, Inc"), "Cisco Systems");
}

}  // namespace
}  // namespace warden::identify
