// SPDX-License-Identifier: Apache-2.0
#include "protocols/http/http_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/http_analyzer.hpp"
#include "protocols/http/http_test_vectors.hpp"
#include "protocols/upnp/upnp_test_vectors.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::http {
namespace {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data
using testutil::RecordingSink;
namespace td = testdata;

Result<Head> parse(std::string_view text) {
  return parse_head(as_bytes(text));
}

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts) {
    out.append(part);
  }
  return out;
}

/// Hands stream bytes to an analyzer as the flow layer does: per direction it keeps what was not
/// consumed and appends new bytes to it, drops bytes the analyzer asked to skip, and stops a
/// direction on an error other than Incomplete.
class Flow {
 public:
  Flow() : analyzer_(make_http_analyzer()) {}

  /// Delivers `data` in segments of at most `piece` bytes.
  void send(Direction dir, std::string_view data, std::size_t piece = SIZE_MAX) {
    for (std::size_t at = 0; at < data.size(); at += piece) {
      deliver(dir, data.substr(at, piece));
    }
  }
  [[nodiscard]] const RecordingSink& sink() const { return sink_; }
  [[nodiscard]] std::size_t buffered(Direction dir) const { return side(dir).buffered.size(); }
  [[nodiscard]] bool stopped(Direction dir) const { return side(dir).stopped; }
  [[nodiscard]] bool done() const { return analyzer_->is_done(); }
  /// Bytes the analyzer was shown (not skipped), per direction.
  [[nodiscard]] std::size_t shown(Direction dir) const { return side(dir).shown; }

 private:
  struct Side {
    std::string buffered;
    std::size_t skip = 0;
    std::size_t shown = 0;
    bool stopped = false;
  };

  void deliver(Direction dir, std::string_view segment) {
    Side& state = side(dir);
    if (state.stopped || analyzer_->is_done()) {
      return;
    }
    const std::size_t skipped = std::min(state.skip, segment.size());
    state.skip -= skipped;
    state.shown += segment.size() - skipped;
    state.buffered.append(segment.substr(skipped));
    for (int call_idx = 0; call_idx < 64 && !state.buffered.empty(); ++call_idx) {
      const std::string exact = state.buffered;  // exact size for AddressSanitizer
      const auto used = analyzer_->on_data(dir, as_bytes(exact), sink_);
      if (!used) {
        state.stopped = used.error().code != ParseErrorCode::Incomplete;
        return;
      }
      if (*used >= exact.size()) {
        state.skip = *used - exact.size();
        state.buffered.clear();
        return;
      }
      state.buffered.erase(0, *used);
    }
  }
  Side& side(Direction dir) { return sides_.at(static_cast<std::size_t>(dir)); }
  [[nodiscard]] const Side& side(Direction dir) const {
    return sides_.at(static_cast<std::size_t>(dir));
  }

  std::unique_ptr<StreamAnalyzer> analyzer_;
  RecordingSink sink_;
  std::array<Side, 2> sides_;
};

constexpr auto kToServer = Direction::ToServer;
constexpr auto kToClient = Direction::ToClient;

// --- Head parser ------------------------------------------------------------------------------

TEST(HttpHead, ParsesRealRequest) {
  const auto head = parse(td::kBasicAuthRequest);
  ASSERT_TRUE(head);
  EXPECT_TRUE(head->is_request());
  EXPECT_EQ(head->method, "GET");
  EXPECT_EQ(head->target, "/password-ok.php");
  EXPECT_EQ(head->version, "HTTP/1.1");
  EXPECT_EQ(head->host(), "browserspy.dk");
  EXPECT_EQ(head->user_agent(),
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/30.0.1599.69 Safari/537.36");
  EXPECT_EQ(head->get("accept-encoding"), "gzip,deflate,sdch");
  EXPECT_EQ(head->header_count, 10U);
  EXPECT_EQ(head->length, td::kBasicAuthRequest.size());
  EXPECT_FALSE(head->find("Content-Length"));
}

TEST(HttpHead, KeepsOnlyTheAuthorizationScheme) {
  const auto head = parse(td::kBasicAuthRequest);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->authorization_scheme(), "Basic");
  EXPECT_EQ(head->get("Cookie"), "");
  for (const Header& header : head->fields()) {
    EXPECT_EQ(header.value.find("dGVzdDpmYWlsMg"), std::string_view::npos) << header.name;
    EXPECT_EQ(header.value.find("__utm"), std::string_view::npos) << header.name;
  }
  const auto colon = parse(td::kBasicAuthColonRequest);
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->authorization_scheme(), "Basic");
  // A bare token is never mistaken for a scheme.
  const auto bare = parse(
      "GET / HTTP/1.1\r\nAuthorization: dGVzdDpmYWlsMg==\r\n"
      "Proxy-Authorization: Bearer eyJhbGciOi.x.y\r\n\r\n"sv);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->authorization_scheme(), "");
  EXPECT_EQ(bare->get("Proxy-Authorization"), "Bearer");
}

