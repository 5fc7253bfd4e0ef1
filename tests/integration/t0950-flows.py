"""t0950-flows.py: flows (連携フロー, issue 5) end to end through the screens and ecc-fetch — a download flow delivers
each record once (a second run finds nothing new), 再送 of a record sends exactly that record again, 再送 of a run the
same bytes; SFTP to the private test sshd (tests/sshd) with a password and with a key delivers the exact bytes, a wrong
pinned host key fails the run clearly with no ledger rows and the fixed flow then delivers; a character Shift_JIS
cannot encode under each policy (fail, 〓, ?, drop) does what the template says and the run's report lists it;
scheduled runs happen when due (test clock) and the times schedule is computed in JST; two fetchers never run one flow
twice; another tenant's flow, run and file are 404; a viewer can neither change a flow nor download a file; every
download is in the audit log."""
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import datetime

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import VAR, Client, Suite, remember_secret  # noqa: E402
from accounts import admin, sql  # noqa: E402

t = Suite("flows")
ROOT = os.environ.get("ECC_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ["ECC_BUILD"]
CONF = f"{VAR}/etc/ecc.conf"
FETCH = [BUILD + "/ecc-fetch", "--config", CONF]
SSHD = os.path.join(ROOT, "tests", "sshd", "run.sh")
N = int(time.time() * 1000) % 10**8
A, B = f"fla{N}", f"flb{N}"


def q1(query):
    rows = sql(query)
    return rows[0][0] if rows and rows[0] else None


def conf_value(key):
    try:
        for line in open(CONF, encoding="utf-8"):
            k, _, v = line.partition("=")
            if k.strip() == key:
                return v.strip()
    except OSError:
        pass
    return ""


SSHD_INFO = {}
ALLOW = os.environ.get("ECC_OUTBOUND_ALLOWLIST") or conf_value("outbound_allowlist")


def fetch(offset=0, tenant=A):
    """ecc-fetch for one tenant until nothing is due (test clock moved by offset seconds); the flow lines."""
    env = dict(os.environ, ECC_TEST_CLOCK_OFFSET=str(int(offset)))
    if SSHD_INFO:
        env["ECC_OUTBOUND_ALLOWLIST"] = ",".join(x for x in (ALLOW, f"127.0.0.1:{SSHD_INFO['port']}") if x)
    p = subprocess.run(FETCH + ["--tenant", tenant, "--max-seconds", "120"], capture_output=True, text=True,
                       timeout=300, env=env)
    t.check(p.returncode == 0, f"ecc-fetch exit {p.returncode}: {p.stderr[-400:]}")
    runs = []
    for ln in p.stdout.splitlines():
        m = re.match(r"^flow (\d+) run (\d+) (\S+) (\S+) in=(\d+) out=(\d+) failed=(\d+) unencodable=(\d+)"
                     r" delivery=(\S+)(?: message=(.*))?$", ln)
        if m:
            runs.append({"flow": m.group(1), "run": m.group(2), "trigger": m.group(3), "status": m.group(4),
                         "in": int(m.group(5)), "out": int(m.group(6)), "failed": int(m.group(7)),
                         "unencodable": int(m.group(8)), "delivery": m.group(9), "message": m.group(10) or ""})
    return runs, p


def one_run(fid, offset=0, what=""):
    runs, p = fetch(offset)
    mine = [r for r in runs if r["flow"] == str(fid)]
    t.check(len(mine) == 1, f"{what}: one run of flow {fid} ({runs}; {p.stdout[-300:]})")
    return mine[0] if mine else {"run": "0", "status": "?", "in": -1, "out": -1, "failed": -1, "trigger": "?",
                                 "delivery": "?", "message": "", "unencodable": -1}


# ---- tenants, users, a connection with orders ---------------------------------------------------------------------
for code in (A, B):
    p = admin("tenant", "create", "--code", code, "--name", f"フロー {code}", "--admin-email", f"first@{code}.example")
    t.check(p.returncode == 0, f"tenant {code}: {p.stderr}")
USERS = {}
for who, code, role in (("editor", A, "editor"), ("viewer", A, "viewer"), ("admin", A, "admin"), ("other", B, "admin"),
                        ("narrow", A, "editor")):
    email = f"{who}@{code}.example"
    p = admin("demo", "admin", "--tenant", code, "--email", email, "--role", role)
    m = re.search(r"user: (\d+)", p.stdout)
    t.check(m is not None, f"user {who}: {p.stderr}")
    USERS[who] = (code, email, m.group(1) if m else "0")


def client(who):
    c = Client()
    code, email, _ = USERS[who]
    p = admin("test", "session", "--tenant", code, "--email", email, "--state", "active")
    c.cookies["__Host-ecc_sid"] = p.stdout.strip()
    return c


ED, VW, OT = client("editor"), client("viewer"), client("other")
TENANT_A = q1(f"SELECT id FROM tenants WHERE code = '{A}'")
TENANT_B = q1(f"SELECT id FROM tenants WHERE code = '{B}'")


def connection(code, name):
    p = subprocess.run(
        [BUILD + "/ecc-admin", "--config", CONF, "connection", "create", "--tenant", code, "--platform", "shopify",
         "--name", name, "--endpoint", "https://127.0.0.1:9", "--settings", '{"shop_domain": "flows.myshopify.com"}'],
        input='{"access_token": "shpat_test_token"}', capture_output=True, text=True, timeout=60)
    t.check(p.returncode == 0, f"connection {name}: {p.stderr}")
    return p.stdout.split(":")[-1].strip() if p.returncode == 0 else "0"


CONN = connection(A, "フロー試験ショップ")
CONN_B = connection(B, "他社ショップ")
FX_ENV = dict(os.environ, ECC_CONFIG=CONF)


def orders(count, start=1, seed=None):
    p = subprocess.run([BUILD + "/tests/tools/orders_fixture", A, CONN, str(count), "--seed", str(seed or N % 100000),
                        "--start", str(start), "--lines", "2", "--quiet"], capture_output=True, text=True,
                       timeout=120, env=FX_ENV)
    t.check(p.returncode == 0, f"orders_fixture: {p.stderr[-300:]}")


def order(number, ship_name, lines=1, conn=None):
    p = subprocess.run([BUILD + "/tests/tools/flow_fixture", A, conn or CONN, number, ship_name, str(lines)],
                       capture_output=True, text=True, timeout=60, env=FX_ENV)
    t.check(p.returncode == 0, f"flow_fixture {number}: {p.stderr}")
    m = re.search(r"order: (\d+)", p.stdout)
    return m.group(1) if m else "0"


orders(5)
SEED = N % 100000

# ---- templates (stored definitions, as the template screens save them) -----------------------------------------------


def template(name, policy="geta", encoding="cp932", prefix="flow"):
    definition = {
        "kind": "order_line",
        "columns": [
            {"header": "注文番号", "source": "field", "value": "order_number"},
            {"header": "送付先名", "source": "field", "value": "ship.name"},
            {"header": "商品コード", "source": "field", "value": "line.sku"},
            {"header": "数量", "source": "field", "value": "line.quantity"},
            {"header": "小計", "source": "expr", "value": "line.unit_price * line.quantity"},
        ],
        "filter": "", "sort": [{"value": "order_number", "desc": False}, {"value": "line.sku", "desc": False}],
        "header_row": True, "encoding": encoding, "eol": "crlf", "quote": "minimal", "unencodable": policy,
        "file_name": prefix + "_{yyyyMMdd_HHmmss}.csv",
    }
    tid = random.randrange(1, 2**62)
    text = json.dumps(definition, ensure_ascii=False).replace("\\", "\\\\").replace("'", "\\'")
    sql(f"INSERT INTO conv_templates (id, tenant_id, name, kind, current_version, latest_version, created_at,"
        f" updated_at) VALUES ({tid}, {TENANT_A}, '{name}', 'order_line', 1, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())")
    sql(f"INSERT INTO conv_template_versions (tenant_id, template_id, version, definition, created_at)"
        f" VALUES ({TENANT_A}, {tid}, 1, '{text}', UTC_TIMESTAMP())")
    return str(tid)


TPL = template("明細 〓", "geta")


# ---- the flow form ---------------------------------------------------------------------------------------------------


def form(name, tpl, conns=None, dest="download", schedule="manual", interval="60", times="09:00", days=range(7),
         keep="30", filt="", sftp=None, http=None, op="save"):
    f = [("name", name), ("template", tpl), ("destination", dest), ("schedule", schedule), ("interval", interval),
         ("times", times), ("keep_days", keep), ("filter", filt), ("op", op)]
    f += [("connection", c) for c in (conns or [CONN])]
    f += [("day", str(d)) for d in days]
    for k, v in (sftp or {}).items():
        f.append((f"sftp_{k}", v))
    for k, v in (http or {}).items():
        f.append((f"http_{k}", v))
    return f


def create(name, tpl=None, **kw):
    r = ED.post_form("/flows", form(name, tpl or TPL, **kw))
    loc = r.header("Location") or ""
    m = re.match(r"^/flows/(\d+)$", loc)
    t.check(r.status == 303 and m, f"create flow {name}: {r.status} {loc} {re.findall(r'form-error[^>]*>([^<]*)', r.text)}")
    return m.group(1) if m else "0"


def edit(fid, name, tpl=None, **kw):
    r = ED.post_form(f"/flows/{fid}/edit", form(name, tpl or TPL, **kw))
    t.check(r.status == 303, f"edit flow {name}: {r.status} {re.findall(r'form-error[^>]*>([^<]*)', r.text)}")
    return r


def request(fid):
    r = ED.post_form(f"/flows/{fid}/run", {})
    t.check(r.status == 303, f"今すぐ実行 {fid}: {r.status}")


def download(c, fid, run):
    return c.get(f"/flows/{fid}/runs/{run}/file")


def csv_rows(body):
    text = body.decode("cp932")
    return [ln.split(",") for ln in text.split("\r\n") if ln]


# form checks: bad input is shown again with a Japanese message and nothing is stored
r = ED.post_form("/flows", form("", TPL, filt="1 +", schedule="interval", interval="3", keep="0"))
t.check(r.status == 200 and "名前" in r.text and "4文字目" in r.text and "5〜1440" in r.text and "1〜3650" in r.text,
        f"a bad form is shown again with messages ({re.findall(r'form-error[^>]*>([^<]*)', r.text)})")
t.check(q1(f"SELECT COUNT(*) FROM flows WHERE tenant_id = {TENANT_A}") == "0", "a bad form stores nothing")
r = ED.post_form("/flows", form("times", TPL, schedule="times", times="25:00"))
t.check(r.status == 200 and "00:00〜23:59" in r.text, "a bad time is refused")
r = ED.post_form("/flows", form("sftp bad", TPL, dest="sftp", sftp={"host": "127.0.0.1", "user": "u", "dir": "/in",
                                                                    "hostkey": "MD5:aa:bb", "auth": "password",
                                                                    "password": "x"}))
t.check(r.status == 200 and "ホスト鍵" in r.text, f"a malformed host key pin is refused ({re.findall(r'form-error[^>]*>([^<]*)', r.text)})")
r = ED.post_form("/flows", form("conn of b", TPL, conns=[CONN_B]))
t.check(r.status == 200 and "接続" in r.text, "another tenant's connection cannot be chosen")

# ---- 1. a download flow: run, nothing new, 再送 of a record, 再送 of a run -------------------------------------------
DL = create("ダウンロード", filt=f'left(order_number, {len(f"S{SEED}-")}) = "S{SEED}-"')
page = ED.get(f"/flows/{DL}")
t.check(page.status == 200 and "ダウンロード" in page.text, "the flow's page")
request(DL)
first = one_run(DL, what="first run")
t.check(first["status"] == "ok" and first["trigger"] == "manual" and first["out"] == 5 and first["in"] == 5
        and first["delivery"] == "download", f"first run: 5 orders written and stored ({first})")
f1 = download(ED, DL, first["run"])
rows = csv_rows(f1.body) if f1.status == 200 else []
t.check(f1.status == 200 and len(rows) == 11 and rows[0][0] == "注文番号", f"the file: header + 10 lines ({f1.status} {len(rows)})")
t.check("attachment" in (f1.header("Content-Disposition") or "") and "Shift_JIS" in (f1.header("Content-Type") or ""),
        f"a CSV attachment in Shift_JIS ({f1.header('Content-Disposition')}, {f1.header('Content-Type')})")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {DL}") == "5", "five ledger rows")
t.check(q1(f"SELECT COUNT(*) FROM audit_log WHERE tenant_id = {TENANT_A} AND action = 'flow.download'") == "1",
        "the download is an audit event")
enc = sql(f"SELECT HEX(SUBSTRING(content_enc, 1, 16)), size_bytes FROM flow_files WHERE flow_id = {DL}")
t.check(enc and int(enc[0][1]) == len(f1.body) and "注文番号".encode("cp932").hex().upper() not in enc[0][0],
        "the stored file is sealed (no plain CSV in the database)")

request(DL)
again = one_run(DL, what="second run")
t.check(again["status"] == "nothing" and again["out"] == 0 and again["in"] == 0,
        f"running again delivers nothing new ({again})")
t.check(q1(f"SELECT file_id IS NULL FROM flow_runs WHERE id = {again['run']}") == "1", "no file for nothing")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {DL}") == "5", "still five ledger rows")

run_page = ED.get(f"/flows/{DL}/runs/{first['run']}")
recs = re.findall(r'name="record" value="(\d+)"> ([^<\n]+)', run_page.text)
t.check(run_page.status == 200 and len(recs) == 5, f"the run lists its 5 records with check boxes ({len(recs)})")
pick = recs[2] if len(recs) > 2 else ("0", "")
r = ED.post_form(f"/flows/{DL}/runs/{first['run']}/resend-records", [("record", pick[0])])
t.check(r.status == 303, f"再送 of one record: {r.status}")
t.check(q1(f"SELECT run_requested FROM flows WHERE id = {DL}") == "2", "a 再送 of records requests a run")
rs = one_run(DL, what="resend record")
f2 = download(ED, DL, rs["run"])
rows2 = csv_rows(f2.body) if f2.status == 200 else []
t.check(rs["trigger"] == "resend_record" and rs["out"] == 1 and len(rows2) == 3
        and all(row[0] == pick[1].strip() for row in rows2[1:]),
        f"再送 of a record delivers exactly that record ({rs}, {[row[0] for row in rows2]}, {pick})")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {DL}") == "5"
        and q1(f"SELECT run_id FROM flow_ledger WHERE flow_id = {DL} AND record_id = {pick[0]}") == rs["run"],
        "the record is booked to the later run")

