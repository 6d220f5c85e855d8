#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad inputs get clear errors and distinct exit codes, never a crash (docs/cli.md).
set -uo pipefail
warden=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect CODE PATTERN CMD...
  local code=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -ne "$code" ] || ! grep -q -- "$pattern" "$work/err" "$work/out"; then
    echo "FAIL: $* -> exit $got (want $code, '$pattern')"; cat "$work/err"; fail=1
  else
    echo "ok: exit $code: $*"
  fi
}
golden="$source_dir/golden/lab/input.pcap"
echo "this is not a capture" >"$work/text.pcap"
head -c 2000 "$golden" >"$work/cut.pcap"
: >"$work/empty.pcap"
mkdir "$work/dir"
cp "$golden" "$work/dir/a.pcap"
expect 0 "devices" "$warden" analyze --no-progress --db "$work/ok.db" "$golden"
expect 3 "truncated or corrupt at byte" "$warden" analyze --no-progress -q --db "$work/t.db" "$work/cut.pcap"
expect 4 "not a pcap/pcapng capture" "$warden" analyze --no-progress -q --db "$work/n.db" "$work/text.pcap"
expect 4 "not a pcap/pcapng capture" "$warden" analyze --no-progress -q --db "$work/e.db" "$work/empty.pcap"
expect 4 "no such file" "$warden" analyze --no-progress -q --db "$work/m.db" "$work/missing.pcap"
expect 0 "analyzed" "$warden" analyze --no-progress -q --db "$work/d.db" "$work/dir"
# One bad file among good ones: the good one is still analyzed, the exit code reports the bad one.
expect 4 "not a pcap" "$warden" analyze --no-progress -q --db "$work/mix.db" "$work/text.pcap" "$golden"
"$warden" devices --db "$work/mix.db" --format csv | grep -q "44:19:b6:77:00:02" || { echo "FAIL: good file skipped"; fail=1; }
expect 2 "give capture files" "$warden" analyze
expect 2 "" "$warden" devices --format yaml
expect 7 "no such database" "$warden" devices --db "$work/none.db"
expect 5 "no device" "$warden" device 10.1.2.3 --db "$work/ok.db"
expect 0 "hostname" "$warden" device 44:19:b6:77:00:02 --db "$work/ok.db"
expect 2 "neither a MAC nor an IP" "$warden" device "nonsense" --db "$work/ok.db"
# Identification rules: a broken user file is refused before any capture is read, with its line.
printf 'rules:\n  - {id: x, says: s, when: {http.server: a}, then: {type: toaster}, confidence: 0.5}\n' \
  >"$work/bad-rules.yaml"
expect 2 "bad-rules.yaml:2: rules\[0\].then.type: unknown device type 'toaster'" \
  "$warden" analyze --no-progress -q --db "$work/r.db" --rules "$work/bad-rules.yaml" "$golden"
expect 2 "cannot read" "$warden" analyze --no-progress -q --db "$work/r.db" --rules "$work/none.yaml" "$golden"
# A user rule changes the verdict.
printf 'rules:\n  - {id: site-cam, says: our badge readers, when: {hostname: "^lab-camera$"}, then: {type: sensor, vendor: Acme}, confidence: 0.99}\n' \
  >"$work/site.yaml"
expect 0 "analyzed" "$warden" analyze --no-progress -q --db "$work/site.db" --rules "$work/site.yaml" "$golden"
expect 0 "Acme" "$warden" device 44:19:b6:77:00:02 --db "$work/site.db"

