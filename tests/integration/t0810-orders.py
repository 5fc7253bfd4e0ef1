"""t0810-orders.py: orders, products and stock — the fetcher's upsert path (through tests/tools/orders_fixture:
idempotent, one update when one order changes, bad records refused and reported, nothing duplicated, shipments
stored with their order and replaced when it changes, no personal data in clear in a dump), the list (connection / status / JST date / number filters, keyset paging both ways, sorts,
the 10,000+ count), the detail (masked for viewers, received data for editors and admins only, shipments with carrier
and tracking number), products and stock,
another tenant's and a restricted user's 404s, and bad query parameters answered 400 with a message."""
import datetime
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import VAR, Suite  # noqa: E402
from accounts import q1, role_tenants, sql, test_session  # noqa: E402

t = Suite("orders")
N = int(time.time() * 1000) % 10**8
CODE, CODE_B = "or%d" % N, "os%d" % N
FIXTURE = os.path.join(os.environ["ECC_BUILD"], "tests/tools/orders_fixture")
ENV = dict(os.environ, ECC_CONFIG=f"{VAR}/etc/ecc.conf")
JST = datetime.timezone(datetime.timedelta(hours=9))
today = datetime.datetime.now(JST).replace(hour=0, minute=0, second=0, microsecond=0)
BASE = int(today.timestamp())  # every ordered_at is before 00:00 JST today, spread over 10 days




def fixture(code, conn, count, *extra):
    """Run the fixture tool; returns (connection id, counts dict, stdout)."""
    p = subprocess.run([FIXTURE, code, conn, str(count), "--base", str(BASE), "--days", "10"] + list(extra),
                       capture_output=True, text=True, env=ENV, timeout=600)
    cid = re.search(r"^connection: (\d+)$", p.stdout, re.M)
    m = re.search(r"^orders: n=(\d+) new=(\d+) updated=(\d+) unchanged=(\d+) failed=(\d+)", p.stdout, re.M)
    counts = dict(zip(("n", "new", "updated", "unchanged", "failed"), map(int, m.groups()))) if m else None
    t.check(p.returncode == 0 and cid is not None, f"fixture {conn} {extra}: {p.stderr.strip()[:300]}")
    return (int(cid.group(1)) if cid else 0), counts, p.stdout


def tidy_ok(page, what):
    """The page is valid HTML5 without warnings (when tidy is installed)."""
    if shutil.which("tidy") is None:
        return
    p = subprocess.run(["tidy", "-q", "-e", "--doctype", "html5"], input=page.encode(), capture_output=True)
    t.check(p.returncode < 2 and b"Warning" not in p.stderr, f"{what}: valid HTML ({p.stderr.decode()[:300]})")


# --- tenants, users (admin, editor, viewer, restricted viewer in A; admin in B), sessions --------------------------
users = role_tenants(t, (CODE, CODE_B), "注文テスト商店 ",
                     (("admin", CODE, "admin"), ("editor", CODE, "editor"), ("viewer", CODE, "viewer"),
                      ("limited", CODE, "viewer"), ("other", CODE_B, "admin")))
TID = int(q1(f"SELECT id FROM tenants WHERE code = '{CODE}'") or 0)
TID_B = int(q1(f"SELECT id FROM tenants WHERE code = '{CODE_B}'") or 0)


def session(who):
    return test_session(users[who])


# --- the upsert path through the fixture tool ---------------------------------------------------------------------
A1, c, out = fixture(CODE, "new:本店 Shopify", 120)
t.check(c == {"n": 120, "new": 120, "updated": 0, "unchanged": 0, "failed": 0}, f"first run: 120 new ({c})")
_, c, _ = fixture(CODE, str(A1), 120)
t.check(c == {"n": 120, "new": 0, "updated": 0, "unchanged": 120, "failed": 0}, f"the same page again: unchanged ({c})")
_, c, _ = fixture(CODE, str(A1), 120, "--mutate", "1")
t.check(c == {"n": 120, "new": 0, "updated": 1, "unchanged": 119, "failed": 0}, f"one order changed: 1 updated ({c})")
_, c, out = fixture(CODE, str(A1), 120, "--mutate", "1", "--bad", "1")
t.check(c == {"n": 120, "new": 0, "updated": 0, "unchanged": 119, "failed": 1}, f"a bad record: failed ({c})")
t.check(re.search(r"^error: fx1-120: .*金額", out, re.M) is not None, "the bad record is reported with its id and why")
t.check(q1(f"SELECT total FROM orders WHERE tenant_id = {TID} AND external_id = 'fx1-120'") is not None and
        q1(f"SELECT total FROM orders WHERE tenant_id = {TID} AND external_id = 'fx1-120'") != "12,3",
        "the bad record did not overwrite the stored order")
