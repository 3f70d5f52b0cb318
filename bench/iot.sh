#!/usr/bin/env bash
# AWS IoT benchmarks against a freshly started ferry:
#   1. end to end: 16 MQTT publishers at QoS 1 through a `SELECT * … WHERE`
#      rule into an SQS queue (AWS's default, SSE-SQS), consumed and deleted
#      by 4 SQS consumers; publishes/s, messages/s and latency percentiles,
#      every message accounted for;
#   2. plain MQTT pub/sub through ferry's broker against mochi-mqtt
#      standalone, in the same run (go test -bench in iot/broker).
#
#   bench/iot.sh [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/iotload" ./bench/iotload

"$out/ferry" --listen 127.0.0.1:4593 --mqtt-listen 127.0.0.1:1893 --log-level warn & pid=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:4593/_ferry/health >/dev/null 2>&1 && break; sleep 0.1; done
echo "== rules end to end: MQTT QoS 1 → rule → SQS, $duration"
"$out/iotload" --endpoint http://127.0.0.1:4593 --mqtt 127.0.0.1:1893 --duration "$duration"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "== MQTT pub/sub: ferry's broker vs mochi-mqtt standalone"
go test ./iot/broker -run '^$' -bench BenchmarkPubSub -benchtime 3s -count 3