r = ED.post_form(f"/flows/{DL}/runs/{first['run']}/resend", {})
t.check(r.status == 303 and q1(f"SELECT resend_run_id FROM flows WHERE id = {DL}") == first["run"],
        "再送 of a run requests it")
rr = one_run(DL, what="resend run")
f3 = download(ED, DL, rr["run"])
t.check(rr["trigger"] == "resend_run" and rr["status"] == "ok" and f3.status == 200 and f3.body == f1.body,
        f"再送 of a run delivers the same bytes again ({rr}, {len(f3.body)} vs {len(f1.body)})")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {DL} AND run_id = {rr['run']}") == "0"
        and q1(f"SELECT resend_run_id IS NULL FROM flows WHERE id = {DL}") == "1",
        "the ledger is unchanged by a 再送 of a run and the request is cleared")
hist = ED.get(f"/flows/{DL}/runs")
t.check(hist.status == 200 and hist.text.count(f"/flows/{DL}/runs/") >= 4 and "実行の再送" in hist.text
        and "新しいレコードなし" in hist.text, "the history lists the runs with their triggers and results")

# ---- 2. viewers and other tenants ------------------------------------------------------------------------------------
t.check(VW.get(f"/flows/{DL}").status == 200 and VW.get(f"/flows/{DL}/runs/{first['run']}").status == 200,
        "a viewer sees the flow and its runs")
