// SPDX-License-Identifier: Apache-2.0
#include "protocols/bacnet/bacnet_parser.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace warden::proto::bacnet {
namespace {

constexpr std::uint8_t kTagUnsigned = 2;
constexpr std::uint8_t kTagCharacterString = 7;
constexpr std::uint8_t kTagEnumerated = 9;
constexpr std::uint8_t kTagObjectId = 12;
constexpr std::uint8_t kCharsetUtf8 = 0;
constexpr std::uint8_t kCharsetUcs2 = 4;
constexpr std::uint8_t kCharsetLatin1 = 5;

/// A BACnet tag header (clause 20.2.1).
struct Tag {
  std::uint8_t number;
  bool context;
  bool opening;
  bool closing;
  std::uint32_t length;
};

Result<Tag> read_tag(ByteReader& reader) {
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t first, reader.read_u8());
  Tag tag{static_cast<std::uint8_t>(first >> 4), (first & 0x08U) != 0, false, false, 0};
  if (tag.number == 15) {
    WARDEN_ASSIGN_OR_RETURN(tag.number, reader.read_u8());
  }
  const auto lvt = static_cast<std::uint8_t>(first & 0x07U);
  if (tag.context && lvt == 6) {
    tag.opening = true;
    return tag;
  }
  if (tag.context && lvt == 7) {
    tag.closing = true;
    return tag;
  }
  if (!tag.context && tag.number == 1) {
    return tag;  // boolean: the value is in the length bits, no content octets
  }
  if (lvt < 5) {
    tag.length = lvt;
    return tag;
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t extended, reader.read_u8());
  if (extended == 254) {
    WARDEN_ASSIGN_OR_RETURN(tag.length, reader.read_u16_be());
  } else if (extended == 255) {
    WARDEN_ASSIGN_OR_RETURN(tag.length, reader.read_u32_be());
  } else {
    tag.length = extended;
  }
  return tag;
}

/// Big-endian unsigned of 1 to 4 content octets.
std::optional<std::uint32_t> to_unsigned(Bytes content) {
  if (content.empty() || content.size() > 4) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  for (const std::uint8_t byte : content) {
    value = (value << 8) | byte;
  }
  return value;
}

ObjectId to_object_id(std::uint32_t raw) {
  return {static_cast<std::uint16_t>(raw >> 22), raw & 0x3FFFFFU};
}

/// Appends code point `cp` (BMP) as UTF-8 if it fits.
void append_utf8(Value& value, std::uint32_t cp) {
  std::array<char, 3> out{};
  std::size_t count = 0;
  if (cp < 0x80) {
    out[count++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    out[count++] = static_cast<char>(0xC0U | (cp >> 6));
    out[count++] = static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = '?';  // surrogate halves are not characters on their own
      out[count++] = static_cast<char>(cp);
    } else {
      out[count++] = static_cast<char>(0xE0U | (cp >> 12));
      out[count++] = static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
      out[count++] = static_cast<char>(0x80U | (cp & 0x3FU));
    }
  }
  if (value.text_length + count > value.text.size()) {
    return;
  }
  for (std::size_t idx = 0; idx < count; ++idx) {
    value.text.at(value.text_length++) = out.at(idx);
  }
}

/// Decodes a CharacterString (clause 20.2.9) of a supported character set into `value`.
void decode_text(Bytes content, Value& value) {
  if (content.empty()) {
    return;
  }
  const std::uint8_t charset = content[0];
  const Bytes chars = content.subspan(1);
  value.text_length = 0;
  if (charset == kCharsetUtf8) {
    const std::size_t count = std::min(chars.size(), value.text.size());
    std::copy_n(chars.begin(), count, value.text.begin());
    value.text_length = count;
  } else if (charset == kCharsetUcs2) {
    for (std::size_t idx = 0; idx + 1 < chars.size(); idx += 2) {
      append_utf8(value, (std::uint32_t{chars[idx]} << 8) | chars[idx + 1]);
    }
  } else if (charset == kCharsetLatin1) {
    for (const std::uint8_t byte : chars) {
      append_utf8(value, byte);
    }
  } else {
    return;  // DBCS, JIS X 0208, UCS-4: not decoded
  }
  value.kind = Value::Kind::Text;
}

