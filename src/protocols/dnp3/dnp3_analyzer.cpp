// SPDX-License-Identifier: Apache-2.0
#include "protocols/dnp3/dnp3_analyzer.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

namespace warden::proto::dnp3 {
namespace {

constexpr std::string_view kProtocol = "dnp3";
/// Destinations from here up are broadcast (0xFFFD..0xFFFF) or reserved: no device has them.
constexpr std::uint16_t kFirstReservedAddress = 0xFFF0;

void observe(ObservationSink& sink, Subject subject, Attr attr, std::string_view value) {
  sink.observe({subject, attr, value, kProtocol});
}

/// Offset of the next 0x05 0x64 in `bytes` at or after `from`; when there is none, everything but
/// a final 0x05 (which may start the next frame).
std::size_t next_start(Bytes bytes, std::size_t from) {
  for (std::size_t idx = from; idx + 1 < bytes.size(); ++idx) {
    if (bytes[idx] == 0x05 && bytes[idx + 1] == 0x64) {
      return idx;
    }
  }
  return !bytes.empty() && bytes.back() == 0x05 ? bytes.size() - 1 : bytes.size();
}

std::string with_prefix(std::string_view value) {
  return std::string("dnp3 ").append(value);
}

}  // namespace

bool Dnp3Reporter::first_address(bool master, std::uint16_t address) {
  const std::uint32_t key = (master ? 0x10000U : 0U) | address;
  const std::span<const std::uint32_t> seen = std::span(addresses_).first(address_count_);
  if (std::find(seen.begin(), seen.end(), key) != seen.end() ||
      address_count_ >= addresses_.size()) {
    return false;
  }
  addresses_.at(address_count_++) = key;
  return true;
}

void Dnp3Reporter::report(const LinkFrame& frame, ObservationSink& sink) {
  const bool master = frame.from_master();
  const std::size_t role = master ? 1 : 0;
  if (!announced_.at(role)) {
    announced_.at(role) = true;
    observe(sink, Subject::sender(), Attr::Protocol, kProtocol);
  }
  if (first_address(master, frame.source)) {
    observe(sink, Subject::sender(), Attr::IcsAddress, "dnp3 " + std::to_string(frame.source));
  }
  if (frame.destination < kFirstReservedAddress && first_address(!master, frame.destination)) {
    observe(sink, Subject::receiver(), Attr::IcsAddress,
            "dnp3 " + std::to_string(frame.destination));
  }
  if (frame.user_data_length == 0) {
    return;  // a link layer only frame (reset, link status)
  }
  const auto header = parse_application(frame.user_data());
  if (!header) {
    sink.anomaly(header.error().name);
    return;
  }
  if (!header->first_segment) {
    return;  // the rest of a fragment: its function was in the first segment
  }
  const std::uint8_t code = header->function;
  const bool authentication =
      is_authentication_function(code) || header->first_object_group == kGroupAuthentication;
  if (authentication && !authenticated_.at(role)) {
    authenticated_.at(role) = true;
    observe(sink, Subject::sender(), Attr::IcsFunction, "dnp3 secure-authentication");
  }
  const std::string_view name = function_name(code);
  if (name.empty()) {
    return;
  }
  const bool reportable =
      master ? code < function::kResponse : code == function::kUnsolicitedResponse;
  if (reportable && !functions_.test(code)) {
    functions_.set(code);
    observe(sink, Subject::sender(), Attr::IcsFunction, with_prefix(name));
  }
  if (master && is_control_function(code) && !controls_.test(code)) {
    controls_.set(code);
    observe(sink, Subject::receiver(), Attr::IcsControl, with_prefix(name));
  }
}

Result<std::size_t> Dnp3Analyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  std::size_t& resyncs = resyncs_.at(static_cast<std::size_t>(dir));
  std::size_t offset = 0;
  for (std::size_t frame_idx = 0; frame_idx < kMaxFramesPerCall && offset < bytes.size();
       ++frame_idx) {
    const Bytes rest = bytes.subspan(offset);
    const auto length = frame_length(rest);
    const bool lost_framing = !length && length.error().code != ParseErrorCode::Incomplete;
    if (!length && !lost_framing) {
      break;
    }
    std::size_t used = 0;
    if (lost_framing) {
      if (++resyncs > kMaxResyncs) {
        return tl::unexpected(length.error());
      }
      sink.anomaly(length.error().name);
      used = next_start(rest, 1);
    } else if (rest.size() < *length) {
      break;
    } else if (const auto frame = parse_link_frame(rest.first(*length))) {
      reporter_.report(*frame, sink);
      used = *length;
    } else {
      sink.anomaly(frame.error().name);
      used = *length;
      if (frame.error().offset == kHeaderCrcOffset) {
        // The length byte is not trustworthy either: look for the next start.
        if (++resyncs > kMaxResyncs) {
          return tl::unexpected(frame.error());
        }
        used = next_start(rest, 1);
      }
    }
    if (used == 0) {
      break;  // only a possible start byte is left: wait for more
    }
    offset += used;
  }
  if (offset == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "dnp3.incomplete");
  }
  return offset;
}

std::unique_ptr<StreamAnalyzer> make_dnp3_analyzer() {
  return std::make_unique<Dnp3Analyzer>();
}

void analyze_dnp3(const decode::Packet& packet, ObservationSink& sink) {
  Dnp3Reporter reporter;
  Bytes rest = packet.payload;
  for (std::size_t frame_idx = 0; frame_idx < kMaxFramesPerCall && !rest.empty(); ++frame_idx) {
    const auto length = frame_length(rest);
    if (!length) {
      sink.anomaly(length.error().code == ParseErrorCode::Incomplete ? "dnp3.truncated_frame"
                                                                     : length.error().name);
      return;
    }
    if (rest.size() < *length) {
      sink.anomaly("dnp3.truncated_frame");
      return;
    }
    const auto frame = parse_link_frame(rest.first(*length));
    if (frame) {
      reporter.report(*frame, sink);
    } else {
      sink.anomaly(frame.error().name);
    }
    rest = rest.subspan(*length);
  }
}

}  // namespace warden::proto::dnp3
