"""t0850-two-fetchers.py: two ecc-fetch processes on the same queue at the same time — every due job runs exactly
once (counted in sync_runs), both fetchers take work, and no job is left leased."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Suite  # noqa: E402
from synctest import create_connection, emu, new_tenant, q1, spawn_fetch, sql  # noqa: E402

t = Suite("two-fetchers")
N = int(time.time() * 1000) % 10**8
TENANT = f"tf{N}"
CONNECTIONS = 12
new_tenant(TENANT)
emu("shopify", "fault", {"kind": "none"})
emu("shopify", "config", {"rate_limit": False, "page_delay_ms": 40, "clock_offset": 0})
ids = [create_connection(TENANT, "shopify", f"店舗 {i:02d}") for i in range(CONNECTIONS)]
# these shops were synced a minute ago: each orders job reads one small window; products and stock are read whole
sql("UPDATE sync_jobs j JOIN tenants t ON t.id = j.tenant_id SET j.cursor_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE"
    f" WHERE t.code = '{TENANT}'")
jobs = int(q1(f"SELECT COUNT(*) FROM sync_jobs j JOIN tenants t ON t.id = j.tenant_id WHERE t.code = '{TENANT}'"))
t.check(jobs == 3 * CONNECTIONS, f"{jobs} jobs are due")

a, b = spawn_fetch(TENANT), spawn_fetch(TENANT)
outs = [p.communicate(timeout=600) for p in (a, b)]
emu("shopify", "config", {"page_delay_ms": 0})
took = []
for (out, err), p in zip(outs, (a, b)):
    t.check(p.returncode == 0, f"fetcher exit {p.returncode}: {err[-300:]}")
    m = re.search(r": (\d+) job\(s\), (\d+) failed", out)
    took.append(int(m.group(1)) if m else -1)
print(f"REPORT two fetchers: {took[0]} and {took[1]} of {jobs} jobs")
t.check(took[0] >= 1 and took[1] >= 1, f"both fetchers took jobs ({took})")
t.check(sum(took) == jobs, f"together they ran every job once ({sum(took)} of {jobs})")

rows = sql("SELECT j.id, COUNT(r.id), SUM(r.status = 'ok') FROM sync_jobs j JOIN tenants t ON t.id = j.tenant_id"
           f" LEFT JOIN sync_runs r ON r.job_id = j.id WHERE t.code = '{TENANT}' GROUP BY j.id")
twice = [r for r in rows if r[1] != "1"]
t.check(len(rows) == jobs and not twice, f"every job has exactly one run (jobs with another count: {twice})")
t.check(all(r[2] == "1" for r in rows), "every run succeeded")
owners = sql("SELECT DISTINCT r.fetcher FROM sync_runs r JOIN tenants t ON t.id = r.tenant_id"
             f" WHERE t.code = '{TENANT}'")
t.check(len(owners) == 2, f"runs are recorded under both fetchers ({len(owners)})")
leased = q1("SELECT COUNT(*) FROM sync_jobs j JOIN tenants t ON t.id = j.tenant_id"
            f" WHERE t.code = '{TENANT}' AND j.lease_owner IS NOT NULL")
t.check(leased == "0", f"no job is left leased ({leased})")
dups = q1(f"SELECT COUNT(*) - COUNT(DISTINCT connection_id, external_id) FROM orders WHERE connection_id IN"
          f" ({','.join(str(i) for i in ids)})")
t.check(dups == "0", "no order stored twice")
t.done()