/// The value of an application-tagged primitive with content `content`.
Value decode_primitive(const Tag& tag, Bytes content) {
  Value value;
  if (tag.number == kTagUnsigned || tag.number == kTagEnumerated) {
    if (const auto number = to_unsigned(content)) {
      value.kind = Value::Kind::Unsigned;
      value.number = *number;
    }
  } else if (tag.number == kTagObjectId && content.size() == 4) {
    value.kind = Value::Kind::ObjectId;
    value.object = to_object_id(*to_unsigned(content));
  } else if (tag.number == kTagCharacterString) {
    decode_text(content, value);
  }
  return value;
}

/// Reads an application-tagged primitive value.
Result<Value> read_value(ByteReader& reader) {
  WARDEN_ASSIGN_OR_RETURN(const Tag tag, read_tag(reader));
  if (tag.context || tag.opening || tag.closing) {
    return Value{};  // constructed or context-specific: not read
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes content, reader.read_bytes(tag.length));
  return decode_primitive(tag, content);
}

/// Constructed values nest at most this deep here (a deeper one is taken as malformed).
constexpr int kMaxNesting = 16;

/// Reads up to and including the closing tag `number` whose opening tag was just read, and returns
/// the first application-tagged primitive at its top level (Kind::Other when there is none). Each
/// turn reads at least one byte: bounded by the input.
Result<Value> read_until_closing(ByteReader& reader, std::uint8_t number) {
  Value first;
  bool have_first = false;
  int depth = 0;
  while (true) {
    WARDEN_ASSIGN_OR_RETURN(const Tag tag, read_tag(reader));
    if (tag.closing) {
      if (depth == 0) {
        if (tag.number != number) {
          break;
        }
        return first;
      }
      --depth;
      continue;
    }
    if (tag.opening) {
      if (++depth > kMaxNesting) {
        break;
      }
      continue;
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes content, reader.read_bytes(tag.length));
    if (!have_first && depth == 0 && !tag.context) {
      first = decode_primitive(tag, content);
      have_first = true;
    }
  }
  return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
              "bacnet.unexpected_tag");
}

/// Reads a tag that must be `number` (application or context) and returns its content.
Result<Bytes> read_expected(ByteReader& reader, std::uint8_t number, bool context) {
  WARDEN_ASSIGN_OR_RETURN(const Tag tag, read_tag(reader));
  if (tag.number != number || tag.context != context || tag.opening || tag.closing) {
    return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                "bacnet.unexpected_tag");
  }
  return reader.read_bytes(tag.length);
}

}  // namespace