TEST(HttpHead, ParsesRealResponses) {
  const auto unauthorized = parse(td::kUnauthorizedResponseHead);
  ASSERT_TRUE(unauthorized);
  EXPECT_FALSE(unauthorized->is_request());
  EXPECT_EQ(unauthorized->status, 401);
  EXPECT_EQ(unauthorized->reason, "Authorization Required");
  EXPECT_EQ(unauthorized->server(), "Apache");
  EXPECT_EQ(unauthorized->www_authenticate_scheme(), "Basic");
  EXPECT_TRUE(unauthorized->is_chunked());

  // No space after the colons.
  const auto chromecast = parse(td::kChromecastResponseHead);
  ASSERT_TRUE(chromecast);
  EXPECT_EQ(chromecast->content_type(), "application/xml");
  const auto length = chromecast->content_length();
  ASSERT_TRUE(length);
  EXPECT_EQ(*length, 1079U);
  EXPECT_EQ(chromecast->length, td::kChromecastResponseHead.size());
}

TEST(HttpHead, IsIncompleteAtEveryTruncation) {
  for (const std::string_view head : {td::kBasicAuthRequest, td::kHeadResponse, td::kXiaomiRequest,
                                      td::kChromecastResponseHead}) {
    for (std::size_t length = 0; length < head.size(); ++length) {
      const std::string cut(head.substr(0, length));  // exact size for AddressSanitizer
      const auto parsed = parse(cut);
      ASSERT_FALSE(parsed) << length;
      EXPECT_EQ(parsed.error().code, ParseErrorCode::Incomplete) << length;
    }
  }
}

TEST(HttpHead, AcceptsBareLineFeedsAndLeadingEmptyLines) {
  const auto head = parse("\r\nGET / HTTP/1.0\nHost: a\n\nrest"sv);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->host(), "a");
  EXPECT_EQ(head->length, 26U);
}

TEST(HttpHead, DatagramEndEndsTheHead) {
  const auto bare = parse_datagram_head(as_bytes("M-SEARCH * HTTP/1.1\r\nST: x"sv));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->method, "M-SEARCH");
  EXPECT_EQ(bare->target, "*");
  EXPECT_EQ(bare->get("st"), "x");
  EXPECT_FALSE(parse(td::kBasicAuthRequest.substr(0, 40)));
}

TEST(HttpHead, RejectsNonHttpAfterFewBytes) {
  // A TLS ClientHello, an SSH banner, binary junk: rejected without waiting for more.
  for (const std::string_view junk : {"\x16\x03\x01\x02\x00\x01"sv, "SSH-2.0-OpenSSH_8.9\r\n"sv,
                                      "\x00\x00\x00\x01"sv, " GET / HTTP/1.1"sv, "GET\t/"sv}) {
    const auto head = parse(junk);
    ASSERT_FALSE(head);
    EXPECT_EQ(head.error().code, ParseErrorCode::Malformed) << junk;
  }
  const auto long_method = parse(std::string(100, 'A'));
  ASSERT_FALSE(long_method);
  EXPECT_STREQ(long_method.error().name, "http.bad_start_line");
  const auto h2 = parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"sv);
  ASSERT_FALSE(h2);
  EXPECT_EQ(h2.error().code, ParseErrorCode::Unsupported);
  EXPECT_FALSE(parse("HTTP/1.1 2000 OK\r\n\r\n"sv));
  EXPECT_FALSE(parse("HTTP/1.1 099 Low\r\n\r\n"sv));
  EXPECT_FALSE(parse("GET /\r\n\r\n"sv));
}

