#!/usr/bin/python3
"""amazon.py: Amazon SP-API emulator — LWA token endpoint, Orders v0 (getOrders, getOrder,
getOrderItems, getOrderAddress, getOrderBuyerInfo), Tokens (restricted data token) and FBA inventory
summaries, with per-operation token buckets (usage plans of the models, scalable with rate_scale).

Auth: POST /auth/o2/token (grant_type=refresh_token) -> "Atza|..." access token (lifetime token_ttl),
sent as x-amz-access-token; invalid/expired -> 403 Unauthorized. PII (buyer name, full address, email)
appears in getOrders/getOrder only with a restricted data token; /address and /buyerInfo always give it.
Run: python3 tests/emulators/amazon.py --port 18603 --cert C --key K --seed 1 --orders 10000
"""
import base64
import binascii
import json
import math
import re
import secrets
import time
import urllib.parse
import uuid

import emu
from emu import Platform, json_response
from emu_data import CANCELLED, PAID, PENDING, SHIPPED, DAY, iso_utc, mix64, parse_iso

MARKETPLACE = "A1VC38T7YXB528"
STATUS = {PENDING: "Pending", PAID: "Unshipped", SHIPPED: "Shipped", CANCELLED: "Canceled"}
STATUS_REV = {v: k for k, v in STATUS.items()}
# operation -> (burst, rate per second) from the models' usage plans
PLANS = {"getOrders": (20, 0.0167), "getOrder": (30, 0.5), "getOrderItems": (30, 0.5),
         "getOrderAddress": (30, 0.5), "getOrderBuyerInfo": (30, 0.5), "createRestrictedDataToken": (10, 1.0),
         "getInventorySummaries": (2, 2.0)}
OPS = {"/orders/v0/orders": "getOrders", "/orders/v0/orders/{orderId}": "getOrder",
       "/orders/v0/orders/{orderId}/orderItems": "getOrderItems",
       "/orders/v0/orders/{orderId}/address": "getOrderAddress",
       "/orders/v0/orders/{orderId}/buyerInfo": "getOrderBuyerInfo",
       "/tokens/2021-03-01/restrictedDataToken": "createRestrictedDataToken",
       "/fba/inventory/v1/summaries": "getInventorySummaries"}
ERR_403 = "Access to requested resource is denied."
M7 = 10 ** 7
MULT = 7919
MULT_INV = pow(MULT, -1, M7)


def errors(status, code, message, details="", headers=None):
    return json_response(status, {"errors": [{"code": code, "message": message, "details": details}]}, headers)


def money(n):
    return {"CurrencyCode": "JPY", "Amount": "%d.00" % n}


class BadInput(Exception):
    pass


