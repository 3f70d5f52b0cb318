#!/usr/bin/env bash
# AWS IoT benchmarks against a freshly started ferry:
#   1. end to end: 16 MQTT publishers at QoS 1 through a `SELECT * … WHERE`
#      rule into an SQS queue (AWS's default, SSE-SQS), consumed and deleted
#      by 16 SQS consumers, at a fixed 20,000 publishes/s and then as fast as
#      the publishers' windows allow; publishes/s, messages/s and latency
#      percentiles, every message accounted for;
#   2. plain MQTT pub/sub through ferry's broker against mochi-mqtt
#      standalone, in the same run (go test -bench in iot/broker).
# With taskset and two or more CPUs, ferry runs on CPU 0 and the load tool
# on the others, so the load tool's own work does not count against ferry.
#
#   bench/iot.sh [duration] [rate]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
rate=${2:-20000}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/iotload" ./bench/iotload

server=() client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server=(taskset -c 0) client=(taskset -c "1-$(($(nproc) - 1))")
  echo "ferry on CPU 0, the load tool on CPUs 1-$(($(nproc) - 1))"
fi

run() {
  "${server[@]}" "$out/ferry" --listen 127.0.0.1:4593 --mqtt-listen 127.0.0.1:1893 --log-level warn >/dev/null & pid=$!
  for _ in $(seq 50); do curl -fs http://127.0.0.1:4593/_ferry/health >/dev/null 2>&1 && break; sleep 0.1; done
  "${client[@]}" "$out/iotload" --endpoint http://127.0.0.1:4593 --mqtt 127.0.0.1:1893 --duration "$duration" --consumers 16 "$@"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "== rules end to end: MQTT QoS 1 → rule → SQS, $rate publishes/s for $duration"
run --rate "$rate"
echo "== rules end to end: as fast as the publishers' windows allow, $duration"
run

echo "== MQTT pub/sub: ferry's broker vs mochi-mqtt standalone"
go test ./iot/broker -run '^$' -bench BenchmarkPubSub -benchtime 3s -count 3
