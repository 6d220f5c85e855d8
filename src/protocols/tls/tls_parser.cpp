// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_parser.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace warden::proto::tls {
namespace {

constexpr std::size_t kRandomLength = 32;
constexpr std::size_t kMaxSessionIdLength = 32;
/// Entries examined in a server_name list; clients send exactly one.
constexpr std::size_t kMaxServerNames = 8;
/// SNI name_type host_name (RFC 6066 §3).
constexpr std::uint8_t kHostName = 0;

/// Hello bodies are parsed only once complete, so running out of bytes inside one means an inner
/// length lies: report that as Malformed rather than Incomplete.
template <typename T>
Result<T> complete_or_malformed(Result<T> result, const char* name) {
  if (!result && result.error().code == ParseErrorCode::Incomplete) {
    return fail(ParseErrorCode::Malformed, result.error().offset, name);
  }
  return result;
}

/// Body of a vector with a `prefix`-byte (1 or 2) length that must fill `data` exactly; empty
/// otherwise, so a malformed extension simply contributes nothing.
Bytes exact_vector_body(Bytes data, std::size_t prefix) {
  ByteReader reader(data);
  const auto length_bytes = reader.read_bytes(prefix);
  if (!length_bytes) {
    return {};
  }
  std::size_t length = 0;
  for (const std::uint8_t byte : *length_bytes) {
    length = (length << 8) | byte;
  }
  return length == reader.remaining() ? reader.rest() : Bytes{};
}

/// First host_name of a ServerNameList (RFC 6066 §3); empty when there is none.
std::string_view first_host_name(Bytes data) {
  ByteReader reader(exact_vector_body(data, 2));
  for (std::size_t name_idx = 0; name_idx < kMaxServerNames && !reader.empty(); ++name_idx) {
    const auto type = reader.read_u8();
    const auto length = reader.read_u16_be();
    if (!type || !length) {
      return {};
    }
    const auto name = reader.read_chars(*length);
    if (!name) {
      return {};
    }
    if (*type == kHostName) {
      return *name;
    }
  }
  return {};
}

/// Reads the extensions block that may end a hello. Calls `on_extension(Extension)` for each and
/// records the types in order.
template <typename OnExtension>
Result<bool> read_extensions(ByteReader& reader, ExtensionTypes& types,
                             OnExtension&& on_extension) {
  if (reader.empty()) {
    return true;  // extensions are optional before TLS 1.3
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t block_length, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(const Bytes block, reader.read_bytes(block_length));
  ByteReader extensions(block);
  for (std::size_t ext_idx = 0; !extensions.empty(); ++ext_idx) {
    if (ext_idx == kMaxExtensions) {
      return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "tls.too_many_extensions"));
    }
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t type, extensions.read_u16_be());
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, extensions.read_u16_be());
    WARDEN_ASSIGN_OR_RETURN(const Bytes data, extensions.read_bytes(length));
    types.values.at(types.count++) = type;
    on_extension(Extension{type, data});
  }
  return true;
}

/// Reads the legacy_version, random and session_id that open both hellos.
Result<bool> read_hello_prefix(ByteReader& reader, std::uint16_t& version, Bytes& random,
                               Bytes& session_id) {
  WARDEN_ASSIGN_OR_RETURN(version, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(random, reader.read_bytes(kRandomLength));
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t session_id_length, reader.read_u8());
  if (session_id_length > kMaxSessionIdLength) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "tls.session_id_too_long"));
  }
  WARDEN_ASSIGN_OR_RETURN(session_id, reader.read_bytes(session_id_length));
  return true;
}

Result<ClientHello> parse_client_hello_body(Bytes body) {
  ByteReader reader(body);
  ClientHello hello;
  WARDEN_RETURN_IF_ERROR(
      read_hello_prefix(reader, hello.legacy_version, hello.random, hello.session_id));
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t suites_length, reader.read_u16_be());
  if (suites_length % 2 != 0) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "tls.odd_cipher_suites_length"));
  }
  if (suites_length / 2 > kMaxListValues) {
    return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "tls.too_many_ciphers"));
  }
  WARDEN_ASSIGN_OR_RETURN(hello.cipher_suites, reader.read_bytes(suites_length));
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t compression_length, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(hello.compression_methods, reader.read_bytes(compression_length));
  WARDEN_RETURN_IF_ERROR(read_extensions(reader, hello.extension_types, [&](const Extension& e) {
    switch (e.type) {
      case ext::kServerName:
        if (!hello.has_server_name) {
          hello.has_server_name = true;
          hello.server_name = first_host_name(e.data);
        }
        break;
      case ext::kAlpn:
        if (!hello.has_alpn) {
          hello.has_alpn = true;
          hello.alpn = exact_vector_body(e.data, 2);
        }
        break;
      case ext::kSupportedVersions:
        if (!hello.has_supported_versions) {
          hello.has_supported_versions = true;
          hello.supported_versions = exact_vector_body(e.data, 1);
        }
        break;
      case ext::kSupportedGroups:
        hello.supported_groups = exact_vector_body(e.data, 2);
        break;
      case ext::kEcPointFormats:
        hello.ec_point_formats = exact_vector_body(e.data, 1);
        break;
      case ext::kSignatureAlgorithms:
        hello.signature_algorithms = exact_vector_body(e.data, 2);
        break;
      default:
        break;
    }
  }));
  return hello;
}

