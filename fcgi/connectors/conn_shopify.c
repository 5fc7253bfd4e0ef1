/* conn_shopify.c: the Shopify Admin REST API client — calls, paging, pacing, stock per location (pages are read in conn_shopify_parse.c). */
#include "conn_shopify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/conn_call.h"
#include "connectors/conn_json.h"
#include "connectors/conn_jv.h"
#include "connectors/conn_page.h"
#include "core/err.h"

#define DEF_VERSION "2025-01"
#define PAGE_LIMIT 250
#define ITEMS_PER_LEVELS_CALL 50
#define MIN_MS 60000LL
#define DAY_MS (86400LL * 1000)

/* REST: leaky bucket of 40 leaking 2/s; we use 32 of it (80 %) at once */
static const struct conn_rate rest_rate = { "rest", 2.0, 32.0 };

static const struct conn_field fields[] = {
	{ "shop_domain", "conn_f_shopify_shop_domain", "conn_h_shopify_shop_domain", false, true, 100,
	  "<name>.myshopify.com" },
	{ "api_version", "conn_f_shopify_api_version", "conn_h_shopify_api_version", false, false, 16,
	  "YYYY-MM" },
	{ "access_token", "conn_f_shopify_access_token", "conn_h_shopify_access_token", true, true, 255,
	  "shpat_…" },
};

/* ---- small helpers ---- */

/* at most n bytes of s, cut on a UTF-8 boundary */
static const char *
clip(struct arena *a, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return s;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return arena_printf(a, "%.*s…", (int)n, s);
}

/* the platform's "errors" text of a response body ("" if none) */
static const char *
errors_text(struct arena *a, const struct http_response *r)
{
	const struct conn_jv *root;
	if (r->body == NULL || conn_jv_parse(a, r->body, r->body_len, "", &root, NULL) != 0)
		return "";
	const struct conn_jv *e = conn_jv_get(root, "errors");
	if (e == NULL)
		e = conn_jv_get(root, "error");
	if (e == NULL)
		return "";
	size_t n;
	const char *s = conn_jv_is(e, CONN_JV_STRING) ? conn_jv_text(e, &n) : NULL;
	s = s != NULL ? arena_memdup(a, s, n) : conn_jv_raw(a, e, NULL);
	return clip(a, s, 200);
}

static bool
pacing_on(const struct conn_ctx *c)
{
	return strcmp(conn_json_setting(c->settings, "pacing"), "off") != 0;
}

int
conn_shopify_base(struct arena *a, const char *endpoint, struct json_object *settings,
		  const char **out, struct buf *msg)
{
	const char *shop = conn_json_setting(settings, "shop_domain");
	const char *ep = endpoint != NULL ? endpoint : "";
	const char *mark = strstr(ep, "{shop_domain}");
	if (ep[0] == '\0' || mark != NULL) {
		if (shop[0] == '\0') {
			if (msg != NULL)
				buf_puts(msg, "ショップドメインが設定されていません。");
			return -ERR_INVALID;
		}
		ep = ep[0] == '\0' ? arena_printf(a, "https://%s", shop)
			: arena_printf(a, "%.*s%s%s", (int)(mark - ep), ep, shop, mark + 13);
	}
	size_t n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	*out = arena_strndup(a, ep, n);
	return 0;
}

void
conn_shopify_pace(struct conn_ctx *c, const char *call_limit)
{
	if (call_limit == NULL)
		return;
	char *end;
	long used = strtol(call_limit, &end, 10);
	if (end == call_limit || *end != '/')
		return;
	const char *p = end + 1;
	long size = strtol(p, &end, 10);
	if (end == p || *end != '\0' || used < 0 || size <= 0 || used > 100000 || size > 100000)
		return;
	conn_call_bucket_set(c->connection_id, &rest_rate, (double)used, (double)size);
}

