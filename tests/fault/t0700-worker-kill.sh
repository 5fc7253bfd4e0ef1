#!/usr/bin/env bash
# t0700-worker-kill.sh: SIGKILL a worker while wrk loads the start page for 10 s: the supervisor replaces it within
# 1 s and no request fails beyond the one in flight on the killed worker (nginx fails over idempotent requests).
SUITE=fault-worker-kill
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -u
before=$(workers_of customer | wc -l)
check "customer pool has $ECC_WORKERS workers" [ "$before" -eq "$ECC_WORKERS" ]
out=$(mktemp)
wrk -t2 -c32 -d10s --latency "$ECC_BASE_URL/" >"$out" 2>&1 &
wrk_pid=$!
sleep 3
victim=$(workers_of customer | head -1)
t0=$(now_ms)
kill -KILL "$victim"
replaced=""
for _ in $(seq 1 100); do
	cur=$(workers_of customer)
	if ! echo "$cur" | grep -qx "$victim" && [ "$(echo "$cur" | grep -c .)" -eq "$ECC_WORKERS" ]; then
		replaced=$(( $(now_ms) - t0 )); break
	fi
	sleep 0.02
done
echo "worker $victim killed; replacement serving slot after ${replaced:-never} ms"
check "replacement worker within 1000 ms (${replaced:-never})" [ "${replaced:-99999}" -le 1000 ]
wait "$wrk_pid"
cat "$out"
total=$(awk '/requests in/ {print $1}' "$out")
non2xx=$(awk -F': ' '/Non-2xx or 3xx responses/ {print $2}' "$out"); non2xx=${non2xx:-0}
sockerr=$(awk '/Socket errors/ {gsub(/[^0-9 ]/," "); s=0; for(i=1;i<=NF;i++) s+=$i; print s}' "$out"); sockerr=${sockerr:-0}
failed=$((non2xx + sockerr))
echo "REPORT worker-kill: $total requests in 10 s, $failed failed (non-2xx $non2xx, socket errors $sockerr), restart ${replaced:-never} ms"
mkdir -p "$ECC_VAR/results"
echo "worker-kill: requests=$total failed=$failed restart_ms=${replaced:-never}" >>"$ECC_VAR/results/fault-report.txt"
check "load ran (${total:-0} requests)" [ "${total:-0}" -gt 1000 ]
check "at most the in-flight request failed ($failed)" [ "$failed" -le 1 ]
check "start page still answers" [ "$(status_of /)" = 200 ]
rm -f "$out"
finish
