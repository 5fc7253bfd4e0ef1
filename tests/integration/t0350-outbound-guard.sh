#!/usr/bin/env bash
# t0350-outbound-guard.sh: the outbound HTTP client and its SSRF guard against a local HTTPS test server: loopback,
# private, link-local and [::1] targets refused before any packet (not allowlisted), an allowlisted localhost reached
# with certificate verification, a redirect from it to a non-allowlisted loopback address refused, file:// and
# gopher:// redirects refused, the response-size cap, gzip decoding, the redirect limit; every block logged as ssrf_blocked.
set -uo pipefail
SUITE=t0350-outbound-guard
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

HP=${HTTP_PROBE:-$ECC_BUILD/tests/tools/http_probe}
CA=$ECC_VAR/tls/ca.pem
TMP=$(mktemp -d)
SRV_PID=
cleanup() {
	if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

check "http_probe is built" test -x "$HP"
check "the test stack's TLS files exist" test -s "$CA" -a -s "$ECC_VAR/tls/cert.pem" -a -s "$ECC_VAR/tls/key.pem"

# A small HTTPS server on 127.0.0.1 (port chosen by the kernel, written to $TMP/port).
cat >"$TMP/srv.py" <<'PY'
import gzip, http.server, ssl, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path == "/ok":
            self.send(200, b"hello from the emulator\n", [("Content-Type", "text/plain"), ("Retry-After", "7")])
        elif u.path == "/redir":
            self.send(302, b"", [("Location", q["to"][0])])
        elif u.path == "/loop":
            n = int(q.get("n", ["0"])[0])
            self.send(302, b"", [("Location", "/loop?n=%d" % (n + 1))])
        elif u.path == "/big":
            self.send(200, b"x" * (2 * 1024 * 1024))
        elif u.path == "/bigstream":
            self.send_response(200); self.send_header("Connection", "close"); self.end_headers()
            for _ in range(64): self.wfile.write(b"y" * 65536)
        elif u.path == "/gzip":
            self.send(200, gzip.compress(b"z" * 100000), [("Content-Encoding", "gzip")])
        else:
            self.send(404, b"no\n")
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
open(sys.argv[3], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
/usr/bin/python3 "$TMP/srv.py" "$ECC_VAR/tls/cert.pem" "$ECC_VAR/tls/key.pem" "$TMP/port" 2>"$TMP/srv.err" &
SRV_PID=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port" 2>/dev/null)
check "test HTTPS server started" test -n "$PORT"
[ -n "$PORT" ] || finish
ALLOW="localhost:$PORT"

# probe NAME EXPECT_REGEX [http_probe args...]: stdout must match, and for a block its stderr must hold ssrf_blocked
N=0
probe() {
	local name=$1 want=$2
	shift 2
	N=$((N + 1))
	timeout 30 "$HP" --ca "$CA" --timeout 10 "$@" >"$TMP/out.$N" 2>"$TMP/log.$N"
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/log.$N"; then
		echo "  $name: sanitizer report:" >&2
		head -n 30 "$TMP/log.$N" >&2
		return 1
	fi
	if ! grep -Eq -- "$want" "$TMP/out.$N"; then
		echo "  $name: got: $(cat "$TMP/out.$N") $(head -c 400 "$TMP/log.$N")" >&2
		return 1
	fi
}
logged() { # logged N HOST_OR_SCHEME_FIELD: the probe's stderr holds one ssrf_blocked JSON line with that field
	/usr/bin/python3 - "$TMP/log.$1" "$2" <<'PY'
import json, sys
want_k, want_v = sys.argv[2].split("=", 1)
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("event") == "ssrf_blocked" and e.get(want_k) == want_v and "?" not in line:
        sys.exit(0)
sys.exit(1)
PY
}

# 1. non-allowlisted targets: refused at the open-socket step (no packet leaves; 10.0.0.1 etc. are never contacted)
check "127.0.0.1:PORT not allowlisted is blocked" probe loop4 '^error forbidden: blocked: loopback' "https://127.0.0.1:$PORT/ok?secret=1"
check "  ... logged as ssrf_blocked (addr 127.0.0.1, no query string)" logged $N addr=127.0.0.1
check "10.0.0.1 is blocked" probe priv '^error forbidden: blocked: private' https://10.0.0.1/ok
check "  ... logged" logged $N addr=10.0.0.1
check "169.254.169.254 (metadata) is blocked" probe meta '^error forbidden: blocked: link-local' http://169.254.169.254/latest/meta-data/
check "  ... logged" logged $N addr=169.254.169.254
check "[::1]:PORT is blocked" probe loop6 '^error forbidden: blocked: loopback' "https://[::1]:$PORT/ok"
check "  ... logged" logged $N addr=::1
check "localhost without allowlist is blocked" probe lh '^error forbidden: blocked: loopback' "https://localhost:$PORT/ok"
check "  ... logged" logged $N host=localhost
check "allowlist for another port does not help" probe lhport '^error forbidden: blocked' --allow "localhost:1" "https://localhost:$PORT/ok"
check "decimal-encoded 127.0.0.1 is blocked" probe dec '^error forbidden: blocked: loopback' "https://2130706433:$PORT/ok"
check "IPv4-mapped ::ffff:127.0.0.1 is blocked" probe mapped '^error forbidden: blocked' "https://[::ffff:127.0.0.1]:$PORT/ok"

# 2. the allowlisted emulator is reached, certificate verified
check "allowlisted localhost:PORT -> 200" probe ok '^status 200 bytes 24 redirects 0$' --allow "$ALLOW" "https://localhost:$PORT/ok"
check "wrong CA -> TLS verification error, not 200" probe ca '^error upstream' --allow "$ALLOW" --ca /etc/ssl/certs/ca-certificates.crt "https://localhost:$PORT/ok"

# 3. redirects: every hop is guarded
check "allowlisted host redirecting to http://127.0.0.2:PORT2/ is blocked" \
	probe r1 '^error forbidden: blocked: loopback address 127.0.0.2' --allow "$ALLOW" "https://localhost:$PORT/redir?to=http://127.0.0.2:$((PORT + 1))/"
check "  ... logged with host 127.0.0.2" logged $N host=127.0.0.2
check "redirect to 169.254.169.254 is blocked" \
	probe r2 '^error forbidden: blocked: link-local' --allow "$ALLOW" "https://localhost:$PORT/redir?to=http://169.254.169.254/latest"
check "redirect to [::1] is blocked" \
	probe r3 '^error forbidden: blocked: loopback' --allow "$ALLOW" "https://localhost:$PORT/redir?to=https://%5B::1%5D:$PORT/ok"
check "redirect to file:///etc/passwd is refused" \
	probe r4 '^error forbidden: blocked: scheme file' --allow "$ALLOW" "https://localhost:$PORT/redir?to=file:///etc/passwd"
check "  ... logged" logged $N scheme=file
check "redirect to gopher:// is refused" \
	probe r5 '^error forbidden: blocked: scheme gopher' --allow "$ALLOW" "https://localhost:$PORT/redir?to=gopher://127.0.0.1:70/_x"
check "  ... logged" logged $N scheme=gopher
check "redirect within the allowlisted host is followed" \
	probe r6 '^status 200 bytes 24 redirects 1$' --allow "$ALLOW" "https://localhost:$PORT/redir?to=/ok"
check "more than 5 redirects -> error" probe r7 '^error upstream.*more than 5 redirects' --allow "$ALLOW" "https://localhost:$PORT/loop"

# 4. caps and compression
check "body over the cap (Content-Length) -> too large" probe big '^error too' --allow "$ALLOW" --max-bytes 1048576 "https://localhost:$PORT/big"
check "streamed body over the cap -> too large" probe bigs '^error too' --allow "$ALLOW" --max-bytes 1048576 "https://localhost:$PORT/bigstream"
check "gzip response is decoded" probe gz '^status 200 bytes 100000 ' --allow "$ALLOW" "https://localhost:$PORT/gzip"
check "decoded size counts against the cap" probe gzcap '^error too' --allow "$ALLOW" --max-bytes 50000 "https://localhost:$PORT/gzip"

finish