t.check(download(VW, DL, first["run"]).status == 403, "a viewer cannot download a file")
before = sql(f"SELECT name, run_requested, paused, filter_expr FROM flows WHERE id = {DL}")
for path in (f"/flows/{DL}/run", f"/flows/{DL}/pause", f"/flows/{DL}/edit", f"/flows/{DL}/delete",
             f"/flows/{DL}/runs/{first['run']}/resend"):
    r = VW.post_form(path, {"confirm": "1", "name": "x"})
    t.check(r.status == 403, f"a viewer cannot POST {path} ({r.status})")
for path in (f"/flows/{DL}", f"/flows/{DL}/runs", f"/flows/{DL}/runs/{first['run']}",
             f"/flows/{DL}/runs/{first['run']}/file", f"/flows/{DL}/edit"):
    r = OT.get(path)
    t.check(r.status == 404, f"another tenant's admin: GET {path} is 404 ({r.status})")
for path in (f"/flows/{DL}/run", f"/flows/{DL}/delete", f"/flows/{DL}/runs/{first['run']}/resend"):
    r = OT.post_form(path, {"confirm": "1"})
    t.check(r.status == 404, f"another tenant's admin: POST {path} is 404 ({r.status})")
t.check(sql(f"SELECT name, run_requested, paused, filter_expr FROM flows WHERE id = {DL}") == before,
        "nobody without the right changed the flow")