t.check(q1(f"SELECT platform_status FROM orders WHERE tenant_id = {TID} AND external_id = 'fx1-1'") == "edited",
        "the changed order is stored")
t.check(q1(f"SELECT first_seen_at <= changed_at FROM orders WHERE tenant_id = {TID} AND external_id = 'fx1-1'") == "1",
        "first_seen_at kept, changed_at moved")
t.check(q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {A1}") == "120", "exactly 120 orders (no duplicates)")
t.check(q1(f"SELECT COUNT(*) FROM (SELECT external_id FROM orders WHERE connection_id = {A1} GROUP BY external_id"
           " HAVING COUNT(*) > 1) d") == "0", "no external id twice")
t.check(q1(f"SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.connection_id = {A1}")
        == "240", "240 lines (2 per order, replaced not appended)")
t.check(q1(f"SELECT COUNT(*) FROM source_payloads p JOIN orders o ON o.id = p.record_id AND p.kind = 'order'"
           f" WHERE o.connection_id = {A1}") == "120", "one payload per order")
t.check(q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {A1} AND (buyer_enc IS NULL OR ship_to_enc IS NULL)")
        == "0", "personal data sealed for every order")


# shipments: every other order has one (the fixture names it twice in every tenth order: the last counts)
def shipments_of(ext):
    return sql(f"SELECT s.id, s.carrier, s.tracking_number, s.status FROM shipments s JOIN orders o ON o.id = s.order_id"
               f" WHERE o.tenant_id = {TID} AND o.connection_id = {A1} AND o.external_id = '{ext}'")


def nship():
    return q1(f"SELECT COUNT(*) FROM shipments WHERE tenant_id = {TID} AND connection_id = {A1}")


t.check(nship() == "60", f"60 shipments for 120 orders ({nship()})")
t.check(q1(f"SELECT COUNT(*) FROM shipments s JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id"
           f" AND o.connection_id = s.connection_id WHERE s.connection_id = {A1}"
           f" AND s.shipped_at = o.ordered_at + INTERVAL 1 DAY AND s.external_id = CONCAT('fxs1-', SUBSTRING(o.external_id, 5))")
        == "60", "each shipment belongs to its order (tenant, connection, shipped a day after the order)")
t.check(q1(f"SELECT COUNT(*) FROM shipments WHERE connection_id = {A1} AND tracking_number = 'superseded'") == "0",
        "a shipment id repeated within an order: the last record is stored")
before = shipments_of("fx1-2")
_, c, _ = fixture(CODE, str(A1), 120, "--mutate", "10")
t.check(c == {"n": 120, "new": 0, "updated": 9, "unchanged": 111, "failed": 0}, f"orders 2–10 changed: 9 updated ({c})")
after = shipments_of("fx1-2")
t.check(len(before) == 1 and len(after) == 1 and after[0][0] != before[0][0] and after[0][2] == "TN1-00000002",
        f"a changed order's shipments are replaced, not appended ({before} → {after})")
t.check(nship() == "60", f"still 60 shipments ({nship()})")
t.check([r[2] for r in shipments_of("fx1-10")] == ["TN1-00000010"], "still the last of a repeated shipment id")
D1, c, _ = fixture(CODE_B, "new:重複ページ", 60, "--seed", "4", "--page", "30", "--dup", "5")
t.check(c == {"n": 60, "new": 60, "updated": 0, "unchanged": 0, "failed": 0}, f"overlapping pages: each order once ({c})")
t.check(q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {D1}") == "60" and
        q1(f"SELECT COUNT(*) FROM orders WHERE connection_id = {D1} AND platform_status = 'dup-later'") == "10",
        "overlapping pages: the later copy wins, no duplicate")
_, c, _ = fixture(CODE_B, str(D1), 60, "--seed", "4", "--page", "30", "--dup", "5")
t.check(c == {"n": 60, "new": 0, "updated": 0, "unchanged": 60, "failed": 0}, f"overlapping pages again: unchanged ({c})")
A2, c, _ = fixture(CODE, "new:楽天市場店:rakuten", 30, "--seed", "2", "--products", "20")
t.check(c and c["new"] == 30, f"second connection: 30 new ({c})")
_, _, out = fixture(CODE, str(A2), 30, "--seed", "2", "--products", "20")
t.check("products: n=20 new=0 updated=0 unchanged=20 failed=0" in out and
        "stock: n=40 new=0 updated=0 unchanged=40 failed=0" in out, f"products and stock idempotent ({out.strip()})")
_, _, out = fixture(CODE, str(A2), 30, "--seed", "2", "--products", "20", "--mutate", "3")
t.check("products: n=20 new=0 updated=3 unchanged=17 failed=0" in out, "3 products changed: 3 updated")
B1, c, _ = fixture(CODE_B, "new:B店", 10050, "--seed", "3", "--lines", "1", "--page", "1000", "--quiet")
t.check(c and c["new"] == 10050, f"tenant B: 10,050 orders ({c})")
t.check(q1(f"SELECT COUNT(*) FROM orders WHERE tenant_id = {TID}") == "150", "tenant A has 150 orders")

# the restricted viewer may use A2 only
sql(f"UPDATE users SET restrict_connections = 1 WHERE id = {users['limited']['id']}")
sql(f"INSERT INTO user_connection_access (tenant_id, user_id, connection_id) VALUES ({TID}, {users['limited']['id']}, {A2})")
adm, ed, viewer, limited, other = (session(w) for w in ("admin", "editor", "viewer", "limited", "other"))


# --- the list ------------------------------------------------------------------------------------------------------
def rows(r):
    """(id, number) of every row of an orders list page."""
    return re.findall(r'<tr><td><a href="/orders/(\d+)">([^<]+)</a></td>', r.text)


def hidden(r, form_field):
    """The value of a paging form's cursor (after/before) and its page number."""
    m = re.search(r'name="%s" value="([^"]*)"><input type="hidden" name="page" value="(\d+)"' % form_field, r.text)
    return m.groups() if m else (None, None)


def get(c, path, **params):
    return c.get(path + ("?" + urllib.parse.urlencode(params) if params else ""))


r = adm.get("/orders")
t.check(r.status == 200 and "件数: 150" in r.text, f"list: 150 orders ({r.status})")
tidy_ok(r.text, "orders list")
seen, page, cur = [], 1, None
while True:
    rr = rows(r)
    t.check(len(rr) == 50, f"page {page}: 50 rows ({len(rr)})")
    seen += [n for _, n in rr]
    after, nxt = hidden(r, "after")
    if after is None:
        break
    page += 1
    r = get(adm, "/orders", after=after, page=nxt)
    t.check(r.status == 200, f"page {page} ({r.status})")
t.check(page == 3 and len(set(seen)) == 150, f"three pages, 150 distinct orders ({page}, {len(set(seen))})")
want = [x[0] for x in sql(f"SELECT order_number FROM orders WHERE tenant_id = {TID} ORDER BY ordered_at DESC, id DESC")]
t.check(seen == want, "newest first, ties by id, across pages")
before, prv = hidden(r, "before")
r2 = get(adm, "/orders", before=before, page=prv)
t.check([n for _, n in rows(r2)] == want[50:100], "back from page 3 to page 2 (keyset, backwards)")
r2 = get(adm, "/orders", sort="oldest")
t.check([n for _, n in rows(r2)] == want[::-1][:50], "oldest first")
wt = [x[0] for x in sql(f"SELECT order_number FROM orders WHERE tenant_id = {TID} ORDER BY total DESC, id DESC")]
r2 = get(adm, "/orders", sort="total_desc")
after, nxt = hidden(r2, "after")
r3 = get(adm, "/orders", sort="total_desc", after=after, page=nxt)
t.check([n for _, n in rows(r2)] + [n for _, n in rows(r3)] == wt[:100], "highest total first, two pages")
wa = [x[0] for x in sql(f"SELECT order_number FROM orders WHERE tenant_id = {TID} ORDER BY total, id")]
t.check([n for _, n in rows(get(adm, "/orders", sort="total_asc"))] == wa[:50], "lowest total first")
r2 = get(adm, "/orders", conn=str(A2))
t.check(r2.status == 200 and "件数: 30" in r2.text and len(rows(r2)) == 30 and "本店 Shopify" not in
        r2.text.split("<tbody>")[1], "filter by connection")
nref = q1(f"SELECT COUNT(*) FROM orders WHERE tenant_id = {TID} AND status = 'refunded'")
r2 = get(adm, "/orders", status="refunded")
t.check(r2.status == 200 and f"件数: {nref}" in r2.text and len(rows(r2)) == int(nref) and
        r2.text.count('<span class="status-badge">返金済み</span>') == int(nref), f"filter by status ({nref})")
day = (today - datetime.timedelta(days=3)).strftime("%Y-%m-%d")
nday = q1(f"SELECT COUNT(*) FROM orders WHERE tenant_id = {TID} AND ordered_at >= FROM_UNIXTIME({BASE - 3 * 86400})"
          f" AND ordered_at < FROM_UNIXTIME({BASE - 2 * 86400})")
r2 = get(adm, "/orders", **{"from": day, "to": day})
t.check(r2.status == 200 and f"件数: {nday}" in r2.text, f"one JST day, inclusive ({nday})")
t.check(all(day in cell for cell in re.findall(r"</a></td><td>([^<]+)</td>", r2.text)), "every row is on that JST day")
r2 = get(adm, "/orders", number="S1-0000007")
t.check(len(rows(r2)) == 1 and rows(r2)[0][1] == "S1-0000007", "order number, exact")
r2 = get(adm, "/orders", number="S1-000001", match="prefix")
t.check(sorted(n for _, n in rows(r2)) == ["S1-00000%02d" % i for i in range(10, 20)], "order number, prefix")
r2 = get(adm, "/orders", number="S1-0000%", match="prefix")
t.check(r2.status == 200 and len(rows(r2)) == 0, "a % in the prefix is a character, not a wildcard")
r2 = get(other, "/orders")
t.check(r2.status == 200 and "10,000件以上" in r2.text and len(rows(r2)) == 50, "over 10,000: 10,000件以上")
t.check(not any(n.startswith("S1-") for _, n in rows(r2)), "tenant B sees none of A's orders")

# --- bad query parameters: 400 with a message, never 500 --------------------------------------------------------
for params, what in (({"status": "bogus"}, "status"), ({"from": "2026-13-01"}, "date"), ({"to": "2026-02-30"}, "date"),
                     ({"from": "2026-11-02", "to": "2026-11-01"}, "range"), ({"sort": "price"}, "sort"),
                     ({"match": "regex"}, "match"), ({"page": "abc"}, "page"), ({"after": "garbage"}, "cursor"),
                     ({"after": "1_1", "before": "1_1"}, "two cursors"), ({"after": "x_12"}, "cursor key"),
                     ({"sort": "total_desc", "after": "1e5_12"}, "total cursor"), ({"conn": "abc"}, "conn"),
                     ({"number": "A\x01B"}, "control character"), ({"number": "x" * 101}, "101 characters")):
    r2 = get(adm, "/orders", **params)
    t.check(r2.status == 400 and 'class="form-error"' in r2.text, f"bad {what}: 400 with a message ({r2.status})")
tidy_ok(r2.text, "orders list with an error")
r2 = adm.get("/orders?status=paid&status=paid")
t.check(r2.status == 400, f"a repeated parameter: 400 ({r2.status})")
r2 = adm.get("/orders?number=" + "x" * 500)
t.check(r2.status == 400, f"an oversized parameter: 400 ({r2.status})")
for path in ("/orders/0", "/orders/abc", "/orders/99999999999999999999", "/orders/123"):
    t.check(adm.get(path).status == 404, f"{path}: 404")

# --- the detail: masking, received data, tenants, restriction -----------------------------------------------------
oid, onum = q1(f"SELECT id FROM orders WHERE connection_id = {A1} AND external_id = 'fx1-8'"), "S1-0000008"
email, phone = "buyer8@example.jp", "090-0000-0008"
r = adm.get(f"/orders/{oid}")
t.check(r.status == 200 and onum in r.text and email in r.text and phone in r.text, f"detail for an admin ({r.status})")
tidy_ok(r.text, "order detail (admin)")
m = re.search(r"<h2 id=\"buyer-heading\">.*?<dd>([^（<]+)", r.text, re.S)
name = m.group(1) if m else "?"
t.check("受信データ" in r.text and "shopify_payments" in r.text, "the admin sees the received data")
t.check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and "<script>alert(1)" not in r.text,
        "received data escaped")
