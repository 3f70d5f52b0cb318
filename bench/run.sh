#!/usr/bin/env bash
# SendMessage load test: replays one signed SendMessage with wrk against, in
# the same run:
#   - a bare net/http handler with a canned answer (the ceiling);
#   - ferry with --iam off (signatures verified, no authorization);
#   - ferry with --iam enforce, signed by an IAM user whose identity policy
#     is evaluated on every request;
#   - the same, sending to a FIFO queue with one deduplication id, so that
#     nothing is stored: what a send costs without a growing queue.
# Reports requests/s, p99 latency and each server's CPU time per request.
# A shared machine's speed drifts over a minute, so the three are measured
# in turns, several rounds of each, and the summary gives medians: the
# ratios are taken within each round, between runs seconds apart.
# Needs wrk (apt-get install wrk).
#
#   bench/run.sh [duration per run] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5s}
conns=${2:-64}
rounds=${3:-5}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

go build -o "$out/ferry" ./cmd/ferry
go build -o "$out/ceiling" ./bench/ceiling
go build -o "$out/presign" ./bench/presign

"$out/ceiling" --listen 127.0.0.1:4567 & pid_ceiling=$!
"$out/ferry" --listen 127.0.0.1:4568 --mqtt-listen off --iam off --log-level warn & pid_off=$!
"$out/ferry" --listen 127.0.0.1:4566 --mqtt-listen off --iam enforce --log-level warn & pid_enforce=$!
"$out/ferry" --listen 127.0.0.1:4569 --mqtt-listen off --iam enforce --log-level warn & pid_dedup=$!
for port in 4566 4568 4569; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/_ferry/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
"$out/presign" --endpoint http://127.0.0.1:4568 --out "$out/off.lua"
"$out/presign" --endpoint http://127.0.0.1:4566 --out "$out/enforce.lua" --as-user
"$out/presign" --endpoint http://127.0.0.1:4569 --out "$out/dedup.lua" --as-user --fifo-duplicate

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# measure NAME ROUND PID URL SCRIPT: one wrk run; appends "name round rps
# p99(ms) cpu(us/request) non2xx" to $out/results.
measure() {
  local name=$1 round=$2 pid=$3 url=$4 script=$5 before after
  before=$(cpu_ticks "$pid")
  wrk -t1 -c"$conns" -d"$duration" --latency -s "$script" "$url" >"$out/run.txt"
  after=$(cpu_ticks "$pid")
  awk -v name="$name" -v round="$round" -v t=$((after - before)) -v hz="$hz" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; return v*1000 }
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} $1=="99%" {p99=ms($2)} /Non-2xx/ {bad=$NF}
    END {printf "%s %d %.0f %.2f %.1f %d\n", name, round, rps, p99, t/hz/n*1e6, bad+0}' "$out/run.txt" | tee -a "$out/results"
}
echo "== name round req/s p99(ms) CPU(us/request) non-2xx"
for round in $(seq "$rounds"); do
  measure ceiling "$round" "$pid_ceiling" http://127.0.0.1:4567/ "$out/off.lua"
  measure off "$round" "$pid_off" http://127.0.0.1:4568/ "$out/off.lua"
  measure enforce "$round" "$pid_enforce" http://127.0.0.1:4566/ "$out/enforce.lua"
  measure fifo-dup "$round" "$pid_dedup" http://127.0.0.1:4569/ "$out/dedup.lua"
done

echo
echo "== summary: medians of $rounds rounds ($conns connections, $duration a run)"
awk '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  { rps[$1,$2] = $3; p99[$1,$2] = $4; cpu[$1,$2] = $5; bad[$1] += $6; if ($2 > rounds) rounds = $2 }
  END {
    split("ceiling off enforce fifo-dup", names, " ")
    for (k = 1; k <= 4; k++) {
      nm = names[k]
      for (r = 1; r <= rounds; r++) { x[r] = rps[nm,r]; y[r] = p99[nm,r]; z[r] = cpu[nm,r] }
      printf "%-8s %9.0f req/s  p99 %6.2f ms  CPU %5.1f us/request  non-2xx %d\n", nm, median(x, rounds), median(y, rounds), median(z, rounds), bad[nm]
    }
    for (r = 1; r <= rounds; r++) { x[r] = rps["enforce",r] / rps["ceiling",r]; y[r] = p99["enforce",r] / p99["ceiling",r]; z[r] = rps["enforce",r] / rps["off",r] }
    printf "ferry (enforce) / ceiling: %.0f%% of the requests/s, p99 %.2fx (medians of the rounds)\n", 100*median(x, rounds), median(y, rounds)
    printf "ferry enforce / off:       %.0f%%\n", 100*median(z, rounds)
  }' "$out/results"