# Pins: validated, shown at once, and kept by a re-analysis.
expect 2 "unknown device type 'camera'" "$warden" device 44:19:b6:77:00:02 set type=camera --db "$work/ok.db"
expect 2 "unknown identity field 'colour'" "$warden" device 44:19:b6:77:00:02 set colour=red --db "$work/ok.db"
expect 2 "expected field=value" "$warden" device 44:19:b6:77:00:02 set type --db "$work/ok.db"
expect 5 "no device" "$warden" device 10.1.2.3 set type=plc --db "$work/ok.db"
expect 0 "type: nvr_dvr (pin)" "$warden" device 44:19:b6:77:00:02 set type=nvr_dvr model=DS-7608NI --db "$work/ok.db"
expect 0 "analyzed" "$warden" analyze --no-progress -q --db "$work/ok.db" "$golden"
"$warden" devices --db "$work/ok.db" --format json | python3 -c '
import json, sys
cam = [d for d in json.load(sys.stdin) if d["mac"] == "44:19:b6:77:00:02"][0]
assert cam["type"] == "nvr_dvr" and cam["model"] == "DS-7608NI", cam
assert cam["identity"]["type"]["source"] == "pin"
' || { echo "FAIL: pin lost by re-analysis"; fail=1; }
expect 0 "type: ip_camera (rules)" "$warden" device 44:19:b6:77:00:02 unset type model --db "$work/ok.db"

# Findings.
expect 0 "findings on" "$warden" findings --db "$work/ok.db"
expect 0 "WARDEN-RISK-" "$warden" findings --db "$work/ok.db" --format ndjson
expect 2 "" "$warden" findings --db "$work/ok.db" --min-severity severe
expect 7 "no such database" "$warden" findings --db "$work/none.db"

# Alerts, policy, quarantine.
expect 0 "alerts" "$warden" alerts --db "$work/ok.db"
# The lab's speaker looks up speaker.cloud.example: a listed domain makes an alert to format.
printf 'cloud.example\n' >"$work/intel.txt"
expect 0 "1 alerts" "$warden" analyze --no-progress -q --db "$work/intel.db" --intel "$work/intel.txt" "$golden"
expect 0 "CEF:0|Warden|Warden|" "$warden" alerts --db "$work/intel.db" --format cef
expect 0 "LEEF:2.0|Warden|Warden|" "$warden" alerts --db "$work/intel.db" --format leef
expect 0 '"rule":{"id":"WARDEN-DET-INTEL-DOMAIN"' "$warden" alerts --db "$work/intel.db" --format ndjson
expect 2 "" "$warden" alerts --db "$work/ok.db" --format xml
expect 7 "no such database" "$warden" alerts --db "$work/none.db"
expect 0 "valid" "$warden" policy check "$source_dir/policy/example.yaml"
printf 'version: 1\nzones:\n  a: {cidrs: [10.0.0.0/33]}\n' >"$work/bad-policy.yaml"
expect 2 "bad-policy.yaml:3: zones.a.cidrs\[0\]: bad CIDR" "$warden" policy check "$work/bad-policy.yaml"
expect 0 "table inet" "$warden" policy export "$source_dir/policy/example.yaml" --format nftables --db "$work/ok.db"
expect 0 "aws_security_group" "$warden" policy export "$source_dir/policy/example.yaml" --format terraform-aws
expect 2 "" "$warden" policy export "$source_dir/policy/example.yaml" --format pf
expect 2 "bad-policy.yaml:3" "$warden" analyze --no-progress -q --db "$work/p.db" --policy "$work/bad-policy.yaml" "$golden"
expect 0 "warden_quarantine_10_77_0_116" "$warden" quarantine 44:19:b6:77:00:02 --db "$work/ok.db"
expect 5 "no device" "$warden" quarantine 10.9.9.9 --db "$work/ok.db"
expect 0 "approved" "$warden" device 44:19:b6:77:00:02 approve --db "$work/ok.db"
printf 'not an indicator!\n' >"$work/bad-intel.txt"
expect 2 "bad-intel.txt:1: not an IP address" "$warden" analyze --no-progress -q --db "$work/i.db" --intel "$work/bad-intel.txt" "$golden"
printf 'outputs:\n  - type: carrier-pigeon\n' >"$work/bad-outputs.yaml"
expect 2 "bad-outputs.yaml" "$warden" analyze --no-progress -q --db "$work/o.db" --outputs "$work/bad-outputs.yaml" "$golden"

for cmd in analyze devices device findings alerts policy quarantine; do
  expect 0 "Usage" "$warden" "$cmd" --help
done
exit $fail
