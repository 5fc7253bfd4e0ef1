"""ecctest.py: shared helpers for the integration suites — HTTPS client for the stack, cookies, CSRF tokens, check counting."""
import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse

VAR = os.environ["ECC_VAR"]
HTTPS_PORT = int(os.environ["ECC_HTTPS_PORT"])
HTTP_PORT = int(os.environ["ECC_HTTP_PORT"])
OPS_ADDR = os.environ["ECC_OPS_ADDR"]
OPS_PORT = int(os.environ["ECC_OPS_PORT"])
BASE = os.environ["ECC_BASE_URL"]
OPS_BASE = os.environ["ECC_OPS_BASE_URL"]


def remember_secret(value):
    """Note a secret a test used (password, token, TOTP key, recovery code, session id) so that
    t0990-no-secrets can check that none of them reached a log, a mail header or a database dump."""
    if value and len(value) >= 12:
        os.makedirs(f"{VAR}/results", exist_ok=True)
        with open(f"{VAR}/results/secrets.txt", "a", encoding="utf-8") as f:
            f.write(value.replace("\n", " ") + "\n")


class Suite:
    """Counts checks; prints 'name: N passed, N failed' at the end."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {self.name}: {what}", file=sys.stderr, flush=True)
        return cond

    def done(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed or not self.passed else 0)


def tls_context():
    ctx = ssl.create_default_context(cafile=f"{VAR}/tls/ca.pem")
    return ctx


class Resp:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = r.getheaders()
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.text)


_next_src = [2]


def _source_address():
    """Each client gets its own loopback source address, so nginx's per-address rate limit on the
    authentication endpoints applies per simulated user, as in production."""
    n = _next_src[0]
    _next_src[0] = 2 + (n - 1) % 250
    return (f"127.0.{(os.getpid() % 200) + 1}.{n}", 0)


class Client:
    """A cookie-keeping HTTPS client for one site (customer or ops)."""

    def __init__(self, ops=False):
        self.src = _source_address()
        self.host = OPS_ADDR if ops else "localhost"
        self.port = OPS_PORT if ops else HTTPS_PORT
        self.origin = OPS_BASE if ops else BASE
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, raw_headers=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=tls_context(), timeout=30,
                                           source_address=self.src)
        h = {"Host": f"{self.host}:{self.port}", "User-Agent": "ecc-integration"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if headers:
            h.update(headers)
        if isinstance(body, str):
            body = body.encode()
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Resp(r, r.read())
        conn.close()
        for sc in resp.headers_all("Set-Cookie"):
            name, _, rest = sc.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in sc:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
                if name == "__Host-ecc_sid":
                    remember_secret(value)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def csrf_token(self, path="/"):
        r = self.get(path)
        m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
        return m.group(1) if m else None

    def post_form(self, path, fields, token=True, origin=True, headers=None):
        if token is True:
            token = self.csrf_token()
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if token:
            pairs.append(("csrf_token", token))
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin is True:
            h["Origin"] = self.origin
        elif origin:
            h["Origin"] = origin
        if headers:
            h.update(headers)
        return self.request("POST", path, body=urllib.parse.urlencode(pairs), headers=h)
