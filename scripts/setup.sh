#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One command on a fresh Debian 12 machine: install dependencies, build the release binary, and
# analyze the capture the project ships (made by tests/lab/lab.sh from real daemons).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target warden
db=${WARDEN_DB:-build/demo.db}
rm -f "$db" "$db-wal" "$db-shm"
build/release/warden analyze --db "$db" tests/golden/lab/input.pcap
echo
echo "Inventory stored in $db. Try: build/release/warden device 44:19:b6:77:00:02 --db $db"
