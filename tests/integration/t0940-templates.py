"""t0940-templates.py: conversion templates and code tables through the screens — a code table (entries, CSV import
in UTF-8 and Shift_JIS, bad files rejected whole with line-numbered messages, export), a template built from scratch
in the editor (rename, fixed value, 単価×数量, 住所1&住所2, a date format, a lookup) with every editor action (add,
delete, up, down, source change) working without script, validation errors with their exact messages beside the
right input and nothing stored, save, preview of the latest real records (table, decoded text, hex, issues) whose
Shift_JIS bytes equal the download, unsaved-state preview, unencodable characters per policy, versions, compare,
rollback, delete (refused while a flow uses it), standard templates, roles (viewers read and see masked previews),
a restricted user's preview, another tenant's template/table → 404 with the database unchanged, and valid HTML."""
import datetime
import decimal
import html
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import VAR, Suite  # noqa: E402
from accounts import form_token, post_from, q1, role_tenants, sql, test_session  # noqa: E402

t = Suite("templates")
N = int(time.time() * 1000) % 10**8
CODE, CODE_B = "tp%d" % N, "tq%d" % N
SEED = 7
FIXTURE = os.path.join(os.environ["ECC_BUILD"], "tests/tools/orders_fixture")
ENV = dict(os.environ, ECC_CONFIG=f"{VAR}/etc/ecc.conf")
JST = datetime.timezone(datetime.timedelta(hours=9))
BASE = int(datetime.datetime.now(JST).replace(hour=0, minute=0, second=0, microsecond=0).timestamp())




def tidy_ok(page, what):
    """Valid HTML5 without warnings, no inline script or style, nothing left unrendered (as t0900 checks)."""
    t.check(not re.search(r"<script|<style| style=", page, re.I) and "{{" not in page and "}}" not in page,
            f"{what}: no inline script/style, no mustache left")
    if shutil.which("tidy") is None:
        return
    p = subprocess.run(["tidy", "-q", "-e", "--doctype", "html5"], input=page.encode(), capture_output=True)
    t.check(p.returncode < 2 and b"Warning" not in p.stderr, f"{what}: valid HTML ({p.stderr.decode()[:300]})")


def fixture(code, conn, count, *extra, seed=SEED):
    p = subprocess.run([FIXTURE, code, conn, str(count), "--base", str(BASE), "--days", "10", "--seed", str(seed),
                        "--quiet"] + list(extra), capture_output=True, text=True, env=ENV, timeout=600)
    m = re.search(r"^connection: (\d+)$", p.stdout, re.M)
    t.check(p.returncode == 0 and m is not None, f"fixture {code} {conn}: {p.stderr.strip()[:300]}")
    return int(m.group(1)) if m else 0


# --- tenants, users, data -----------------------------------------------------------------------------------------
users = role_tenants(t, (CODE, CODE_B), "変換テスト商店 ",
                     (("admin", CODE, "admin"), ("editor", CODE, "editor"), ("viewer", CODE, "viewer"),
                      ("limited", CODE, "editor"), ("other", CODE_B, "admin")))
TID = int(q1(f"SELECT id FROM tenants WHERE code = '{CODE}'") or 0)
TID_B = int(q1(f"SELECT id FROM tenants WHERE code = '{CODE_B}'") or 0)
CONN = fixture(CODE, "new:変換テスト店", 5, "--lines", "2")
fixture(CODE_B, "new:他社の店", 3, "--lines", "1", seed=SEED + 1)
sql(f"UPDATE users SET restrict_connections = 1 WHERE id = {users['limited']['id']}")


def session(who):
    return test_session(users[who])


adm, ed, viewer, limited, other = (session(w) for w in ("admin", "editor", "viewer", "limited", "other"))


post = post_from


def audit(action):
    return [r[0] for r in sql(f"SELECT detail FROM audit_log WHERE tenant_id = {TID} AND action = '{action}'"
                              " ORDER BY seq")]


def ntemplates(tid=TID):
    return int(q1(f"SELECT COUNT(*) FROM conv_templates WHERE tenant_id = {tid}") or 0)


class FormFields(HTMLParser):
    """The fields a browser would submit for the form with id form_id (no button): text and hidden inputs,
    checked boxes, the selected option of each select (else its first)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.select, self.first = form_id, False, [], None, None
        self.chosen = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.first, self.chosen = a.get("name"), None, None
        elif tag == "option" and self.select is not None:
            if self.first is None:
                self.first = a.get("value", "")
            if "selected" in a:
                self.chosen = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "select" and self.select is not None:
            self.fields.append((self.select, self.chosen if self.chosen is not None else self.first or ""))
            self.select = None


def form_of(page, form_id="tpl-form"):
    p = FormFields(form_id)
    p.feed(page)
    return [(k, v) for k, v in p.fields if k != "csrf_token"]


def fset(fields, name, value):
    """fields with name's value replaced (added when absent)."""
    out, done = [], False
    for k, v in fields:
        if k == name:
            if not done:
                out.append((k, value))
            done = True
        else:
            out.append((k, v))
    if not done:
        out.append((name, value))
    return out


def fget(fields, name):
    return next((v for k, v in fields if k == name), None)


def columns(fields):
    n = int(fget(fields, "rows") or 0)
    return [(fget(fields, f"col_header_{i}"), fget(fields, f"col_source_{i}"), fget(fields, f"col_value_{i}"))
            for i in range(n)]