Result<ServerHello> parse_server_hello_body(Bytes body) {
  ByteReader reader(body);
  ServerHello hello;
  WARDEN_RETURN_IF_ERROR(
      read_hello_prefix(reader, hello.legacy_version, hello.random, hello.session_id));
  WARDEN_ASSIGN_OR_RETURN(hello.cipher_suite, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(hello.compression_method, reader.read_u8());
  WARDEN_RETURN_IF_ERROR(read_extensions(reader, hello.extension_types, [&](const Extension& e) {
    if (e.type == ext::kSupportedVersions) {
      ByteReader version(e.data);
      hello.selected_version = version.read_u16_be().value_or(0);
    }
  }));
  return hello;
}

}  // namespace

Result<RecordHeader> parse_record_header(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t type, reader.read_u8());
  if ((type & 0x80U) != 0) {
    return fail(ParseErrorCode::Unsupported, 0, "tls.sslv2_hello");
  }
  if (type < static_cast<std::uint8_t>(ContentType::ChangeCipherSpec) ||
      type > static_cast<std::uint8_t>(ContentType::Heartbeat)) {
    return fail(ParseErrorCode::Malformed, 0, "tls.bad_content_type");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t version, reader.read_u16_be());
  if ((version >> 8) != 3) {
    return fail(ParseErrorCode::Malformed, 1, "tls.bad_record_version");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  if (length > kMaxRecordLength) {
    return fail(ParseErrorCode::Malformed, 3, "tls.record_too_long");
  }
  return RecordHeader{static_cast<ContentType>(type), version, length};
}

Result<HandshakeHeader> parse_handshake_header(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t type, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint32_t length, reader.read_u24_be());
  return HandshakeHeader{type, length};
}

Result<ClientHello> parse_client_hello(Bytes body) {
  return complete_or_malformed(parse_client_hello_body(body), "tls.client_hello_truncated");
}

Result<ServerHello> parse_server_hello(Bytes body) {
  return complete_or_malformed(parse_server_hello_body(body), "tls.server_hello_truncated");
}

Result<Bytes> parse_first_certificate(Bytes body) {
  ByteReader reader(body);
  const auto chain_length = reader.read_u24_be();
  if (!chain_length || *chain_length > reader.remaining()) {
    return fail(ParseErrorCode::Malformed, 0, "tls.certificate_list_truncated");
  }
  if (*chain_length == 0) {
    return Bytes{};
  }
  const auto cert_length = reader.read_u24_be();
  if (!cert_length || *cert_length + 3 > *chain_length) {
    return fail(ParseErrorCode::Malformed, 3, "tls.certificate_truncated");
  }
  return reader.read_bytes(*cert_length);
}

std::uint16_t highest_offered_version(const ClientHello& hello) {
  std::uint16_t highest = 0;
  for_each_u16(hello.supported_versions, [&](std::uint16_t version) {
    if (!is_grease(version)) {
      highest = std::max(highest, version);
    }
  });
  return highest != 0 ? highest : hello.legacy_version;
}

std::string version_name(std::uint16_t version) {
  switch (version) {
    case 0x0304:
      return "1.3";
    case 0x0303:
      return "1.2";
    case 0x0302:
      return "1.1";
    case 0x0301:
      return "1.0";
    case 0x0300:
      return "ssl3";
    default:
      break;
  }
  const std::array<std::uint8_t, 2> raw = {static_cast<std::uint8_t>(version >> 8),
                                           static_cast<std::uint8_t>(version & 0xffU)};
  return "0x" + to_hex(raw);
}

}  // namespace warden::proto::tls
