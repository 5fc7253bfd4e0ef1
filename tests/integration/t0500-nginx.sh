#!/bin/bash
# t0500-nginx.sh: nginx in front of the running stack — TLS, security headers, redirects, pools, JSON log, rate limit.
#
# Runs against the stack tests/run.sh started (ECC_MODE=test unless set; ports and paths from
# ops/dev/env.sh). Needs root for `nginx -t` (it reads the TLS key). Prints "nginx: N passed,
# N failed" and exits non-zero when anything failed. The rate-limit check hammers /login from
# a second loopback address (127.0.0.9) so the bucket of 127.0.0.1, which later suites use, is
# left alone.
set -uo pipefail
export ECC_MODE=${ECC_MODE:-test}
. "$(dirname "${BASH_SOURCE[0]}")/../../ops/dev/env.sh"
cd "$ECC_ROOT" || exit 1

PY=/usr/bin/python3
CA=$ECC_VAR/tls/ca.pem
NGX=$ECC_VAR/nginx
LOG=$NGX/logs/access.json.log
TMP=$(mktemp -d /tmp/t0500.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
HAMMER_ADDR=${T0500_HAMMER_ADDR:-127.0.0.9}

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: the command's success is the check.
check() {
	local d=$1
	shift
	if "$@"; then ok; else bad "$d"; fi
}

CURL=(curl -sS --max-time 20 --cacert "$CA")

# fetch NAME URL [curl args...]: headers in $TMP/NAME.h, body in $TMP/NAME.b, status in $TMP/NAME.s
fetch() {
	local n=$1 url=$2
	shift 2
	"${CURL[@]}" -D "$TMP/$n.h" -o "$TMP/$n.b" -w '%{http_code}' "$@" "$url" >"$TMP/$n.s" 2>"$TMP/$n.err" ||
		echo "  (curl $url: $(cat "$TMP/$n.err"))"
	[ -s "$TMP/$n.s" ] || echo 000 >"$TMP/$n.s"
	touch "$TMP/$n.h" "$TMP/$n.b"
}
status() { cat "$TMP/$1.s"; }
# hdr NAME HEADER: every value of HEADER (case-insensitive) in the last header block, CR stripped
hdr() {
	tr -d '\r' <"$TMP/$1.h" | awk -v h="$(echo "$2" | tr 'A-Z' 'a-z')" '
		/^HTTP\// { n = 0; next }
		{ i = index($0, ":"); if (i == 0) next
		  k = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
		  if (k == h) val[n++] = v }
		END { for (j = 0; j < n; j++) print val[j] }'
}
hcount() { hdr "$1" "$2" | grep -c . || true; }

expect_status() { # name want
	local got
	got=$(status "$1")
	if [ "$got" = "$2" ]; then ok; else bad "$1: status $got, want $2"; fi
}

# The security headers every HTTPS response carries, exactly once each.
security_headers() { # name
	local n=$1 v c
	for h in Strict-Transport-Security Content-Security-Policy X-Frame-Options X-Content-Type-Options \
		Referrer-Policy Cross-Origin-Opener-Policy Permissions-Policy; do
		c=$(hcount "$n" "$h")
		[ "$c" = 1 ] || { bad "$n: $h present $c times, want once"; continue; }
		v=$(hdr "$n" "$h")
		case $h in
		Strict-Transport-Security)
			[[ $v =~ ^max-age=63072000(\;|$) ]] || { bad "$n: HSTS '$v'"; continue; } ;;
		Content-Security-Policy)
			local d
			for d in "default-src 'self'" "script-src 'self'" "object-src 'none'" "base-uri 'none'" \
				"frame-ancestors 'none'" "form-action 'self'"; do
				case "; $v;" in *"; $d;"*) ;; *) bad "$n: CSP lacks \"$d\": $v"; continue 2 ;; esac
			done ;;
		X-Frame-Options) [ "$v" = DENY ] || { bad "$n: X-Frame-Options '$v'"; continue; } ;;
		X-Content-Type-Options) [ "$v" = nosniff ] || { bad "$n: X-Content-Type-Options '$v'"; continue; } ;;
		Referrer-Policy)
			[ "$v" = strict-origin-when-cross-origin ] || [ "$v" = no-referrer ] ||
				{ bad "$n: Referrer-Policy '$v'"; continue; } ;;
		Cross-Origin-Opener-Policy) [ "$v" = same-origin ] || { bad "$n: COOP '$v'"; continue; } ;;
		Permissions-Policy) [ -n "$v" ] || { bad "$n: empty Permissions-Policy"; continue; } ;;
		esac
		ok
	done
	v=$(hdr "$n" Server)
	if [ "$v" = nginx ] || [ -z "$v" ]; then ok; else bad "$n: Server header '$v' (version or product leak)"; fi
	if [ "$(hcount "$n" X-Powered-By)" = 0 ]; then ok; else bad "$n: X-Powered-By present"; fi
}