class Amazon(Platform):
    name = "amazon"

    def __init__(self, core, args):
        super().__init__(core, args)
        self.tokens = {}  # access token -> (client_id, monotonic expiry, is_rdt)
        o = r"^/orders/v0/orders"
        oid = r"/(\d{3}-\d{7}-\d{7})"
        self._routes = [
            ("POST", re.compile(r"^/auth/o2/token$"), "/auth/o2/token", self.lwa_token, True),
            ("GET", re.compile(o + r"$"), "/orders/v0/orders", self.get_orders, False),
            ("GET", re.compile(o + oid + r"$"), "/orders/v0/orders/{orderId}", self.get_order, False),
            ("GET", re.compile(o + oid + r"/orderItems$"), "/orders/v0/orders/{orderId}/orderItems",
             self.get_order_items, False),
            ("GET", re.compile(o + oid + r"/address$"), "/orders/v0/orders/{orderId}/address",
             self.get_order_address, False),
            ("GET", re.compile(o + oid + r"/buyerInfo$"), "/orders/v0/orders/{orderId}/buyerInfo",
             self.get_order_buyer_info, False),
            ("POST", re.compile(r"^/tokens/2021-03-01/restrictedDataToken$"),
             "/tokens/2021-03-01/restrictedDataToken", self.create_rdt, False),
            ("GET", re.compile(r"^/fba/inventory/v1/summaries$"), "/fba/inventory/v1/summaries",
             self.inventory_summaries, False),
        ]

    def routes(self):
        return self._routes

    # -- identity, errors, checksum
    def client_key(self, req):
        if req.path == "/auth/o2/token":
            return "lwa:" + self._form(req).get("client_id", "")
        tok = req.header("x-amz-access-token", "")
        with self.core.lock:
            t = self.tokens.get(tok)
        return "lwa:" + t[0] if t else "tok:" + tok

    def ext_id(self, i):
        lo = (i % M7 * MULT + self.store.seed * 104729) % M7
        return "%03d-%07d-%07d" % (250 + i // M7, mix64(self.store.seed * 31 + i) % M7, lo)

    def parse_id(self, s):
        m = re.match(r"^(\d{3})-(\d{7})-(\d{7})$", s)
        if not m or int(m.group(1)) < 250:
            return None
        lo = (int(m.group(3)) - self.store.seed * 104729) % M7 * MULT_INV % M7
        i = (int(m.group(1)) - 250) * M7 + lo
        return i if i < self.store.count and self.ext_id(i) == s else None

    def _headers(self, op=None):
        h = [("x-amzn-RequestId", str(uuid.uuid4()))]
        if op:
            rate = PLANS[op][1] * self.core.config["rate_scale"]
            h.append(("x-amzn-RateLimit-Limit", ("%.4f" % rate).rstrip("0").rstrip(".")))
        return h

    def fault_response(self, kind, req):
        if kind == "429":
            return errors(429, "QuotaExceeded", "You exceeded your quota for the requested resource.",
                          headers=self._headers(self._op(req)) + [("Retry-After", "1")])
        if kind == "expired":
            return errors(403, "Unauthorized", ERR_403, "The access token you provided has expired.", self._headers())
        return errors(500, "InternalFailure", "We encountered an internal error. Please try again.",
                      headers=self._headers())

    def not_found(self, req):
        return errors(404, "NotFound", "Resource not found.", headers=self._headers())

    def _op(self, req):
        """Operation name (key of PLANS) of the route req.path matches, or None."""
        for _, rx, template, _, _ in self._routes:
            if rx.match(req.path):
                return OPS.get(template)
        return None

    def render_debug(self, i, ov):
        c = self.store.order(i, ov)
        return {"order": self.order(c, True), "items": self.items(c)}

    # -- LWA
    @staticmethod
    def _form(req):
        if req.header("content-type", "").startswith("application/json"):
            try:
                d = json.loads(req.body.decode("utf-8"))
                return {k: str(v) for k, v in d.items()} if isinstance(d, dict) else {}
            except (ValueError, UnicodeDecodeError):
                return {}
        return dict(urllib.parse.parse_qsl(req.body.decode("utf-8", "replace")))

    def lwa_token(self, req):
        f = self._form(req)
        a = self.args
        if f.get("grant_type") != "refresh_token" or not f.get("refresh_token") or not f.get("client_id"):
            return json_response(400, {"error": "invalid_request",
                                       "error_description": "The request is missing a required parameter"})
        if f.get("client_id") != a.client_id or f.get("client_secret") != a.client_secret:
            return json_response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if f["refresh_token"] != a.refresh_token:
            return json_response(400, {"error": "invalid_grant",
                                       "error_description": "The request has an invalid grant parameter : refresh_token"})
        tok = "Atza|" + secrets.token_urlsafe(48)
        ttl = self.core.config["token_ttl"]
        with self.core.lock:
            now = time.monotonic()
            if len(self.tokens) > 10000:
                self.tokens = {k: v for k, v in self.tokens.items() if v[1] > now}
            self.tokens[tok] = (f["client_id"], now + ttl, False)
        return json_response(200, {"access_token": tok, "refresh_token": a.refresh_token, "token_type": "bearer",
                                   "expires_in": int(math.ceil(ttl))})

    def _guard(self, req, op):
        """None when the call may proceed, else the 403 (token) or 429 (usage plan) response."""
        tok = req.header("x-amz-access-token")
        with self.core.lock:
            t = self.tokens.get(tok) if tok else None
        if t is None:
            return errors(403, "Unauthorized", ERR_403, "", self._headers())
        if time.monotonic() >= t[1]:
            return errors(403, "Unauthorized", ERR_403, "The access token you provided has expired.", self._headers())
        burst, rate = PLANS[op]
        wait, _ = self.core.take(("amazon", t[0], op), burst, rate)
        if wait > 0:
            return errors(429, "QuotaExceeded", "You exceeded your quota for the requested resource.",
                          headers=self._headers(op))
        return None

    def _rdt(self, req):
        with self.core.lock:
            t = self.tokens.get(req.header("x-amz-access-token"))
        return bool(t and t[2])

    def create_rdt(self, req):
        bad = self._guard(req, "createRestrictedDataToken")
        if bad:
            return bad
        try:
            d = json.loads(req.body.decode("utf-8"))
            res = d["restrictedResources"]
            if not isinstance(res, list) or not res:
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return errors(400, "InvalidInput", "Invalid Input", headers=self._headers())
        tok = "Atz.sprdt|" + secrets.token_urlsafe(48)
        with self.core.lock:
            client = self.tokens[req.header("x-amz-access-token")][0]
            self.tokens[tok] = (client, time.monotonic() + 3600, True)
        return json_response(200, {"restrictedDataToken": tok, "expiresIn": 3600},
                             self._headers("createRestrictedDataToken"))

    # -- rendering
    def _address(self, p, full):
        a = {"StateOrRegion": p["pref"], "PostalCode": p["zip"], "City": p["city"], "CountryCode": "JP"}
        if full:
            a = dict({"Name": "%s %s" % (p["family"], p["given"]), "AddressLine1": p["street"]},
                     **({"AddressLine2": p["building"]} if p["building"] else {}), **a,
                     Phone=p["phone"], AddressType="Residential")
        return a

    def order(self, c, pii):
        i, st = c["i"], c["stage"]
        qty = c["qty"]
        created = c["created"]
        pay = {"cod": ("COD", ["COD"]), "cvs": ("CVS", ["CVS"])}.get(c["payment"], ("Other", ["Standard"]))
        o = {"AmazonOrderId": self.ext_id(i), "SellerOrderId": "EMU-%08d" % i,
             "PurchaseDate": iso_utc(created), "LastUpdateDate": iso_utc(c["updated"]),
             "OrderStatus": STATUS[st], "FulfillmentChannel": "MFN", "SalesChannel": "Amazon.co.jp",
             "ShipServiceLevel": "Std JP Kanto8", "OrderTotal": money(c["total"]),
             "NumberOfItemsShipped": qty if st == SHIPPED else 0,
             "NumberOfItemsUnshipped": qty if st in (PENDING, PAID) else 0,
             "PaymentMethod": pay[0], "PaymentMethodDetails": pay[1], "MarketplaceId": MARKETPLACE,
             "ShipmentServiceLevelCategory": "Standard", "OrderType": "StandardOrder",
             "EarliestShipDate": iso_utc(created + DAY), "LatestShipDate": iso_utc(created + 3 * DAY),
             "EarliestDeliveryDate": iso_utc(created + 2 * DAY), "LatestDeliveryDate": iso_utc(created + 5 * DAY),
             "IsBusinessOrder": False, "IsPrime": False, "IsPremiumOrder": False, "IsGlobalExpressEnabled": False,
             "IsReplacementOrder": False, "IsSoldByAB": False, "IsIBA": False, "IsISPU": False,
             "IsAccessPointOrder": False, "HasRegulatedItems": False,
             "ShippingAddress": self._address(c["ship"], pii),
             "BuyerInfo": self._buyer(c) if pii else {},
             "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False}}
        return o

    def _buyer(self, c):
        b = c["buyer"]
        return {"BuyerEmail": "%013x@marketplace.amazon.co.jp" % (mix64(c["i"] * 13 + 5) >> 12),
                "BuyerName": "%s %s" % (b["family"], b["given"])}

    def items(self, c):
        out = []
        for ln in c["lines"]:
            fee = c["shipping_fee"] if ln["n"] == 0 else 0
            vt = "" if ln["variant_title"] == "Default Title" else " " + ln["variant_title"]
            out.append({"ASIN": "B0%08X" % (mix64(ln["g"] + 77) & 0xFFFFFFFF), "SellerSKU": ln["sku"],
                        "OrderItemId": "%014d" % (10 ** 13 + c["i"] * 8 + ln["n"]), "Title": ln["title"] + vt,
                        "QuantityOrdered": ln["qty"],
                        "QuantityShipped": ln["qty"] if c["stage"] == SHIPPED else 0,
                        "ProductInfo": {"NumberOfItems": "1"}, "ItemPrice": money(ln["amount"]),
                        "ShippingPrice": money(fee), "ItemTax": money(ln["tax"]), "ShippingTax": money(fee * 10 // 110),
                        "ShippingDiscount": money(0), "ShippingDiscountTax": money(0), "PromotionDiscount": money(0),
                        "PromotionDiscountTax": money(0), "PromotionIds": [], "IsGift": "false", "ConditionId": "New",
                        "ConditionSubtypeId": "New", "SerialNumberRequired": False, "IsTransparency": False})
        return out

    # -- getOrders
    def _time(self, q, name):
        v = q(name)
        if v is None:
            return None
        p = parse_iso(v)
        if p is None or p[1] != "Z":
            raise BadInput("Invalid Input: %s must be an ISO 8601 date-time in UTC ('Z')" % name)
        return p[0]

    def get_orders(self, req):
        bad = self._guard(req, "getOrders")
        if bad:
            return bad
        try:
            return self._get_orders(req)
        except BadInput as e:
            return errors(400, "InvalidInput", str(e), headers=self._headers("getOrders"))
        except (KeyError, TypeError, ValueError, IndexError):  # a tampered NextToken
            if not req.q("NextToken"):
                raise
            return errors(400, "InvalidInput", "Invalid NextToken", headers=self._headers("getOrders"))

    def _get_orders(self, req):
        q = req.q
        mk = [x for x in (q("MarketplaceIds") or "").split(",") if x]
        if not mk:
            raise BadInput("Missing required parameter: MarketplaceIds")
        if MARKETPLACE not in mk:
            raise BadInput("Invalid MarketplaceIds")
        nt = q("NextToken")
        if nt:
            try:
                c = json.loads(base64.urlsafe_b64decode(nt + "=" * (-len(nt) % 4)))
                if not isinstance(c, dict) or c.get("m") not in ("u", "c"):
                    raise ValueError
            except (ValueError, binascii.Error):
                raise BadInput("Invalid NextToken")
        else:
            c = self._criteria(q)
        with self.core.lock:
            page, more = self._page(c)
            snap = self.core.snapshot([i for _, i in page])
        pii = self._rdt(req)
        orders = [self.core.cached(("amazon", pii), i, ov, lambda i=i, ov=ov: self.order(self.store.order(i, ov), pii))
                  for i, ov in snap]
        payload = {"Orders": orders}
        if more and page:
            payload["NextToken"] = base64.urlsafe_b64encode(json.dumps(
                dict(c, k=page[-1][0]), separators=(",", ":")).encode()).decode().rstrip("=")
        payload["LastUpdatedBefore" if c["m"] == "u" else "CreatedBefore"] = iso_utc(c["hi"])
        return json_response(200, {"payload": payload}, self._headers("getOrders"))

    def _criteria(self, q):
        cafter, uafter = self._time(q, "CreatedAfter"), self._time(q, "LastUpdatedAfter")
        cbefore, ubefore = self._time(q, "CreatedBefore"), self._time(q, "LastUpdatedBefore")
        if (cafter is None) == (uafter is None):
            raise BadInput("Exactly one of CreatedAfter and LastUpdatedAfter is required")
        if uafter is not None and (cafter is not None or cbefore is not None):
            raise BadInput("CreatedAfter or CreatedBefore cannot be set when LastUpdatedAfter is set")
        if cafter is not None and ubefore is not None:
            raise BadInput("LastUpdatedAfter and LastUpdatedBefore cannot be set when CreatedAfter is set")
        after, before = (uafter, ubefore) if uafter is not None else (cafter, cbefore)
        name = "LastUpdated" if uafter is not None else "Created"
        limit = self.core.now() - self.core.config["min_age_s"]
        if after > limit:
            raise BadInput("%sAfter must be a date at least 2 minutes before the current time" % name)
        if before is not None and (before < after or before > limit):
            raise BadInput("%sBefore must be equal to or after %sAfter and at least 2 minutes before the current time"
                           % (name, name))
        try:
            n = int(q("MaxResultsPerPage") or 100)
        except ValueError:
            raise BadInput("Invalid MaxResultsPerPage")
        if not 1 <= n <= 100:
            raise BadInput("MaxResultsPerPage must be between 1 and 100")
        statuses = [s for s in (q("OrderStatuses") or "").split(",") if s]
        for s in statuses:
            if s not in STATUS_REV and s not in ("PendingAvailability", "PartiallyShipped", "InvoiceUnconfirmed",
                                                 "Unfulfillable"):
                raise BadInput("Invalid OrderStatuses: %s" % s)
        pays = [s for s in (q("PaymentMethods") or "").split(",") if s]
        chans = [s for s in (q("FulfillmentChannels") or "").split(",") if s]
        return {"m": "u" if uafter is not None else "c", "lo": int(math.ceil(after)),
                "hi": int(math.floor(before if before is not None else limit)), "n": n,
                "st": [STATUS_REV[s] for s in statuses if s in STATUS_REV] if statuses else None,
                "pay": pays or None, "ch": chans or None, "k": None}

    def _match(self, i, c):
        st = self.store
        if c["st"] is not None and st.stage(i) not in c["st"]:
            return False
        if c["ch"] is not None and "MFN" not in c["ch"]:
            return False
        if c["pay"] is not None:
            p = st.order(i, st.overlay.get(i))["payment"]
            if {"cod": "COD", "cvs": "CVS"}.get(p, "Other") not in c["pay"]:
                return False
        return True

    def _page(self, c):
        st = self.store
        out = []
        if c["m"] == "u":
            walk = ((list(k), k[1]) for k in st.iter_updated(after=tuple(c["k"]) if c["k"] else None,
                                                              lo=c["lo"], hi=c["hi"]))
        else:
            start = c["k"][0] + 1 if c["k"] else st.first_created_at_or_after(c["lo"])

            def walk_c():
                for i in range(start, st.count):
                    if st.created(i) > c["hi"]:
                        return
                    yield [i], i
            walk = walk_c()
        for k, i in walk:
            if self._match(i, c):
                out.append((k, i))
                if len(out) > c["n"]:
                    break
        return out[:c["n"]], len(out) > c["n"]

    # -- single order endpoints
    def _one(self, req, op):
        bad = self._guard(req, op)
        if bad:
            return None, bad
        with self.core.lock:
            i = self.parse_id(req.match.group(1))
            snap = self.core.snapshot([i]) if i is not None else None
        if i is None:
            return None, errors(404, "NotFound", "Order not found: %s" % req.match.group(1),
                                headers=self._headers(op))
        i, ov = snap[0]
        return self.store.order(i, ov), None

    def get_order(self, req):
        c, bad = self._one(req, "getOrder")
        return bad or json_response(200, {"payload": self.order(c, self._rdt(req))}, self._headers("getOrder"))

    def get_order_items(self, req):
        c, bad = self._one(req, "getOrderItems")
        return bad or json_response(200, {"payload": {"AmazonOrderId": self.ext_id(c["i"]),
                                                      "OrderItems": self.items(c)}}, self._headers("getOrderItems"))

    def get_order_address(self, req):
        c, bad = self._one(req, "getOrderAddress")
        return bad or json_response(200, {"payload": {"AmazonOrderId": self.ext_id(c["i"]),
                                                      "ShippingAddress": self._address(c["ship"], True)}},
                                    self._headers("getOrderAddress"))

    def get_order_buyer_info(self, req):
        c, bad = self._one(req, "getOrderBuyerInfo")
        return bad or json_response(200, {"payload": dict(self._buyer(c), AmazonOrderId=self.ext_id(c["i"]))},
                                    self._headers("getOrderBuyerInfo"))

    # -- FBA inventory (MFN data shown as fulfillable quantity; nextToken paging by SKU)
    def inventory_summaries(self, req):
        bad = self._guard(req, "getInventorySummaries")
        if bad:
            return bad
        h = self._headers("getInventorySummaries")
        if req.q("granularityType") != "Marketplace" or req.q("granularityId") != MARKETPLACE \
                or MARKETPLACE not in (req.q("marketplaceIds") or "").split(","):
            return errors(400, "InvalidInput", "Invalid Input", headers=h)
        st = self.store
        vs = st.catalog.variants
        skus = [s for s in (req.q("sellerSkus") or "").split(",") if s]
        if len(skus) > 50:
            return errors(400, "InvalidInput", "sellerSkus accepts at most 50 values", headers=h)
        gs = [v["g"] for v in vs if v["sku"] in set(skus)] if skus else list(range(len(vs)))
        start = 0
        if req.q("nextToken"):
            try:
                start = int(base64.urlsafe_b64decode(req.q("nextToken") + "==").decode())
            except (ValueError, binascii.Error):
                return errors(400, "InvalidInput", "Invalid nextToken", headers=h)
        page = gs[start:start + 50]
        t = iso_utc(st.t_start - DAY)
        summaries = []
        for g in page:
            v = vs[g]
            q = st.catalog.stock(st.seed, g, 0) + st.catalog.stock(st.seed, g, 1)
            s = {"asin": "B0%08X" % (mix64(g + 77) & 0xFFFFFFFF), "fnSku": "X00%07d" % g, "sellerSku": v["sku"],
                 "condition": "NewItem", "lastUpdatedTime": t, "productName": st.catalog.products[v["k"]]["title"],
                 "totalQuantity": q}
            if req.q("details") == "true":
                s["inventoryDetails"] = {"fulfillableQuantity": q, "inboundWorkingQuantity": 0,
                                         "inboundShippedQuantity": 0, "inboundReceivingQuantity": 0}
            summaries.append(s)
        body = {"granularity": {"granularityType": "Marketplace", "granularityId": MARKETPLACE},
                "inventorySummaries": summaries}
        out = {"payload": body}
        if start + 50 < len(gs):
            out["pagination"] = {"nextToken": base64.urlsafe_b64encode(str(start + 50).encode()).decode()}
        return json_response(200, out, h)


def add_args(p):
    p.add_argument("--client-id", default="amzn1.application-oa2-client.test")
    p.add_argument("--client-secret", default="test-secret")
    p.add_argument("--refresh-token", default="Atzr|test-refresh")


if __name__ == "__main__":
    raise SystemExit(emu.main(Amazon, add_args))