t.check(f"/flows/{DL}" not in OT.get("/flows").text, "another tenant's list does not show the flow")

# a user restricted to another connection sees neither the flow nor its runs, and cannot choose this connection
OTHER_CONN = connection(A, "別の店舗")
AD = client("admin")
r = AD.post_form(f"/users/{USERS['narrow'][2]}/connections", [("restrict", "1"), ("connection", OTHER_CONN)])
t.check(r.status == 303, f"restrict a user to another connection: {r.status}")
NW = client("narrow")
t.check(NW.get(f"/flows/{DL}").status == 404 and NW.get(f"/flows/{DL}/runs/{first['run']}/file").status == 404
        and f"/flows/{DL}\"" not in NW.get("/flows").text, "a restricted user does not see a flow of other connections")
r = NW.post_form("/flows", form("narrow", TPL, conns=[CONN]))
t.check(r.status == 200 and "接続" in r.text and f'value="{CONN}"' not in r.text,
        "a restricted user cannot choose a connection outside the allowed ones")

# ---- 3. characters Shift_JIS cannot encode, under each policy ---------------------------------------------------------
UC1, UC2 = f"UC{N}-1", f"UC{N}-2"
order(UC1, "髙橋 😀子")
order(UC2, "佐藤 花子")
FILT = f'order_number = "{UC1}" OR order_number = "{UC2}"'
policies = {"fail": None, "geta": "〓", "qmark": "?", "drop": ""}
for pol, repl in policies.items():
    tp = template(f"明細 {pol}", pol, prefix=f"uc_{pol}")
    fid = create(f"文字 {pol}", tp, filt=FILT)
    request(fid)
    run = one_run(fid, what=f"policy {pol}")
    f = download(ED, fid, run["run"])
    rows = csv_rows(f.body) if f.status == 200 else []
    names = {row[0]: row[1] for row in rows[1:]}
    issues = sql(f"SELECT kind, record_label, column_name, codepoint, action FROM flow_run_issues WHERE run_id = {run['run']}")
    t.check(run["unencodable"] == 1 and len(issues) == 1 and issues[0][1] == UC1 and issues[0][2] == "送付先名"
            and issues[0][3] == str(0x1F600), f"{pol}: the report lists 😀 in 送付先名 of {UC1} ({issues})")
    page = ED.get(f"/flows/{fid}/runs/{run['run']}")
    t.check("U+1F600" in page.text and UC1 in page.text, f"{pol}: the run page shows the character")
    ledger = {r_[0] for r_ in sql(f"SELECT o.order_number FROM flow_ledger l JOIN orders o ON o.id = l.record_id"
                                   f" WHERE l.flow_id = {fid}")}
    UCF, UCRUN = fid, run["run"]
    if repl is None:
        t.check(run["status"] == "partial" and run["failed"] == 1 and UC1 not in names and UC2 in names
                and ledger == {UC2} and issues[0][4] == "failed",
                f"fail: the record is not written nor booked ({run}, {names}, {ledger})")
    else:
        t.check(run["status"] == "ok" and names.get(UC1) == f"髙橋 {repl}子" and ledger == {UC1, UC2}
                and issues[0][4] == ("dropped" if pol == "drop" else "replaced"),
                f"{pol}: written as {names.get(UC1)!r} and booked ({run}, {ledger})")
    if repl is not None:  # 髙 is in CP932: written as FB FC (as Windows and the WHATWG encoder do; Python says EE E0)
        t.check(b"\xfb\xfc\x8b\xb4" in f.body, f"{pol}: 髙 is in CP932 and written as FB FC")

