"""t0930-conv-golden.py: the three standard templates produce golden outputs from the emulators' data.

A fresh tenant gets a Shopify and a 楽天 connection to private emulators whose data is pinned to a fixed day
(--epoch: the emulators otherwise build their orders around today's date, so the same seed gives other dates
on another day), synced by ecc-fetch with the fetcher's and the emulators' clocks set to that day. Then
`ecc-admin convert --standard KEY --now 2026-06-01T10:00:00+09:00` runs every standard template and the files
must equal tests/golden/conv/<key>.csv byte for byte (and their names be the expected ones). Also: each data
kind through --definition (row counts equal the tables'), lookup() against a code table in the database, a
definition error, and tests/tools/conv_probe (the record reader's selections and the code-table functions).

Run with --regen to write the golden files again (then read them: see the notes below).

What was checked by hand in the golden files (tests/golden/conv/; seed 14, 60 orders per emulator, the same
orders rendered by Shopify and by 楽天; both Shift_JIS files decode with `iconv -f CP932 -t UTF-8` without error,
every line ends in CRLF):
- ne_order_generic.csv (41 columns, 226 rows = every line of the 112 orders not cancelled): 店舗伝票番号 is the
  order number without "#" ("1001", "123456-20260404-0000000000"); 受注日 is JST: order 0 was created at
  t_start = 2026-04-04 00:00 UTC → "2026/04/04 09:00:00", order 1 at t_start + 83,460 s → "2026/04/05 08:11:00",
  the same for both platforms; 受注住所１ = 都道府県 + 市区町村, 受注住所２ = the rest (+ " " + 建物 when there
  is one); カナ full-width (楽天 only: Shopify has none); 商品計 = Σ 商品価格 × 受注数量 (order 1001:
  1200×2 + 9780 + 10800×2 = 33780), 発送料 0 from 5,000 yen, else 550/660/880, 合計金額 = 商品計 + 発送料,
  税金 0; 消費税率 8 for food (はちみつ, クッキー, 緑茶 …), else 10; 出荷済フラグ 1 for the shipped orders;
  髙 is FB FC (IBM extension code, as Windows writes it) and 😀 is 〓 (81 AC), each 😀 listed as an issue
  (22). Shopify sends the prefecture in English ("Shizuoka") with its ISO code ("JP-22"); the connector stores
  the Japanese name (静岡県), so addresses read "静岡県浜松市中央区…" for both shops.
- yamato_b2.csv (73 columns, the 12 paid orders): お届け先住所 = 都道府県 + 市区町村 + 番地 cut to 32
  characters and trimmed, 建物名 ≤ 16, お届け先名 ≤ 16, お届け先名略称カナ half-width (楽天 "ﾓﾘ ﾀｸﾔ"),
  出荷予定日 2026/06/01 (--now), 送り状種別 0, クール区分 0, 敬称 様, ご依頼主名 the connection name, 品名１ the
  first line's name (≤ 25, "〓新発売 …" where the name has 😀), 品名２ "ほかN品".
- accounting_sales.csv (UTF-8 with BOM, 112 orders not cancelled/refunded, by order time): 10%対象額 = the 10 %
  lines + 送料, e.g. 1001: 9780 + 21600 + 0 = 31380, 10%消費税 floor(31380 × 10 / 110) = 2852, 8%対象額 2400,
  8%消費税 floor(2400 × 8 / 108) = 177, 合計 33780 = 31380 + 2400; #1004: 送料 550 → 10%消費税 50, 8% 1330 → 98.
  The sums and the tax rule are also checked below for every row.
"""
import calendar
import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from accounts import sql  # noqa: E402
from ecctest import VAR, Suite  # noqa: E402
from synctest import SECRETS  # noqa: E402

