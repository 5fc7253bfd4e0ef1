#!/usr/bin/python3
"""rakuten.py: 楽天 RMS WEB SERVICE emulator — 楽天ペイ受注API (searchOrder, getOrder) and 在庫API 2.x
(bulk-get, single variant get).

Auth: "Authorization: ESA base64(serviceSecret:licenseKey)"; failure -> 401
{"Results":{"errorCode":"ES01-01","message":"Un-Authorised"}}. Dates in the order API are
yyyy-MM-ddTHH:mm:ss+0900 (no colon); the inventory API uses +09:00. Token buckets per shop and function
(order functions 1 req/s, inventory bulk-get 5 req/s), 429 + Retry-After when empty.
Run: python3 tests/emulators/rakuten.py --port 18602 --cert C --key K --seed 1 --orders 10000
"""
import base64
import json
import math
import re

import emu
from emu import Platform, json_response
from emu_data import CANCELLED, DAY, PAID, PENDING, SHIPPED, date_jst, iso_jst, mix64, parse_iso, rms_jst

ERR_AUTH = {"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}}
ERR_THROTTLE = {"Results": {"errorCode": "ES04-04", "message": "Too Many Requests"}}
PROGRESS = {PENDING: 100, PAID: 300, SHIPPED: 500, CANCELLED: 900}
SETTLEMENT = {"card": (1, "クレジットカード"), "cod": (2, "代金引換"), "cvs": (13, "セブンイレブン（前払）"),
              "bank": (9, "銀行振込"), "paypay": (1, "クレジットカード")}
RMS_DT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$")
# function -> (bucket burst, refill per second)
LIMITS = {"searchOrder": (1, 1.0), "getOrder": (1, 1.0), "inventory.bulk-get": (5, 5.0), "inventory.bulk-get.range": (5, 5.0),
          "inventory.variant": (1, 1.0)}


def msg(kind, code, text, **extra):
    d = {"messageType": kind, "messageCode": code, "message": text}
    d.update(extra)
    return d


class Rakuten(Platform):
    name = "rakuten"

    def __init__(self, core, args):
        super().__init__(core, args)
        self.auth = "ESA " + base64.b64encode(("%s:%s" % (args.service_secret, args.license_key)).encode()).decode()
        self.shop_id = args.shop_id
        o, inv = r"^/es/2\.0/order/", r"^/es/(2\.[01])/inventories/"
        self._routes = [
            ("POST", re.compile(o + r"searchOrder/?$"), "/es/2.0/order/searchOrder/", self.search_order, False),
            ("POST", re.compile(o + r"getOrder/?$"), "/es/2.0/order/getOrder/", self.get_order, False),
            ("POST", re.compile(inv + r"bulk-get/?$"), "/es/{v}/inventories/bulk-get", self.bulk_get, False),
            ("GET", re.compile(inv + r"bulk-get/range/?$"), "/es/{v}/inventories/bulk-get/range", self.bulk_get_range,
             False),
            ("GET", re.compile(inv + r"manage-numbers/([^/]+)/variants/([^/]+)$"),
             "/es/{v}/inventories/manage-numbers/{manageNumber}/variants/{variantId}", self.variant_get, False),
        ]
        cat = self.store.catalog
        self._by_key = {(self.manage_number(v["k"]), v["sku"]): v["g"] for v in cat.variants}

    def routes(self):
        return self._routes

    # -- identity, errors, checksum
    def client_key(self, req):
        return "esa:" + req.header("authorization", "")

    def ext_id(self, i):
        return "%s-%s-%010d" % (self.shop_id, date_jst(self.store.created(i)).replace("-", ""), i)

    def parse_id(self, s):
        m = re.match(r"^(\d+)-(\d{8})-(\d{10})$", s)
        if not m:
            return None
        i = int(m.group(3))
        return i if i < self.store.count and self.ext_id(i) == s else None

    def checksum_time(self, created, updated, i, ov):
        """OrderModel has no update timestamp: the latest date it shows — a changed order's
        ChangeReasonModelList dates (the change), else the latest of its order, confirmation and shipping dates."""
        if ov is not None and ov.ver:
            return updated
        paid, shipped, _ = self.store.event_times(i, ov)
        return max(t for t in (created, paid, shipped) if t is not None)

    @staticmethod
    def manage_number(k):
        return "item-%05d" % (k + 1)

    def _is_inventory(self, req):
        return "/inventories/" in req.path

    def fault_response(self, kind, req):
        if kind == "429":
            return json_response(429, ERR_THROTTLE, [("Retry-After", "1")])
        if kind == "expired":
            return json_response(401, ERR_AUTH)
        if self._is_inventory(req):
            return json_response(500, {"errors": [{"code": "GE0001", "message": "Internal Server Error"}]})
        return json_response(500, {"MessageModelList": [msg("ERROR", "ORDER_EXT_API_SYSTEM_ERROR_999",
                                                             "システムエラーが発生しました。")]})

    def not_found(self, req):
        return json_response(404, {"Results": {"errorCode": "ES02-01", "message": "Not Found"}})

    def render_debug(self, i, ov):
        return self.order_model(self.store.order(i, ov), 10)

    # -- guard: auth then the function's token bucket
    def _guard(self, req, function):
        if req.header("authorization") != self.auth:
            return json_response(401, ERR_AUTH)
        burst, rate = LIMITS[function]
        wait, _ = self.core.take(("rakuten", self.auth, function), burst, rate)
        if wait > 0:
            return json_response(429, ERR_THROTTLE, [("Retry-After", str(max(1, math.ceil(wait))))])
        return None

    def _body(self, req):
        try:
            d = json.loads(req.body.decode("utf-8"))
            return d if isinstance(d, dict) else None
        except (ValueError, UnicodeDecodeError):
            return None

    # -- searchOrder
    def search_order(self, req):
        bad = self._guard(req, "searchOrder")
        if bad:
            return bad

        def err(code, text, status=400):
            return json_response(status, {"orderNumberList": [], "MessageModelList": [
                msg("ERROR", "ORDER_EXT_API_SEARCH_ORDER_ERROR_%s" % code, text)], "PaginationResponseModel": None})
        d = self._body(req)
        if d is None:
            return err("001", "リクエストが不正です。")
        dtype = d.get("dateType")
        if dtype not in (1, 2, 3, 4, 5, 6):
            return err("002", "期間検索種別(dateType)が不正です。")
        s, e = d.get("startDatetime"), d.get("endDatetime")
        if not isinstance(s, str) or not isinstance(e, str) or not RMS_DT.match(s) or not RMS_DT.match(e):
            return err("011", "期間検索開始日時または終了日時の書式が不正です。")
        ps, pe = parse_iso(s), parse_iso(e)
        if ps is None or pe is None:
            return err("011", "期間検索開始日時または終了日時の書式が不正です。")
        t0, t1 = int(ps[0]), int(pe[0])
        now = self.core.now()
        if t1 < t0:
            return err("012", "期間検索終了日時は開始日時以降を指定してください。")
        if t1 - t0 > 63 * DAY:
            return err("013", "期間検索の範囲は63日以内で指定してください。")
        if t0 < now - 730 * DAY:
            return err("014", "期間検索開始日時は過去2年以内を指定してください。")
        pg = d.get("PaginationRequestModel")
        if not isinstance(pg, dict):
            return err("021", "ページングリクエストモデルは必須です。")
        amount, page = pg.get("requestRecordsAmount"), pg.get("requestPage")
        if not isinstance(amount, int) or not 1 <= amount <= 1000:
            return err("022", "取得件数(requestRecordsAmount)は1〜1000で指定してください。")
        if not isinstance(page, int) or page < 1:
            return err("023", "リクエストページ番号(requestPage)が不正です。")
        desc = False
        for sm in pg.get("SortModelList") or []:
            if isinstance(sm, dict) and sm.get("sortColumn") == 1:
                desc = sm.get("sortDirection") == 2
        progress = d.get("orderProgressList")
        if progress is not None and not (isinstance(progress, list) and all(isinstance(x, int) for x in progress)):
            return err("031", "ステータスリストが不正です。")
        with self.core.lock:
            idxs = self._search(dtype, t0, t1, set(progress) if progress else None)
            cap = self.core.config["search_cap"]
            idxs = idxs[:cap]
            total = len(idxs)
            if desc:
                idxs.reverse()
            page_idx = idxs[(page - 1) * amount: page * amount]
            numbers = [self.ext_id(i) for i in page_idx]
        return json_response(200, {
            "orderNumberList": numbers,
            "MessageModelList": [msg("INFO", "ORDER_EXT_API_SEARCH_ORDER_INFO_101", "注文検索に成功しました。")],
            "PaginationResponseModel": {"totalRecordsAmount": total, "totalPages": (total + amount - 1) // amount,
                                        "requestPage": page}})

    def _search(self, dtype, t0, t1, progress):
        """Order indexes matching the search, in ascending order-date order (lock held)."""
        st = self.store
        hi = st.first_created_at_or_after(t1 + 1)
        if dtype == 1:
            lo = st.first_created_at_or_after(t0)
            cand = range(lo, hi)
        else:
            cand = range(0, hi)  # events happen after the order: scan every order placed before t1
        if dtype == 1 and progress is None:
            return list(cand)
        out = []
        for i in cand:
            if progress is not None and PROGRESS[st.stage(i)] not in progress:
                continue
            if dtype != 1:
                paid, shipped, _ = st.event_times(i, st.overlay.get(i))
                t = paid if dtype in (2, 3, 6) else shipped
                if t is None or not t0 <= t <= t1:
                    continue
            out.append(i)
        return out

    # -- getOrder
    def get_order(self, req):
        bad = self._guard(req, "getOrder")
        if bad:
            return bad

        def err(code, text):
            return json_response(400, {"MessageModelList": [
                msg("ERROR", "ORDER_EXT_API_GET_ORDER_ERROR_%s" % code, text)], "OrderModelList": [], "version": None})
        d = self._body(req)
        if d is None:
            return err("001", "リクエストが不正です。")
        nums = d.get("orderNumberList")
        if not isinstance(nums, list) or not nums or not all(isinstance(x, str) for x in nums):
            return err("002", "注文番号リスト(orderNumberList)は必須です。")
        if len(nums) > 100:
            return err("003", "注文番号リストは100件以内で指定してください。")
        version = d.get("version")
        if not isinstance(version, int) or not 3 <= version <= 10:
            return err("004", "バージョン番号(version)が不正です。")
        found, missing = [], []
        with self.core.lock:
            for n in nums:
                i = self.parse_id(n)
                (missing if i is None else found).append(n if i is None else i)
            snap = self.core.snapshot(found)
        models = [self.core.cached(("rakuten", version), i, ov,
                                   lambda i=i, ov=ov: self.order_model(self.store.order(i, ov), version))
                  for i, ov in snap]
        msgs = [msg("INFO", "ORDER_EXT_API_GET_ORDER_INFO_101",
                    "受注情報取得に成功しました。(取得件数%d件)" % len(models))] if models else []
        msgs += [msg("ERROR", "ORDER_EXT_API_GET_ORDER_ERROR_010", "該当する受注情報が存在しません。", orderNumber=n)
                 for n in missing]
        return json_response(200, {"MessageModelList": msgs, "OrderModelList": models, "version": version})

    @staticmethod
    def _changes(c):
        """A changed order (quantity or status edited after it was placed) lists the change with its dates."""
        if not c["ver"]:
            return []
        t = rms_jst(c["updated"])
        return [{"changeId": c["ver"], "changeType": 1, "changeTypeDetail": 1, "changeValue": 1,
                 "changeTypeDetailValue": "数量変更", "changeApply": 1, "changeApplyDatetime": t,
                 "changeFixDatetime": t, "changeCmplDatetime": t}]

    def order_model(self, c, version):
        """OrderModel of canonical order c (field names per the RakutenPayOrderAPI getOrder docs)."""
        i = c["i"]
        b, s = c["buyer"], c["ship"]
        st = c["stage"]
        cod = 330 if c["payment"] == "cod" else 0
        paid, shipped = c["paid_at"], c["shipped_at"]
        code, name = SETTLEMENT[c["payment"]]
        items = []
        for ln in c["lines"]:
            item = {"itemDetailId": 100000000 + i * 8 + ln["n"], "itemName": ln["title"],
                    "itemId": 10000000 + ln["k"], "itemNumber": "%s-%s" % (self.manage_number(ln["k"]), ln["sku"]),
                    "manageNumber": self.manage_number(ln["k"]), "price": ln["price"], "units": ln["qty"],
                    "includePostageFlag": 0, "includeTaxFlag": 1, "includeCashOnDeliveryPostageFlag": 0,
                    "selectedChoice": None if ln["nvariants"] == 1 else "%s:%s" % (ln["option"], ln["variant_title"]),
                    "pointRate": 1, "pointType": 0, "inventoryType": 1 if ln["nvariants"] == 1 else 2,
                    "delvdateInfo": "1～2日以内に発送予定", "restoreInventoryFlag": 0, "dealFlag": 0, "drugFlag": 0,
                    "deleteItemFlag": 0, "taxRate": ln["tax_rate"] / 100.0, "priceTaxIncl": ln["price"],
                    "isSingleItemShipping": 0}
            if version >= 7:
                item["SkuModelList"] = [{"variantId": ln["sku"], "merchantDefinedSkuId": ln["sku"],
                                         "skuInfo": None if ln["nvariants"] == 1 else ln["variant_title"]}]
            items.append(item)
        shipping = []
        if st == SHIPPED:
            ccode, cname, _, _ = c["carrier"]
            shipping.append({"shippingDetailId": 200000000 + i, "shippingNumber": c["tracking"],
                             "deliveryCompany": ccode, "deliveryCompanyName": cname,
                             "shippingDate": date_jst(shipped)})
        goods, fee, total = c["subtotal"], c["shipping_fee"], c["total"]
        request = total + cod - c["points"]
        rates = {}
        for ln in c["lines"]:
            rates.setdefault(ln["tax_rate"], [0, 0])
            rates[ln["tax_rate"]][0] += ln["amount"]
            rates[ln["tax_rate"]][1] += ln["tax"]
        rates.setdefault(10, [0, 0])
        rates[10][0] += fee + cod
        rates[10][1] += (fee + cod) * 10 // 110
        m = {"orderNumber": self.ext_id(i), "orderProgress": PROGRESS[st], "subStatusId": None,
             "subStatusName": None, "orderDatetime": rms_jst(c["created"]),
             "shopOrderCfmDatetime": rms_jst(paid) if paid else None,
             "orderFixDatetime": rms_jst(paid) if paid else None,
             "shippingInstDatetime": rms_jst(paid) if paid and st != CANCELLED else None,
             "shippingCmplRptDatetime": rms_jst(shipped) if shipped else None,
             "cancelDueDate": date_jst(c["created"] + 365 * DAY), "deliveryDate": None, "shippingTerm": None,
             "remarks": "[配送日時指定:]\n" + c["note"], "giftCheckFlag": 0, "severalSenderFlag": 0,
             "equalSenderFlag": 1 if s is b else 0, "isolatedIslandFlag": 0, "rakutenMemberFlag": 1,
             "carrierCode": 11, "emailCarrierCode": 0, "orderType": 1, "reserveNumber": None,
             "reserveDeliveryCount": None, "cautionDisplayType": 0, "cautionDisplayDetailType": None,
             "rakutenConfirmFlag": 0, "goodsPrice": goods, "goodsTax": 0, "postagePrice": fee,
             "deliveryPrice": cod, "paymentCharge": 0, "paymentChargeTaxRate": 0.1, "totalPrice": total,
             "requestPrice": request, "couponAllTotalPrice": 0, "couponShopPrice": 0, "couponOtherPrice": 0,
             "additionalFeeOccurAmountToUser": 0, "additionalFeeOccurAmountToShop": 0, "asurakuFlag": 0,
             "drugFlag": 0, "dealFlag": 0, "membershipType": 0, "memo": None, "operator": None,
             "mailPlugSentence": None, "modifyFlag": 1 if c["ver"] else 0, "receiptIssueCount": 0,
             "receiptIssueHistoryList": [],
             "OrdererModel": dict(self._person(b), emailAddress="%016xs1@pc.fw.rakuten.ne.jp" % mix64(i * 31 + 7),
                                  sex="-", birthYear=0, birthMonth=0, birthDay=0),
             "SettlementModel": {"settlementMethodCode": code, "settlementMethod": name, "rpaySettlementFlag": 1,
                                 "cardName": "VISA" if code == 1 else None,
                                 "cardNumber": "XXXX-XXXX-XXXX-%04d" % (i % 10000) if code == 1 else None,
                                 "cardOwner": None, "cardYm": None, "cardPayType": 0 if code == 1 else None,
                                 "cardInstallmentDesc": None},
             "DeliveryModel": {"deliveryName": "宅配便", "deliveryClass": 0},
             "PointModel": {"usedPoint": c["points"]}, "WrappingModel1": None, "WrappingModel2": None,
             "PackageModelList": [{
                 "basketId": 300000000 + i, "postagePrice": fee, "postageTaxRate": 0.1, "deliveryPrice": cod,
                 "deliveryTaxRate": 0.1, "goodsTax": 0, "goodsPrice": goods, "totalPrice": total, "noshi": None,
                 "packageDeleteFlag": 0, "SenderModel": dict(self._person(s), isolatedIslandFlag=0),
                 "ItemModelList": items, "ShippingModelList": shipping, "DeliveryCvsModel": None,
                 "defaultDeliveryCompanyCode": c["carrier"][0]}],
             "CouponModelList": [], "ChangeReasonModelList": self._changes(c),
             "TaxSummaryModelList": [{"taxRate": r / 100.0, "reqPrice": v[0], "reqPriceTax": v[1], "totalPrice": v[0],
                                      "paymentCharge": 0, "couponPrice": 0, "point": 0}
                                     for r, v in sorted(rates.items(), reverse=True)],
             "DueDateModelList": []}
        if version >= 8:
            m.update(deliveryCertPrgFlag=0, oneDayOperationFlag=0)
        if version >= 9:
            m.update(dropOffFlag=0, dropOffLocation=None)
        return m

    @staticmethod
    def _person(p):
        z = p["zip"].split("-")
        ph = p["phone"].split("-")
        sub = p["street"] + (" " + p["building"] if p["building"] else "")
        return {"zipCode1": z[0], "zipCode2": z[1], "prefecture": p["pref"], "city": p["city"], "subAddress": sub,
                "familyName": p["family"], "firstName": p["given"], "familyNameKana": p["family_kana"],
                "firstNameKana": p["given_kana"], "phoneNumber1": ph[0], "phoneNumber2": ph[1], "phoneNumber3": ph[2]}

    # -- inventory 2.x
    def _inv(self, g, mn):
        st = self.store
        v = st.catalog.variants[g]
        t = iso_jst(st.t_start - DAY + g * 60)
        q = st.catalog.stock(st.seed, g, 0) + st.catalog.stock(st.seed, g, 1)
        return {"manageNumber": mn, "variantId": v["sku"], "quantity": q, "created": t, "updated": t}

    def bulk_get(self, req):
        bad = self._guard(req, "inventory.bulk-get")
        if bad:
            return bad
        d = self._body(req)
        inv = d.get("inventories") if d else None
        if not isinstance(inv, list) or not inv:
            return json_response(400, {"errors": [{"code": "GE0014", "message": "inventories is required",
                                                   "metadata": {"propertyPath": "inventories"}}]})
        if len(inv) > 1000:
            return json_response(400, {"errors": [{"code": "GE0014", "message": "inventories must be 1000 or less",
                                                   "metadata": {"propertyPath": "inventories"}}]})
        out = []
        for k, e in enumerate(inv):
            if not isinstance(e, dict) or not isinstance(e.get("manageNumber"), str) \
                    or not isinstance(e.get("variantId"), str):
                return json_response(400, {"errors": [{"code": "GE0014", "message": "manageNumber and variantId "
                                                       "are required", "metadata": {
                                                           "propertyPath": "inventories[%d]" % k}}]})
            mn = e["manageNumber"].lower()
            g = self._by_key.get((mn, e["variantId"]))
            if g is not None:  # unknown item/SKU is not an error, it is just absent
                out.append(self._inv(g, mn))
        return json_response(200, {"inventories": out})

    def bulk_get_range(self, req):
        """GET bulk-get/range?minQuantity=&maxQuantity=: every SKU whose quantity is in the range, at most 1000,
        newest update first (the documented cap: a client narrows the range when it gets 1000)."""
        bad = self._guard(req, "inventory.bulk-get.range")
        if bad:
            return bad
        try:
            lo, hi = int(req.q("minQuantity", "")), int(req.q("maxQuantity", ""))
        except ValueError:
            return json_response(400, {"errors": [{"code": "GE0014", "message": "minQuantity and maxQuantity are "
                                                   "required integers", "metadata": {"propertyPath": "minQuantity"}}]})
        if lo < 0 or hi > 99999 or lo > hi:
            return json_response(400, {"errors": [{"code": "GE0014", "message": "quantity range out of bounds",
                                                   "metadata": {"propertyPath": "maxQuantity"}}]})
        out = []
        for v in self.store.catalog.variants:
            e = self._inv(v["g"], self.manage_number(v["k"]))
            if lo <= e["quantity"] <= hi:
                out.append(e)
        out.sort(key=lambda e: e["updated"], reverse=True)
        return json_response(200, {"inventories": out[:1000]})

    def variant_get(self, req):
        bad = self._guard(req, "inventory.variant")
        if bad:
            return bad
        mn = req.match.group(2).lower()
        g = self._by_key.get((mn, req.match.group(3)))
        if g is None:
            return json_response(404, {"errors": [{"code": "IE0001", "message": "Inventory not found.",
                                                   "metadata": {"propertyPath": "variantId"}}]})
        return json_response(200, self._inv(g, mn))


def add_args(p):
    p.add_argument("--service-secret", default="sp_test_secret")
    p.add_argument("--license-key", default="lk_test_key")
    p.add_argument("--shop-id", default="123456", help="first part of order numbers")


if __name__ == "__main__":
    raise SystemExit(emu.main(Rakuten, add_args))
