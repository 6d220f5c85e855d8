// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_analyzer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/tls/tls_parser.hpp"
#include "protocols/tls/tls_test_vectors.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::tls {
namespace {

using testdata::from_hex;
using testutil::RecordingSink;

/// Plays the flow's role for one direction: buffers what arrives, drops what the analyzer consumed
/// and skips what it asked to skip.
class FlowFeeder {
 public:
  FlowFeeder(StreamAnalyzer& analyzer, Direction dir, RecordingSink& sink)
      : analyzer_(analyzer), dir_(dir), sink_(sink) {}

  /// Delivers `bytes`; returns false once the analyzer stopped the direction with an error, whose
  /// name `error()` then gives.
  bool feed(Bytes bytes) {
    if (stopped_) {
      return false;
    }
    for (const std::uint8_t byte : bytes) {
      if (skip_ > 0) {
        --skip_;
      } else {
        buffer_.push_back(byte);
      }
    }
    if (buffer_.empty()) {
      return true;
    }
    const auto consumed = analyzer_.on_data(dir_, buffer_, sink_);
    if (!consumed) {
      stopped_ = consumed.error().code != ParseErrorCode::Incomplete;
      error_ = consumed.error().name;
      return !stopped_;
    }
    if (*consumed >= buffer_.size()) {
      skip_ = *consumed - buffer_.size();
      buffer_.clear();
    } else {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(*consumed));
    }
    return true;
  }
  /// Delivers `bytes` in pieces of `chunk` bytes.
  bool feed_in_chunks(Bytes bytes, std::size_t chunk) {
    for (std::size_t offset = 0; offset < bytes.size(); offset += chunk) {
      if (!feed(bytes.subspan(offset, std::min(chunk, bytes.size() - offset)))) {
        return false;
      }
    }
    return true;
  }
  [[nodiscard]] std::size_t buffered() const { return buffer_.size(); }
  [[nodiscard]] std::string_view error() const { return error_; }

 private:
  StreamAnalyzer& analyzer_;
  Direction dir_;
  RecordingSink& sink_;
  std::vector<std::uint8_t> buffer_;
  std::size_t skip_ = 0;
  bool stopped_ = false;
  std::string_view error_;
};

/// Re-frames the handshake bytes of a single-record flight into records of `fragment` bytes.
std::vector<std::uint8_t> refragment(const std::vector<std::uint8_t>& record,
                                     std::size_t fragment) {
  const Bytes body = Bytes(record).subspan(kRecordHeaderLength);
  std::vector<std::uint8_t> out;
  for (std::size_t offset = 0; offset < body.size(); offset += fragment) {
    const std::size_t length = std::min(fragment, body.size() - offset);
    out.insert(out.end(), {0x16, 0x03, 0x01, static_cast<std::uint8_t>(length >> 8),
                           static_cast<std::uint8_t>(length & 0xff)});
    const Bytes piece = body.subspan(offset, length);
    out.insert(out.end(), piece.begin(), piece.end());
  }
  return out;
}

void expect_all_about_sender(const RecordingSink& sink) {
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, "tls");
  }
}

TEST(TlsAnalyzer, ReportsClientAndServerOfJa4TlsFlow) {
  TlsAnalyzer analyzer;
  RecordingSink client;
  const auto hello = from_hex(testdata::kJa4TlsClientHello);
  const auto consumed = analyzer.on_data(Direction::ToServer, hello, client);
  ASSERT_TRUE(consumed.has_value());
  EXPECT_EQ(*consumed, hello.size());
  EXPECT_TRUE(client.has(Attr::Protocol, "tls"));
  EXPECT_TRUE(client.has(Attr::TlsJa3, "308b0bd904abbef5e0034a1ff7a78920"));
  EXPECT_TRUE(client.has(Attr::TlsJa4, "t12i1810s1_27d4652c4487_06a4338d0495"));
  EXPECT_TRUE(client.has(Attr::TlsAlpn, "spdy/3.1,http/1.1"));
  EXPECT_TRUE(client.has(Attr::TlsVersion, "1.2"));
  EXPECT_TRUE(client.values(Attr::TlsSni).empty());
  expect_all_about_sender(client);
  EXPECT_FALSE(analyzer.is_done());

  RecordingSink server;
  const auto flight = from_hex(testdata::kJa4TlsServerFlight);
  ASSERT_TRUE(analyzer.on_data(Direction::ToClient, flight, server).has_value());
  EXPECT_TRUE(server.has(Attr::TlsJa3s, "ccc514751b175866924439bdbb5bba34"));
  EXPECT_TRUE(server.has(Attr::TlsVersion, "1.2"));
  EXPECT_TRUE(server.has(Attr::TlsCertSubject, "CN=SELKS,O=Stamus,L=Paris,ST=IDF,C=FR"));
  EXPECT_TRUE(server.has(Attr::TlsCertIssuer, "CN=SELKS,O=Stamus,L=Paris,ST=IDF,C=FR"));
  expect_all_about_sender(server);
  EXPECT_TRUE(analyzer.is_done());
}

