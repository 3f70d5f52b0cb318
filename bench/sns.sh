#!/usr/bin/env bash
# SNS fan-out benchmarks against a freshly started ferry:
#   1. wrk replays one signed Publish at 64 connections to a topic with 10
#      raw-delivery SQS subscribers, unencrypted and then with AWS's default
#      SSE-SQS; then every delivery is accounted for and deliveries/s
#      reported (counting until the last one landed);
#   2. through the real SDK, 8 publishers and 5 subscribed queues: the time
#      from a Publish's response to its message being receivable in every
#      queue, raw and enveloped;
#   3. Publish latency with 1 and with 100 subscribers.
# Needs wrk (apt-get install wrk).
#
#   bench/sns.sh [duration] [connections]
#   THROUGHPUT_ONLY=1 bench/sns.sh        # part 1 alone
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-64}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/snsload" ./bench/snsload

start_ferry() {
  "$out/ferry" --listen 127.0.0.1:4566 --mqtt-listen off --log-level warn & pid=$!
  for _ in $(seq 50); do curl -fs http://127.0.0.1:4566/_ferry/health >/dev/null 2>&1 && break; sleep 0.1; done
}
stop_ferry() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

for variant in plain sse-sqs; do
  echo "== fan-out throughput: wrk, $conns connections, $duration, 10 raw SQS subscribers, queues $variant"
  start_ferry
  flag=""; [ "$variant" = plain ] && flag="--plain"
  "$out/snsload" --subscribers 10 $flag --out "$out/publish.lua" prepare
  t0=$(date +%s.%N)
  wrk -t1 -c"$conns" -d"$duration" --latency -s "$out/publish.lua" http://127.0.0.1:4566/ | tee "$out/wrk.txt"
  "$out/snsload" --subscribers 10 account | tee "$out/account.txt"
  t1=$(date +%s.%N)
  awk -v t0="$t0" -v t1="$t1" '/^published/ {gsub(",","",$4); printf "deliveries/s (load plus drain): %.0f\n", $4/(t1-t0)}' "$out/account.txt"
  stop_ferry
done

echo "== SDK latency: 8 publishers, 5 subscribers"
[ "${THROUGHPUT_ONLY:-}" = 1 ] && exit 0
start_ferry
"$out/snsload" --publishers 8 --subscribers 5 --messages 4000 --raw=true latency
"$out/snsload" --publishers 8 --subscribers 5 --messages 4000 --rate 0 --raw=true latency
"$out/snsload" --publishers 8 --subscribers 5 --messages 2000 --raw=false latency
stop_ferry

echo "== Publish latency, 1 vs 100 subscribers"
start_ferry
"$out/snsload" --messages 2000 publish
stop_ferry
