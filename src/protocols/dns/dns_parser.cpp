// SPDX-License-Identifier: Apache-2.0
#include "protocols/dns/dns_parser.hpp"

#include <algorithm>
#include <span>

namespace warden::proto::dns {
namespace {

constexpr std::uint8_t kPointerBits = 0xC0;  // a length byte 11xxxxxx starts a pointer
constexpr std::uint16_t kClassTopBit = 0x8000;
// Each label takes at least two wire bytes, so no valid name has more labels than this.
constexpr std::size_t kMaxLabels = kMaxNameLength / 2;
// A name walk reads labels, the root label and pointers, one more of which fails the walk.
constexpr std::size_t kMaxNameSteps = kMaxLabels + 1 + kMaxPointerHops + 1;
constexpr std::size_t kSectionCount = 4;

tl::unexpected<ParseError> malformed(std::size_t offset, const char* name) {
  return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(offset), name);
}

/// Walks the name at `offset`, following compression pointers (RFC 1035 §4.1.4), and calls
/// `on_label` for each label. Returns the offset just past the name where it was written (after
/// its first pointer, or after the root label).
template <typename OnLabel>
Result<std::size_t> walk_name(Bytes message, std::size_t offset, OnLabel&& on_label) {
  ByteReader reader(message);
  WARDEN_RETURN_IF_ERROR(reader.seek(offset));
  std::optional<std::size_t> end;
  std::size_t run_start = offset;  // where the current run of labels began
  std::size_t wire_length = 1;     // the root label
  std::size_t hops = 0;
  for (std::size_t step = 0; step < kMaxNameSteps; ++step) {
    const std::size_t at = reader.position();
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, reader.read_u8());
    if ((length & kPointerBits) == kPointerBits) {
      WARDEN_ASSIGN_OR_RETURN(const std::uint8_t low, reader.read_u8());
      const std::size_t target = (std::size_t{length & 0x3FU} << 8) | low;
      if (!end) {
        end = reader.position();
      }
      if (target > at) {
        return malformed(at, "dns.forward_pointer");
      }
      // A target inside the current run (or the pointer itself) leads back here: a loop.
      if (target >= run_start) {
        return malformed(at, "dns.pointer_loop");
      }
      if (++hops > kMaxPointerHops) {
        return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(at),
                    "dns.too_many_pointers");
      }
      WARDEN_RETURN_IF_ERROR(reader.seek(target));
      run_start = target;
      continue;
    }
    if (length > kMaxLabelLength) {  // 01 and 10: extended label types (RFC 6891 §5)
      return malformed(at, "dns.bad_label_type");
    }
    if (length == 0) {
      return end.value_or(reader.position());
    }
    wire_length += length + 1U;
    if (wire_length > kMaxNameLength) {
      return malformed(at, "dns.name_too_long");
    }
    WARDEN_ASSIGN_OR_RETURN(const std::string_view label, reader.read_chars(length));
    on_label(label);
  }
  return malformed(reader.position(), "dns.name_too_long");
}

/// Validates the name at the reader's position and moves past it.
Result<NameRef> read_name(ByteReader& reader) {
  const std::size_t start = reader.position();
  WARDEN_ASSIGN_OR_RETURN(const std::size_t end,
                          walk_name(reader.whole(), start, [](std::string_view /*label*/) {}));
  WARDEN_RETURN_IF_ERROR(reader.seek(end));
  return NameRef{static_cast<std::uint32_t>(start)};
}

Result<std::string_view> read_character_string(ByteReader& reader) {
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, reader.read_u8());
  return reader.read_chars(length);
}

Result<Txt> read_txt(Bytes rdata) {
  ByteReader reader(rdata);
  for (std::size_t string_idx = 0; string_idx < kMaxTxtStrings && !reader.empty(); ++string_idx) {
    WARDEN_RETURN_IF_ERROR(read_character_string(reader));
  }
  return Txt{rdata};
}

