#!/usr/bin/env bash
# Run the test suite with the clock of the Node processes moved to another date and time (libfaketime),
# to show that no test depends on the day it runs:
#   bash scripts/test-at-date.sh '2031-02-28 23:58:30' [jest args…]
# The clock keeps running from that moment, so a start just before midnight crosses it.
# redis-server and redis-cli keep the real clock (Firebreak passes its own times to Redis, as in production where
# the two clocks differ). Needs Debian's `faketime` package.
set -euo pipefail
cd "$(dirname "$0")/.."
at="${1:?usage: scripts/test-at-date.sh 'YYYY-MM-DD HH:MM:SS' [jest args…]}"
shift
command -v faketime >/dev/null || { echo "install faketime: sudo apt-get install -y faketime" >&2; exit 2; }
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
# redis-server (and its Sentinel mode) and redis-cli (which hangs under libfaketime) keep the real clock.
for tool in redis-server redis-cli; do
  real="$(command -v "$tool")" || continue
  printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %s "$@"\n' "$real" > "$shim/$tool"
  chmod +x "$shim/$tool"
done
PATH="$shim:$PATH" FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$at" npx jest "$@"