echo "# t0500-nginx: $ECC_BASE_URL, operator console $ECC_OPS_BASE_URL, var $ECC_VAR"

# --- the generated configuration ---------------------------------------------------------------
if out=$(nginx -t -q -p "$NGX/" -c "$NGX/nginx.conf" 2>&1); then ok; else bad "nginx -t: $out"; fi
check "nginx is running (ops/dev/nginx.sh status)" ops/dev/nginx.sh status
check "customer.conf never proxies to the ops pool" bash -c "! grep -q 'ecc_ops' '$NGX/conf/customer.conf' '$NGX/conf/snippets/fastcgi-customer.conf' '$NGX/conf/snippets/auth-limit-customer.conf'"
check "ops.conf never proxies to the customer pool" bash -c "! grep -q 'ecc_customer' '$NGX/conf/ops.conf' '$NGX/conf/snippets/fastcgi-ops.conf' '$NGX/conf/snippets/auth-limit-ops.conf'"
want=$(for ((i = 0; i < ECC_WORKERS; i++)); do echo "$ECC_VAR/run/customer-$i.sock"; done)
got=$(awk '/upstream ecc_customer/,/}/' "$NGX/nginx.conf" | sed -n 's/.*server unix:\([^ ;]*\).*/\1/p')
if [ "$want" = "$got" ]; then ok; else bad "upstream ecc_customer servers: got [$got] want [$want]"; fi
if mpid=$(cat "$NGX/nginx.pid" 2>/dev/null) && users=$(ps -o user= --ppid "$mpid" | sort -u) &&
	[ "$users" = "$ECC_NGINX_USER" ]; then ok; else bad "nginx workers run as '${users:-?}', want $ECC_NGINX_USER"; fi
if ss -ltnH "sport = :$ECC_OPS_PORT" | awk '{print $4}' | grep -qvE "^\[?$ECC_OPS_ADDR\]?:$ECC_OPS_PORT\$"; then
	bad "the operator console port $ECC_OPS_PORT listens beyond $ECC_OPS_ADDR: $(ss -ltnH "sport = :$ECC_OPS_PORT" | awk '{print $4}' | tr '\n' ' ')"
else ok; fi

# --- TLS ---------------------------------------------------------------------------------------
# handshake ARGS...: prints the negotiated protocol and cipher, or the error lines
handshake() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$ECC_HTTPS_PORT" -servername localhost \
		-CAfile "$CA" -verify_return_error "$@" 2>&1
}
for v in 1_2 1_3; do
	out=$(handshake "-tls$v")
	if grep -q "Verify return code: 0 (ok)" <<<"$out" && grep -q "^New, TLSv${v/_/.}, Cipher is [A-Z]" <<<"$out"; then ok
	else bad "TLS ${v/_/.} handshake failed: $(grep -iE 'error|alert' <<<"$out" | head -2)"; fi
done
# Old protocols: the client is allowed everything (SECLEVEL=0), so a refusal is the server's.
for v in 1 1_1; do
	out=$(handshake "-tls$v" -cipher 'DEFAULT@SECLEVEL=0')
	if grep -qE "Cipher is \(NONE\)|alert protocol version" <<<"$out" && ! grep -q "Cipher is ECDHE\|Cipher is AES" <<<"$out"; then ok
	else bad "TLS ${v/_/.} was accepted: $(grep -E 'Protocol|Cipher' <<<"$out" | head -2)"; fi
