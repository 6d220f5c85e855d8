// SPDX-License-Identifier: Apache-2.0
#include "protocols/coap/coap_parser.hpp"

namespace warden::proto::coap {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kPayloadMarker = 0xFF;
/// Nibble values that announce extended deltas and lengths (RFC 7252 §3.1).
constexpr std::uint8_t kExtend8 = 13;
constexpr std::uint8_t kExtend16 = 14;
constexpr std::uint8_t kReserved = 15;
constexpr std::uint32_t kExtend16Base = 269;
constexpr std::size_t kMaxUintBytes = 4;

Result<Message> truncated(const ByteReader& reader) {
  return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
              "coap.truncated");
}

/// The extended form of a 4-bit delta or length nibble; nullopt on a short datagram.
std::optional<std::uint32_t> read_extended(ByteReader& reader, std::uint8_t nibble) {
  if (nibble == kExtend8) {
    const auto byte = reader.read_u8();
    return byte ? std::optional<std::uint32_t>(*byte + std::uint32_t{kExtend8}) : std::nullopt;
  }
  if (nibble == kExtend16) {
    const auto word = reader.read_u16_be();
    return word ? std::optional<std::uint32_t>(*word + kExtend16Base) : std::nullopt;
  }
  return nibble;
}

}  // namespace

Result<Message> parse_message(Bytes datagram) {
  ByteReader reader(datagram);
  const auto first = reader.read_u8();
  const auto code = reader.read_u8();
  const auto message_id = reader.read_u16_be();
  if (!first || !code || !message_id) {
    return truncated(reader);
  }
  if ((*first >> 6U) != kVersion) {
    return fail(ParseErrorCode::Malformed, 0, "coap.bad_version");
  }
  Message message;
  message.type = static_cast<MessageType>((*first >> 4U) & 0x03U);
  message.code = *code;
  message.message_id = *message_id;
  const std::size_t token_length = *first & 0x0FU;
  if (token_length > kMaxTokenLength) {
    return fail(ParseErrorCode::Malformed, 0, "coap.bad_token_length");
  }
  const std::uint8_t code_class = message.code_class();
  if (code_class == 1 || code_class > 5) {
    return fail(ParseErrorCode::Malformed, 1, "coap.reserved_code_class");
  }
  if (message.is_empty()) {
    if (token_length != 0 || !reader.empty()) {
      return fail(ParseErrorCode::Malformed, 4, "coap.bad_empty_message");
    }
    return message;
  }
  const auto token = reader.read_bytes(token_length);
  if (!token) {
    return truncated(reader);
  }
  message.token = *token;
  std::uint32_t number = 0;
  for (std::size_t option_idx = 0; !reader.empty(); ++option_idx) {
    const std::uint8_t header = *reader.read_u8();
    if (header == kPayloadMarker) {
      if (reader.empty()) {
        return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                    "coap.empty_payload");
      }
      message.payload = reader.rest();
      break;
    }
    if (option_idx == kMaxOptions) {
      return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(reader.position()),
                  "coap.too_many_options");
    }
    const auto delta_nibble = static_cast<std::uint8_t>(header >> 4U);
    const auto length_nibble = static_cast<std::uint8_t>(header & 0x0FU);
    if (delta_nibble == kReserved) {
      return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                  "coap.reserved_option_delta");
    }
    if (length_nibble == kReserved) {
      return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                  "coap.reserved_option_length");
    }
    const auto delta = read_extended(reader, delta_nibble);
    const auto length = delta ? read_extended(reader, length_nibble) : std::nullopt;
    if (!length) {
      return truncated(reader);
    }
    number += *delta;  // at most 64 options of at most 65804: no overflow
    const auto value = reader.read_bytes(*length);
    if (!value) {
      return truncated(reader);
    }
    ++message.option_count;
    if (number == kOptionUriPath) {
      if (message.path_count == kMaxPathSegments) {
        message.path_truncated = true;
      } else {
        message.path.at(message.path_count++) = as_chars(*value);
      }
    } else if (number == kOptionContentFormat) {
      if (value->size() > kMaxUintBytes) {
        return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                    "coap.bad_content_format");
      }
      std::uint32_t format = 0;
      for (const std::uint8_t byte : *value) {
        format = (format << 8U) | byte;
      }
      message.content_format = format;
    }
  }
  return message;
}

std::string_view method_name(std::uint8_t code) {
  switch (code) {
    case 1:
      return "GET";
    case 2:
      return "POST";
    case 3:
      return "PUT";
    case 4:
      return "DELETE";
    case 5:
      return "FETCH";
    case 6:
      return "PATCH";
    case 7:
      return "iPATCH";
    default:
      return "";
  }
}

std::string_view content_format_name(std::uint32_t format) {
  switch (format) {
    case 0:
      return "text/plain;charset=utf-8";
    case 16:
      return "application/cose;cose-type=\"cose-encrypt0\"";
    case 40:
      return "application/link-format";
    case 41:
      return "application/xml";
    case 42:
      return "application/octet-stream";
    case 47:
      return "application/exi";
    case 50:
      return "application/json";
    case 51:
      return "application/json-patch+json";
    case 52:
      return "application/merge-patch+json";
    case 60:
      return "application/cbor";
    case 61:
      return "application/cwt";
    case 110:
      return "application/senml+json";
    case 111:
      return "application/sensml+json";
    case 112:
      return "application/senml+cbor";
    case 113:
      return "application/sensml+cbor";
    case 114:
      return "application/senml-exi";
    case 115:
      return "application/sensml-exi";
    case 256:
      return "application/coap-group+json";
    case 310:
      return "application/senml+xml";
    case 311:
      return "application/sensml+xml";
    case 11542:
      return "application/vnd.oma.lwm2m+tlv";
    case 11543:
      return "application/vnd.oma.lwm2m+json";
    case 11544:
      return "application/vnd.oma.lwm2m+cbor";
    default:
      return "";
  }
}

}  // namespace warden::proto::coap