# ---- 4. schedules: due runs happen with the test clock; times are JST ---------------------------------------------------
SC = create("定期", schedule="interval", interval="5", filt='order_number = "none"')
nxt = int(q1(f"SELECT FLOOR(UNIX_TIMESTAMP(next_run_at)) FROM flows WHERE id = {SC}") or 0)
t.check(abs(nxt - (time.time() + 300)) < 30, f"every 5 minutes: next run in 5 minutes ({nxt - time.time():.0f} s)")
runs, _ = fetch(0)
t.check(not [r_ for r_ in runs if r_["flow"] == SC], "not due yet: no run")
sched = one_run(SC, offset=400, what="scheduled")
t.check(sched["trigger"] == "schedule" and sched["status"] == "nothing", f"a due flow runs by its schedule ({sched})")
nxt2 = int(q1(f"SELECT FLOOR(UNIX_TIMESTAMP(next_run_at)) FROM flows WHERE id = {SC}") or 0)
t.check(abs(nxt2 - (time.time() + 700)) < 30, f"the next run is 5 minutes after that run ({nxt2 - time.time():.0f} s)")
edit(SC, "定期", schedule="times", times="9:00, 18:30", days=[1, 2, 3, 4, 5], filt='order_number = "none"')
nxt3 = int(q1(f"SELECT FLOOR(UNIX_TIMESTAMP(next_run_at)) FROM flows WHERE id = {SC}") or 0)
jst = datetime.timezone(datetime.timedelta(hours=9))
now = datetime.datetime.now(jst)
cands = []
for d in range(8):
    day = (now + datetime.timedelta(days=d)).date()
    for hh, mm in ((9, 0), (18, 30)):
        at = datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=jst)
        if at > now and at.isoweekday() <= 5:
            cands.append(at)