TEST(HttpHead, BoundsHeadLengthAndHeaderCount) {
  const auto no_end = parse("GET / HTTP/1.1\r\nX: " + std::string(20000, 'a'));
  ASSERT_FALSE(no_end);
  EXPECT_STREQ(no_end.error().name, "http.head_too_long");
  const auto long_target = parse("GET /" + std::string(20000, 'a'));
  ASSERT_FALSE(long_target);
  EXPECT_STREQ(long_target.error().name, "http.head_too_long");

  std::string flood = "GET / HTTP/1.1\r\n";
  for (int header_idx = 0; header_idx < 100000; ++header_idx) {
    flood += "a:b\r\n";
  }
  const auto too_many = parse(flood);
  ASSERT_FALSE(too_many);
  EXPECT_STREQ(too_many.error().name, "http.too_many_headers");
  // Already known before the head is complete.
  const auto partial = parse(flood.substr(0, 1000));
  ASSERT_FALSE(partial);
  EXPECT_STREQ(partial.error().name, "http.too_many_headers");

  std::string full = "GET / HTTP/1.1\r\n";
  for (std::size_t header_idx = 0; header_idx < kMaxHeaders; ++header_idx) {
    full += "a:b\r\n";
  }
  EXPECT_TRUE(parse(full + "\r\n"));
}

TEST(HttpHead, IgnoresFoldedAndNamelessLines) {
  const auto head =
      parse("GET / HTTP/1.1\r\nUser-Agent: a\r\n  folded\r\nno colon\r\n: x\r\n\r\n"sv);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->user_agent(), "a");
  EXPECT_EQ(head->ignored_lines, 3U);
}

TEST(HttpHead, ValidatesContentLength) {
  const auto length_of = [](std::string_view fields) {
    const std::string text = "HTTP/1.1 200 OK\r\n" + std::string(fields) + "\r\n";
    const auto head = parse(text);
    EXPECT_TRUE(head);
    return head->content_length();
  };
  EXPECT_EQ(*length_of("Content-Length: 0\r\n"), 0U);
  EXPECT_EQ(*length_of("content-length: 12\r\nContent-Length: 12\r\n"), 12U);
  EXPECT_EQ(*length_of("Content-Length: 999999999999999999\r\n"), 999999999999999999U);
  EXPECT_FALSE(length_of("")->has_value());
  for (const std::string_view bad :
       {"Content-Length: -1\r\n"sv, "Content-Length: 1 2\r\n"sv, "Content-Length:\r\n"sv,
        "Content-Length: 0x10\r\n"sv, "Content-Length: 1\r\nContent-Length: 2\r\n"sv,
        "Content-Length: 9999999999999999999\r\n"sv}) {
    const auto length = length_of(bad);
    ASSERT_FALSE(length) << bad;
    EXPECT_STREQ(length.error().name, "http.bad_content_length");
  }
}

// --- Chunked bodies ---------------------------------------------------------------------------

TEST(HttpChunked, ParsesChunkHeaders) {
  const auto real = parse_chunk_header(as_bytes("1d\r\n\x1f\x8b"sv));
  ASSERT_TRUE(real);
  EXPECT_EQ(real->line_length, 4U);
  EXPECT_EQ(real->data_length, 0x1dU);
  const auto ext = parse_chunk_header(as_bytes("5F1;name=value\r\n"sv));
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->data_length, 0x5f1U);
  EXPECT_EQ(parse_chunk_header(as_bytes("fffffffffffffff\n"sv))->data_length, 0xfffffffffffffffU);

  const auto overflow = parse_chunk_header(as_bytes("ffffffffffffffff\r\n"sv));
  ASSERT_FALSE(overflow);
  EXPECT_STREQ(overflow.error().name, "http.chunk_size_overflow");
  const auto overflow_early = parse_chunk_header(as_bytes("10000000000000000"sv));
  ASSERT_FALSE(overflow_early);
  EXPECT_STREQ(overflow_early.error().name, "http.chunk_size_overflow");
  EXPECT_EQ(parse_chunk_header(as_bytes("zz\r\n"sv)).error().code, ParseErrorCode::Malformed);
  EXPECT_EQ(parse_chunk_header(as_bytes("z"sv)).error().code, ParseErrorCode::Malformed);
  EXPECT_EQ(parse_chunk_header(as_bytes("12x\r\n"sv)).error().code, ParseErrorCode::Malformed);
  EXPECT_EQ(parse_chunk_header(as_bytes("1d"sv)).error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(parse_chunk_header(as_bytes("1d\r"sv)).error().code, ParseErrorCode::Incomplete);
  EXPECT_EQ(parse_chunk_header(as_bytes("1;" + std::string(2000, 'x'))).error().code,
            ParseErrorCode::LimitExceeded);
}

