#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Measures Warden's identification accuracy on labelled devices (tests/eval/cases.csv).

For each capture: `warden analyze` into a fresh database, `warden devices --format json`, then each
labelled device is compared with its truth. Prints per-type precision and recall for the type,
vendor accuracy, the share left unknown, and confident wrong guesses. With --check, exits 1 when
the targets are missed: type right >= 90% and vendor right >= 95% where the traffic carries
identifying evidence, "unknown" where it carries none, and no wrong guess at confidence >= 0.6.
Captures under ../shared/pcaps are skipped when that folder is absent.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "pcaps")
CONFIDENT = 0.6


def norm(text):
    return "".join(c for c in text.lower() if c.isalnum() or c == " ").strip()


def vendor_matches(truth, predicted):
    if not predicted:
        return False
    t, p = norm(truth), norm(predicted)
    return t == p or t in p or p in t or t.split()[0] == p.split()[0]


def load_cases(path):
    rows = []
    with open(path, newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for row in csv.DictReader(lines):
        rows.append(row)
    return rows


def analyze(warden, capture, workdir):
    db = os.path.join(workdir, "eval-%d.db" % abs(hash(capture)))
    subprocess.run([warden, "analyze", "--quiet", "--no-progress", "--db", db, capture],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([warden, "devices", "--db", db, "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def find(devices, selector):
    selector = selector.lower()
    for device in devices:
        if (device.get("mac") or "") == selector:
            return device
    for device in devices:
        if selector in device.get("ips", []) or device.get("key") == "ip:" + selector:
            return device
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warden", default=os.path.join(ROOT, "build", "release", "warden"))
    parser.add_argument("--cases", default=os.path.join(ROOT, "tests", "eval", "cases.csv"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    cases = load_cases(args.cases)
    by_capture = collections.OrderedDict()
    for case in cases:
        by_capture.setdefault(case["capture"], []).append(case)

    results = []
    skipped = 0
    with tempfile.TemporaryDirectory() as workdir:
        for capture, rows in by_capture.items():
            path = os.path.join(SHARED, capture[7:]) if capture.startswith("shared:") else \
                os.path.join(ROOT, capture)
            if not os.path.exists(path):
                skipped += len(rows)
                continue
            devices = analyze(args.warden, path, workdir)
            for row in rows:
                device = find(devices, row["selector"])
                identity = device.get("identity", {}) if device else {}
                results.append({
                    "capture": capture, "selector": row["selector"],
                    "truth_type": row["type"], "truth_vendor": row["vendor"],
                    "type": device["type"] if device else "missing",
                    "type_confidence": identity.get("type", {}).get("confidence", 0.0),
                    "vendor": (device or {}).get("vendor") or "",
                    "vendor_confidence": identity.get("vendor", {}).get("confidence", 0.0),
                })

    print("%-44s %-20s %-20s %-20s %s" % ("CAPTURE / DEVICE", "TRUE TYPE", "WARDEN TYPE",
                                         "TRUE VENDOR", "WARDEN VENDOR"))
    for r in results:
        mark_type = "" if not r["truth_type"] else ("ok" if r["type"] == r["truth_type"] else "XX")
        mark_vendor = ""
        if r["truth_vendor"] == "-":
            mark_vendor = "ok" if not r["vendor"] else "XX"
        elif r["truth_vendor"]:
            mark_vendor = "ok" if vendor_matches(r["truth_vendor"], r["vendor"]) else "XX"
        label = (os.path.basename(r["capture"]) + " " + r["selector"])[-44:]
        print("%-44s %-20s %-17s %2s %-20s %-17s %2s" % (
            label, r["truth_type"] or "(not labelled)", r["type"][:17], mark_type,
            r["truth_vendor"] or "(not labelled)", (r["vendor"] or "(none)")[:17], mark_vendor))

    # Type: devices whose traffic carries evidence (truth type set and not "unknown").
    typed = [r for r in results if r["truth_type"] and r["truth_type"] != "unknown"]
    type_right = sum(r["type"] == r["truth_type"] for r in typed)
    honest = [r for r in results if r["truth_type"] == "unknown"]
    honest_right = sum(r["type"] == "unknown" for r in honest)
    vendored = [r for r in results if r["truth_vendor"] and r["truth_vendor"] != "-"]
    vendor_right = sum(vendor_matches(r["truth_vendor"], r["vendor"]) for r in vendored)
    no_vendor = [r for r in results if r["truth_vendor"] == "-"]
    no_vendor_right = sum(not r["vendor"] for r in no_vendor)
    unknown_share = sum(r["type"] == "unknown" for r in results) / max(len(results), 1)
    confident_wrong = [r for r in results if r["truth_type"] and r["type"] not in
                       (r["truth_type"], "unknown") and r["type_confidence"] >= CONFIDENT]
    confident_wrong += [r for r in results if r["truth_vendor"] and r["vendor"] and
                        (r["truth_vendor"] == "-" or not vendor_matches(r["truth_vendor"], r["vendor"]))
                        and r["vendor_confidence"] >= CONFIDENT]

    print("\nper type (devices with identifying evidence)")
    print("%-22s %9s %9s %8s" % ("TYPE", "PRECISION", "RECALL", "DEVICES"))
    types = sorted({r["truth_type"] for r in typed} | {r["type"] for r in typed if r["type"] != "unknown"})
    per_type = {}
    for t in types:
        predicted = [r for r in results if r["truth_type"] and r["type"] == t]
        actual = [r for r in typed if r["truth_type"] == t]
        tp = sum(r["truth_type"] == t for r in predicted)
        precision = tp / len(predicted) if predicted else None
        recall = tp / len(actual) if actual else None
        per_type[t] = {"precision": precision, "recall": recall, "devices": len(actual)}
        print("%-22s %9s %9s %8d" % (t, "-" if precision is None else "%.2f" % precision,
                                     "-" if recall is None else "%.2f" % recall, len(actual)))

    figures = {
        "devices": len(results), "skipped_absent": skipped,
        "type_right": type_right, "type_labelled": len(typed),
        "type_accuracy": type_right / max(len(typed), 1),
        "vendor_right": vendor_right, "vendor_labelled": len(vendored),
        "vendor_accuracy": vendor_right / max(len(vendored), 1),
        "unknown_when_no_evidence": "%d/%d" % (honest_right, len(honest)),
        "no_vendor_when_not_carried": "%d/%d" % (no_vendor_right, len(no_vendor)),
        "unknown_share": unknown_share,
        "confident_wrong": len(confident_wrong), "per_type": per_type,
    }
    print("\ntype right:   %d/%d = %.1f%% (target 90%%)" % (type_right, len(typed),
                                                          100 * figures["type_accuracy"]))
    print("vendor right: %d/%d = %.1f%% (target 95%%)" % (vendor_right, len(vendored),
                                                          100 * figures["vendor_accuracy"]))
    print("unknown where the traffic carries no type evidence: %s" %
          figures["unknown_when_no_evidence"])
    print("no vendor stated where the traffic does not carry it: %s" %
          figures["no_vendor_when_not_carried"])
    print("devices left unknown: %.1f%%" % (100 * unknown_share))
    print("confident (>= %.1f) wrong guesses: %d" % (CONFIDENT, len(confident_wrong)))
    for r in confident_wrong:
        print("  %s %s: %s / %s" % (r["capture"], r["selector"], r["type"], r["vendor"]))
    if skipped:
        print("skipped %d labelled devices whose capture is absent" % skipped)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    if args.check:
        ok = (figures["type_accuracy"] >= 0.90 and figures["vendor_accuracy"] >= 0.95 and
              honest_right == len(honest) and no_vendor_right == len(no_vendor) and
              not confident_wrong)
        if not ok:
            print("eval-identify: targets missed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