t.check(re.search(r"<td>SKU-\d{4}</td><td>4901234\d{6}</td>", r.text) is not None and "¥" in r.text and "10%" in r.text,
        "lines with SKU, JAN, amounts in yen and tax rate")
ships = r.text.split('id="shipments-heading"')[-1].split("</section>")[0]
t.check("佐川急便" in ships and "<code>TN1-00000008</code>" in ships and "delivered" in ships and
        "出荷の記録はありません" not in ships, f"the shipment: carrier, tracking number, status ({ships[:300]})")
r7 = adm.get("/orders/%s" % q1(f"SELECT id FROM orders WHERE connection_id = {A1} AND external_id = 'fx1-7'"))
t.check(r7.status == 200 and "出荷の記録はありません" in r7.text, "an order without shipments says so")
r = ed.get(f"/orders/{oid}")
t.check(r.status == 200 and email in r.text and "shopify_payments" in r.text, "an editor sees everything")
r = viewer.get(f"/orders/{oid}")
t.check(r.status == 200 and onum in r.text, f"a viewer reads the order ({r.status})")
tidy_ok(r.text, "order detail (viewer)")
t.check(email not in r.text and phone not in r.text and name not in r.text, "a viewer does not see the personal data")
t.check("b***@example.jp" in r.text and "＊＊＊＊0008" in r.text and name[0] + "＊＊" in r.text,
        "masked: e-mail, phone's last 4 digits, name's first character")