/* url is on the origin of base, with a path */
static bool
same_origin(struct arena *a, const char *url, const char *base)
{
	const char *ou = conn_call_origin(a, url), *ob = conn_call_origin(a, base);
	return ou != NULL && ob != NULL && strcmp(ou, ob) == 0 && url[strlen(ou)] == '/' &&
	       strpbrk(url, " \t\r\n") == NULL;
}

int
conn_shopify_next_link(struct arena *a, const char *link, const char *base, const char **next,
		       struct buf *msg)
{
	*next = NULL;
	if (link == NULL)
		return 0;
	const char *p = link;
	while ((p = strchr(p, '<')) != NULL) {
		const char *e = strchr(p, '>');
		if (e == NULL)
			break;
		const char *params = e + 1, *stop = strchr(params, '<');
		size_t plen = stop != NULL ? (size_t)(stop - params) : strlen(params);
		char *ps = arena_strndup(a, params, plen);
		for (char *q = ps; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		if (strstr(ps, "rel=\"next\"") != NULL || strstr(ps, "rel=next") != NULL) {
			char *url = arena_strndup(a, p + 1, (size_t)(e - p - 1));
			if (!same_origin(a, url, base)) {
				if (msg != NULL)
					buf_puts(msg, "Shopify の次ページの URL が接続先と異なるホストを"
						 "指しているため、取得を中止しました。");
				return -ERR_UPSTREAM;
			}
			*next = url;
			return 0;
		}
		p = e + 1;
	}
	return 0;
}

/* ---- one GET with Shopify's error mapping ---- */

static int
get(struct conn_ctx *c, const char *url, struct http_response *r, struct buf *msg)
{
	const char *token = conn_json_setting(c->secrets, "access_token");
	struct http_header h[] = {
		{ "X-Shopify-Access-Token", token },
		{ "Accept", "application/json" },
	};
	struct buf tmp;
	buf_init(&tmp, c->a, 128);
	int rc = conn_call(c, "shopify", pacing_on(c) ? &rest_rate : NULL, "GET", url, h, 2, NULL, 0,
			   r, &tmp);
	if (pacing_on(c))
		conn_shopify_pace(c, r->call_limit);
	if (rc == -ERR_FORBIDDEN) {
		const char *why = errors_text(c->a, r);
		if (r->status == 401)
			buf_printf(msg, "Shopify がアクセストークンを拒否しました（401）。管理画面で"
				   "アプリのトークンを確認してください。%s%s%s",
				   why[0] ? "（" : "", why, why[0] ? "）" : "");
		else
			buf_printf(msg, "Shopify がアクセスを拒否しました（403）。アプリに必要な"
				   "権限（read_orders, read_products, read_inventory, "
				   "read_locations）があるか確認してください。%s%s%s",
				   why[0] ? "（" : "", why, why[0] ? "）" : "");
		return rc;
	}
	if (rc != 0) {
		buf_puts(msg, buf_cstr(&tmp));
		return rc;
	}
	if (r->status == 200)
		return 0;
	const char *why = errors_text(c->a, r);
	if (r->status == 404) {
		buf_printf(msg, "Shopify のショップまたは API バージョンが見つかりません（404）。"
			   "ショップドメインと API バージョンを確認してください。");
		return -ERR_INVALID;
	}
	if (r->status == 402 || r->status == 423) {
		buf_printf(msg, "Shopify のショップが利用できない状態です（%ld）。ショップの"
			   "契約状況を確認してください。", r->status);
		return -ERR_FORBIDDEN;
	}
	buf_printf(msg, "Shopify が予期しない応答を返しました（HTTP %ld）。%s", r->status, why);
	return -ERR_UPSTREAM;
}

/* ---- stock ---- */

struct item {
	const char *inv_id;
	const char *sku;
};

/* grow p->stock to hold n more rows */
static void
stock_room(struct arena *a, struct conn_page *p, size_t *cap, size_t n)
{
	if (p->nstock + n <= *cap)
		return;
	size_t nc = (p->nstock + n) * 2;
	struct conn_stock *ns = arena_calloc(a, nc, sizeof *ns);
	if (p->nstock > 0)
		memcpy(ns, p->stock, p->nstock * sizeof *ns);
	p->stock = ns;
	*cap = nc;
}

static int
levels(struct conn_ctx *c, const char *base, const char *ver, const struct item *items, size_t n,
       const struct conn_jv *locs, struct conn_page *out, size_t *cap, size_t *bad, struct buf *msg)
{
	struct buf url;
	buf_init(&url, c->a, 1024);
	buf_printf(&url, "%s/admin/api/%s/inventory_levels.json?limit=%d&inventory_item_ids=", base, ver,
		   PAGE_LIMIT);
	for (size_t i = 0; i < n; i++)
		buf_printf(&url, "%s%s", i ? "%2C" : "", items[i].inv_id);
	const char *next = buf_cstr(&url);
	while (next != NULL) {
		struct http_response r;
		const struct conn_jv *arr;
		int rc = get(c, next, &r, msg);
		if (rc == 0)
			rc = conn_page_array(c->a, r.body, r.body_len, "inventory_levels",
					     "Shopify の在庫一覧", NULL, &arr, msg);
		if (rc == 0)
			rc = conn_shopify_next_link(c->a, r.link, base, &next, msg);
		if (rc != 0)
			return rc;
		size_t m = conn_jv_len(arr);
		stock_room(c->a, out, cap, m);
		for (size_t i = 0; i < m; i++) {
			const struct conn_jv *l = conn_jv_idx(arr, i);
			const char *iid, *lid;
			int64_t q, up;
			if (conn_jv_get(l, "available") == NULL)
				continue; /* inventory not tracked at this location */
			if (conn_json_str(c->a, l, "inventory_item_id", true, &iid, NULL) != 0 ||
			    conn_json_str(c->a, l, "location_id", true, &lid, NULL) != 0 ||
			    conn_json_i64(l, "available", true, 0, &q, NULL) != 0 ||
			    conn_json_time(l, "updated_at", false, &up, NULL, NULL) != 0) {
				(*bad)++;
				continue;
			}
			const char *sku = NULL;
			for (size_t k = 0; k < n && sku == NULL; k++)
				if (strcmp(items[k].inv_id, iid) == 0)
					sku = items[k].sku;
			if (sku == NULL)
				continue; /* not asked for */
			struct conn_stock *s = &out->stock[out->nstock++];
			s->sku = sku;
			s->location_id = lid;
			s->location_name = "";
			for (size_t k = 0; k < conn_jv_len(locs); k++) {
				const struct conn_jv *lo = conn_jv_idx(locs, k);
				const char *id2;
				if (conn_json_str(c->a, lo, "id", false, &id2, NULL) == 0 &&
				    strcmp(id2, lid) == 0) {
					conn_json_str(c->a, lo, "name", false, &s->location_name, NULL);
					break;
				}
			}
			s->quantity = (long)q;
			s->updated_at_ms = up;
		}
	}
	return 0;
}

static int
fetch_stock(struct conn_ctx *c, const char *base, const char *ver, const char *url,
	    struct conn_page *out, struct buf *msg)
{
	struct http_response r;
	const struct conn_jv *locs, *prods;
	const char *lurl = arena_printf(c->a, "%s/admin/api/%s/locations.json", base, ver);
	int rc = get(c, lurl, &r, msg);
	if (rc == 0)
		rc = conn_page_array(c->a, r.body, r.body_len, "locations", "Shopify のロケーション一覧",
				     NULL, &locs, msg);
	if (rc == 0)
		rc = get(c, url, &r, msg);
	if (rc == 0)
		rc = conn_page_array(c->a, r.body, r.body_len, "products", "Shopify の商品一覧", NULL,
				     &prods, msg);
	if (rc == 0)
		rc = conn_shopify_next_link(c->a, r.link, base, &out->next_token, msg);
	if (rc != 0)
		return rc;
	size_t nitems = 0, cap = 0, scap = 0, bad = 0;
	for (size_t i = 0; i < conn_jv_len(prods); i++) {
		const struct conn_jv *vs = conn_jv_get(conn_jv_idx(prods, i), "variants");
		if (conn_jv_is(vs, CONN_JV_ARRAY))
			cap += conn_jv_len(vs);
	}
	struct item *items = arena_calloc(c->a, cap ? cap : 1, sizeof *items);
	for (size_t i = 0; i < conn_jv_len(prods); i++) {
		const struct conn_jv *vs = conn_jv_get(conn_jv_idx(prods, i), "variants");
		for (size_t j = 0; conn_jv_is(vs, CONN_JV_ARRAY) && j < conn_jv_len(vs); j++) {
			const struct conn_jv *v = conn_jv_idx(vs, j);
			const char *vid, *iid, *sku;
			if (conn_json_str(c->a, v, "id", true, &vid, NULL) != 0 ||
			    conn_json_str(c->a, v, "inventory_item_id", true, &iid, NULL) != 0 ||
			    conn_json_str(c->a, v, "sku", false, &sku, NULL) != 0)
				continue;
			bool digits = iid[strspn(iid, "0123456789")] == '\0';
			if (!digits)
				continue;
			items[nitems].inv_id = iid;
			items[nitems++].sku = sku[0] ? sku : arena_printf(c->a, "variant-%s", vid);
		}
	}
	for (size_t i = 0; i < nitems; i += ITEMS_PER_LEVELS_CALL) {
		size_t k = nitems - i < ITEMS_PER_LEVELS_CALL ? nitems - i : ITEMS_PER_LEVELS_CALL;
		if ((rc = levels(c, base, ver, items + i, k, locs, out, &scap, &bad, msg)) != 0)
			return rc;
	}
	if (bad > 0) {
		out->errors = arena_calloc(c->a, 1, sizeof *out->errors);
		out->errors[0].external_id = "";
		out->errors[0].message = arena_printf(c->a, "Shopify の在庫レコード %zu 件を読み取れません"
						      "でした（項目の形式が違います）。", bad);
		out->nerrors = 1;
	}
	return 0;
}

/* ---- ops ---- */

static const char *
version(const struct conn_ctx *c)
{
	const char *v = conn_json_setting(c->settings, "api_version");
	return v[0] ? v : DEF_VERSION;
}

static int
fetch(struct conn_ctx *c, enum conn_stream s, const struct conn_window *w, const char *token,
      struct conn_page *out, struct buf *msg)
{
	const char *base, *url;
	memset(out, 0, sizeof *out);
	int rc = conn_shopify_base(c->a, c->endpoint, c->settings, &base, msg);
	if (rc != 0)
		return rc;
	const char *ver = version(c);
	if (token != NULL) {
		if (!same_origin(c->a, token, base)) {
			buf_puts(msg, "再開トークンの URL が Shopify の接続先と一致しません。");
			return -ERR_INVALID;
		}
		url = token;
	} else if (s == CONN_STOCK) {
		url = arena_printf(c->a, "%s/admin/api/%s/products.json?limit=%d&fields=id%%2Cvariants",
				   base, ver, PAGE_LIMIT);
	} else {
		const char *what = s == CONN_ORDERS ? "orders.json?status=any&" : "products.json?";
		url = arena_printf(c->a, "%s/admin/api/%s/%supdated_at_min=%s&updated_at_max=%s"
				   "&limit=%d%s", base, ver, what,
				   conn_json_time_format(c->a, w->from_ms, CONN_JSON_TS_UTC_Z),
				   conn_json_time_format(c->a, w->to_ms, CONN_JSON_TS_UTC_Z),
				   PAGE_LIMIT, s == CONN_ORDERS ? "&order=updated_at%20asc" : "");
	}
	if (s == CONN_STOCK)
		return fetch_stock(c, base, ver, url, out, msg);
	if (s != CONN_ORDERS && s != CONN_PRODUCTS) {
		buf_puts(msg, "Shopify ではこの種類の同期に対応していません。");
		return -ERR_INVALID;
	}
	struct http_response r;
	if ((rc = get(c, url, &r, msg)) != 0)
		return rc;
	const char *cur = conn_json_setting(c->settings, "currency");
	rc = s == CONN_ORDERS ? conn_shopify_parse_orders(c->a, r.body, r.body_len, out, msg)
		: conn_shopify_parse_products(c->a, r.body, r.body_len, cur[0] ? cur : "JPY", out, msg);
	if (rc == 0)
		rc = conn_shopify_next_link(c->a, r.link, base, &out->next_token, msg);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

static int
test(struct conn_ctx *c, struct buf *msg)
{
	const char *base;
	int rc = conn_shopify_base(c->a, c->endpoint, c->settings, &base, msg);
	if (rc != 0)
		return rc;
	struct http_response r;
	const char *url = arena_printf(c->a, "%s/admin/api/%s/orders.json?status=any&limit=1&fields=id",
				       base, version(c));
	if ((rc = get(c, url, &r, msg)) != 0)
		return rc;
	struct conn_page p;
	struct buf tmp;
	buf_init(&tmp, c->a, 64);
	if ((rc = conn_shopify_parse_orders(c->a, r.body, r.body_len, &p, &tmp)) != 0) {
		buf_printf(msg, "Shopify の応答を読み取れません（%s）。", buf_cstr(&tmp));
		return rc;
	}
	buf_printf(msg, "Shopify に接続できました（%s、API バージョン %s、注文の読み取りを確認）。",
		   conn_json_setting(c->settings, "shop_domain"), version(c));
	return 0;
}

static bool
shop_ok(const char *s)
{
	size_t n = strlen(s);
	const char *suf = ".myshopify.com";
	size_t k = strlen(suf);
	if (n <= k || n > 100 || strcmp(s + n - k, suf) != 0 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n - k; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool
token_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int
validate(struct json_object *settings, struct json_object *secrets, struct buf *msg)
{
	const char *shop = conn_json_setting(settings, "shop_domain");
	const char *ver = conn_json_setting(settings, "api_version");
	if (!shop_ok(shop)) {
		buf_puts(msg, "ショップドメインは「ショップ名.myshopify.com」の形で、小文字で入力して"
			 "ください（https:// や末尾の / は不要です）。");
		return -ERR_INVALID;
	}
	if (ver[0] != '\0' && strcmp(ver, "unstable") != 0 &&
	    !(strlen(ver) == 7 && ver[4] == '-' && strspn(ver, "0123456789-") == 7 &&
	      strspn(ver, "0123456789") == 4 &&
	      (strcmp(ver + 5, "01") == 0 || strcmp(ver + 5, "04") == 0 ||
	       strcmp(ver + 5, "07") == 0 || strcmp(ver + 5, "10") == 0))) {
		buf_puts(msg, "API バージョンは「2025-01」のような 年-月（01・04・07・10 月）で入力して"
			 "ください。");
		return -ERR_INVALID;
	}
	if (!token_ok(conn_json_setting(secrets, "access_token"), 255)) {
		buf_puts(msg, "Admin API アクセストークンを入力してください（空白を含まない英数字と"
			 "記号、255 文字まで）。");
		return -ERR_INVALID;
	}
	return 0;
}

static time_t
credential_expiry(struct json_object *settings)
{
	(void)settings;
	return 0; /* custom-app tokens do not expire */
}

const struct conn_ops conn_shopify_ops = {
	.platform = "shopify",
	.label = "Shopify",
	.default_endpoint = "https://{shop_domain}",
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.overlap_ms = 5 * MIN_MS,
	.lag_ms = 0,
	.max_window_ms = 0,
	.first_sync_ms = 730 * DAY_MS,
	.validate = validate,
	.test = test,
	.fetch = fetch,
	.credential_expiry = credential_expiry,
	.streams = (1u << CONN_ORDERS) | (1u << CONN_PRODUCTS) | (1u << CONN_STOCK),
};
