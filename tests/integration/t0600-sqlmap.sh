#!/usr/bin/env bash
# t0600-sqlmap.sh: sqlmap (Debian) against the login form and the authenticated user-management forms, with the CSRF
# token fetched before every request; it must find no injection. Traffic goes through a relay that spreads it over
# many loopback source addresses so nginx's per-address login rate limit (kept as in production) does not stop it.
set -uo pipefail
SUITE=sqlmap
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"
command -v sqlmap >/dev/null || { check "sqlmap installed" false; finish; }
TMP=$(mktemp -d)
RELAY_PORT=$((ECC_HTTPS_PORT + 7))
/usr/bin/python3 tests/integration/lib/fanout_relay.py "$RELAY_PORT" "$ECC_HTTPS_PORT" &
RELAY=$!
trap 'kill $RELAY 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 0.5
BASE=https://localhost:$RELAY_PORT
CODE=sqlm$(date +%s%N | tail -c 7)
"$ADMIN" --config "$ECC_VAR/etc/ecc.conf" tenant create --code "$CODE" --name "SQLmap" --admin-email "first@$CODE.example" >/dev/null
"$ADMIN" --config "$ECC_VAR/etc/ecc.conf" demo admin --tenant "$CODE" --email "admin@$CODE.example" >/dev/null
SID=$("$ADMIN" --config "$ECC_VAR/etc/ecc.conf" test session --tenant "$CODE" --email "admin@$CODE.example")

# sqlmap: HTTPS to a development CA it does not know (it does not verify certificates), batch mode, boolean/error/union
# and stacked techniques (time-based blind would take minutes and adds nothing for prepared statements).
common=(--batch --disable-coloring --flush-session --output-dir="$TMP/out" --level=2 --risk=1 --technique=BEUS
	--timeout=15 --retries=1 --answers="follow=N")
scan() { # label, sqlmap args...
	local label=$1; shift
	sqlmap "${common[@]}" "$@" >"$TMP/$label.log" 2>&1
	if grep -qiE "is vulnerable|sqlmap identified the following injection|injectable" "$TMP/$label.log" &&
		! grep -qiE "all tested parameters do not appear to be injectable" "$TMP/$label.log"; then
		check "$label: no injection" false
		grep -iE "vulnerable|injectable|Parameter:" "$TMP/$label.log" | head -10 >&2
	else
		check "$label: no injection" grep -qiE "do not appear to be injectable|not injectable" "$TMP/$label.log"
	fi
	check "$label: sqlmap ran its tests (no connection failure)" \
		sh -c "! grep -qiE 'unable to connect to the target|connection timed out to the target' '$TMP/$label.log'"
}
scan login -u "$BASE/login" --data "tenant_code=$CODE&email=a%40b.example&password=secret-passw0rd&csrf_token=x" \
	--csrf-token=csrf_token --csrf-url="$BASE/login" -p "tenant_code,email,password"
if [ "$(ccurl -o /dev/null -w '%{http_code}' -H "Cookie: __Host-ecc_sid=$SID" "$ECC_BASE_URL/users")" = 200 ]; then
	scan users-search -u "$BASE/users?q=abc" --cookie "__Host-ecc_sid=$SID" -p q
	scan users-invite -u "$BASE/users" --cookie "__Host-ecc_sid=$SID" \
		--data "email=x%40$CODE.example&name=abc&role=viewer&csrf_token=x" --csrf-token=csrf_token \
		--csrf-url="$BASE/users/new" -p "email,name,role"
else
	check "user-management screen exists for the authenticated scan" false
fi
finish
