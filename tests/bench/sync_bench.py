#!/usr/bin/python3
# sync_bench.py: make bench — the fetcher's initial-sync throughput and its Shopify rate-limit adherence, against the local emulator.
#
#   sync_bench.py --tools DIR --work DIR --md FILE
#   sync_bench.py --cleanup
#
# Runs inside the bench stack (tests/bench/run.sh: ECC_MODE=bench, ops/dev/env.sh's variables and
# ECC_CONFIG exported; the Shopify emulator on $ECC_EMU_SHOPIFY_PORT started by ops/dev/stack.sh with
# ECC_EMU_ORDERS orders). Writes the report's two sections (markdown) to --md, a log to --work, and
# prints key=value lines. Two parts, each independent of the other:
#
# 1. Initial sync throughput, rate limits off. The emulator is reset and told {"rate_limit": false};
#    a plain crawl of the orders pages the fetcher asks for (same query, limit 250, Link paging,
#    HTTPS keep-alive, bytes read and nothing else) times the emulator alone; then a fresh tenant
#    gets a Shopify connection made with `ecc-admin connection create` (settings
#    {"shop_domain": …, "pacing": "off"}) and `$ECC_BUILD/ecc-fetch --tenant CODE` runs from an
#    empty database. The orders run's row in sync_runs gives the time (started_at → finished_at)
#    and the counts (status ok, new = the emulator's order count); the stored orders' count and
#    checksum (tests/emulators/README.md "Checksum") are compared with /__emu/state. CPU seconds of
#    ecc-fetch, mariadbd and the emulator during the fetch show where the time goes. In the same
#    tenant tests/tools/orders_fixture then stores as many orders through the real upsert
#    (dbq_orders_upsert: no HTTP, no JSON) and, with --baseline, bulk-inserts the same rows with
#    plain multi-row INSERTs (sealed beforehand, untimed): the direct-insert limit.
# 2. Rate-limit adherence. The emulator is reset (buckets, Retry-After records), told
#    {"rate_limit": true} (Shopify's leaky bucket of 40 leaking 2/s) and given enough extra orders
#    (/__emu/add) that the orders run needs at least BENCH_SYNC_RATE_SECONDS (60) of calls at 2/s;
#    its statistics are reset and a new tenant's connection with the default settings (pacing on)
#    is fetched while /__emu/stats is sampled every 0.25 s. Reported: the orders run's calls/s over
#    its whole time (it includes the bucket's initial burst) and in the steady state (the calls
#    after the first BENCH_SYNC_STEADY_SKIP_S (20) seconds of the run, to its end), each as a share of
#    the allowed 2/s, the 429 answers (target: none after the first) and calls made before an
#    announced Retry-After.
#
# --cleanup deletes the orders, lines, payloads and catalog rows of every sync bench tenant (bsync-*,
# brate-*; ~100,000 orders a run) so var/bench's database does not grow from run to run; the tenants,
# connections and run history stay (the audit log cannot be deleted). Prints cleanup_seconds=….
# Exit status: 0 when everything was measured (misses of targets included), 1 when something
# could not be measured (the section says why), 2 for a usage error.
import argparse
import datetime
import hashlib
import json
import os
import re
import resource
import ssl
import subprocess
import sys
import threading
import time
import http.client
import urllib.parse

ROOT = os.environ["ECC_ROOT"]
VAR = os.environ["ECC_VAR"]
BUILD = os.environ["ECC_BUILD"]
CONFIG = os.environ.get("ECC_CONFIG", f"{VAR}/etc/ecc.conf")
PORT = int(os.environ["ECC_EMU_SHOPIFY_PORT"])
TOKEN = "shpat_test_token"            # what the emulator accepts (tests/emulators/README.md)
API = "2025-01"                       # the client's default API version (conn_shopify.c)
PAGE = 250                            # the client's page size
BUCKET, LEAK = 40, 2.0                # Shopify REST: leaky bucket of 40, leaking 2/s
RATE_SECONDS = int(os.environ.get("BENCH_SYNC_RATE_SECONDS", "60"))
STEADY_SKIP = float(os.environ.get("BENCH_SYNC_STEADY_SKIP_S", "20"))
TARGET_RATE = 5000                    # orders/s (issue 4)
TARGET_SHARE = 0.30                   # of the direct-insert baseline
TARGET_CALLS = 0.90                   # of the allowed 2/s
CLK = os.sysconf("SC_CLK_TCK")