Result<Datagram> parse_datagram(Bytes bytes) {
  ByteReader bvlc(bytes);
  const auto bad_bvlc = [&bvlc] {
    return tl::unexpected(bvlc.error(ParseErrorCode::Malformed, "bacnet.bad_bvlc"));
  };
  const auto type = bvlc.read_u8();
  const auto function = bvlc.read_u8();
  const auto length = bvlc.read_u16_be();
  if (!type || !function || !length || *type != bvlc::kTypeBip || *length < 4 ||
      *length > bytes.size()) {
    return bad_bvlc();
  }
  Datagram out{};
  out.function = *function;
  ByteReader reader(bytes.first(*length));
  (void)reader.skip(4);
  if (out.function == bvlc::kForwardedNpdu) {
    const auto origin = reader.read_bytes(6);
    if (!origin) {
      return bad_bvlc();
    }
    out.forwarded_from =
        std::array<std::uint8_t, 4>{(*origin)[0], (*origin)[1], (*origin)[2], (*origin)[3]};
  } else if (out.function != bvlc::kDistributeBroadcast && out.function != bvlc::kOriginalUnicast &&
             out.function != bvlc::kOriginalBroadcast) {
    return out;  // BVLC management (result, BDT, FDT, register-foreign-device)
  }
  out.has_npdu = true;
  const auto npdu = [&]() -> Result<bool> {
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t version, reader.read_u8());
    if (version != 1) {
      return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_npdu");
    }
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t control, reader.read_u8());
    const bool has_destination = (control & 0x20U) != 0;
    if (has_destination) {
      WARDEN_RETURN_IF_ERROR(reader.skip(2));
      WARDEN_ASSIGN_OR_RETURN(const std::uint8_t dlen, reader.read_u8());
      WARDEN_RETURN_IF_ERROR(reader.skip(dlen));
    }
    if ((control & 0x08U) != 0) {
      WARDEN_RETURN_IF_ERROR(reader.skip(2));
      WARDEN_ASSIGN_OR_RETURN(const std::uint8_t slen, reader.read_u8());
      WARDEN_RETURN_IF_ERROR(reader.skip(slen));
    }
    if (has_destination) {
      WARDEN_RETURN_IF_ERROR(reader.skip(1));  // hop count
    }
    out.network_message = (control & 0x80U) != 0;
    return true;
  }();
  if (!npdu) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "bacnet.bad_npdu"));
  }
  if (!out.network_message) {
    out.apdu = reader.rest();
  }
  return out;
}

Result<Apdu> parse_apdu(Bytes apdu) {
  ByteReader reader(apdu);
  const auto parse = [&]() -> Result<Apdu> {
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t first, reader.read_u8());
    Apdu out{};
    out.type = static_cast<PduType>(first >> 4);
    out.segmented = (first & 0x08U) != 0;
    if (out.type == PduType::ConfirmedRequest) {
      WARDEN_RETURN_IF_ERROR(reader.skip(1));  // max segments / max APDU
    }
    if (out.type == PduType::ConfirmedRequest || out.type == PduType::ComplexAck ||
        out.type == PduType::SimpleAck || out.type == PduType::Error) {
      WARDEN_ASSIGN_OR_RETURN(out.invoke_id, reader.read_u8());
    } else if (out.type != PduType::UnconfirmedRequest) {
      return out;  // segment-ack, reject, abort: no service choice
    }
    const bool may_segment =
        out.type == PduType::ConfirmedRequest || out.type == PduType::ComplexAck;
    if (may_segment && out.segmented) {
      WARDEN_RETURN_IF_ERROR(reader.skip(2));  // sequence number, (proposed) window size
    } else {
      out.segmented = false;
    }
    WARDEN_ASSIGN_OR_RETURN(out.service, reader.read_u8());
    out.body = reader.rest();
    return out;
  };
  auto out = parse();
  if (!out) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "bacnet.bad_apdu"));
  }
  return out;
}

Result<IAm> parse_i_am(Bytes body) {
  ByteReader reader(body);
  const auto parse = [&]() -> Result<IAm> {
    IAm out{};
    WARDEN_ASSIGN_OR_RETURN(const Bytes object, read_expected(reader, kTagObjectId, false));
    if (object.size() != 4) {
      return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_i_am");
    }
    out.device = to_object_id(*to_unsigned(object));
    WARDEN_ASSIGN_OR_RETURN(const Bytes max_apdu, read_expected(reader, kTagUnsigned, false));
    WARDEN_ASSIGN_OR_RETURN(const Bytes segmentation, read_expected(reader, kTagEnumerated, false));
    WARDEN_ASSIGN_OR_RETURN(const Bytes vendor, read_expected(reader, kTagUnsigned, false));
    const auto max = to_unsigned(max_apdu);
    const auto seg = to_unsigned(segmentation);
    const auto id = to_unsigned(vendor);
    if (!max || !seg || !id) {
      return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_i_am");
    }
    out.max_apdu = *max;
    out.segmentation = *seg;
    out.vendor_id = *id;
    return out;
  };
  auto out = parse();
  if (!out) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "bacnet.bad_i_am"));
  }
  return out;
}

