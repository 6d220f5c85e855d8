// SPDX-License-Identifier: Apache-2.0
#include "identify/recog.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "identify/classifier.hpp"

namespace warden::identify {
namespace {

std::string recog_dir() {
  return std::string(WARDEN_SOURCE_DIR) + "/../shared/knowledge/recog";
}

TEST(Recog, DeviceTypesMapToTheTaxonomy) {
  EXPECT_EQ(recog_device_type("IP Camera"), "ip_camera");
  EXPECT_EQ(recog_device_type("WAP"), "access_point");
  EXPECT_EQ(recog_device_type("Lights Out Management"), "");
}

TEST(Recog, MissingDirectoryIsAnError) {
  EXPECT_FALSE(load_recog("/nonexistent/recog", nullptr));
}

TEST(Recog, LoadsTheSharedCopyAndIdentifiesFromIt) {
  if (!std::filesystem::is_directory(recog_dir())) {
    GTEST_SKIP() << "../shared/knowledge/recog is absent";
  }
  RecogStats stats;
  auto loaded = load_recog(recog_dir(), &stats);
  ASSERT_TRUE(loaded) << loaded.error().text();
  EXPECT_EQ(stats.files, 9U);
  EXPECT_GT(stats.rules, 1000U);

  // Recog alone (no built-in rules): a Hikvision DVR's web server and an SNMP sysDescr.
  inventory::Device device;
  device.key = "mac:00:11:22:33:44:55";
  device.attributes.push_back({proto::Attr::HttpServer, "DNVRS-Webs", "http", 0, 0, 2, 0});
  const auto identity = classify(device, *loaded, {}, {});
  ASSERT_NE(
      std::find_if(identity.begin(), identity.end(),
                   [](const auto& f) { return f.field == "vendor" && f.value == "Hikvision"; }),
      identity.end());
  for (const auto& field : identity) {
    if (field.field == "vendor") {
      EXPECT_NE(field.evidence.front().find("recog:http_servers.xml"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace warden::identify
