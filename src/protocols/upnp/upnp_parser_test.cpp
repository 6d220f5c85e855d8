// SPDX-License-Identifier: Apache-2.0
#include "protocols/upnp/upnp_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "protocols/upnp/upnp_test_vectors.hpp"

namespace warden::proto::upnp {
namespace {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data

DeviceDescription parse_ok(std::string_view xml) {
  const auto parsed = parse_description(xml);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().name);
  return parsed ? *parsed : DeviceDescription{};
}

TEST(UpnpDescription, ReadsChromecastDescription) {
  const DeviceDescription device = parse_ok(testdata::kChromecastDescription);
  EXPECT_TRUE(device.found_device);
  EXPECT_TRUE(device.complete);
  EXPECT_EQ(device.device_type, "urn:dial-multiscreen-org:device:dial:1");
  EXPECT_EQ(device.friendly_name, "Chromecast1699");
  EXPECT_EQ(device.manufacturer, "Google Inc.");
  EXPECT_EQ(device.model_name, "Eureka Dongle");
  EXPECT_EQ(device.udn, "uuid:79d88e83-725c-b71b-bad0-5862d5b22386");
  EXPECT_TRUE(device.serial_number.empty());
  EXPECT_TRUE(device.model_number.empty());
}

TEST(UpnpDescription, ReadsRokuDescription) {
  const DeviceDescription device = parse_ok(testdata::kRokuDescription);
  EXPECT_TRUE(device.complete);
  EXPECT_EQ(device.device_type, "urn:roku-com:device:player:1-0");
  EXPECT_EQ(device.friendly_name, "Express");
  EXPECT_EQ(device.manufacturer, "Roku");
  EXPECT_EQ(device.manufacturer_url, "http://www.roku.com/");
  EXPECT_EQ(device.model_description, "Roku Streaming Player Network Media");
  EXPECT_EQ(device.model_name, "Roku Express");
  EXPECT_EQ(device.model_number, "3900X");
  EXPECT_EQ(device.serial_number, "YG004J486863");
  EXPECT_EQ(device.udn, "uuid:295c0004-6807-106d-80cf-d831342077fb");
}

TEST(UpnpDescription, TakesRootDeviceFieldsNotEmbeddedDevices) {
  const DeviceDescription device = parse_ok(testdata::kIgdDescription);
  EXPECT_TRUE(device.complete);
  EXPECT_EQ(device.device_type, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
  EXPECT_EQ(device.friendly_name, "Tomato & Toastman\u00ae Router");
  EXPECT_EQ(device.manufacturer, "Tomato Firmware <Toastman>");
  EXPECT_EQ(device.model_name, "Tomato Router");
  EXPECT_EQ(device.model_number, "1.28.7500");
  EXPECT_EQ(device.serial_number, "00000000");
  EXPECT_EQ(device.udn, "uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f");
  EXPECT_EQ(device.presentation_url, "http://192.168.1.1/");
}

TEST(UpnpDescription, EveryPrefixYieldsOnlyWholeValues) {
  const DeviceDescription whole = parse_ok(testdata::kIgdDescription);
  for (const std::string_view xml :
       {testdata::kChromecastDescription, testdata::kRokuDescription, testdata::kIgdDescription}) {
    const DeviceDescription full = parse_ok(xml);
    for (std::size_t length = 0; length < xml.size(); ++length) {
      const std::string cut(xml.substr(0, length));  // exact size for AddressSanitizer
      const DeviceDescription device = parse_ok(cut);
      for (const auto field : {&DeviceDescription::friendly_name, &DeviceDescription::udn,
                               &DeviceDescription::model_name, &DeviceDescription::serial_number,
                               &DeviceDescription::presentation_url}) {
        if (!(device.*field).empty()) {
          EXPECT_EQ(device.*field, full.*field) << "prefix " << length;
        }
      }
      if (device.complete) {
        EXPECT_EQ(device.udn, full.udn);
      }
    }
  }
  EXPECT_TRUE(whole.complete);
}

TEST(UpnpDescription, DecodesReferencesAndKeepsInvalidOnesLiterally) {
  const DeviceDescription device = parse_ok(
      "<root><device><friendlyName> a&lt;b&gt;&quot;c&quot;&apos;&#65;&#x42;&#x20AC;&#x1F600; "
      "</friendlyName><modelName>&#0;&#xD800;&#x110000;&nbsp;&amp &#xZZ;&</modelName>"
      "</device></root>"sv);
  EXPECT_EQ(device.friendly_name, "a<b>\"c\"'AB\u20ac\U0001F600");
  EXPECT_EQ(device.model_name, "&#0;&#xD800;&#x110000;&nbsp;&amp &#xZZ;&");
}

TEST(UpnpDescription, IgnoresFieldsHoldingElementsAndEmptyOnes) {
  const DeviceDescription device = parse_ok(
      "<root><device><friendlyName>x<b>y</b></friendlyName><serialNumber/>"
      "<modelName></modelName><UDN>uuid:1</UDN></device></root>"sv);
  EXPECT_TRUE(device.friendly_name.empty());
  EXPECT_TRUE(device.serial_number.empty());
  EXPECT_TRUE(device.model_name.empty());
  EXPECT_EQ(device.udn, "uuid:1");
  EXPECT_TRUE(device.complete);
}

TEST(UpnpDescription, ToleratesQuotedBracketsStrayEndTagsAndDoctype) {
  const DeviceDescription device = parse_ok(
      "</x></y><!DOCTYPE root><?pi a?>< bad<root><device a=\"1>2\" b='>'>"
      "<friendlyName>ok</friendlyName></device></root>"sv);
  EXPECT_EQ(device.friendly_name, "ok");
  EXPECT_TRUE(device.complete);
}

TEST(UpnpDescription, ReportsNothingForOtherXml) {
  const DeviceDescription soap = parse_ok(
      "<?xml version=\"1.0\"?><s:Envelope><s:Body><u:GetStatusInfoResponse>"
      "<NewConnectionStatus>Connected</NewConnectionStatus></u:GetStatusInfoResponse>"
      "</s:Body></s:Envelope>"sv);
  EXPECT_FALSE(soap.found_device);
  EXPECT_FALSE(soap.complete);
  EXPECT_FALSE(parse_ok("").found_device);
}

TEST(UpnpDescription, BoundsNestingMarkupAndFieldLength) {
  std::string deep;
  for (int level = 0; level < 1000; ++level) {
    deep += "<a>";
  }
  const auto too_deep = parse_description(deep);
  ASSERT_FALSE(too_deep);
  EXPECT_STREQ(too_deep.error().name, "upnp.too_deep");

  std::string flat = "<root>";
  for (int element_idx = 0; element_idx < 10000; ++element_idx) {
    flat += "<a/>";
  }
  const auto too_much = parse_description(flat);
  ASSERT_FALSE(too_much);
  EXPECT_STREQ(too_much.error().name, "upnp.too_much_markup");

  const auto with_name = [](std::size_t length) {
    return "<root><device><friendlyName>" + std::string(length, 'x') +
           "</friendlyName></device></root>";
  };
  const DeviceDescription long_name = parse_ok(with_name(10000));
  EXPECT_EQ(long_name.friendly_name.size(), kMaxFieldBytes);
  EXPECT_TRUE(long_name.complete);
  // Past kMaxDescriptionBytes nothing is read: the name never ends.
  const DeviceDescription huge = parse_ok(with_name(100000));
  EXPECT_TRUE(huge.friendly_name.empty());
  EXPECT_FALSE(huge.complete);

  const std::string entities = "<root><device><friendlyName>" + [] {
    std::string text;
    for (int ref_idx = 0; ref_idx < 5000; ++ref_idx) {
      text += "&#x1F600;";
    }
    return text;
  }() + "</friendlyName></device></root>";
  EXPECT_LE(parse_ok(entities).friendly_name.size(), kMaxFieldBytes);
}

TEST(UpnpDescription, StopsAtUnterminatedConstructs) {
  for (const std::string_view xml :
       {"<root><device><!-- never closed"sv, "<root><device><friendlyName><![CDATA[x"sv,
        R"(<root><device a="never closed>)"sv, "<root><device><?pi"sv, "<"sv, "<root><device"sv}) {
    const DeviceDescription device = parse_ok(xml);
    EXPECT_FALSE(device.complete);
    EXPECT_TRUE(device.friendly_name.empty());
  }
}

}  // namespace
}  // namespace warden::proto::upnp
