// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "protocols/analyzer.hpp"
#include "protocols/ldap/ldap_parser.hpp"

namespace warden::proto::ldap {

/// Most messages handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxMessagesPerCall = 64;
/// Largest bind or extended operation buffered to be read (a Kerberos bind carries a ticket of a
/// few KiB); larger ones are skipped unseen with the anomaly "ldap.message_too_large". Every other
/// operation (searches and their results) is skipped as soon as its head is read, never buffered.
inline constexpr std::size_t kMaxBufferedMessageBytes = std::size_t{32} * 1024;
/// Most LoginAttempt observations per flow (a brute force may bind again and again on one
/// connection).
inline constexpr std::size_t kMaxLoginAttempts = 16;

/// Follows the binds of one LDAP connection (RFC 4511, RFC 4513), protocol "ldap".
///
/// - Protocol "ldap" about the sender, once per direction, after its first valid message.
/// - A simple bind with a password (not an anonymous or unauthenticated one) gives, about the
///   receiver (the server), CleartextCredential "ldap user=<bind DN>", and DefaultCredential
///   "ldap user=<bind DN> list=<mirai|vendor>" when the DN, the value of its first RDN
///   ("cn=admin,..." -> "admin") or the part of a user@domain name before '@' makes a pair on a
///   default list with the password. So does a SASL PLAIN bind (RFC 4616) with its
///   authentication identity. Passwords are compared and forgotten, never reported.
/// - The BindResponse to a bind (matched by message id; saslBindInProgress waits for the next
///   step) gives LoginAttempt "ldap user=<name> result=success" (resultCode 0) or
///   "... result=failure" (invalidCredentials 49, inappropriateAuthentication 48) about the server,
///   at most kMaxLoginAttempts per flow. The name is the bind DN of a simple bind, the SASL PLAIN
///   identity, the user of an NTLM AUTHENTICATE message ("DOMAIN\user") in a SASL (GSS-SPNEGO,
///   NTLM) or Microsoft Sicily bind, or "(none)" (Kerberos and other mechanisms hide it).
/// - A StartTLS request (RFC 4511 §4.14) answered with success ends the analysis (is_done()), and
///   so does a successful SASL bind by a mechanism other than PLAIN and EXTERNAL, or a Sicily
///   bind: they may set up a security layer that wraps every later message (RFC 4513 §5.2.1.2).
///
/// Anomalies: read_header()'s and read_message_head()'s names, which stop the direction;
/// "ldap.message_too_large"; "ldap.bad_bind", "ldap.bad_result", "ldap.bad_extended" for an
/// operation whose contents do not parse (it is skipped).
class LdapAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override { return done_; }

 private:
  Result<std::size_t> step(Direction dir, Bytes bytes, ObservationSink& sink);
  void on_bind_request(std::uint32_t message_id, Bytes contents, ObservationSink& sink);
  void on_bind_response(std::uint32_t message_id, Bytes contents, ObservationSink& sink);
  void on_extended_request(std::uint32_t message_id, Bytes contents, ObservationSink& sink);
  void on_extended_response(std::uint32_t message_id, Bytes contents, ObservationSink& sink);
  /// CleartextCredential and, on a default list, DefaultCredential about the server.
  void report_credential(std::string_view password, ObservationSink& sink);

  Name user_;                       ///< of the bind in progress
  std::uint32_t bind_id_ = 0;       ///< its message id
  std::uint32_t start_tls_id_ = 0;  ///< the StartTLS request's message id
  std::size_t login_attempts_ = 0;
  bool bind_pending_ = false;
  bool may_wrap_ = false;  ///< the bind in progress may set up a SASL security layer
  bool start_tls_pending_ = false;
  std::array<bool, 2> protocol_reported_{};  ///< per direction
  bool done_ = false;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_ldap_analyzer();

/// Recognises an LDAP BindRequest (version 2 or 3) as the first client payload on a port not
/// registered for LDAP.
[[nodiscard]] bool probe_ldap(Bytes first_payload);

}  // namespace warden::proto::ldap
