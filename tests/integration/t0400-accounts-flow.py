"""t0400-accounts-flow.py: invitation → set password → mandatory TOTP enrolment → recovery codes → logout → login
with password + TOTP; replay, wrong codes, recovery code, enumeration-proof failures, cookies, fixation, timeouts."""
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite, VAR  # noqa: E402
from accounts import PASSWORD, admin, form_token, totp, wait_mail  # noqa: E402

t = Suite("accounts-flow")
ADMIN_CMD = [os.environ["ECC_BUILD"] + "/ecc-admin", "--config", f"{VAR}/etc/ecc.conf"]
CODE = "flow%d" % (int(time.time()) % 100000)
EMAIL = f"owner@{CODE}.example"


# 1. the tenant and its first admin, invited by ecc-admin
p = admin("tenant", "create", "--code", CODE, "--name", "フロー商店", "--admin-email", EMAIL, "--admin-name", "佐藤 花子")
t.check(p.returncode == 0, f"tenant create: {p.stderr}")
m = re.search(r"(https://\S+/invite/(\S+))", p.stdout)
t.check(m is not None, f"invitation link printed: {p.stdout}")
link, token = m.group(1), m.group(2)
t.check(link.startswith(os.environ["ECC_BASE_URL"] + "/invite/"), "link built from the configured base URL")

# the mail reaches the SMTP sink (the stack's sender runs every 2 s)
found, body = wait_mail(EMAIL)
t.check(found is not None, "invitation mail arrived at the sink")
if found:
    t.check(token in body, "the mail carries the link")
    t.check("招待" in found["subject"], f"Japanese subject decoded: {found['subject']}")

# 2. set the password
c = Client()
r = c.get(urllib.parse.urlparse(link).path)
t.check(r.status == 200 and 'name="password"' in r.text, f"set-password page {r.status}")
t.check(r.header("Referrer-Policy") == "no-referrer", f"no-referrer on the token page ({r.header('Referrer-Policy')})")
tok = form_token(r.text)
for bad, why in (("short pass", "too short"), ("password1234", "common"), (f"{CODE}-secret-words", "context")):
    r = c.post_form("/invite", {"token": token, "password": bad, "password2": bad}, token=tok)
    t.check(r.status == 200 and 'class="form-error"' in r.text, f"refused: {why}")
r = c.post_form("/invite", {"token": token, "password": PASSWORD, "password2": PASSWORD}, token=tok)
t.check(r.status == 303 and r.header("Location") == "/enrol", f"password set → enrol ({r.status} {r.header('Location')})")
sid = c.cookies.get("__Host-ecc_sid")
t.check(sid is not None and re.fullmatch(r"[A-Za-z0-9_-]{43}", sid) is not None, "session cookie")
sc = [h for h in r.headers_all("Set-Cookie") if h.startswith("__Host-ecc_sid=")][0]
t.check("Secure" in sc and "HttpOnly" in sc and "SameSite=Lax" in sc and "Path=/" in sc and "Domain" not in sc, f"cookie flags {sc}")
r = Client().get(urllib.parse.urlparse(link).path)
t.check(r.status == 404, "the invitation link works once")

# only enrolment answers before the second factor
t.check(c.get("/dashboard").status == 303 and c.get("/dashboard").header("Location") == "/enrol", "pending: dashboard → enrol")

# 3. enrol TOTP
r = c.get("/enrol")
t.check(r.status == 200 and "<svg" in r.text, "QR code shown")
km = re.search(r'id="totp-key"><code>([A-Z2-7 ]+)</code>', r.text)
t.check(km is not None, "key shown as text")
key = km.group(1) if km else ""
tok = form_token(r.text)
r = c.post_form("/enrol", {"code": "000000" if totp(key) != "000000" else "111111"}, token=tok)
t.check(r.status == 200 and 'class="form-error"' in r.text, "wrong enrolment code refused")
tok = form_token(r.text)
r = c.post_form("/enrol", {"code": totp(key)}, token=tok)
t.check(r.status == 200 and "ecc-recovery-codes.txt" in r.text, f"recovery codes shown ({r.status})")
codes = re.findall(r"<li><code>([a-z0-9-]{29})</code></li>", r.text)
t.check(len(codes) == 10, f"10 recovery codes ({len(codes)})")
t.check(c.cookies.get("__Host-ecc_sid") != sid, "session id rotated after the second factor")
r = c.get("/dashboard")
t.check(r.status == 200 and "フロー商店" in r.text, f"dashboard {r.status}")

