"""t0100-app.py: the request path through nginx + ecc-web: pages, errors, parsers, CSRF, cookies, zones."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from ecctest import Client, Suite, VAR  # noqa: E402

t = Suite("app")
c = Client()

# Start page, request id, pre-session cookie flags
r = c.get("/")
t.check(r.status == 200, f"GET / → {r.status}")
t.check('<html lang="ja"' in r.text, "Japanese by default")
rid = r.header("X-Request-Id") or ""
t.check(re.fullmatch(r"[0-9a-f]{32}", rid) is not None, f"X-Request-Id {rid!r}")
pre = [h for h in r.headers_all("Set-Cookie") if h.startswith("__Host-ecc_pre=")]
t.check(len(pre) == 1, "pre-session cookie set")
if pre:
    flags = [p.strip() for p in pre[0].split(";")]
    t.check("Secure" in flags and "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/" in flags,
            f"cookie flags {flags}")
    t.check(not any(p.lower().startswith("domain") for p in flags), "no Domain on __Host- cookie")
t.check(r.header("Cache-Control") == "no-store", "dynamic pages are not cached")
t.check("text/html; charset=utf-8" == r.header("Content-Type"), "content type")
r2 = c.get("/")
t.check(not r2.headers_all("Set-Cookie") or all(not h.startswith("__Host-ecc_pre=") for h in r2.headers_all("Set-Cookie")),
        "pre-session cookie kept, not re-issued")
t.check(c.request("HEAD", "/").body == b"", "HEAD has no body")

# healthz on both zones
h = c.get("/healthz")
t.check(h.status == 200 and h.json()["status"] == "ok" and h.json()["database"]["reachable"] is True, f"healthz {h.text}")
t.check("version" not in h.json()["database"], "customer healthz does not reveal the DB version")
t.check(h.header("Content-Type") == "application/json", "healthz is JSON")
ops = Client(ops=True)
h = ops.get("/healthz")
t.check(h.status == 200 and h.json()["zone"] == "ops" and "version" in h.json()["database"], f"ops healthz {h.text}")

# Zones: operator routes do not exist on the customer site and vice versa
t.check(ops.get("/").status == 200 and "運用コンソール" in ops.get("/").text, "operator console")
t.check("運用コンソール" not in c.get("/").text, "customer site is not the console")
t.check(c.get("/notices").status == 404, "operator route /notices is 404 on the customer site")
t.check(ops.get("/notices").status == 200, "operator route /notices on the console")
t.check(ops.get("/__test/item/1").status == 404, "customer route absent on the console")

# Error pages: friendly, with request id, nothing internal
r = c.get("/no/such/page")
rid = r.header("X-Request-Id")
t.check(r.status == 404 and rid in r.text, "404 page shows the request id")
r = c.request("DELETE", "/")
t.check(r.status == 405 and r.header("Allow") == "GET, HEAD", f"405 Allow={r.header('Allow')}")
r = c.request("PROPFIND", "/")
t.check(r.status == 405, f"unknown method → 405 ({r.status})")
r = c.get("/__test/fail")
t.check(r.status == 500 and "half a page" not in r.text and r.header("X-Request-Id") in r.text,
        "a handler failing midway gets the 500 page, not half a page")
r = c.get("/__test/big")
t.check(r.status == 500, f"per-request memory cap → 500 ({r.status})")
for st in (404, 405, 500):
    pass

# Paths: normalised, hostile ones refused with 400
for bad in ("/%2e%2e/etc/passwd", "/a/%2E%2E/b", "/a%00b", "/%ff", "/a/./b", "/a\\b", "/%c0%af"):
    r = c.get(bad)
    t.check(r.status == 400, f"{bad} → {r.status}")
r = c.get("/__test/item/42")
t.check(r.status == 200 and r.json() == {"id": 42}, "typed path parameter")
t.check(c.get("/__test/item/4x").status == 404, "non-int parameter → 404")

# CSRF on unsafe methods
c2 = Client()
tok = c2.csrf_token()
t.check(tok is not None and len(tok) >= 40, "page carries a CSRF token")
t.check(c2.post_form("/lang", {"lang": "en", "next": "/"}, token=None).status == 403, "missing token → 403")
t.check(c2.post_form("/lang", {"lang": "en", "next": "/"}, token=tok, origin="https://evil.example").status == 403,
        "foreign Origin → 403")
t.check(c2.post_form("/lang", {"lang": "en", "next": "/"}, token=tok,
                     headers={"Sec-Fetch-Site": "cross-site"}).status == 403, "cross-site fetch → 403")
other = Client()
other_tok = other.csrf_token()
t.check(c2.post_form("/lang", {"lang": "en", "next": "/"}, token=other_tok).status == 403,
        "another browser's token → 403")
saved = dict(c2.cookies)
c2.cookies.pop("__Host-ecc_pre", None)
t.check(c2.post_form("/lang", {"lang": "en"}, token=tok).status == 403, "no pre-session cookie → 403")
c2.cookies = saved
r = c2.post_form("/lang", {"lang": "en", "next": "/"}, token=tok)
t.check(r.status == 303 and r.header("Location") == "/", f"valid token → 303 ({r.status})")
t.check(c2.cookies.get("__Host-ecc_lang") == "en", "language cookie set")
t.check('<html lang="en"' in c2.get("/").text, "English after the switch")
r = c2.post_form("/lang", [("lang", "ja"), ("lang", "en")], token=tok)
t.check(r.status == 400, f"duplicate key where one value is expected → 400 ({r.status})")
r = c2.post_form("/lang", {"lang": "xx"}, token=tok)
t.check(r.status == 400, "unknown language → 400")
r = c2.post_form("/lang", {"lang": "ja", "next": "//evil.example/"}, token=tok)
loc = r.header("Location") or ""
t.check(r.status == 303 and loc.startswith("/") and not loc.startswith("//") and "evil" not in loc.split("/")[0],
        f"open redirect refused (Location {loc!r})")
for nxt in ("https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/%0d%0aSet-Cookie:x=1"):
    r = c2.post_form("/lang", {"lang": "ja", "next": nxt}, token=tok)
    loc = r.header("Location") or ""
    t.check(r.status in (303, 400) and (r.status == 400 or (loc.startswith("/") and not loc.startswith("//")
            and "\r" not in loc and "\n" not in loc)), f"next={nxt!r} → {r.status} {loc!r}")
r = c2.request("POST", "/lang", body="lang=ja&csrf_token=" + tok,
               headers={"Content-Type": "text/plain", "Origin": c2.origin})
t.check(r.status == 415 or r.status == 400, f"unsupported body type refused ({r.status})")

# Parsers through the stack (test build route)
tok = c2.csrf_token()
r = c2.post_form("/__test/echo", [("a", "1"), ("b", "x y+z"), ("a", "2"), ("名前", "値")], token=tok)
t.check(r.status == 200, f"echo {r.status}")
if r.status == 200:
    f = r.json()["fields"]
    t.check(["b", "x y+z"] in f and ["a", "1"] in f and ["a", "2"] in f and ["名前", "値"] in f, f"urlencoded fields {f}")
boundary = "----ecc" + "x" * 20
mp = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{tok}\r\n"
      f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nこんにちは\r\n"
      f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n"
      f"Content-Type: text/csv\r\n\r\nid,name\r\n1,テスト\r\n\r\n--{boundary}--\r\n").encode()
r = c2.request("POST", "/__test/echo", body=mp,
               headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": c2.origin})
t.check(r.status == 200, f"multipart {r.status} {r.text[:200]}")
if r.status == 200:
    j = r.json()
    t.check(["note", "こんにちは"] in j["fields"], "multipart text field")
    t.check(j["files"] and j["files"][0]["filename"] == "orders.csv" and j["files"][0]["size"] == len("id,name\r\n1,テスト\r\n".encode()),
            f"multipart file {j['files']}")
r = c2.request("POST", "/__test/echo", body=mp[:-10],
               headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": c2.origin})
t.check(r.status == 400, f"truncated multipart → 400 ({r.status})")

# Body limits: 413 from the application limit (= nginx client_max_body_size)
big = b"a=" + b"x" * (10 * 1024 * 1024)
r = c2.request("POST", "/lang", body=big,
               headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": c2.origin})
t.check(r.status == 413, f"oversized body → 413 ({r.status})")

# HTTP → HTTPS redirect is nginx's; the app's log: JSON lines, +09:00, request ids, no cookie values
logs = open(f"{VAR}/log/ecc-web-customer.log", encoding="utf-8").read().splitlines()
t.check(len(logs) > 10, "customer log has lines")
parsed = []
for line in logs[-200:]:
    try:
        parsed.append(json.loads(line))
    except ValueError:
        t.check(False, f"log line is not JSON: {line[:120]}")
t.check(all(p["ts"].endswith("+09:00") for p in parsed), "log timestamps in JST")
t.check(any(p.get("req_id") == rid for p in parsed), "request id in the log")
whole = "\n".join(logs)
# the secrets among the cookies (the pre-session id; not the language cookie, whose "ja" can occur in any
# random text the log holds, e.g. a logged SSH host key fingerprint)
for secret in [v for v in c2.cookies.values() if len(v) >= 16] + [tok]:
    t.check(secret not in whole, "no cookie value or token in the log")
t.done()
