#!/usr/bin/env bash
# t0720-reload-and-stop.sh: SIGHUP reloads templates without failing a request in flight and keeps serving when
# the new templates are broken; SIGTERM lets the request in flight finish and leaves no process or socket.
SUITE=fault-reload-stop
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -u
cd "$ECC_ROOT"
conf=$ECC_VAR/etc/ecc.conf
tdir=$(mktemp -d)
cp -r templates/. "$tdir/"
cp "$conf" "$conf.orig"
sup=$(sup_pid customer)

# 1. reload to a changed template while a slow request is in flight
ccurl -o "$tdir.slow1" -w '%{http_code}' "$ECC_BASE_URL/__test/sleep?ms=1500" >"$tdir.code1" &
slow=$!
sleep 0.3
sed -i 's|</footer>|<!-- reload-marker-7f3a --></footer>|' "$tdir/layout.html"
sed -i "s|^template_dir = .*|template_dir = $tdir|" "$conf"
kill -HUP "$sup"
wait "$slow"
check "request in flight during reload finished with 200" [ "$(cat "$tdir.code1")" = 200 ]
ok=""
for _ in $(seq 1 30); do ccurl "$ECC_BASE_URL/" | grep -q reload-marker-7f3a && { ok=1; break; }; sleep 0.1; done
check "reloaded template is served" [ -n "$ok" ]
check "supervisor kept its pid" [ "$(sup_pid customer)" = "$sup" ]

# 2. a broken template: reload refused, old workers keep serving
printf '{{#unclosed}}\n' >"$tdir/home.html"
kill -HUP "$sup"
sleep 1
check "still 200 after a failed reload" [ "$(status_of /)" = 200 ]
check "reload failure logged with file and line" grep -q '"event":"reload_failed".*home' "$ECC_VAR/log/ecc-web-customer.log"
cp "$conf.orig" "$conf"
kill -HUP "$sup"
sleep 0.5
page=$(ccurl "$ECC_BASE_URL/")
no_marker() { [ -n "$1" ] && ! grep -q reload-marker-7f3a <<<"$1"; }
check "back to the repository templates" no_marker "$page"

# 3. SIGTERM: the slow request completes, then everything is gone
workers=$(workers_of customer)
ccurl -o /dev/null -w '%{http_code}' "$ECC_BASE_URL/__test/sleep?ms=1500" >"$tdir.code2" &
slow=$!
sleep 0.3
kill -TERM "$sup"
wait "$slow"
check "request in flight during SIGTERM finished with 200 ($(cat "$tdir.code2"))" [ "$(cat "$tdir.code2")" = 200 ]
gone=""
for _ in $(seq 1 100); do kill -0 "$sup" 2>/dev/null || { gone=1; break; }; sleep 0.1; done
check "supervisor exited" [ -n "$gone" ]
left=0
for p in $workers; do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
check "no worker left ($left)" [ "$left" -eq 0 ]
check "sockets removed" sh -c "! ls '$ECC_VAR'/run/customer-*.sock >/dev/null 2>&1"
rm -rf "$tdir" "$tdir".* "$conf.orig"
finish