ctx = ssl.create_default_context(cafile=f"{VAR}/tls/ca.pem")
log_file = None


def log(msg):
    line = f"{time.strftime('%H:%M:%S')} {msg}"
    print(f"sync_bench: {msg}", file=sys.stderr, flush=True)
    if log_file:
        log_file.write(line + "\n")
        log_file.flush()


class Unmeasured(Exception):
    """Something a section needs could not be done: the section is reported as not measured."""


def thousands(n):
    return f"{int(round(n)):,}"


def emu(path, body=None, method=None):
    """One control call to the Shopify emulator (/__emu/<path>); the decoded JSON answer."""
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=ctx, timeout=120)
    data = json.dumps(body).encode() if body is not None else None
    try:
        conn.request(method or ("POST" if data is not None else "GET"), f"/__emu/{path}", body=data,
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        text = r.read()
    except OSError as e:
        raise Unmeasured(f"emulator /__emu/{path}: {e}")
    finally:
        conn.close()
    if r.status != 200:
        raise Unmeasured(f"emulator /__emu/{path} answers {r.status}: {text[:200]!r}")
    return json.loads(text)


def sql(query):
    """Rows (lists of strings) of one query on the bench database, as MariaDB's root account."""
    p = subprocess.run([f"{ROOT}/ops/dev/mariadb.sh", "client", "-N", "-B", "ecc", "-e", query],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise Unmeasured(f"SQL failed: {p.stderr.strip()[-300:]}")
    return [line.split("\t") for line in p.stdout.splitlines()]


def admin(args, stdin=None):
    p = subprocess.run([f"{BUILD}/ecc-admin", "--config", CONFIG] + args, input=stdin, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise Unmeasured(f"ecc-admin {' '.join(args[:2])} failed: {p.stderr.strip()[-300:]}")
    return p.stdout


def new_tenant(prefix, name):
    code = f"{prefix}-{int(time.time())}-{os.getpid()}"
    admin(["tenant", "create", "--code", code, "--name", name, "--admin-email", f"admin@{code}.example"])
    return code


def new_connection(tenant, name, settings):
    """A Shopify connection made as the screen makes it (ecc-admin connection create); its id."""
    out = admin(["connection", "create", "--tenant", tenant, "--platform", "shopify", "--name", name,
                 "--endpoint", f"https://127.0.0.1:{PORT}", "--settings", json.dumps(settings)],
                stdin=json.dumps({"access_token": TOKEN}))
    m = re.search(r"connection:\s*(\d+)", out)
    if not m:
        raise Unmeasured(f"ecc-admin connection create printed no id: {out.strip()!r}")
    return int(m.group(1))


def cpu_s(pidfile):
    """utime + stime (seconds) of the process in pidfile, or None."""
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, ValueError, IndexError):
        return None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime, ru.ru_stime


def run_fetch(tenant, logname, sampler=None):
    """ecc-fetch --tenant CODE to the end; (wall seconds, user s, sys s, stdout)."""
    u0, s0 = children_cpu()
    t0 = time.monotonic()
    with open(logname, "w") as err:
        p = subprocess.Popen([f"{BUILD}/ecc-fetch", "--config", CONFIG, "--tenant", tenant, "--max-seconds", "900"],
                             stdout=subprocess.PIPE, stderr=err, text=True)
        if sampler is not None:
            sampler(p)
        out, _ = p.communicate(timeout=1200)
    wall = time.monotonic() - t0
    u1, s1 = children_cpu()
    if p.returncode != 0:
        raise Unmeasured(f"ecc-fetch exited {p.returncode}: {out.strip()[-300:]} (log {logname})")
    return wall, u1 - u0, s1 - s0, out


def orders_run(cid):
    """The connection's newest orders run from sync_runs."""
    rows = sql("SELECT status, new_count, updated_count, unchanged_count, failed_count, api_calls, bytes_in,"
               " TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) / 1e6,"
               " UNIX_TIMESTAMP(started_at), UNIX_TIMESTAMP(finished_at), IFNULL(error, '')"
               f" FROM sync_runs WHERE connection_id = {int(cid)} AND stream = 'orders'"
               " ORDER BY started_at DESC, id DESC LIMIT 1")
    if not rows:
        raise Unmeasured("ecc-fetch recorded no orders run in sync_runs")
    r = rows[0]
    if r[7] == "NULL":
        raise Unmeasured(f"the orders run has not finished (status {r[0]})")
    return {"status": r[0], "new": int(r[1]), "updated": int(r[2]), "unchanged": int(r[3]), "failed": int(r[4]),
            "calls": int(r[5]), "bytes": int(r[6]), "seconds": float(r[7]), "start": float(r[8]),
            "end": float(r[9]), "error": r[10]}


def db_checksum(cid):
    """(count, checksum) of the connection's orders as the emulators define it (README "Checksum")."""
    lines = []
    for ext, upd, total, n, qty in sql(
            "SELECT external_id, FLOOR(UNIX_TIMESTAMP(source_updated_at)), total, line_count, item_quantity"
            f" FROM orders WHERE connection_id = {int(cid)}"):
        if "." in total:
            total = total.rstrip("0").rstrip(".")
        lines.append(f"{ext}|{upd}|{total}|{n}|{qty}\n")
    lines.sort(key=lambda s: s.split("|", 1)[0].encode())
    return len(lines), hashlib.sha256("".join(lines).encode()).hexdigest()


def db_context():
    """One sentence on the database the rows went into (its size against the buffer pool), from
    information_schema's estimates (nothing is read from the tables themselves)."""
    try:
        rows = sql("SELECT SUM(IF(table_name = 'orders', table_rows, 0)), SUM(data_length + index_length),"
                   " @@innodb_buffer_pool_size FROM information_schema.tables WHERE table_schema = DATABASE()"
                   " AND table_name IN ('orders', 'order_lines', 'source_payloads')")
        n, size, pool = (int(float(x)) for x in rows[0])
    except (Unmeasured, ValueError, IndexError):
        return "Database size: unknown (information_schema could not be read)."
    return (f"Database: orders, order_lines and source_payloads of all bench tenants (about {thousands(n)} orders, "
            f"most of them the orders list's tenant) take {size / 2**30:.1f} GiB against "
            f"a {pool / 2**30:.1f} GiB buffer pool (MariaDB restarted with the stack); ids are random, so new rows land on "
            f"pages that are mostly not cached and the fetcher, orders_fixture and the direct insert all wait for "
            f"page reads alike: compare the ratios as much as the absolute rates.")


def utc_z(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def crawl():
    """Every orders page the fetcher's first window asks for, read and dropped: (seconds, pages, orders,
    bytes). Only the requests and reads are timed; the orders are counted afterwards."""
    now = time.time()
    q = urllib.parse.urlencode({"status": "any", "updated_at_min": utc_z(now - 730 * 86400),
                                "updated_at_max": utc_z(now), "limit": PAGE, "order": "updated_at asc"},
                               quote_via=urllib.parse.quote)
    path = f"/admin/api/{API}/orders.json?{q}"
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=ctx, timeout=120)
    busy, pages, orders, size = 0.0, 0, 0, 0
    while path:
        t0 = time.monotonic()
        conn.request("GET", path, headers={"X-Shopify-Access-Token": TOKEN, "Accept": "application/json",
                                           "Accept-Encoding": "identity"})
        r = conn.getresponse()
        body = r.read()
        busy += time.monotonic() - t0
        if r.status != 200:
            raise Unmeasured(f"crawl: GET {path[:80]}… answers {r.status}")
        pages += 1
        size += len(body)
        orders += body.count(b'"confirmation_number":')
        m = re.search(r'<([^>]+)>;\s*rel="next"', r.headers.get("Link", ""))
        path = None
        if m:
            u = urllib.parse.urlsplit(m.group(1))
            path = f"{u.path}?{u.query}"
    conn.close()
    return busy, pages, orders, size


def fixture(tools, tenant, conn, n, lines, baseline, logname):
    """orders_fixture's rate: (seconds, orders/s)."""
    args = [f"{tools}/orders_fixture", tenant, conn, str(n), "--lines", str(lines), "--page", str(PAGE), "--quiet"]
    if baseline:
        args.append("--baseline")
    p = subprocess.run(args, capture_output=True, text=True, timeout=1800,
                       env=dict(os.environ, ECC_CONFIG=CONFIG))
    with open(logname, "w") as f:
        f.write(" ".join(args) + "\n" + p.stdout + p.stderr)
    key = "baseline" if baseline else "orders"
    m = re.search(rf"^{key}: n=(\d+).*seconds=([0-9.]+) rate=(\d+)/s", p.stdout, re.M)
    if p.returncode != 0 or not m:
        raise Unmeasured(f"orders_fixture{' --baseline' if baseline else ''} failed: "
                         f"{(p.stderr or p.stdout).strip()[-300:]}")
    if not baseline:
        c = re.search(r"new=(\d+) updated=(\d+) unchanged=(\d+) failed=(\d+)", p.stdout)
        if not c or int(c.group(1)) != n:
            raise Unmeasured(f"orders_fixture stored {c.group(1) if c else '?'} new orders, not {n}")
    return float(m.group(2)), int(m.group(3))


def verdict(ok):
    return "PASS" if ok else "MISS"


# --- 1. initial sync throughput ------------------------------------------------------------------

def throughput(tools, work, md, kv):
    emu("reset", {})
    emu("config", {"rate_limit": False, "page_delay_ms": 0})
    st = emu("state")
    n = int(st["orders"])
    if n < PAGE:
        raise Unmeasured(f"the emulator has only {n} orders (ECC_EMU_ORDERS)")
    log(f"throughput: emulator has {n} orders; plain crawl of its pages")
    emu_pid = f"{VAR}/emulators/shopify.pid"
    db_pid = f"{VAR}/db/mysqld.pid"
    e0 = cpu_s(emu_pid)
    crawl_s, crawl_pages, crawl_orders, crawl_bytes = crawl()
    e1 = cpu_s(emu_pid)
    if crawl_orders != n:
        raise Unmeasured(f"the plain crawl saw {crawl_orders} orders in {crawl_pages} pages, not {n}")
    tenant = new_tenant("bsync", "Bench sync")
    shop = "bench-sync.myshopify.com"
    cid = new_connection(tenant, "Shopify ベンチ", {"shop_domain": shop, "pacing": "off"})
    log(f"throughput: ecc-fetch --tenant {tenant} (connection {cid}, pacing off)")
    load = loadavg()
    d0, m0 = cpu_s(db_pid), cpu_s(emu_pid)
    wall, fu, fs, out = run_fetch(tenant, f"{work}/fetch-throughput.log")
    d1, m1 = cpu_s(db_pid), cpu_s(emu_pid)
    run = orders_run(cid)
    if run["status"] != "ok" or run["new"] != n or run["failed"] != 0:
        raise Unmeasured(f"the orders run is {run['status']} with new={run['new']} failed={run['failed']}"
                         f" (want ok, new={n}): {run['error']}")
    count, checksum = db_checksum(cid)
    same = count == n and checksum == st["checksum"]
    lines_avg = float(sql(f"SELECT SUM(line_count) / COUNT(*) FROM orders WHERE connection_id = {cid}")[0][0])
    lines = max(1, int(round(lines_avg)))
    log(f"throughput: orders_fixture (upsert, then --baseline), {n} orders with {lines} lines")
    fx_s, fx_rate = fixture(tools, tenant, "new:fixture-upsert", n, lines, False, f"{work}/fixture-upsert.log")
    bl_s, bl_rate = fixture(tools, tenant, "new:fixture-baseline", n, lines, True, f"{work}/fixture-baseline.log")

    fetch_rate = n / run["seconds"]
    own_s = run["seconds"] - crawl_s
    own_rate = n / own_s if own_s > 0 else 0
    crawl_rate = n / crawl_s
    share = fetch_rate / bl_rate
    fx_share = fx_rate / bl_rate
    kv.update(sync_orders=n, sync_seconds=f"{run['seconds']:.2f}", sync_rate=f"{fetch_rate:.0f}",
              crawl_seconds=f"{crawl_s:.2f}", fixture_rate=fx_rate, baseline_rate=bl_rate,
              sync_share=f"{share:.2f}", sync_checksum_equal=int(same))
    pct = lambda a, b: f"{100 * a / b:.0f} %" if b else "-"
    cpu = lambda a, b: f"{b - a:.1f}" if a is not None and b is not None else "?"
    md.append("## Connector initial sync (Shopify emulator, rate limits off)")
    md.append("")
    md.append(f"Tenant `{tenant}`, one Shopify connection made with `ecc-admin connection create` (settings")
    md.append(f"`{{\"shop_domain\": \"{shop}\", \"pacing\": \"off\"}}`) to the emulator on https://127.0.0.1:{PORT}")
    md.append(f"(`{{\"rate_limit\": false}}`, {thousands(n)} orders, {lines_avg:.2f} lines per order, "
              f"{run['bytes'] / n / 1024:.1f} KiB of JSON per order), then")
    md.append(f"`{os.path.relpath(BUILD, ROOT)}/ecc-fetch --tenant {tenant}` from an empty database: "
              f"{wall:.2f} s for the whole process (orders, then products and stock).")
    md.append("")
    md.append("| measurement | orders | seconds | orders/s | vs. direct insert | what it includes |")
    md.append("|---|---:|---:|---:|---:|---|")
    md.append(f"| ecc-fetch, the orders run (sync_runs started_at → finished_at; {run['calls']} calls) | {thousands(n)} "
              f"| {run['seconds']:.2f} | **{thousands(fetch_rate)}** | {pct(fetch_rate, bl_rate)} | HTTPS GETs of "
              f"{PAGE}-order pages from the emulator, JSON parsing, buyer and ship-to data sealed (AES-GCM, tenant key), "
              f"raw payload compressed and sealed, upsert of orders and lines, one commit per page with its cursor |")
    md.append(f"| the emulator alone: a plain crawl of the same {crawl_pages} pages (Python client, bytes read, "
              f"nothing stored) | {thousands(n)} | {crawl_s:.2f} | {thousands(crawl_rate)} | - | the emulator's "
              f"rendering, TLS and transfer ({crawl_bytes / 1e6:.0f} MB) |")
    md.append(f"| ecc-fetch without the emulator's serving time (an upper bound: the run's time minus the crawl's, "
              f"but ecc-fetch fetches the next page while it commits one, so part of the crawl's time was not "
              f"waited for) | {thousands(n)} | {own_s:.2f} | {thousands(own_rate)} | {pct(own_rate, bl_rate)} "
              f"| the fetcher's own work and MariaDB's |")
    md.append(f"| storing path alone: `orders_fixture` (dbq_orders_upsert, {lines} lines per order) | {thousands(n)} "
              f"| {fx_s:.2f} | {thousands(fx_rate)} | {pct(fx_rate, bl_rate)} | records built in memory (no HTTP, no "
              f"JSON), content hash and lookup, buyer/ship-to sealed, a ~0.7 KiB raw payload compressed and sealed, "
              f"upsert, commit per {PAGE} |")
    md.append(f"| direct insert (the limit): `orders_fixture --baseline` | {thousands(n)} | {bl_s:.2f} "
              f"| {thousands(bl_rate)} | 100 % | plain multi-row INSERTs of the same rows (orders, lines, payloads), "
              f"sealed beforehand (untimed); commit per {PAGE} |")
    md.append("")
    emu_share = crawl_s / run["seconds"]
    md.append(f"The emulator alone needs {crawl_s:.2f} s to serve the pages (the plain crawl), "
              f"{100 * emu_share:.0f} % of the orders run's {run['seconds']:.2f} s; ecc-fetch requests each next "
              f"page while MariaDB commits the one before, so that time overlaps the fetcher's and MariaDB's.")
    md.append(f"CPU seconds during the ecc-fetch run: ecc-fetch {fu:.1f} user + {fs:.1f} sys, mariadbd {cpu(d0, d1)}, "
              f"Shopify emulator {cpu(m0, m1)} (during the crawl: {cpu(e0, e1)}); {os.cpu_count()} cores, load average "
              f"(1 min) {load} before the fetch.")
    md.append(db_context())
    md.append(f"Stored exactly: {thousands(count)} orders (emulator: {thousands(n)}), checksum "
              f"{'equal' if same else '**different**'} (`{checksum[:16]}…`).")
    md.append("")
    md.append(f"Targets (issue): >= {thousands(TARGET_RATE)} orders/s — ecc-fetch end to end "
              f"**{verdict(fetch_rate >= TARGET_RATE)}** ({thousands(fetch_rate)}/s), storing path alone "
              f"**{verdict(fx_rate >= TARGET_RATE)}** ({thousands(fx_rate)}/s);")
    md.append(f">= {TARGET_SHARE * 100:.0f} % of the direct-insert baseline — ecc-fetch end to end "
              f"**{verdict(share >= TARGET_SHARE)}** ({100 * share:.0f} %), storing path alone "
              f"**{verdict(fx_share >= TARGET_SHARE)}** ({100 * fx_share:.0f} %).")
    if not same:
        md.append("")
        md.append("Note: the stored orders do not match the emulator's (count or checksum): see the integration tests.")
    md.append("")


# --- 2. rate-limit adherence ---------------------------------------------------------------------

def rate_limit(work, md, kv):
    emu("reset", {})
    emu("config", {"rate_limit": True, "rate_scale": 1.0, "page_delay_ms": 0})
    n = int(emu("state")["orders"])
    pages = BUCKET + int(LEAK * RATE_SECONDS)        # at least RATE_SECONDS at 2/s after a full bucket
    add = max(0, pages * PAGE - n)
    if add:
        emu("add", {"count": add})
    total = n + add
    time.sleep(1.1)                                   # the added orders' updated_at is before the window's end
    tenant = new_tenant("brate", "Bench rate limit")
    cid = new_connection(tenant, "Shopify レート制限", {"shop_domain": "bench-rate.myshopify.com"})
    emu("stats/reset", {})
    log(f"rate limit: {total} orders ({add} added), ecc-fetch --tenant {tenant} with pacing on"
        f" (about {(total / PAGE - BUCKET) / LEAK:.0f} s or more)")
    samples = []

    def sample(p):
        while p.poll() is None:
            try:
                s = emu("stats")
                samples.append((time.time(), s["calls"]))
            except Unmeasured:
                pass
            time.sleep(0.25)

    sampler_thread = []

    def start_sampler(p):
        t = threading.Thread(target=sample, args=(p,), daemon=True)
        t.start()
        sampler_thread.append(t)

    wall, _, _, _ = run_fetch(tenant, f"{work}/fetch-ratelimit.log", start_sampler)
    for t in sampler_thread:
        t.join(timeout=5)
    stats = emu("stats")
    run = orders_run(cid)
    if run["status"] != "ok" or run["new"] != total:
        raise Unmeasured(f"the orders run is {run['status']} with new={run['new']} (want ok, new={total}): "
                         f"{run['error']}")
    codes = stats.get("status_counts", {})
    n429 = int(codes.get("429", 0))
    early = int(stats.get("early_calls", 0))
    overall = run["calls"] / run["seconds"]
    # steady state: from the first sample STEADY_SKIP s into the orders run to the last one inside it
    a = next((s for s in samples if s[0] >= run["start"] + STEADY_SKIP), None)
    b = next((s for s in reversed(samples) if s[0] <= run["end"]), None)
    if a is None or b is None or b[0] - a[0] < 10:
        raise Unmeasured(f"the orders run lasted {run['seconds']:.1f} s: too short for a steady-state rate "
                         f"after {STEADY_SKIP:.0f} s (BENCH_SYNC_RATE_SECONDS)")
    steady = (b[1] - a[1]) / (b[0] - a[0])
    most = BUCKET + LEAK * run["seconds"]
    kv.update(rate_calls=run["calls"], rate_seconds=f"{run['seconds']:.1f}", rate_overall=f"{overall:.3f}",
              rate_steady=f"{steady:.3f}", rate_429=n429, rate_early=early)
    md.append("## Rate-limit adherence (Shopify emulator, leaky bucket 40, leaking 2/s)")
    md.append("")
    md.append(f"Tenant `{tenant}`, a new Shopify connection with the default settings (pacing on); the emulator reset, "
              f"`{{\"rate_limit\": true}}`, {thousands(total)} orders ({thousands(add)} added with /__emu/add so the")
    md.append(f"run needs >= {RATE_SECONDS} s of calls), statistics reset, then `ecc-fetch --tenant {tenant}` "
              f"({wall:.1f} s in all); /__emu/stats sampled every 0.25 s.")
    md.append("")
    md.append("| measurement | calls | seconds | calls/s | share of 2/s |")
    md.append("|---|---:|---:|---:|---:|")
    md.append(f"| the orders run, start to end (sync_runs; includes the bucket's initial burst) | {run['calls']} "
              f"| {run['seconds']:.1f} | {overall:.2f} | {100 * overall / LEAK:.0f} % |")
    md.append(f"| steady state: from {STEADY_SKIP:.0f} s into the run to its end (emulator's call counter) "
              f"| {b[1] - a[1]} | {b[0] - a[0]:.1f} | {steady:.2f} | **{100 * steady / LEAK:.0f} %** |")
    md.append("")
    md.append(f"The most the bucket allows in {run['seconds']:.1f} s without a 429 is {BUCKET} + 2/s × "
              f"{run['seconds']:.1f} s = {most:.0f} calls; the run made {run['calls']} ({100 * run['calls'] / most:.0f} %).")
    md.append(f"Emulator statistics for the whole ecc-fetch run: {stats.get('calls', 0)} API calls, status counts "
              f"`{json.dumps(codes, sort_keys=True)}`, {n429} answered 429, {early} calls before an announced "
              f"Retry-After, max concurrency {stats.get('max_concurrency', '?')}.")
    md.append("")
    md.append(f"Targets (issue): steady-state calls/s >= {TARGET_CALLS * 100:.0f} % of the allowed 2/s: "
              f"**{verdict(steady >= TARGET_CALLS * LEAK)}** ({100 * steady / LEAK:.0f} %); "
              f"no 429 after the first: **{verdict(n429 <= 1 and early == 0)}** ({n429} × 429, {early} early calls).")
    md.append("")


def cleanup():
    """Drop the bulk rows (orders, lines, payloads, catalog) of every sync bench tenant (bsync-*, brate-*, this
    run's and any earlier run's), so that var/bench's database does not grow by ~100,000 orders a run and the
    next run meets the same tables; the tenants, connections and run history stay (the audit log cannot be
    deleted). Waits until InnoDB has purged them. Seconds taken, or None."""
    t0 = time.monotonic()
    ids = [r[0] for r in sql("SELECT id FROM tenants WHERE code LIKE 'bsync-%' OR code LIKE 'brate-%'")]
    if not ids:
        return 0.0
    where = f"tenant_id IN ({','.join(str(int(i)) for i in ids)})"
    try:
        sql(";".join(f"DELETE FROM {t} WHERE {where}" for t in
                     ("order_lines", "source_payloads", "shipments", "orders", "stock_levels", "products",
                      "sync_record_errors")))
    except Unmeasured as e:
        log(f"cleanup: {e}")
        return None
    # let InnoDB purge the deleted rows now, not during the next run's first measurements (at most 3 min)
    while time.monotonic() - t0 < 180:
        try:
            m = re.search(r"History list length (\d+)", "\n".join("\t".join(r) for r in sql("SHOW ENGINE INNODB STATUS")))
        except Unmeasured:
            break
        if m is None or int(m.group(1)) == 0:  # committed transactions with undo logs not yet purged
            break
        time.sleep(1)
    return time.monotonic() - t0


def main():
    global log_file
    ap = argparse.ArgumentParser(description="connector sync benchmarks (make bench)")
    ap.add_argument("--tools", help="directory of the test build's tools (orders_fixture)")
    ap.add_argument("--work")
    ap.add_argument("--md")
    ap.add_argument("--cleanup", action="store_true", help="only delete the sync tenants' bulk rows (run.sh "
                    "calls it after the orders list, so InnoDB's purge does not run beside a measurement)")
    o = ap.parse_args()
    if o.cleanup:
        log("removing the sync tenants' orders, lines, payloads and catalog rows")
        took = cleanup()
        if took is None:
            return 1
        print(f"cleanup_seconds={took:.1f}")
        return 0
    if not (o.tools and o.work and o.md):
        ap.error("--tools, --work and --md are required")
    os.makedirs(o.work, exist_ok=True)
    log_file = open(f"{o.work}/sync_bench.log", "a", encoding="utf-8")
    if not os.access(f"{o.tools}/orders_fixture", os.X_OK):
        print(f"sync_bench: {o.tools}/orders_fixture is not built", file=sys.stderr)
        return 2
    md, kv, missing = [], {}, []
    for name, fn, title in (("throughput", lambda: throughput(o.tools, o.work, md, kv),
                             "Connector initial sync (Shopify emulator, rate limits off)"),
                            ("rate limit", lambda: rate_limit(o.work, md, kv),
                             "Rate-limit adherence (Shopify emulator, leaky bucket 40, leaking 2/s)")):
        mark = len(md)
        try:
            fn()
        except (Unmeasured, OSError, subprocess.TimeoutExpired, ValueError, KeyError) as e:
            del md[mark:]
            why = str(e) or type(e).__name__
            log(f"{name}: not measured: {why}")
            md += [f"## {title}", "", f"**Not measured**: {why}.", ""]
            missing.append(f"{name}: {why}")
    try:
        emu("reset", {})
        emu("config", {"rate_limit": True})
    except Unmeasured:
        pass
    with open(o.md, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    for k, v in kv.items():
        print(f"{k}={v}")
    for m in missing:
        print(f"not_measured={m}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