want = int(min(cands).timestamp())
t.check(abs(nxt3 - want) <= 60, f"times 09:00,18:30 on weekdays: next {nxt3} = {want} (JST)")
t.check(q1(f"SELECT schedule_times FROM flows WHERE id = {SC}") == "09:00,18:30", "times are stored canonically")
r = ED.post_form(f"/flows/{SC}/pause", {})
t.check(r.status == 303 and q1(f"SELECT paused = 1 AND next_run_at IS NULL FROM flows WHERE id = {SC}") == "1", "pause")
runs, _ = fetch(7 * 86400)
t.check(not [r_ for r_ in runs if r_["flow"] == SC], "a paused flow does not run by its schedule")
r = ED.post_form(f"/flows/{SC}/resume", {})
t.check(r.status == 303 and q1(f"SELECT paused = 0 AND next_run_at IS NOT NULL FROM flows WHERE id = {SC}") == "1",
        "resume schedules it again")

# ---- 5. two fetchers never run one flow twice --------------------------------------------------------------------
many = [create(f"並行 {i}", filt='order_number = "none"') for i in range(6)]
for fid in many:
    request(fid)
outs = []


def spawn():
    outs.append(fetch(0))


ths = [threading.Thread(target=spawn) for _ in range(2)]
for th in ths:
    th.start()
for th in ths:
    th.join()
ran = [r_["flow"] for o in outs for r_ in o[0] if r_["flow"] in many]
t.check(sorted(ran) == sorted(many), f"two fetchers ran each requested flow exactly once ({sorted(ran)})")
for fid in many:
    t.check(q1(f"SELECT COUNT(*) FROM flow_runs WHERE flow_id = {fid}") == "1", f"flow {fid}: one run recorded")

# ---- 6. SFTP: password and key, a wrong host key, then fixed ----------------------------------------------------------
sshd_env = dict(os.environ, ECC_SFTP_TEST_USER=os.environ.get("ECC_SFTP_TEST_USER", "ecc-sftp-test"))
started_here = subprocess.run([SSHD, "status"], capture_output=True, env=sshd_env).returncode != 0
if started_here:
    st = subprocess.run([SSHD, "start"], capture_output=True, text=True, env=sshd_env, timeout=120)
    t.check(st.returncode == 0, f"tests/sshd/run.sh start: {st.stdout[-300:]} {st.stderr[-300:]}")
info = dict(ln.split("=", 1) for ln in subprocess.run([SSHD, "info"], capture_output=True, text=True,
                                                         env=sshd_env).stdout.splitlines() if "=" in ln)
SSHD_INFO.update(info)
IN = os.path.join(info.get("chroot", "/nonexistent"), "in")
pw = open(info["password_file"]).read().strip() if os.path.exists(info.get("password_file", "")) else ""
key = open(info["key_file"]).read() if os.path.exists(info.get("key_file", "")) else ""
remember_secret(pw)
HOSTKEY = info.get("hostkey", "")
WRONG = "SHA256:" + "A" * 42 + "E"


