// SPDX-License-Identifier: Apache-2.0
// Micro benchmarks: parsing a real request head, and a whole request through the analyzer.
#include <benchmark/benchmark.h>

#include "protocols/http/http_analyzer.hpp"
#include "protocols/http/http_parser.hpp"
#include "protocols/http/http_test_vectors.hpp"
#include "testutil/null_sink.hpp"

namespace warden::proto::http {
namespace {

void BM_ParseRequestHead(benchmark::State& state) {
  const Bytes bytes = as_bytes(testdata::kXiaomiRequest);
  for (auto _ : state) {
    auto head = parse_head(bytes);
    benchmark::DoNotOptimize(head);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_ParseRequestHead);

void BM_AnalyzeRequest(benchmark::State& state) {
  const Bytes bytes = as_bytes(testdata::kBasicAuthRequest);
  testutil::NullSink sink;
  for (auto _ : state) {
    HttpAnalyzer analyzer;
    auto used = analyzer.on_data(Direction::ToServer, bytes, sink);
    benchmark::DoNotOptimize(used);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_AnalyzeRequest);

}  // namespace
}  // namespace warden::proto::http