t = Suite("conv-golden")
ROOT = os.environ["ECC_ROOT"]
BUILD = os.environ["ECC_BUILD"]
GOLDEN = os.path.join(ROOT, "tests/golden/conv")
REGEN = "--regen" in sys.argv
EPOCH = calendar.timegm((2026, 6, 1, 0, 0, 0))   # the emulators' "today" and the fetcher's now
NOW = "2026-06-01T10:00:00+09:00"                # the conversion's now()
ORDERS = 60
SEED = 14
PY = "/usr/bin/python3"
FILES = {"ne_order_generic": "ne_juchu_20260601_100000.csv", "yamato_b2": "b2_20260601_100000.csv",
         "accounting_sales": "sales_20260601_100000.csv"}


class Emulator:
    """A private emulator on a free port with its data pinned to EPOCH."""

    def __init__(self, name, tmp):
        self.name = name
        args = [PY, os.path.join(ROOT, "tests/emulators", name + ".py"), "--port", "0", "--bind", "127.0.0.1",
                "--cert", f"{VAR}/tls/cert.pem", "--key", f"{VAR}/tls/key.pem", "--seed", str(SEED),
                "--orders", str(ORDERS), "--epoch", str(EPOCH), "--no-rate-limit",
                "--pidfile", os.path.join(tmp, name + ".pid"), "--log", os.path.join(tmp, name + ".log")]
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().split()
        if len(line) != 3 or line[0] != "ready":
            self.p.kill()
            raise RuntimeError(f"{name} emulator did not start: {line} {self.p.stderr.read()[-300:]}")
        self.port = int(line[2])

    def control(self, path, body):
        import urllib.request
        from ecctest import tls_context
        req = urllib.request.Request(f"https://127.0.0.1:{self.port}/__emu/{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=tls_context(), timeout=60) as r:
            return json.loads(r.read())

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def config_with(tmp, ports):
    """The stack's configuration with the private emulators allowed as outbound hosts."""
    text = open(f"{VAR}/etc/ecc.conf", encoding="utf-8").read()
    extra = ",".join(f"127.0.0.1:{p}" for p in ports)
    text = re.sub(r"^(outbound_allowlist = .*)$", lambda m: m.group(1) + "," + extra, text, flags=re.M)
    path = os.path.join(tmp, "ecc.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run(conf, offset, *args, timeout=600, binary="ecc-admin", stdin=None):
    env = dict(os.environ, ECC_TEST_CLOCK_OFFSET=str(offset))
    return subprocess.run([os.path.join(BUILD, binary), "--config", conf] + list(args), input=stdin,
                          capture_output=True, text=True, timeout=timeout, env=env)


def convert(conf, tenant, out, *args):
    return run(conf, 0, "convert", "--tenant", tenant, "--out", out, "--now", NOW, *args)


def golden(conf, tenant, tmp):
    for key, name in FILES.items():
        out = os.path.join(tmp, key + ".csv")
        p = convert(conf, tenant, out, "--standard", key)
        if not t.check(p.returncode == 0, f"convert {key}: exit {p.returncode}: {p.stderr.strip()}"):
            continue
        t.check(p.stdout.startswith(f"file: {name} ("), f"{key}: file name {p.stdout.splitlines()[:1]}")
        got = open(out, "rb").read()
        path = os.path.join(GOLDEN, key + ".csv")
        if REGEN:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(path, "wb") as f:
                f.write(got)
            print(f"wrote {path} ({len(got)} bytes)\n{p.stdout}")
        want = open(path, "rb").read() if os.path.exists(path) else b""
        t.check(got == want, f"{key}: {len(got)} bytes equal the golden file ({len(want)} bytes)")
        check_shape(key, got, p.stdout)


def check_shape(key, data, report):
    """What must hold whatever the data: encoding, line ends, the column count, the tax arithmetic."""
    enc = "cp932" if key != "accounting_sales" else "utf-8-sig"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        t.check(False, f"{key}: not {enc}: {e}")
        return
    t.check(data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), f"{key}: CRLF line ends only")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    t.check(len(rows) > 5, f"{key}: {len(rows)} rows")
    width = {"ne_order_generic": 41, "yamato_b2": 73, "accounting_sales": 9}[key]
    t.check(all(len(r) == width for r in rows), f"{key}: every row has {width} columns")
    m = re.search(r"records: in=(\d+) filtered=(\d+) out=(\d+) failed=(\d+) rows=(\d+)", report)
    t.check(m is not None and int(m.group(5)) == len(rows) - 1, f"{key}: the report counts the rows: {report[:200]}")
    if key == "accounting_sales":
        for r in rows[1:]:
            a10, t10, a8, t8, other, total = (int(x) for x in r[3:9])
            t.check(a10 + a8 + other == total, f"accounting {r[1]}: {a10} + {a8} + {other} = {total}")
            t.check(t10 == a10 * 10 // 110 and t8 == a8 * 8 // 108, f"accounting {r[1]}: tax {t10}/{t8} of {a10}/{a8}")
    if key == "ne_order_generic":
        for r in rows[1:]:
            t.check(int(r[17]) + int(r[19]) - int(r[21]) == int(r[23]), f"NE {r[0]}: 商品計 + 発送料 − ポイント = 合計")
            t.check(re.fullmatch(r"[0-9A-Za-z-]{1,30}", r[0]) is not None, f"NE 店舗伝票番号 {r[0]}")
            t.check(re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d", r[1]) is not None, f"NE 受注日 {r[1]}")
    if key == "yamato_b2":
        for r in rows[1:]:
            t.check(len(r[11]) <= 32 and len(r[12]) <= 16 and len(r[15]) <= 16, f"B2 lengths {r[0]}")
            t.check(r[4] == "2026/06/01" and r[1] == "0", f"B2 {r[0]}: 出荷予定日 and 送り状種別")
            t.check(all(ord(ch) < 0x80 or 0xFF61 <= ord(ch) <= 0xFF9F for ch in r[16]), f"B2 カナ half-width {r[16]}")


def kinds(conf, tenant, tid, tmp):
    """Each data kind through a definition file: the row count is the table's."""
    defs = {
        "product": ("sku", f"SELECT COUNT(*) FROM products WHERE tenant_id = {tid}"),
        "stock": ("location_name", f"SELECT COUNT(*) FROM stock_levels WHERE tenant_id = {tid}"),
        "shipment": ("tracking_number", f"SELECT COUNT(*) FROM shipments WHERE tenant_id = {tid}"),
        "order_line": ("line.sku", f"SELECT COUNT(*) FROM order_lines WHERE tenant_id = {tid}"),
    }
    for kind, (field, q) in defs.items():
        path = os.path.join(tmp, kind + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"kind": kind, "columns": [{"header": "a", "source": "field", "value": field},
                                                 {"header": "b", "source": "field", "value": "connection.name"}],
                       "encoding": "utf8", "header_row": False, "file_name": "x.csv"}, f)
        out = os.path.join(tmp, kind + ".csv")
        p = convert(conf, tenant, out, "--definition", path)
        if not t.check(p.returncode == 0, f"{kind}: exit {p.returncode}: {p.stderr.strip()}"):
            continue
        want = int(sql(q)[0][0])
        got = open(out, "rb").read().count(b"\r\n")
        t.check(got == want and want > 0, f"{kind}: {got} rows, the table has {want}")


def lookups(conf, tenant, tid, tmp):
    """lookup() against a code table stored for the tenant; a missing key with and without a default."""
    sql(f"INSERT INTO lookup_tables (id, tenant_id, name, description, created_at, updated_at) VALUES"
        f" ({tid % 1000000 + 77}, {tid}, '都道府県コード', '', UTC_TIMESTAMP(), UTC_TIMESTAMP())")
    sql(f"INSERT INTO lookup_entries (tenant_id, table_id, lookup_key, lookup_value) VALUES"
        f" ({tid}, {tid % 1000000 + 77}, '東京都', '13'), ({tid}, {tid % 1000000 + 77}, '大阪府', '27')")
    path = os.path.join(tmp, "lookup.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"kind": "order", "encoding": "utf8", "header_row": False, "columns": [
            {"header": "p", "source": "field", "value": "ship.prefecture"},
            {"header": "c", "source": "expr", "value": 'lookup("都道府県コード", ship.prefecture, "??")'}]}, f)
    out = os.path.join(tmp, "lookup.csv")
    p = convert(conf, tenant, out, "--definition", path)
    t.check(p.returncode == 0, f"lookup: exit {p.returncode}: {p.stderr.strip()}")
    rows = list(csv.reader(io.StringIO(open(out, encoding="utf-8").read(), newline="")))
    codes = {"東京都": "13", "大阪府": "27"}
    t.check(len(rows) > 0 and all(r[1] == codes.get(r[0], "??") for r in rows), f"lookup values {rows[:5]}")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"kind": "order", "encoding": "utf8", "columns": [
            {"header": "c", "source": "expr", "value": 'lookup("都道府県コード", ship.prefecture)'}]}, f)
    p = convert(conf, tenant, out, "--definition", path)
    t.check(p.returncode == 0 and "issue: error 注文 " in p.stdout and "にキー「" in p.stdout,
            f"lookup without default: the missing keys are issues: {p.stdout[:300]}")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"kind":"order","columns":[{"header":"c","source":"expr","value":"1 +"}]}')
    p = convert(conf, tenant, out, "--definition", path)
    t.check(p.returncode == 1 and "1列目「c」の式: 4文字目: 式が途中で終わっています" in p.stderr,
            f"a definition error is reported in Japanese with its place: {p.stderr.strip()}")


