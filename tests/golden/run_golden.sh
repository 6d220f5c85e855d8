#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a golden case: input.pcap -> warden analyze -> devices as NDJSON, diffed with expected.jsonl.
# A case may instead name a capture of ../shared/pcaps in input.path (used in place, never copied);
# it is skipped (77) when that folder is absent. WARDEN_UPDATE_GOLDEN=1 rewrites expected.jsonl.
set -euo pipefail
warden=$1
case_dir=$2
input="$case_dir/input.pcap"
if [ -f "$case_dir/input.path" ]; then
  shared=$(cd "$(dirname "$0")/../../.." && pwd)/shared/pcaps
  input="$shared/$(cat "$case_dir/input.path")"
  if [ ! -f "$input" ]; then
    echo "golden $(basename "$case_dir"): $input absent; skipping"
    exit 77
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$warden" analyze --quiet --no-progress --db "$work/golden.db" "$input" 2>"$work/stderr" || {
  code=$?; cat "$work/stderr" >&2; exit "$code"; }
# Time-independent view: drop nothing, the capture's own timestamps are stable.
"$warden" devices --db "$work/golden.db" --format ndjson >"$work/actual.jsonl"
if [ "${WARDEN_UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$work/actual.jsonl" "$case_dir/expected.jsonl"
  echo "updated $case_dir/expected.jsonl"
  exit 0
fi
diff -u "$case_dir/expected.jsonl" "$work/actual.jsonl"
echo "golden $(basename "$case_dir"): $(wc -l <"$work/actual.jsonl") devices match"
