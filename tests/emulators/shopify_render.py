"""shopify_render.py: Shopify Admin REST JSON shapes (orders, products, locations, inventory levels)
built from the emulator's canonical data. Field names follow the 2025-10 fixtures in
shared/api-samples/shopify/; money is a decimal string, times carry the shop offset +09:00.
"""
from json.encoder import encode_basestring as _enc

from emu_data import CANCELLED, PAID, PENDING, SHIPPED, iso_jst

ORDER_ID_BASE = 5100000000000
LINE_ID_BASE = 13000000000000
CUSTOMER_ID_BASE = 7700000000000
PRODUCT_ID_BASE = 7100000000
VARIANT_ID_BASE = 41000000000
ITEM_ID_BASE = 43000000000
FULFILLMENT_ID_BASE = 4400000000000
LOCATIONS = [
    {"id": 61000000001, "name": "東京倉庫", "address1": "有明3-7-26", "address2": "有明フロンティアビル",
     "city": "江東区", "zip": "135-0063", "province": "Tokyo", "province_code": "JP-13"},
    {"id": 61000000002, "name": "大阪倉庫", "address1": "南港北1-14-16", "address2": None,
     "city": "大阪市住之江区", "zip": "559-0034", "province": "Osaka", "province_code": "JP-27"},
]


def money(n):
    return "%d.00" % n


def money_set(n):
    s = money(n)
    return {"shop_money": {"amount": s, "currency_code": "JPY"},
            "presentment_money": {"amount": s, "currency_code": "JPY"}}


# ---- orders are serialized through %-templates: about 4x faster than building dicts for json.dumps,
# which keeps a cold page of 250 orders well under 50 ms. Each template is one JSON object; every
# string value goes through js() (JSON string escaping), every money amount through ms()/mj().

def js(s):
    return "null" if s is None else _enc(s)


def mj(n):
    """JSON money string "1234.00" (quoted)."""
    return '"%d.00"' % n


_MS = {}


def ms(n):
    """JSON money set object of n yen."""
    v = _MS.get(n)
    if v is None:
        a = "%d.00" % n
        v = ('{"shop_money":{"amount":"%s","currency_code":"JPY"},'
             '"presentment_money":{"amount":"%s","currency_code":"JPY"}}') % (a, a)
        if len(_MS) < 100000:
            _MS[n] = v
    return v


def tax_line(amount, rate):
    return '{"price":%s,"rate":%s,"title":"消費税","price_set":%s,"channel_liable":false}' % (
        mj(amount), "0.1" if rate == 10 else "0.08", ms(amount))


def address(p):
    return ('{"first_name":%s,"address1":%s,"phone":%s,"city":%s,"zip":%s,"province":%s,"country":"Japan",'
            '"last_name":%s,"address2":%s,"company":null,"latitude":null,"longitude":null,"name":%s,'
            '"country_code":"JP","province_code":%s}') % (
        js(p["given"]), js(p["street"]), js(p["phone"]), js(p["city"]), js(p["zip"]), js(p["pref_en"]),
        js(p["family"]), js(p["building"]), js("%s %s" % (p["family"], p["given"])), js(p["pref_code"]))


def order_flags(c):
    """(financial_status, fulfillment_status, closed_at, cancelled_at) of a canonical order."""
    st = c["stage"]
    fin = {PENDING: "pending", PAID: "paid", SHIPPED: "paid"}.get(st)
    if st == CANCELLED:
        fin = "refunded" if c["paid_at"] else "voided"
    closed = c["shipped_at"] if st == SHIPPED else c["cancelled_at"] if st == CANCELLED else None
    return fin, ("fulfilled" if st == SHIPPED else None), closed, c["cancelled_at"] if st == CANCELLED else None


LINE_T = ('{"id":%(id)d,"admin_graphql_api_id":"gid://shopify/LineItem/%(id)d","attributed_staffs":[],'
          '"current_quantity":%(cur)d,"fulfillable_quantity":%(open)d,"fulfillment_service":"manual",'
          '"fulfillment_status":%(ful)s,"gift_card":false,"grams":%(grams)d,"name":%(name)s,"price":%(price)s,'
          '"price_set":%(price_set)s,"product_exists":true,"product_id":%(pid)d,"properties":[],'
          '"quantity":%(qty)d,"requires_shipping":true,"sku":%(sku)s,"taxable":true,"title":%(title)s,'
          '"total_discount":"0.00","total_discount_set":%(zero)s,"variant_id":%(vid)d,'
          '"variant_inventory_management":"shopify","variant_title":%(vt)s,"vendor":"エミュ商店",'
          '"tax_lines":[%(tax)s],"duties":[],"discount_allocations":[]}')
