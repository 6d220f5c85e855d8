// SPDX-License-Identifier: Apache-2.0
#include "protocols/ldap/ldap_analyzer.hpp"

#include <optional>
#include <string>

#include "protocols/credentials/default_credentials.hpp"

namespace warden::proto::ldap {
namespace {

constexpr std::string_view kProtocol = "ldap";
constexpr std::uint32_t kResultInappropriateAuthentication = 48;

/// The names a default list may know a bind DN by: the DN itself, the value of its first RDN
/// ("cn=admin,dc=example,dc=org" -> "admin"), and the local part of "user@domain".
credentials::DefaultList match_default_name(std::string_view name, std::string_view password) {
  credentials::DefaultList list = credentials::match_default(name, password);
  if (list != credentials::DefaultList::None) {
    return list;
  }
  const std::size_t equals = name.find('=');
  if (equals != std::string_view::npos) {
    const std::size_t comma = name.find(',', equals);
    const std::string_view rdn_value =
        name.substr(equals + 1, comma == std::string_view::npos ? comma : comma - equals - 1);
    list = credentials::match_default(rdn_value, password);
    if (list != credentials::DefaultList::None) {
      return list;
    }
  }
  const std::size_t at = name.find('@');
  if (at != std::string_view::npos && at > 0) {
    list = credentials::match_default(name.substr(0, at), password);
  }
  return list;
}

/// The contents of the protocolOp of a whole message, or nullopt when its TLV does not fit in it.
std::optional<Bytes> op_contents(Bytes message, const MessageHead& head) {
  const auto header = read_header(message.subspan(head.op_offset));
  if (!header || header->total() > message.size() - head.op_offset) {
    return std::nullopt;
  }
  return message.subspan(head.op_offset + header->header_length, header->content_length);
}

bool is_read(std::uint8_t op, Direction dir) {
  if (dir == Direction::ToServer) {
    return op == static_cast<std::uint8_t>(Op::BindRequest) ||
           op == static_cast<std::uint8_t>(Op::ExtendedRequest);
  }
  return op == static_cast<std::uint8_t>(Op::BindResponse) ||
         op == static_cast<std::uint8_t>(Op::ExtendedResponse);
}

}  // namespace

Result<std::size_t> LdapAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  return run_steps(
      bytes, kMaxMessagesPerCall, "ldap.incomplete", sink,
      [&](Bytes rest) { return step(dir, rest, sink); }, [this] { return done_; });
}

Result<std::size_t> LdapAnalyzer::step(Direction dir, Bytes bytes, ObservationSink& sink) {
  WARDEN_ASSIGN_OR_RETURN(const MessageHead head, read_message_head(bytes));
  const auto side = static_cast<std::size_t>(dir);
  if (!protocol_reported_.at(side)) {
    protocol_reported_.at(side) = true;
    sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  }
  if (!is_read(head.op, dir)) {
    return head.total_length;  // skipped without being buffered
  }
  if (head.total_length > kMaxBufferedMessageBytes) {
    sink.anomaly("ldap.message_too_large");
    return head.total_length;
  }
  if (bytes.size() < head.total_length) {
    return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(bytes.size()),
                "ldap.truncated");
  }
  const Bytes message = bytes.first(head.total_length);
  const auto contents = op_contents(message, head);
  if (!contents) {
    sink.anomaly("ldap.bad_message");
    return head.total_length;
  }
  switch (static_cast<Op>(head.op)) {
    case Op::BindRequest:
      on_bind_request(head.message_id, *contents, sink);
      break;
    case Op::BindResponse:
      on_bind_response(head.message_id, *contents, sink);
      break;
    case Op::ExtendedRequest:
      on_extended_request(head.message_id, *contents, sink);
      break;
    case Op::ExtendedResponse:
      on_extended_response(head.message_id, *contents, sink);
      break;
    default:
      break;
  }
  return head.total_length;
}

