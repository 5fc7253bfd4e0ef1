#!/bin/bash
# run.sh: make bench — throughput and latency of / and /healthz against a trivial FastCGI responder behind the same nginx, and worker memory.
#
# ECC_MODE=bench (var/bench/, ports 28443/28080/29443). Brings the stack up with
# ops/dev/stack.sh start (nginx.sh renders location /__bench/trivial in bench mode), starts
# tests/tools/trivial_fcgi on $ECC_VAR/run/trivial.sock with as many processes as the customer
# pool has workers, warms up, then runs wrk (-t2 -c32 -d10s --latency, HTTPS, client keep-alive)
# against the trivial responder, / and /healthz. It records each customer worker's RSS before
# and after at least BENCH_REQUESTS (100,000) application requests, writes $ECC_VAR/report.md and
# prints it. The issue's targets (start page >= 50 % of the trivial responder's req/s, start page
# p99 < 10 ms at 32 connections) are shown as PASS/MISS; they never fail the run. The run fails
# only when something could not be measured. Everything it started is stopped on exit.
# Tunables: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_REQUESTS (100000),
# BENCH_TOPUP_MAX_S (60: cap on extra load to reach BENCH_REQUESTS), TRIVIAL_FCGI (binary path).
set -euo pipefail
export ECC_MODE=bench
. "$(dirname "${BASH_SOURCE[0]}")/../../ops/dev/env.sh"
cd "$ECC_ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
REQUESTS=${BENCH_REQUESTS:-100000}
TOPUP_MAX_S=${BENCH_TOPUP_MAX_S:-60}
TRIVIAL=${TRIVIAL_FCGI:-$ECC_ROOT/build/test/tests/tools/trivial_fcgi}
BASE=https://127.0.0.1:$ECC_HTTPS_PORT
OUT=$ECC_VAR/report.md
WORK=$ECC_VAR/bench-work
TRIVIAL_PID=

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*"; }

command -v wrk >/dev/null || die "wrk is not installed (ops/dev/install-deps.sh)"
[ -x "$TRIVIAL" ] || die "$TRIVIAL is not built (make VARIANT=test tests)"

cleanup() {
	local rc=$?
	if [ -n "$TRIVIAL_PID" ] && kill -0 "$TRIVIAL_PID" 2>/dev/null; then
		kill -TERM "$TRIVIAL_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$TRIVIAL_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$TRIVIAL_PID" 2>/dev/null || true
	fi
	ops/dev/stack.sh stop >"$WORK/stack-stop.log" 2>&1 || echo "bench: stack.sh stop failed (see $WORK/stack-stop.log)" >&2
	exit "$rc"
}