def sftp(auth, hostkey=None, secret=True):
    s = {"host": "127.0.0.1", "port": info.get("port", "22"), "user": info.get("user", ""), "dir": "/in",
         "hostkey": hostkey or HOSTKEY, "auth": auth}
    if secret and auth == "password":
        s["password"] = pw
    if secret and auth == "key":
        s["key"] = key
    return s


def arrived(name):
    try:
        return open(os.path.join(IN, name), "rb").read()
    except OSError:
        return None


for auth in ("password", "key"):
    tp = template(f"SFTP {auth}", "geta", prefix=f"sftp_{auth}_{N}")
    nums = [order(f"SF{N}-{auth}-{k}", f"送付 {k}") for k in range(2)]
    fid = create(f"SFTP {auth}", tp, dest="sftp", sftp=sftp(auth), filt=f'left(order_number, {len(f"SF{N}-{auth}-")}) = "SF{N}-{auth}-"')
    t.check(q1(f"SELECT destination_secret_enc IS NOT NULL FROM flows WHERE id = {fid}") == "1"
            and (pw or "x") not in (q1(f"SELECT destination_settings FROM flows WHERE id = {fid}") or ""),
            f"{auth}: the secret is sealed, not in the settings")
    form_page = ED.get(f"/flows/{fid}/edit")
    t.check(form_page.status == 200 and (not pw or pw not in form_page.text) and "BEGIN OPENSSH" not in form_page.text
            and "保存済み" in form_page.text, f"{auth}: the edit form never shows the secret")
    r = ED.post_form(f"/flows/{fid}/test", {})
    t.check(r.status == 200 and "接続テストに成功しました" in r.text, f"{auth}: 接続テスト of the saved destination "
            f"({re.findall(r'test-result[^>]*>(.*?)</div>', r.text, re.S)[:1]})")
    request(fid)
    run = one_run(fid, what=f"sftp {auth}")
    stored = download(ED, fid, run["run"])
    name = q1(f"SELECT file_name FROM flow_files WHERE run_id = {run['run']}") or "?"
    t.check(run["status"] == "ok" and run["delivery"] == "delivered" and run["out"] == 2,
            f"{auth}: delivered ({run})")
    t.check(arrived(name) == stored.body and stored.body, f"{auth}: the file arrived with the exact bytes ({name})")
    t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {fid}") == "2", f"{auth}: booked")
    if auth == "password":
        PWF, PWTPL = fid, tp

# a wrong pinned host key: the run fails clearly, nothing is booked; fixed, the next run delivers
late = order(f"SF{N}-password-9", "遅れて届く")
edit(PWF, "SFTP password", PWTPL, dest="sftp", sftp=sftp("password", WRONG, secret=False),
     filt=f'left(order_number, {len(f"SF{N}-password-")}) = "SF{N}-password-"')
t.check(q1(f"SELECT destination_secret_enc IS NOT NULL FROM flows WHERE id = {PWF}") == "1", "an empty password keeps the stored one")
r = ED.post_form(f"/flows/{PWF}/test", {})
t.check(r.status == 200 and "接続テストに失敗しました" in r.text and "ホスト鍵" in r.text, "接続テスト with a wrong pin fails")
request(PWF)
bad = one_run(PWF, what="wrong host key")
t.check(bad["status"] == "failed" and bad["delivery"] == "failed" and "ホスト鍵" in bad["message"],
        f"a wrong host key fails the run with a clear message ({bad})")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {PWF} AND record_id = {late}") == "0",
        "no ledger row for the undelivered record")
t.check(q1(f"SELECT delivery_message FROM flow_runs WHERE id = {bad['run']}") and
        "ホスト鍵" in ED.get(f"/flows/{PWF}/runs").text, "the history shows the delivery failure")
time.sleep(1.1)  # a new file name (the pattern has seconds)
edit(PWF, "SFTP password", PWTPL, dest="sftp", sftp=sftp("password", secret=False),
     filt=f'left(order_number, {len(f"SF{N}-password-")}) = "SF{N}-password-"')
request(PWF)
good = one_run(PWF, what="fixed host key")
name = q1(f"SELECT file_name FROM flow_files WHERE run_id = {good['run']}") or "?"
body = download(ED, PWF, good["run"]).body
t.check(good["status"] == "ok" and good["out"] == 1 and arrived(name) == body,
        f"fixed: the waiting record is delivered ({good})")
