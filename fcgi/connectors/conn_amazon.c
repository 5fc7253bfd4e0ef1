/* conn_amazon.c: the Amazon SP-API client (LWA token, Orders v0 getOrders + getOrderItems). */
#include "conn_amazon.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "connectors/conn_call.h"
#include "connectors/conn_json.h"
#include "connectors/conn_jv.h"
#include "connectors/conn_page.h"
#include "core/clock.h"
#include "core/err.h"
#include "http/urlenc.h"

#define DEF_MARKETPLACE "A1VC38T7YXB528"
#define DEF_REGION "fe"
#define DEF_LWA "https://api.amazon.com"
#define MIN_MS 60000LL
#define DAY_MS (86400LL * 1000)
#define LAG_MIN_MS (2 * MIN_MS + 5000) /* LastUpdatedBefore: ≥ 2 minutes before now, 5 s margin */
#define TOKEN_EARLY_S 60

/* the documented usage plans (getOrders 0.0167/s burst 20, getOrderItems 0.5/s burst 30),
 * refilled 10 % slower so network jitter does not turn the steady state into 429s */
static const struct conn_rate orders_rate = { "orders", 0.015, 20.0 };
static const struct conn_rate items_rate = { "items", 0.45, 30.0 };

static const struct conn_field fields[] = {
	{ "client_id", "conn_f_amazon_client_id", "conn_h_amazon_client_id", true, true, 200,
	  "amzn1.application-oa2-client.…" },
	{ "client_secret", "conn_f_amazon_client_secret", "conn_h_amazon_client_secret", true, true, 200,
	  "amzn1.oa2-cs.v1.…" },
	{ "refresh_token", "conn_f_amazon_refresh_token", "conn_h_amazon_refresh_token", true, true, 1000,
	  "Atzr|…" },
	{ "marketplace_id", "conn_f_amazon_marketplace_id", "conn_h_amazon_marketplace_id", false, false,
	  20, "A1VC38T7YXB528" },
	{ "region", "conn_f_amazon_region", "conn_h_amazon_region", false, false, 2, "fe | na | eu" },
	{ "lwa_endpoint", "conn_f_amazon_lwa_endpoint", "conn_h_amazon_lwa_endpoint", false, false, 255,
	  "https://api.amazon.com" },
};

static const char *
setting(struct json_object *o, const char *key, const char *dflt)
{
	const char *v = conn_json_setting(o, key);
	return v[0] != '\0' ? v : dflt;
}

static const char *
trim_slash(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return arena_strndup(a, s, n);
}

static const char *
base(const struct conn_ctx *c)
{
	const char *region = setting(c->settings, "region", DEF_REGION);
	const char *ep = c->endpoint != NULL && c->endpoint[0] ? c->endpoint
			 : "https://sellingpartnerapi-{region}.amazon.com";
	const char *mark = strstr(ep, "{region}");
	if (mark != NULL)
		ep = arena_printf(c->a, "%.*s%s%s", (int)(mark - ep), ep, region, mark + 8);
	return trim_slash(c->a, ep);
}

static const char *
enc(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, a, strlen(s) * 3 + 1);
	urlenc_encode(&b, s, strlen(s));
	return buf_cstr(&b);
}

/* "code: message" of the first entry of an SP-API or LWA error body */
static const char *
error_text(struct arena *a, const struct http_response *r)
{
	const struct conn_jv *root;
	const char *code = "", *text = "";
	if (r->body == NULL || conn_jv_parse(a, r->body, r->body_len, "", &root, NULL) != 0)
		return "";
	if (conn_json_str(a, root, "errors.0.code", false, &code, NULL) != 0 || code[0] == '\0') {
		conn_json_str(a, root, "error", false, &code, NULL);
		conn_json_str(a, root, "error_description", false, &text, NULL);
	} else {
		conn_json_str(a, root, "errors.0.message", false, &text, NULL);
	}
	return arena_printf(a, "%.60s%s%.200s", code, text[0] ? ": " : "", text);
}

/* ---- LWA ---- */

