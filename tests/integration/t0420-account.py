"""t0420-account.py: my account (change password, my sessions), forgot/reset password, tenant security settings,
login history and audit log screens with CSV export, tenant isolation and roles."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite  # noqa: E402
from accounts import admin, form_token, mails_to, new_tenant, sql, wait_mail  # noqa: E402

t = Suite("account")
N = int(time.time()) % 100000
CODE, CODE_B = "acct%d" % N, "acctb%d" % N
EMAIL, EMAIL_B = f"owner@{CODE}.example", f"owner@{CODE_B}.example"
PW1 = "静かな湖のほとりで本を読む 2026"
PW2 = "朝の市場で新鮮な果物を選ぶ 77"
PW3 = "夜空に浮かぶ月を眺めながら歩く 9"
EVIL_UA = "=cmd|' /C calc'!A0"

acct, c1 = new_tenant(CODE, "アカウント商店", EMAIL, "山田 太郎", PW1, t.check)
t.check(c1.get("/dashboard").status == 200, "admin signed in after enrolment")
t.check(wait_mail(EMAIL, 0)[0] is not None, "invitation mail delivered first")


def fields_of(html):
    return dict(re.findall(r'<input id="[a-z_]+" name="([a-z_]+)" type="number"[^>]* value="(\d+)"', html))


def post(c, path, fields, page=None):
    tk = form_token(c.get(page or path).text)
    return c.post_form(path, fields, token=tk)


# 1. security settings (done first: the step-up window after sign-in is 5 minutes)
r = c1.get("/settings/security")
t.check(r.status == 200 and 'name="pw_min_length"' in r.text, f"security settings page ({r.status})")
vals = fields_of(r.text)
t.check(vals.get("pw_min_length") == "12" and len(vals) == 8, f"current values shown {vals}")
bad = dict(vals, pw_min_length="11")
r = post(c1, "/settings/security", bad)
t.check(r.status == 200 and 'class="form-error"' in r.text, f"min length 11 refused ({r.status})")
r = post(c1, "/settings/security", dict(vals, pw_min_length="16"))
t.check(r.status == 303 and r.header("Location") == "/settings/security", f"min length 16 saved ({r.status} {r.header('Location')})")
t.check(fields_of(c1.get("/settings/security").text).get("pw_min_length") == "16", "16 stored")
r = c1.post_form("/settings/security", dict(vals, pw_min_length="16"), token=None)
t.check(r.status == 403, "POST without CSRF token refused")

# 2. my account; change password
r = c1.get("/account")
t.check(r.status == 200 and EMAIL in r.text and 'action="/account/password"' in r.text, f"account page ({r.status})")
c3 = acct.login()
t.check(c3.get("/dashboard").status == 200, "a second session signed in")
before = len(mails_to(EMAIL))
r = post(c1, "/account/password", {"current": "not my password at all", "password": PW2, "password2": PW2,
                                   "end_others": "1"}, "/account")
t.check(r.status == 200 and 'class="form-error"' in r.text, f"wrong current password refused ({r.status})")
short = "緑の森を抜ける小道の先" + "12"  # 13 code points < 16
short14 = "abcq-Tree-Moon"  # 14 characters
r = post(c1, "/account/password", {"current": PW1, "password": short14, "password2": short14}, "/account")
t.check(r.status == 200 and 'class="form-error"' in r.text, "14-char password refused under the 16 minimum")
r = post(c1, "/account/password", {"current": PW1, "password": PW2, "password2": PW2, "end_others": "1"}, "/account")
t.check(r.status == 303 and r.header("Location") == "/account", f"password changed ({r.status})")
acct.password = PW2
t.check(c1.get("/account").status == 200, "this session stays signed in")
t.check(c3.get("/dashboard").status == 303, "'end other sessions' ended the second client's session")
m = wait_mail(EMAIL, before)
t.check(m[0] is not None and ("パスワード" in m[0]["subject"] or "password" in m[0]["subject"].lower()),
        f"password-changed notice in the sink ({m[0] and m[0]['subject']})")

# 3. my sessions: two logins → 2 rows; revoke one
c2 = acct.login(ua="ecc-integration second device")
t.check(c2.get("/dashboard").status == 200, "second login")
r = c1.get("/account/sessions")
handles = re.findall(r'name="handle" value="([0-9a-f]{16})"', r.text)
rows = r.text.count("<tr>") - 1
t.check(r.status == 200 and rows == 2 and len(handles) == 1, f"2 sessions listed, 1 revocable ({rows}, {handles})")
t.check("ecc-integration second device" in r.text and "127.0." in r.text, "device and IP shown")
sid = c1.cookies.get("__Host-ecc_sid", "")
t.check(sid not in r.text, "the session id is not in the page")
if handles:
    r = post(c1, "/account/sessions/revoke", {"handle": handles[0]}, "/account/sessions")
    t.check(r.status == 303, f"revoke ({r.status})")
t.check(c2.get("/dashboard").status == 303, "revoked client is signed out")
t.check(c1.get("/dashboard").status == 200, "revoking client still signed in")
r = post(c1, "/account/sessions/revoke", {"handle": "0123456789abcdef"}, "/account/sessions")
t.check(r.status == 303, "unknown handle: no error page")

# 4. forgot password: same answer; the link works once; no auto-login; other sessions end; TOTP still asked
def forgot(code, addr):
    c = Client()
    return post(c, "/password/forgot", {"tenant_code": code, "email": addr})


def norm(html):
    return re.sub(r'value="[^"]*"|[0-9a-f]{32}|name="csrf_token"[^>]*', "", html)


before = len(mails_to(EMAIL))
t0 = time.time()
ra = forgot(CODE, EMAIL)
ta = time.time() - t0
t0 = time.time()
rb = forgot(CODE, "nobody@" + CODE + ".example")
tb = time.time() - t0
rc_ = forgot("no-such-tenant", EMAIL)
t.check(ra.status == rb.status == rc_.status == 200, "forgot: same status")
t.check(norm(ra.text) == norm(rb.text) == norm(rc_.text), "forgot: same body for known and unknown accounts")
t.check(abs(ta - tb) < 1.0, f"forgot: similar timing ({ta:.3f}s vs {tb:.3f}s)")
m = (None, None)
for _ in range(75):  # the reset mail (a password-changed notice may still be on its way)
    for i in range(before, len(mails_to(EMAIL))):
        j, body = wait_mail(EMAIL, i)
        if j and "/invite/" in (body or ""):
            m = (j, body)
    if m[0]:
        break
    time.sleep(0.2)
link = None
if t.check(m[0] is not None, "reset mail arrived"):
    lm = re.search(r"https://\S+/invite/([A-Za-z0-9_-]{43})", m[1])
    t.check(lm is not None and lm.group(0).startswith(os.environ["ECC_BASE_URL"]), "reset link from base_url")
    link = lm.group(0) if lm else None
if link:
    path = urllib.parse.urlparse(link).path
    c = Client()
    r = c.get(path)
    t.check(r.status == 200 and 'name="password"' in r.text, f"reset page ({r.status})")
    tok = form_token(r.text)
    r = c.post_form("/invite", {"token": path.rsplit("/", 1)[1], "password": PW3, "password2": PW3}, token=tok)
    t.check(r.status == 303 and r.header("Location") == "/login", f"reset → login, no auto sign-in ({r.status} {r.header('Location')})")
    t.check(c.get("/dashboard").status == 303, "not signed in after the reset")
    t.check(Client().get(path).status == 404, "the reset link works once")
    t.check(c1.get("/dashboard").status == 303, "after the reset the other sessions ended")
    acct.password = PW3
    cl = Client()
    tk = form_token(cl.get("/login").text)
    r = cl.post_form("/login", {"tenant_code": CODE, "email": EMAIL, "password": PW3}, token=tk)
    t.check(r.status == 303 and r.header("Location") == "/login/2fa", "login still asks for the second factor")

# 5. login history
ca = acct.login()
t.check(ca.get("/dashboard").status == 200, "admin signed in again")
evil = Client()
tk = form_token(evil.get("/login").text)
evil.post_form("/login", {"tenant_code": CODE, "email": EMAIL, "password": "wrong wrong wrong"}, token=tk,
               headers={"User-Agent": EVIL_UA})
r = ca.get("/login-history")
t.check(r.status == 200 and "bad_password" in r.text and EMAIL in r.text, f"admin sees the tenant's attempts ({r.status})")
t.check("totp" in r.text and "<td>ok</td>" in r.text, "reasons and factors shown")
um = re.search(r'<option value="(\d+)">山田 太郎', r.text)
uid = um.group(1) if um else "0"
for i in range(21):  # unknown users of this tenant: history rows, no lockout
    cx = Client()
    tk = form_token(cx.get("/login").text)
    cx.post_form("/login", {"tenant_code": CODE, "email": f"ghost{i}@{CODE}.example", "password": "x" * 12}, token=tk)
r = ca.get("/login-history")
t.check("unknown_user" in r.text, "attempts for unknown users of the tenant recorded")
pm = re.search(r"(\d+) / (\d+)</caption>", r.text)
t.check(pm is not None and int(pm.group(2)) >= 2, f"paged ({pm and pm.group(0)})")
r2 = ca.get("/login-history?page=2")
t.check(r2.status == 200 and "2 / " in r2.text and norm(r2.text) != norm(r.text), "page 2")
r = ca.get("/login-history?result=success")
t.check(r.status == 200 and "unknown_user" not in r.text and "<td>ok</td>" in r.text, "filter: successes only")
r = ca.get(f"/login-history?result=failure&user={uid}")
t.check("<td>ok</td>" not in r.text and "bad_password" in r.text and "unknown_user" not in r.text,
        "filter: one user's failures only")
r = ca.get("/login-history?from=2000-13-01")
t.check(r.status == 200 and 'class="form-error"' in r.text, "bad date: error message")
r = ca.get("/login-history?result=success&result=failure")
t.check(r.status == 400, "repeated parameter → 400")
r = ca.get("/account/history")
t.check(r.status == 200 and "<td>ok</td>" in r.text, "own history")

r = ca.get("/login-history.csv?enc=utf8")
t.check(r.status == 200 and r.body.startswith(b"\xef\xbb\xbf"), f"CSV UTF-8 with BOM ({r.status})")
t.check((r.header("Content-Type") or "").startswith("text/csv"), "text/csv")
text = r.body.decode("utf-8-sig")
t.check("'" + EVIL_UA.replace('"', '""') in text and "\n=cmd" not in text and ",=cmd" not in text,
        "a user agent beginning with '=' is neutralised")
t.check("山田 太郎" in text, "names in the export")
r = ca.get("/login-history.csv?enc=sjis")
try:
    sj = r.body.decode("cp932")
    ok = "山田 太郎" in sj and not r.body.startswith(b"\xef\xbb\xbf")
except UnicodeDecodeError:
    ok = False
t.check(r.status == 200 and ok, "CSV Shift_JIS decodes with cp932")
t.check(ca.get("/login-history.csv?enc=latin1").status == 400, "unknown encoding → 400")

# 6. audit log
r = ca.get("/audit")
t.check(r.status == 200 and "password_changed" in r.text and "security_settings_changed" in r.text,
        f"audit page lists events ({r.status})")
t.check(r.text.count("<td>export</td>") >= 2, "exports appear in the audit log")
r = ca.get("/audit?action=export")
t.check("password_changed" not in r.text and "<td>export</td>" in r.text, "audit filter by action")
r = ca.get("/audit.csv?enc=sjis")
t.check(r.status == 200 and "export" in r.body.decode("cp932", "replace"), "audit CSV")
p = admin("audit", "verify", "--tenant", CODE)
t.check(p.returncode == 0, f"ecc-admin audit verify passes: {p.stdout} {p.stderr}")

# 7. another tenant never sees them; a viewer gets 403
acct_b, cb = new_tenant(CODE_B, "別テナント商店", EMAIL_B, "鈴木 次郎", PW1, t.check)
r = cb.get("/login-history")
t.check(r.status == 200 and EMAIL not in r.text and "bad_password" not in r.text, "tenant B does not see tenant A's history")
r = cb.get("/login-history.csv?enc=utf8")
t.check(EMAIL not in r.body.decode("utf-8-sig") and EVIL_UA not in r.body.decode("utf-8-sig"), "nor in its export")
r = cb.get("/audit")
t.check(r.status == 200 and "password_changed" not in r.text, "tenant B's audit log has only its own events")
tid = sql(f"SELECT id FROM tenants WHERE code = '{CODE_B}'")[0][0]
sql(f"UPDATE users SET role = 'viewer' WHERE tenant_id = {int(tid)}")
for path in ("/login-history", "/login-history.csv?enc=utf8", "/audit", "/audit.csv", "/settings/security"):
    t.check(cb.get(path).status == 403, f"viewer: {path} → 403")
t.check(cb.get("/account").status == 200 and cb.get("/account/history").status == 200, "viewer: own account pages")
t.done()
