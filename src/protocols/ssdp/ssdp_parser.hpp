// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::ssdp {

/// The SSDP messages of UPnP Device Architecture 2.0 §1 (HTTP/1.1 over UDP, "HTTPU").
enum class MessageKind : std::uint8_t {
  Notify,    ///< NOTIFY * HTTP/1.1: advertisement, NTS ssdp:alive / ssdp:byebye / ssdp:update
  Search,    ///< M-SEARCH * HTTP/1.1: a control point looking for devices (§1.3.2)
  Response,  ///< HTTP/1.1 200 OK: a device answering a search (§1.3.3)
};

/// One SSDP datagram. Views alias the datagram; a field is empty when its header is absent.
/// Header names are matched case-insensitively ("lOCATION" is seen in the wild).
struct Message {
  MessageKind kind = MessageKind::Notify;
  std::string_view server;      ///< SERVER: "OS/version UPnP/2.0 product/version"
  std::string_view location;    ///< LOCATION: URL of the root device description
  std::string_view usn;         ///< USN: unique service name, "uuid:...::urn:..."
  std::string_view nt;          ///< NT (NOTIFY): notification type
  std::string_view nts;         ///< NTS (NOTIFY): "ssdp:alive", "ssdp:byebye", "ssdp:update"
  std::string_view st;          ///< ST: search target (M-SEARCH), or the type answered (200 OK)
  std::string_view user_agent;  ///< USER-AGENT (M-SEARCH, UDA 2.0)
};

/// Parses an SSDP datagram with the HTTP head parser (at most http::kMaxHeaders headers). Errors:
/// the parser's for non-HTTP bytes; Unsupported "ssdp.unknown_method" for other methods and
/// "ssdp.unexpected_status" for responses other than 200.
[[nodiscard]] Result<Message> parse_message(Bytes datagram);

}  // namespace warden::proto::ssdp
