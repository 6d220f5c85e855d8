#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Feeds every capture under DIR through warden, one process per file (so a crash names its file),
# two at a time, each with a timeout; half of them with two worker threads. Passes when no run crashes, hangs, or prints a sanitizer
# report; exit codes 0, 3 (truncated) and 4 (not a capture / unsupported link type) are expected.
set -uo pipefail
warden=$1
dir=$2
if [ ! -d "$dir" ]; then
  echo "sweep: $dir is absent; skipping"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_one() {
  local warden=$1 file=$2 work=$3
  local tag
  tag=$(echo "$file" | md5sum | cut -c1-12)
  # Half the files (by name) go through two worker threads and the shared chunked reader.
  local threads=1
  case $tag in *[02468ace]) threads=2 ;; esac
  # Tables capped at 16,384 flows and endpoints (the defaults are 262,144 and 131,072): these
  # captures are small, and at exit LeakSanitizer scans every table's reserved capacity, page by
  # page (0.38 s a run with the defaults here, 0.20 s with these caps). The caps themselves are
  # tested by Worker.MemoryStaysBoundedUnderAFloodOfMacsAndFlows.
  timeout 60 "$warden" analyze --quiet --no-progress --threads "$threads" --max-flows 16384 \
    --max-endpoints 16384 --db "$work/$tag.db" "$file" >/dev/null 2>"$work/$tag.err"
  local code=$?
  rm -f "$work/$tag.db" "$work/$tag.db-wal" "$work/$tag.db-shm"
  if [ $code -ne 0 ] && [ $code -ne 3 ] && [ $code -ne 4 ] || grep -q -E "Sanitizer|runtime error" "$work/$tag.err"; then
    echo "FAIL $code $file"
    head -20 "$work/$tag.err"
  fi
  echo "$code" >>"$work/codes"
  rm -f "$work/$tag.err"
}
export -f run_one
find "$dir" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 | sort -z |
  xargs -0 -P 2 -I{} bash -c 'run_one "$@"' _ "$warden" {} "$work" >"$work/report"
total=$(wc -l <"$work/codes")
failures=$(grep -c '^FAIL' "$work/report" || true)
echo "sweep: $total captures; exit codes: $(sort "$work/codes" | uniq -c | tr '\n' ' ')"
if [ "$failures" -ne 0 ]; then
  cat "$work/report"
  echo "sweep: $failures failures"
  exit 1
fi
echo "sweep: no crash, hang or sanitizer report"