/// Decodes rdata of the types we understand. `reader` spans the message up to the end of the
/// rdata (so compressed names can reach back) and stands at its start.
Result<Rdata> read_rdata(ByteReader& reader, RrType type) {
  switch (type) {
    case RrType::A:
    case RrType::Aaaa: {
      const std::size_t size = type == RrType::A ? 4 : 16;
      if (reader.remaining() != size) {
        return malformed(reader.position(), "dns.bad_rdata");
      }
      WARDEN_ASSIGN_OR_RETURN(const Bytes raw, reader.read_bytes(size));
      return type == RrType::A ? IpAddress::v4(raw) : IpAddress::v6(raw);
    }
    case RrType::Ns:
    case RrType::Cname:
    case RrType::Ptr:
      return read_name(reader);
    case RrType::Srv: {
      Srv srv;
      WARDEN_ASSIGN_OR_RETURN(srv.priority, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(srv.weight, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(srv.port, reader.read_u16_be());
      WARDEN_ASSIGN_OR_RETURN(srv.target, read_name(reader));
      return srv;
    }
    case RrType::Txt:
      return read_txt(reader.rest());
    case RrType::Hinfo: {
      Hinfo hinfo;
      WARDEN_ASSIGN_OR_RETURN(hinfo.cpu, read_character_string(reader));
      WARDEN_ASSIGN_OR_RETURN(hinfo.os, read_character_string(reader));
      return hinfo;
    }
    case RrType::Opt:
      break;
  }
  return std::monostate{};
}

}  // namespace

Result<std::string_view> decode_name(Bytes message, NameRef name, NameBuffer& out) {
  const std::span<char> buffer(out);
  std::size_t length = 0;
  // walk_name stops before the text could exceed 253 characters, so the buffer always suffices.
  auto append = [&](std::string_view label) {
    if (length > 0) {
      buffer[length++] = '.';
    }
    std::ranges::copy(label, buffer.subspan(length, label.size()).begin());
    length += label.size();
  };
  auto walked = walk_name(message, name.offset, append);
  if (!walked) {
    return tl::unexpected(walked.error());
  }
  return std::string_view(out.data(), length);
}

Result<MessageReader> MessageReader::open(Bytes message) {
  if (message.size() < kHeaderLength) {
    return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(message.size()),
                "dns.truncated");
  }
  ByteReader reader(message);
  Header header;
  header.id = reader.read_u16_be().value_or(0);
  header.flags = reader.read_u16_be().value_or(0);
  for (std::uint16_t& count : header.counts) {
    count = reader.read_u16_be().value_or(0);
  }
  return MessageReader(reader, header);
}

Result<std::optional<Record>> MessageReader::next() {
  if (error_) {
    return tl::unexpected(*error_);
  }
  auto entry = read_entry();
  if (!entry) {
    error_ = entry.error();
    if (error_->code == ParseErrorCode::Incomplete) {
      error_->name = "dns.truncated";  // ByteReader's generic name, made specific
    }
    return tl::unexpected(*error_);
  }
  return entry;
}

Result<std::optional<Record>> MessageReader::read_entry() {
  // Move on to the next section that still has entries.
  for (std::size_t section_idx = 0; section_idx < kSectionCount; ++section_idx) {
    if (index_ < header_.count(section_)) {
      break;
    }
    if (section_ == Section::Additional) {
      return std::nullopt;
    }
    section_ = static_cast<Section>(static_cast<std::uint8_t>(section_) + 1);
    index_ = 0;
  }
  if (index_ >= kMaxRecords) {
    return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(reader_.position()),
                "dns.too_many_records");
  }
  ++index_;

  Record record;
  record.section = section_;
  WARDEN_ASSIGN_OR_RETURN(record.name, read_name(reader_));
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t type, reader_.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t rr_class, reader_.read_u16_be());
  record.type = static_cast<RrType>(type);
  const bool has_mdns_bit = record.type != RrType::Opt;
  record.mdns_flag = has_mdns_bit && (rr_class & kClassTopBit) != 0;
  record.rr_class = has_mdns_bit ? static_cast<std::uint16_t>(rr_class & ~kClassTopBit) : rr_class;
  if (section_ == Section::Question) {
    return record;
  }

  WARDEN_ASSIGN_OR_RETURN(record.ttl, reader_.read_u32_be());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t rdata_length, reader_.read_u16_be());
  const std::size_t rdata_start = reader_.position();
  WARDEN_ASSIGN_OR_RETURN(record.rdata, reader_.read_bytes(rdata_length));
  if (rdata_length == 0) {
    return record;  // no data: inverse queries, RRset deletions in updates (RFC 2136 §2.5.2)
  }
  ByteReader rdata_reader(reader_.whole().first(rdata_start + rdata_length));
  WARDEN_RETURN_IF_ERROR(rdata_reader.seek(rdata_start));
  auto data = read_rdata(rdata_reader, record.type);
  if (!data) {
    // The rdata is all there, so running out of it means its contents are wrong.
    return data.error().code == ParseErrorCode::Incomplete
               ? malformed(rdata_reader.position(), "dns.bad_rdata")
               : tl::unexpected(data.error());
  }
  record.data = *data;
  return record;
}

std::optional<std::string_view> TxtReader::next() {
  if (count_ >= kMaxTxtStrings || reader_.empty()) {
    return std::nullopt;
  }
  auto text = read_character_string(reader_);
  if (!text) {
    return std::nullopt;
  }
  ++count_;
  return *text;
}

Result<Bytes> tcp_message(Bytes stream) {
  ByteReader reader(stream);
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  return reader.read_bytes(length);
}

}  // namespace warden::proto::dns