mkdir -p "$WORK"
rm -f "$WORK"/*.wrk
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting the stack (ECC_MODE=bench, $ECC_VAR)"
if ! ops/dev/stack.sh start >"$WORK/stack-start.log" 2>&1; then
	tail -n 30 "$WORK/stack-start.log" >&2
	die "ops/dev/stack.sh start failed (log: $WORK/stack-start.log)"
fi
grep -q '/__bench/trivial' "$ECC_VAR/nginx/conf/customer.conf" ||
	die "nginx config has no /__bench/trivial location (was it rendered with ECC_MODE=bench?)"

# The trivial responder: same socket group and mode as ecc-web's sockets.
SOCK=$ECC_VAR/run/trivial.sock
setsid "$TRIVIAL" "$SOCK" "$ECC_WORKERS" >"$WORK/trivial.log" 2>&1 </dev/null &
TRIVIAL_PID=$!
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || die "trivial_fcgi did not create $SOCK: $(cat "$WORK/trivial.log")"
chgrp "$ECC_NGINX_USER" "$SOCK"
chmod 0660 "$SOCK"

for path in /__bench/trivial / /healthz; do
	code=$(curl -sS -k -o /dev/null -w '%{http_code}' "$BASE$path" || true)
	[ "$code" = 200 ] || die "GET $path answers $code, not 200: nothing to measure"
done

# to_ms VALUE: wrk's "635.00us" / "2.07ms" / "1.20s" / "1.00m" in milliseconds
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}
# run_wrk NAME PATH DURATION: wrk output in $WORK/NAME.wrk (appended)
run_wrk() {
	wrk -t"$THREADS" -c"$CONNS" -d"$3" --latency "$BASE$2" >>"$WORK/$1.wrk" 2>&1 ||
		die "wrk failed on $2: $(tail -n 5 "$WORK/$1.wrk")"
}
# wrk_field FILE KEY: the last measurement's value (rps | p50 | p99 | requests | errors)
wrk_field() {
	awk -v k="$2" '
		/^Running/ { rps = p50 = p99 = req = ""; err = 0 }
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = $2 }
		$1 == "99%" { p99 = $2 }
		/ requests in / { req = $1 }
		/^ *Non-2xx or 3xx responses:/ { err += $NF }
		/^ *Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
		END { if (k == "rps") print rps; else if (k == "p50") print p50; else if (k == "p99") print p99;
		      else if (k == "requests") print req; else print err }' "$1"
}

workers() { # customer worker pids (children of the supervisor)
	local sup
	sup=$(cat "$ECC_VAR/run/ecc-web-customer.pid" 2>/dev/null) || return 0
	pgrep -P "$sup" | sort -n || true
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

say "warming up (2 s per target)"
for p in /__bench/trivial / /healthz; do
	wrk -t"$THREADS" -c"$CONNS" -d2s "$BASE$p" >/dev/null 2>&1 || die "wrk warm-up failed on $p"
done

declare -A RSS0
PIDS=$(workers)
[ -n "$PIDS" ] || say "warning: no customer worker processes found under $ECC_VAR/run/ecc-web-customer.pid"
for p in $PIDS; do RSS0[$p]=$(rss_kb "$p"); done

say "measuring: trivial responder ($DURATION)"
run_wrk trivial /__bench/trivial "$DURATION"
say "measuring: / ($DURATION)"
run_wrk home / "$DURATION"
say "measuring: /healthz ($DURATION)"
run_wrk health /healthz "$DURATION"

app_requests=$(($(wrk_field "$WORK/home.wrk" requests) + $(wrk_field "$WORK/health.wrk" requests)))
topup_start=$SECONDS
while [ "$app_requests" -lt "$REQUESTS" ] && [ $((SECONDS - topup_start)) -lt "$TOPUP_MAX_S" ]; do
	say "load on / until $REQUESTS application requests (now $app_requests)"
	: >"$WORK/topup.wrk"
	run_wrk topup / 10s
	app_requests=$((app_requests + $(wrk_field "$WORK/topup.wrk" requests)))
done
sleep 1

# --- report ------------------------------------------------------------------------------------
t_rps=$(wrk_field "$WORK/trivial.wrk" rps)
row() { # label file
	local rps p50 p99 err ratio
	rps=$(wrk_field "$2" rps)
	p50=$(to_ms "$(wrk_field "$2" p50)")
	p99=$(to_ms "$(wrk_field "$2" p99)")
	err=$(wrk_field "$2" errors)
	ratio=$(awk -v a="$rps" -v b="$t_rps" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "-" }')
	printf '| %s | %.0f | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "$err" "$ratio"
}
h_rps=$(wrk_field "$WORK/home.wrk" rps)
h_p99=$(to_ms "$(wrk_field "$WORK/home.wrk" p99)")
verdict_ratio=$(awk -v a="$h_rps" -v b="$t_rps" 'BEGIN { print (b > 0 && a >= 0.5 * b) ? "PASS" : "MISS" }')
verdict_p99=$(awk -v p="$h_p99" 'BEGIN { print (p < 10) ? "PASS" : "MISS" }')
errors_total=$(($(wrk_field "$WORK/home.wrk" errors) + $(wrk_field "$WORK/health.wrk" errors)))

{
	echo "# EC Connector benchmark"
	echo
	echo "$(TZ=Asia/Tokyo date -Iseconds), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')),"
	echo "$(nginx -v 2>&1 | sed 's/^nginx version: //'), $ECC_WORKERS customer workers (ecc-web $ECC_BUILD),"
	echo "trivial responder: $ECC_WORKERS libfcgi processes. Everything shares the same cores as wrk."
	echo
	echo "\`wrk -t$THREADS -c$CONNS -d$DURATION --latency\` over HTTPS (TLS 1.3, client keep-alive; no keep-alive from nginx to the workers)."
	echo
	echo "| target | req/s | p50 ms | p99 ms | errors | ratio to trivial |"
	echo "|---|---:|---:|---:|---:|---:|"
	row "trivial FastCGI responder (/__bench/trivial)" "$WORK/trivial.wrk"
	row "start page (/)" "$WORK/home.wrk"
	row "health (/healthz)" "$WORK/health.wrk"
	echo
	echo "Targets (issue): start page >= 50 % of the trivial responder's throughput: **$verdict_ratio**;"
	echo "start page p99 < 10 ms at $CONNS connections: **$verdict_p99** (p99 $h_p99 ms)."
	[ "$errors_total" -eq 0 ] || echo "Note: $errors_total non-2xx responses or socket errors during the application runs."
	echo
	echo "## Worker memory (customer pool), before and after $app_requests application requests"
	echo
	echo "| worker pid | RSS before (KiB) | RSS after (KiB) | change (KiB) |"
	echo "|---:|---:|---:|---:|"
	for p in $PIDS; do
		a=$(rss_kb "$p")
		if [ "$a" = "?" ]; then
			echo "| $p | ${RSS0[$p]} | (exited) | - |"
		else
			echo "| $p | ${RSS0[$p]} | $a | $(awk -v a="$a" -v b="${RSS0[$p]}" 'BEGIN { d = a - b; printf "%s%d", (d > 0 ? "+" : ""), d }') |"
		fi
	done
	now=$(workers | tr '\n' ' ')
	[ "$now" = "$(echo "$PIDS" | tr '\n' ' ')" ] || echo "Note: the worker set changed during the run (now: $now): a worker exited or was restarted."
	[ "$app_requests" -ge "$REQUESTS" ] ||
		echo "Note: only $app_requests application requests within the time cap (target $REQUESTS)."
} >"$OUT"

echo
cat "$OUT"
echo
say "report written to $OUT"
