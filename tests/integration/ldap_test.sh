#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# LDAP binds on a real OpenLDAP server (slapd) in a network namespace, as a multifunction printer
# would make them for its address book: the capture of real ldap-utils clients goes through
# `warden analyze`, and the test checks what the LDAP analyzer must and must not report.
#
#   wl-dir  10.81.0.2  00:1b:21 (Intel)   slapd: rootdn cn=admin,dc=warden,dc=test with password
#                                         "admin" (a factory-default pair), StartTLS
#   wl-mfp  10.81.0.3  00:00:74 (Ricoh)   ldapwhoami and ldapsearch:
#     1. a simple bind as the rootdn with the right password (cleartext, default credential);
#     2. six simple binds as cn=scanner with wrong passwords (a brute force);
#     3. an anonymous search of the root DSE (no credential at all);
#     4. a simple bind as cn=tls-only after StartTLS (must stay invisible).
# Needs root, iproute2, tcpdump, slapd, ldap-utils and openssl; skips (77) otherwise. Traffic never
# leaves the two namespaces.
set -euo pipefail
warden=${1:?usage: ldap_test.sh WARDEN}
[ "$(id -u)" -eq 0 ] || { echo "ldap: needs root; skipping"; exit 77; }
for tool in ip tcpdump /usr/sbin/slapd ldapwhoami ldapsearch openssl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ldap: $tool missing; skipping"; exit 77; }
done
[ -f /etc/ldap/schema/core.schema ] || { echo "ldap: OpenLDAP schema missing; skipping"; exit 77; }
source "$(dirname "$0")/netns_pair.sh"
work=$(mktemp -d /tmp/warden-ldap.XXXXXX)
chmod 755 "$work"
cleanup() {
  set +e
  netns_pair_remove wl-dir wl-mfp
  rm -rf "$work"
}
trap cleanup EXIT
netns_pair wl-dir wl-a 00:1b:21:81:00:02 10.81.0.2/24 wl-mfp wl-b 00:00:74:81:00:03 10.81.0.3/24

# The directory: a self-signed certificate for StartTLS, an empty database, the rootdn's password.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=dir.warden.test \
  -keyout "$work/dir.key" -out "$work/dir.crt" >/dev/null 2>&1
mkdir "$work/db"
cat >"$work/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $work/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $work/dir.crt
TLSCertificateKeyFile $work/dir.key
database mdb
suffix "dc=warden,dc=test"
rootdn "cn=admin,dc=warden,dc=test"
rootpw admin
directory $work/db
EOF
start_capture wl-dir wl-a "$work/ldap.pcap" "$work/tcpdump.log"
ip netns exec wl-dir /usr/sbin/slapd -f "$work/slapd.conf" -h "ldap://10.81.0.2/" -d 0 \
  >"$work/slapd.log" 2>&1 &
for _ in $(seq 50); do
  ip netns exec wl-mfp ldapsearch -x -H ldap://10.81.0.2 -b "" -s base >/dev/null 2>&1 && break
  sleep 0.1
done
ip netns exec wl-mfp ldapwhoami -x -H ldap://10.81.0.2 -D cn=admin,dc=warden,dc=test -w admin \
  || { echo "ldap: the rootdn bind failed"; cat "$work/slapd.log"; exit 1; }
for guess in 123456 password letmein qwerty dragon 111111; do
  ip netns exec wl-mfp ldapwhoami -x -H ldap://10.81.0.2 -D cn=scanner,dc=warden,dc=test \
    -w "$guess" >/dev/null 2>&1 && { echo "ldap: a wrong password was accepted"; exit 1; }
done
ip netns exec wl-mfp ldapsearch -x -H ldap://10.81.0.2 -b "" -s base namingContexts >/dev/null
# -ZZ: the bind goes only over TLS; invalidCredentials (49) proves it reached the server so.
status=0
LDAPTLS_REQCERT=never ip netns exec wl-mfp ldapwhoami -x -ZZ -H ldap://10.81.0.2 \
  -D cn=tls-only,dc=warden,dc=test -w tls-secret >"$work/tls.log" 2>&1 || status=$?
[ "$status" = 49 ] || { echo "ldap: the bind after StartTLS ended with $status"; cat "$work/tls.log"; exit 1; }
stop_capture "$work/tcpdump.log"

"$warden" analyze -q --no-progress --db "$work/ldap.db" "$work/ldap.pcap"
"$warden" devices --db "$work/ldap.db" --format json >"$work/devices.json"
"$warden" alerts --db "$work/ldap.db" --format json >"$work/alerts.json"
python3 - "$work/devices.json" "$work/alerts.json" <<'PY'
import json, sys
devices = {d["mac"]: d for d in json.load(open(sys.argv[1]))}
alerts = json.load(open(sys.argv[2]))
failures = []
directory = devices.get("00:1b:21:81:00:02")
printer = devices.get("00:00:74:81:00:03")
if not directory or not printer:
    sys.exit("FAIL: devices missing: %s" % sorted(devices))
services = [(s["transport"], s["port"], s["protocol"]) for s in directory["services"]]
if ("tcp", 389, "ldap") not in services:
    failures.append("the directory offers no tcp/389 ldap service: %s" % services)
signals = directory["signals"]
admin = "ldap user=cn=admin,dc=warden,dc=test"
expected = {
    "login.cleartext_credential": [admin, "ldap user=cn=scanner,dc=warden,dc=test"],
    "login.default_credential": [admin + " list=mirai"],
    "login.attempt": [admin + " result=success",
                      "ldap user=cn=scanner,dc=warden,dc=test result=failure"],
}
for name, values in expected.items():
    for value in values:
        if value not in signals.get(name, []):
            failures.append("directory lacks %s %r (has %s)" % (name, value, signals.get(name)))
findings = {f["id"] for f in directory["findings"]}
for finding in ("WARDEN-RISK-CLEARTEXT-CREDENTIALS", "WARDEN-RISK-DEFAULT-CREDENTIALS"):
    if finding not in findings:
        failures.append("directory lacks finding %s (has %s)" % (finding, sorted(findings)))
# Nothing about logins lands on the client, the bind after StartTLS stays unseen, and no password
# is stored anywhere.
if any(k.startswith("login.") for k in printer["signals"]):
    failures.append("login values stuck to the client: %s" % printer["signals"])
text = open(sys.argv[1]).read()
for secret in ("tls-only", "tls-secret", "letmein", "qwerty", "dragon"):
    if secret in text:
        failures.append("%r appears in the inventory" % secret)
brute = [a for a in alerts if a["rule"]["id"] == "WARDEN-DET-BRUTE-FORCE"]
if not brute:
    failures.append("no brute-force alert")
else:
    evidence = brute[0]["warden"]["evidence"]
    if brute[0]["source"]["ip"] != "10.81.0.3" or evidence.get("protocol") != "ldap" or \
            evidence.get("failures", 0) < 6:
        failures.append("the brute-force alert is wrong: %s" % brute[0])
print("ldap: directory signals %s, %d alerts" % (
    {k: len(v) for k, v in signals.items() if k.startswith("login.")}, len(alerts)))
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
