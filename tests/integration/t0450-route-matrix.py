"""t0450-route-matrix.py: every route of the table × every kind of visitor (anonymous, half signed-in, viewer, editor,
admin, another tenant's admin) gets the status the route's flags promise; objects of another tenant are 404 and unchanged."""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite, VAR  # noqa: E402

t = Suite("route-matrix")
BUILD = os.environ["ECC_BUILD"]
ADMIN = [BUILD + "/ecc-admin", "--config", f"{VAR}/etc/ecc.conf"]
ROLE = {"viewer": 1, "editor": 2, "admin": 3}


def admin(*args):
    p = subprocess.run(ADMIN + list(args), capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        print("ecc-admin", args, p.stderr, file=sys.stderr)
    return p


def sql(q):
    return subprocess.run([os.environ["ECC_ROOT"] + "/ops/dev/mariadb.sh", "client", "-N", "-B", "ecc", "-e", q],
                          capture_output=True, text=True, timeout=30).stdout


suffix = str(int(time.time() * 1000) % 10**8)
tenants = {"a": "mxa" + suffix, "b": "mxb" + suffix}
for k, code in tenants.items():
    t.check(admin("tenant", "create", "--code", code, "--name", f"Matrix {k}", "--admin-email", f"first@{code}.example").returncode == 0,
            f"tenant {k}")
users = {}
for who, tenant, role in (("admin", "a", "admin"), ("editor", "a", "editor"), ("viewer", "a", "viewer"),
                          ("victim", "a", "viewer"), ("other", "b", "admin")):
    email = f"{who}@{tenants[tenant]}.example"
    p = admin("demo", "admin", "--tenant", tenants[tenant], "--email", email, "--role", role)
    m = re.search(r"user: (\d+)", p.stdout)
    t.check(m is not None, f"user {who}")
    users[who] = {"email": email, "tenant": tenants[tenant], "id": m.group(1) if m else "0", "role": role}


# objects of tenant a for the routes with ids: a connection (emulator endpoint), one of its orders, one run
conn = subprocess.run(ADMIN + ["connection", "create", "--tenant", tenants["a"], "--platform", "shopify", "--name",
                               "Matrix shop", "--endpoint", "https://127.0.0.1:%s" % os.environ["ECC_EMU_SHOPIFY_PORT"],
                               "--settings", '{"shop_domain": "matrix.myshopify.com"}'],
                      input='{"access_token": "shpat_test_token"}', capture_output=True, text=True, timeout=60)
CONN = conn.stdout.split(":")[-1].strip() if conn.returncode == 0 else "0"
t.check(conn.returncode == 0, f"a connection in tenant a ({conn.stderr.strip()})")
fx = subprocess.run([BUILD + "/tests/tools/orders_fixture", tenants["a"], CONN, "1", "--quiet"],
                    capture_output=True, text=True, timeout=60, env=dict(os.environ, ECC_CONFIG=f"{VAR}/etc/ecc.conf"))
t.check(fx.returncode == 0, f"an order in that connection ({fx.stderr.strip()[-200:]})")
ORDER = sql(f"SELECT id FROM orders WHERE connection_id = {CONN} LIMIT 1").strip() or "0"
RUN = str(int(time.time() * 1000))
sql(f"INSERT INTO sync_runs (id, tenant_id, connection_id, job_id, stream, fetcher, started_at, status)"
    f" SELECT {RUN}, tenant_id, id, 0, 'orders', 'matrix', UTC_TIMESTAMP(), 'ok' FROM connections WHERE id = {CONN}")


def session_client(who, state="active"):
    c = Client()
    p = admin("test", "session", "--tenant", users[who]["tenant"], "--email", users[who]["email"], "--state", state)
    c.cookies["__Host-ecc_sid"] = p.stdout.strip()
    return c


routes = [json.loads(line) for line in subprocess.run([BUILD + "/tests/tools/routes_dump"], capture_output=True,
                                                        text=True, check=True).stdout.splitlines()]
routes = [r for r in routes if r["customer"] and not r["pattern"].startswith("/__test/")]
t.check(len(routes) >= 10, f"{len(routes)} customer routes")


def url_of(pattern):
    """The pattern with tenant a's objects: its connection, order and run, or the victim user."""
    def sub(m):
        name, kind = m.group(1), m.group(2)
        if kind != "int":
            return "x" if kind == "slug" else "A" * 43
        if name == "run":
            return RUN
        if pattern.startswith("/connections/"):
            return CONN
        if pattern.startswith("/orders/"):
            return ORDER
        return users["victim"]["id"]
    return re.sub(r"\{([a-z_]+):([a-z]+)\}", sub, pattern)


def csrf_for(c):
    r = c.get("/")
    m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    return m.group(1) if m else ""


def call(c, route):
    url = url_of(route["pattern"])
    if route["method"] == "GET":
        return c.get(url)
    return c.post_form(url, {}, token=csrf_for(c))


def to_login(r, where):
    return r.status == 303 and (r.header("Location") or "").startswith(where)


VICTIM_Q = (f"SELECT id, role, status, totp_enabled, password_hash, failed_logins FROM users WHERE id = {users['victim']['id']};"
            f" SELECT COUNT(*) FROM sessions WHERE user_id = {users['victim']['id']};"
            f" SELECT COUNT(*) FROM users WHERE tenant_id = (SELECT tenant_id FROM users WHERE id = {users['victim']['id']})")
CONN_Q = (f"SELECT name, paused, auth_failed, endpoint, settings FROM connections WHERE id = {CONN}"
          f"; SELECT run_requested, lease_owner FROM sync_jobs WHERE connection_id = {CONN} ORDER BY id"
          f"; SELECT COUNT(*) FROM orders WHERE connection_id = {CONN}")
victim_before = sql(VICTIM_Q)
conn_before = sql(CONN_Q)
# logout and the destructive user actions last, so the visitors' sessions live through the matrix
routes.sort(key=lambda r: (r["pattern"] == "/logout", r["method"] == "POST" and ("/users/" in r["pattern"]
                                                                                  or "/delete" in r["pattern"])))

visitors = [("anonymous", None), ("pending", "pending"), ("viewer", "viewer"), ("other-tenant admin", "other"),
            ("editor", "editor"), ("admin", "admin")]
for label, who in visitors:
    if label == "editor":
        # editors may change connections; nobody before them (anonymous, half signed-in, viewer, another tenant) may
        t.check(sql(CONN_Q) == conn_before and conn_before.strip() != "",
                "no visitor without the right changed the tenant's connection, its jobs or orders")
    if label == "admin":
        # everyone so far (anonymous, half signed-in, lower roles, another tenant) must have changed nothing
        t.check(sql(VICTIM_Q) == victim_before and victim_before.strip() != "",
                "no visitor without the right changed the tenant's users")
    for route in routes:
        if who is None:
            c = Client()
        elif label == "pending":
            c = session_client("admin", "pending")
        else:
            c = session_client(who)
        r = call(c, route)
        what = f"{label} {route['method']} {route['pattern']} → {r.status} {r.header('Location') or ''}"
        t.check(r.status < 500, what + " (no 5xx)")
        if not route["auth"]:
            t.check(r.status != 403 or route["method"] == "POST" and route["pattern"] == "/logout", what + " (public)")
            continue
        if label == "anonymous":
            t.check(to_login(r, "/login") if route["method"] == "GET" else r.status == 403, what + " (anonymous)")
        elif label == "pending":
            if route["pending"]:
                t.check(r.status != 403, what + " (allowed while pending)")
            else:
                t.check(to_login(r, "/login/2fa") if route["method"] == "GET" else r.status == 403, what + " (pending)")
        else:
            role = ROLE[users[who]["role"]]
            if role < route["min_role"]:
                t.check(r.status == 403, what + " (role below the route's)")
            elif label == "other-tenant admin" and "{id:int}" in route["pattern"]:
                t.check(r.status == 404, what + " (another tenant's object is 404)")
            else:
                t.check(r.status not in (401, 403) and not to_login(r, "/login"), what + " (allowed)")

t.done()