Result<ReadPropertyAck> parse_read_property_ack(Bytes body) {
  ByteReader reader(body);
  const auto parse = [&]() -> Result<ReadPropertyAck> {
    ReadPropertyAck out{};
    WARDEN_ASSIGN_OR_RETURN(const Bytes object, read_expected(reader, 0, true));
    WARDEN_ASSIGN_OR_RETURN(const Bytes property, read_expected(reader, 1, true));
    const auto object_raw = object.size() == 4 ? to_unsigned(object) : std::nullopt;
    const auto property_id = to_unsigned(property);
    if (!object_raw || !property_id) {
      return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_ack");
    }
    out.object = to_object_id(*object_raw);
    out.property = *property_id;
    WARDEN_ASSIGN_OR_RETURN(Tag tag, read_tag(reader));
    if (tag.context && tag.number == 2 && !tag.opening && !tag.closing) {
      WARDEN_RETURN_IF_ERROR(reader.skip(tag.length));  // property array index
      WARDEN_ASSIGN_OR_RETURN(tag, read_tag(reader));
    }
    if (!tag.opening || tag.number != 3) {
      return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_ack");
    }
    WARDEN_ASSIGN_OR_RETURN(out.value, read_value(reader));
    return out;
  };
  auto out = parse();
  if (!out) {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, "bacnet.bad_read_property_ack"));
  }
  return out;
}

Result<std::size_t> parse_read_property_multiple_ack(
    Bytes body, const std::function<void(const ReadPropertyAck&)>& each) {
  ByteReader reader(body);
  std::size_t passed = 0;
  // A context tag 1 opening tag in one byte: the start of a result's listOfResults.
  constexpr std::uint8_t kOpenResults = 0x1E;
  const auto parse = [&]() -> Result<bool> {
    // Each ReadAccessResult and each property result reads at least one byte: bounded by the body.
    while (!reader.empty()) {
      ReadPropertyAck ack{};
      WARDEN_ASSIGN_OR_RETURN(const Bytes object, read_expected(reader, 0, true));
      if (object.size() != 4) {
        return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_multiple_ack");
      }
      ack.object = to_object_id(*to_unsigned(object));
      if (reader.empty() || *reader.peek_u8() != kOpenResults) {
        continue;  // listOfResults is optional
      }
      (void)reader.skip(1);
      while (true) {
        WARDEN_ASSIGN_OR_RETURN(Tag tag, read_tag(reader));
        if (tag.closing && tag.number == 1) {
          break;
        }
        if (!tag.context || tag.number != 2 || tag.opening || tag.closing) {
          return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_multiple_ack");
        }
        WARDEN_ASSIGN_OR_RETURN(const Bytes property, reader.read_bytes(tag.length));
        const auto property_id = to_unsigned(property);
        if (!property_id) {
          return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_multiple_ack");
        }
        ack.property = *property_id;
        WARDEN_ASSIGN_OR_RETURN(tag, read_tag(reader));
        if (tag.context && tag.number == 3 && !tag.opening && !tag.closing) {
          WARDEN_RETURN_IF_ERROR(reader.skip(tag.length));  // property array index
          WARDEN_ASSIGN_OR_RETURN(tag, read_tag(reader));
        }
        if (!tag.opening || (tag.number != 4 && tag.number != 5)) {
          return fail(ParseErrorCode::Malformed, 0, "bacnet.bad_read_property_multiple_ack");
        }
        WARDEN_ASSIGN_OR_RETURN(ack.value, read_until_closing(reader, tag.number));
        if (tag.number == 4) {  // [5] is the property's access error
          each(ack);
          ++passed;
        }
      }
    }
    return true;
  };
  if (!parse()) {
    return tl::unexpected(
        reader.error(ParseErrorCode::Malformed, "bacnet.bad_read_property_multiple_ack"));
  }
  return passed;
}

