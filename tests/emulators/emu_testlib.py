"""emu_testlib.py: helpers of test_emulators.py — check counting, a temporary TLS certificate, emulator
processes on free ports, a keep-alive HTTPS client, and the checksum as a client computes it.
"""
import hashlib
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
sys.path.insert(0, HERE)
from emu_data import parse_iso  # noqa: E402


class Checks:
    def __init__(self, suite):
        self.suite, self.passed, self.failed = suite, 0, 0

    def ok(self, cond, msg, detail=None):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s%s" % (msg, "" if detail is None else " -- %s" % (detail,)), flush=True)
        return bool(cond)

    def eq(self, got, want, msg):
        return self.ok(got == want, msg, "got %r, want %r" % (got, want))

    def done(self):
        print("%s: %d passed, %d failed" % (self.suite, self.passed, self.failed), flush=True)
        return 1 if self.failed else 0


def make_cert(d):
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class Proc:
    """One emulator process started on a free port; the port comes from its "ready" line."""

    def __init__(self, name, tmp, cert, key, *extra):
        self.name = name
        self.pidfile = os.path.join(tmp, name + ".pid")
        self.log = os.path.join(tmp, name + ".log")
        args = [PY, os.path.join(HERE, name + ".py"), "--port", "0", "--cert", cert, "--key", key,
                "--pidfile", self.pidfile, "--log", self.log] + list(extra)
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().strip()
        m = re.match(r"^ready (\w+) (\d+)$", line)
        if not m:
            raise RuntimeError("%s did not start: %r %s" % (name, line, self.p.stderr.read()))
        self.ready_line, self.port = line, int(m.group(2))

    def stop(self, timeout=10):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                return self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                return None
        return self.p.returncode


class Client:
    """Keep-alive HTTPS client; responses as (status, headers with lower-case names, body bytes)."""

    def __init__(self, port, cafile):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.conn = None
        self.sockets = set()

    def request(self, method, path, body=None, headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                self.sockets.add(id(self.conn.sock))
                return r.status, {k.lower(): v for k, v in r.getheaders()}, data
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None):
        st, h, data = self.request(method, path, body, headers)
        try:
            return st, h, json.loads(data)
        except ValueError:
            return st, h, None

    def ctl(self, path, body=None):
        st, _, d = self.json("POST" if body is not None else "GET", "/__emu/" + path, body)
        if st != 200:
            raise RuntimeError("control %s -> %s %s" % (path, st, d))
        return d


def next_link(h):
    """Path+query of the rel="next" Link target, or None; also returns the rel names present."""
    link = h.get("link", "")
    rels = re.findall(r'rel="(\w+)"', link)
    m = re.search(r'<([^>]+)>; rel="next"', link)
    if not m:
        return None, rels
    u = urllib.parse.urlsplit(m.group(1))
    return u.path + "?" + u.query, rels


def dec(s):
    """Normalize a decimal string: '1234.00' -> '1234', '12.50' -> '12.5'."""
    s = str(s)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def checksum(rows):
    """rows: {external id: (updated epoch, total decimal string, line count, quantity sum)}."""
    h = hashlib.sha256()
    for oid in sorted(rows):
        u, total, n, q = rows[oid]
        h.update(("%s|%d|%s|%d|%d\n" % (oid, u, dec(total), n, q)).encode())
    return h.hexdigest()


def epoch(s):
    """ISO 8601 with Z, +09:00 or +0900 -> epoch seconds."""
    p = parse_iso(s)
    if p is None:
        raise ValueError("bad timestamp %r" % s)
    return int(p[0])


def jan_ok(s):
    if not re.match(r"^\d{13}$", s or ""):
        return False
    tot = sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(s[:12]))
    return (10 - tot % 10) % 10 == int(s[12])


def timed(fn):
    t = time.monotonic()
    r = fn()
    return r, time.monotonic() - t
