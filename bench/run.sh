#!/usr/bin/env bash
# SendMessage load test: replays one signed SendMessage with wrk against, in
# the same run:
#   - a bare net/http handler with a canned answer (the ceiling);
#   - ferry with --iam off (signatures verified, no authorization);
#   - ferry with --iam enforce, signed by an IAM user whose identity policy
#     is evaluated on every request.
# Reports requests/s, p99 latency and each server's CPU time per request.
# Needs wrk (apt-get install wrk).
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

"$out/ceiling" --listen 127.0.0.1:4567 & pid_ceiling=$!
"$out/ferry" --listen 127.0.0.1:4568 --mqtt-listen off --iam off --log-level warn & pid_off=$!
"$out/ferry" --listen 127.0.0.1:4566 --mqtt-listen off --iam enforce --log-level warn & pid_enforce=$!
for port in 4566 4568; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/_ferry/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
"$out/presign" --endpoint http://127.0.0.1:4568 --out "$out/off.lua"
"$out/presign" --endpoint http://127.0.0.1:4566 --out "$out/enforce.lua" --as-user

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
summary=()
# measure NAME PID URL SCRIPT
measure() {
  local name=$1 pid=$2 url=$3 script=$4 before after
  echo "== $name"
  before=$(cpu_ticks "$pid")
  wrk -t1 -c"$conns" -d"$duration" --latency -s "$script" "$url" | tee "$out/$name.txt"
  after=$(cpu_ticks "$pid")
  summary+=("$(awk -v name="$name" -v t=$((after - before)) -v hz="$hz" '
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "%-8s %9.0f req/s  p99 %-8s  CPU %5.1f us/request  non-2xx %d", name, rps, p99, t/hz/n*1e6, bad}' "$out/$name.txt")")
}
measure ceiling "$pid_ceiling" http://127.0.0.1:4567/ "$out/off.lua"
measure off "$pid_off" http://127.0.0.1:4568/ "$out/off.lua"
measure enforce "$pid_enforce" http://127.0.0.1:4566/ "$out/enforce.lua"

echo
echo "== summary ($conns connections, $duration each)"
printf '%s\n' "${summary[@]}"
rps() { awk '/Requests\/sec/ {print $2}' "$out/$1.txt"; }
awk -v c="$(rps ceiling)" -v o="$(rps off)" -v e="$(rps enforce)" 'BEGIN {
  printf "ferry (enforce) / ceiling: %.0f%%\n", 100*e/c
  printf "ferry enforce / off:       %.0f%%\n", 100*e/o }'