TEST(HttpChunked, DecodesRealChunkedBody) {
  const std::string_view body =
      td::kChunkedGzipXmlResponse.substr(td::kChunkedGzipXmlResponse.find("\r\n\r\n") + 4);
  const auto decoded = decode_chunked(as_bytes(body), 4096);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->complete);
  EXPECT_EQ(decoded->consumed, body.size());
  ASSERT_EQ(decoded->data.size(), 0x1dU);
  EXPECT_EQ(decoded->data.substr(0, 2), "\x1f\x8b");

  const auto capped = decode_chunked(as_bytes(body), 4);
  EXPECT_EQ(capped->data.size(), 4U);
  for (std::size_t length = 0; length < body.size(); ++length) {
    const std::string cut(body.substr(0, length));
    const auto partial = decode_chunked(as_bytes(cut), 4096);
    ASSERT_TRUE(partial) << length;
    EXPECT_FALSE(partial->complete) << length;
  }
}

TEST(HttpChunked, SkipperAsksToSkipChunkData) {
  ChunkedSkipper skipper;
  // "5f1\r\n" then 0x5f1 bytes of data and CRLF, of which only 3 are buffered.
  const auto first = skipper.feed(as_bytes("5f1\r\nabc"sv));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 5U + 0x5f1U + 2U);
  EXPECT_FALSE(skipper.done());
  const auto last = skipper.feed(as_bytes("0\r\nTrailer: x\r\n\r\nHTTP/1.1"sv));
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 17U);
  EXPECT_TRUE(skipper.done());

  ChunkedSkipper many;
  std::string chunks;
  for (std::size_t chunk_idx = 0; chunk_idx <= kMaxChunks; ++chunk_idx) {
    chunks += "1\r\nx\r\n";
  }
  const auto too_many = many.feed(as_bytes(chunks));
  ASSERT_FALSE(too_many);
  EXPECT_STREQ(too_many.error().name, "http.too_many_chunks");
}

// --- Analyzer: request heads and credentials ---------------------------------------------------

TEST(HttpAnalyzer, ReportsClientAttributesButNeverCredentials) {
  Flow flow;
  flow.send(kToServer, td::kBasicAuthRequest);
  const RecordingSink& sink = flow.sink();
  EXPECT_TRUE(sink.has(Attr::HttpAuthScheme, "Basic"));
  EXPECT_TRUE(sink.has(Attr::HttpHost, "browserspy.dk"));
  EXPECT_TRUE(sink.has(Attr::Protocol, "http"));
  EXPECT_EQ(sink.values(Attr::HttpUserAgent).size(), 1U);
  // The user name (never the password) is about the server the credentials were sent to.
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "http user=test"));
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());  // test:fail2 is on no list
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who,
              record.attr == Attr::CleartextCredential ? Who::Receiver : Who::Sender);
    for (const std::string_view secret :
         {"dGVzdDpmYWlsMg"sv, "test:fail2"sv, "fail2"sv, "__utm"sv}) {
      EXPECT_EQ(record.value.find(secret), std::string::npos) << attr_name(record.attr);
    }
  }
  for (const std::string& anomaly : sink.anomalies) {
    EXPECT_EQ(anomaly.find("dGVzdDpmYWlsMg"), std::string::npos);
  }
  EXPECT_EQ(flow.buffered(kToServer), 0U);

  Flow colon;
  colon.send(kToServer, td::kBasicAuthColonRequest, 7);
  EXPECT_EQ(colon.sink().values(Attr::HttpAuthScheme), std::vector<std::string>{"Basic"});
  for (const auto& record : colon.sink().records) {
    EXPECT_EQ(record.value.find("dGVzdDoxOjM0"), std::string::npos);
  }
}

TEST(HttpAnalyzer, ReportsABasicLoginsResultAndTheServersChallenge) {
  // A camera's default admin:12345 refused with a Basic challenge (RFC 7617 §2 shapes).
  Flow flow;
  flow.send(kToServer,
            "GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 10.0.0.5\r\n"
            "Authorization: Basic YWRtaW46MTIzNDU=\r\n\r\n"sv);
  flow.send(kToClient,
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
            "Content-Length: 0\r\n\r\n"sv);
  const RecordingSink& sink = flow.sink();
  EXPECT_TRUE(sink.has(Attr::CleartextCredential, "http user=admin"));
  EXPECT_TRUE(sink.has(Attr::DefaultCredential, "http user=admin list=mirai"));
  EXPECT_TRUE(sink.has(Attr::LoginAttempt, "http user=admin result=failure"));
  EXPECT_TRUE(sink.has(Attr::AuthChallenge, "Basic"));
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("12345"), std::string::npos);
    EXPECT_EQ(record.value.find("YWRtaW46MTIzNDU"), std::string::npos);
  }
}

