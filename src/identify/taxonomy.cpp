// SPDX-License-Identifier: Apache-2.0
#include "identify/taxonomy.hpp"

#include <array>

namespace warden::identify {
namespace {

constexpr std::array<DeviceType, 29> kTypes = {{
    {"ip_camera", "IP camera", "iot"},
    {"nvr_dvr", "NVR / DVR", "iot"},
    {"video_doorbell", "Video doorbell", "iot"},
    {"smart_speaker", "Smart speaker", "iot"},
    {"smart_tv", "Smart TV / streamer", "iot"},
    {"thermostat", "Thermostat", "iot"},
    {"smart_plug", "Smart plug / switch", "iot"},
    {"lighting", "Lighting hub / bulb", "iot"},
    {"sensor", "Sensor", "iot"},
    {"smart_lock", "Smart lock", "iot"},
    {"iot_hub", "IoT hub / gateway", "iot"},
    {"printer", "Printer", "iot"},
    {"ip_phone", "IP phone", "iot"},
    {"plc", "PLC", "ot"},
    {"hmi", "HMI / engineering workstation", "ot"},
    {"rtu", "RTU", "ot"},
    {"building_controller", "Building controller", "ot"},
    {"medical_device", "Medical device", "medical"},
    {"router", "Router", "network"},
    {"switch", "Switch", "network"},
    {"access_point", "Access point", "network"},
    {"firewall", "Firewall", "network"},
    {"nas", "NAS", "it"},
    {"computer", "Computer", "it"},
    {"phone_tablet", "Phone / tablet", "it"},
    {"game_console", "Game console", "other"},
    {"wearable", "Wearable / health", "iot"},
    {"appliance", "Appliance", "iot"},
    {"unknown", "Unknown", "other"},
}};

}  // namespace

std::span<const DeviceType> device_types() {
  return kTypes;
}

std::optional<DeviceType> find_device_type(std::string_view id) {
  for (const DeviceType& type : kTypes) {
    if (type.id == id) {
      return type;
    }
  }
  return std::nullopt;
}

}  // namespace warden::identify
