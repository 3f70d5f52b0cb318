#!/usr/bin/env bash
# Runs bench/sdkload against a freshly started ferry: the no-loss cycle, the
# long-poll wake latency and the CPU cost of idle long polls.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/sdkload" ./bench/sdkload
"$out/ferry" --listen 127.0.0.1:4566 --mqtt-listen off --log-level warn &
pid=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:4566/_ferry/health >/dev/null 2>&1 && break; sleep 0.1; done
"$out/sdkload" --endpoint http://127.0.0.1:4566 --pid "$pid" "$@"
