// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "detect/alert.hpp"
#include "inventory/device.hpp"
#include "siem/event.hpp"

namespace warden::app {

/// A stored alert as a SIEM event (Kind::Alert).
siem::Event alert_event(const detect::Alert& alert);
/// A device's finding as a SIEM event (Kind::Finding), with the device's identity.
siem::Event finding_event(const inventory::Device& device, const inventory::Finding& finding);
/// A device that joined the inventory in this run (Kind::InventoryChange).
siem::Event new_device_event(const inventory::Device& device);

}  // namespace warden::app
