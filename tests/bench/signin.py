#!/usr/bin/python3
# signin.py: signs in over HTTPS as a browser does (password, then TOTP) and prints the session cookie (make bench).
#
#   signin.py BASE ORIGIN TENANT_CODE EMAIL PASSWORD TOTP_KEY
#
# BASE is where to connect (https://127.0.0.1:28443), ORIGIN the site's origin sent with the
# forms (the configured base_url, https://localhost:28443). Steps: GET /login (CSRF token and
# pre-session cookie), POST /login (tenant_code, email, password) → 303 /login/2fa,
# GET /login/2fa, POST /login/2fa with the current code of `oathtool --totp -b TOTP_KEY`
# → 303 /dashboard. Prints the value of __Host-ecc_sid on stdout; exits 1 with the failing step
# on stderr. TLS is not verified (the bench's own certificate on 127.0.0.1).
import http.client
import re
import ssl
import subprocess
import sys
import urllib.parse


def fail(msg):
    print(f"signin: {msg}", file=sys.stderr)
    sys.exit(1)


if len(sys.argv) != 7:
    fail("usage: signin.py BASE ORIGIN TENANT_CODE EMAIL PASSWORD TOTP_KEY")
base, origin, code, email, password, key = sys.argv[1:]
u = urllib.parse.urlsplit(base)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conn = http.client.HTTPSConnection(u.hostname, u.port or 443, context=ctx, timeout=10)
cookies = {}


def request(method, path, form=None):
    headers = {"User-Agent": "ecc-bench-signin", "Accept": "text/html"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = origin
        headers["Sec-Fetch-Site"] = "same-origin"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    for h in r.headers.get_all("Set-Cookie") or []:
        name, _, rest = h.partition("=")
        value = rest.split(";", 1)[0]
        if "max-age=0" in h.lower() or value == "":
            cookies.pop(name.strip(), None)
        else:
            cookies[name.strip()] = value
    return r.status, r.headers.get("Location", ""), text


def token(path, text):
    m = re.search(r'name="csrf_token" value="([^"]+)"', text)
    if not m:
        fail(f"GET {path}: no CSRF token in the page")
    return m.group(1)


st, _, text = request("GET", "/login")
if st != 200:
    fail(f"GET /login answers {st}")
st, loc, text = request("POST", "/login", {"csrf_token": token("/login", text), "tenant_code": code,
                                           "email": email, "password": password})
if st != 303 or loc != "/login/2fa":
    fail(f"POST /login answers {st} (Location {loc!r}), not 303 to /login/2fa")
st, _, text = request("GET", "/login/2fa")
if st != 200:
    fail(f"GET /login/2fa answers {st}")
tok = token("/login/2fa", text)
try:
    otp = subprocess.run(["oathtool", "--totp", "-b", key], check=True, capture_output=True,
                         text=True).stdout.strip()
except (OSError, subprocess.CalledProcessError) as e:
    fail(f"oathtool: {e}")
st, loc, text = request("POST", "/login/2fa", {"csrf_token": tok, "code": otp})
if st != 303 or loc != "/dashboard":
    fail(f"POST /login/2fa answers {st} (Location {loc!r}), not 303 to /dashboard")
sid = cookies.get("__Host-ecc_sid")
if not sid:
    fail("no __Host-ecc_sid cookie after the second factor")
print(sid)