FUL_LINE_T = ('{"id":%(id)d,"admin_graphql_api_id":"gid://shopify/LineItem/%(id)d","variant_id":%(vid)d,'
              '"product_id":%(pid)d,"sku":%(sku)s,"title":%(title)s,"name":%(name)s,"quantity":%(qty)d,'
              '"price":%(price)s,"fulfillment_status":%(ful)s}')


def _line_values(c, ln, i):
    lid = LINE_ID_BASE + i * 8 + ln["n"]
    vt = None if ln["variant_title"] == "Default Title" else ln["variant_title"]
    return {"id": lid, "cur": ln["qty"] if c["stage"] != CANCELLED else 0,
            "open": ln["qty"] if c["stage"] in (PENDING, PAID) else 0,
            "ful": '"fulfilled"' if c["stage"] == SHIPPED else "null", "grams": ln["grams"],
            "name": js(ln["title"] + (" - " + vt if vt else "")), "price": mj(ln["price"]),
            "price_set": ms(ln["price"]), "pid": PRODUCT_ID_BASE + ln["k"], "qty": ln["qty"],
            "sku": js(ln["sku"]), "title": js(ln["title"]), "zero": ms(0), "vid": VARIANT_ID_BASE + ln["g"],
            "vt": js(vt), "tax": tax_line(ln["tax"], ln["tax_rate"])}


FULFILLMENT_T = ('{"id":%(id)d,"admin_graphql_api_id":"gid://shopify/Fulfillment/%(id)d","created_at":%(t)s,'
                 '"location_id":%(loc)d,"name":"#%(num)d.1","order_id":%(oid)d,"origin_address":{},"receipt":{},'
                 '"service":"manual","shipment_status":null,"status":"success","tracking_company":%(company)s,'
                 '"tracking_number":%(tn)s,"tracking_numbers":[%(tn)s],"tracking_url":%(url)s,'
                 '"tracking_urls":[%(url)s],"updated_at":%(t)s,"line_items":[%(lines)s]}')
CUSTOMER_T = ('{"id":%(id)d,"email":%(email)s,"created_at":%(t)s,"updated_at":%(t)s,"first_name":%(first)s,'
              '"last_name":%(last)s,"state":"enabled","note":null,"verified_email":true,'
              '"multipass_identifier":null,"tax_exempt":false,"phone":null,"tags":"","currency":"JPY",'
              '"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/%(id)d",'
              '"default_address":%(addr)s}')
SHIPPING_T = ('{"id":%(id)d,"carrier_identifier":null,"code":"通常配送","discounted_price":%(fee)s,'
              '"discounted_price_set":%(fee_set)s,"is_removed":false,"phone":null,"price":%(fee)s,'
              '"price_set":%(fee_set)s,"requested_fulfillment_service_id":null,"source":"shopify",'
              '"title":"通常配送","tax_lines":[%(tax)s],"discount_allocations":[]}')
