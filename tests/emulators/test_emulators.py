#!/usr/bin/python3
"""test_emulators.py: self-test of the three platform API emulators and run.sh.

Starts shopify.py, rakuten.py and amazon.py on free ports with a temporary self-signed certificate and
checks auth, paging, rate limits, faults, the control API, and — most important — that a full crawl
through the public API reproduces /__emu/state's checksum before and after mutations.
Prints "emulators: N passed, N failed" and exits 1 on any failure. Timings are REPORT lines, not checks.
"""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu_testlib import HERE, Checks, Client, Proc, checksum, dec, epoch, jan_ok, make_cert, next_link, timed  # noqa

T = Checks("emulators")
ok, eq = T.ok, T.eq
SH = {"X-Shopify-Access-Token": "shpat_test_token"}
SHOP_ORDERS, RAKUTEN_ORDERS, AMAZON_ORDERS = 10000, 3000, 1000
EPOCH = str(int(time.time()) // 86400 * 86400)  # pin "today" so the data cannot change at midnight


def common_controls(c, name, api_get):
    """Faults, stats, config and reset through the control API; api_get() makes one API call."""
    c.ctl("config", {"rate_limit": False})
    c.ctl("stats/reset", {})
    st, _, _ = api_get()
    eq(st, 200, "%s: plain call" % name)
    c.ctl("fault", {"kind": "500", "count": 1})
    eq(api_get()[0], 500, "%s: fault 500" % name)
    eq(api_get()[0], 200, "%s: fault 500 used up after count" % name)
    c.ctl("fault", {"kind": "500", "count": 1, "after": 1})
    eq([api_get()[0], api_get()[0], api_get()[0]], [200, 500, 200], "%s: fault after=1" % name)
    c.ctl("fault", {"kind": "429_storm", "count": 2})
    st1, h1, _ = api_get()
    eq((st1, h1.get("retry-after") in ("1", "1.0")), (429, True), "%s: storm 429 with Retry-After 1" % name)
    time.sleep(1.05)
    st2, _, _ = api_get()
    eq(st2, 429, "%s: storm second 429" % name)
    time.sleep(1.05)
    eq(api_get()[0], 200, "%s: storm over" % name)
    eq(c.ctl("stats")["early_calls"], 0, "%s: no early calls when waiting Retry-After" % name)
    c.ctl("fault", {"kind": "429_storm", "count": 1})
    api_get()
    api_get()  # immediately: before the announced Retry-After
    eq(c.ctl("stats")["early_calls"], 1, "%s: early call counted" % name)
    time.sleep(1.05)
    c.ctl("fault", {"kind": "slow", "count": 1, "seconds": 0.4})
    (st, _, _), dt = timed(api_get)
    ok(st == 200 and dt >= 0.4, "%s: slow fault delays" % name, dt)
    c.ctl("fault", {"kind": "malformed", "count": 1})
    st, h, body = api_get()
    bad = False
    try:
        json.loads(body)
    except ValueError:
        bad = True
    ok(st == 200 and bad, "%s: malformed fault gives 200 with broken JSON" % name)
    c.ctl("fault", {"kind": "expired"})
    sts = [api_get()[0] for _ in range(3)]
    ok(all(s in (401, 403) for s in sts), "%s: expired fault persists without count" % name, sts)
    c.ctl("fault", {"kind": "none"})
    eq(api_get()[0], 200, "%s: fault none clears" % name)
    c.ctl("config", {"page_delay_ms": 250})
    (st, _, _), dt = timed(api_get)
    ok(st == 200 and dt >= 0.25, "%s: page_delay_ms" % name, dt)
    c.ctl("config", {"page_delay_ms": 0})
    s = c.ctl("stats")
    ok(s["calls"] >= 15 and s["status_counts"].get("500", 0) >= 2 and s["status_counts"].get("429", 0) >= 3,
       "%s: stats counts" % name, s)
    ok(len(s["by_path"]) >= 1 and all(not k.startswith("/__emu") for k in s["by_path"]), "%s: by_path" % name)
    c.ctl("stats/reset", {})
    eq(c.ctl("stats")["calls"], 0, "%s: stats reset" % name)
    st, _, d = c.json("POST", "/__emu/fault", {"kind": "bogus"})
    eq(st, 400, "%s: unknown fault kind rejected" % name)
    st, _, d = c.json("POST", "/__emu/config", {"nope": 1})
    eq(st, 400, "%s: unknown config key rejected" % name)


# ------------------------------------------------------------------------------------------ Shopify

def shopify_crawl(c, query, limit=250):
    """Follow Link rel=next; returns (orders, pages, seconds, per-page seconds, rels seen on page 2)."""
    url = "/admin/api/2025-10/orders.json?" + urllib.parse.urlencode(dict(query, limit=limit))
    out, pages, times, rels2 = [], 0, [], None
    t0 = time.monotonic()
    while url:
        (st, h, raw), dt = timed(lambda: c.request("GET", url, headers=SH))
        if st != 200:
            raise RuntimeError("crawl got %s %s" % (st, raw[:300]))
        times.append(dt)  # request + response transfer, without the client's JSON parsing
        d = json.loads(raw)
        out.extend(d["orders"])
        pages += 1
        url, rels = next_link(h)
        if pages == 2:
            rels2 = rels
    return out, pages, time.monotonic() - t0, times, rels2


def shopify_rows(orders):
    return {str(o["id"]): (epoch(o["updated_at"]), o["total_price"], len(o["line_items"]),
                           sum(li["quantity"] for li in o["line_items"])) for o in orders}


def test_shopify(p, cafile):
    c = Client(p.port, cafile)
    api = "/admin/api/2025-10/"
    eq(p.ready_line, "ready shopify %d" % p.port, "shopify: ready line")
    st, h, d = c.json("GET", api + "orders.json")
    eq((st, d), (401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
       "shopify: missing token 401")
    eq(c.json("GET", api + "orders.json", headers={"X-Shopify-Access-Token": "x"})[0], 401, "shopify: wrong token")
    eq(c.json("GET", "/admin/api/1999-01/orders.json", headers=SH)[0], 404, "shopify: unknown version 404")
    st, h, d = c.json("GET", api + "orders.json", headers=SH)
    ok(st == 200 and len(d["orders"]) == 50, "shopify: default limit 50", st)
    ok(re.match(r"^\d+/40$", h.get("x-shopify-shop-api-call-limit", "")), "shopify: call limit header", h)
    ok(all(o["closed_at"] is None and o["cancelled_at"] is None for o in d["orders"]), "shopify: default status=open")
    o = d["orders"][0]
    ok(o["created_at"].endswith("+09:00") and re.match(r"^\d+\.00$", o["total_price"]), "shopify: formats",
       (o["created_at"], o["total_price"]))
    ok(isinstance(o["id"], int) and o["currency"] == "JPY" and o["line_items"][0]["sku"].startswith("SKU-"),
       "shopify: order shape")

    # leaky bucket: 40 fit, then 429 with the documented body and Retry-After 2.0
    c.ctl("reset", {})
    c.ctl("stats/reset", {})
    res = [c.request("GET", api + "orders/count.json", headers=SH) for _ in range(60)]
    codes = [r[0] for r in res]
    ok(all(x == 200 for x in codes[:40]) and 429 in codes, "shopify: bucket of 40 then 429", codes)
    r429 = next(r for r in res if r[0] == 429)
    eq((r429[1].get("retry-after"), r429[1].get("x-shopify-shop-api-call-limit"), json.loads(r429[2])),
       ("2.0", "40/40", {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                                   "uninterrupted service."}), "shopify: 429 details")
    time.sleep(2.05)
    eq(c.request("GET", api + "orders/count.json", headers=SH)[0], 200, "shopify: ok after Retry-After")
    first429 = codes.index(429)
    eq(c.ctl("stats")["early_calls"], len(codes) - first429 - 1, "shopify: calls within Retry-After are early")

    common_controls(c, "shopify", lambda: c.request("GET", api + "orders.json?limit=1", headers=SH))

    # full crawl: rate limits off, order=updated_at asc, 250 per page
    c.ctl("config", {"rate_limit": False})
    q = {"status": "any", "order": "updated_at asc"}
    orders, pages, secs, times, rels2 = shopify_crawl(c, q)
    times.sort()
    print("REPORT shopify full crawl: %d orders, %d pages of 250, %.2f s including client JSON parsing "
          "(page request+transfer median %.1f ms, max %.1f ms), rate limits off, TLS keep-alive"
          % (len(orders), pages, secs, times[len(times) // 2] * 1000, times[-1] * 1000), flush=True)
    with open(p.log, encoding="utf-8") as f:
        cpu = sorted(float(m.group(1)) for m in re.finditer(r"orders\.json\?limit=250&page_info=\S+ 200 \S+ "
                                                               r"cpu=([\d.]+)ms", f.read()))
    if cpu:
        print("REPORT shopify page of 250 orders (cold cache): server CPU median %.1f ms, max %.1f ms"
              % (cpu[len(cpu) // 2], cpu[-1]), flush=True)
    ids = [o["id"] for o in orders]
    eq((len(orders), len(set(ids))), (SHOP_ORDERS, SHOP_ORDERS), "shopify: crawl returns every order once")
    ups = [epoch(o["updated_at"]) for o in orders]
    ok(all(a <= b for a, b in zip(ups, ups[1:])), "shopify: updated_at ascending")
    ok(rels2 is not None and "previous" in rels2 and "next" in rels2, "shopify: page 2 has previous and next", rels2)
    ok(len(c.sockets) == 1, "shopify: keep-alive reuses one connection", len(c.sockets))
    text = json.dumps(orders, ensure_ascii=False)
    ok(all(ch in text for ch in ("髙", "﨑", "𠮷", "①", "😀", "ｺｰﾎﾟ")), "shopify: hard characters present")
    rates = {t["rate"] for o in orders for li in o["line_items"] for t in li["tax_lines"]}
    eq(rates, {0.1, 0.08}, "shopify: 10% and 8% tax lines")
    nlines = {len(o["line_items"]) for o in orders}
    eq(nlines, {1, 2, 3, 4}, "shopify: 1-4 line items")
    rows = shopify_rows(orders)
    state = c.ctl("state")
    eq(checksum(rows), state["checksum"], "shopify: crawl checksum equals /__emu/state")
    eq(c.json("GET", api + "orders/count.json?status=any", headers=SH)[2], {"count": SHOP_ORDERS}, "shopify: count")

    # previous link walks back to the same page
    st, h, d = c.json("GET", api + "orders.json?status=any&order=updated_at+asc&limit=7", headers=SH)
    nxt, _ = next_link(h)
    st, h, d2 = c.json("GET", nxt, headers=SH)
    prev = re.search(r'<([^>]+)>; rel="previous"', h.get("link", ""))
    u = urllib.parse.urlsplit(prev.group(1))
    st, h, d3 = c.json("GET", u.path + "?" + u.query, headers=SH)
    eq([o["id"] for o in d3["orders"]], [o["id"] for o in d["orders"]], "shopify: previous page = first page")
    bad = nxt + "&updated_at_min=2020-01-01T00:00:00%2B09:00"
    st, _, d = c.json("GET", bad, headers=SH)
    eq((st, d), (400, {"errors": "updated_at_min cannot be passed when page_info is present"}),
       "shopify: page_info with filter -> 400")
    eq(c.json("GET", api + "orders.json?page_info=garbage", headers=SH)[0], 400, "shopify: bad page_info -> 400")

    # updated_at_min filter agrees with count.json
    mid = orders[len(orders) // 2]["updated_at"]
    part, _, _, _, _ = shopify_crawl(c, dict(q, updated_at_min=mid))
    cnt = c.json("GET", api + "orders/count.json?" + urllib.parse.urlencode({"status": "any", "updated_at_min": mid}),
                 headers=SH)[2]["count"]
    ok(len(part) == cnt and all(epoch(o["updated_at"]) >= epoch(mid) for o in part), "shopify: updated_at_min",
       (len(part), cnt))

    # mutations and added orders show up by their new updated_at; checksum follows
    watermark = orders[-1]["updated_at"]
    mut = c.ctl("mutate", {"count": 5})["mutated"]
    added = c.ctl("add", {"count": 3})["added"]
    inc, _, _, _, _ = shopify_crawl(c, dict(q, updated_at_min=watermark))
    got = {str(o["id"]) for o in inc}
    ok(set(mut) | set(added) <= got, "shopify: incremental sync sees mutated and added orders", (mut, added, got))
    rows.update(shopify_rows(inc))
    eq(checksum(rows), c.ctl("state")["checksum"], "shopify: checksum after mutate/add")
    one = c.json("GET", api + "orders/%s.json" % mut[0], headers=SH)[2]["order"]
    dbg = c.ctl("orders/%s" % mut[0])
    eq((dbg["id"], dbg["canonical"]["total"]), (mut[0], int(dec(one["total_price"]))), "shopify: /__emu/orders/{id}")
    st, _, _ = c.json("POST", "/__emu/mutate", {"ids": ["999"]})
    eq(st, 404, "shopify: mutate unknown id")

    # products, variants, locations, inventory levels
    url, prods = api + "products.json?limit=50", []
    while url:
        st, h, d = c.json("GET", url, headers=SH)
        prods += d["products"]
        url, _ = next_link(h)
    variants = [v for pr in prods for v in pr["variants"]]
    ok(len(prods) == 200 and all(re.match(r"^SKU-\d{5}$", v["sku"]) and jan_ok(v["barcode"])
                                 and isinstance(v["inventory_item_id"], int) for v in variants),
       "shopify: products paging, SKU and JAN check digits", len(prods))
    st, _, d = c.json("GET", api + "locations.json", headers=SH)
    locs = [x["id"] for x in d["locations"]]
    eq(len(locs), 2, "shopify: locations")
    items = ",".join(str(v["inventory_item_id"]) for v in variants[:3])
    st, _, d = c.json("GET", api + "inventory_levels.json?inventory_item_ids=%s&location_ids=%s"
                      % (items, ",".join(map(str, locs))), headers=SH)
    ok(st == 200 and len(d["inventory_levels"]) == 6 and all(isinstance(x["available"], int)
                                                             for x in d["inventory_levels"]), "shopify: inventory_levels")
    eq(c.json("GET", api + "inventory_levels.json", headers=SH)[0], 422, "shopify: inventory_levels needs ids")

    # reset brings the seeded state back
    st0 = c.ctl("reset", {})
    eq((st0["orders"], st0["mutations"], st0["checksum"]), (SHOP_ORDERS, 0, state["checksum"]), "shopify: reset")
    with open(p.log, encoding="utf-8") as f:
        log = f.read()
    ok("GET /admin/api/2025-10/orders.json" in log and " 429 " in log and "shpat_test_token" not in log,
       "shopify: request log lines without secrets")


# ------------------------------------------------------------------------------------------ Rakuten

RMS_DT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$")


def rms(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+0900", time.gmtime(t + 9 * 3600))


def test_rakuten(p, cafile):
    c = Client(p.port, cafile)
    auth = {"Authorization": "ESA " + base64.b64encode(b"sp_test_secret:lk_test_key").decode(),
            "Content-Type": "application/json; charset=utf-8"}
    so, go = "/es/2.0/order/searchOrder/", "/es/2.0/order/getOrder/"
    state = c.ctl("state")
    t0, t1 = state["t_start"] - 86400, state["now"]
    search = {"dateType": 1, "startDatetime": rms(t0), "endDatetime": rms(t1),
              "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1,
                                         "SortModelList": [{"sortColumn": 1, "sortDirection": 1}]}}
    st, _, d = c.json("POST", so, search, {"Authorization": "ESA " + base64.b64encode(b"a:b").decode()})
    eq((st, d), (401, {"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}}), "rakuten: bad ESA 401")
    eq(c.json("POST", so, search)[0], 401, "rakuten: missing auth 401")

    # rate limit: 1 request/s per function
    c.ctl("reset", {})
    r1, r2 = c.request("POST", so, search, auth), c.request("POST", so, search, auth)
    ok(r1[0] == 200 and r2[0] == 429 and int(r2[1].get("retry-after", "0")) >= 1,
       "rakuten: second searchOrder within 1 s -> 429 + Retry-After", (r1[0], r2[0], r2[1].get("retry-after")))
    c.ctl("config", {"rate_limit": False})

    def bad(**kw):
        b = json.loads(json.dumps(search))
        for k, v in kw.items():
            if k in ("requestRecordsAmount", "requestPage"):
                b["PaginationRequestModel"][k] = v
            else:
                b[k] = v
        st, _, d = c.json("POST", so, b, auth)
        return st, (d.get("MessageModelList") or [{}])[0].get("messageCode") if d else None
    eq(bad(startDatetime=rms(t0).replace("+0900", "+09:00")), (400, "ORDER_EXT_API_SEARCH_ORDER_ERROR_011"),
       "rakuten: +09:00 rejected with ERROR_011")
    eq(bad(endDatetime=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t1)))[1],
       "ORDER_EXT_API_SEARCH_ORDER_ERROR_011", "rakuten: Z rejected")
    eq(bad(startDatetime=rms(t1 - 64 * 86400))[0], 400, "rakuten: window > 63 days rejected")
    eq(bad(startDatetime=rms(t1 - 731 * 86400), endDatetime=rms(t1 - 700 * 86400))[0], 400,
       "rakuten: older than 2 years rejected")
    eq(bad(requestRecordsAmount=1001)[0], 400, "rakuten: requestRecordsAmount > 1000 rejected")

    common_controls(c, "rakuten", lambda: c.request("POST", so, search, auth))

    # full crawl: search pages, then getOrder by 100
    numbers, page, total_pages = [], 1, 1
    while page <= total_pages:
        search["PaginationRequestModel"]["requestPage"] = page
        st, _, d = c.json("POST", so, search, auth)
        numbers += d["orderNumberList"]
        total_pages = d["PaginationResponseModel"]["totalPages"]
        if page == 1:
            eq(d["PaginationResponseModel"]["totalRecordsAmount"], RAKUTEN_ORDERS, "rakuten: totalRecordsAmount")
            eq(d["MessageModelList"][0]["messageCode"], "ORDER_EXT_API_SEARCH_ORDER_INFO_101", "rakuten: INFO_101")
        page += 1
    ok(len(numbers) == RAKUTEN_ORDERS and all(re.match(r"^123456-\d{8}-\d{10}$", n) for n in numbers),
       "rakuten: order numbers", len(numbers))

    def get_rows(nums):
        rows, models = {}, []
        for k in range(0, len(nums), 100):
            st, _, d = c.json("POST", go, {"orderNumberList": nums[k:k + 100], "version": 7}, auth)
            for m in d["OrderModelList"]:
                items = [it for pk in m["PackageModelList"] for it in pk["ItemModelList"]]
                shown = [m[k] for k in ("orderDatetime", "shopOrderCfmDatetime", "orderFixDatetime",
                                        "shippingInstDatetime", "shippingCmplRptDatetime") if m.get(k)]
                shown += [ch[k] for ch in m["ChangeReasonModelList"]
                          for k in ("changeApplyDatetime", "changeFixDatetime", "changeCmplDatetime") if ch.get(k)]
                rows[m["orderNumber"]] = (max(epoch(x) for x in shown), str(m["totalPrice"]), len(items),
                                          sum(it["units"] for it in items))
                models.append(m)
        return rows, models
    (rows, models), secs = timed(lambda: get_rows(numbers))
    print("REPORT rakuten full crawl: %d orders via searchOrder + getOrder x%d in %.2f s, rate limits off"
          % (len(rows), (len(numbers) + 99) // 100, secs), flush=True)
    eq(checksum(rows), c.ctl("state")["checksum"], "rakuten: crawl checksum equals /__emu/state")
    m = models[0]
    pk = m["PackageModelList"][0]
    ok(RMS_DT.match(m["orderDatetime"]) and isinstance(m["totalPrice"], int) and "OrdererModel" in m
       and "SenderModel" in pk and pk["ItemModelList"][0]["SkuModelList"][0]["variantId"].startswith("SKU-"),
       "rakuten: OrderModel shape")
    st, _, d = c.json("POST", go, {"orderNumberList": numbers[:101], "version": 7}, auth)
    eq(st, 400, "rakuten: getOrder > 100 numbers rejected")
    eq(c.json("POST", go, {"orderNumberList": numbers[:1]}, auth)[0], 400, "rakuten: getOrder needs version")
    st, _, d = c.json("POST", go, {"orderNumberList": [numbers[0], "123456-20200101-0000000000"], "version": 7}, auth)
    ok(st == 200 and len(d["OrderModelList"]) == 1
       and any(x.get("orderNumber") == "123456-20200101-0000000000" for x in d["MessageModelList"]),
       "rakuten: unknown order number reported in MessageModelList")

    # sorting, status filter, result cap
    search["PaginationRequestModel"].update(requestPage=1, requestRecordsAmount=5,
                                            SortModelList=[{"sortColumn": 1, "sortDirection": 2}])
    d = c.json("POST", so, search, auth)[2]
    eq(d["orderNumberList"], list(reversed(numbers))[:5], "rakuten: descending sort")
    d = c.json("POST", so, dict(search, orderProgressList=[100]), auth)[2]
    st, _, g = c.json("POST", go, {"orderNumberList": d["orderNumberList"], "version": 7}, auth)
    ok(d["orderNumberList"] and all(x["orderProgress"] == 100 for x in g["OrderModelList"]),
       "rakuten: orderProgressList filter")
    c.ctl("config", {"search_cap": 500})
    eq(c.json("POST", so, search, auth)[2]["PaginationResponseModel"]["totalRecordsAmount"], 500,
       "rakuten: result cap")
    c.ctl("config", {"search_cap": 15000})

    # mutation changes units/status; checksum follows; expired license
    mut = c.ctl("mutate", {"count": 4})["mutated"]
    new_rows, models = get_rows(mut)
    ok(all(m["modifyFlag"] == 1 for m in models), "rakuten: mutated orders flagged")
    ok(any(new_rows[k] != rows[k] for k in mut), "rakuten: mutation visible in getOrder")
    rows.update(new_rows)
    eq(checksum(rows), c.ctl("state")["checksum"], "rakuten: checksum after mutate")

    # inventory API
    inv = [{"manageNumber": pk["ItemModelList"][0]["manageNumber"].upper(),
            "variantId": pk["ItemModelList"][0]["SkuModelList"][0]["variantId"]},
           {"manageNumber": "no-such-item", "variantId": "x"}]
    st, _, d = c.json("POST", "/es/2.0/inventories/bulk-get", {"inventories": inv}, auth)
    ok(st == 200 and len(d["inventories"]) == 1 and isinstance(d["inventories"][0]["quantity"], int)
       and d["inventories"][0]["updated"].endswith("+09:00"), "rakuten: inventory bulk-get", d)
    eq(c.json("POST", "/es/2.1/inventories/bulk-get", {"inventories": inv * 501}, auth)[0], 400,
       "rakuten: bulk-get > 1000 rejected")
    st, _, d = c.json("GET", "/es/2.0/inventories/bulk-get/range?minQuantity=0&maxQuantity=99999", headers=auth)
    ok(st == 200 and d["inventories"] and all(0 <= e["quantity"] <= 99999 for e in d["inventories"]),
       "rakuten: inventory bulk-get/range", st)
    eq(c.json("GET", "/es/2.0/inventories/bulk-get/range?minQuantity=5&maxQuantity=1", headers=auth)[0], 400,
       "rakuten: bulk-get/range with min > max rejected")
    mn, vid = inv[0]["manageNumber"].lower(), inv[0]["variantId"]
    st, _, d = c.json("GET", "/es/2.0/inventories/manage-numbers/%s/variants/%s" % (mn, vid), headers=auth)
    ok(st == 200 and d["variantId"] == vid, "rakuten: single variant get")
    c.ctl("fault", {"kind": "expired"})
    st, _, d = c.json("POST", so, search, auth)
    eq((st, d["Results"]["errorCode"]), (401, "ES01-01"), "rakuten: expired license key")
    c.ctl("fault", {"kind": "none"})


# ------------------------------------------------------------------------------------------ Amazon

def utc(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def test_amazon(p, cafile):
    c = Client(p.port, cafile)
    form = {"grant_type": "refresh_token", "refresh_token": "Atzr|test-refresh",
            "client_id": "amzn1.application-oa2-client.test", "client_secret": "test-secret"}
    fh = {"Content-Type": "application/x-www-form-urlencoded"}

    def token(**kw):
        return c.json("POST", "/auth/o2/token", urllib.parse.urlencode(dict(form, **kw)).encode(), fh)
    st, _, d = token()
    ok(st == 200 and d["access_token"].startswith("Atza|") and d["token_type"] == "bearer"
       and d["expires_in"] == 3600, "amazon: LWA token", d)
    tok = d["access_token"]
    st, _, d = token(refresh_token="Atzr|nope")
    eq((st, d["error"]), (400, "invalid_grant"), "amazon: bad refresh token")
    st, _, d = token(client_secret="no")
    eq((st, d), (401, {"error": "invalid_client", "error_description": "Client authentication failed"}),
       "amazon: bad client")
    st, _, d = token(grant_type="password")
    eq((st, d["error"]), (400, "invalid_request"), "amazon: wrong grant_type")
    H = {"x-amz-access-token": tok}
    state = c.ctl("state")
    after = utc(state["t_start"] - 86400)
    base = "/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528&"
    q = base + "LastUpdatedAfter=%s&MaxResultsPerPage=100" % after
    st, _, d = c.json("GET", q)
    eq((st, d), (403, {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.",
                                   "details": ""}]}), "amazon: no token 403")
    for bad_q, what in ((base + "LastUpdatedAfter=" + utc(time.time() - 30), "after within 2 min"),
                        (base + "LastUpdatedAfter=" + urllib.parse.quote("2026-01-01T00:00:00+09:00"), "offset"),
                        ("/orders/v0/orders?LastUpdatedAfter=" + after, "no MarketplaceIds"),
                        (q + "&CreatedAfter=" + after, "both After params"),
                        (base + "LastUpdatedAfter=%s&MaxResultsPerPage=101" % after, "MaxResultsPerPage 101")):
        st, _, d = c.json("GET", bad_q, headers=H)
        eq((st, d and d["errors"][0]["code"]), (400, "InvalidInput"), "amazon: 400 InvalidInput for %s" % what)

    # usage plan: getOrders burst 20 then QuotaExceeded
    c.ctl("reset", {})
    res = [c.request("GET", q + "&MaxResultsPerPage=1", headers=H) for _ in range(21)]
    eq([r[0] for r in res].count(200), 20, "amazon: getOrders burst 20")
    last = res[-1]
    ok(last[0] == 429 and json.loads(last[2])["errors"][0]["code"] == "QuotaExceeded"
       and last[1].get("x-amzn-ratelimit-limit") == "0.0167", "amazon: 429 QuotaExceeded + rate header", last[1])
    c.ctl("config", {"rate_scale": 100})
    time.sleep(0.7)
    st, h, _ = c.request("GET", q + "&MaxResultsPerPage=1", headers=H)
    ok(st == 200 and h.get("x-amzn-ratelimit-limit") == "1.67", "amazon: rate_scale refills faster",
       (st, h.get("x-amzn-ratelimit-limit")))
    c.ctl("config", {"rate_scale": 1, "rate_limit": False})

    common_controls(c, "amazon", lambda: c.request("GET", q + "&MaxResultsPerPage=1", headers=H))

    def crawl(query):
        orders, url, pages = [], query, 0
        while url:
            st, _, d = c.json("GET", url, headers=H)
            if st != 200:
                raise RuntimeError("amazon crawl %s %s" % (st, d))
            orders += d["payload"]["Orders"]
            pages += 1
            nt = d["payload"].get("NextToken")
            url = base + "NextToken=" + urllib.parse.quote(nt) if nt else None
        return orders, d["payload"], pages

    def rows_of(orders):
        rows = {}
        for o in orders:
            st, _, d = c.json("GET", "/orders/v0/orders/%s/orderItems" % o["AmazonOrderId"], headers=H)
            items = d["payload"]["OrderItems"]
            rows[o["AmazonOrderId"]] = (epoch(o["LastUpdateDate"]), o["OrderTotal"]["Amount"], len(items),
                                        sum(i["QuantityOrdered"] for i in items))
        return rows
    (orders, last_payload, pages), secs = timed(lambda: crawl(q))
    ok(len(orders) == AMAZON_ORDERS and pages == AMAZON_ORDERS // 100 and "LastUpdatedBefore" in last_payload,
       "amazon: NextToken crawl", (len(orders), pages))
    ok(all(o["PurchaseDate"].endswith("Z") and o["MarketplaceId"] == "A1VC38T7YXB528"
           and re.match(r"^\d{3}-\d{7}-\d{7}$", o["AmazonOrderId"]) for o in orders), "amazon: order shape")
    (rows, secs2) = timed(lambda: rows_of(orders))
    print("REPORT amazon full crawl: %d orders in %.2f s + getOrderItems x%d in %.2f s, rate limits off"
          % (len(orders), secs, len(orders), secs2), flush=True)
    eq(checksum(rows), c.ctl("state")["checksum"], "amazon: crawl checksum equals /__emu/state")
    oid = orders[0]["AmazonOrderId"]
    ok("Name" not in orders[0]["ShippingAddress"], "amazon: no PII without RDT")
    st, _, d = c.json("GET", "/orders/v0/orders/%s/address" % oid, headers=H)
    ok(st == 200 and d["payload"]["ShippingAddress"]["Name"], "amazon: getOrderAddress")
    st, _, d = c.json("GET", "/orders/v0/orders/%s/buyerInfo" % oid, headers=H)
    ok(st == 200 and d["payload"]["BuyerEmail"].endswith("@marketplace.amazon.co.jp"), "amazon: getOrderBuyerInfo")
    st, _, d = c.json("POST", "/tokens/2021-03-01/restrictedDataToken", {"restrictedResources": [
        {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}]}, H)
    rdt = d["restrictedDataToken"]
    st, _, d = c.json("GET", "/orders/v0/orders/%s" % oid, headers={"x-amz-access-token": rdt})
    ok(st == 200 and d["payload"]["BuyerInfo"]["BuyerName"] and d["payload"]["ShippingAddress"]["Name"],
       "amazon: RDT unlocks PII")
    eq(c.json("GET", "/orders/v0/orders/999-0000000-0000000", headers=H)[0], 404, "amazon: unknown order 404")
    st, _, d = c.json("GET", base + "CreatedAfter=%s&MaxResultsPerPage=100" % after, headers=H)
    ok(st == 200 and len(d["payload"]["Orders"]) == 100 and "CreatedBefore" in d["payload"], "amazon: CreatedAfter")

    # mutations are visible only once older than 2 minutes (advance the emulator clock)
    mark = last_payload["LastUpdatedBefore"]
    mut = c.ctl("mutate", {"count": 3})["mutated"]
    inc, _, _ = crawl(base + "LastUpdatedAfter=" + mark)
    eq(len(inc), 0, "amazon: fresh updates hidden for 2 minutes")
    c.ctl("config", {"advance_clock": 180})
    inc, _, _ = crawl(base + "LastUpdatedAfter=" + mark)
    eq(sorted(o["AmazonOrderId"] for o in inc), sorted(mut), "amazon: mutated orders after 2 minutes")
    rows.update(rows_of(inc))
    eq(checksum(rows), c.ctl("state")["checksum"], "amazon: checksum after mutate")

    # expired access token
    c.ctl("config", {"token_ttl": 1})
    st, _, d = token()
    eq(d["expires_in"], 1, "amazon: token_ttl")
    time.sleep(1.1)
    st, _, d = c.json("GET", q, headers={"x-amz-access-token": d["access_token"]})
    eq((st, d["errors"][0]["code"], d["errors"][0]["details"]),
       (403, "Unauthorized", "The access token you provided has expired."), "amazon: expired token 403")
    st, _, d = c.json("GET", "/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=A1VC38T7YXB528"
                      "&marketplaceIds=A1VC38T7YXB528&details=true", headers=H)
    ok(st == 200 and d["payload"]["inventorySummaries"] and "nextToken" in d.get("pagination", {}),
       "amazon: FBA inventory summaries")


# ------------------------------------------------------------------------------------------ process-level

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_determinism(tmp, cert, key, cafile, rakuten_state):
    same = Proc("rakuten", tmp, cert, key, "--orders", str(RAKUTEN_ORDERS), "--seed", "1", "--epoch", EPOCH)
    other = Proc("rakuten", tmp, cert, key, "--orders", str(RAKUTEN_ORDERS), "--seed", "2", "--epoch", EPOCH)
    try:
        s1 = Client(same.port, cafile).ctl("state")
        s2 = Client(other.port, cafile).ctl("state")
        eq(s1["checksum"], rakuten_state["checksum"], "determinism: same seed, same checksum")
        ok(s2["checksum"] != s1["checksum"], "determinism: other seed, other checksum")
    finally:
        same.stop()
        other.stop()


def test_run_sh(tmp, cert, key):
    var = os.path.join(tmp, "var")
    os.makedirs(os.path.join(var, "tls"))
    shutil.copy(cert, os.path.join(var, "tls", "cert.pem"))
    shutil.copy(key, os.path.join(var, "tls", "key.pem"))
    env = dict(os.environ, ECC_VAR=var, ECC_EMU_ORDERS="500", ECC_EMU_SHOPIFY_PORT=str(free_port()),
               ECC_EMU_RAKUTEN_PORT=str(free_port()), ECC_EMU_AMAZON_PORT=str(free_port()))
    sh = os.path.join(HERE, "run.sh")

    def run(cmd):
        r = subprocess.run([sh, cmd], env=env, capture_output=True, text=True, timeout=60)
        return r.returncode, r.stdout + r.stderr
    rc, out = run("start")
    ok(rc == 0 and out.count("running") == 3, "run.sh start", out)
    pids = []
    for n in ("shopify", "rakuten", "amazon"):
        with open(os.path.join(var, "emulators", n + ".pid")) as f:
            pids.append(int(f.read()))
    rc, out = run("status")
    eq(rc, 0, "run.sh status while running")
    rc, out = run("stop")
    time.sleep(0.2)
    alive = [pid for pid in pids if os.path.exists("/proc/%d" % pid)]
    ok(rc == 0 and not alive, "run.sh stop leaves no process", (out, alive))
    rc, out = run("status")
    eq(rc, 3, "run.sh status when stopped")


def main():
    tmp = tempfile.mkdtemp(prefix="emu-test-")
    procs = []
    try:
        cert, key = make_cert(tmp)
        sp = Proc("shopify", tmp, cert, key, "--orders", str(SHOP_ORDERS), "--epoch", EPOCH)
        rp = Proc("rakuten", tmp, cert, key, "--orders", str(RAKUTEN_ORDERS), "--epoch", EPOCH)
        ap = Proc("amazon", tmp, cert, key, "--orders", str(AMAZON_ORDERS), "--epoch", EPOCH)
        procs = [sp, rp, ap]
        for pr in procs:
            with open(pr.pidfile) as f:
                eq(int(f.read()), pr.p.pid, "%s: pidfile" % pr.name)
        rakuten_state = Client(rp.port, cert).ctl("state")
        for fn, pr in ((test_shopify, sp), (test_rakuten, rp), (test_amazon, ap)):
            try:
                fn(pr, cert)
            except Exception as e:  # a crash in one platform's checks must not hide the others
                import traceback
                traceback.print_exc()
                ok(False, "%s: checks crashed: %s" % (pr.name, e))
        test_determinism(tmp, cert, key, cert, rakuten_state)
        test_run_sh(tmp, cert, key)
        for pr in procs:
            rc = pr.stop()
            ok(rc == 0 and not os.path.exists(pr.pidfile), "%s: clean exit on SIGTERM" % pr.name, rc)
    finally:
        for pr in procs:
            pr.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return T.done()


if __name__ == "__main__":
    sys.exit(main())