t.check("本町" not in r.text and "〒" not in r.text, "masked: only prefecture and city of the address")
t.check("shopify_payments" not in r.text and "受信データ" not in r.text, "a viewer does not get the received data")
t.check("<code>TN1-00000008</code>" in r.text, "a viewer sees the shipment")
t.check(viewer.get("/orders").status == 200, "a viewer reads the list")
t.check(other.get(f"/orders/{oid}").status == 404, "another tenant's order: 404")
t.check(get(other, "/orders", conn=str(A1)).status == 404, "another tenant's connection as a filter: 404")
t.check(limited.get(f"/orders/{oid}").status == 404, "a connection the user may not use: 404")
oid2 = q1(f"SELECT id FROM orders WHERE connection_id = {A2} LIMIT 1")
t.check(limited.get(f"/orders/{oid2}").status == 200, "an allowed connection's order: 200")
r2 = limited.get("/orders")
t.check(r2.status == 200 and "件数: 30" in r2.text and "本店 Shopify" not in r2.text, "the restricted list shows A2 only")
t.check(get(limited, "/orders", conn=str(A1)).status == 404, "filtering by a forbidden connection: 404")

# --- products and stock ----------------------------------------------------------------------------------------------
r2 = adm.get("/products")
t.check(r2.status == 200 and "件数: 20" in r2.text and r2.text.count("<td>SKU-00") == 20, f"products ({r2.status})")
tidy_ok(r2.text, "products")
r2 = get(adm, "/products", q="SKU-001")
t.check(r2.text.count("<td>SKU-00") == 10, "products: SKU prefix")
r2 = get(adm, "/products", q="490123400001")
t.check(r2.text.count("<td>SKU-00") == 10, "products: JAN prefix")
r2 = get(adm, "/products", q="テスト商品 7")
t.check(r2.text.count("<td>SKU-00") == 1, "products: name prefix")
r2 = get(adm, "/stock", conn=str(A2))
t.check(r2.status == 200 and r2.text.count("<tr><td>SKU-00") == 40 and "東京倉庫" in r2.text, "stock: 2 locations × 20")
tidy_ok(r2.text, "stock")
r2 = get(adm, "/stock", conn=str(A2), sku="SKU-0002")
t.check(r2.text.count("<tr><td>SKU-00") == 2, "stock: SKU prefix")
t.check(get(viewer, "/stock", conn=str(A2)).status == 200 and viewer.get("/products").status == 200, "viewers read")
t.check(get(limited, "/stock", conn=str(A1)).status == 404 and get(limited, "/products", conn=str(A1)).status == 404,
        "products and stock of a forbidden connection: 404")
t.check(get(other, "/stock", conn=str(A2)).status == 404, "another tenant's stock: 404")
t.check(get(adm, "/products", page="201").status == 400 and get(adm, "/stock", sku="a\x02").status == 400,
        "products/stock: bad parameters 400")

# --- nothing personal in clear: a dump of the order tables, and the logs -----------------------------------------
dump = subprocess.run(["mariadb-dump", f"--defaults-file={VAR}/db/my.cnf", "--single-transaction", "ecc", "orders",
                       "order_lines", "source_payloads", "products", "stock_levels", "shipments"],
                      capture_output=True, timeout=300)
t.check(dump.returncode == 0 and len(dump.stdout) > 10000, "dump made")
leaks = [w for w in (email, phone, "buyer17@example.jp", name, "本町", "shopify_payments", "fixture")
         if w.encode() in dump.stdout]
t.check(not leaks, f"no personal data or raw payload in clear in the dump ({leaks})")
logs = b""
for f in os.listdir(f"{VAR}/log"):
    with open(f"{VAR}/log/{f}", "rb") as fh:
        logs += fh.read()
t.check(email.encode() not in logs and phone.encode() not in logs, "no personal data in the logs")
t.done()
