"""accounts.py: shared helpers for the accounts suites — ecc-admin, TOTP codes, CSRF tokens from pages, the mail sink,
and the invitation → password → enrolment → login steps."""
import email
import json
import os
import re
import subprocess
import time
import urllib.parse

from ecctest import Client, VAR, remember_secret

ADMIN = [os.environ["ECC_BUILD"] + "/ecc-admin", "--config", f"{VAR}/etc/ecc.conf"]
PASSWORD = "川のほとりで静かに読書する 2026"


def admin(*args):
    """Run ecc-admin with the stack's configuration."""
    return subprocess.run(ADMIN + list(args), capture_output=True, text=True, timeout=60)


def sql(query):
    """One query as the MariaDB root account on the stack's database; rows as lists of strings."""
    p = subprocess.run([os.path.join(os.environ["ECC_ROOT"], "ops/dev/mariadb.sh"), "client", "-N", "-B", "ecc",
                        "-e", query], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"sql failed: {p.stderr.strip()}")
    return [line.split("\t") for line in p.stdout.splitlines()]


def totp(key, offset=0):
    """The TOTP code for key (base32, spaces allowed) at now + offset seconds."""
    now = int(time.time()) + offset
    out = subprocess.run(["oathtool", "--totp", "-b", f"--now=@{now}", key.replace(" ", "")],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def form_token(html):
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return m.group(1) if m else None


def mails_to(addr):
    """Every index entry of the sink addressed to addr, oldest first."""
    found = []
    try:
        for line in open(f"{VAR}/mail/index.jsonl", encoding="utf-8"):
            j = json.loads(line)
            if addr in j.get("rcpt", []):
                found.append(j)
    except FileNotFoundError:
        pass
    return found


def wait_mail(addr, after=0, timeout=10.0):
    """Wait for the (after+1)-th mail to addr (the stack's sender runs every 2 s); returns (entry, body) or
    (None, None)."""
    end = time.time() + timeout
    while time.time() < end:
        found = mails_to(addr)
        if len(found) > after:
            j = found[after]
            msg = email.message_from_bytes(open(f"{VAR}/mail/{j['file']}", "rb").read())
            return j, msg.get_payload(decode=True).decode("utf-8")
        time.sleep(0.2)
    return None, None


def invite_link(body):
    """(link, token) of an invitation mail body."""
    m = re.search(r"(https://\S+/invite/([A-Za-z0-9_-]+))", body or "")
    return (m.group(1), m.group(2)) if m else (None, None)


def create_tenant(code, name, admin_email, admin_name):
    """ecc-admin tenant create; returns (process, link, token)."""
    p = admin("tenant", "create", "--code", code, "--name", name, "--admin-email", admin_email,
              "--admin-name", admin_name)
    m = re.search(r"(https://\S+/invite/(\S+))", p.stdout)
    return p, (m.group(1) if m else None), (m.group(2) if m else None)


def set_password(c, link, password=PASSWORD):
    """Open the invitation link and set the password; returns the POST response (303 → /enrol)."""
    token = link.rsplit("/", 1)[1]
    remember_secret(token)
    remember_secret(password)
    r = c.get(urllib.parse.urlparse(link).path)
    return c.post_form("/invite", {"token": token, "password": password, "password2": password},
                       token=form_token(r.text))


def enrol(c, offset=0):
    """Complete the TOTP enrolment of c's session; returns (key, recovery codes, last response)."""
    r = c.get("/enrol")
    km = re.search(r'id="totp-key"><code>([A-Z2-7 ]+)</code>', r.text)
    key = km.group(1) if km else ""
    r = c.post_form("/enrol", {"code": totp(key, offset)}, token=form_token(r.text))
    codes = re.findall(r"<li><code>([a-z0-9-]{29})</code></li>", r.text)
    remember_secret(key.replace(" ", ""))
    for rc in codes:
        remember_secret(rc)
    return key, codes, r


def onboard(link, password=PASSWORD):
    """Invitation link → password → enrolment; returns (client signed in, key, recovery codes)."""
    c = Client()
    set_password(c, link, password)
    key, codes, _ = enrol(c)
    return c, key, codes


def login_password(c, code, addr, password=PASSWORD):
    """The password step of the login; returns the response."""
    tk = form_token(c.get("/login").text)
    return c.post_form("/login", {"tenant_code": code, "email": addr, "password": password}, token=tk)


def login(code, addr, key=None, offset=0, recovery=None, password=PASSWORD):
    """A full login with a TOTP code (key, offset) or a recovery code; returns (client, last response)."""
    c = Client()
    login_password(c, code, addr, password)
    tok = form_token(c.get("/login/2fa").text)
    fields = {"recovery_code": recovery} if recovery else {"code": totp(key, offset)}
    return c, c.post_form("/login/2fa", fields, token=tok)


# --- t0420-account: users that sign in many times (fresh TOTP steps, then recovery codes) ---

def totp_at(key, step):
    """The TOTP code of time step `step` (30 s steps)."""
    out = subprocess.run(["oathtool", "--totp", "-b", f"--now=@{step * 30 + 1}", key.replace(" ", "")],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Account:
    """One user able to sign in repeatedly: each login uses a TOTP step newer than the last one accepted (the
    replay guard allows ±1 step), and a recovery code when the window is used up."""

    def __init__(self, code, addr, password):
        self.code, self.email, self.password = code, addr, password
        self.key, self.codes, self.last_step = "", [], 0

    def second_factor(self):
        now = int(time.time()) // 30
        for s in (now - 1, now, now + 1):
            if s > self.last_step:
                self.last_step = s
                return {"code": totp_at(self.key, s)}
        return {"recovery_code": self.codes.pop()}

    def login(self, c=None, password=None, ua=None):
        """Sign in fully (password + second factor); returns the client, its last response in c.last."""
        c = c or Client()
        hdr = {"User-Agent": ua} if ua else None
        tk = form_token(c.get("/login", headers=hdr).text)
        c.last = c.post_form("/login", {"tenant_code": self.code, "email": self.email,
                                        "password": password or self.password}, token=tk, headers=hdr)
        if c.last.status != 303 or c.last.header("Location") != "/login/2fa":
            return c
        tk = form_token(c.get("/login/2fa", headers=hdr).text)
        c.last = c.post_form("/login/2fa", self.second_factor(), token=tk, headers=hdr)
        return c


def new_tenant(code, name, addr, admin_name, password, check=None):
    """A tenant with its first admin invited, password set and TOTP enrolled. Returns (Account, signed-in
    client); check(cond, what) is called for each step when given."""
    check = check or (lambda cond, what: cond)
    p, link, _ = create_tenant(code, name, addr, admin_name)
    check(p.returncode == 0 and link is not None, f"tenant create {code}: {p.stderr}")
    acct = Account(code, addr, password)
    c = Client()
    if link is None:
        return acct, c
    r = set_password(c, link, password)
    check(r.status == 303 and r.header("Location") == "/enrol", f"password set ({r.status})")
    acct.last_step = int(time.time()) // 30
    acct.key, acct.codes, r = enrol(c)
    check(len(acct.codes) == 10, f"enrolled with 10 recovery codes ({r.status})")
    return acct, c


def q1(query):
    """The first column of the first row of a query as root, or None."""
    rows = sql(query)
    return rows[0][0] if rows and rows[0] else None


def role_tenants(t, codes, name, roles):
    """Create the tenants `codes` (named name + code) and, for each (who, code, role) in roles, a signed-up
    user who@code.example with that role. Returns {who: {"code", "email", "id"}}."""
    users = {}
    for code in codes:
        p = admin("tenant", "create", "--code", code, "--name", name + code, "--admin-email",
                  f"first@{code}.example")
        t.check(p.returncode == 0, f"tenant {code}: {p.stderr.strip()}")
    for who, code, role in roles:
        p = admin("demo", "admin", "--tenant", code, "--email", f"{who}@{code}.example", "--role", role)
        m = re.search(r"user: (\d+)", p.stdout)
        t.check(m is not None, f"user {who}: {p.stderr.strip()}")
        users[who] = {"code": code, "email": f"{who}@{code}.example", "id": int(m.group(1)) if m else 0}
    return users


def test_session(user):
    """A Client signed in as user (a role_tenants entry) through the test-build-only `ecc-admin test session`."""
    c = Client()
    p = admin("test", "session", "--tenant", user["code"], "--email", user["email"])
    c.cookies["__Host-ecc_sid"] = p.stdout.strip()
    return c


def post_from(c, path, fields, page):
    """POST a form the way a browser does: the CSRF token comes from the page the form is on."""
    return c.post_form(path, fields, token=form_token(c.get(page).text))
