"""t0840-ssrf.py: the service cannot be made to reach inside networks (white paper CLD.12.4.5). Connections whose
endpoint is 127.0.0.1 (a port not on the allowlist), 10.0.0.1, 169.254.169.254 (cloud metadata) or [::1], and an
allowlisted emulator that redirects to the metadata address, are all refused before any request leaves: the run
fails with a message naming the host and the reason, and each attempt is logged as an ssrf_blocked security event."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Suite  # noqa: E402
from synctest import create_connection, emu, fetch, last_run, new_tenant  # noqa: E402

t = Suite("ssrf")
N = int(time.time() * 1000) % 10**8
TENANT = f"ss{N}"
new_tenant(TENANT)

TARGETS = {
    "loopback (not allowlisted)": ("https://127.0.0.1:9", "127.0.0.1"),
    "private 10/8": ("https://10.0.0.1", "10.0.0.1"),
    "cloud metadata": ("http://169.254.169.254", "169.254.169.254"),
    "IPv6 loopback": ("https://[::1]:8443", "::1"),
}
conns = {}
for label, (url, _) in TARGETS.items():
    conns[label] = create_connection(TENANT, "shopify", "SSRF " + label, url=url)

# an allowlisted host (the Shopify emulator) that answers with a redirect to the metadata service
emu("shopify", "reset", {})
emu("shopify", "fault", {"kind": "redirect", "location": "http://169.254.169.254/latest/meta-data/iam/", "count": 50})
conns["redirect to metadata"] = create_connection(TENANT, "shopify", "SSRF redirect")

p = fetch(TENANT)
emu("shopify", "fault", {"kind": "none"})
t.check(p.returncode == 0, f"ecc-fetch ran ({p.returncode}): {p.stderr[-300:]}")
events = []
for line in p.stderr.splitlines():
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event") == "ssrf_blocked":
        events.append(e)

for label, cid in conns.items():
    r = last_run(cid)
    t.check(r is not None and r["status"] == "failed", f"{label}: the run failed ({r})")
    msg = r["error"] if r else ""
    t.check("非公開" in msg or "接続できません" in msg, f"{label}: the message says why: {msg}")
    t.check(r is not None and r["new"] == 0, f"{label}: nothing was stored")

for label, (_, addr) in TARGETS.items():
    hit = [e for e in events if e.get("addr", "").strip("[]") == addr or e.get("host", "").strip("[]") == addr]
    t.check(hit, f"{label}: an ssrf_blocked event for {addr} was logged")
redirect = [e for e in events if "169.254.169.254" in (e.get("addr", "") + e.get("host", ""))]
t.check(len(redirect) >= 2, f"the redirect to the metadata address was refused and logged too ({len(redirect)} events)")
t.check(all("reason" in e and e["reason"] for e in events), "every event has a reason")
t.check(all("/latest/meta-data" not in json.dumps(e) for e in events), "events never carry the path")
st = emu("shopify", "stats")
t.check(st["status_counts"].get("302", 0) >= 1, "the emulator did answer with the redirect")
t.done()