TEST(HttpAnalyzer, ReportsServerAboutTheSenderOfTheResponse) {
  Flow flow;
  flow.send(kToServer, td::kPortalRequest);
  flow.send(kToClient, td::kPortalResponse);
  EXPECT_TRUE(flow.sink().has(Attr::HttpServer, "AmazonS3"));
  EXPECT_TRUE(flow.sink().has(Attr::HttpUserAgent,
                              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.13; rv:69.0) "
                              "Gecko/20100101 Firefox/69.0"));
  EXPECT_EQ(flow.buffered(kToClient), 0U);
}

// --- Analyzer: pipelining and bodies -----------------------------------------------------------

TEST(HttpAnalyzer, HandlesPipelinedRequestsAndResponses) {
  // Real requests and replies from two flows, sent back to back as a pipelining client would.
  // The HEAD reply announces a chunked body it does not have (RFC 9112 §6.3).
  const std::string requests = cat({td::kHeadRequest, td::kPortalRequest, td::kGetRequest});
  const std::string responses = cat({td::kHeadResponse, td::kPortalResponse});
  for (const std::size_t piece : {SIZE_MAX, std::size_t{1}, std::size_t{13}}) {
    Flow flow;
    flow.send(kToServer, requests, piece);
    flow.send(kToClient, responses, piece);
    EXPECT_EQ(flow.sink().values(Attr::HttpHost),
              (std::vector<std::string>{"www.google.com", "detectportal.firefox.com", "bro.org"}))
        << piece;
    EXPECT_EQ(flow.sink().values(Attr::HttpServer), (std::vector<std::string>{"gws", "AmazonS3"}))
        << piece;
    EXPECT_EQ(flow.buffered(kToServer), 0U);
    EXPECT_EQ(flow.buffered(kToClient), 0U);
    EXPECT_FALSE(flow.stopped(kToClient));
    EXPECT_TRUE(flow.sink().anomalies.empty());
  }
}

TEST(HttpAnalyzer, SkipsBodiesAcrossSegments) {
  // zeek/http__post.pcap: a request body, and a reply whose status line is a segment of its own.
  const std::string requests = cat({td::kPostRequest, td::kGetRequest});
  for (const std::size_t piece : {SIZE_MAX, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    Flow flow;
    flow.send(kToServer, requests, piece);
    flow.send(kToClient, td::kPostResponseStatusLine, piece);
    flow.send(kToClient, td::kPostResponseRest, piece);
    flow.send(kToClient, td::kPortalResponse, piece);
    EXPECT_EQ(flow.sink().values(Attr::HttpUserAgent),
              (std::vector<std::string>{"curl/7.29.0", "Wget/1.14 (darwin12.2.0)"}));
    EXPECT_EQ(flow.sink().values(Attr::HttpServer),
              (std::vector<std::string>{"gunicorn/0.16.1", "AmazonS3"}));
    EXPECT_EQ(flow.buffered(kToClient), 0U);
  }
}

TEST(HttpAnalyzer, AsksToSkipBodiesBeyondTheBuffer) {
  // The real head of a 4705-byte body; the body bytes are filler, as only their count matters.
  const std::string body(4705, 'x');
  const std::string head_and_start = cat({td::kGetResponseHead, body.substr(0, 100)});
  HttpAnalyzer analyzer;
  RecordingSink sink;
  const auto used = analyzer.on_data(kToClient, as_bytes(head_and_start), sink);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, td::kGetResponseHead.size() + body.size());
  EXPECT_TRUE(sink.has(Attr::HttpServer, "Apache/2.4.3 (Fedora)"));

  Flow flow;
  flow.send(kToClient, cat({td::kGetResponseHead, body, td::kPortalResponse}), 1000);
  EXPECT_EQ(flow.sink().values(Attr::HttpServer),
            (std::vector<std::string>{"Apache/2.4.3 (Fedora)", "AmazonS3"}));
  EXPECT_LT(flow.shown(kToClient), 2500U);  // most of the body was skipped unseen
}

