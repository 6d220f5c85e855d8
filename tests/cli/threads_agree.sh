#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The thread count changes how fast a capture is analyzed, never what Warden says about it: the
# devices, their identity and evidence, the findings and the alerts are the same byte for byte
# with one, two and three threads (docs/cli.md, --threads).
set -uo pipefail
warden=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# lab-policy: the lab capture under a segmentation policy (with several threads its violations
# are found beside the store).
for case in lab ident-lab lab-mqtt lab-modbus lab-policy; do
  capture="$source_dir/golden/${case%-policy}/input.pcap"
  options=()
  [ "$case" = lab-policy ] && options=(--policy "$source_dir/cli/threads_policy.yaml")
  for threads in 1 2 3; do
    db="$work/$case-$threads.db"
    if ! "$warden" analyze --quiet --no-progress --threads "$threads" "${options[@]}" --db "$db" \
        "$capture" 2>"$work/err"; then
      echo "FAIL: $case with $threads threads: analyze failed"; cat "$work/err"; fail=1
      continue
    fi
    {
      "$warden" devices --db "$db" --format json
      "$warden" findings --db "$db" --format json
      "$warden" alerts --db "$db" --format ndjson
    } >"$work/$case-$threads.out"
  done
  if [ ! -s "$work/$case-1.out" ]; then
    echo "FAIL: $case: no output"; fail=1
    continue
  fi
  for threads in 2 3; do
    if cmp -s "$work/$case-1.out" "$work/$case-$threads.out"; then
      echo "ok: $case: $threads threads say what one does"
    else
      echo "FAIL: $case: $threads threads differ from one:"
      diff <(tr ',' '\n' <"$work/$case-1.out") <(tr ',' '\n' <"$work/$case-$threads.out") | head -20
      fail=1
    fi
  done
done
exit $fail
