#!/bin/bash
# nginx.sh: renders, checks, starts, reloads and stops the stack's own nginx (never /etc/nginx's).
#
# Usage: ops/dev/nginx.sh config|test|start|stop|reload|reopen|status
#   config  render nginx/*.in and nginx/snippets/* into $ECC_VAR/nginx/, tls.sh ensure, nginx -t
#   test    nginx -t on the rendered configuration (renders it first if absent)
#   start   config, then start nginx (TZ=Asia/Tokyo) and wait until it listens;
#           if our nginx already runs, reload it instead
#   stop    nginx -s quit, wait for the master to exit (bounded), then TERM, then KILL; no process left
#   reload  config, then nginx -s reload (start when not running)
#   reopen  reopen the log files (after log rotation moved them)
#   status  exit 0 when our nginx runs
# Ports, paths and pool sizes come from ops/dev/env.sh. Optional overrides:
#   ECC_AUTH_RATE (default 10r/m) and ECC_AUTH_BURST (default 10): limit_req on authentication URLs
#   ECC_MAX_BODY (bytes, default 10485760): client_max_body_size, the same variable the app reads
# With ECC_MODE=bench the customer server also gets location = /__bench/trivial, proxied to the
# trivial FastCGI responder at $ECC_VAR/run/trivial.sock (tests/tools/trivial_fcgi.c).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/env.sh"

NGINX_DIR=$ECC_VAR/nginx
SRC=$ECC_ROOT/nginx
CONF=$NGINX_DIR/nginx.conf
PIDFILE=$NGINX_DIR/nginx.pid
AUTH_RATE=${ECC_AUTH_RATE:-10r/m}
AUTH_BURST=${ECC_AUTH_BURST:-10}
MAX_BODY=${ECC_MAX_BODY:-10485760}
NGINX=${NGINX:-/usr/sbin/nginx}

die() { echo "nginx.sh: $*" >&2; exit 1; }
say() { echo "nginx.sh: $*"; }

# sed replacement text: escape \ & and the | delimiter.
esc() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

