// SPDX-License-Identifier: Apache-2.0
#include "protocols/ssdp/ssdp_parser.hpp"

#include "protocols/http/http_parser.hpp"

namespace warden::proto::ssdp {

Result<Message> parse_message(Bytes datagram) {
  WARDEN_ASSIGN_OR_RETURN(const http::Head head, http::parse_datagram_head(datagram));
  Message message;
  if (!head.is_request()) {
    if (head.status != 200) {
      return fail(ParseErrorCode::Unsupported, 0, "ssdp.unexpected_status");
    }
    message.kind = MessageKind::Response;
  } else if (head.method == "NOTIFY") {
    message.kind = MessageKind::Notify;
  } else if (head.method == "M-SEARCH") {
    message.kind = MessageKind::Search;
  } else {
    return fail(ParseErrorCode::Unsupported, 0, "ssdp.unknown_method");
  }
  message.server = head.get("SERVER");
  message.location = head.get("LOCATION");
  message.usn = head.get("USN");
  message.nt = head.get("NT");
  message.nts = head.get("NTS");
  message.st = head.get("ST");
  message.user_agent = head.get("USER-AGENT");
  return message;
}

}  // namespace warden::proto::ssdp