/*
 * Access tokens of this process, per connection and credentials. c->token
 * may point into an arena the caller resets between pages (the fetcher
 * does), so it is only ever written, never read back: this cache is where a
 * token lives between calls. Keyed by a hash of the LWA endpoint, client id
 * and refresh token too, so edited credentials never reuse an old token.
 */
struct tok {
	uint64_t conn, cred;
	time_t expires;
	char value[2048];
};

static struct tok toks[64];
static pthread_mutex_t tok_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
cred_hash(const struct conn_ctx *c)
{
	const char *parts[] = { setting(c->settings, "lwa_endpoint", DEF_LWA),
				setting(c->secrets, "client_id", ""),
				setting(c->secrets, "refresh_token", "") };
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < 3; i++) {
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* a cached token still good for TOKEN_EARLY_S into c->token (copied into c->a) */
static bool
cache_get(struct conn_ctx *c, uint64_t cred)
{
	bool hit = false;
	pthread_mutex_lock(&tok_mu);
	for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++)
		if (toks[i].conn == c->connection_id && toks[i].cred == cred && toks[i].value[0] &&
		    clock_now() < toks[i].expires - TOKEN_EARLY_S) {
			c->token = arena_strdup(c->a, toks[i].value);
			c->token_expires = toks[i].expires;
			hit = true;
			break;
		}
	pthread_mutex_unlock(&tok_mu);
	return hit;
}

/* remember tok for (connection, cred); expires 0 forgets the connection's token */
static void
cache_put(const struct conn_ctx *c, uint64_t cred, const char *tok, time_t expires)
{
	pthread_mutex_lock(&tok_mu);
	struct tok *t = NULL;
	for (size_t i = 0; i < sizeof toks / sizeof toks[0] && t == NULL; i++)
		if (toks[i].conn == c->connection_id)
			t = &toks[i];
	for (size_t i = 0; i < sizeof toks / sizeof toks[0] && t == NULL; i++)
		if (toks[i].value[0] == '\0' || toks[i].expires < clock_now())
			t = &toks[i];
	if (t == NULL)
		t = &toks[cred % (sizeof toks / sizeof toks[0])];
	memset(t, 0, sizeof *t);
	if (expires != 0 && strlen(tok) < sizeof t->value) {
		t->conn = c->connection_id;
		t->cred = cred;
		t->expires = expires;
		memcpy(t->value, tok, strlen(tok) + 1);
	}
	pthread_mutex_unlock(&tok_mu);
}

static int
lwa_token(struct conn_ctx *c, bool force, bool *fresh, struct buf *msg)
{
	*fresh = false;
	uint64_t cred = cred_hash(c);
	if (force)
		cache_put(c, cred, "", 0);
	else if (cache_get(c, cred))
		return 0;
	const char *url = arena_printf(c->a, "%s/auth/o2/token",
				       trim_slash(c->a, setting(c->settings, "lwa_endpoint", DEF_LWA)));
	const char *body = arena_printf(c->a, "grant_type=refresh_token&refresh_token=%s&client_id=%s"
					"&client_secret=%s",
					enc(c->a, setting(c->secrets, "refresh_token", "")),
					enc(c->a, setting(c->secrets, "client_id", "")),
					enc(c->a, setting(c->secrets, "client_secret", "")));
	struct http_header h[] = {
		{ "Content-Type", "application/x-www-form-urlencoded;charset=UTF-8" },
		{ "Accept", "application/json" },
	};
	struct http_response r;
	struct buf tmp;
	buf_init(&tmp, c->a, 128);
	int rc = conn_call(c, "amazon", NULL, "POST", url, h, 2, body, strlen(body), &r, &tmp);
	if (rc != 0 && rc != -ERR_FORBIDDEN) {
		buf_puts(msg, buf_cstr(&tmp));
		return rc;
	}
	if (rc == 0 && r.status == 200) {
		const struct conn_jv *root;
		const char *tok;
		int64_t ttl;
		struct buf em;
		buf_init(&em, c->a, 64);
		if (conn_jv_parse(c->a, r.body, r.body_len, "Amazon LWA の応答", &root, &em) != 0 ||
		    conn_json_str(c->a, root, "access_token", true, &tok, &em) != 0 ||
		    conn_json_i64(root, "expires_in", false, 3600, &ttl, &em) != 0) {
			buf_printf(msg, "Amazon LWA のトークン応答を読み取れません（%s）。", buf_cstr(&em));
			return -ERR_UPSTREAM;
		}
		c->token = tok;
		c->token_expires = clock_now() + (time_t)(ttl > 0 ? ttl : 0);
		cache_put(c, cred, tok, c->token_expires);
		*fresh = true;
		return 0;
	}
	const char *why = error_text(c->a, &r);
	if (strstr(why, "invalid_grant") != NULL) {
		buf_printf(msg, "Amazon がリフレッシュトークンを拒否しました（%s）。セラーセントラルで"
			   "アプリを再認可し、新しいリフレッシュトークンを設定してください。", why);
		return -ERR_FORBIDDEN;
	}
	if (rc == -ERR_FORBIDDEN || strstr(why, "invalid_client") != NULL ||
	    strstr(why, "unauthorized_client") != NULL || strstr(why, "access_denied") != NULL) {
		buf_printf(msg, "Amazon がクライアント ID またはクライアントシークレットを拒否しました"
			   "（HTTP %ld %s）。アプリの LWA 認証情報を確認してください。", r.status, why);
		return -ERR_FORBIDDEN;
	}
	buf_printf(msg, "Amazon LWA がトークンを発行しませんでした（HTTP %ld %s）。", r.status, why);
	return -ERR_UPSTREAM;
}