TEST(HttpAnalyzer, SkipsChunkedBodies) {
  // Real chunked text/xml, gzip-encoded: skipped, not read as a description.
  for (const std::size_t piece : {SIZE_MAX, std::size_t{1}, std::size_t{3}}) {
    Flow flow;
    flow.send(kToClient, cat({td::kChunkedGzipXmlResponse, td::kPortalResponse}), piece);
    EXPECT_EQ(flow.sink().values(Attr::HttpServer),
              (std::vector<std::string>{"openresty/1.13.6.1", "AmazonS3"}));
    EXPECT_TRUE(flow.sink().values(Attr::UpnpFriendlyName).empty());
    EXPECT_EQ(flow.buffered(kToClient), 0U);
  }
  // The real 401 head; its chunked HTML replaced by one filler chunk of the real first size.
  Flow flow;
  flow.send(kToClient,
            cat({td::kUnauthorizedResponseHead, "5f1\r\n", std::string(0x5f1, 'h'), "\r\n0\r\n\r\n",
                 td::kPortalResponse}),
            200);
  EXPECT_EQ(flow.sink().values(Attr::HttpServer), (std::vector<std::string>{"Apache", "AmazonS3"}));
  EXPECT_LT(flow.shown(kToClient), 1200U);
}

// --- Analyzer: UPnP descriptions ---------------------------------------------------------------

void expect_roku(const RecordingSink& sink) {
  EXPECT_EQ(sink.values(Attr::UpnpFriendlyName), std::vector<std::string>{"Express"});
  EXPECT_TRUE(sink.has(Attr::UpnpManufacturer, "Roku"));
  EXPECT_TRUE(sink.has(Attr::UpnpModelName, "Roku Express"));
  EXPECT_TRUE(sink.has(Attr::UpnpModelNumber, "3900X"));
  EXPECT_TRUE(sink.has(Attr::UpnpSerialNumber, "YG004J486863"));
  EXPECT_TRUE(sink.has(Attr::UpnpDeviceType, "urn:roku-com:device:player:1-0"));
  EXPECT_TRUE(sink.has(Attr::UpnpUdn, "uuid:295c0004-6807-106d-80cf-d831342077fb"));
}

TEST(HttpAnalyzer, ReadsDescriptionServedByTheDevice) {
  for (const std::size_t piece : {SIZE_MAX, std::size_t{1}, std::size_t{50}}) {
    Flow flow;
    flow.send(kToServer, td::kChromecastDescriptionRequest, piece);
    const std::size_t client_records = flow.sink().records.size();
    flow.send(kToClient, cat({td::kChromecastResponseHead, upnp::testdata::kChromecastDescription}),
              piece);
    const RecordingSink& sink = flow.sink();
    EXPECT_TRUE(sink.has(Attr::UpnpFriendlyName, "Chromecast1699"));
    EXPECT_TRUE(sink.has(Attr::UpnpManufacturer, "Google Inc."));
    EXPECT_TRUE(sink.has(Attr::UpnpModelName, "Eureka Dongle"));
    EXPECT_TRUE(sink.has(Attr::UpnpDeviceType, "urn:dial-multiscreen-org:device:dial:1"));
    EXPECT_TRUE(sink.has(Attr::UpnpUdn, "uuid:79d88e83-725c-b71b-bad0-5862d5b22386"));
    // Every UPnP fact was reported while the device's bytes were delivered, about their sender.
    for (std::size_t record_idx = 0; record_idx < sink.records.size(); ++record_idx) {
      const auto& record = sink.records[record_idx];
      EXPECT_EQ(record.subject.who, Who::Sender);
      if (attr_name(record.attr).starts_with("upnp.")) {
        EXPECT_GE(record_idx, client_records);
        EXPECT_EQ(record.protocol, "upnp");
      }
    }
    EXPECT_EQ(flow.buffered(kToClient), 0U);
  }
}

TEST(HttpAnalyzer, ReadsDescriptionSplitOverSegments) {
  // The real segmentation: head, then the whole body in the next segment.
  Flow real;
  real.send(kToServer, td::kRokuDescriptionRequest);
  real.send(kToClient, td::kRokuResponseHead);
  EXPECT_TRUE(real.sink().values(Attr::UpnpFriendlyName).empty());
  real.send(kToClient, upnp::testdata::kRokuDescription);
  expect_roku(real.sink());
  EXPECT_TRUE(real.sink().has(Attr::HttpServer, "Roku UPnP/1.0 MiniUPnPd/1.4"));

  // The body cut into pieces: nothing is reported until it is whole.
  Flow pieces;
  pieces.send(kToClient, td::kRokuResponseHead);
  const std::string_view body = upnp::testdata::kRokuDescription;
  std::size_t at = 0;
  for (; at + 114 < body.size(); at += 114) {
    pieces.send(kToClient, body.substr(at, 114));
    EXPECT_TRUE(pieces.sink().values(Attr::UpnpUdn).empty());
  }
  pieces.send(kToClient, body.substr(at));
  expect_roku(pieces.sink());
  EXPECT_EQ(pieces.buffered(kToClient), 0U);
}