t.check(q1(f"SELECT COUNT(*) FROM flow_ledger WHERE flow_id = {PWF} AND record_id = {late}") == "1", "and booked")

# ---- 7. files past their keeping period are deleted by ecc-fetch -------------------------------------------------
runs, p = fetch(31 * 86400)
m = re.search(r"; (\d+) file\(s\) purged", p.stdout)
t.check(m and int(m.group(1)) > 0, f"files kept 30 days are purged 31 days later ({p.stdout.strip().splitlines()[-1:]})")
t.check(q1(f"SELECT COUNT(*) FROM flow_files WHERE flow_id = {DL}") == "0" and download(ED, DL, first["run"]).status == 404,
        "a purged file is gone (404)")
r = ED.post_form(f"/flows/{DL}/runs/{first['run']}/resend", {})
t.check(r.status == 303 and q1(f"SELECT resend_run_id IS NULL FROM flows WHERE id = {DL}") == "1",
        "a run whose file is gone cannot be re-sent")

# ---- 7b. a fetcher killed during a flow run: the next fetcher on the host reaps its lease at once ----------------
gone = subprocess.Popen(["true"])
gone.wait()                      # a pid that no longer exists
owner = f"{os.uname().nodename}:{gone.pid}:dead00"
TPLV = q1(f"SELECT current_version FROM conv_templates t JOIN flows f ON f.template_id = t.id WHERE f.id = {DL}")
sql(f"UPDATE flows SET lease_owner = '{owner}', lease_until = NOW() + INTERVAL 10 MINUTE, run_requested = 1"
    f" WHERE id = {DL}")
DEAD_RUN = random.randrange(1 << 40, 1 << 62)   # the suite runs twice (test and ASan builds) on one database
sql(f"INSERT INTO flow_runs (id, tenant_id, flow_id, trigger_kind, template_version, status, started_at, lease_owner)"
    f" VALUES ({DEAD_RUN}, {TENANT_A}, {DL}, 'manual', {TPLV}, 'running', NOW(), '{owner}')")
runs, p = fetch(0)
t.check(any(r["flow"] == str(DL) for r in runs) and "reaped 1 lease" in p.stdout,
        f"the dead fetcher's flow lease is reaped and the flow runs at once ({p.stdout[-300:]})")
t.check(q1(f"SELECT status FROM flow_runs WHERE id = {DEAD_RUN}") == "abandoned",
        "the killed fetcher's run is recorded as abandoned")

# ---- 8. the screens are valid HTML (tidy), in Japanese and English --------------------------------------------------
pages = {"list": "/flows", "new": "/flows/new", "show": f"/flows/{DL}", "edit": f"/flows/{PWF}/edit",
         "runs": f"/flows/{DL}/runs", "run": f"/flows/{DL}/runs/{first['run']}",
         "issues": f"/flows/{UCF}/runs/{UCRUN}"}
for lang in ("ja", "en"):
    ED.cookies["__Host-ecc_lang"] = lang
    for what, path in pages.items():
        r = ED.get(path)
        p = subprocess.run(["tidy", "-q", "-e", "--doctype", "html5"], input=r.body, capture_output=True)
        msgs = [ln for ln in p.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        t.check(r.status == 200 and not msgs, f"{lang} {what} {path}: valid HTML ({r.status} {msgs[:3]})")
    ED.cookies.pop("__Host-ecc_lang", None)

# ---- 9. delete ------------------------------------------------------------------------------------------------------
r = ED.post_form(f"/flows/{SC}/delete", {})
t.check(r.status == 303 and q1(f"SELECT COUNT(*) FROM flows WHERE id = {SC}") == "1", "delete needs the confirmation")
r = ED.post_form(f"/flows/{SC}/delete", {"confirm": "1"})
t.check(r.status == 303 and q1(f"SELECT COUNT(*) FROM flows WHERE id = {SC}") == "0", "delete")
acts = {row[0] for row in sql(f"SELECT DISTINCT action FROM audit_log WHERE tenant_id = {TENANT_A} AND action LIKE 'flow.%'")}
t.check({"flow.create", "flow.update", "flow.run_now", "flow.resend_run", "flow.resend_records", "flow.download",
         "flow.test", "flow.pause", "flow.resume", "flow.delete"} <= acts, f"every change is audited ({sorted(acts)})")

if started_here:
    subprocess.run([SSHD, "stop"], capture_output=True, env=sshd_env, timeout=60)
t.done()
