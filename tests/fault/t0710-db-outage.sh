#!/usr/bin/env bash
# t0710-db-outage.sh: stop MariaDB — pages answer with the 503 page and /healthz says unreachable; start it
# again — pages recover without restarting any worker. (The public start page may show notices a worker read
# up to NOTICE_CACHE_TTL_MS = 5 s earlier, so it is checked once that has passed; the operator console's
# notices page reads live and must fail at once.)
SUITE=fault-db-outage
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -u
cd "$ECC_ROOT"
pids_before=$(workers_of customer | tr '\n' ' ')
check "start page 200 before" [ "$(status_of /)" = 200 ]
ops/dev/mariadb.sh stop >/dev/null
stopped_at=$(now_ms)
ops_code=$(ccurl -o /dev/null -w '%{http_code}' "$ECC_OPS_BASE_URL/notices")
check "live page (console notices) 503 at once ($ops_code)" [ "$ops_code" = 503 ]
h=$(ccurl "$ECC_BASE_URL/healthz" || true)
check "healthz says unreachable: $h" grep -q '"reachable":false' <<<"$h"
check "healthz status 503" [ "$(status_of /healthz)" = 503 ]
wait_ms=$(( 5200 - ($(now_ms) - stopped_at) ))
[ "$wait_ms" -gt 0 ] && sleep "$(awk -v m="$wait_ms" 'BEGIN {printf "%.3f", m / 1000}')"
body=$(mktemp)
t0=$(now_ms)
code=$(ccurl -o "$body" -w '%{http_code}' -D "$body.h" "$ECC_BASE_URL/")
took=$(( $(now_ms) - t0 ))
check "start page 503 during the outage ($code)" [ "$code" = 503 ]
check "503 answered fast (${took} ms)" [ "$took" -lt 5000 ]
rid=$(awk -F': ' 'tolower($1)=="x-request-id" {print $2}' "$body.h" | tr -d '\r')
check "503 page shows the request id" grep -q "$rid" "$body"
check "503 page is the friendly page (lang=ja)" grep -q '<html lang="ja"' "$body"
check "Retry-After on 503" grep -qi '^retry-after:' "$body.h"
for _ in 1 2 3 4 5 6; do status_of / >/dev/null; done
check "workers still running during the outage" [ "$(workers_of customer | tr '\n' ' ')" = "$pids_before" ]
ops/dev/mariadb.sh start >/dev/null
code=""
for _ in $(seq 1 50); do code=$(status_of /); [ "$code" = 200 ] && break; sleep 0.2; done
check "start page recovers after the database returns ($code)" [ "$code" = 200 ]
check "healthz ok again" [ "$(status_of /healthz)" = 200 ]
check "no worker was restarted" [ "$(workers_of customer | tr '\n' ' ')" = "$pids_before" ]

# A restart between two requests: the worker's open connection is dead, and the next request must
# notice that before sending anything (reconnect, no 503), even within the idle-ping interval.
ops_status() { ccurl -o /dev/null -w '%{http_code}' "$ECC_OPS_BASE_URL$1"; }
check "console 200 before a quick restart" [ "$(ops_status /)" = 200 ]
ops/dev/mariadb.sh stop >/dev/null && ops/dev/mariadb.sh start >/dev/null
code=$(ops_status /)
check "first request after a quick restart succeeds ($code)" [ "$code" = 200 ]
check "healthz right after the restart" [ "$(status_of /healthz)" = 200 ]
rm -f "$body" "$body.h"
finish
