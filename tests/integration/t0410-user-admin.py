"""t0410-user-admin.py: tenant admins' user management — invite, list/search, role, disable/enable, 2FA reset, end
sessions, delete, resend; the last admin; step-up (stale → /reauth); editors and viewers get 403; another tenant gets 404."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite  # noqa: E402
from accounts import (PASSWORD, create_tenant, enrol, form_token, invite_link, login, login_password,  # noqa: E402
                      mails_to, onboard, sql, totp, wait_mail)

t = Suite("user-admin")
N = int(time.time()) % 100000
CODE, CODE_B = "ua%d" % N, "ub%d" % N
ADMIN_EMAIL, ADMIN_B_EMAIL = f"admin@{CODE}.example", f"admin@{CODE_B}.example"
U_EMAIL, V_EMAIL = f"yamada@{CODE}.example", f"suzuki@{CODE}.example"


def post(c, path, fields, page):
    """POST a form the way a browser does: the CSRF token comes from the page the form is on."""
    return c.post_form(path, fields, token=form_token(c.get(page).text))


def user_row(uid):
    rows = sql(f"SELECT role, status, totp_enabled FROM users WHERE id = {int(uid)}")
    return rows[0] if rows else None


def audit_actions(tid):
    return [r[0] for r in sql(f"SELECT action FROM audit_log WHERE tenant_id = {int(tid)} ORDER BY seq")]


def snapshot(tid):
    tid = int(tid)
    return (sql(f"SELECT id, role, status, totp_enabled, HEX(name_enc) FROM users WHERE tenant_id = {tid} ORDER BY id"),
            sql(f"SELECT HEX(id_hash), user_id, state FROM sessions WHERE tenant_id = {tid} ORDER BY 1"),
            sql(f"SELECT HEX(token_hash), used_at FROM auth_tokens WHERE tenant_id = {tid} ORDER BY 1"),
            sql(f"SELECT COUNT(*) FROM audit_log WHERE tenant_id = {tid}"))


# 1. tenant A and its admin (fresh second factor right after enrolment)
p, link, _ = create_tenant(CODE, "ユーザー管理商店", ADMIN_EMAIL, "管理 一郎")
t.check(p.returncode == 0 and link, f"tenant create: {p.stderr}")
TID = int(re.search(r"tenant: (\d+)", p.stdout).group(1))
ADMIN_ID = int(re.search(r"admin user: (\d+)", p.stdout).group(1))
adm, akey, _ = onboard(link)
r = adm.get("/users")
t.check(r.status == 200 and "管理 一郎" in r.text and ADMIN_EMAIL in r.text, f"user list ({r.status})")

# 2. invite a user (viewer); the mail arrives with a working link
r = adm.get("/users/new")
t.check(r.status == 200 and 'name="email"' in r.text, f"invitation form ({r.status})")
r = adm.post_form("/users", {"email": "not-an-address", "name": "x", "role": "viewer", "lang": "ja"},
                  token=form_token(r.text))
t.check(r.status == 200 and 'class="form-error"' in r.text, "bad address refused with a message")
r = post(adm, "/users", {"email": U_EMAIL, "name": "山田 太郎", "role": "viewer", "lang": "ja"}, "/users/new")
m = re.fullmatch(r"/users/(\d+)", r.header("Location") or "")
t.check(r.status == 303 and m is not None, f"invited → the user's page ({r.status} {r.header('Location')})")
UID = int(m.group(1)) if m else 0
r = post(adm, "/users", {"email": U_EMAIL.upper(), "name": "二重", "role": "viewer", "lang": "ja"}, "/users/new")
t.check(r.status == 200 and "すでに登録" in r.text, "the same address twice is refused")
j, body = wait_mail(U_EMAIL)
t.check(j is not None and "招待" in j["subject"], "invitation mail arrived")
ulink, _ = invite_link(body)
t.check(ulink is not None, "the mail carries a link")
t.check(user_row(UID) == ["viewer", "invited", "0"], f"stored as an invited viewer ({user_row(UID)})")
t.check("user_invited" in audit_actions(TID), "audit: user_invited")

# 3. list and search
r = adm.get("/users?q=" + urllib.parse.quote("山田"))
t.check(r.status == 200 and "山田 太郎" in r.text and ADMIN_EMAIL not in r.text, "search by name")
r = adm.get("/users?q=YAMADA")
t.check(r.status == 200 and U_EMAIL in r.text, "search by address, case-insensitive")
r = adm.get("/users?q=nobody-here")
t.check(r.status == 200 and U_EMAIL not in r.text and ADMIN_EMAIL not in r.text, "search without matches")
t.check(adm.get("/users?page=abc").status == 400, "a malformed page number is 400")
r = adm.get(f"/users/{UID}")
t.check(r.status == 200 and U_EMAIL in r.text and f'action="/users/{UID}/delete"' in r.text, "the user's page")

# 4. the user joins; as a viewer every /users route is 403
uc, ukey, ucodes = onboard(ulink)
t.check(uc.get("/dashboard").status == 200 and len(ucodes) == 10, "the invited user signed in")
t.check(user_row(UID)[1] == "active", "status active after the password")


def all_routes_forbidden(c, who):
    gets = ["/users", "/users/new", f"/users/{UID}", f"/users/{ADMIN_ID}"]
    posts = ["/users"] + [f"/users/{UID}/{a}" for a in
                          ("role", "disable", "enable", "delete", "resend", "reset-2fa", "end-sessions")]
    before = snapshot(TID)
    bad = [g for g in gets if c.get(g).status != 403]
    tok = form_token(c.get("/dashboard").text)
    for pth in posts:
        if c.post_form(pth, {"role": "admin", "confirm": "1", "email": "x@y.example", "name": "x"},
                       token=tok).status != 403:
            bad.append("POST " + pth)
    t.check(not bad, f"{who}: 403 on every /users route ({bad})")
    t.check(snapshot(TID)[0] == before[0], f"{who}: nothing changed")


all_routes_forbidden(uc, "viewer")

# 5. change the role: viewer → editor; an editor is refused too
r = post(adm, f"/users/{UID}/role", {"role": "editor"}, f"/users/{UID}")
t.check(r.status == 303 and r.header("Location") == f"/users/{UID}", f"role changed ({r.status})")
t.check(user_row(UID)[0] == "editor", "role stored")
t.check("user_role_changed" in audit_actions(TID), "audit: user_role_changed")
t.check(adm.get(f"/users/{UID}").text.count("編集者") >= 1, "the page shows 編集者")
all_routes_forbidden(uc, "editor")

# 6. disable (confirmation required); the live session fails at once; enable
r = post(adm, f"/users/{UID}/disable", {}, f"/users/{UID}")
t.check(r.status == 200 and 'class="form-error"' in r.text and user_row(UID)[1] == "active",
        "disable without the confirmation box changes nothing")
r = post(adm, f"/users/{UID}/disable", {"confirm": "1"}, f"/users/{UID}")
t.check(r.status == 303 and user_row(UID)[1] == "disabled", f"disabled ({r.status})")
r = uc.get("/dashboard")
t.check(r.status == 303 and r.header("Location") == "/login", f"their session fails on the next request ({r.status})")
t.check(login_password(Client(), CODE, U_EMAIL).header("Location") is None, "a disabled user cannot sign in")
r = post(adm, f"/users/{UID}/enable", {}, f"/users/{UID}")
t.check(r.status == 303 and user_row(UID)[1] == "active", f"enabled ({r.status})")
uc2, r = login(CODE, U_EMAIL, key=ukey, offset=30)
t.check(r.status == 303 and uc2.get("/dashboard").status == 200, f"signs in again after enabling ({r.status})")

# 6a. restrict the user to chosen connections (none exist yet: restricted means none); the check function reads it
r = post(adm, f"/users/{UID}/connections", {"restrict": "1"}, f"/users/{UID}")
t.check(r.status == 303 and sql(f"SELECT restrict_connections FROM users WHERE id = {int(UID)}")[0] == ["1"],
        f"restricted to chosen connections ({r.status})")
r = post(adm, f"/users/{UID}/connections", {"restrict": "1", "connection": "123"}, f"/users/{UID}")
t.check(r.status == 400, f"a connection that does not exist cannot be chosen ({r.status})")
r = post(adm, f"/users/{UID}/connections", {"restrict": "0"}, f"/users/{UID}")
t.check(r.status == 303 and sql(f"SELECT restrict_connections FROM users WHERE id = {int(UID)}")[0] == ["0"],
        "back to all connections")

# 6b. wrong passwords lock the account (counted in the database); the admin unlocks it from the user's page
for i in range(10):
    login_password(Client(), CODE, U_EMAIL, "not the password %d" % i)
locked = sql(f"SELECT failed_logins, locked_until IS NOT NULL FROM users WHERE id = {int(UID)}")[0]
t.check(locked == ["10", "1"], f"10 failures lock the account ({locked})")
t.check(login_password(Client(), CODE, U_EMAIL).header("Location") is None, "the right password is refused while locked")
t.check('action="/users/%s/unlock"' % UID in adm.get(f"/users/{UID}").text, "the user's page offers to unlock")
r = post(adm, f"/users/{UID}/unlock", {}, f"/users/{UID}")
t.check(r.status == 303 and sql(f"SELECT failed_logins, locked_until IS NULL FROM users WHERE id = {int(UID)}")[0] == ["0", "1"],
        f"unlocked ({r.status})")
t.check(login_password(Client(), CODE, U_EMAIL).header("Location") == "/login/2fa", "the password works again")
t.check("user_unlocked" in [a for row in sql(f"SELECT action FROM audit_log WHERE target_user_id = {int(UID)}") for a in row],
        "the unlock is in the audit log")

# 7. end sessions
r = post(adm, f"/users/{UID}/end-sessions", {"confirm": "1"}, f"/users/{UID}")
t.check(r.status == 303, f"sessions ended ({r.status})")
t.check(uc2.get("/dashboard").status == 303, "their session is gone")
t.check(adm.get("/users").status == 200, "the admin's own session stays")
t.check("sessions_ended" in audit_actions(TID), "audit: sessions_ended")

# 8. reset 2FA: mail, sessions end, the next login forces enrolment
uc3, r = login(CODE, U_EMAIL, recovery=ucodes[0])
t.check(r.status == 303 and uc3.get("/dashboard").status == 200, "signed in with a recovery code")
nmail = len(mails_to(U_EMAIL))
r = post(adm, f"/users/{UID}/reset-2fa", {"confirm": "1"}, f"/users/{UID}")
t.check(r.status == 303 and user_row(UID)[2] == "0", f"2FA reset ({r.status} {user_row(UID)})")
t.check(uc3.get("/dashboard").status == 303, "their session ended")
# the recovery-code mail of the login above may still be on its way: look for the reset mail among the new ones
found = None
for _ in range(60):
    found = next((m for m in mails_to(U_EMAIL)[nmail:] if "リセット" in m["subject"]), None)
    if found:
        break
    time.sleep(0.2)
t.check(found is not None, "two_factor_reset mail arrived")
t.check(int(sql(f"SELECT COUNT(*) FROM recovery_codes WHERE user_id = {UID}")[0][0]) == 0, "recovery codes revoked")
uc4 = Client()
r = login_password(uc4, CODE, U_EMAIL)
t.check(r.status == 303 and r.header("Location") == "/enrol", f"next login forces enrolment ({r.header('Location')})")
t.check("mfa_reset" in audit_actions(TID), "audit: mfa_reset")

# 9. resend an invitation: the old link stops working, the new one works
r = post(adm, "/users", {"email": V_EMAIL, "name": "鈴木 花子", "role": "editor", "lang": "en"}, "/users/new")
VID = int(re.fullmatch(r"/users/(\d+)", r.header("Location") or "/users/0").group(1))
_, body = wait_mail(V_EMAIL)
vlink1, _ = invite_link(body)
t.check(vlink1 is not None, "invitation for the second user")
r = post(adm, f"/users/{VID}/resend", {}, f"/users/{VID}")
t.check(r.status == 303, f"invitation resent ({r.status})")
_, body = wait_mail(V_EMAIL, after=1)
vlink2, _ = invite_link(body)
t.check(vlink2 is not None and vlink2 != vlink1, "a new link")
t.check(Client().get(urllib.parse.urlparse(vlink1).path).status == 404, "the old link fails")
t.check(Client().get(urllib.parse.urlparse(vlink2).path).status == 200, "the new link works")
t.check("invitation_resent" in audit_actions(TID), "audit: invitation_resent")
r = post(adm, f"/users/{UID}/resend", {}, f"/users/{UID}")
t.check(r.status == 409, f"no resend for a user with a password ({r.status})")

# 10. another tenant's admin: 404 on every /users/{id} of tenant A, nothing changes
p, blink, _ = create_tenant(CODE_B, "別の商店", ADMIN_B_EMAIL, "別 管理者")
bc, bkey, _ = onboard(blink)
before = snapshot(TID)
bad = [f"/users/{i}" for i in (UID, VID, ADMIN_ID) if bc.get(f"/users/{i}").status != 404]
tok = form_token(bc.get("/users").text)
for i in (UID, VID, ADMIN_ID):
    for a in ("role", "disable", "enable", "delete", "resend", "reset-2fa", "end-sessions"):
        if bc.post_form(f"/users/{i}/{a}", {"role": "viewer", "confirm": "1"}, token=tok).status != 404:
            bad.append(f"POST /users/{i}/{a}")
t.check(not bad, f"another tenant's admin: 404 everywhere ({bad})")
t.check(snapshot(TID) == before, "another tenant's admin changed nothing in tenant A")
t.check(U_EMAIL not in bc.get("/users").text, "another tenant's list does not show tenant A's users")

# 11. delete: the open session fails, the invitation link fails
r = post(adm, f"/users/{UID}/delete", {}, f"/users/{UID}")
t.check(r.status == 200 and user_row(UID) is not None, "delete without the confirmation box changes nothing")
r = post(adm, f"/users/{UID}/delete", {"confirm": "1"}, f"/users/{UID}")
t.check(r.status == 303 and r.header("Location") == "/users" and user_row(UID) is None, f"deleted ({r.status})")
r = uc4.get("/enrol")
t.check(r.status == 303 and r.header("Location") == "/login", f"their open session fails ({r.status})")
t.check(int(sql(f"SELECT COUNT(*) FROM sessions WHERE user_id = {UID}")[0][0]) == 0, "no session left")
r = post(adm, f"/users/{VID}/delete", {"confirm": "1"}, f"/users/{VID}")
t.check(r.status == 303 and user_row(VID) is None, "invited user deleted")
t.check(Client().get(urllib.parse.urlparse(vlink2).path).status == 404, "their invitation link fails")
t.check(adm.get(f"/users/{UID}").status == 404, "a deleted user is 404")
t.check(audit_actions(TID).count("user_deleted") == 2, "audit: user_deleted")

# 12. the last active admin cannot be demoted, disabled or deleted
for action, fields in (("role", {"role": "editor"}), ("disable", {"confirm": "1"}), ("delete", {"confirm": "1"})):
    r = post(adm, f"/users/{ADMIN_ID}/{action}", fields, f"/users/{ADMIN_ID}")
    t.check(r.status == 409 and 'class="form-error"' in r.text, f"last admin: {action} refused ({r.status})")
t.check("有効な管理者が他にいない" in post(adm, f"/users/{ADMIN_ID}/role", {"role": "viewer"}, f"/users/{ADMIN_ID}").text,
        "a clear Japanese message")
t.check(user_row(ADMIN_ID) == ["admin", "active", "1"], "the last admin is unchanged")

# 13. step-up: a second factor older than 5 minutes → /reauth, nothing changes; after /reauth it works
W_EMAIL = f"sato@{CODE}.example"
r = post(adm, "/users", {"email": W_EMAIL, "name": "佐藤 次郎", "role": "viewer", "lang": "ja"}, "/users/new")
WID = int(re.fullmatch(r"/users/(\d+)", r.header("Location") or "/users/0").group(1))
sql(f"UPDATE sessions SET authenticated_at = authenticated_at - INTERVAL 10 MINUTE WHERE user_id = {ADMIN_ID}")
tok = form_token(adm.get("/dashboard").text)
r = adm.post_form(f"/users/{WID}/role", {"role": "admin"}, token=tok)
t.check(r.status == 303 and r.header("Location") == f"/reauth?next=%2Fusers%2F{WID}",
        f"stale: POST → /reauth ({r.status} {r.header('Location')})")
t.check(user_row(WID)[0] == "viewer", "stale: nothing changed")
r = adm.post_form("/users", {"email": f"x@{CODE}.example", "name": "x", "role": "viewer"}, token=tok)
t.check(r.status == 303 and r.header("Location").startswith("/reauth?next="), "stale: invite → /reauth")
t.check(int(sql(f"SELECT COUNT(*) FROM users WHERE tenant_id = {TID}")[0][0]) == 2, "stale: nobody invited")
r = adm.get("/users")
t.check(r.status == 200 and 'action="/reauth"' in r.text and W_EMAIL not in r.text, "stale: GET shows the step-up prompt")
r = adm.get("/reauth?next=https://evil.example/")
t.check('name="next" value="/dashboard"' in r.text, "a foreign next becomes /dashboard")
r = adm.get(f"/reauth?next=/users/{WID}")
tok = form_token(r.text)
r2 = adm.post_form("/reauth", {"code": "000000" if totp(akey, 30) != "000000" else "111111", "next": f"/users/{WID}"},
                   token=tok)
t.check(r2.status == 200 and 'class="form-error"' in r2.text, "a wrong code is refused")
old_sid = adm.cookies.get("__Host-ecc_sid")
r = adm.post_form("/reauth", {"code": totp(akey, 30), "next": f"/users/{WID}"}, token=form_token(r2.text))
t.check(r.status == 303 and r.header("Location") == f"/users/{WID}", f"step-up → back to the page ({r.status})")
t.check(adm.cookies.get("__Host-ecc_sid") != old_sid, "the session id rotated")
r = post(adm, f"/users/{WID}/role", {"role": "admin"}, f"/users/{WID}")
t.check(r.status == 303 and user_row(WID)[0] == "admin", "after the step-up the action works")

# nothing secret in the logs
logs = open(f"{os.environ['ECC_VAR']}/log/ecc-web-customer.log", encoding="utf-8").read()
for secret in (PASSWORD, vlink2.rsplit("/", 1)[1], U_EMAIL):
    t.check(secret not in logs, "no password, link or address in the application log")
t.done()