def main():
    tmp = tempfile.mkdtemp(prefix="t0930-")
    emus = [Emulator("shopify", tmp), Emulator("rakuten", tmp)]
    try:
        conf = config_with(tmp, [e.port for e in emus])
        offset = EPOCH - int(time.time())   # everything that syncs lives on EPOCH's day
        for e in emus:
            e.control("config", {"clock_offset": offset})
        tenant = f"cg{int(time.time() * 1000) % 10**9}"
        p = run(conf, 0, "tenant", "create", "--code", tenant, "--name", "変換ゴールデン", "--admin-email",
                f"a@{tenant}.example")
        if not t.check(p.returncode == 0, f"tenant create: {p.stderr}"):
            return
        tid = int(sql(f"SELECT id FROM tenants WHERE code = '{tenant}'")[0][0])
        expires = (datetime.date(2026, 6, 1) + datetime.timedelta(days=60)).isoformat()
        conns = [("shopify", "Shopify 本店", {"shop_domain": "golden-shop.myshopify.com"}),
                 ("rakuten", "楽天市場店", {"license_expires_on": expires, "rescan_days": "60", "pacing": "off"})]
        for e, (platform, name, settings) in zip(emus, conns):
            p = run(conf, offset, "connection", "create", "--tenant", tenant, "--platform", platform, "--name", name,
                    "--endpoint", f"https://127.0.0.1:{e.port}", "--settings", json.dumps(settings),
                    stdin=json.dumps(SECRETS[platform]))
            t.check(p.returncode == 0, f"connection {platform}: {p.stderr.strip()}")
        p = run(conf, offset, "--tenant", tenant, "--max-seconds", "300", binary="ecc-fetch")
        t.check(p.returncode == 0, f"ecc-fetch: {p.stderr[-300:]}")
        n = int(sql(f"SELECT COUNT(*) FROM orders WHERE tenant_id = {tid}")[0][0])
        t.check(n == 2 * ORDERS, f"{n} orders synced, want {2 * ORDERS}")
        golden(conf, tenant, tmp)
        kinds(conf, tenant, tid, tmp)
        lookups(conf, tenant, tid, tmp)
        p = subprocess.run([os.path.join(BUILD, "tests/tools/conv_probe"), tenant], capture_output=True, text=True,
                           timeout=300, env=dict(os.environ, ECC_CONFIG=conf))
        t.check(p.returncode == 0, f"conv_probe: {p.stdout.strip()} {p.stderr[-2000:]}")
    finally:
        for e in emus:
            e.stop()
    if not t.failed:
        shutil.rmtree(tmp, ignore_errors=True)   # kept for a look when something failed


try:
    main()
except Exception as ex:  # a broken step fails the suite with its reason
    t.check(False, f"{type(ex).__name__}: {ex}")
t.done()
