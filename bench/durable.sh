#!/usr/bin/env bash
# Durable-store benchmarks, in one run:
#   1. wrk replays one signed SendMessage at 64 connections against ferry in
#      memory and ferry with --data-dir (every send committed before it is
#      answered, fsyncs shared by group commit): throughput side by side;
#   2. start-up time with the messages that run left in the data directory
#      (topped up to --messages with batch sends), from exec to healthy.
# Needs wrk (apt-get install wrk).
#
#   bench/durable.sh [duration] [connections] [messages]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-64}
want=${3:-1000000}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/presign" ./bench/presign
go build -o "$out/fill" ./bench/fill

wait_healthy() {
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$1/_ferry/health" >/dev/null 2>&1 && return 0; sleep 0.01; done
  echo "ferry on $1 never became healthy" >&2; return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }

"$out/ferry" --listen 127.0.0.1:4591 --mqtt-listen off --log-level warn & mem=$!
"$out/ferry" --listen 127.0.0.1:4590 --mqtt-listen off --log-level warn --data-dir "$out/data" & dur=$!
wait_healthy 4591; wait_healthy 4590
"$out/presign" --endpoint http://127.0.0.1:4591 --out "$out/mem.lua"
"$out/presign" --endpoint http://127.0.0.1:4590 --out "$out/dur.lua"
for run in "memory $mem 4591 mem" "data-dir $dur 4590 dur"; do
  set -- $run
  echo "== $1"
  before=$(cpu_ticks "$2")
  wrk -t1 -c"$conns" -d"$duration" --latency -s "$out/$4.lua" "http://127.0.0.1:$3/" | tee "$out/$4.txt" | grep -E 'Requests/sec|99%|Non-2xx'
  after=$(cpu_ticks "$2")
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "CPU %.1f us/request\n", t/hz/$1*1e6}' "$out/$4.txt"
done
awk -v m="$(rps "$out/mem.txt")" -v d="$(rps "$out/dur.txt")" 'BEGIN { printf "data-dir / memory: %.0f%%\n", 100*d/m }'

echo "== start-up with $want stored messages"
"$out/fill" --endpoint http://127.0.0.1:4590 --queue load --messages "$want"
kill "$dur"; wait "$dur" 2>/dev/null || true
du -h "$out/data/ferry.db"
start=$(date +%s.%N)
"$out/ferry" --listen 127.0.0.1:4590 --mqtt-listen off --log-level warn --data-dir "$out/data" & dur=$!
wait_healthy 4590
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "start-up to healthy: %.2f s\n", e - s }'
curl -s "http://127.0.0.1:4590/_ferry/metrics" | grep 'ferry_sqs_queue_messages{.*queue="load".*visible'
