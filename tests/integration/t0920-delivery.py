"""t0920-delivery.py: file delivery (issue 5) against a real sshd (tests/sshd: Debian's openssh-server on a loopback port,
a chrooted SFTP-only test user) and a local HTTPS receiver, driven through tests/tools/deliver (fcgi/delivery):
SFTP upload by password and by key (exact bytes under the final name, no .part left), a wrong host key refused with a
clear message before any credential is sent and nothing uploaded, a wrong password refused, a missing directory, an
existing file never overwritten (also when it appears during the upload), non-allowlisted private/loopback targets
refused by the guard and logged as ssrf_blocked, the 接続テスト; HTTP POST delivered with the exact bytes and
headers, a 500 reported with the start of its body, a 401, a redirect not followed. The configuration's
outbound_allowlist must hold 127.0.0.1:$ECC_SSHD_PORT (ops/dev/stack.sh writes it)."""
import base64
import hashlib
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import VAR, Suite, remember_secret  # noqa: E402

ROOT = os.environ.get("ECC_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(os.environ["ECC_BUILD"], "tests", "tools", "deliver")
CONF = os.environ.get("ECC_CONFIG") or f"{VAR}/etc/ecc.conf"
SSHD = os.path.join(ROOT, "tests", "sshd", "run.sh")
N = int(time.time() * 1000) % 10**8

t = Suite("delivery")


def sh(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120)


class Out:
    """One run of the deliver tool: exit code, category, message, extra lines, JSON log events."""

    def __init__(self, p):
        self.rc = p.returncode
        self.stdout = p.stdout.decode("utf-8", "replace")
        self.stderr = p.stderr.decode("utf-8", "replace")
        first = self.stdout.split("\n", 1)[0]
        m = re.match(r"^(ok|error) (\w+): (.*)$", first)
        self.status, self.cat, self.msg = (m.group(1), m.group(2), m.group(3)) if m else ("?", "?", first)
        self.lines = dict(ln.split(" ", 1) for ln in self.stdout.splitlines()[1:] if " " in ln)
        self.events = []
        for ln in self.stderr.splitlines():
            try:
                self.events.append(json.loads(ln))
            except ValueError:
                pass

    def __repr__(self):
        return f"rc={self.rc} {self.stdout.strip()!r} {self.stderr[-300:]!r}"


OUTPUTS = []


def deliver(kind, args, data=b""):
    p = subprocess.run([TOOL, kind, "--config", CONF, "--timeout", "60"] + args, input=data,
                       capture_output=True, timeout=180)
    OUTPUTS.append(p.stdout + p.stderr)
    return Out(p)


# ---- the private sshd ---------------------------------------------------------------------------------------------
t.check(os.access(TOOL, os.X_OK), f"{TOOL} is built")
started_here = sh(SSHD, "status").returncode != 0
if started_here:
    st = sh(SSHD, "start")
    t.check(st.returncode == 0, f"tests/sshd/run.sh start: {st.stdout[-300:]} {st.stderr[-300:]}")
info = dict(ln.split("=", 1) for ln in sh(SSHD, "info").stdout.splitlines() if "=" in ln)
PORT, USER, HOSTKEY = info.get("port", "0"), info.get("user", ""), info.get("hostkey", "")
IN = os.path.join(info.get("chroot", "/nonexistent"), "in")
PWFILE, KEYFILE = info.get("password_file", ""), info.get("key_file", "")
SSHD_LOG = os.path.join(VAR, "sshd", "sshd.log")
t.check(re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}", HOSTKEY or "") is not None, f"the host key fingerprint: {HOSTKEY}")
t.check(os.path.isdir(IN), f"the chroot's upload directory {IN} exists")
conf = open(CONF, encoding="utf-8").read() if os.path.exists(CONF) else ""
allow = re.search(r"^outbound_allowlist\s*=\s*(.*)$", conf, re.M)
allowed = allow is not None and f"127.0.0.1:{PORT}" in [e.strip() for e in allow.group(1).split(",")]
if not t.check(allowed, f"{CONF}: outbound_allowlist holds the test sshd 127.0.0.1:{PORT}"):
    if started_here:
        sh(SSHD, "stop")
    t.done()
PASSWORD = open(PWFILE, encoding="utf-8").read().strip()
remember_secret(PASSWORD)



def target(host="127.0.0.1", port=None, dir="/in", hostkey=None):
    return ["--host", host, "--port", port or PORT, "--user", USER, "--dir", dir, "--hostkey", hostkey or HOSTKEY]


SFTP = target()
BY_PW = ["--password-file", PWFILE]
BY_KEY = ["--key-file", KEYFILE]
created = []


def remote(name):
    return os.path.join(IN, name)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def parts_left():
    return [f for f in os.listdir(IN) if f.endswith(".part")]


def log_tail_from(offset):
    with open(SSHD_LOG, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def log_size():
    return os.path.getsize(SSHD_LOG) if os.path.exists(SSHD_LOG) else 0


# 1. by password: exact bytes (CRLF, Shift_JIS, NUL), the final name, nothing else
name1 = f"受注_{N}.csv"
data1 = "注文番号,金額\r\n1001,1980\r\n".encode("cp932") + b"\x00\xff\r\n"
r = deliver("sftp", SFTP + BY_PW + ["--name", name1], data1)
created.append(name1)
t.check(r.rc == 0 and r.cat == "ok", f"password upload succeeded: {r}")
t.check(f"/in/{name1} に配信しました" in r.msg, f"the message names the file: {r.msg}")
t.check(os.path.exists(remote(name1)) and read(remote(name1)) == data1, "the file arrived with the exact bytes")
t.check(not parts_left(), f"no .part file is left: {parts_left()}")
t.check(any(e.get("event") == "delivery" and e.get("result") == "ok" for e in r.events), "a delivery event was logged")

# 2. by key (the key is handed to libcurl through an unnamed temporary file), a larger file
name2 = f"key_{N}.csv"
data2 = os.urandom(300 * 1024)
tmpdir = os.path.join(VAR, "tmp-deliver")
os.makedirs(tmpdir, exist_ok=True)
r = deliver("sftp", SFTP + BY_KEY + ["--name", name2, "--tmp-dir", tmpdir], data2)
created.append(name2)
t.check(r.rc == 0 and r.cat == "ok", f"key upload succeeded: {r}")
t.check(os.path.exists(remote(name2)) and read(remote(name2)) == data2, "the key upload arrived with the exact bytes")
t.check(os.listdir(tmpdir) == [], f"no private key file is left in the temporary directory: {os.listdir(tmpdir)}")
t.check(not parts_left(), "no .part file is left after the key upload")

# 3. a wrong host key: refused before authentication, with the expected and the presented fingerprint
wrong = "SHA256:" + base64.b64encode(hashlib.sha256(b"another host").digest()).decode().rstrip("=")
name3 = f"hostkey_{N}.csv"
before = log_size()
args = target(hostkey=wrong)
r = deliver("sftp", args + BY_PW + ["--name", name3], b"must not arrive\n")
t.check(r.rc == 1 and r.cat == "hostkey", f"a wrong host key is refused: {r}")
t.check(f"ホスト鍵が一致しません（期待 {wrong}" in r.msg, f"the message says so and names the pin: {r.msg}")
t.check(r.lines.get("fingerprint") == HOSTKEY, f"the presented key is reported: {r.lines.get('fingerprint')}")
t.check(not os.path.exists(remote(name3)) and not parts_left(), "nothing was uploaded")
time.sleep(0.3)
tail = log_tail_from(before)
t.check("password for" not in tail and "Accepted" not in tail and "Failed" not in tail,
        f"the sshd saw no authentication attempt: {tail[-300:]!r}")
r = deliver("sftp", args + BY_KEY + ["--test"])
t.check(r.rc == 1 and r.cat == "hostkey", f"the 接続テスト refuses the wrong host key too: {r}")
r = deliver("sftp", target(hostkey="SHA256:short") + BY_PW + ["--name", name3], b"x")
t.check(r.rc == 1 and r.cat == "invalid" and "フィンガープリント" in r.msg, f"a malformed pin is refused: {r}")

# 4. a wrong password
wrong_pw = os.path.join(tmpdir, "wrong.pw")
with open(os.open(wrong_pw, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write("not-the-password-" + str(N) + "\n")
r = deliver("sftp", SFTP + ["--password-file", wrong_pw, "--name", f"auth_{N}.csv"], b"x")
t.check(r.rc == 1 and r.cat == "auth", f"a wrong password is refused: {r}")
t.check(f"認証に失敗しました（ユーザー {USER}、パスワード）" == r.msg, f"the message: {r.msg}")
t.check(not os.path.exists(remote(f"auth_{N}.csv")), "nothing was uploaded")

# 5. a missing directory
r = deliver("sftp", target(dir=f"/nope_{N}") + BY_PW + ["--name", f"d_{N}.csv"], b"x")
t.check(r.rc == 1 and r.cat == "remote", f"a missing directory fails: {r}")
t.check(r.msg == f"アップロード先のディレクトリがありません: /nope_{N}", f"the message: {r.msg}")

# 5b. a directory the user may not write to (the chroot's root belongs to root)
r = deliver("sftp", target(dir="/") + BY_PW + ["--name", f"perm_{N}.csv"], b"x")
t.check(r.rc == 1 and r.cat == "remote" and r.msg == "アップロード先のディレクトリに書き込む権限がありません: /",
        f"a directory without write permission fails clearly: {r}")

# 6. an existing file is never overwritten
name6 = f"exists_{N}.csv"
with open(remote(name6), "wb") as f:
    f.write(b"original\n")
created.append(name6)
r = deliver("sftp", SFTP + BY_PW + ["--name", name6], b"replacement\n")
t.check(r.rc == 1 and r.cat == "remote", f"an existing file is an error: {r}")
t.check("既にあります" in r.msg and "上書きしません" in r.msg, f"the message says it is not overwritten: {r.msg}")
t.check(read(remote(name6)) == b"original\n" and not parts_left(), "the existing file is untouched, no .part left")

# 7. ... also when it appears while the upload runs (the rename refuses to replace it)
name7 = f"race_{N}.csv"
created.append(name7)
part7 = remote(f".{name7}.part")
stop = threading.Event()


def plant():
    while not stop.is_set():
        if os.path.exists(part7):
            with open(remote(name7), "wb") as f:
                f.write(b"appeared meanwhile\n")
            return
        time.sleep(0.005)


th = threading.Thread(target=plant)
th.start()
r = deliver("sftp", SFTP + BY_PW + ["--name", name7, "--max-size", str(64 << 20)], os.urandom(40 << 20))
stop.set()
th.join()
t.check(r.rc == 1 and r.cat == "remote" and "上書きしません" in r.msg, f"a file that appeared meanwhile is kept: {r}")
t.check(os.path.exists(remote(name7)) and read(remote(name7)) == b"appeared meanwhile\n",
        "the file that appeared is untouched")
t.check(not parts_left(), f"the .part file was removed: {parts_left()}")

# 8. the guard: private and loopback addresses that are not on the allowlist
for host, port, addr, reason in (("10.0.0.1", "22", "10.0.0.1", "private"),
                                 ("127.0.0.2", PORT, "127.0.0.2", "loopback"),
                                 ("localhost", PORT, None, "loopback")):
    r = deliver("sftp", target(host=host, port=port) + BY_PW + ["--name", f"guard_{N}.csv"], b"x")
    t.check(r.rc == 1 and r.cat == "guard", f"{host}:{port} is refused by the guard: {r}")
    t.check("非公開アドレスのため接続できません" in r.msg and host in r.msg, f"{host}: the message: {r.msg}")
    ev = [e for e in r.events if e.get("event") == "ssrf_blocked" and e.get("host") == host]
    t.check(ev and all(e.get("reason") == reason for e in ev) and (addr is None or ev[0].get("addr") == addr),
            f"{host}: logged as ssrf_blocked ({ev})")
t.check(not os.path.exists(remote(f"guard_{N}.csv")), "nothing was uploaded past the guard")

# 9. the 接続テスト: connect, authenticate, list; nothing is written
count = len(os.listdir(IN))
r = deliver("sftp", SFTP + BY_KEY + ["--test"])
t.check(r.rc == 0 and r.msg.startswith(f"接続できました: {USER}@127.0.0.1:{PORT} の /in"), f"the 接続テスト passes: {r}")
r = deliver("sftp", target(dir=f"/nope_{N}") + BY_PW + ["--test"])
t.check(r.rc == 1 and "ディレクトリがありません" in r.msg, f"the 接続テスト finds a missing directory: {r}")
t.check(len(os.listdir(IN)) == count, "the tests wrote nothing")

# ---- HTTP POST to a local HTTPS receiver ---------------------------------------------------------------------------
TOKEN = f"tok-{N}-{os.urandom(8).hex()}"
remember_secret(TOKEN)
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.answer(401 if self.path.startswith("/auth") and self.headers.get("Authorization") != f"Bearer {TOKEN}"
                    else 405)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received.append((self.path, dict(self.headers), body))
        if self.path.startswith("/ok"):
            self.answer(201, b"accepted\n")
        elif self.path.startswith("/fail"):
            self.answer(500, "内部エラー:\r\n database down ".encode() + b"x" * 500, [("Content-Type", "text/plain")])
        elif self.path.startswith("/auth"):
            ok = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            self.answer(200 if ok else 401, b"" if ok else b'{"error":"invalid_token"}')
        elif self.path.startswith("/moved"):
            self.answer(307, b"", [("Location", "https://localhost:1/elsewhere")])
        else:
            self.answer(404, b"no\n")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(f"{VAR}/tls/cert.pem", f"{VAR}/tls/key.pem")
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
HPORT = srv.server_address[1]
threading.Thread(target=srv.serve_forever, daemon=True).start()
ALLOW = ["--allow", f"localhost:{HPORT}"]
BASE = f"https://localhost:{HPORT}"

name10 = f"受注 {N}.csv"
data10 = "a,b\r\n髙,﨑\r\n".encode("cp932")
r = deliver("http", ["--url", f"{BASE}/ok/upload?k=v", "--name", name10, "--content-type", "text/csv; charset=Shift_JIS"]
            + ALLOW, data10)
t.check(r.rc == 0 and r.cat == "ok" and r.lines.get("status") == "201", f"HTTP POST delivered: {r}")
t.check(r.lines.get("remote") == f"{BASE}/ok/upload", f"the remote is the URL without its query: {r.lines}")
got = [x for x in received if x[0] == "/ok/upload?k=v"]
t.check(len(got) == 1 and got[0][2] == data10, "the receiver got the exact bytes once")
if got:
    h = {k.lower(): v for k, v in got[0][1].items()}
    t.check(h.get("content-type") == "text/csv; charset=Shift_JIS", f"Content-Type: {h.get('content-type')}")
    want = "filename*=UTF-8''%E5%8F%97%E6%B3%A8%20" + str(N) + ".csv"
    t.check(want in h.get("content-disposition", "") and h["content-disposition"].startswith("attachment; filename=\""),
            f"Content-Disposition: {h.get('content-disposition')}")
    t.check("authorization" not in h, "no Authorization header without credentials")

r = deliver("http", ["--url", f"{BASE}/fail", "--name", f"f_{N}.csv"] + ALLOW, b"x,y\r\n")
t.check(r.rc == 1 and r.cat == "remote" and r.lines.get("status") == "500", f"a 500 is a failure: {r}")
t.check(r.msg.startswith("HTTP 500 が返りました: 内部エラー: database down xxx") and r.msg.endswith("…"),
        f"the message has the status and the start of the body, on one line: {r.msg}")
t.check(len(r.msg.encode()) < 300, f"the body is cut at 200 bytes ({len(r.msg.encode())})")

tokfile = os.path.join(tmpdir, "bearer")
with open(os.open(tokfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write(TOKEN + "\n")
r = deliver("http", ["--url", f"{BASE}/auth", "--name", f"a_{N}.csv", "--bearer-file", tokfile] + ALLOW, b"z")
t.check(r.rc == 0 and r.lines.get("status") == "200", f"the bearer token is sent: {r}")
r = deliver("http", ["--url", f"{BASE}/auth", "--name", f"a_{N}.csv", "--bearer-file", wrong_pw] + ALLOW, b"z")
t.check(r.rc == 1 and r.cat == "auth" and "HTTP 401" in r.msg, f"a refused token is an auth failure: {r}")
r = deliver("http", ["--url", f"{BASE}/moved", "--name", f"m_{N}.csv"] + ALLOW, b"z")
t.check(r.rc == 1 and r.cat == "remote" and "リダイレクトに従いません" in r.msg, f"a redirect is not followed: {r}")
t.check(len([x for x in received if x[0] == "/moved"]) == 1, "the redirect was not re-posted anywhere")
r = deliver("http", ["--url", f"{BASE}/auth", "--bearer-file", tokfile, "--test"] + ALLOW)
t.check(r.rc == 0 and "接続できました" in r.msg, f"the HTTP 接続テスト passes: {r}")
n_before = len(received)
r = deliver("http", ["--url", f"https://127.0.0.1:{HPORT}/ok", "--name", f"g_{N}.csv"] + ALLOW, b"z")
t.check(r.rc == 1 and r.cat == "guard", f"the same receiver by a non-allowlisted address is refused: {r}")
t.check(any(e.get("event") == "ssrf_blocked" and e.get("addr") == "127.0.0.1" for e in r.events),
        "logged as ssrf_blocked")
t.check(len(received) == n_before, "nothing reached the receiver")
r = deliver("http", ["--url", f"{BASE}/ok", "--name", f"c_{N}.csv", "--ca", "/etc/ssl/certs/ca-certificates.crt"]
            + ALLOW, b"z")
t.check(r.rc == 1 and r.cat == "hostkey" and "TLS 証明書" in r.msg, f"an untrusted certificate is refused: {r}")
srv.shutdown()

# ---- no secret in anything the tool printed or the sshd logged; clean up ------------------------------------------
t.check(PASSWORD not in open(SSHD_LOG, encoding="utf-8", errors="replace").read(), "the sshd log has no password")
t.check(not any(PASSWORD.encode() in o or TOKEN.encode() in o for o in OUTPUTS),
        f"no password or token in the output or log lines of {len(OUTPUTS)} deliveries")
for name in created:
    try:
        os.unlink(remote(name))
    except OSError:
        pass
for f in (wrong_pw, tokfile):
    os.unlink(f)
os.rmdir(tmpdir)
if started_here:
    st = sh(SSHD, "stop")
    t.check(st.returncode == 0 and sh(SSHD, "status").returncode != 0, "the sshd this test started is stopped")
t.done()