TEST(HttpAnalyzer, ReadsRootDeviceOfDescriptionWithSubDevices) {
  // The hand-written IGD description behind a minimal head (also written by hand).
  const std::string_view xml = upnp::testdata::kIgdDescription;
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + std::to_string(xml.size()) +
      "\r\n\r\n";
  Flow flow;
  flow.send(kToClient, cat({head, xml}), 64);
  const RecordingSink& sink = flow.sink();
  EXPECT_EQ(sink.values(Attr::UpnpFriendlyName),
            std::vector<std::string>{"Tomato & Toastman\u00ae Router"});
  EXPECT_EQ(sink.values(Attr::UpnpUdn),
            std::vector<std::string>{"uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f"});
  EXPECT_EQ(sink.values(Attr::UpnpSerialNumber), std::vector<std::string>{"00000000"});
  EXPECT_EQ(sink.values(Attr::UpnpDeviceType),
            std::vector<std::string>{"urn:schemas-upnp-org:device:InternetGatewayDevice:1"});
  EXPECT_FALSE(sink.has(Attr::UpnpFriendlyName, "WANDevice"));
}

std::string chunked(std::string_view data, std::size_t chunk_size) {
  std::string out;
  static constexpr std::string_view kHex = "0123456789abcdef";
  for (std::size_t at = 0; at < data.size(); at += chunk_size) {
    const std::string_view chunk = data.substr(at, chunk_size);
    std::string size;
    for (std::size_t value = chunk.size(); value > 0; value /= 16) {
      size.insert(size.begin(), kHex[value % 16]);
    }
    out += size + "\r\n" + std::string(chunk) + "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST(HttpAnalyzer, RecognisesDescriptionsByContent) {
  // Hand-written heads around the real Roku body: chunked without a Content-Type, then an
  // HTTP/1.0 reply delimited by the close.
  Flow chunked_flow;
  chunked_flow.send(kToClient,
                    cat({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                         chunked(upnp::testdata::kRokuDescription, 100), td::kPortalResponse}),
                    33);
  expect_roku(chunked_flow.sink());
  EXPECT_TRUE(chunked_flow.sink().has(Attr::HttpServer, "AmazonS3"));

  Flow close_flow;
  close_flow.send(kToClient, "HTTP/1.0 200 OK\r\nServer: Roku\r\n\r\n"sv);
  close_flow.send(kToClient, upnp::testdata::kRokuDescription, 200);
  expect_roku(close_flow.sink());
  EXPECT_TRUE(close_flow.done());
}

TEST(HttpAnalyzer, ReadsOnlySuccessfulPlainDescriptions) {
  // Hand-written heads around the real Roku body.
  const std::string_view xml = upnp::testdata::kRokuDescription;
  const std::string length = "Content-Length: " + std::to_string(xml.size()) + "\r\n\r\n";
  for (const std::string_view status_and_type :
       {"HTTP/1.1 404 Not Found\r\nContent-Type: text/xml\r\n"sv,
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/xml\r\n"sv}) {
    Flow flow;
    flow.send(kToClient, cat({status_and_type, length, xml, td::kPortalResponse}));
    EXPECT_TRUE(flow.sink().values(Attr::UpnpFriendlyName).empty()) << status_and_type;
    EXPECT_TRUE(flow.sink().has(Attr::HttpServer, "AmazonS3"));
  }
  // A wrong Content-Type does not hide a body that starts like a description.
  Flow mislabelled;
  mislabelled.send(kToClient,
                   cat({"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"sv, length, xml}), 3);
  expect_roku(mislabelled.sink());
}

// --- Analyzer: hostile input ------------------------------------------------------------------

TEST(HttpAnalyzer, StopsOnNonHttp) {
  HttpAnalyzer analyzer;
  RecordingSink sink;
  const auto tls = analyzer.on_data(kToServer, as_bytes("\x16\x03\x01\x02\x00\x01\x00"sv), sink);
  ASSERT_FALSE(tls);
  EXPECT_EQ(tls.error().code, ParseErrorCode::Malformed);
  EXPECT_EQ(sink.anomalies, std::vector<std::string>{"http.bad_start_line"});
  EXPECT_TRUE(sink.records.empty());

  Flow flow;
  flow.send(kToClient, std::string(20000, 'A'), 1000);  // no CRLF at all
  EXPECT_TRUE(flow.stopped(kToClient));
  EXPECT_LE(flow.shown(kToClient), 1000U);
}

TEST(HttpAnalyzer, StopsOnOversizedHeads) {
  std::string flood = "GET / HTTP/1.1\r\n";
  for (int header_idx = 0; header_idx < 100000; ++header_idx) {
    flood += "X-A: b\r\n";
  }
  Flow flow;
  flow.send(kToServer, flood, 1460);
  EXPECT_TRUE(flow.stopped(kToServer));
  EXPECT_EQ(flow.sink().anomalies, std::vector<std::string>{"http.too_many_headers"});

  Flow long_line;
  long_line.send(kToServer, "GET / HTTP/1.1\r\nX: " + std::string(40000, 'a'), 1460);
  EXPECT_TRUE(long_line.stopped(kToServer));
  EXPECT_EQ(long_line.sink().anomalies, std::vector<std::string>{"http.head_too_long"});
}

TEST(HttpAnalyzer, SkipsHugeContentLengthWithoutOverflow) {
  for (const std::string_view head :
       {"POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n\r\nab"sv,
        "HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\nabcdef"sv}) {
    HttpAnalyzer analyzer;
    RecordingSink sink;
    const auto used = analyzer.on_data(kToClient, as_bytes(head), sink);
    ASSERT_TRUE(used);
    EXPECT_EQ(*used, head.find("\r\n\r\n") + 4 + 999999999999999999U);
  }
  RecordingSink sink;
  const auto too_long = HttpAnalyzer{}.on_data(
      kToClient, as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n"sv),
      sink);
  ASSERT_FALSE(too_long);
  EXPECT_STREQ(too_long.error().name, "http.bad_content_length");
}

TEST(HttpAnalyzer, StopsOnOverflowingChunkSizes) {
  for (const std::string_view size : {"ffffffffffffffffffff\r\n"sv, "fffffffffffffffff"sv}) {
    Flow flow;
    flow.send(kToClient, cat({td::kUnauthorizedResponseHead, size}), 5);
    EXPECT_TRUE(flow.stopped(kToClient)) << size;
    EXPECT_EQ(flow.sink().anomalies, std::vector<std::string>{"http.chunk_size_overflow"});
  }
  // The largest accepted size is skipped, not overflowed.
  HttpAnalyzer analyzer;
  RecordingSink sink;
  const std::string body = cat({td::kUnauthorizedResponseHead, "fffffffffffffff\r\n"});
  const auto used = analyzer.on_data(kToClient, as_bytes(body), sink);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, body.size() + 0xfffffffffffffffU + 2);
}

TEST(HttpAnalyzer, BoundsPendingRequests) {
  std::string requests;
  for (std::size_t request_idx = 0; request_idx < kMaxPendingRequests + 4; ++request_idx) {
    requests += td::kHeadRequest;
  }
  Flow flow;
  flow.send(kToServer, requests);
  EXPECT_EQ(flow.sink().values(Attr::HttpHost).size(), kMaxPendingRequests + 4);
  EXPECT_EQ(std::count(flow.sink().anomalies.begin(), flow.sink().anomalies.end(),
                       "http.too_many_pending_requests"),
            4);
  EXPECT_EQ(flow.buffered(kToServer), 0U);
}

TEST(HttpAnalyzer, FlagsContentLengthWithChunked) {
  Flow flow;
  flow.send(kToServer,
            "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            "0\r\n\r\nGET /next HTTP/1.1\r\nHost: b\r\n\r\n"sv);
  EXPECT_TRUE(flow.sink().has(Attr::HttpHost, "b"));
  EXPECT_EQ(flow.sink().anomalies,
            std::vector<std::string>{"http.content_length_with_transfer_encoding"});
}

TEST(HttpAnalyzer, StopsAfterProtocolSwitch) {
  Flow flow;
  flow.send(kToServer, "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"sv);
  flow.send(kToClient, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05"sv);
  EXPECT_TRUE(flow.done());
  EXPECT_FALSE(flow.stopped(kToClient));
}

}  // namespace
}  // namespace warden::proto::http