# 4. logout ends the session on the server
old = c.cookies.get("__Host-ecc_sid")
tok = form_token(c.get("/dashboard").text)
r = c.post_form("/logout", {}, token=tok)
t.check(r.status == 303, "logout")
replay = Client()
replay.cookies["__Host-ecc_sid"] = old
t.check(replay.get("/dashboard").status == 303, "old session cookie no longer works")

# 5. login: identical failures (no enumeration)
def login(cl, code, email, pw):
    tk = form_token(cl.get("/login").text)
    return cl.post_form("/login", {"tenant_code": code, "email": email, "password": pw}, token=tk)

def norm(html):
    return re.sub(r'value="[^"]*"|[0-9a-f]{32}|name="csrf_token"[^>]*', "", html)

a = login(Client(), CODE, EMAIL, "wrong password here")
b = login(Client(), CODE, "nobody@" + CODE + ".example", "wrong password here")
d = login(Client(), "no-such-tenant", EMAIL, "wrong password here")
t.check(a.status == b.status == d.status == 200, "same status for every failure")
t.check(norm(a.text) == norm(b.text) == norm(d.text), "same body for wrong password, unknown user, unknown tenant")

c = Client()
r = login(c, CODE, EMAIL, PASSWORD)
t.check(r.status == 303 and r.header("Location") == "/login/2fa", f"password step → 2fa ({r.status})")
t.check(c.get("/dashboard").header("Location") == "/login/2fa", "pending: only the second-factor routes answer")
tok = form_token(c.get("/login/2fa").text)
code_now = totp(key, 30)
r = c.post_form("/login/2fa", {"code": code_now}, token=tok)
t.check(r.status == 303 and r.header("Location") == "/dashboard", f"TOTP login ({r.status})")
t.check(c.get("/dashboard").status == 200, "signed in")

# replay of the same code in a new login is refused
c2 = Client()
login(c2, CODE, EMAIL, PASSWORD)
tok = form_token(c2.get("/login/2fa").text)
r = c2.post_form("/login/2fa", {"code": code_now}, token=tok)
t.check(r.status == 200 and 'class="form-error"' in r.text, "TOTP replay refused")
# a recovery code works once
tok = form_token(r.text)
r = c2.post_form("/login/2fa", {"recovery_code": codes[0]}, token=tok)
t.check(r.status == 303 and r.header("Location") == "/dashboard", f"recovery code accepted ({r.status})")
c3 = Client()
login(c3, CODE, EMAIL, PASSWORD)
tok = form_token(c3.get("/login/2fa").text)
r = c3.post_form("/login/2fa", {"recovery_code": codes[0]}, token=tok)
t.check(r.status == 200 and 'class="form-error"' in r.text, "a used recovery code is refused")
# five wrong codes end the pending login (the used recovery code above was the first)
for i in range(4):
    tok = form_token(r.text) or form_token(c3.get("/login/2fa").text)
    r = c3.post_form("/login/2fa", {"code": "%06d" % (123456 + i)}, token=tok)
t.check(r.status == 303 and r.header("Location") == "/login", f"5 wrong codes end the login ({r.status})")
t.check(c3.get("/login/2fa").status == 303, "pending session is gone")

# session fixation: a session id planted before login never becomes a session
planted = "A" * 43
fx = Client()
fx.cookies["__Host-ecc_sid"] = planted
login(fx, CODE, EMAIL, PASSWORD)
tok = form_token(fx.get("/login/2fa").text)
r = fx.post_form("/login/2fa", {"recovery_code": codes[3]}, token=tok)  # TOTP steps are used up: a recovery code
t.check(fx.cookies.get("__Host-ecc_sid") not in (None, planted), "a planted session id is replaced at login")
bad = Client()
bad.cookies["__Host-ecc_sid"] = planted
t.check(bad.get("/dashboard").status == 303, "the planted id does not authenticate")