def editor_post(c, path, fields, op, page):
    """Press the editor's button op with the form state fields; returns the response."""
    return c.post_form(path, list(fields) + [("op", op)], token=form_token(page))


def multipart(c, path, filename, data, page):
    boundary = "----ecc" + uuid.uuid4().hex
    tok = form_token(c.get(page).text)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{tok}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return c.request("POST", path, body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                       "Origin": c.origin})


# === 1. code tables ================================================================================================
r = ed.get("/lookups")
t.check(r.status == 200 and "まだコード変換表がありません" in r.text and 'action="/lookups"' in r.text,
        f"editor: the empty list with the create form ({r.status})")
tidy_ok(r.text, "lookups (empty)")
r = post(ed, "/lookups", {"name": "", "description": "説明"}, "/lookups")
t.check(r.status == 200 and "表の名前は1〜100文字で、制御文字を含めずに入力してください。" in r.text and 'value="説明"' in r.text,
        "an empty name: the message, the description kept")
r = post(ed, "/lookups", {"name": "あ" * 101}, "/lookups")
t.check(r.status == 200 and "表の名前は1〜100文字" in r.text, "a name too long")
t.check(q1(f"SELECT COUNT(*) FROM lookup_tables WHERE tenant_id = {TID}") == "0", "nothing stored")
r = post(ed, "/lookups", {"name": "配送方法", "description": "販売先→配送"}, "/lookups")
m = re.fullmatch(r"/lookups/(\d+)", r.header("Location") or "")
t.check(r.status == 303 and m is not None, f"created → its page ({r.status} {r.header('Location')})")
LK = int(m.group(1)) if m else 0
r = ed.get(f"/lookups/{LK}")
t.check(r.status == 200 and "コード変換表を作成しました" in r.text and 'lookup("配送方法"' in r.text,
        "the table's page with flash and the usage")
tidy_ok(r.text, "lookup page (empty)")
r = post(ed, "/lookups", {"name": "配送方法"}, "/lookups")
t.check(r.status == 200 and "この名前の表はすでにあります" in r.text, "a name taken: message")
LKPAGE = f"/lookups/{LK}"


def entries(lk=LK):
    return [tuple(x) for x in sql(f"SELECT lookup_key, lookup_value FROM lookup_entries WHERE table_id = {lk}"
                                  " ORDER BY lookup_key")]


r = post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "shopify", "value": "宅配便"}, LKPAGE)
t.check(r.status == 303 and entries() == [("shopify", "宅配便")], f"an entry added ({r.status} {entries()})")
post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "rakuten", "value": "メール便"}, LKPAGE)
post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "rakuten", "value": "ネコポス"}, LKPAGE)
t.check(entries() == [("rakuten", "ネコポス"), ("shopify", "宅配便")], f"an entry changed ({entries()})")
r = post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "", "value": "x"}, LKPAGE)
t.check(r.status == 200 and "キーは1〜255文字で、制御文字を含めずに入力してください。" in r.text, "an empty key: message")
r = post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "k", "value": "v" * 1001}, LKPAGE)
t.check(r.status == 200 and "値は1000文字以内" in r.text and 'value="k"' in r.text, "a value too long: message, key kept")
post(ed, f"/lookups/{LK}/entries", {"op": "delete", "key": "rakuten"}, LKPAGE)
t.check(entries() == [("shopify", "宅配便")], "an entry deleted")
t.check(len(audit("lookup.create")) == 1 and len(audit("lookup.entry_set")) == 3 and
        len(audit("lookup.entry_delete")) == 1, "audit: create, entry_set ×3, entry_delete")

# CSV import: UTF-8 with BOM and a Japanese header, then Shift_JIS without header
good_utf8 = "\ufeffコード,値\r\nshopify,宅配便\r\nrakuten,ネコポス\r\namazon,\"ゆうパック, 速達\"\r\n".encode()
r = multipart(ed, f"/lookups/{LK}/import", "codes.csv", good_utf8, LKPAGE)
t.check(r.status == 303, f"UTF-8 import accepted ({r.status})")
t.check(entries() == [("amazon", "ゆうパック, 速達"), ("rakuten", "ネコポス"), ("shopify", "宅配便")],
        f"UTF-8 import replaced the entries ({entries()})")
good_sjis = "shopify,宅配便（髙島屋）\r\nrakuten,①ネコポス\r\n".encode("cp932")
r = multipart(ed, f"/lookups/{LK}/import", "codes_sjis.csv", good_sjis, LKPAGE)
t.check(r.status == 303 and entries() == [("rakuten", "①ネコポス"), ("shopify", "宅配便（髙島屋）")],
        f"Shift_JIS import decoded and stored as UTF-8 ({r.status} {entries()})")
t.check(any("enc=sjis" in d for d in audit("lookup.import")) and any("enc=utf8" in d for d in audit("lookup.import")),
        "audit: lookup.import with the encoding")