std::string_view confirmed_service_name(std::uint8_t service) {
  switch (service) {
    case 0:
      return "acknowledge-alarm";
    case 1:
      return "confirmed-cov-notification";
    case 2:
      return "confirmed-event-notification";
    case 3:
      return "get-alarm-summary";
    case 4:
      return "get-enrollment-summary";
    case 5:
      return "subscribe-cov";
    case 6:
      return "atomic-read-file";
    case 7:
      return "atomic-write-file";
    case 8:
      return "add-list-element";
    case 9:
      return "remove-list-element";
    case 10:
      return "create-object";
    case 11:
      return "delete-object";
    case confirmed::kReadProperty:
      return "read-property";
    case confirmed::kReadPropertyMultiple:
      return "read-property-multiple";
    case 15:
      return "write-property";
    case 16:
      return "write-property-multiple";
    case 17:
      return "device-communication-control";
    case 18:
      return "confirmed-private-transfer";
    case 19:
      return "confirmed-text-message";
    case 20:
      return "reinitialize-device";
    case 26:
      return "read-range";
    case 27:
      return "life-safety-operation";
    case 28:
      return "subscribe-cov-property";
    case 29:
      return "get-event-information";
    default:
      return {};
  }
}

std::string_view unconfirmed_service_name(std::uint8_t service) {
  switch (service) {
    case unconfirmed::kIAm:
      return "i-am";
    case unconfirmed::kIHave:
      return "i-have";
    case 2:
      return "unconfirmed-cov-notification";
    case 3:
      return "unconfirmed-event-notification";
    case 4:
      return "unconfirmed-private-transfer";
    case 5:
      return "unconfirmed-text-message";
    case 6:
      return "time-synchronization";
    case unconfirmed::kWhoHas:
      return "who-has";
    case unconfirmed::kWhoIs:
      return "who-is";
    case 9:
      return "utc-time-synchronization";
    case 10:
      return "write-group";
    default:
      return {};
  }
}

bool is_control_service(std::uint8_t service) {
  switch (service) {
    case 7:   // atomic-write-file
    case 10:  // create-object
    case 11:  // delete-object
    case 15:  // write-property
    case 16:  // write-property-multiple
    case 17:  // device-communication-control
    case 20:  // reinitialize-device
      return true;
    default:
      return false;
  }
}

std::string_view vendor_name(std::uint32_t vendor_id) {
  // A selection of the ASHRAE BACnet vendor id registry.
  static constexpr auto kVendors = std::to_array<std::pair<std::uint32_t, std::string_view>>({
      {2, "The Trane Company"},
      {3, "McQuay International"},
      {5, "Johnson Controls, Inc."},
      {6, "American Auto-Matrix"},
      {7, "Siemens Schweiz AG (Formerly: Landis & Staefa Division Europe)"},
      {8, "Delta Controls"},
      {9, "Siemens Schweiz AG"},
      {10, "Schneider Electric"},
      {11, "TAC"},
      {16, "United Technologies Carrier"},
      {17, "Honeywell Inc."},
      {18, "Alerton / Honeywell"},
      {24, "Automated Logic Corporation"},
      {28, "KMC Controls, Inc."},
      {35, "Reliable Controls Corporation"},
      {36, "Tridium Inc."},
      {80, "Fr. Sauter AG"},
      {127, "ABB, Inc."},
      {160, "Rockwell Automation"},
      {178, "LOYTEC Electronics GmbH"},
      {191, "Eaton Corporation"},
      {222, "WAGO Kontakttechnik GmbH & Co. KG"},
      {226, "Phoenix Contact GmbH & Co. KG"},
  });

  const auto* const found =
      std::find_if(kVendors.begin(), kVendors.end(),
                   [vendor_id](const auto& entry) { return entry.first == vendor_id; });
  return found == kVendors.end() ? std::string_view{} : found->second;
}

}  // namespace warden::proto::bacnet