TEST(TlsAnalyzer, ReadsSonosCertificateRecordSplitOverSegments) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  FlowFeeder client(analyzer, Direction::ToServer, sink);
  FlowFeeder server(analyzer, Direction::ToClient, sink);
  ASSERT_TRUE(client.feed(from_hex(testdata::kSonosClientHello)));
  EXPECT_TRUE(sink.has(Attr::TlsSni, "192.168.1.70"));
  EXPECT_TRUE(sink.has(Attr::TlsJa3, "ae25e09391d7275844ccf16316569582"));
  EXPECT_EQ(sink.values(Attr::TlsJa4).size(), 1U);
  EXPECT_TRUE(sink.values(Attr::TlsAlpn).empty());

  ASSERT_TRUE(server.feed(from_hex(testdata::kSonosServerHello)));
  EXPECT_TRUE(sink.has(Attr::TlsJa3s, "2fbcb4e196d5bcba6896e593c6016e09"));
  ASSERT_TRUE(server.feed(from_hex(testdata::kSonosCertificatePart1)));
  EXPECT_GT(server.buffered(), 0U);  // the record is incomplete: nothing consumed yet
  EXPECT_TRUE(sink.values(Attr::TlsCertSubject).empty());
  ASSERT_TRUE(server.feed(from_hex(testdata::kSonosCertificatePart2)));
  EXPECT_TRUE(sink.has(Attr::TlsCertSubject,
                       "C=US,ST=California,L=Santa Barbara,O=Sonos\\, Inc,OU=Sonos Devices,"
                       "DC=prod,CN=347E5CFFA26E"));
  EXPECT_TRUE(sink.has(Attr::TlsCertIssuer,
                       "CN=Sonos Device Authentication Root CA,OU=Sonos Devices,O=Sonos\\, Inc,"
                       "L=Santa Barbara,ST=California,C=US"));
  EXPECT_TRUE(analyzer.is_done());
}

/// Observations (attribute name and value) of a whole ja4-tls flow fed in `chunk`-byte pieces.
std::vector<std::string> ja4_tls_flow_observations(std::size_t chunk, std::size_t fragment) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  FlowFeeder client(analyzer, Direction::ToServer, sink);
  FlowFeeder server(analyzer, Direction::ToClient, sink);
  EXPECT_TRUE(
      client.feed_in_chunks(refragment(from_hex(testdata::kJa4TlsClientHello), fragment), chunk));
  EXPECT_TRUE(server.feed_in_chunks(from_hex(testdata::kJa4TlsServerFlight), chunk));
  EXPECT_TRUE(analyzer.is_done());
  std::vector<std::string> out;
  for (const auto& record : sink.records) {
    out.push_back(std::string(attr_name(record.attr)) + "=" + record.value);
  }
  return out;
}

TEST(TlsAnalyzer, SameResultWhateverTheSegmentationAndRecordFraming) {
  const std::vector<std::string> whole = ja4_tls_flow_observations(100000, 100000);
  EXPECT_EQ(whole.size(), 11U);
  // The server's chosen suite in hex, unnamed: ECDHE_RSA_WITH_AES_128_GCM_SHA256 is not weak.
  EXPECT_NE(std::find(whole.begin(), whole.end(), "tls.cipher=0xc02f"), whole.end());
  EXPECT_EQ(ja4_tls_flow_observations(1, 100000), whole);
  EXPECT_EQ(ja4_tls_flow_observations(7, 1), whole);  // one-byte records: 4-byte header split
  EXPECT_EQ(ja4_tls_flow_observations(1000, 50), whole);
}

TEST(TlsAnalyzer, FinishesServerAfterTls13ServerHelloAndSkipsTheRest) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  const auto hello = from_hex(testdata::kChromeClientHello);
  ASSERT_TRUE(analyzer.on_data(Direction::ToServer, hello, sink).has_value());
  EXPECT_TRUE(sink.has(Attr::TlsVersion, "1.3"));
  EXPECT_TRUE(sink.has(Attr::TlsAlpn, "h2,http/1.1"));
  EXPECT_TRUE(sink.has(Attr::TlsSni, "www.iit.cnr.it"));

  const auto flight = from_hex(testdata::kTls13ServerFlight);
  // Only the first half of the encrypted record has arrived: the rest is skipped unseen.
  const Bytes partial = Bytes(flight).first(flight.size() - 40);
  const auto consumed = analyzer.on_data(Direction::ToClient, partial, sink);
  ASSERT_TRUE(consumed.has_value());
  EXPECT_EQ(*consumed, flight.size());
  EXPECT_TRUE(sink.has(Attr::TlsJa3s, "2b0648ab686ee45e0e7c35fcfb0eea7e"));
  EXPECT_EQ(sink.values(Attr::TlsVersion).back(), "1.3");
  EXPECT_TRUE(analyzer.is_done());
}