before = entries()
bad_files = [
    ("duplicate key", "key,value\na,1\nb,2\na,3\n".encode(), ["4行目: キー「a」が重複しています（2行目と同じキーです）。"]),
    ("wrong column count", "a,1\nb\nc,3,4\n".encode(),
     ["2行目: 列の数が1列です。キーと値の2列にしてください。", "3行目: 列の数が3列です。キーと値の2列にしてください。"]),
    ("key too long", ("a,1\n" + "k" * 256 + ",2\n").encode(), ["2行目: キーが長すぎます（255文字まで）。"]),
    ("value too long", ("a," + "v" * 1001 + "\n").encode(), ["1行目: 値が長すぎます（1000文字まで）。"]),
    ("empty key", ",x\n".encode(), ["1行目: キーが空です。"]),
    ("Shift_JIS duplicate", "髙,1\r\n髙,2\r\n".encode("cp932"), ["2行目: キー「髙」が重複しています（1行目と同じキーです）。"]),
    ("empty file", "コード,値\r\n".encode(), ["データ行がありません。"]),
    ("broken quote", 'a,"x\n'.encode(), ["引用符が閉じられていません"]),
]
for what, data, msgs in bad_files:
    r = multipart(ed, f"/lookups/{LK}/import", "bad.csv", data, LKPAGE)
    shown = [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", r.text.split('id="import-errors"')[-1].split("</ul>")[0])]
    ok = r.status == 200 and all(any(m in s for s in shown) for m in msgs)
    t.check(ok, f"bad file ({what}): rejected with {msgs} ({r.status} {shown})")
    t.check(entries() == before, f"bad file ({what}): nothing changed")
r = multipart(ed, f"/lookups/{LK}/import", "bad.csv", b"a,1\nb\n", LKPAGE)
tidy_ok(r.text, "lookup page with import errors")
r = ed.get(f"/lookups/{LK}/export")
t.check(r.status == 200 and r.body.startswith(b"\xef\xbb\xbfkey,value\r\n") and "charset=utf-8" in (r.header("Content-Type") or ""),
        f"export: UTF-8 with BOM and the header ({r.status} {r.body[:30]!r})")
t.check(r.body.decode("utf-8-sig") == "key,value\r\nrakuten,①ネコポス\r\nshopify,宅配便（髙島屋）\r\n",
        f"export: every entry ({r.body!r})")
exported = r.body
r = multipart(ed, f"/lookups/{LK}/import", "again.csv", exported, LKPAGE)
t.check(r.status == 303 and entries() == before, "the export imports back unchanged")
post(ed, f"/lookups/{LK}/entries", {"op": "set", "key": "shopify", "value": "宅配便"}, LKPAGE)
r = viewer.get(f"/lookups/{LK}")
t.check(r.status == 200 and "宅配便" in r.text and f'action="/lookups/{LK}/import"' not in r.text and
        f'action="/lookups/{LK}/entries"' not in r.text, "viewer: reads the table without the forms")
t.check(viewer.get(f"/lookups/{LK}/export").status == 200, "viewer: may export")
t.check(viewer.post_form(f"/lookups/{LK}/entries", {"op": "set", "key": "x", "value": "y"}).status == 403,
        "viewer: cannot change entries (403)")
r = ed.get(f"/lookups/{LK}?q=shop")
t.check(r.status == 200 and "宅配便" in r.text and "ネコポス" not in r.text, "search by key")

# === 2. a template from scratch in the editor =====================================================================
r = ed.get("/templates")
t.check(r.status == 200 and "まだテンプレートがありません" in r.text and 'action="/templates/new"' in r.text and
        'action="/templates/standard"' in r.text, f"editor: the empty list with both ways to create ({r.status})")
tidy_ok(r.text, "templates (empty)")
t.check(ed.get("/templates/new?kind=nope").status == 400, "an unknown kind is 400")
r = ed.get("/templates/new?kind=order_line")
t.check(r.status == 200 and "受注明細" in r.text and 'name="rows" value="1"' in r.text and 'id="tpl-save"' in r.text and
        'id="tpl-preview"' in r.text and 'formaction="/templates/preview"' in r.text, f"the empty editor ({r.status})")
tidy_ok(r.text, "editor (new)")
page, fields = r.text, form_of(r.text)
t.check(fget(fields, "encoding") == "cp932" and fget(fields, "header_row") == "1" and fget(fields, "eol") == "crlf",
        f"defaults: Shift_JIS, header row, CRLF ({fields[:12]})")

# the editor actions: add rows, then fill them
for _ in range(6):
    r = editor_post(ed, "/templates", fields, "add", page)
    page, fields = r.text, form_of(r.text)
t.check(r.status == 200 and fget(fields, "rows") == "7" and ntemplates() == 0, "列を追加 ×6: seven rows, nothing stored")
want = [("伝票番号", "field", "order_number"),
        ("税区分", "fixed", "1"),
        ("小計", "expr", "[単価] * [数量]"),
        ("住所", "expr", "ship.address1 & ship.address2"),
        ("注文日", "expr", 'date(ordered_at, "yyyy/MM/dd")'),
        ("配送", "expr", 'lookup("配送方法", connection.platform, "不明")'),
        ("商品名", "field", "line.name")]
for i, (h, s, v) in enumerate(want):
    fields = fset(fields, f"col_header_{i}", h)
    fields = fset(fields, f"col_source_{i}", s)
    fields = fset(fields, f"col_value_{i}", v)
fields = fset(fields, "name", "Next 受注 " + CODE)
r = editor_post(ed, "/templates", fields, "refresh", page)
page, fields = r.text, form_of(r.text)
t.check(columns(fields) == want, f"表示を更新: every row as typed, selects for the field rows ({columns(fields)})")
t.check(re.search(r'<select id="col_value_0" name="col_value_0"[^>]*>.*?<option value="order_number" selected>注文番号 \(order_number\)',
                  page, re.S) is not None, "a field row is a select of the kind's fields with Japanese labels")
t.check('<input id="col_value_2" name="col_value_2" type="text"' in page, "an expression row is a text input")
# move the last row up twice, down once, then delete an extra row
r = editor_post(ed, "/templates", fields, "up:6", page)
page, fields = r.text, form_of(r.text)
t.check([c[0] for c in columns(fields)] == ["伝票番号", "税区分", "小計", "住所", "注文日", "商品名", "配送"], "↑ moves a row up")
r = editor_post(ed, "/templates", fields, "down:5", page)
page, fields = r.text, form_of(r.text)
t.check(columns(fields) == want, "↓ moves it back")
t.check('value="up:0" class="button button-small" aria-label="1列目を上へ移動" disabled' in page and
        'value="down:6" class="button button-small" aria-label="7列目を下へ移動" disabled' in page,
        "the first row cannot go up, the last cannot go down")
r = editor_post(ed, "/templates", fields, "add", page)
page, fields = r.text, form_of(r.text)
fields = fset(fields, "col_header_7", "消す列")
r = editor_post(ed, "/templates", fields, "del:7", page)
page, fields = r.text, form_of(r.text)
t.check(columns(fields) == want and "消す列" not in page, "削除 removes the row")
r = editor_post(ed, "/templates", fields, "del:99", page)
t.check(r.status == 400, "a row out of range is 400")
t.check(ntemplates() == 0, "no action stored anything")
tidy_ok(page, "editor with seven columns")

# validation: the message beside the right input, everything as typed, nothing stored
cases = [
    ("an expression cut short", "col_value_2", "[単価] * ", "col_value_2-error",
     "3列目「小計」の式: 8文字目: 式が途中で終わっています"),
    ("a duplicated header", "col_header_1", "伝票番号", "col_header_1-error",
     "2列目: 見出し「伝票番号」が1列目と同じです（見出しは列ごとに変えてください）"),
    ("an empty header", "col_header_3", "", "col_header_3-error", "4列目: 見出しが空です"),
    ("a header Shift_JIS lacks", "col_header_3", "住所🏠", "col_header_3-error",
     "4列目: 見出しの「🏠」(U+1F3E0) は Shift_JIS (CP932) で表せません"),
    ("an unknown field", "col_value_6", "no_such_field", "col_value_6-error",
     "7列目「商品名」: 項目「no_such_field」はありません（受注明細の項目から選んでください）"),
    ("a bad filter", "filter", "total >", "filter-error", "絞り込み条件: "),
    ("a bad file name", "file_name", "a/b_{yyyy}.csv", "file_name-error", "ファイル名: "),
    ("an empty name", "name", "", "name-error", "テンプレート名は1〜100文字で、制御文字を含めずに入力してください。"),
]
for what, fname, value, err_id, msg in cases:
    bad = fset(fields, fname, value)
    r = editor_post(ed, "/templates", bad, "save", page)
    m = re.search(rf'id="{err_id}">([^<]*)</p>', r.text)
    shown = html.unescape(m.group(1)) if m else ""
    t.check(r.status == 200 and msg in shown, f"{what}: «{msg}» beside {fname} (got «{shown}», {r.status})")
    t.check(fget(form_of(r.text), fname) == value if fname != "name" else True, f"{what}: the input kept as typed")
    t.check(ntemplates() == 0, f"{what}: nothing stored")
r = editor_post(ed, "/templates", fset(fields, "col_value_2", "[単価] * "), "save", page)
tidy_ok(r.text, "editor with an error")

# save
fields = fset(fields, "filter", "")
r = editor_post(ed, "/templates", fields, "save", page)
m = re.fullmatch(r"/templates/(\d+)", r.header("Location") or "")
t.check(r.status == 303 and m is not None, f"saved → the template ({r.status} {r.header('Location')})")
TPL = int(m.group(1)) if m else 0
t.check(q1(f"SELECT CONCAT(current_version, '/', latest_version, '/', kind) FROM conv_templates WHERE id = {TPL}")
        == "1/1/order_line", "version 1, kind order_line")
t.check(len(audit("template.create")) == 1 and f"template={TPL}" in audit("template.create")[0], "audit: template.create")
r = ed.get(f"/templates/{TPL}")
t.check(r.status == 200 and "テンプレートを作成しました" in r.text and "伝票番号" in r.text and "単価" in r.text,
        "the template's page with flash")
tidy_ok(r.text, "template page")
r = ed.get("/templates")
t.check("Next 受注 " + CODE in r.text and "受注明細" in r.text and "v1" in r.text, "listed with kind and version")

# === 3. preview: the latest real records, the table, the exact bytes ==============================================
orders = sql(f"SELECT o.order_number, l.name, l.unit_price, l.quantity, DATE_FORMAT(CONVERT_TZ(o.ordered_at, '+00:00',"
             f" '+09:00'), '%Y/%m/%d') FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.tenant_id = {TID}")


def expected_row(o):
    i = int(o[0].split("-")[1])
    a1 = f"本町{1 + i % 9}-{1 + i % 20}-{1 + i % 30}"
    a2 = "" if i % 3 else f"コーポ{101 + i % 10}号室"
    return (o[0], "1", decimal.Decimal(o[2]) * int(o[3]), a1 + a2, o[4], "宅配便", o[1])


def preview_parts(page):
    text = re.search(r'<pre class="raw-data" id="preview-text">(.*?)</pre>', page, re.S)
    hexv = re.search(r'<pre class="raw-data" id="preview-hex">(.*?)</pre>', page, re.S)
    hb = b""
    for line in html.unescape(hexv.group(1)).splitlines() if hexv else []:
        hb += bytes.fromhex(" ".join(line[:line.index("  |")][8:].split()))
    return (html.unescape(text.group(1)) if text else None), hb


r = ed.get(f"/templates/{TPL}/preview")
t.check(r.status == 200 and 'id="preview-table"' in r.text, f"preview ({r.status})")
tidy_ok(r.text, "preview")
text, hexbytes = preview_parts(r.text)
d = ed.get(f"/templates/{TPL}/download")
t.check(d.status == 200 and "Shift_JIS" in (d.header("Content-Type") or "") and
        "attachment" in (d.header("Content-Disposition") or ""), f"download ({d.status} {d.header('Content-Type')})")
t.check(hexbytes == d.body[:4096] and len(hexbytes) == min(4096, len(d.body)), "the hex view is the downloaded bytes")
t.check(re.search(rf'id="preview-bytes">{len(d.body)}<', r.text) is not None, "the size shown is the download's")
t.check(text is not None and text == d.body.decode("cp932"), "the text shown is the download decoded from Shift_JIS")
lines = d.body.decode("cp932").split("\r\n")
t.check(lines[0] == ",".join(h for h, _, _ in want) and lines[-1] == "", f"header row and CRLF ({lines[0]})")
got = set()
for ln in lines[1:-1]:
    c = ln.split(",")
    got.add((c[0], c[1], decimal.Decimal(c[2]), c[3], c[4], c[5], c[6]))
t.check(got == {expected_row(o) for o in orders} and len(lines) - 2 == len(orders),
        f"every line of the latest orders, each column right (rename, fixed, 単価×数量, 住所1&住所2, date, lookup) "
        f"({sorted(got)[:2]} vs {sorted(expected_row(o) for o in orders)[:2]})")
t.check(re.search(r'id="preview-records-in">5<', r.text) and re.search(r'id="preview-records-out">5<', r.text),
        "counts: 5 orders in and out")
cells = re.findall(r"<td>([^<]*)</td>", r.text.split('id="preview-table"')[1].split("</table>")[0])
t.check(len(cells) == 7 * len(orders) and "宅配便" in cells, "the table shows every cell")
t.check(len(audit("template.preview_download")) == 1, "audit: the download")

# an uncodable character in the newest order's first line: each policy
newest = q1(f"SELECT id FROM orders WHERE tenant_id = {TID} ORDER BY ordered_at DESC, id DESC LIMIT 1")
sql(f"UPDATE order_lines SET name = '髙橋の寿司🍣' WHERE order_id = {newest} AND line_no = 1")
r = ed.get(f"/templates/{TPL}/preview")
issues = [html.unescape(x) for x in re.findall(r"</span> ([^<]*)</li>", r.text)]
t.check(re.search(r'id="preview-records-failed">1<', r.text) and any("U+1F363" in x and "🍣" in x for x in issues),
        f"policy fail: the order is withdrawn and the issue names 🍣 U+1F363 ({issues})")
t.check("髙橋の寿司" not in r.text.split('id="preview-text"')[1], "policy fail: the record is not in the file")
r = ed.get(f"/templates/{TPL}/edit")
page, fields = r.text, form_of(r.text)
r = editor_post(ed, f"/templates/{TPL}/preview", fset(fields, "unencodable", "geta"), "preview", page)
t.check(r.status == 200 and "〓" in r.text and "髙橋の寿司〓" in r.text and "保存していない" in r.text,
        "unsaved preview with policy 〓: replaced, 髙 kept")
text, hexbytes = preview_parts(r.text)
d2 = ed.post_form(f"/templates/{TPL}/preview", fset(fields, "unencodable", "geta") + [("op", "download")],
                  token=form_token(r.text))
t.check(d2.status == 200 and d2.body[:4096] == hexbytes and b"\x81\xac" in d2.body and
        d2.body.decode("cp932") == text, "the unsaved preview's download equals its bytes (〓 = 81 AC)")
tidy_ok(r.text, "unsaved preview")
back = form_of(r.text, "preview-back-form")
t.check(back == form_of(r.text, "preview-download-form") and columns(back) == want and
        fget(back, "unencodable") == "geta", "the preview carries the whole unsaved state")
r = ed.post_form(f"/templates/{TPL}/edit", back + [("op", "refresh")], token=form_token(r.text))
t.check(r.status == 200 and columns(form_of(r.text)) == want and fget(form_of(r.text), "unencodable") == "geta" and
        q1(f"SELECT latest_version FROM conv_templates WHERE id = {TPL}") == "1",
        "編集に戻る: the editor with the unsaved state, nothing saved")
for pol, mark in (("qmark", "髙橋の寿司?\r\n"), ("drop", "髙橋の寿司\r\n")):
    r = editor_post(ed, f"/templates/{TPL}/preview", fset(fields, "unencodable", pol), "preview", page)
    t.check(mark in (preview_parts(r.text)[0] or "") and "U+1F363" in r.text, f"policy {pol}: {mark} and reported")
r = editor_post(ed, f"/templates/{TPL}/preview", fset(fields, "encoding", "utf8"), "preview", page)
text, hexbytes = preview_parts(r.text)
t.check("髙橋の寿司🍣" in (text or "") and re.search(r'id="preview-unencodable">0<', r.text),
        "UTF-8: everything written, nothing reported")
r = editor_post(ed, f"/templates/{TPL}/preview", fset(fields, "col_value_2", "[単価] *"), "preview", page)
t.check(r.status == 200 and 'id="col_value_2-error"' in r.text and 'id="preview-table"' not in r.text,
        "an unsaved state with an error: the editor with the message, no preview")
r = editor_post(ed, "/templates/preview", fset(fset(fields, "name", ""), "unencodable", "geta") + [("kind", "order_line")],
                "preview", page)
t.check(r.status == 200 and 'id="preview-table"' in r.text, "a template never saved can be previewed (name not needed)")
sql(f"UPDATE order_lines SET name = 'テスト商品' WHERE order_id = {newest} AND line_no = 1")

# viewers: previews with buyer and ship-to personal data masked
r = ed.get("/templates/new?kind=order")
pf = fset(fset(fset(form_of(r.text), "col_header_0", "送付先"), "col_source_0", "field"), "col_value_0", "ship.name")
pf = fset(pf, "rows", "3") + [("col_header_1", "メール"), ("col_source_1", "field"), ("col_value_1", "buyer.email"),
                               ("col_header_2", "住所"), ("col_source_2", "expr"), ("col_value_2", "[送付先住所1] & \"/\" & ship.prefecture")]
pf = fset(pf, "name", "個人情報 " + CODE)
r = editor_post(ed, "/templates", pf, "save", r.text)
m = re.fullmatch(r"/templates/(\d+)", r.header("Location") or "")
PII = int(m.group(1)) if m else 0
t.check(PII > 0, f"a template with personal data saved ({r.status})")
full = ed.get(f"/templates/{PII}/download").body.decode("cp932")
masked = viewer.get(f"/templates/{PII}/download").body.decode("cp932")
pv = viewer.get(f"/templates/{PII}/preview")
t.check("buyer" in full and "@example.jp" in full and "本町" in full, "editor: full personal data")
t.check(pv.status == 200 and "伏せて表示" in pv.text and "本町" not in pv.text and "buyer1@" not in pv.text and
        "***@example.jp" in pv.text and "＊＊" in pv.text, "viewer: preview masked (name, e-mail, street address)")
t.check("本町" not in masked and "***@example.jp" in masked and "＊＊" in masked, "viewer: the download is masked too")
r = limited.get(f"/templates/{TPL}/preview")
t.check(r.status == 200 and 'id="preview-none"' in r.text and re.search(r'id="preview-records-in">0<', r.text),
        "a user restricted to no connection previews no record")

# === 4. versions, compare, rollback ===============================================================================
r = ed.get(f"/templates/{TPL}/edit")
page, fields = r.text, form_of(r.text)
t.check(columns(fields) == want and fget(fields, "name") == "Next 受注 " + CODE, "the editor shows the saved version")
fields = fset(fields, "col_header_0", "受注番号")
fields = fset(fields, "encoding", "utf8_bom")
fields = fset(fields, "note", "見出しを変更")
r = editor_post(ed, f"/templates/{TPL}/edit", fields, "add", page)
page, fields = r.text, form_of(r.text)
fields = fset(fset(fset(fields, "col_header_7", "数量"), "col_source_7", "field"), "col_value_7", "数量")
r = editor_post(ed, f"/templates/{TPL}/edit", fields, "save", page)
t.check(r.status == 303 and q1(f"SELECT CONCAT(current_version, '/', latest_version) FROM conv_templates WHERE id = {TPL}")
        == "2/2", f"saved as version 2 ({r.status})")
t.check(q1(f"SELECT note FROM conv_template_versions WHERE template_id = {TPL} AND version = 2") == "見出しを変更",
        "the note is stored with the version")
r = ed.get(f"/templates/{TPL}/edit")
r = editor_post(ed, f"/templates/{TPL}/edit", form_of(r.text), "save", r.text)
t.check(r.status == 303 and q1(f"SELECT latest_version FROM conv_templates WHERE id = {TPL}") == "2" and
        "変更がなかった" in ed.get(f"/templates/{TPL}").text, "saving unchanged makes no version")
r = ed.get(f"/templates/{TPL}/versions")
t.check(r.status == 200 and "v2" in r.text and "v1" in r.text and "見出しを変更" in r.text and
        "editor@" not in r.text, f"the versions with note and who ({r.status})")
tidy_ok(r.text, "versions")
r = ed.get(f"/templates/{TPL}/compare?a=1&b=2")
t.check(r.status == 200, f"compare ({r.status})")
rows = re.findall(r'<tr class="diff-([a-z]+)">', r.text)
t.check(rows.count("renamed") == 1 and rows.count("added") == 1 and rows.count("same") == 6,
        f"compare: one header changed, one added, six unchanged ({rows})")
t.check("<del>伝票番号</del> → <ins>受注番号</ins>" in r.text, "compare: the old and new header")
opts = re.search(r'id="compare-options">(.*?)</table>', r.text, re.S)
t.check(opts and "文字コード" in opts.group(1) and "Shift_JIS（CP932）" in opts.group(1) and
        "UTF-8（BOM付き）" in opts.group(1), "compare: the encoding change")
tidy_ok(r.text, "compare")
r = ed.get(f"/templates/{TPL}/compare?a=2&b=1")
t.check(re.findall(r'<tr class="diff-([a-z]+)">', r.text).count("removed") == 1, "compare backwards: a removed column")
t.check(ed.get(f"/templates/{TPL}/compare?a=1&b=9").status == 404, "compare with a missing version: 404")
t.check(ed.get(f"/templates/{TPL}/compare?a=x&b=1").status == 400, "compare with a malformed version: 400")
r = post(ed, f"/templates/{TPL}/rollback", {"version": "1"}, f"/templates/{TPL}/versions")
t.check(r.status == 303, f"rollback ({r.status})")
v = sql(f"SELECT current_version, latest_version FROM conv_templates WHERE id = {TPL}")[0]
t.check(v == ["3", "3"], f"rollback made version 3 current ({v})")
t.check(q1(f"SELECT COUNT(*) FROM conv_template_versions a JOIN conv_template_versions b ON a.template_id = b.template_id"
           f" WHERE a.template_id = {TPL} AND a.version = 1 AND b.version = 3 AND a.definition = b.definition") == "1",
        "version 3 equals version 1")
t.check(q1(f"SELECT note FROM conv_template_versions WHERE template_id = {TPL} AND version = 3") == "v1 に戻しました",
        "the rollback's note")
t.check(len(audit("template.rollback")) == 1 and len(audit("template.save")) == 1, "audit: save, rollback")
t.check(post(ed, f"/templates/{TPL}/rollback", {"version": "3"}, f"/templates/{TPL}/versions").status == 400,
        "rolling back to the current version: 400")
t.check(post(viewer, f"/templates/{TPL}/rollback", {"version": "2"}, f"/templates/{TPL}/versions").status == 403,
        "viewer: no rollback (403)")
d3 = ed.get(f"/templates/{TPL}/download")
t.check(d3.body.decode("cp932").split("\r\n")[0] == ",".join(h for h, _, _ in want), "the rolled-back version is used")

# === 5. standard templates, delete =================================================================================
r = ed.get("/templates/new")
keys = re.findall(r'name="key" value="([a-z0-9_]+)"', r.text)
t.check(r.status == 200 and len(keys) >= 3, f"the choice lists the standard templates ({keys})")
tidy_ok(r.text, "new template choice")
r = post(ed, "/templates/standard", {"key": keys[0]}, "/templates/new")
m = re.fullmatch(r"/templates/(\d+)/edit", r.header("Location") or "")
t.check(r.status == 303 and m is not None, f"a standard template copied → its editor ({r.status} {r.header('Location')})")
STD = int(m.group(1)) if m else 0
t.check(q1(f"SELECT standard_key FROM conv_templates WHERE id = {STD}") == keys[0], "standard_key stored")
r = post(ed, "/templates/standard", {"key": keys[0]}, "/templates/new")
t.check(r.status == 303 and q1(f"SELECT COUNT(*) FROM conv_templates WHERE tenant_id = {TID} AND standard_key = '{keys[0]}'"
                               f" AND name LIKE '% (2)'") == "1", "copied again: named … (2)")
t.check(post(ed, "/templates/standard", {"key": "nope"}, "/templates/new").status == 400, "an unknown standard: 400")
r = ed.get(f"/templates/{STD}/edit")
t.check(r.status == 200 and int(fget(form_of(r.text), "rows") or 0) >= 5, "the copy opens in the editor")
tidy_ok(r.text, "editor of a standard template")

r = post(ed, f"/templates/{STD}/delete", {}, f"/templates/{STD}")
t.check(r.status == 200 and "確認のチェック" in r.text and q1(f"SELECT COUNT(*) FROM conv_templates WHERE id = {STD}") == "1",
        "delete without the confirmation: message, kept")
FLOW = int(time.time() * 1000)
sql(f"INSERT INTO flows (id, tenant_id, name, template_id, destination, destination_settings, schedule_kind, created_at,"
    f" updated_at) VALUES ({FLOW}, {TID}, 'uses std', {STD}, 'download', '{{}}', 'manual', UTC_TIMESTAMP(), UTC_TIMESTAMP())")
r = post(ed, f"/templates/{STD}/delete", {"confirm": "1"}, f"/templates/{STD}")
t.check(r.status == 409 and "1件の連携フローで使われているため削除できません" in r.text and
        q1(f"SELECT COUNT(*) FROM conv_templates WHERE id = {STD}") == "1", f"delete refused while a flow uses it ({r.status})")
t.check("使っている連携フロー" in ed.get(f"/templates/{STD}").text, "the page says flows use it")
sql(f"DELETE FROM flows WHERE id = {FLOW}")
r = post(ed, f"/templates/{STD}/delete", {"confirm": "1"}, f"/templates/{STD}")
t.check(r.status == 303 and q1(f"SELECT COUNT(*) FROM conv_templates WHERE id = {STD}") == "0" and
        q1(f"SELECT COUNT(*) FROM conv_template_versions WHERE template_id = {STD}") == "0", "deleted with its versions")
t.check(len(audit("template.delete")) == 1, "audit: template.delete")

# === 6. roles and tenants ==========================================================================================
r = viewer.get("/templates")
t.check(r.status == 200 and "Next 受注" in r.text and 'action="/templates/standard"' not in r.text, "viewer: list, no create")
r = viewer.get(f"/templates/{TPL}")
t.check(r.status == 200 and f'href="/templates/{TPL}/edit"' not in r.text and "/delete" not in r.text,
        "viewer: the page without edit and delete")
for path in (f"/templates/{TPL}/edit", "/templates/new", "/templates/new?kind=order"):
    t.check(viewer.get(path).status == 403, f"viewer: GET {path} is 403")
for path in (f"/templates/{TPL}/versions", f"/templates/{TPL}/compare?a=1&b=2", f"/templates/{TPL}/preview",
             "/lookups", f"/lookups/{LK}"):
    t.check(viewer.get(path).status == 200, f"viewer: GET {path} is 200")
for path, f in ((f"/templates/{TPL}/edit", fields + [("op", "save")]), ("/templates", fields + [("op", "save")]),
                (f"/templates/{TPL}/delete", [("confirm", "1")]), (f"/lookups/{LK}/delete", [("confirm", "1")]),
                ("/lookups", [("name", "x")]), (f"/templates/{TPL}/preview", fields)):
    t.check(viewer.post_form(path, f).status == 403, f"viewer: POST {path} is 403")

DB_Q = (f"SELECT id, name, current_version, latest_version FROM conv_templates WHERE tenant_id = {TID} ORDER BY id;"
        f" SELECT template_id, version, MD5(definition) FROM conv_template_versions WHERE tenant_id = {TID} ORDER BY 1, 2;"
        f" SELECT id, name, description FROM lookup_tables WHERE tenant_id = {TID};"
        f" SELECT lookup_key, lookup_value FROM lookup_entries WHERE tenant_id = {TID} ORDER BY 1")
snapshot = sql(DB_Q)
for path in (f"/templates/{TPL}", f"/templates/{TPL}/edit", f"/templates/{TPL}/preview", f"/templates/{TPL}/download",
             f"/templates/{TPL}/versions", f"/templates/{TPL}/compare?a=1&b=2", f"/lookups/{LK}", f"/lookups/{LK}/export"):
    t.check(other.get(path).status == 404, f"another tenant's admin: GET {path} is 404")
for path, f in ((f"/templates/{TPL}/edit", fields + [("op", "save")]), (f"/templates/{TPL}/preview", fields),
                (f"/templates/{TPL}/rollback", [("version", "2")]), (f"/templates/{TPL}/delete", [("confirm", "1")]),
                (f"/lookups/{LK}/edit", [("name", "乗っ取り"), ("description", "")]),
                (f"/lookups/{LK}/entries", [("op", "set"), ("key", "shopify"), ("value", "x")]),
                (f"/lookups/{LK}/delete", [("confirm", "1")])):
    t.check(other.post_form(path, f).status == 404, f"another tenant's admin: POST {path} is 404")
r = multipart(other, f"/lookups/{LK}/import", "x.csv", b"a,1\n", "/lookups")
t.check(r.status == 404, f"another tenant's admin: import is 404 ({r.status})")
t.check(sql(DB_Q) == snapshot, "another tenant changed nothing")
r = other.get("/templates")
t.check("Next 受注" not in r.text and ">配送方法<" not in other.get("/lookups").text, "another tenant lists none of them")
r = other.get("/templates/new?kind=order_line")
r = editor_post(other, "/templates", fset(fset(form_of(r.text), "name", "B社"), "col_value_0", "order_number"), "save", r.text)
m = re.fullmatch(r"/templates/(\d+)", r.header("Location") or "")
BTPL = int(m.group(1)) if m else 0
pb = other.get(f"/templates/{BTPL}/download").body.decode("cp932")
t.check(BTPL > 0 and "S8-" in pb and "S7-" not in pb and pb.count("\r\n") == 4, f"tenant B's preview has only its own 3 orders ({pb[:80]!r})")

# lookup rename and delete (last: the template's lookup then answers the default)
r = post(ed, f"/lookups/{LK}/edit", {"name": "配送方法2", "description": "改名"}, LKPAGE)
t.check(r.status == 303 and q1(f"SELECT name FROM lookup_tables WHERE id = {LK}") == "配送方法2", "renamed")
r = post(ed, f"/lookups/{LK}/delete", {}, LKPAGE)
t.check(r.status == 200 and "確認のチェック" in r.text, "delete without confirmation: message")
r = post(ed, f"/lookups/{LK}/delete", {"confirm": "1"}, LKPAGE)
t.check(r.status == 303 and q1(f"SELECT COUNT(*) FROM lookup_tables WHERE id = {LK}") == "0" and
        q1(f"SELECT COUNT(*) FROM lookup_entries WHERE table_id = {LK}") == "0", "table deleted with its entries")
t.check(len(audit("lookup.delete")) == 1 and len(audit("lookup.update")) == 1, "audit: lookup.update, lookup.delete")

# English pages render too
sql(f"UPDATE users SET lang = 'en' WHERE id = {users['editor']['id']}")
r = session("editor").get(f"/templates/{TPL}/edit")
t.check(r.status == 200 and "Add column" in r.text, "the editor in English")
tidy_ok(r.text, "editor (English)")

t.done()
