#!/usr/bin/env bash
# Server-side encryption cost, in one run on one ferry: wrk replays one
# signed SendMessage at 64 connections to a queue without encryption, to an
# SSE-SQS queue and to an SSE-KMS queue (data keys from ferry's KMS, cached
# for the queue's reuse period); then KMS GenerateDataKey and Decrypt through
# the SDK (bench/kmsload).
# Needs wrk (apt-get install wrk).
#
#   bench/sse.sh [duration] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-64}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/presign" ./bench/presign
go build -o "$out/kmsload" ./bench/kmsload
"$out/ferry" --listen 127.0.0.1:4597 --mqtt-listen off --log-level warn & pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:4597/_ferry/health >/dev/null 2>&1 && break; sleep 0.05; done
"$out/presign" --endpoint http://127.0.0.1:4597 --queue plain --sse none --out "$out/plain.lua"
"$out/presign" --endpoint http://127.0.0.1:4597 --queue ssesqs --out "$out/ssesqs.lua"
"$out/presign" --endpoint http://127.0.0.1:4597 --queue ssekms --sse kms --out "$out/ssekms.lua"
for q in plain ssesqs ssekms; do
  echo "== $q"
  wrk -t1 -c"$conns" -d"$duration" --latency -s "$out/$q.lua" http://127.0.0.1:4597/ | tee "$out/$q.txt" | grep -E 'Requests/sec|99%|Non-2xx'
done
rps() { awk '/Requests\/sec/ {print $2}' "$out/$1.txt"; }
awk -v p="$(rps plain)" -v s="$(rps ssesqs)" -v k="$(rps ssekms)" 'BEGIN {
  printf "SSE-SQS / plain: %.0f%%\nSSE-KMS / plain: %.0f%%\n", 100*s/p, 100*k/p }'
echo "== KMS through the SDK"
"$out/kmsload" --endpoint http://127.0.0.1:4597