void LdapAnalyzer::on_bind_request(std::uint32_t message_id, Bytes contents,
                                   ObservationSink& sink) {
  const auto bind = parse_bind_request(contents);
  if (!bind) {
    sink.anomaly(bind.error().name);
    return;
  }
  // A new bind abandons the one in progress (RFC 4511 §4.2.1); a SASL step keeps the name a
  // previous step gave when this one carries none.
  const bool continues = bind_pending_ && bind->kind != AuthKind::Simple;
  bind_pending_ = true;
  bind_id_ = message_id;
  // A SASL mechanism other than PLAIN and EXTERNAL may negotiate a security layer (RFC 4513
  // §5.2.1.2; Active Directory signs and seals after GSS-SPNEGO), and a Sicily bind may seal:
  // after such a bind succeeds, the rest of the connection may be wrapped.
  may_wrap_ = (bind->kind == AuthKind::Sasl && bind->mechanism != "PLAIN" &&
               bind->mechanism != "EXTERNAL") ||
              bind->kind == AuthKind::Sicily;
  if (!continues) {
    user_ = Name{};
  }
  switch (bind->kind) {
    case AuthKind::Simple:
      if (bind->password.empty()) {
        bind_pending_ = false;  // anonymous or unauthenticated (RFC 4513 §5.1): no login
        return;
      }
      user_.append(bind->name.empty() ? std::string_view("(none)") : bind->name);
      report_credential(bind->password, sink);
      return;
    case AuthKind::Sasl:
      if (bind->mechanism == "PLAIN") {
        if (const auto plain = parse_sasl_plain(bind->credentials)) {
          user_ = Name{};
          user_.append(plain->user.empty() ? std::string_view("(none)") : plain->user);
          report_credential(plain->password, sink);
        }
        return;
      }
      break;
    case AuthKind::Sicily:
    case AuthKind::Other:
      break;
  }
  if (const auto ntlm = find_ntlm_user(bind->credentials)) {
    user_ = ntlm->length > 0 ? *ntlm : Name{};
    if (ntlm->length == 0) {
      user_.append("(none)");  // an anonymous NTLM login
    }
  }
}

void LdapAnalyzer::report_credential(std::string_view password, ObservationSink& sink) {
  std::string value = "ldap user=";
  value += user_.view();
  sink.observe({Subject::receiver(), Attr::CleartextCredential, value, kProtocol});
  // The password is only compared, never kept: it aliases the flow buffer.
  const credentials::DefaultList list = match_default_name(user_.view(), password);
  if (list != credentials::DefaultList::None) {
    value += " list=";
    value += credentials::list_name(list);
    sink.observe({Subject::receiver(), Attr::DefaultCredential, value, kProtocol});
  }
}

void LdapAnalyzer::on_bind_response(std::uint32_t message_id, Bytes contents,
                                    ObservationSink& sink) {
  const auto result = parse_result(contents);
  if (!result) {
    sink.anomaly(result.error().name);
    return;
  }
  if (!bind_pending_ || message_id != bind_id_ || result->code == kResultSaslBindInProgress) {
    return;
  }
  bind_pending_ = false;
  const bool success = result->code == kResultSuccess;
  done_ = success && may_wrap_;  // what follows may be SASL-wrapped, and is no bind anyway
  const bool failure = result->code == kResultInvalidCredentials ||
                       result->code == kResultInappropriateAuthentication;
  if ((!success && !failure) || login_attempts_ >= kMaxLoginAttempts) {
    return;
  }
  ++login_attempts_;
  std::string value = "ldap user=";
  value += user_.length > 0 ? user_.view() : std::string_view("(none)");
  value += success ? " result=success" : " result=failure";
  sink.observe({Subject::sender(), Attr::LoginAttempt, value, kProtocol});
}

void LdapAnalyzer::on_extended_request(std::uint32_t message_id, Bytes contents,
                                       ObservationSink& sink) {
  const auto name = parse_extended_name(contents);
  if (!name) {
    sink.anomaly(name.error().name);
    return;
  }
  if (*name == kStartTlsOid) {
    start_tls_pending_ = true;
    start_tls_id_ = message_id;
  }
}

void LdapAnalyzer::on_extended_response(std::uint32_t message_id, Bytes contents,
                                        ObservationSink& sink) {
  const auto result = parse_result(contents);
  if (!result) {
    sink.anomaly(result.error().name);
    return;
  }
  if (start_tls_pending_ && message_id == start_tls_id_) {
    start_tls_pending_ = false;
    done_ = result->code == kResultSuccess;  // the rest of the connection is TLS
  }
}

std::unique_ptr<StreamAnalyzer> make_ldap_analyzer() {
  return std::make_unique<LdapAnalyzer>();
}

bool probe_ldap(Bytes first_payload) {
  const auto head = read_message_head(first_payload);
  if (!head || head->op != static_cast<std::uint8_t>(Op::BindRequest) ||
      head->total_length > first_payload.size()) {
    return false;
  }
  const auto contents = op_contents(first_payload.first(head->total_length), *head);
  if (!contents) {
    return false;
  }
  const auto bind = parse_bind_request(*contents);
  return bind && (bind->version == 2 || bind->version == 3);
}

}  // namespace warden::proto::ldap