count_ok() {
	[[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 256 ] || die "$1 must be 1..256, not '$2'"
}

ipv6_ok() { [ -r /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; }

# render SRC DST [NAME=VALUE ...]: substitute @NAME@ placeholders; lines consisting of one
# @BLOCK@ placeholder are replaced by the contents of file $WORK/BLOCK (see blocks below).
render() {
	local src=$1 dst=$2
	shift 2
	[ -r "$src" ] || die "missing template $src"
	local args=() kv
	for kv in "ECC_ROOT=$ECC_ROOT" "ECC_VAR=$ECC_VAR" "NGINX_DIR=$NGINX_DIR" \
		"ECC_HTTPS_PORT=$ECC_HTTPS_PORT" "ECC_HTTP_PORT=$ECC_HTTP_PORT" \
		"ECC_OPS_ADDR=$ECC_OPS_ADDR" "ECC_OPS_ADDR_LISTEN=$OPS_LISTEN" "ECC_OPS_PORT=$ECC_OPS_PORT" \
		"ECC_NGINX_USER=$ECC_NGINX_USER" "AUTH_RATE=$AUTH_RATE" "AUTH_BURST=$AUTH_BURST" \
		"MAX_BODY=$MAX_BODY" "$@"; do
		args+=(-e "s|@${kv%%=*}@|$(esc "${kv#*=}")|g")
	done
	local b
	for b in CUSTOMER_SERVERS OPS_SERVERS BENCH_UPSTREAM BENCH_LOCATION LISTEN6_HTTP LISTEN6_HTTPS; do
		args+=(-e "/^@$b@\$/{" -e "r $WORK/$b" -e "d" -e "}")
	done
	sed "${args[@]}" "$src" >"$dst.tmp"
	if grep -n '@[A-Z0-9_]\+@' "$dst.tmp" >&2; then
		rm -f "$dst.tmp"
		die "unresolved placeholder in $src (lines above)"
	fi
	mv -f "$dst.tmp" "$dst"
}

servers() { # zone count
	local n
	for ((n = 0; n < $2; n++)); do
		printf '\t\tserver unix:%s/run/%s-%d.sock max_fails=2 fail_timeout=5s;\n' "$ECC_VAR" "$1" "$n"
	done
}

do_config() {
	count_ok ECC_WORKERS "$ECC_WORKERS"
	count_ok ECC_OPS_WORKERS "$ECC_OPS_WORKERS"
	[[ $AUTH_RATE =~ ^[0-9]+r/[sm]$ ]] || die "ECC_AUTH_RATE must look like 10r/m, not '$AUTH_RATE'"
	[[ $AUTH_BURST =~ ^[0-9]+$ ]] || die "ECC_AUTH_BURST must be a number, not '$AUTH_BURST'"
	[[ $MAX_BODY =~ ^[0-9]+[kKmM]?$ ]] || die "ECC_MAX_BODY must be a size, not '$MAX_BODY'"
	getent passwd "$ECC_NGINX_USER" >/dev/null || die "user $ECC_NGINX_USER does not exist"
	[ -x "$NGINX" ] || die "$NGINX not found (ops/dev/install-deps.sh installs nginx)"
	case $ECC_OPS_ADDR in
	*:*) OPS_LISTEN="[$ECC_OPS_ADDR]" ;;
	*) OPS_LISTEN=$ECC_OPS_ADDR ;;
	esac

	mkdir -p "$NGINX_DIR/logs" "$NGINX_DIR/tmp" "$NGINX_DIR/conf/snippets"
	# nginx workers ($ECC_NGINX_USER) traverse $ECC_VAR (to run/ and nginx/tmp/) and reopen the
	# logs themselves on USR1 (log rotation): search permission on the way, logs/ 0755.
	chmod a+x "$ECC_VAR"
	chmod 0755 "$NGINX_DIR" "$NGINX_DIR/logs" "$NGINX_DIR/tmp" "$NGINX_DIR/conf" "$NGINX_DIR/conf/snippets"
	WORK=$(mktemp -d "$NGINX_DIR/.render.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT

	servers customer "$ECC_WORKERS" >"$WORK/CUSTOMER_SERVERS"
	servers ops "$ECC_OPS_WORKERS" >"$WORK/OPS_SERVERS"
	: >"$WORK/BENCH_UPSTREAM"
	: >"$WORK/BENCH_LOCATION"
	: >"$WORK/LISTEN6_HTTP"
	: >"$WORK/LISTEN6_HTTPS"
	if ipv6_ok; then
		printf '\tlisten [::]:%s default_server;\n' "$ECC_HTTP_PORT" >"$WORK/LISTEN6_HTTP"
		printf '\tlisten [::]:%s ssl http2 default_server;\n' "$ECC_HTTPS_PORT" >"$WORK/LISTEN6_HTTPS"
	fi
	if [ "$ECC_MODE" = bench ]; then
		printf '\t# ECC_MODE=bench: the trivial FastCGI responder, the baseline of tests/bench/run.sh.\n' >"$WORK/BENCH_UPSTREAM"
		printf '\tupstream ecc_trivial {\n\t\tserver unix:%s/run/trivial.sock;\n\t}\n' "$ECC_VAR" >>"$WORK/BENCH_UPSTREAM"
		{
			printf '\t# ECC_MODE=bench only: the same TLS, headers and FastCGI settings before a trivial responder.\n'
			printf '\tlocation = /__bench/trivial {\n'
			printf '\t\tinclude %s/conf/snippets/security-headers.conf;\n' "$NGINX_DIR"
			printf '\t\tinclude %s/conf/snippets/fastcgi-trivial.conf;\n' "$NGINX_DIR"
			printf '\t}\n'
		} >"$WORK/BENCH_LOCATION"
		render "$SRC/snippets/fastcgi.conf" "$NGINX_DIR/conf/snippets/fastcgi-trivial.conf" \
			UPSTREAM=ecc_trivial TRIES=1
	else
		rm -f "$NGINX_DIR/conf/snippets/fastcgi-trivial.conf"
	fi

	render "$SRC/nginx.conf.in" "$CONF"
	render "$SRC/customer.conf.in" "$NGINX_DIR/conf/customer.conf"
	render "$SRC/ops.conf.in" "$NGINX_DIR/conf/ops.conf"
	local f
	for f in tls security-headers static errors; do
		render "$SRC/snippets/$f.conf" "$NGINX_DIR/conf/snippets/$f.conf"
	done
	render "$SRC/snippets/fastcgi.conf" "$NGINX_DIR/conf/snippets/fastcgi-customer.conf" \
		UPSTREAM=ecc_customer TRIES="$ECC_WORKERS"
	render "$SRC/snippets/fastcgi.conf" "$NGINX_DIR/conf/snippets/fastcgi-ops.conf" \
		UPSTREAM=ecc_ops TRIES="$ECC_OPS_WORKERS"
	render "$SRC/snippets/auth-limit.conf" "$NGINX_DIR/conf/snippets/auth-limit-customer.conf" ZONE=customer
	render "$SRC/snippets/auth-limit.conf" "$NGINX_DIR/conf/snippets/auth-limit-ops.conf" ZONE=ops

	check_access
	"$HERE/tls.sh" ensure >/dev/null
	do_test
}

# The workers (user $ECC_NGINX_USER) must read static files and traverse to the temp dirs.
check_access() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v runuser >/dev/null 2>&1 || return 0
	local d
	for d in "$ECC_ROOT/static" "$NGINX_DIR/tmp"; do
		[ -d "$d" ] || continue
		runuser -u "$ECC_NGINX_USER" -- test -x "$d" -a -r "$d" ||
			say "warning: $ECC_NGINX_USER cannot reach $d (check the modes of its parent directories)" >&2
	done
	[ -f "$ECC_ROOT/static/errors/nginx.shtml" ] ||
		say "warning: $ECC_ROOT/static/errors/nginx.shtml is missing: nginx error pages will be bare" >&2
}

do_test() {
	[ -f "$CONF" ] || die "no rendered configuration at $CONF: run $0 config"
	local out
	if ! out=$(TZ=Asia/Tokyo "$NGINX" -t -q -p "$NGINX_DIR/" -c "$CONF" 2>&1); then
		echo "nginx.sh: configuration test FAILED for $CONF:" >&2
		printf '%s\n' "$out" | sed 's/^/    /' >&2
		exit 1
	fi
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/nginx.sh: nginx -t: /' >&2
	say "configuration ok: $CONF"
}

# our_pid: print the master pid when the pid file names a live nginx master using our config.
our_pid() {
	[ -s "$PIDFILE" ] || return 1
	local pid
	pid=$(tr -dc '0-9' <"$PIDFILE")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	[[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"$CONF"* ]] || return 1
	echo "$pid"
}

wait_gone() { # pid tenths
	local i
	for ((i = 0; i < $2; i++)); do
		[ -e "/proc/$1" ] || return 0
		sleep 0.1
	done
	[ ! -e "/proc/$1" ]
}

do_start() {
	local pid
	do_config
	if pid=$(our_pid); then
		say "already running (pid $pid); reloading"
		kill -HUP "$pid"
		return 0
	fi
	rm -f "$PIDFILE"
	if ! TZ=Asia/Tokyo "$NGINX" -p "$NGINX_DIR/" -c "$CONF"; then
		echo "nginx.sh: nginx failed to start; tail of $NGINX_DIR/logs/error.log:" >&2
		tail -n 20 "$NGINX_DIR/logs/error.log" 2>/dev/null | sed 's/^/    /' >&2
		exit 1
	fi
	local i
	for ((i = 0; i < 100; i++)); do
		if pid=$(our_pid) && [ -n "$(ss -ltnH "sport = :$ECC_HTTPS_PORT" 2>/dev/null)" ]; then
			say "started (pid $pid): $ECC_BASE_URL, operator console $ECC_OPS_BASE_URL, http :$ECC_HTTP_PORT redirects"
			return 0
		fi
		sleep 0.1
	done
	echo "nginx.sh: nginx did not come up within 10 s; tail of $NGINX_DIR/logs/error.log:" >&2
	tail -n 20 "$NGINX_DIR/logs/error.log" 2>/dev/null | sed 's/^/    /' >&2
	exit 1
}

do_stop() {
	local pid kids
	if ! pid=$(our_pid); then
		say "not running"
		rm -f "$PIDFILE"
		return 0
	fi
	kids=$(pgrep -P "$pid" || true)
	TZ=Asia/Tokyo "$NGINX" -q -p "$NGINX_DIR/" -c "$CONF" -s quit 2>/dev/null || kill -QUIT "$pid" 2>/dev/null || true
	if ! wait_gone "$pid" 100; then
		say "master $pid still running after 10 s of graceful quit; sending TERM" >&2
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$pid" 50; then
			say "sending KILL to $pid" >&2
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" 20 || die "cannot kill nginx master $pid"
		fi
	fi
	# Workers exit with their master; anything left of this master's children goes too.
	local k
	for k in $kids; do
		if [ -e "/proc/$k" ] && [[ $(tr '\0' ' ' <"/proc/$k/cmdline" 2>/dev/null) == "nginx: "* ]]; then
			kill -KILL "$k" 2>/dev/null || true
		fi
	done
	rm -f "$PIDFILE"
	say "stopped"
}

do_reload() {
	local pid
	if ! pid=$(our_pid); then
		do_start
		return
	fi
	do_config
	kill -HUP "$pid"
	say "reloaded (pid $pid)"
}

case "${1:-}" in
config) do_config ;;
test)
	[ -f "$CONF" ] || do_config
	do_test
	;;
start) do_start ;;
stop) do_stop ;;
reload) do_reload ;;
reopen)
	pid=$(our_pid) || die "not running"
	kill -USR1 "$pid"
	say "logs reopened (pid $pid)"
	;;
status)
	if pid=$(our_pid); then say "running (pid $pid)"; else say "not running"; exit 1; fi
	;;
*) echo "usage: $0 config|test|start|stop|reload|reopen|status" >&2; exit 2 ;;
esac
