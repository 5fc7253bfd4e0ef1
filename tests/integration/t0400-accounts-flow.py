"""t0400-accounts-flow.py: invitation → set password → mandatory TOTP enrolment → recovery codes → logout → login
with password + TOTP; replay, wrong codes, recovery code, enumeration-proof failures, cookies, fixation, timeouts."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite, VAR  # noqa: E402
from accounts import PASSWORD, admin, form_token, totp, wait_mail  # noqa: E402

t = Suite("accounts-flow")
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

# nothing secret in the logs
logs = open(f"{VAR}/log/ecc-web-customer.log", encoding="utf-8").read()
for secret in (PASSWORD, token, key.replace(" ", ""), codes[1], c.cookies.get("__Host-ecc_sid")):
    t.check(secret not in logs, "secret not in the application log")
t.done()
