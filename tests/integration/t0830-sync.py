"""t0830-sync.py: ecc-fetch against each platform's emulator — an initial sync of 10,000 orders stores exactly the
emulator's data (count and checksum); after the emulator changes orders the next run picks up exactly those; SIGKILL of
the fetcher mid-sync then a new run loses and duplicates nothing; a 429 storm completes without a call before
Retry-After; a malformed payload fails the run clearly and leaves the stored data as it was; 401/403 flags the
connection with a clear message and it is not retried in a loop."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Suite  # noqa: E402
from synctest import (create_connection, db_checksum, emu, fetch, last_run, make_due, new_tenant,  # noqa: E402
                      q1, spawn_fetch, sql)

t = Suite("sync")
N = int(time.time() * 1000) % 10**8
STEP = 240  # seconds both clocks move after each change (Amazon hides orders younger than 2 minutes)
ORDERS_PATH = {"shopify": "orders.json", "rakuten": "/order/", "amazon": "/orders/v0/orders"}  # faults hit the orders calls


class Clock:
    """The fetcher's test clock and the emulator's clock, moved together."""

    def __init__(self, platform):
        self.platform, self.offset = platform, 0
        emu(platform, "config", {"clock_offset": 0})

    def step(self):
        self.offset += STEP
        emu(self.platform, "config", {"clock_offset": self.offset})


def mutate(platform, cid, k):
    """Change k orders on the platform. 楽天 cannot be searched by update time: the client re-reads the orders
    placed in the last rescan_days (7 here), so its changes go to recent orders, as real 楽天 changes do."""
    if platform != "rakuten":
        return emu(platform, "mutate", {"count": k})["mutated"]
    ids = [r[0] for r in sql(f"SELECT external_id FROM orders WHERE connection_id = {cid} AND ordered_at >"
                             f" UTC_TIMESTAMP() - INTERVAL 5 DAY ORDER BY RAND() LIMIT {k}")]
    return emu(platform, "mutate", {"ids": ids})["mutated"]


def same_as_emulator(platform, cid, what):
    state = emu(platform, "state")
    count, cks = db_checksum(cid)
    t.check(count == state["orders"], f"{platform} {what}: {count} orders stored, emulator has {state['orders']}")
    t.check(cks == state["checksum"], f"{platform} {what}: checksum {cks[:12]}… = emulator {state['checksum'][:12]}…")
    return count


def run(platform, tenant, clock, what):
    p = fetch(tenant, clock.offset)
    t.check(p.returncode == 0, f"{platform} {what}: ecc-fetch exit {p.returncode}: {p.stderr[-300:]}")
    return p


def platform_suite(platform):
    tenant = f"sy{platform[:2]}{N}"
    new_tenant(tenant)
    emu(platform, "reset", {})
    emu(platform, "fault", {"kind": "none"})
    emu(platform, "config", {"rate_limit": False, "page_delay_ms": 0})
    clock = Clock(platform)
    cid = create_connection(tenant, platform, f"{platform} 同期テスト",
                            extra={"rescan_days": "7"} if platform == "rakuten" else None)

    # 1. initial sync of every order
    t0 = time.monotonic()
    run(platform, tenant, clock, "initial sync")
    secs = time.monotonic() - t0
    n = same_as_emulator(platform, cid, "initial sync")
    r = last_run(cid)
    t.check(r and r["status"] == "ok" and r["new"] == n and r["failed"] == 0, f"{platform} initial run counts {r}")
    print(f"REPORT sync {platform}: initial sync of {n} orders in {secs:.1f} s ({n / max(secs, 0.001):.0f} orders/s"
          " incl. the emulator)")
    dups = q1(f"SELECT COUNT(*) - COUNT(DISTINCT external_id) FROM orders WHERE connection_id = {cid}")
    t.check(dups == "0", f"{platform}: no duplicate orders ({dups})")

    # 2. the emulator changes 25 orders: the next run updates exactly those
    changed = mutate(platform, cid, 25)
    clock.step()
    run(platform, tenant, clock, "incremental")
    r = last_run(cid)
    t.check(r and r["status"] == "ok" and r["updated"] == len(changed) and r["new"] == 0,
            f"{platform} incremental: updated {r and r['updated']} (want {len(changed)}), new {r and r['new']}")
    same_as_emulator(platform, cid, "after changes")
    make_due(cid)
    again = fetch(tenant, clock.offset + 1)
    r = last_run(cid)
    t.check(again.returncode == 0 and r["updated"] == 0 and r["new"] == 0,
            f"{platform}: a run over the same window changes nothing ({r})")

    # 3. SIGKILL mid-sync, then a new run: nothing lost, nothing twice
    emu(platform, "add", {"count": 1500})
    mutate(platform, cid, 40)
    clock.step()
    emu(platform, "config", {"page_delay_ms": 150})
    before = int(q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {cid}"))
    p = spawn_fetch(tenant, clock.offset)
    deadline = time.monotonic() + 120
    stored = before
    while time.monotonic() < deadline and p.poll() is None:
        stored = int(q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {cid}"))
        if stored > before:
            break
        time.sleep(0.1)
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    t.check(killed and before < stored < before + 1500, f"{platform}: killed mid-sync ({before} → {stored})")
    emu(platform, "config", {"page_delay_ms": 0})
    run(platform, tenant, clock, "after the kill")
    same_as_emulator(platform, cid, "after SIGKILL and a new run")
    t.check(q1(f"SELECT COUNT(*) FROM sync_runs WHERE connection_id = {cid} AND status = 'abandoned'") == "1",
            f"{platform}: the killed run is recorded as abandoned")
    t.check(q1(f"SELECT COUNT(*) FROM sync_runs WHERE connection_id = {cid} AND status = 'running'") == "0",
            f"{platform}: no run is left 'running'")

    # 4. a 429 storm: the run completes and never calls before Retry-After
    mutate(platform, cid, 10)
    clock.step()
    emu(platform, "stats/reset", {})
    emu(platform, "fault", {"kind": "429_storm", "count": 4, "path": ORDERS_PATH[platform]})
    t0 = time.monotonic()
    run(platform, tenant, clock, "429 storm")
    st = emu(platform, "stats")
    t.check(st["status_counts"].get("429", 0) >= 4, f"{platform}: the storm was served ({st['status_counts']})")
    t.check(st["early_calls"] == 0, f"{platform}: no call before Retry-After (early calls {st['early_calls']})")
    t.check(time.monotonic() - t0 >= 4 * 0.9, f"{platform}: the fetcher waited out the storm")
    t.check(last_run(cid)["status"] == "ok", f"{platform}: the run after the storm succeeded {last_run(cid)}")
    same_as_emulator(platform, cid, "after the 429 storm")

    # 5. a malformed payload: the run fails clearly, nothing stored changes; the next run completes
    before = db_checksum(cid)
    mutate(platform, cid, 10)
    clock.step()
    emu(platform, "fault", {"kind": "malformed", "count": 1, "path": ORDERS_PATH[platform]})
    run(platform, tenant, clock, "malformed")
    r = last_run(cid)
    t.check(r["status"] == "failed" and r["error"] != "", f"{platform}: malformed payload fails the run ({r})")
    t.check("JSON" in r["error"] or "形式" in r["error"] or "読み取れ" in r["error"],
            f"{platform}: the error says what was wrong: {r['error']}")
    t.check(db_checksum(cid) == before, f"{platform}: nothing stored changed after the malformed page")
    make_due(cid)
    run(platform, tenant, clock, "after malformed")
    same_as_emulator(platform, cid, "after the malformed page was fetched again")

    # 6. credentials refused: flagged with a clear message, not retried in a loop
    mutate(platform, cid, 3)
    clock.step()
    emu(platform, "fault", {"kind": "expired"})
    run(platform, tenant, clock, "credentials refused")
    flagged = sql(f"SELECT auth_failed, IFNULL(last_error, '') FROM connections WHERE id = {cid}")[0]
    t.check(flagged[0] == "1", f"{platform}: the connection is flagged auth_failed ({flagged})")
    t.check(len(flagged[1]) > 10, f"{platform}: with a message: {flagged[1]}")
    emu(platform, "stats/reset", {})
    make_due(cid)
    clock.step()
    run(platform, tenant, clock, "while flagged")
    t.check(emu(platform, "stats")["calls"] == 0, f"{platform}: a flagged connection is not called again")
    emu(platform, "fault", {"kind": "none"})
    emu(platform, "config", {"clock_offset": 0})


for plat in sys.argv[1:] or ("shopify", "rakuten", "amazon"):  # a platform name runs only that part
    try:
        platform_suite(plat)
    except Exception as e:  # a broken step must fail the suite, not stop the other platforms
        t.check(False, f"{plat}: {type(e).__name__}: {e}")
t.done()