/* ---- SP-API GET ---- */

static int
api_get(struct conn_ctx *c, const struct conn_rate *rate, const char *url, struct http_response *r,
	struct buf *msg)
{
	bool fresh;
	int rc = lwa_token(c, false, &fresh, msg);
	if (rc != 0)
		return rc;
	if (strcmp(setting(c->settings, "pacing", ""), "off") == 0)
		rate = NULL;
	struct buf tmp;
	for (int pass = 0;; pass++) {
		struct http_header h[] = {
			{ "x-amz-access-token", c->token },
			{ "Accept", "application/json" },
		};
		buf_init(&tmp, c->a, 128);
		rc = conn_call(c, "amazon", rate, "GET", url, h, 2, NULL, 0, r, &tmp);
		if (rc == -ERR_FORBIDDEN && r->status == 403 && !fresh && pass == 0) {
			if ((rc = lwa_token(c, true, &fresh, msg)) != 0)
				return rc;
			continue;
		}
		break;
	}
	if (rc == -ERR_FORBIDDEN) {
		buf_printf(msg, "Amazon SP-API がアクセスを拒否しました（HTTP %ld %s）。セラーセントラルで"
			   "アプリの認可と、注文 API のロール（権限）を確認してください。", r->status,
			   error_text(c->a, r));
		return rc;
	}
	if (rc != 0) {
		buf_puts(msg, buf_cstr(&tmp));
		return rc;
	}
	if (r->status == 200)
		return 0;
	if (r->status == 404) {
		buf_printf(msg, "Amazon SP-API の API が見つかりません（404 %s）。接続先 URL とリージョンを"
			   "確認してください。", error_text(c->a, r));
		return -ERR_INVALID;
	}
	buf_printf(msg, "Amazon SP-API がエラーを返しました（HTTP %ld %s）。", r->status,
		   error_text(c->a, r));
	return -ERR_UPSTREAM;
}

/* ---- parsing ---- */

static enum conn_order_status
map_status(const char *s)
{
	static const struct {
		const char *name;
		enum conn_order_status st;
	} map[] = {
		{ "PendingAvailability", CONN_ST_PENDING }, { "Pending", CONN_ST_PENDING },
		{ "Unshipped", CONN_ST_PAID }, { "PartiallyShipped", CONN_ST_PAID },
		{ "Shipped", CONN_ST_SHIPPED }, { "InvoiceUnconfirmed", CONN_ST_SHIPPED },
		{ "Canceled", CONN_ST_CANCELLED },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].name, s) == 0)
			return map[i].st;
	return CONN_ST_OTHER;
}

