#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a golden case: input.pcap -> warden analyze -> devices as NDJSON, diffed with expected.jsonl.
# WARDEN_UPDATE_GOLDEN=1 rewrites expected.jsonl instead.
set -euo pipefail
warden=$1
case_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$warden" analyze --quiet --no-progress --db "$work/golden.db" "$case_dir/input.pcap" 2>"$work/stderr" || {
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
