#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: installs dependencies, builds with clang ASan+UBSan, runs every test
# (unit, fuzz-corpus replay, golden, CLI exit codes, the ../shared/pcaps sweep, the namespace
# lab), and checks formatting.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== format"
if ! git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 --dry-run --Werror; then
  echo "format: run 'git ls-files \"*.cpp\" \"*.hpp\" | xargs clang-format-14 -i'"; exit 1
fi
echo "== build (asan)"
cmake --preset asan >/dev/null
cmake --build --preset asan
echo "== test (asan)"
ctest --preset asan -j2
echo "== benchmarks compile (release; timings are not checked here: bench/run_bench.sh)"
cmake --preset release >/dev/null
cmake --build --preset release --target warden pcap_read_loop decode_bench flow_bench dns_bench \
  http_bench tls_bench huge_pages_test
echo "== release allocator: tcmalloc's memory from the huge-page region"
build/release/src/app/huge_pages_test
echo "== release binary (LTO, tcmalloc): the thread count changes nothing it says"
tests/cli/threads_agree.sh build/release/warden tests