ORDER_T = (
    '{"id":%(id)d,"admin_graphql_api_id":"gid://shopify/Order/%(id)d","app_id":580111,"browser_ip":null,'
    '"buyer_accepts_marketing":false,"cancel_reason":%(cancel_reason)s,"cancelled_at":%(cancelled_at)s,'
    '"cart_token":null,"checkout_id":%(checkout_id)d,"checkout_token":"%(token)s","client_details":null,'
    '"closed_at":%(closed_at)s,"confirmation_number":"EMU%(i)07d","confirmed":true,"contact_email":%(email)s,'
    '"created_at":%(created)s,"currency":"JPY","current_subtotal_price":%(cur_sub)s,'
    '"current_subtotal_price_set":%(cur_sub_set)s,"current_total_additional_fees_set":null,'
    '"current_total_discounts":"0.00","current_total_discounts_set":%(zero)s,"current_total_duties_set":null,'
    '"current_total_price":%(cur_total)s,"current_total_price_set":%(cur_total_set)s,'
    '"current_total_tax":%(cur_tax)s,"current_total_tax_set":%(cur_tax_set)s,"customer_locale":"ja",'
    '"device_id":null,"discount_codes":[],"duties_included":false,"email":%(email)s,"estimated_taxes":false,'
    '"financial_status":%(fin)s,"fulfillment_status":%(ful)s,"landing_site":null,"landing_site_ref":null,'
    '"location_id":null,"merchant_of_record_app_id":null,"name":"#%(num)d","note":%(note)s,'
    '"note_attributes":[],"number":%(number)d,"order_number":%(num)d,'
    '"order_status_url":"https://%(shop)s/orders/%(token)s/authenticate?key=%(key)s",'
    '"original_total_additional_fees_set":null,"original_total_duties_set":null,'
    '"payment_gateway_names":[%(gateway)s],"phone":%(phone)s,"po_number":null,"presentment_currency":"JPY",'
    '"processed_at":%(created)s,"reference":null,"referring_site":null,"source_identifier":null,'
    '"source_name":"web","source_url":null,"subtotal_price":%(sub)s,"subtotal_price_set":%(sub_set)s,'
    '"tags":"","tax_exempt":false,"tax_lines":[%(tax_lines)s],"taxes_included":true,"test":false,'
    '"token":"%(token)s","total_discounts":"0.00","total_discounts_set":%(zero)s,'
    '"total_line_items_price":%(sub)s,"total_line_items_price_set":%(sub_set)s,'
    '"total_outstanding":%(outstanding)s,"total_price":%(total)s,"total_price_set":%(total_set)s,'
    '"total_shipping_price_set":%(fee_set)s,"total_tax":%(tax)s,"total_tax_set":%(tax_set)s,'
    '"total_tip_received":"0.00","total_weight":%(weight)d,"updated_at":%(updated)s,"user_id":null,'
    '"billing_address":%(billing)s,"customer":%(customer)s,"discount_applications":[],'
    '"fulfillments":[%(fulfillments)s],"line_items":[%(line_items)s],"payment_terms":null,"refunds":[],'
    '"shipping_address":%(shipping)s,"shipping_lines":[%(shipping_lines)s]}')


def order(c, shop):
    """REST order object of canonical order c, as a JSON text."""
    i = c["i"]
    oid = ORDER_ID_BASE + i
    fin, ful, closed, cancelled = order_flags(c)
    b = c["buyer"]
    created = js(iso_jst(c["created"]))
    lines = [_line_values(c, ln, i) for ln in c["lines"]]
    by_rate = {}
    for ln in c["lines"]:
        by_rate[ln["tax_rate"]] = by_rate.get(ln["tax_rate"], 0) + ln["tax"]
    fee = c["shipping_fee"]
    ship_tax = fee * 10 // 110
    if ship_tax:
        by_rate[10] = by_rate.get(10, 0) + ship_tax
    total, sub, tax = c["total"], c["subtotal"], c["tax"]
    cur_total, cur_sub, cur_tax = (0, 0, 0) if c["stage"] == CANCELLED else (total, sub, tax)
    token = "%032x" % ((oid * 0x9E3779B97F4A7C15) & ((1 << 128) - 1))
    fulfillments = ""
    if c["stage"] == SHIPPED:
        code, _, company, _ = c["carrier"]
        fulfillments = FULFILLMENT_T % {
            "id": FULFILLMENT_ID_BASE + i, "t": js(iso_jst(c["shipped_at"])), "loc": LOCATIONS[0]["id"],
            "num": 1001 + i, "oid": oid, "company": js(company), "tn": js(c["tracking"]),
            "url": js("https://track.example.jp/%s/%s" % (code, c["tracking"])),
            "lines": ",".join(FUL_LINE_T % v for v in lines)}
    cust = CUSTOMER_ID_BASE + b["n"]
    addr = address(b)
    return ORDER_T % {
        "id": oid, "i": i, "num": 1001 + i, "number": 1 + i, "shop": shop, "token": token, "key": token[::-1],
        "cancel_reason": '"customer"' if cancelled else "null",
        "cancelled_at": js(iso_jst(cancelled)) if cancelled else "null",
        "checkout_id": 31000000000000 + i, "closed_at": js(iso_jst(closed)) if closed else "null",
        "email": js(b["email"]), "created": created, "updated": js(iso_jst(c["updated"])),
        "cur_sub": mj(cur_sub), "cur_sub_set": ms(cur_sub), "cur_total": mj(cur_total),
        "cur_total_set": ms(cur_total), "cur_tax": mj(cur_tax), "cur_tax_set": ms(cur_tax), "zero": ms(0),
        "fin": js(fin), "ful": js(ful), "note": js(c["note"] or None),
        "gateway": '"代金引換"' if c["payment"] == "cod" else '"shopify_payments"', "phone": js(b["phone"]),
        "sub": mj(sub), "sub_set": ms(sub), "total": mj(total), "total_set": ms(total),
        "tax": mj(tax), "tax_set": ms(tax), "fee_set": ms(fee),
        "tax_lines": ",".join(tax_line(v, r) for r, v in sorted(by_rate.items())),
        "outstanding": mj(total if c["stage"] == PENDING else 0),
        "weight": sum(ln["grams"] * ln["qty"] for ln in c["lines"]),
        "billing": addr,
        "customer": CUSTOMER_T % {"id": cust, "email": js(b["email"]), "t": created, "first": js(b["given"]),
                                  "last": js(b["family"]),
                                  "addr": addr[:-1] + ',"id":%d,"customer_id":%d,"default":true,'
                                                      '"country_name":"Japan"}' % (cust, cust)},
        "fulfillments": fulfillments, "line_items": ",".join(LINE_T % v for v in lines),
        "shipping": address(c["ship"]),
        "shipping_lines": SHIPPING_T % {"id": 4100000000000 + i, "fee": mj(fee), "fee_set": ms(fee),
                                        "tax": tax_line(ship_tax, 10) if ship_tax else ""},
    }


