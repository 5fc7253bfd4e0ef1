#!/usr/bin/env bash
# run.sh: start, stop or show the three platform API emulators (Shopify, 楽天 RMS, Amazon SP-API).
#
#   tests/emulators/run.sh start|stop|status|restart
#
# Environment (defaults in brackets):
#   ECC_EMU_SHOPIFY_PORT [18601]  ECC_EMU_RAKUTEN_PORT [18602]  ECC_EMU_AMAZON_PORT [18603]
#   ECC_VAR [<repo>/var/test]     pid, log and stdout files go to $ECC_VAR/emulators/
#                                 TLS certificate and key are read from $ECC_VAR/tls/{cert,key}.pem
#   ECC_EMU_ORDERS [10000]  ECC_EMU_SEED [1]  ECC_EMU_ARGS [] extra arguments for all three (e.g. --no-rate-limit)
# start waits until every emulator answers on its control API; stop sends SIGTERM, waits, and only then
# SIGKILLs a straggler, so no process is left behind.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ECC_VAR=${ECC_VAR:-$ROOT/var/test}
DIR=$ECC_VAR/emulators
PY=/usr/bin/python3
NAMES=(shopify rakuten amazon)

port_of() {
	case $1 in
	shopify) echo "${ECC_EMU_SHOPIFY_PORT:-18601}" ;;
	rakuten) echo "${ECC_EMU_RAKUTEN_PORT:-18602}" ;;
	amazon) echo "${ECC_EMU_AMAZON_PORT:-18603}" ;;
	esac
}

# pid_of NAME: the pid from the pidfile if that process is alive and is our emulator, else nothing
pid_of() {
	local f=$DIR/$1.pid pid
	[ -s "$f" ] || return 1
	pid=$(cat "$f")
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	kill -0 "$pid" 2>/dev/null || return 1
	grep -q "emulators/$1.py" "/proc/$pid/cmdline" 2>/dev/null || return 1
	echo "$pid"
}

answers() {
	curl -sk --max-time 2 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$1/__emu/stats" 2>/dev/null | grep -q '^200$'
}

start_one() {
	local name=$1 port pid
	port=$(port_of "$name")
	if pid=$(pid_of "$name"); then
		echo "$name: already running (pid $pid, port $port)"
		return 10
	fi
	rm -f "$DIR/$name.pid"
	# shellcheck disable=SC2086
	nohup "$PY" "$HERE/$name.py" --port "$port" --bind 127.0.0.1 \
		--cert "$ECC_VAR/tls/cert.pem" --key "$ECC_VAR/tls/key.pem" \
		--seed "${ECC_EMU_SEED:-1}" --orders "${ECC_EMU_ORDERS:-10000}" \
		--pidfile "$DIR/$name.pid" --log "$DIR/$name.log" ${ECC_EMU_ARGS:-} \
		</dev/null >"$DIR/$name.out" 2>&1 &
}

wait_one() {
	local name=$1 port i
	port=$(port_of "$name")
	for i in $(seq 1 100); do
		if grep -q '^ready ' "$DIR/$name.out" 2>/dev/null && answers "$port"; then
			echo "$name: running (pid $(cat "$DIR/$name.pid"), https://127.0.0.1:$port)"
			return 0
		fi
		if ! pid_of "$name" >/dev/null && [ "$i" -gt 10 ]; then
			break
		fi
		sleep 0.1
	done
	echo "$name: failed to start; last output:" >&2
	tail -n 5 "$DIR/$name.out" >&2
	return 1
}

stop_one() {
	local name=$1 pid i
	if ! pid=$(pid_of "$name"); then
		rm -f "$DIR/$name.pid"
		echo "$name: not running"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$name: did not stop on SIGTERM, killing pid $pid" >&2
		kill -KILL "$pid" 2>/dev/null
		sleep 0.2
	fi
	rm -f "$DIR/$name.pid"
	echo "$name: stopped"
}

cmd_start() {
	local rc=0 n f
	for f in cert.pem key.pem; do
		if [ ! -r "$ECC_VAR/tls/$f" ]; then
			echo "run.sh: missing $ECC_VAR/tls/$f (the stack generates it)" >&2
			return 1
		fi
	done
	mkdir -p "$DIR"
	local started=()
	for n in "${NAMES[@]}"; do
		start_one "$n" && started+=("$n")
	done
	for n in "${started[@]}"; do wait_one "$n" || rc=1; done
	if [ $rc -ne 0 ]; then # leave nothing half-started behind
		for n in "${started[@]}"; do stop_one "$n" >/dev/null; done
	fi
	return $rc
}

cmd_stop() {
	local n
	for n in "${NAMES[@]}"; do stop_one "$n"; done
}

cmd_status() {
	local rc=0 n pid
	for n in "${NAMES[@]}"; do
		if pid=$(pid_of "$n"); then
			echo "$n: running (pid $pid, port $(port_of "$n"))"
		else
			echo "$n: stopped"
			rc=3
		fi
	done
	return $rc
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
restart) cmd_stop && cmd_start ;;
*)
	echo "usage: $0 start|stop|status|restart" >&2
	exit 2
	;;
esac
