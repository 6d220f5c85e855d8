// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace warden::proto::upnp {

/// Longest description read; bytes past it are ignored (device fields come first).
inline constexpr std::size_t kMaxDescriptionBytes = std::size_t{64} * 1024;
/// Most markup constructs (tags, comments, CDATA sections, PIs) scanned in one description.
inline constexpr std::size_t kMaxMarkup = 8192;
/// Deepest element nesting accepted; deeper is "upnp.too_deep".
inline constexpr std::size_t kMaxDepth = 32;
/// Most decoded bytes kept per field; the rest is dropped (the inventory keeps far less).
inline constexpr std::size_t kMaxFieldBytes = 512;

/// The identification of the root device of a UPnP device description (UPnP Device Architecture
/// 2.0 §2.3): the direct children of the first `<device>` element. Values are text content with
/// the five predefined XML entities and numeric character references decoded, CDATA taken as is,
/// and surrounding whitespace removed; a field is empty when absent. Embedded devices (inside
/// `<deviceList>`) are not read.
struct DeviceDescription {
  std::string device_type;        ///< deviceType: "urn:schemas-upnp-org:device:MediaRenderer:1"
  std::string friendly_name;      ///< friendlyName: "Living Room TV"
  std::string manufacturer;       ///< manufacturer
  std::string manufacturer_url;   ///< manufacturerURL
  std::string model_description;  ///< modelDescription
  std::string model_name;         ///< modelName
  std::string model_number;       ///< modelNumber
  std::string serial_number;      ///< serialNumber
  std::string udn;                ///< UDN: "uuid:..."
  std::string presentation_url;   ///< presentationURL
  bool found_device = false;      ///< a `<device>` start tag was seen
  bool complete = false;          ///< that element was closed within the input
};

/// Scans `xml` (a description body, or a prefix of one; only its first kMaxDescriptionBytes) for
/// the root device's fields. This is a bounded scanner, not an XML parser: it tolerates attributes
/// and namespace prefixes, ignores comments, processing instructions and DOCTYPE, and stops at the
/// end of the root device. Input that ends early yields what was found with `complete` false.
/// Errors only for limits: LimitExceeded "upnp.too_much_markup" (kMaxMarkup) or "upnp.too_deep"
/// (kMaxDepth).
[[nodiscard]] Result<DeviceDescription> parse_description(std::string_view xml);

}  // namespace warden::proto::upnp