done
# TLS 1.2 with only CBC / non-AEAD / non-ECDHE suites is refused; the same client with an AEAD suite succeeds.
out=$(handshake -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:AES128-SHA@SECLEVEL=0')
if grep -q "Cipher is (NONE)" <<<"$out"; then ok; else bad "TLS 1.2 CBC/non-ECDHE cipher accepted: $(grep 'Cipher is' <<<"$out")"; fi
out=$(handshake -tls1_2 -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256@SECLEVEL=0')
if grep -q "Cipher is ECDHE-.*-AES128-GCM-SHA256" <<<"$out"; then ok; else bad "TLS 1.2 ECDHE AES128-GCM refused: $(grep -iE 'error|Cipher is' <<<"$out" | head -2)"; fi
out=$("${CURL[@]}" -o /dev/null -w '%{http_version}' "$ECC_BASE_URL/healthz" 2>&1)
if [ "$out" = 2 ]; then ok; else bad "HTTP/2 not negotiated (got '$out')"; fi

# --- security headers on every kind of response -------------------------------------------------
fetch root "$ECC_BASE_URL/"
expect_status root 200
security_headers root
fetch notfound "$ECC_BASE_URL/t0500-no-such-page"
expect_status notfound 404
security_headers notfound
fetch method "$ECC_BASE_URL/" -X PUT
expect_status method 405
security_headers method
fetch css "$ECC_BASE_URL/static/app.css?v=1"
expect_status css 200
security_headers css
cc=$(hdr css Cache-Control)
if [[ $cc =~ max-age=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 31536000 ] && [[ $cc == *immutable* ]]; then ok
else bad "static Cache-Control '$cc' (want max-age >= 31536000 and immutable)"; fi
if [ "$(hcount css Cache-Control)" = 1 ]; then ok; else bad "static: $(hcount css Cache-Control) Cache-Control headers"; fi
fetch staticdir "$ECC_BASE_URL/static/"
if [ "$(status staticdir)" = 403 ] || [ "$(status staticdir)" = 404 ]; then ok; else bad "/static/ directory listing: status $(status staticdir)"; fi
if grep -qi "index of" "$TMP/staticdir.b"; then bad "/static/ shows a directory index"; else ok; fi
fetch shtml "$ECC_BASE_URL/static/errors/nginx.shtml"
if grep -q '<!--#' "$TMP/shtml.b"; then bad "the raw SSI error page is served under /static/"; else ok; fi

# An nginx-generated error: a body over client_max_body_size (10 MiB) → 413 with nginx's SSI page.
head -c $((10 * 1024 * 1024 + 4096)) /dev/zero >"$TMP/big"
fetch big "$ECC_BASE_URL/lang" --http1.1 -H 'Content-Type: application/octet-stream' --data-binary "@$TMP/big"
expect_status big 413
security_headers big
rid=$(hdr big X-Request-Id)
if [ -n "$rid" ] && grep -q "$rid" "$TMP/big.b" && grep -q 413 "$TMP/big.b" && ! grep -q '<!--#' "$TMP/big.b"; then ok
else bad "413 page: SSI did not render status and request id (X-Request-Id '$rid')"; fi
fetch staticmiss "$ECC_BASE_URL/static/t0500-missing.css"
expect_status staticmiss 404
security_headers staticmiss

# --- plain HTTP only redirects ------------------------------------------------------------------
fetch http "http://127.0.0.1:$ECC_HTTP_PORT/t0500/some/path?x=1&y=%C3%A9"
expect_status http 301
loc=$(hdr http Location)
if [ "$loc" = "https://127.0.0.1:$ECC_HTTPS_PORT/t0500/some/path?x=1&y=%C3%A9" ]; then ok; else bad "http redirect Location '$loc'"; fi
fetch httphost "http://127.0.0.1:$ECC_HTTP_PORT/" -H "Host: localhost:$ECC_HTTP_PORT"
loc=$(hdr httphost Location)
if [ "$loc" = "https://localhost:$ECC_HTTPS_PORT/" ]; then ok; else bad "http redirect with Host localhost: '$loc'"; fi
fetch httppost "http://127.0.0.1:$ECC_HTTP_PORT/login" -d 'user=x'
if [ "$(status httppost)" = 301 ] && ! grep -qi "<form" "$TMP/httppost.b"; then ok; else bad "http POST /login: status $(status httppost)"; fi

# --- /healthz through nginx ---------------------------------------------------------------------
fetch health "$ECC_BASE_URL/healthz"
expect_status health 200
ct=$(hdr health Content-Type)
if [[ $ct == application/json* ]]; then ok; else bad "/healthz Content-Type '$ct'"; fi
if $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/health.b" 2>/dev/null; then ok
else bad "/healthz body is not JSON: $(head -c 200 "$TMP/health.b")"; fi
security_headers health

# --- the operator console is its own server and pool --------------------------------------------
fetch ops "$ECC_OPS_BASE_URL/"
expect_status ops 200
if grep -q "運用コンソール" "$TMP/ops.b"; then ok; else bad "operator console page lacks 運用コンソール"; fi
security_headers ops
if grep -q "運用コンソール" "$TMP/root.b"; then bad "the customer site / serves the operator console"; else ok; fi
fetch opshost "$ECC_BASE_URL/" -H "Host: $ECC_OPS_ADDR:$ECC_OPS_PORT"
if grep -q "運用コンソール" "$TMP/opshost.b"; then bad "the customer port serves the console for Host $ECC_OPS_ADDR:$ECC_OPS_PORT"; else ok; fi
fetch opshealth "$ECC_OPS_BASE_URL/healthz"
expect_status opshealth 200

# --- access log: JSON lines, JST timestamps, the client's X-Request-Id ------------------------------
# logline NAME: the access-log line whose request_id is NAME's X-Request-Id, checked in Python
logline() {
	local n=$1 id i
	id=$(hdr "$n" X-Request-Id)
	[ -n "$id" ] || { bad "$n: no X-Request-Id header"; return; }
	for i in $(seq 1 20); do
		grep -q "\"request_id\":\"$id\"" "$LOG" 2>/dev/null && break
		sleep 0.1
	done
	if out=$($PY - "$LOG" "$id" "$(status "$n")" <<-'EOF' 2>&1
		import json, re, sys
		path, rid, st = sys.argv[1], sys.argv[2], int(sys.argv[3])
		lines = [l for l in open(path, encoding="utf-8") if rid in l]
		assert len(lines) == 1, "%d log lines carry request id %s" % (len(lines), rid)
		e = json.loads(lines[0])
		assert e["request_id"] == rid, e
		assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", e["ts"]), "ts %r is not JST ISO 8601" % e["ts"]
		assert e["status"] == st, "status %r, want %d" % (e["status"], st)
		EOF
	); then ok; else bad "$n: access log: $out"; fi
}
fetch logroot "$ECC_BASE_URL/?t0500=1"
logline logroot
logline css
logline big
if $PY - "$LOG" <<-'EOF' 2>&1
	import json, sys
	lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[-200:]
	bad = [l for l in lines if not l.startswith("{") or not isinstance(json.loads(l), dict)]
	assert not bad, bad[:2]
	assert lines, "empty access log"
	assert not any("t0500=1" in l for l in lines), "query strings are logged"
	EOF
then ok; else bad "access log lines are not all JSON objects (or log query strings)"; fi

# --- rate limit on authentication endpoints -----------------------------------------------------
codes=""
for i in $(seq 1 30); do
	codes="$codes $("${CURL[@]}" --interface "$HAMMER_ADDR" -o /dev/null -w '%{http_code}' \
		-X POST -d 'email=t0500%40example.invalid&password=x' "https://127.0.0.1:$ECC_HTTPS_PORT/login" 2>/dev/null)"
done
n429=$(tr ' ' '\n' <<<"$codes" | grep -c '^429$' || true)
if [ "$n429" -ge 1 ]; then ok; else bad "30 fast POST /login from $HAMMER_ADDR: no 429 (codes:$codes)"; fi
fetch limited "https://127.0.0.1:$ECC_HTTPS_PORT/login" --interface "$HAMMER_ADDR" -X POST -d 'x=1'
expect_status limited 429
security_headers limited
if grep -q 429 "$TMP/limited.b" && ! grep -q '<!--#' "$TMP/limited.b"; then ok; else bad "429 page not rendered by SSI"; fi

echo "nginx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
