#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 30) on a copy
# of its corpus. Crashers are left in build/fuzz/crashes/<target>/; add fixed ones to the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
status=0
while read -r binary corpus; do
  name=$(basename "$binary")
  work=build/fuzz/work/$name
  crashes=build/fuzz/crashes/$name
  rm -rf "$work"
  mkdir -p "$work" "$crashes"
  cp -r "$corpus"/. "$work"/
  echo "== $name: $seconds s from $(ls "$corpus" | wc -l) seeds"
  if ! "$binary" -max_total_time="$seconds" -artifact_prefix="$crashes/" "$work" \
      >"build/fuzz/$name.log" 2>&1; then
    echo "FAIL $name: see build/fuzz/$name.log and $crashes"
    status=1
  fi
done <build/fuzz/fuzz_targets.txt
exit $status