static int
order_from(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
{
	int64_t purchased;
	const char *st, *l[3];
	memset(d, 0, sizeof *d);
	struct conn_person *s = &d->ship_to;
	if (conn_json_str(a, o, "AmazonOrderId", true, &d->external_id, em) != 0 ||
	    conn_json_time(o, "PurchaseDate", true, &purchased, &d->ordered_offset_min, em) != 0 ||
	    conn_json_time(o, "LastUpdateDate", true, &d->updated_at_ms, NULL, em) != 0 ||
	    conn_json_str(a, o, "OrderStatus", true, &st, em) != 0 ||
	    conn_json_str(a, o, "OrderTotal.CurrencyCode", false, &d->currency, em) != 0 ||
	    conn_json_str(a, o, "BuyerInfo.BuyerName", false, &d->buyer.name, em) != 0 ||
	    conn_json_str(a, o, "BuyerInfo.BuyerEmail", false, &d->buyer.email, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.Name", false, &s->name, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.Phone", false, &s->phone, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.PostalCode", false, &s->postal_code, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.StateOrRegion", false, &s->prefecture, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.City", false, &s->city, em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.AddressLine1", false, &l[0], em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.AddressLine2", false, &l[1], em) != 0 ||
	    conn_json_str(a, o, "ShippingAddress.AddressLine3", false, &l[2], em) != 0)
		return -ERR_INVALID;
	if (conn_jv_at(o, "OrderTotal.Amount") != NULL &&
	    conn_json_money(a, o, "OrderTotal.Amount", NULL, &d->total, em) != 0)
		return -ERR_INVALID;
	if (strspn(d->external_id, "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
	    strlen(d->external_id) || strlen(d->external_id) > 50) {
		buf_puts(em, "AmazonOrderId の形式が違います");
		return -ERR_INVALID;
	}
	d->order_number = d->external_id;
	d->ordered_at = (time_t)(purchased / 1000);
	d->status = map_status(st);
	d->platform_status = st;
	if (d->currency[0] == '\0')
		d->currency = "JPY";
	d->subtotal = d->tax = d->shipping_fee = d->discount = "0";
	d->buyer.kana = d->buyer.phone = d->buyer.postal_code = d->buyer.prefecture = "";
	d->buyer.city = d->buyer.address1 = d->buyer.address2 = "";
	s->kana = s->email = "";
	s->address1 = l[0];
	s->address2 = conn_json_join(a, " ", l + 1, 2);
	/* no shipments: Orders v0 (getOrders / getOrderItems) carries no shipment records or
	 * tracking numbers (only the order's status and ship-by dates), so none are made here */
	d->shipments = NULL;
	d->nshipments = 0;
	d->raw = conn_jv_raw(a, o, &d->raw_len);
	return 0;
}

static int
payload_array(struct arena *a, const char *body, size_t len, const char *key, const char *what,
	      const struct conn_jv **arr, const char **next, struct buf *msg)
{
	const struct conn_jv *root;
	int rc = conn_page_array(a, body, len, key, what, &root, arr, msg);
	if (rc != 0)
		return rc;
	const char *nt;
	if (conn_json_str(a, root, "payload.NextToken", false, &nt, NULL) != 0) {
		buf_printf(msg, "%sの NextToken が文字列ではありません", what);
		return -ERR_UPSTREAM;
	}
	*next = nt[0] ? nt : NULL;
	return 0;
}

int
conn_amazon_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			 const char **next, struct buf *msg)
{
	const struct conn_jv *arr;
	memset(out, 0, sizeof *out);
	*next = NULL;
	int rc = payload_array(a, body, len, "payload.Orders", "Amazon の注文一覧（getOrders）", &arr,
			       next, conn_page_msg(a, msg));
	if (rc != 0)
		return rc;
	size_t n = conn_jv_len(arr);
	out->orders = arena_calloc(a, n ? n : 1, sizeof *out->orders);
	out->errors = arena_calloc(a, n ? n : 1, sizeof *out->errors);
	for (size_t i = 0; i < n; i++)
		conn_page_order(a, conn_jv_idx(arr, i), order_from, "AmazonOrderId", "Amazon の注文", "(ID なし)",
				out);
	return 0;
}

static int
item_from(struct arena *a, const struct conn_jv *it, struct conn_order *o, struct conn_line *l,
	  struct buf *em)
{
	const char *price, *tax, *ship, *promo, *shipdisc, *disc;
	int64_t q;
	if (conn_json_str(a, it, "OrderItemId", true, &l->external_line_id, em) != 0 ||
	    conn_json_str(a, it, "SellerSKU", false, &l->sku, em) != 0 ||
	    conn_json_str(a, it, "Title", false, &l->name, em) != 0 ||
	    conn_json_i64(it, "QuantityOrdered", true, 0, &q, em) != 0 ||
	    conn_json_money(a, it, "ItemPrice.Amount", "0", &price, em) != 0 ||
	    conn_json_money(a, it, "ItemTax.Amount", "0", &tax, em) != 0 ||
	    conn_json_money(a, it, "ShippingPrice.Amount", "0", &ship, em) != 0 ||
	    conn_json_money(a, it, "PromotionDiscount.Amount", "0", &promo, em) != 0 ||
	    conn_json_money(a, it, "ShippingDiscount.Amount", "0", &shipdisc, em) != 0)
		return -ERR_INVALID;
	if (q < 0 || q > 1000000) {
		buf_puts(em, "数量が範囲外です");
		return -ERR_INVALID;
	}
	l->jan = "";
	l->tax_rate = NULL;
	l->quantity = (long)q;
	if ((q > 0 ? conn_json_money_div(a, price, (long)q, &l->unit_price)
		   : (l->unit_price = price, 0)) != 0 ||
	    conn_json_money_sub(a, price, promo, &l->line_total) != 0 ||
	    conn_json_money_add(a, o->subtotal, price, &o->subtotal) != 0 ||
	    conn_json_money_add(a, o->tax, tax, &o->tax) != 0 ||
	    conn_json_money_add(a, o->shipping_fee, ship, &o->shipping_fee) != 0 ||
	    conn_json_money_add(a, promo, shipdisc, &disc) != 0 ||
	    conn_json_money_add(a, o->discount, disc, &o->discount) != 0) {
		buf_puts(em, "金額を計算できません");
		return -ERR_INVALID;
	}
	return 0;
}

int
conn_amazon_parse_items(struct arena *a, const char *body, size_t len, struct conn_order *o,
			struct buf *items, const char **next, struct buf *msg)
{
	const struct conn_jv *arr;
	msg = conn_page_msg(a, msg);
	*next = NULL;
	int rc = payload_array(a, body, len, "payload.OrderItems", "Amazon の注文明細（getOrderItems）",
			       &arr, next, msg);
	if (rc != 0)
		return rc;
	size_t n = conn_jv_len(arr);
	struct conn_line *lines = arena_calloc(a, o->nlines + n + 1, sizeof *lines);
	if (o->nlines > 0)
		memcpy(lines, o->lines, o->nlines * sizeof *lines);
	o->lines = lines;
	for (size_t i = 0; i < n; i++) {
		const struct conn_jv *it = conn_jv_idx(arr, i);
		if (!conn_jv_is(it, CONN_JV_OBJECT) ||
		    item_from(a, it, o, &o->lines[o->nlines], msg) != 0) {
			buf_printf(msg, "（明細 %zu 件目）", o->nlines + 1);
			return -ERR_INVALID;
		}
		o->nlines++;
		if (items->len > 0)
			buf_putc(items, ',');
		size_t jl;
		const char *j = conn_jv_raw(a, it, &jl);
		buf_append(items, j, jl);
	}
	return 0;
}

int
conn_amazon_finish(struct arena *a, struct conn_order *o, const struct buf *items)
{
	if (o->total == NULL) {
		const char *t;
		if (conn_json_money_add(a, o->subtotal, o->shipping_fee, &t) != 0 ||
		    conn_json_money_sub(a, t, o->discount, &o->total) != 0)
			return -ERR_INVALID;
	}
	struct buf b;
	buf_init(&b, a, o->raw_len + items->len + 32);
	size_t n = o->raw_len, last = n - 1;
	if (n < 2 || o->raw[n - 1] != '}')
		return -ERR_INVALID;
	while (last > 0 && (o->raw[last - 1] == ' ' || o->raw[last - 1] == '\t' ||
			    o->raw[last - 1] == '\r' || o->raw[last - 1] == '\n'))
		last--; /* the order's own bytes may have white space before the brace */
	bool empty = last == 0 || o->raw[last - 1] == '{';
	buf_append(&b, o->raw, n - 1);
	buf_puts(&b, empty ? "\"_order_items\":[" : ",\"_order_items\":[");
	buf_append(&b, items->data != NULL ? items->data : "", items->len);
	buf_puts(&b, "]}");
	o->raw = b.data;
	o->raw_len = b.len;
	return 0;
}

/* ---- ops ---- */

static int
items_of(struct conn_ctx *c, const char *base_url, struct conn_order *o, struct buf *em,
	 struct buf *msg)
{
	struct buf items;
	buf_init(&items, c->a, 1024);
	const char *next = NULL;
	int pages = 0;
	do {
		const char *url = arena_printf(c->a, "%s/orders/v0/orders/%s/orderItems%s%s", base_url,
					       o->external_id, next ? "?NextToken=" : "",
					       next ? enc(c->a, next) : "");
		struct http_response r;
		int rc = api_get(c, &items_rate, url, &r, msg);
		if (rc != 0)
			return rc;
		rc = conn_amazon_parse_items(c->a, r.body, r.body_len, o, &items, &next, em);
		if (rc == -ERR_UPSTREAM) {
			buf_puts(msg, buf_cstr(em));
			return rc;
		}
		if (rc != 0)
			return 1; /* this order is left out */
	} while (next != NULL && ++pages < 1000);
	if (conn_amazon_finish(c->a, o, &items) != 0) {
		buf_puts(em, "合計金額を計算できません");
		return 1;
	}
	return 0;
}

static int
fetch(struct conn_ctx *c, enum conn_stream s, const struct conn_window *w, const char *token,
      struct conn_page *out, struct buf *msg)
{
	memset(out, 0, sizeof *out);
	if (s != CONN_ORDERS) {
		buf_puts(msg, "Amazon SP-API では注文以外の同期に対応していません。");
		return -ERR_INVALID;
	}
	const char *b = base(c), *mkt = enc(c->a, setting(c->settings, "marketplace_id",
							     DEF_MARKETPLACE));
	const char *url;
	if (token != NULL) {
		if (strncmp(token, "a1:", 3) != 0 || token[3] == '\0') {
			buf_puts(msg, "Amazon の再開トークンが不正です。");
			return -ERR_INVALID;
		}
		url = arena_printf(c->a, "%s/orders/v0/orders?MarketplaceIds=%s&NextToken=%s", b, mkt,
				   enc(c->a, token + 3));
	} else {
		int64_t to = w->to_ms, latest = clock_now_ms() - LAG_MIN_MS;
		if (to > latest)
			to = latest;
		if (to / 1000 <= w->from_ms / 1000)
			return 0; /* nothing can be asked yet */
		url = arena_printf(c->a, "%s/orders/v0/orders?MarketplaceIds=%s&LastUpdatedAfter=%s"
				   "&LastUpdatedBefore=%s&MaxResultsPerPage=100", b, mkt,
				   conn_json_time_format(c->a, w->from_ms, CONN_JSON_TS_UTC_Z),
				   conn_json_time_format(c->a, to, CONN_JSON_TS_UTC_Z));
	}
	struct http_response r;
	const char *next;
	int rc = api_get(c, &orders_rate, url, &r, msg);
	if (rc == 0)
		rc = conn_amazon_parse_orders(c->a, r.body, r.body_len, out, &next, msg);
	if (rc != 0)
		return rc;
	size_t keep = 0;
	for (size_t i = 0; i < out->norders; i++) {
		struct conn_order *o = &out->orders[i];
		struct buf em;
		buf_init(&em, c->a, 64);
		rc = items_of(c, b, o, &em, msg);
		if (rc < 0) {
			memset(out, 0, sizeof *out);
			return rc;
		}
		if (rc > 0) {
			out->errors[out->nerrors].external_id = o->external_id;
			out->errors[out->nerrors++].message = arena_printf(
				c->a, "Amazon の注文 %s の明細を読み取れません: %s", o->external_id,
				buf_cstr(&em));
			continue;
		}
		out->orders[keep++] = *o;
	}
	out->norders = keep;
	out->next_token = next != NULL ? arena_printf(c->a, "a1:%s", next) : NULL;
	return 0;
}

static int
test(struct conn_ctx *c, struct buf *msg)
{
	int64_t now = clock_now_ms();
	const char *mkt = setting(c->settings, "marketplace_id", DEF_MARKETPLACE);
	const char *url = arena_printf(c->a, "%s/orders/v0/orders?MarketplaceIds=%s&LastUpdatedAfter=%s"
				       "&MaxResultsPerPage=1", base(c), enc(c->a, mkt),
				       conn_json_time_format(c->a, now - DAY_MS, CONN_JSON_TS_UTC_Z));
	struct http_response r;
	struct conn_page p;
	const char *next;
	struct buf tmp;
	buf_init(&tmp, c->a, 64);
	int rc = api_get(c, &orders_rate, url, &r, msg);
	if (rc != 0)
		return rc;
	if ((rc = conn_amazon_parse_orders(c->a, r.body, r.body_len, &p, &next, &tmp)) != 0) {
		buf_printf(msg, "Amazon SP-API の応答を読み取れません（%s）。", buf_cstr(&tmp));
		return rc;
	}
	buf_printf(msg, "Amazon SP-API に接続できました（LWA トークンの取得と注文 API を確認、"
		   "マーケットプレイス %s）。", mkt);
	return 0;
}

static bool
printable(const char *s, size_t max, bool empty_ok)
{
	size_t n = strlen(s);
	if (n > max || (n == 0 && !empty_ok))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int
validate(struct json_object *settings, struct json_object *secrets, struct buf *msg)
{
	const char *mkt = setting(settings, "marketplace_id", ""), *reg = setting(settings, "region", "");
	const char *lwa = setting(settings, "lwa_endpoint", "");
	if (!printable(setting(secrets, "client_id", ""), 200, false)) {
		buf_puts(msg, "LWA クライアント ID を入力してください（空白を含まない英数字と記号）。");
		return -ERR_INVALID;
	}
	if (!printable(setting(secrets, "client_secret", ""), 200, false)) {
		buf_puts(msg, "LWA クライアントシークレットを入力してください（空白を含まない英数字と記号）。");
		return -ERR_INVALID;
	}
	if (!printable(setting(secrets, "refresh_token", ""), 1000, false)) {
		buf_puts(msg, "リフレッシュトークン（Atzr| で始まる）を入力してください。");
		return -ERR_INVALID;
	}
	if (mkt[0] != '\0' && (strlen(mkt) < 8 || strlen(mkt) > 20 ||
			       strspn(mkt, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(mkt))) {
		buf_puts(msg, "マーケットプレイス ID は英大文字と数字で入力してください（日本は "
			 "A1VC38T7YXB528）。");
		return -ERR_INVALID;
	}
	if (reg[0] != '\0' && strcmp(reg, "fe") != 0 && strcmp(reg, "na") != 0 &&
	    strcmp(reg, "eu") != 0) {
		buf_puts(msg, "リージョンは fe（日本）、na、eu のいずれかです。");
		return -ERR_INVALID;
	}
	if (lwa[0] != '\0' && ((strncmp(lwa, "https://", 8) != 0 && strncmp(lwa, "http://", 7) != 0) ||
			       !printable(lwa, 255, false))) {
		buf_puts(msg, "LWA の接続先は https:// で始まる URL で入力してください（通常は空欄）。");
		return -ERR_INVALID;
	}
	return 0;
}

static time_t
credential_expiry(struct json_object *settings)
{
	(void)settings;
	return 0; /* refresh tokens have no expiry the API tells us */
}

const struct conn_ops conn_amazon_ops = {
	.platform = "amazon",
	.label = "Amazon SP-API",
	.default_endpoint = "https://sellingpartnerapi-fe.amazon.com",
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.overlap_ms = 10 * MIN_MS,
	.lag_ms = 3 * MIN_MS,
	.max_window_ms = 0,
	.first_sync_ms = 730 * DAY_MS,
	.validate = validate,
	.test = test,
	.fetch = fetch,
	.credential_expiry = credential_expiry,
	.streams = 1u << CONN_ORDERS,
};