# server-side timeouts: time passes for the session (its stored timestamps move back), nothing else changes
def session_row_of(client):
    import hashlib
    return hashlib.sha256(client.cookies["__Host-ecc_sid"].encode()).hexdigest()

def move_back(client, column, interval):
    subprocess.run([os.environ["ECC_ROOT"] + "/ops/dev/mariadb.sh", "client", "ecc", "-e",
                    f"UPDATE sessions SET {column} = {column} - INTERVAL {interval} WHERE id_hash = UNHEX('{session_row_of(client)}')"],
                   check=True, capture_output=True)

idle = Client()
idle.cookies["__Host-ecc_sid"] = fx.cookies["__Host-ecc_sid"]
t.check(idle.get("/dashboard").status == 200, "session alive")
move_back(idle, "last_seen_at", "29 MINUTE")
t.check(idle.get("/dashboard").status == 200, "29 minutes idle: still signed in")
move_back(idle, "last_seen_at", "31 MINUTE")
t.check(idle.get("/dashboard").status == 303, "31 minutes idle: signed out on the server")
c4 = Client()
login(c4, CODE, EMAIL, PASSWORD)
r = c4.post_form("/login/2fa", {"recovery_code": codes[2]}, token=form_token(c4.get("/login/2fa").text))
t.check(c4.get("/dashboard").status == 200, "signed in again")
move_back(c4, "created_at", "13 HOUR")
t.check(c4.get("/dashboard").status == 303, "12 hours after sign-in: signed out even when active")

# password failures are counted in the database, across both workers
uid = subprocess.run([os.environ["ECC_ROOT"] + "/ops/dev/mariadb.sh", "client", "-N", "-B", "ecc", "-e",
                      "SELECT u.id FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.code = '%s' AND u.role = 'admin'" % CODE],
                     capture_output=True, text=True).stdout.split()[0]
def failed_logins():
    return int(subprocess.run([os.environ["ECC_ROOT"] + "/ops/dev/mariadb.sh", "client", "-N", "-B", "ecc", "-e",
                               f"SELECT failed_logins FROM users WHERE id = {uid}"], capture_output=True, text=True).stdout.strip())
before = failed_logins()
for i in range(6):
    login(Client(), CODE, EMAIL, "wrong password number %d" % i)
t.check(failed_logins() == before + 6, f"6 failures from 6 clients over the worker pool count 6 ({failed_logins() - before})")
subprocess.run(ADMIN_CMD + ["user", "unlock", "--tenant", CODE, "--email", EMAIL], capture_output=True)

# an invitation link past its expiry is refused like an unknown one
p2 = subprocess.run(ADMIN_CMD + ["tenant", "create", "--code", CODE + "x", "--name", "期限切れ商店",
                                 "--admin-email", "late@" + CODE + ".example"], capture_output=True, text=True)
m2 = re.search(r"/invite/([A-Za-z0-9_-]{43})", p2.stdout)
if m2:
    subprocess.run([os.environ["ECC_ROOT"] + "/ops/dev/mariadb.sh", "client", "ecc", "-e",
                    "UPDATE auth_tokens t JOIN tenants n ON n.id = t.tenant_id SET t.expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE n.code = '%s'" % (CODE + "x")],
                   check=True, capture_output=True)
t.check(m2 is not None and Client().get("/invite/" + m2.group(1)).status == 404, "an expired invitation link is refused")

# nothing secret in the logs
logs = open(f"{VAR}/log/ecc-web-customer.log", encoding="utf-8").read()
for secret in (PASSWORD, token, key.replace(" ", ""), codes[1], c.cookies.get("__Host-ecc_sid")):
    t.check(secret not in logs, "secret not in the application log")
t.done()
