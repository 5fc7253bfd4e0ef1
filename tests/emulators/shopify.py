#!/usr/bin/python3
"""shopify.py: Shopify Admin REST API emulator (orders, count, products, locations, inventory levels).

Auth: X-Shopify-Access-Token. Leaky bucket per token (capacity 40, leak 2/s, scaled by rate_scale)
reported in X-Shopify-Shop-Api-Call-Limit on every authenticated response; 429 with Retry-After: 2.0
when full. Cursor paging through Link headers with an opaque page_info (base64url JSON).
Run: python3 tests/emulators/shopify.py --port 18601 --cert C --key K --seed 1 --orders 10000
"""
import base64
import binascii
import json
import math
import re
import urllib.parse
import uuid

import emu
from emu import Platform, dumps, json_response
from emu_data import CANCELLED, PAID, PENDING, SHIPPED, parse_iso
import shopify_render as R

VERSIONS = {"2024-10", "2025-01", "2025-04", "2025-07", "2025-10", "2026-01", "2026-04", "2026-07", "unstable"}
ERR_401 = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
ERR_429 = {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                     "uninterrupted service."}
ORDER_FILTERS = ("ids", "since_id", "created_at_min", "created_at_max", "updated_at_min", "updated_at_max",
                 "processed_at_min", "processed_at_max", "status", "financial_status", "fulfillment_status",
                 "order", "attribution_app_id")
ORDERS = {"updated_at": "updated", "created_at": "created", "id": "created", "processed_at": "created"}


class BadRequest(Exception):
    def __init__(self, obj, status=400):
        super().__init__(str(obj))
        self.obj, self.status = obj, status


def _b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def _unb64(s):
    try:
        obj = json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    except (ValueError, binascii.Error):
        return None
    return obj if isinstance(obj, dict) else None


def _limit(req, default=50):
    v = req.q("limit")
    if v is None:
        return default
    try:
        return max(1, min(250, int(v)))
    except ValueError:
        raise BadRequest({"errors": {"limit": ["is invalid"]}})