def variant(store, v, t):
    qty = sum(store.catalog.stock(store.seed, v["g"], n) for n in range(len(LOCATIONS)))
    vid = VARIANT_ID_BASE + v["g"]
    return {"id": vid, "product_id": PRODUCT_ID_BASE + v["k"], "title": v["title"], "price": money(v["price"]),
            "position": v["pos"], "inventory_policy": "deny", "compare_at_price": None,
            "option1": v["title"], "option2": None, "option3": None, "created_at": t, "updated_at": t,
            "taxable": True, "barcode": v["jan"], "fulfillment_service": "manual", "grams": v["grams"],
            "inventory_management": "shopify", "requires_shipping": True, "sku": v["sku"],
            "weight": v["grams"] / 1000.0, "weight_unit": "kg", "inventory_item_id": ITEM_ID_BASE + v["g"],
            "inventory_quantity": qty, "old_inventory_quantity": qty,
            "presentment_prices": [{"price": {"amount": money(v["price"]), "currency_code": "JPY"},
                                    "compare_at_price": None}],
            "admin_graphql_api_id": "gid://shopify/ProductVariant/%d" % vid, "image_id": None}


def product(store, p):
    t = iso_jst(store.t_start - 30 * 86400 + p["k"] * 60)
    pid = PRODUCT_ID_BASE + p["k"]
    vs = [variant(store, store.catalog.variants[g], t) for g in p["variants"]]
    return {"id": pid, "title": p["title"], "body_html": "<p>%s</p>" % p["title"], "vendor": p["vendor"],
            "product_type": p["type"], "created_at": t, "handle": "product-%d" % (p["k"] + 1),
            "updated_at": t, "published_at": t, "template_suffix": None, "published_scope": "web",
            "tags": "", "status": "active", "admin_graphql_api_id": "gid://shopify/Product/%d" % pid,
            "variants": vs,
            "options": [{"id": 9100000000 + p["k"], "product_id": pid, "name": p["option"], "position": 1,
                         "values": [v["title"] for v in vs]}],
            "images": [], "image": None}


def location(store, loc):
    t = iso_jst(store.t_start - 60 * 86400)
    return dict(loc, phone="03-0000-0000", created_at=t, updated_at=t, country="JP", country_code="JP",
                country_name="Japan", legacy=False, active=True,
                admin_graphql_api_id="gid://shopify/Location/%d" % loc["id"],
                localized_country_name="日本", localized_province_name=loc["province"])


def inventory_level(store, g, n):
    loc = LOCATIONS[n]["id"]
    return {"inventory_item_id": ITEM_ID_BASE + g, "location_id": loc,
            "available": store.catalog.stock(store.seed, g, n),
            "updated_at": iso_jst(store.t_start - 86400),
            "admin_graphql_api_id": "gid://shopify/InventoryLevel/%d?inventory_item_id=%d" % (loc, ITEM_ID_BASE + g)}
