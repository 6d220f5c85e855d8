// SPDX-License-Identifier: Apache-2.0
#include "flow/tcp_reassembly.hpp"

#include <gtest/gtest.h>

#include <string>

namespace warden::flow {
namespace {

/// Collects everything delivered; consumes whole lines only, like a header parser.
struct LineConsumer {
  std::string lines;
  Consumed operator()(Bytes bytes) {
    const std::string_view text = as_chars(bytes);
    const std::size_t end = text.rfind('\n');
    if (end == std::string_view::npos) {
      return {0, false};
    }
    lines += text.substr(0, end + 1);
    return {end + 1, false};
  }
};

TEST(TcpStream, DeliversInOrderAcrossSegments) {
  TcpStream stream;
  LineConsumer consumer;
  stream.on_syn(999);
  stream.add(1000, as_bytes("GET / HT"), std::ref(consumer));
  EXPECT_EQ(consumer.lines, "");
  EXPECT_EQ(stream.buffered(), 8U);
  stream.add(1008, as_bytes("TP/1.1\nHost: x\n"), std::ref(consumer));
  EXPECT_EQ(consumer.lines, "GET / HTTP/1.1\nHost: x\n");
  EXPECT_EQ(stream.buffered(), 0U);
}

TEST(TcpStream, ReordersAndDropsRetransmissions) {
  TcpStream stream;
  LineConsumer consumer;
  stream.on_syn(0);
  stream.add(5, as_bytes("two\n"), std::ref(consumer));  // early
  stream.add(1, as_bytes("one\n"), std::ref(consumer));
  stream.add(1, as_bytes("one\n"), std::ref(consumer));            // retransmitted
  stream.add(3, as_bytes("e\ntwo\nthree\n"), std::ref(consumer));  // overlaps
  EXPECT_EQ(consumer.lines, "one\ntwo\nthree\n");
}

TEST(TcpStream, SkipsBytesTheConsumerDoesNotWant) {
  TcpStream stream;
  std::string seen;
  bool skip_next = true;
  auto consumer = [&](Bytes bytes) -> Consumed {
    seen += std::string(as_chars(bytes));
    if (skip_next) {
      skip_next = false;
      return {bytes.size() + 6, false};  // skip a 6-byte body beyond this segment
    }
    return {bytes.size(), false};
  };
  stream.on_syn(0);
  stream.add(1, as_bytes("HEAD"), consumer);
  stream.add(5, as_bytes("bodyXXnext"), consumer);
  EXPECT_EQ(seen, "HEADnext");
}

TEST(TcpStream, AGapThatNeverFillsEndsDelivery) {
  TcpStream stream;
  LineConsumer consumer;
  stream.on_syn(0);
  for (std::uint32_t segment_idx = 0; segment_idx < 20; ++segment_idx) {
    stream.add(100 + segment_idx * 10, as_bytes("lost-gap\n"), std::ref(consumer));
  }
  EXPECT_EQ(stream.end(), StreamEnd::Gap);
  EXPECT_EQ(consumer.lines, "");
}

TEST(TcpStream, BufferIsBounded) {
  TcpStream stream(64);
  LineConsumer consumer;  // never finds a newline, so everything stays buffered
  stream.on_syn(0);
  std::uint32_t seq = 1;
  for (int segment_idx = 0; segment_idx < 10; ++segment_idx) {
    stream.add(seq, as_bytes("0123456789"), std::ref(consumer));
    seq += 10;
  }
  EXPECT_EQ(stream.end(), StreamEnd::BufferFull);
  EXPECT_EQ(stream.buffered(), 0U);
}

}  // namespace
}  // namespace warden::flow