class Shopify(Platform):
    name = "shopify"

    def __init__(self, core, args):
        super().__init__(core, args)
        self.token = args.access_token
        self.capacity, self.leak = args.bucket_size, args.leak_rate
        v = r"^/admin/api/([^/]+)/"
        self._routes = [
            ("GET", re.compile(v + r"orders\.json$"), "/admin/api/{version}/orders.json", self.orders, False),
            ("GET", re.compile(v + r"orders/count\.json$"), "/admin/api/{version}/orders/count.json",
             self.orders_count, False),
            ("GET", re.compile(v + r"orders/(\d+)\.json$"), "/admin/api/{version}/orders/{id}.json",
             self.order_get, False),
            ("GET", re.compile(v + r"products\.json$"), "/admin/api/{version}/products.json", self.products, False),
            ("GET", re.compile(v + r"products/count\.json$"), "/admin/api/{version}/products/count.json",
             self.products_count, False),
            ("GET", re.compile(v + r"locations\.json$"), "/admin/api/{version}/locations.json",
             self.locations, False),
            ("GET", re.compile(v + r"inventory_levels\.json$"), "/admin/api/{version}/inventory_levels.json",
             self.inventory_levels, False),
        ]

    def routes(self):
        return self._routes

    # -- identity, errors, checksum
    def client_key(self, req):
        return "token:" + req.header("x-shopify-access-token", "")

    def ext_id(self, i):
        return str(R.ORDER_ID_BASE + i)

    def parse_id(self, s):
        if not s.isdigit():
            return None
        i = int(s) - R.ORDER_ID_BASE
        return i if 0 <= i < self.store.count else None

    def _headers(self, used=None):
        h = [("X-Request-Id", str(uuid.uuid4()))]
        if used is not None:
            h.append(("X-Shopify-Shop-Api-Call-Limit", "%d/%d" % (min(used, self.capacity), self.capacity)))
        return h

    def fault_response(self, kind, req):
        if kind == "429":
            return json_response(429, ERR_429, self._headers(self.capacity) + [("Retry-After", "1.0")])
        if kind == "expired":
            return json_response(401, ERR_401, self._headers())
        return json_response(500, {"errors": "Internal Server Error"}, self._headers())

    def not_found(self, req):
        return json_response(404, {"errors": "Not Found"}, self._headers())

    def render_debug(self, i, ov):
        return json.loads(R.order(self.store.order(i, ov), self.args.shop))

    # -- request guard: auth, bucket, version
    def _guard(self, req, fn):
        if req.header("x-shopify-access-token") != self.token:
            return json_response(401, ERR_401, self._headers())
        wait, bucket = self.core.take(("shopify", self.token), self.capacity, self.leak)
        used = bucket.used() if self.core.config["rate_limit"] else 1
        if wait > 0:
            return json_response(429, ERR_429, self._headers(self.capacity) + [("Retry-After", "2.0")])
        if req.match.group(1) not in VERSIONS:
            return json_response(404, {"errors": "Not Found"}, self._headers(used))
        try:
            status, body, extra = fn(req)
        except BadRequest as e:
            return json_response(e.status, e.obj, self._headers(used))
        except (KeyError, TypeError, ValueError, IndexError):
            if req.q("page_info") is None:
                raise
            return json_response(400, {"errors": {"page_info": ["is invalid"]}}, self._headers(used))
        return json_response(status, body, self._headers(used) + extra)

    def orders(self, req):
        return self._guard(req, self._orders)

    def orders_count(self, req):
        return self._guard(req, self._orders_count)

    def order_get(self, req):
        return self._guard(req, self._order_get)

    def products(self, req):
        return self._guard(req, self._products)

    def products_count(self, req):
        return self._guard(req, lambda r: (200, {"count": len(self.store.catalog.products)}, []))

    def locations(self, req):
        return self._guard(req, lambda r: (200, {"locations": [R.location(self.store, loc)
                                                                for loc in R.LOCATIONS]}, []))

    def inventory_levels(self, req):
        return self._guard(req, self._inventory_levels)

    # -- filters
    def _time_param(self, req, name):
        v = req.q(name)
        if v is None or v == "":
            return None
        p = parse_iso(v)
        if p is None:
            raise BadRequest({"errors": {name: ["is invalid"]}})
        return p[0]

    def _filters(self, req):
        f = {"status": req.q("status", "open"), "fin": req.q("financial_status", "any"),
             "ful": req.q("fulfillment_status", "any")}
        if f["status"] not in ("open", "closed", "cancelled", "any"):
            raise BadRequest({"errors": {"status": ["is invalid"]}})
        for name, key, rnd in (("updated_at_min", "umin", math.ceil), ("updated_at_max", "umax", math.floor),
                               ("created_at_min", "cmin", math.ceil), ("created_at_max", "cmax", math.floor),
                               ("processed_at_min", "cmin", math.ceil), ("processed_at_max", "cmax", math.floor)):
            t = self._time_param(req, name)
            if t is not None:
                f[key] = int(rnd(t))
        since = req.q("since_id")
        if since:
            if not since.isdigit():
                raise BadRequest({"errors": {"since_id": ["is invalid"]}})
            f["since"] = int(since) - R.ORDER_ID_BASE
        return f

    def _match(self, i, f):
        st = self.store
        stage = st.stage(i)
        s = f["status"]
        if (s == "open" and stage in (SHIPPED, CANCELLED)) or (s == "closed" and stage not in (SHIPPED, CANCELLED)) \
                or (s == "cancelled" and stage != CANCELLED):
            return False
        fin = f["fin"]
        if fin != "any":
            ov = st.overlay.get(i)
            refunded = stage == CANCELLED and ov is not None and ov.stage == CANCELLED and ov.times[0]
            name = {PENDING: "pending", PAID: "paid", SHIPPED: "paid"}.get(stage) or (
                "refunded" if refunded else "voided")
            if not (fin == name or (fin == "unpaid" and name == "pending")):
                return False
        ful = f["ful"]
        if ful in ("shipped", "fulfilled") and stage != SHIPPED:
            return False
        if ful in ("unshipped", "unfulfilled") and stage == SHIPPED:
            return False
        if "since" in f and i <= f["since"]:
            return False
        if "cmin" in f or "cmax" in f:
            c = st.created(i)
            if c < f.get("cmin", c) or c > f.get("cmax", c):
                return False
        if "umin" in f or "umax" in f:
            u = st.updated(i)
            if u < f.get("umin", u) or u > f.get("umax", u):
                return False
        return True

    def _walk(self, f, order, key, forward):
        """Yield (cursor key, index) in page order from cursor key (exclusive)."""
        st = self.store
        field, asc = order
        asc = asc if forward else not asc
        if field == "updated":
            for u, i in st.iter_updated(after=tuple(key) if key else None, lo=f.get("umin"),
                                        hi=f.get("umax"), desc=not asc):
                yield [u, i], i
            return
        if asc:
            start = key[0] + 1 if key else 0
            if "cmin" in f:
                start = max(start, st.first_created_at_or_after(f["cmin"]))
            for i in range(start, st.count):
                if "cmax" in f and st.created(i) > f["cmax"]:
                    return
                yield [i], i
        else:
            end = key[0] - 1 if key else st.count - 1
            if "cmax" in f:
                end = min(end, st.first_created_at_or_after(f["cmax"] + 1) - 1)
            for i in range(end, -1, -1):
                if ("cmin" in f and st.created(i) < f["cmin"]) or ("since" in f and i <= f["since"]):
                    return
                yield [i], i

    def _take(self, f, order, key, forward, limit):
        out = []
        for k, i in self._walk(f, order, key, forward):
            if self._match(i, f):
                out.append((k, i))
                if len(out) > limit:
                    break
        return out[:limit], len(out) > limit

    def _order_spec(self, req):
        spec = (req.q("order") or ("id asc" if req.q("since_id") else "created_at desc")).split()
        if not spec or spec[0] not in ORDERS or (len(spec) > 1 and spec[1].lower() not in ("asc", "desc")):
            raise BadRequest({"errors": {"order": ["is invalid"]}})
        return [ORDERS[spec[0]], len(spec) == 1 or spec[1].lower() == "asc"]

    def _cursor(self, req, resource):
        """(decoded page_info cursor or None for a first page, page size)."""
        limit = _limit(req)
        pi = req.q("page_info")
        if pi is None:
            return None, limit
        for name in req.query:
            if name not in ("page_info", "limit", "fields"):
                raise BadRequest({"errors": "%s cannot be passed when page_info is present" % name})
        c = _unb64(pi)
        if c is None or c.get("r") != resource:
            raise BadRequest({"errors": {"page_info": ["is invalid"]}})
        return c, limit

    def _links(self, req, resource, c, limit, page, has_next, has_prev):
        """Link header with rel="previous"/"next" page_info cursors around `page` [(key, index)]."""
        base = "%s://%s/admin/api/%s/%s.json?limit=%d" % (req.scheme, req.host, req.match.group(1), resource, limit)
        if req.q("fields"):
            base += "&fields=" + urllib.parse.quote(req.q("fields"), safe=",_")
        parts = []
        if has_prev and page:
            parts.append('<%s&page_info=%s>; rel="previous"' % (base, _b64(dict(c, k=page[0][0], d="p"))))
        if has_next and page:
            parts.append('<%s&page_info=%s>; rel="next"' % (base, _b64(dict(c, k=page[-1][0], d="n"))))
        return [("Link", ", ".join(parts))] if parts else []

    def _fields(self, req):
        fields = req.q("fields")
        return [x.strip() for x in fields.split(",") if x.strip()] if fields else None

    def _render_orders(self, snap, fields):
        shop = self.args.shop
        frags = []
        for i, ov in snap:
            frag = self.core.cached("shopify", i, ov,
                                   lambda i=i, ov=ov: R.order(self.store.order(i, ov), shop).encode("utf-8"))
            if fields:
                d = json.loads(frag)
                frag = dumps({k: d[k] for k in fields if k in d})
            frags.append(frag)
        return b"[" + b",".join(frags) + b"]"

    # -- handlers proper: return (status, body object or bytes, extra headers)
    def _orders(self, req):
        c, limit = self._cursor(req, "orders")
        with self.core.lock:
            if c is None:
                f = self._filters(req)
                if req.q("ids"):
                    return self._orders_by_ids(req, f, limit)
                c = {"r": "orders", "f": f, "o": self._order_spec(req)}
                page, more = self._take(c["f"], c["o"], None, True, limit)
                has_next, has_prev = more, False
            else:
                fwd = c.get("d") != "p"
                page, more = self._take(c["f"], c["o"], c.get("k"), fwd, limit)
                if not fwd:
                    page.reverse()
                probe = (lambda k, fw: bool(self._take(c["f"], c["o"], k, fw, 1)[0]))
                has_next = more if fwd else bool(page) and probe(page[-1][0], True)
                has_prev = (bool(page) and probe(page[0][0], False)) if fwd else more
            c = {"r": c["r"], "f": c["f"], "o": c["o"]}
            snap = self.core.snapshot([i for _, i in page])
        body = b'{"orders":' + self._render_orders(snap, self._fields(req)) + b"}"
        return 200, body, self._links(req, "orders", c, limit, page, has_next, has_prev)

    def _orders_by_ids(self, req, f, limit):
        idxs = []
        for s in req.q("ids").split(","):
            i = self.parse_id(s.strip())
            if i is not None and self._match(i, f):
                idxs.append(i)
        field, asc = self._order_spec(req)
        idxs.sort(key=(lambda i: (self.store.updated(i), i)) if field == "updated" else None, reverse=not asc)
        snap = self.core.snapshot(idxs[:limit])
        return 200, b'{"orders":' + self._render_orders(snap, self._fields(req)) + b"}", []

    def _orders_count(self, req):
        with self.core.lock:
            f = self._filters(req)
            st = self.store
            simple = f["status"] == "any" and f["fin"] == "any" and f["ful"] == "any" and "since" not in f
            if simple and not ("cmin" in f or "cmax" in f):
                n = st.count_updated(f.get("umin"), f.get("umax"))
            else:
                n = sum(1 for i in range(st.count) if self._match(i, f))
        return 200, {"count": n}, []

    def _order_get(self, req):
        i = self.parse_id(req.match.group(2))
        if i is None:
            raise BadRequest({"errors": "Not Found"}, 404)
        with self.core.lock:
            (i, ov), = self.core.snapshot([i])
        d = json.loads(R.order(self.store.order(i, ov), self.args.shop))
        fields = self._fields(req)
        return 200, {"order": {k: d[k] for k in fields if k in d} if fields else d}, []

    @staticmethod
    def _list_page(keys, c, limit):
        """Keyset page over the sorted key list for cursor c: (page keys, has_next, has_prev)."""
        k = c.get("k")
        if c.get("d") == "p":
            rest = [x for x in keys if x < k]
            return rest[-limit:], True, len(rest) > limit
        rest = [x for x in keys if k is None or x > k]
        return rest[:limit], len(rest) > limit, k is not None and any(x < k for x in keys)

    def _products(self, req):
        c, limit = self._cursor(req, "products")
        cat = self.store.catalog
        if c is None:
            since = req.q("since_id", "")
            start = max(0, int(since) - R.PRODUCT_ID_BASE + 1) if since.isdigit() else 0
            c = {"r": "products", "ids": req.q("ids", ""), "since": start}
        want = {int(x) - R.PRODUCT_ID_BASE for x in c["ids"].split(",") if x.strip().isdigit()}
        keys = [[k] for k in range(c["since"], len(cat.products)) if not want or k in want]
        page_keys, has_next, has_prev = self._list_page(keys, c, limit)
        body = [R.product(self.store, cat.products[k]) for k, in page_keys]
        fields = self._fields(req)
        if fields:
            body = [{f: p[f] for f in fields if f in p} for p in body]
        cc = {"r": "products", "ids": c["ids"], "since": c["since"]}
        page = [(k, None) for k in page_keys]
        return 200, {"products": body}, self._links(req, "products", cc, limit, page, has_next, has_prev)

    def _inventory_levels(self, req):
        c, limit = self._cursor(req, "inventory_levels")
        if c is None:
            items, locs = req.q("inventory_item_ids", ""), req.q("location_ids", "")
            if not items and not locs:
                raise BadRequest({"errors": "inventory_item_ids, location_ids, or both must be specified"}, 422)
            c = {"r": "inventory_levels", "items": items, "locs": locs}
        items = [x.strip() for x in c["items"].split(",") if x.strip()]
        locs = [x.strip() for x in c["locs"].split(",") if x.strip()]
        if len(items) > 50 or len(locs) > 50:
            raise BadRequest({"errors": "inventory_item_ids and location_ids accept at most 50 ids"}, 422)
        nv = len(self.store.catalog.variants)
        gs = sorted({int(x) - R.ITEM_ID_BASE for x in items if x.isdigit()} & set(range(nv))) if items else range(nv)
        ns = [n for n, loc in enumerate(R.LOCATIONS) if not locs or str(loc["id"]) in locs]
        page_keys, has_next, has_prev = self._list_page([[g, n] for g in gs for n in ns], c, limit)
        cc = {"r": "inventory_levels", "items": c["items"], "locs": c["locs"]}
        body = {"inventory_levels": [R.inventory_level(self.store, g, n) for g, n in page_keys]}
        page = [(k, None) for k in page_keys]
        return 200, body, self._links(req, "inventory_levels", cc, limit, page, has_next, has_prev)


def add_args(p):
    p.add_argument("--access-token", default="shpat_test_token", help="accepted X-Shopify-Access-Token")
    p.add_argument("--shop", default="emu-shop.myshopify.com", help="shop domain used inside payloads")
    p.add_argument("--bucket-size", type=int, default=40)
    p.add_argument("--leak-rate", type=float, default=2.0, help="requests/s leaking out of the bucket")


if __name__ == "__main__":
    raise SystemExit(emu.main(Shopify, add_args))
