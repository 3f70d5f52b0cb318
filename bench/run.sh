#!/usr/bin/env bash
# SendMessage load test: replays one signed SendMessage with wrk against
# ferry and, in the same run, against a bare net/http handler with a canned
# answer (the ceiling). Reports requests/s, p99 latency and ferry's CPU time
# per request. Needs wrk (apt-get install wrk).
#
#   bench/run.sh [duration] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-64}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/ceiling" ./bench/ceiling
go build -o "$out/presign" ./bench/presign

"$out/ferry" --listen 127.0.0.1:4566 --log-level warn >"$out/ferry.log" 2>&1 &
ferry_pid=$!
"$out/ceiling" --listen 127.0.0.1:4567 &
ceiling_pid=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:4566/_ferry/health >/dev/null 2>&1 && break; sleep 0.1; done

"$out/presign" --endpoint http://127.0.0.1:4566 --out "$out/send.lua"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() { wrk -t1 -c"$conns" -d"$duration" --latency -s "$out/send.lua" "$1"; }

echo "== ceiling (bare net/http, canned answer)"
cbefore=$(cpu_ticks $ceiling_pid)
run_wrk http://127.0.0.1:4567/ | tee "$out/ceiling.txt"
cafter=$(cpu_ticks $ceiling_pid)
echo "== ferry (SigV4 verified, SendMessage stored)"
before=$(cpu_ticks $ferry_pid)
run_wrk http://127.0.0.1:4566/ | tee "$out/ferry.txt"
after=$(cpu_ticks $ferry_pid)

reqs=$(awk '/requests in/ {print $1}' "$out/ferry.txt")
creqs=$(awk '/requests in/ {print $1}' "$out/ceiling.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/ferry.txt"); non2xx=${non2xx:-0}
hz=$(getconf CLK_TCK)
rps_f=$(awk '/Requests\/sec/ {print $2}' "$out/ferry.txt")
rps_c=$(awk '/Requests\/sec/ {print $2}' "$out/ceiling.txt")
p99_f=$(awk '$1=="99%" {print $2}' "$out/ferry.txt")
p99_c=$(awk '$1=="99%" {print $2}' "$out/ceiling.txt")
echo
echo "== summary ($conns connections, $duration)"
echo "ceiling: $rps_c req/s, p99 $p99_c"
echo "ferry:   $rps_f req/s, p99 $p99_f, non-2xx $non2xx"
awk -v f="$rps_f" -v c="$rps_c" 'BEGIN {printf "ferry/ceiling throughput: %.0f%%\n", 100*f/c}'
awk -v t=$((after - before)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "ferry CPU per SendMessage: %.1f us\n", t/hz/n*1e6}'
awk -v t=$((cafter - cbefore)) -v hz="$hz" -v n="$creqs" 'BEGIN {printf "ceiling CPU per request:   %.1f us\n", t/hz/n*1e6}'
