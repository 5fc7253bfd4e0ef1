#!/usr/bin/env bash
# smtp.sh: start, stop and inspect the local SMTP sink (ops/dev/smtp-sink.py) of a dev/test stack.
#
# Usage: ops/dev/smtp.sh start|stop|status
#   start   no-op when running; starts the sink on 127.0.0.1:$ECC_SMTP_PORT storing into $ECC_VAR/mail/,
#           pid file $ECC_VAR/run/smtp-sink.pid, log $ECC_VAR/log/smtp-sink.log; waits (≤ 10 s) for the port.
#   stop    SIGTERM, then SIGKILL after 5 s; waits until the process is gone. No process is left.
#   status  "running (pid …)" and exit 0, or "stopped" and exit 3.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

PIDF=$ECC_VAR/run/smtp-sink.pid
LOG=$ECC_VAR/log/smtp-sink.log

say() { printf 'smtp-sink: %s\n' "$*"; }
die() { printf 'smtp-sink: %s\n' "$*" >&2; exit 1; }

our_pid() {
	local pid
	[ -f "$PIDF" ] || return 1
	pid=$(cat "$PIDF")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	grep -q smtp-sink.py "/proc/$pid/cmdline" 2>/dev/null || return 1
	echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$ECC_SMTP_PORT") 2>/dev/null; }

do_start() {
	local pid i
	if pid=$(our_pid); then say "running (pid $pid)"; return 0; fi
	mkdir -p "$ECC_VAR/run" "$ECC_VAR/log" "$ECC_VAR/mail"
	chmod 700 "$ECC_VAR/mail"
	if port_open; then die "127.0.0.1:$ECC_SMTP_PORT is already in use by another process"; fi
	setsid /usr/bin/python3 "$ECC_ROOT/ops/dev/smtp-sink.py" --port "$ECC_SMTP_PORT" --dir "$ECC_VAR/mail" \
		>>"$LOG" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PIDF"
	for i in $(seq 1 100); do
		if port_open; then say "listening on 127.0.0.1:$ECC_SMTP_PORT (pid $pid)"; return 0; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$LOG" >&2 || true
	do_stop >/dev/null 2>&1 || true
	die "did not come up"
}

do_stop() {
	local pid i
	if ! pid=$(our_pid); then rm -f "$PIDF"; say "not running"; return 0; fi
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$PIDF"; say "stopped"; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for i in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$PIDF"; say "stopped (killed)"; return 0; }
		sleep 0.1
	done
	die "cannot stop pid $pid"
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status)
	if pid=$(our_pid); then say "running (pid $pid)"; else say "stopped"; exit 3; fi
	;;
*) echo "usage: smtp.sh start|stop|status" >&2; exit 2 ;;
esac
