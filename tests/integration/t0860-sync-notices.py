"""t0860-sync-notices.py: what the tenant's administrators are told — a credential expiring in 5 days is mailed once
(the 7-day warning; a second run sends nothing more) and shown on the dashboard; a connection whose runs fail three
times in a row is mailed once (not on the fourth failure) and shown on the dashboard with its error; when it
succeeds again a recovery mail follows."""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite  # noqa: E402
from accounts import admin, mails_to, wait_mail  # noqa: E402
from synctest import create_connection, emu, fetch, last_run, make_due, new_tenant  # noqa: E402

t = Suite("sync-notices")
N = int(time.time() * 1000) % 10**8
TENANT = f"sn{N}"
ADDR = f"boss@{TENANT}.example"
new_tenant(TENANT)
p = admin("demo", "admin", "--tenant", TENANT, "--email", ADDR, "--name", "通知 受取")
t.check(p.returncode == 0, f"an active administrator ({p.stderr.strip()})")


def subjects():
    return [m.get("subject", "") for m in mails_to(ADDR)]


def dashboard():
    c = Client()
    sid = admin("test", "session", "--tenant", TENANT, "--email", ADDR).stdout.strip()
    c.cookies["__Host-ecc_sid"] = sid
    return c.get("/dashboard")


# --- a 楽天 license key that expires in 5 days ----------------------------------------------------------------
emu("rakuten", "fault", {"kind": "none"})
emu("rakuten", "config", {"rate_limit": False, "clock_offset": 0})
soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
rid = create_connection(TENANT, "rakuten", "楽天 期限テスト",
                        extra={"license_expires_on": soon, "rescan_days": "0", "pacing": "off"})
before = len(mails_to(ADDR))
fetch(TENANT, extra=["--max-jobs", "1"])
entry, body = wait_mail(ADDR, after=before, timeout=20)
t.check(entry is not None and "有効期限" in entry.get("subject", ""), f"expiry warning mailed ({subjects()})")
t.check(body is not None and "楽天 期限テスト" in body and "あと5日" in (entry or {}).get("subject", ""),
        "the mail names the connection and the days left")
time.sleep(3)
count = len(mails_to(ADDR))
fetch(TENANT, extra=["--max-jobs", "1"])
time.sleep(4)
t.check(len(mails_to(ADDR)) == count, "a second run sends no second warning")
page = dashboard().text
t.check("認証情報の有効期限が近い接続" in page and "楽天 期限テスト" in page, "the dashboard lists the expiring credential")

# --- three failed runs in a row, then a success ------------------------------------------------------------------
emu("shopify", "fault", {"kind": "none"})
emu("shopify", "config", {"rate_limit": False, "clock_offset": 0})
sid = create_connection(TENANT, "shopify", "Shopify 失敗テスト")
fetch(TENANT)  # the first sync, good
t.check(last_run(sid)["status"] == "ok", "the first sync succeeded")
time.sleep(3)
base = len(mails_to(ADDR))
for i in range(4):
    emu("shopify", "fault", {"kind": "malformed", "count": 1, "path": "orders.json"})
    make_due(sid)
    fetch(TENANT)
    r = last_run(sid)
    t.check(r["status"] == "failed", f"failed run {i + 1} ({r})")
    if i == 2:
        entry, body = wait_mail(ADDR, after=base, timeout=20)
        t.check(entry is not None and "失敗" in entry.get("subject", ""), f"mailed after 3 failures ({subjects()})")
        t.check(body is not None and "3 回" in body and "Shopify 失敗テスト" in body,
                "the mail says how many and which connection")
        t.check(body is not None and "JSON" in body, "the mail carries the recorded error")
time.sleep(4)
t.check(len(mails_to(ADDR)) == base + 1, f"exactly one failure mail for the streak ({len(mails_to(ADDR)) - base})")
page = dashboard().text
t.check("対応が必要な接続" in page and "Shopify 失敗テスト" in page and "JSON" in page,
        "the dashboard lists the failing connection with its error")
make_due(sid)
fetch(TENANT)
t.check(last_run(sid)["status"] == "ok", "the run after the fault succeeded")
entry, body = wait_mail(ADDR, after=base + 1, timeout=20)
t.check(entry is not None and "復旧" in entry.get("subject", ""), f"a recovery mail follows ({subjects()})")
page = dashboard().text
t.check(not re.search(r"対応が必要な接続[\s\S]*Shopify 失敗テスト", page), "the dashboard no longer lists it")
t.done()
