"""synctest.py: what the connector tests share — the emulators' control API, ecc-fetch runs, connections made with
ecc-admin, and the database side of the emulators' order checksum (tests/emulators/README.md "Checksum")."""
import datetime
import hashlib
import json
import os
import subprocess
import urllib.request

from accounts import admin, sql
from ecctest import VAR, tls_context

ROOT = os.environ["ECC_ROOT"]
FETCH = [os.path.join(os.environ["ECC_BUILD"], "ecc-fetch"), "--config", f"{VAR}/etc/ecc.conf"]
PORTS = {"shopify": int(os.environ["ECC_EMU_SHOPIFY_PORT"]), "rakuten": int(os.environ["ECC_EMU_RAKUTEN_PORT"]),
         "amazon": int(os.environ["ECC_EMU_AMAZON_PORT"])}


def emu(platform, path, body=None, method=None):
    """One control call to an emulator (/__emu/<path>); the decoded JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"https://127.0.0.1:{PORTS[platform]}/__emu/{path}", data=data,
                                 method=method or ("POST" if data is not None else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=tls_context(), timeout=120) as r:
        return json.loads(r.read())


def endpoint(platform):
    return f"https://127.0.0.1:{PORTS[platform]}"


# what each emulator accepts (tests/emulators/README.md)
SECRETS = {
    "shopify": {"access_token": "shpat_test_token"},
    "rakuten": {"service_secret": "sp_test_secret", "license_key": "lk_test_key"},
    "amazon": {"client_id": "amzn1.application-oa2-client.test", "client_secret": "test-secret",
               "refresh_token": "Atzr|test-refresh"},
}


def settings(platform):
    """The connection settings the sync tests use. 楽天 and Amazon pace themselves at the documented rates (楽天
    1 call/s, Amazon getOrderItems 0.5/s: 10,000 orders would take hours), so the volume tests switch the client's
    own pacing off ("pacing": "off") along with the emulator's limits; the 429 tests then exercise the answers to
    429. 楽天 has no "updated since" search: orders placed within rescan_days are re-read, so it covers the
    emulator's 58 days of orders."""
    if platform == "rakuten":  # license keys expire every 90 days; this one in 60
        return {"license_expires_on": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
                "rescan_days": "60", "pacing": "off"}
    if platform == "shopify":
        return {"shop_domain": "sync-test.myshopify.com"}
    if platform == "amazon":
        return {"lwa_endpoint": endpoint("amazon"), "pacing": "off"}
    return {}


def create_connection(tenant, platform, name, url=None, secrets=None, extra=None):
    """A connection made with `ecc-admin connection create` (the screen's checks); its id, or raises."""
    s = dict(settings(platform))
    s.update(extra or {})
    p = subprocess.run([os.path.join(os.environ["ECC_BUILD"], "ecc-admin"), "--config",
                                    f"{VAR}/etc/ecc.conf", "connection", "create", "--tenant", tenant,
                                    "--platform", platform, "--name", name, "--endpoint", url or endpoint(platform),
                                    "--settings", json.dumps(s)],
                       input=json.dumps(secrets or SECRETS[platform]), capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"connection create: {p.stderr.strip()}")
    return int(p.stdout.split(":")[1])


def new_tenant(code):
    p = admin("tenant", "create", "--code", code, "--name", "同期テスト " + code, "--admin-email", f"a@{code}.example")
    if p.returncode != 0:
        raise RuntimeError(p.stderr)


def fetch(tenant, offset=0, timeout=900, extra=()):
    """Run ecc-fetch for one tenant until nothing is due (the fetcher's test clock moved by offset seconds)."""
    env = dict(os.environ, ECC_TEST_CLOCK_OFFSET=str(int(offset)))
    return subprocess.run(FETCH + ["--tenant", tenant, "--max-seconds", "600"] + list(extra),
                          capture_output=True, text=True, timeout=timeout, env=env)


def spawn_fetch(tenant, offset=0):
    env = dict(os.environ, ECC_TEST_CLOCK_OFFSET=str(int(offset)))
    return subprocess.Popen(FETCH + ["--tenant", tenant, "--max-seconds", "600"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def make_due(connection_id):
    """Every job of the connection is due now (as if its interval had passed)."""
    sql("UPDATE sync_jobs SET next_run_at = UTC_TIMESTAMP(3) - INTERVAL 1 DAY"
        f" WHERE connection_id = {int(connection_id)}")


def q1(query):
    rows = sql(query)
    return rows[0][0] if rows and rows[0] else None


def db_checksum(connection_id):
    """(count, checksum) of the connection's orders as the emulators define it: sha256 over sorted
    "id|updated|total|lines|qty\\n" lines (updated: UTC epoch seconds; total without trailing fraction zeros)."""
    lines = []
    for ext, upd, total, n, qty in sql(
            "SELECT external_id, FLOOR(UNIX_TIMESTAMP(source_updated_at)), total, line_count, item_quantity"
            f" FROM orders WHERE connection_id = {int(connection_id)}"):
        if "." in total:
            total = total.rstrip("0").rstrip(".")
        lines.append(f"{ext}|{upd}|{total}|{n}|{qty}\n")
    lines.sort(key=lambda s: s.split("|", 1)[0].encode())
    return len(lines), hashlib.sha256("".join(lines).encode()).hexdigest()


def last_run(connection_id, stream="orders"):
    """The newest run of the connection's stream as a dict."""
    rows = sql("SELECT status, new_count, updated_count, unchanged_count, failed_count, api_calls, IFNULL(error, '')"
               f" FROM sync_runs WHERE connection_id = {int(connection_id)} AND stream = '{stream}'"
               " ORDER BY started_at DESC, id DESC LIMIT 1")
    if not rows:
        return None
    r = rows[0]
    return {"status": r[0], "new": int(r[1]), "updated": int(r[2]), "unchanged": int(r[3]), "failed": int(r[4]),
            "calls": int(r[5]), "error": r[6]}
