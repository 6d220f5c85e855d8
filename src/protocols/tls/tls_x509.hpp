// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

/// A small, bounded DER walker (ITU-T X.690) that reads only the subject and issuer of an X.509
/// certificate (RFC 5280 §4.1). It follows one fixed path through the structure, so nesting depth
/// is bounded by construction; lengths use at most kMaxDerLengthOctets octets.
namespace warden::proto::tls {

/// Long-form DER lengths longer than this are rejected (4 octets already exceed any record).
inline constexpr std::size_t kMaxDerLengthOctets = 4;
/// Most RelativeDistinguishedNames rendered per Name.
inline constexpr std::size_t kMaxRdns = 32;
/// Most attributes rendered per RelativeDistinguishedName (multi-valued RDNs are rare).
inline constexpr std::size_t kMaxAttributesPerRdn = 8;
/// Rendering stops once a name reaches this many characters.
inline constexpr std::size_t kMaxRenderedNameLength = 1024;

/// Subject and issuer in RFC 4514 form, most specific first: "CN=foo,O=Bar,C=US".
struct CertificateNames {
  std::string subject;
  std::string issuer;
};

/// Extracts subject and issuer from a DER certificate. Attributes other than CN, C, L, ST, O, OU,
/// DC and emailAddress, and values that are not character strings, are left out.
[[nodiscard]] Result<CertificateNames> parse_certificate_names(Bytes der);

/// Renders the contents of a DER Name (the SEQUENCE OF RelativeDistinguishedName, without its own
/// tag and length) in RFC 4514 form, escaping special characters.
[[nodiscard]] Result<std::string> render_distinguished_name(Bytes name);

}  // namespace warden::proto::tls
