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
# a conversion template (one version) and a code table with one entry, for /templates/{id} and /lookups/{id}
TPL, LOOKUP = str(int(RUN) + 1), str(int(RUN) + 2)
TPL_DEF = '{"kind":"order","columns":[{"header":"番号","source":"field","value":"order_number"}]}'
sql(f"INSERT INTO conv_templates (id, tenant_id, name, kind, current_version, latest_version, created_at, updated_at)"
    f" SELECT {TPL}, tenant_id, 'Matrix template', 'order', 1, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM connections"
    f" WHERE id = {CONN}; INSERT INTO conv_template_versions (tenant_id, template_id, version, definition, created_at)"
    f" SELECT tenant_id, {TPL}, 1, '{TPL_DEF}', UTC_TIMESTAMP() FROM connections WHERE id = {CONN};"
    f" INSERT INTO lookup_tables (id, tenant_id, name, created_at, updated_at) SELECT {LOOKUP}, tenant_id,"
    f" 'Matrix table', UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM connections WHERE id = {CONN};"
    f" INSERT INTO lookup_entries (tenant_id, table_id, lookup_key, lookup_value) SELECT tenant_id, {LOOKUP}, 'k', 'v'"
    f" FROM connections WHERE id = {CONN}")
t.check(sql(f"SELECT COUNT(*) FROM conv_templates WHERE id = {TPL}").strip() == "1", "a template in tenant a")
# a flow (download, manual) reading the connection through that template, with one run, for /flows/{id}/…
FLOW, FLOW_RUN = str(int(RUN) + 3), str(int(RUN) + 4)
sql(f"INSERT INTO flows (id, tenant_id, name, template_id, destination, destination_settings, schedule_kind,"
    f" created_at, updated_at) SELECT {FLOW}, tenant_id, 'Matrix flow', {TPL}, 'download', '{{}}', 'manual',"
    f" UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM connections WHERE id = {CONN};"
    f" INSERT INTO flow_sources (tenant_id, flow_id, connection_id) SELECT tenant_id, {FLOW}, id FROM connections"
    f" WHERE id = {CONN}; INSERT INTO flow_runs (id, tenant_id, flow_id, trigger_kind, template_version, status,"
    f" started_at) SELECT {FLOW_RUN}, tenant_id, {FLOW}, 'manual', 1, 'nothing', UTC_TIMESTAMP() FROM connections"
    f" WHERE id = {CONN}")
t.check(sql(f"SELECT COUNT(*) FROM flow_runs WHERE flow_id = {FLOW}").strip() == "1", "a flow with a run in tenant a")


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
            return FLOW_RUN if pattern.startswith("/flows/") else RUN
        if pattern.startswith("/connections/"):
            return CONN
        if pattern.startswith("/orders/"):
            return ORDER
        if pattern.startswith("/templates/"):
            return TPL
        if pattern.startswith("/lookups/"):
            return LOOKUP
        if pattern.startswith("/flows/"):
            return FLOW
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
TPL_Q = (f"SELECT name, current_version, latest_version FROM conv_templates WHERE id = {TPL}"
         f"; SELECT version, definition FROM conv_template_versions WHERE template_id = {TPL}"
         f"; SELECT name, description FROM lookup_tables WHERE id = {LOOKUP}"
         f"; SELECT lookup_key, lookup_value FROM lookup_entries WHERE table_id = {LOOKUP}")
victim_before = sql(VICTIM_Q)
conn_before = sql(CONN_Q)
tpl_before = sql(TPL_Q)
FLOW_Q = (f"SELECT name, template_id, filter_expr, destination, schedule_kind, paused, run_requested,"
          f" IFNULL(resend_run_id, 0) FROM flows WHERE id = {FLOW}; SELECT connection_id FROM flow_sources"
          f" WHERE flow_id = {FLOW}; SELECT COUNT(*) FROM flow_runs WHERE flow_id = {FLOW}")
flow_before = sql(FLOW_Q)
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
        t.check(sql(TPL_Q) == tpl_before and "Matrix table" in tpl_before,
                "no visitor without the right changed the tenant's template or code table")
        t.check(sql(FLOW_Q) == flow_before and "Matrix flow" in flow_before,
                "no visitor without the right changed, ran or deleted the tenant's flow")
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

# editors and admins posted empty forms: refused (400) or shown again with a message, nothing stored
t.check(sql(TPL_Q) == tpl_before, "empty posts changed no template or code table")

t.done()