TEST(TlsAnalyzer, SkipsRecordsOnceDone) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  ASSERT_TRUE(analyzer.on_data(Direction::ToServer, from_hex(testdata::kSonosClientHello), sink)
                  .has_value());
  // An application-data header announcing 16 KiB, with 3 bytes of it present.
  const auto data = from_hex("1703034000aabbcc");
  const auto consumed = analyzer.on_data(Direction::ToServer, data, sink);
  ASSERT_TRUE(consumed.has_value());
  EXPECT_EQ(*consumed, 5U + 0x4000U);
}

TEST(TlsAnalyzer, WaitsForWholeRecords) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  const auto hello = from_hex(testdata::kSonosClientHello);
  for (std::size_t length = 0; length < hello.size(); ++length) {
    const auto consumed = analyzer.on_data(Direction::ToServer, Bytes(hello).first(length), sink);
    ASSERT_FALSE(consumed.has_value());
    EXPECT_EQ(consumed.error().code, ParseErrorCode::Incomplete);
  }
  EXPECT_TRUE(sink.records.empty());
}

TEST(TlsAnalyzer, ReturnsGarbageAsErrorThenIgnoresTheDirection) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  const auto consumed = analyzer.on_data(Direction::ToServer, as_bytes("GET / HTTP/1.1\r\n"), sink);
  ASSERT_FALSE(consumed.has_value());
  EXPECT_STREQ(consumed.error().name, "tls.bad_content_type");
  EXPECT_TRUE(analyzer.on_data(Direction::ToServer, as_bytes("more"), sink).value_or(0) == 4U);
}

TEST(TlsAnalyzer, GivesUpOnSslv2Hello) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  const auto consumed = analyzer.on_data(Direction::ToServer, from_hex("802e0103010015"), sink);
  ASSERT_FALSE(consumed.has_value());
  EXPECT_EQ(consumed.error().code, ParseErrorCode::Unsupported);
}

TEST(TlsAnalyzer, RejectsHandshakeMessagesBeyondTheLimit) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  // A ClientHello header claiming 16 MiB - 1.
  const auto consumed =
      analyzer.on_data(Direction::ToServer, from_hex("160301000801ffffff03030000"), sink);
  ASSERT_FALSE(consumed.has_value());
  EXPECT_EQ(consumed.error().code, ParseErrorCode::LimitExceeded);
  EXPECT_STREQ(consumed.error().name, "tls.handshake_too_long");
}

TEST(TlsAnalyzer, BoundsReassemblyOfAMessageSpanningManyRecords) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  // A 64 KiB ClientHello (the limit) arriving as 4 KiB records: buffered, then parsed (and
  // rejected: its 0xff filling makes a 255-byte session id) once complete.
  std::vector<std::uint8_t> message = {0x01, 0x01, 0x00, 0x00};
  message.resize(4 + kMaxHandshakeBytes, 0xff);
  std::vector<std::uint8_t> record(kRecordHeaderLength + message.size());
  record[0] = 0x16;
  record[1] = 0x03;
  std::copy(message.begin(), message.end(), record.begin() + kRecordHeaderLength);
  FlowFeeder client(analyzer, Direction::ToServer, sink);
  EXPECT_FALSE(client.feed(refragment(record, 4096)));
  EXPECT_EQ(client.error(), "tls.session_id_too_long");
  EXPECT_TRUE(sink.records.empty());
}

TEST(TlsAnalyzer, IgnoresAFlowThatDoesNotStartWithAHello) {
  TlsAnalyzer analyzer;
  RecordingSink sink;
  // Server side: a Certificate-type message first, then application data.
  ASSERT_TRUE(
      analyzer.on_data(Direction::ToClient, from_hex("16030300040e000000"), sink).has_value());
  ASSERT_TRUE(analyzer.on_data(Direction::ToServer, from_hex("1703030001ff"), sink).has_value());
  EXPECT_TRUE(analyzer.is_done());
  EXPECT_TRUE(sink.records.empty());
}

TEST(TlsAnalyzer, FactoryCreatesAnalyzer) {
  const auto analyzer = make_tls_analyzer();
  ASSERT_NE(analyzer, nullptr);
  EXPECT_FALSE(analyzer->is_done());
}

}  // namespace
}  // namespace warden::proto::tls
