/* conn_rakuten.c: the 楽天 RMS client — calls, the searchOrder phases, getOrder batches, 在庫API 2.0 stock (responses are read in conn_rakuten_parse.c). */
#include "conn_rakuten.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "connectors/conn_call.h"
#include "connectors/conn_json.h"
#include "connectors/conn_jv.h"
#include "core/clock.h"
#include "core/err.h"

#define DEF_ENDPOINT "https://api.rms.rakuten.co.jp"
#define MIN_MS 60000LL
#define DAY_MS (86400LL * 1000)
#define SUB_WINDOW_MS (63 * DAY_MS)
#define HISTORY_MS (729 * DAY_MS)       /* searchOrder: within the past 2 years (1 day margin) */
#define SEARCH_PAGE 1000
#define SEARCH_CAP 15000
#define GET_BATCH 100
#define GET_VERSION 7
#define STOCK_MAX 99999
#define STOCK_CAP 1000
#define DEF_RESCAN_DAYS 14
#define MAX_RESCAN_DAYS 730

static const int date_types[] = { 1, 2, 3, 4, 5, 6 };
#define NDATE_TYPES ((int)(sizeof date_types / sizeof date_types[0]))

/* RMS publishes no numbers outside its login; 1 call/s per function is the common guidance.
 * With no burst to absorb network jitter, we pace 10 % under it. */
static const struct conn_rate search_rate = { "searchOrder", 0.9, 1.0 };
static const struct conn_rate get_rate = { "getOrder", 0.9, 1.0 };
static const struct conn_rate inventory_rate = { "inventory", 0.9, 1.0 };

static const struct conn_field fields[] = {
	{ "service_secret", "conn_f_rakuten_service_secret", "conn_h_rakuten_service_secret", true, true,
	  200, "serviceSecret" },
	{ "license_key", "conn_f_rakuten_license_key", "conn_h_rakuten_license_key", true, true, 200,
	  "licenseKey" },
	{ "license_expires_on", "conn_f_rakuten_license_expires_on", "conn_h_rakuten_license_expires_on",
	  false, true, 10, "YYYY-MM-DD" },
	{ "shop_url", "conn_f_rakuten_shop_url", "conn_h_rakuten_shop_url", false, false, 255,
	  "https://www.rakuten.co.jp/<shop>/" },
	{ "rescan_days", "conn_f_rakuten_rescan_days", "conn_h_rakuten_rescan_days", false, false, 3,
	  "0–730 (14)" },
};

const char *
conn_rakuten_esa(struct arena *a, const char *secret, const char *key)
{
	const char *plain = arena_printf(a, "%s:%s", secret, key);
	size_t n = strlen(plain);
	unsigned char *out = arena_alloc(a, 4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(out, (const unsigned char *)plain, (int)n);
	return arena_printf(a, "ESA %s", (const char *)out);
}

/* ---- calls ---- */

static bool
license_past(const struct conn_ctx *c, const char **date)
{
	int64_t t;
	*date = conn_json_setting(c->settings, "license_expires_on");
	return conn_json_time_parse(*date, &t, NULL) == 0 && clock_now_ms() >= t + DAY_MS;
}

static int
rms(struct conn_ctx *c, const struct conn_rate *rate, const char *method, const char *url,
    struct json_object *req, struct http_response *r, struct buf *msg)
{
	const char *esa = conn_rakuten_esa(c->a, conn_json_setting(c->secrets, "service_secret"),
					   conn_json_setting(c->secrets, "license_key"));
	struct http_header h[] = {
		{ "Authorization", esa },
		{ "Content-Type", "application/json; charset=utf-8" },
		{ "Accept", "application/json" },
	};
	size_t blen = 0;
	const char *body = req != NULL ? conn_json_dump(c->a, req, &blen) : NULL;
	json_object_put(req);
	struct buf tmp;
	buf_init(&tmp, c->a, 128);
	bool pace = strcmp(conn_json_setting(c->settings, "pacing"), "off") != 0;
	int rc = conn_call(c, "rakuten", pace ? rate : NULL, method, url, h, body ? 3 : 2, body,
			   blen, r, &tmp);
	if (rc == -ERR_FORBIDDEN) {
		const char *date;
		struct buf m2;
		buf_init(&m2, c->a, 64);
		const struct conn_jv *root;
		if (r->body != NULL && conn_jv_parse(c->a, r->body, r->body_len, "", &root, NULL) == 0)
			conn_rakuten_parse_messages(c->a, root, false, &m2);
		if (license_past(c, &date))
			buf_printf(msg, "楽天 RMS が認証を拒否しました（%ld）。ライセンスキーの有効期限"
				   "（%s）が切れています。RMS で新しいライセンスキーを発行し、接続設定を"
				   "更新してください。", r->status, date);
		else
			buf_printf(msg, "楽天 RMS が認証を拒否しました（%ld）。serviceSecret とライセンス"
				   "キー（有効期限切れを含む）、RMS の API 利用設定で受注API・在庫APIが"
				   "許可されているかを確認してください。%s", r->status, buf_cstr(&m2));
		return rc;
	}
	if (rc != 0) {
		buf_puts(msg, buf_cstr(&tmp));
		return rc;
	}
	if (r->status == 200)
		return 0;
	if (r->status == 400) {
		const struct conn_jv *root;
		if (r->body != NULL &&
		    conn_jv_parse(c->a, r->body, r->body_len, "", &root, NULL) == 0 &&
		    (rc = conn_rakuten_parse_messages(c->a, root, false, msg)) != 0)
			return rc;
		buf_puts(msg, "楽天 RMS がリクエストを受け付けませんでした（HTTP 400）。");
		return -ERR_UPSTREAM;
	}
	if (r->status == 404) {
		buf_puts(msg, "楽天 RMS の API が見つかりません（404）。接続先 URL を確認してください。");
		return -ERR_INVALID;
	}
	buf_printf(msg, "楽天 RMS が予期しない応答を返しました（HTTP %ld）。", r->status);
	return -ERR_UPSTREAM;
}

static const char *
base(const struct conn_ctx *c)
{
	const char *ep = c->endpoint != NULL && c->endpoint[0] ? c->endpoint : DEF_ENDPOINT;
	size_t n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	return arena_strndup(c->a, ep, n);
}

static int
search(struct conn_ctx *c, int date_type, int64_t from, int64_t to, int64_t page,
       const char ***nums, size_t *n, int64_t *total, int64_t *pages, struct buf *msg)
{
	struct json_object *q = json_object_new_object(), *pg = json_object_new_object();
	struct json_object *sort = json_object_new_object(), *sorts = json_object_new_array();
	json_object_object_add(q, "dateType", json_object_new_int(date_type));
	json_object_object_add(q, "startDatetime", json_object_new_string(
		conn_json_time_format(c->a, from, CONN_JSON_TS_JST_NOCOLON)));
	/* the end is inclusive, in seconds: the last whole second before to */
	json_object_object_add(q, "endDatetime", json_object_new_string(
		conn_json_time_format(c->a, to - 1000, CONN_JSON_TS_JST_NOCOLON)));
	json_object_object_add(sort, "sortColumn", json_object_new_int(1));
	json_object_object_add(sort, "sortDirection", json_object_new_int(1));
	json_object_array_add(sorts, sort);
	json_object_object_add(pg, "requestRecordsAmount", json_object_new_int(SEARCH_PAGE));
	json_object_object_add(pg, "requestPage", json_object_new_int64(page));
	json_object_object_add(pg, "SortModelList", sorts);
	json_object_object_add(q, "PaginationRequestModel", pg);
	struct http_response r;
	int rc = rms(c, &search_rate, "POST", arena_printf(c->a, "%s/es/2.0/order/searchOrder/", base(c)),
		     q, &r, msg);
	if (rc == 0)
		rc = conn_rakuten_parse_search(c->a, r.body, r.body_len, nums, n, total, pages, msg);
	return rc;
}

/* the order was placed on a JST day wholly inside [from, to) */
static bool
placed_inside(const char *num, int64_t from, int64_t to)
{
	const char *d = strchr(num, '-');
	char day[11];
	int64_t t;
	if (d == NULL || strlen(d) < 10 || d[9] != '-' || strspn(d + 1, "0123456789") != 8)
		return false;
	snprintf(day, sizeof day, "%.4s-%.2s-%.2s", d + 1, d + 5, d + 7);
	return conn_json_time_parse(day, &t, NULL) == 0 && t >= from && t + DAY_MS <= to;
}

static int
get_orders(struct conn_ctx *c, const char **nums, size_t n, struct conn_page *out, struct buf *msg)
{
	size_t cap = n ? n : 1, ecap = n + 8;
	out->orders = arena_calloc(c->a, cap, sizeof *out->orders);
	out->errors = arena_calloc(c->a, ecap, sizeof *out->errors);
	for (size_t i = 0; i < n; i += GET_BATCH) {
		size_t k = n - i < GET_BATCH ? n - i : GET_BATCH;
		struct json_object *q = json_object_new_object(), *list = json_object_new_array();
		for (size_t j = 0; j < k; j++)
			json_object_array_add(list, json_object_new_string(nums[i + j]));
		json_object_object_add(q, "orderNumberList", list);
		json_object_object_add(q, "version", json_object_new_int(GET_VERSION));
		struct http_response r;
		struct conn_page p;
		int rc = rms(c, &get_rate, "POST", arena_printf(c->a, "%s/es/2.0/order/getOrder/", base(c)),
			     q, &r, msg);
		if (rc == 0)
			rc = conn_rakuten_parse_orders(c->a, r.body, r.body_len, &p, msg);
		if (rc != 0)
			return rc;
		for (size_t j = 0; j < p.norders && out->norders < cap; j++)
			out->orders[out->norders++] = p.orders[j];
		for (size_t j = 0; j < p.nerrors && out->nerrors < ecap; j++)
			out->errors[out->nerrors++] = p.errors[j];
	}
	return 0;
}

/* rescan_days setting: how far back dateType 1 re-reads orders [DEF_RESCAN_DAYS] */
static int64_t
rescan_days(const struct conn_ctx *c)
{
	struct json_object *v = NULL;
	const char *s = "";
	if (c->settings != NULL && json_object_object_get_ex(c->settings, "rescan_days", &v) &&
	    (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_int)))
		s = json_object_get_string(v);
	size_t n = strlen(s), neg = s[0] == '-';
	if (n == neg || n - neg > 18 || strspn(s + neg, "0123456789") != n - neg)
		return DEF_RESCAN_DAYS;
	int64_t d = strtoll(s, NULL, 10);
	return d < 0 || d > MAX_RESCAN_DAYS ? DEF_RESCAN_DAYS : d;
}

/* where phase dti starts: dateType 1 reaches rescan_days back from the window's end */
static int64_t
phase_from(const struct conn_ctx *c, const struct conn_window *w, int dti)
{
	int64_t from = w->from_ms, oldest = clock_now_ms() - HISTORY_MS;
	if (dti == 0 && w->to_ms - rescan_days(c) * DAY_MS < from)
		from = w->to_ms - rescan_days(c) * DAY_MS;
	return from < oldest ? oldest : from;
}

static int64_t
sub_end(int64_t sf, int64_t to)
{
	return to - sf > SUB_WINDOW_MS ? sf + SUB_WINDOW_MS : to;
}

static const char *
order_token(struct arena *a, int64_t sf, int64_t st, int dti, int64_t page)
{
	return arena_printf(a, "r1:%" PRId64 ":%" PRId64 ":%d:%" PRId64, sf, st, dti, page);
}

static int
fetch_orders(struct conn_ctx *c, const struct conn_window *w, const char *token,
	     struct conn_page *out, struct buf *msg)
{
	int64_t to = w->to_ms, sf, st, page;
	int dti;
	if (token != NULL) {
		char *end;
		if (strncmp(token, "r1:", 3) != 0 || token[3] < '0' || token[3] > '9') {
			buf_puts(msg, "楽天 RMS の再開トークンが不正です。");
			return -ERR_INVALID;
		}
		sf = strtoll(token + 3, &end, 10);
		st = *end == ':' ? strtoll(end + 1, &end, 10) : 0;
		dti = *end == ':' ? (int)strtol(end + 1, &end, 10) : -1;
		page = *end == ':' ? strtoll(end + 1, &end, 10) : 0;
		if (*end != '\0' || sf >= st || st - sf > SUB_WINDOW_MS ||
		    dti < 0 || dti >= NDATE_TYPES || page < 1 || page > SEARCH_CAP) {
			buf_puts(msg, "楽天 RMS の再開トークンが不正です。");
			return -ERR_INVALID;
		}
	} else {
		sf = phase_from(c, w, 0); /* the earliest start of all phases */
		if (sf >= to)
			return 0;
		st = sub_end(sf, to);
		dti = 0;
		page = 1;
	}
	const char **nums;
	size_t n;
	int64_t total, pages;
	int rc = search(c, date_types[dti], sf, st, page, &nums, &n, &total, &pages, msg);
	if (rc != 0)
		return rc;
	if (total > SEARCH_CAP && st - sf > 2 * MIN_MS) {
		/* more than the API returns: search halves of the sub-window */
		out->next_token = order_token(c->a, sf, sf + (st - sf) / 2, dti, 1);
		return 0;
	}
	/* dateTypes 2..6: orders placed inside phase 1's range were read there already */
	int64_t from1 = phase_from(c, w, 0);
	size_t keep = 0;
	for (size_t i = 0; i < n; i++)
		if (dti == 0 || !placed_inside(nums[i], from1, to))
			nums[keep++] = nums[i];
	if ((rc = get_orders(c, nums, keep, out, msg)) != 0) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	if (page < pages && page * SEARCH_PAGE < SEARCH_CAP) {
		out->next_token = order_token(c->a, sf, st, dti, page + 1);
	} else if (st < to) {
		out->next_token = order_token(c->a, st, sub_end(st, to), dti, 1);
	} else {
		for (int k = dti + 1; k < NDATE_TYPES && out->next_token == NULL; k++) {
			int64_t f = phase_from(c, w, k);
			if (f < to)
				out->next_token = order_token(c->a, f, sub_end(f, to), k, 1);
		}
	}
	return 0;
}

/* ---- stock ---- */

static int
fetch_stock(struct conn_ctx *c, const char *token, struct conn_page *out, struct buf *msg)
{
	long lo = 0, width = STOCK_MAX + 1;
	if (token != NULL) {
		char *end;
		lo = strncmp(token, "s1:", 3) == 0 && token[3] >= '0' && token[3] <= '9'
			? strtol(token + 3, &end, 10) : -1;
		width = lo >= 0 && *end == ':' ? strtol(end + 1, &end, 10) : -1;
		if (lo < 0 || lo > STOCK_MAX || width < 1 || width > STOCK_MAX + 1 || *end != '\0') {
			buf_puts(msg, "楽天 RMS の在庫の再開トークンが不正です。");
			return -ERR_INVALID;
		}
	}
	const struct conn_jv *arr;
	long hi;
	for (;;) {
		hi = lo + width - 1 > STOCK_MAX ? STOCK_MAX : lo + width - 1;
		struct http_response r;
		const struct conn_jv *root;
		const char *url = arena_printf(c->a, "%s/es/2.0/inventories/bulk-get/range?minQuantity=%ld"
					       "&maxQuantity=%ld", base(c), lo, hi);
		int rc = rms(c, &inventory_rate, "GET", url, NULL, &r, msg);
		if (rc == 0)
			rc = conn_rakuten_parse_root(c->a, r.body, r.body_len, "楽天 RMS の在庫一覧", false,
						     &root, msg);
		if (rc != 0)
			return rc;
		arr = conn_jv_get(root, "inventories");
		if (!conn_jv_is(arr, CONN_JV_ARRAY)) {
			buf_puts(msg, "楽天 RMS の在庫一覧に inventories の配列がありません");
			return -ERR_UPSTREAM;
		}
		if (conn_jv_len(arr) < STOCK_CAP || hi == lo)
			break;
		width = (hi - lo + 1) / 2; /* the range hit the cap: narrow it */
	}
	size_t n = conn_jv_len(arr);
	out->stock = arena_calloc(c->a, n ? n : 1, sizeof *out->stock);
	out->errors = arena_calloc(c->a, 2, sizeof *out->errors);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		const struct conn_jv *v = conn_jv_idx(arr, i);
		const char *mn, *var;
		int64_t q, up;
		if (conn_json_str(c->a, v, "manageNumber", true, &mn, NULL) != 0 ||
		    conn_json_str(c->a, v, "variantId", true, &var, NULL) != 0 ||
		    conn_json_i64(v, "quantity", true, 0, &q, NULL) != 0 ||
		    conn_json_time(v, "updated", false, &up, NULL, NULL) != 0) {
			bad++;
			continue;
		}
		struct conn_stock *s = &out->stock[out->nstock++];
		s->sku = arena_printf(c->a, "%s:%s", mn, var);
		s->location_id = "";
		s->location_name = "";
		s->quantity = (long)q;
		s->updated_at_ms = up;
	}
	if (bad > 0) {
		out->errors[out->nerrors].external_id = "";
		out->errors[out->nerrors++].message = arena_printf(
			c->a, "楽天 RMS の在庫レコード %zu 件を読み取れませんでした（項目の形式が違います）。", bad);
	}
	if (n >= STOCK_CAP && hi == lo) {
		out->errors[out->nerrors].external_id = "";
		out->errors[out->nerrors++].message = arena_printf(
			c->a, "在庫数 %ld の SKU が %d 件以上あるため、楽天 RMS の上限により一部しか取得"
			"できませんでした。", lo, STOCK_CAP);
	}
	if (hi < STOCK_MAX)
		out->next_token = arena_printf(c->a, "s1:%ld:%ld", hi + 1, width * 2 > STOCK_MAX + 1
					       ? (long)STOCK_MAX + 1 : width * 2);
	return 0;
}

/* ---- ops ---- */

static int
fetch(struct conn_ctx *c, enum conn_stream s, const struct conn_window *w, const char *token,
      struct conn_page *out, struct buf *msg)
{
	memset(out, 0, sizeof *out);
	if (s == CONN_ORDERS)
		return fetch_orders(c, w, token, out, msg);
	if (s == CONN_STOCK)
		return fetch_stock(c, token, out, msg);
	buf_puts(msg, "楽天 RMS の商品同期には対応していません。");
	return -ERR_INVALID;
}

static time_t
credential_expiry(struct json_object *settings)
{
	int64_t t;
	if (conn_json_time_parse(conn_json_setting(settings, "license_expires_on"), &t, NULL) != 0)
		return 0;
	return (time_t)((t + DAY_MS) / 1000 - 1); /* the end of that day, JST */
}

static int
test(struct conn_ctx *c, struct buf *msg)
{
	const char **nums;
	size_t n;
	int64_t total, pages, now = clock_now_ms();
	int rc = search(c, 1, now - DAY_MS, now, 1, &nums, &n, &total, &pages, msg);
	if (rc != 0)
		return rc;
	buf_printf(msg, "楽天 RMS に接続できました（受注検索を確認、直近 24 時間の注文 %" PRId64
		   " 件）。", total);
	time_t exp = credential_expiry(c->settings);
	if (exp != 0)
		buf_printf(msg, "ライセンスキーの有効期限は %s（残り %lld 日）です。",
			   conn_json_setting(c->settings, "license_expires_on"),
			   (long long)((exp - clock_now()) / 86400));
	return 0;
}

/* digits only, at most 3 (checked by the caller) */
static long
small_number(const char *s)
{
	return strtol(s, NULL, 10);
}

static bool
key_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e || s[i] == ':')
			return false;
	return true;
}

static int
validate(struct json_object *settings, struct json_object *secrets, struct buf *msg)
{
	const char *d = conn_json_setting(settings, "license_expires_on"), *url = conn_json_setting(settings, "shop_url");
	int64_t t;
	if (!key_ok(conn_json_setting(secrets, "service_secret"))) {
		buf_puts(msg, "serviceSecret を入力してください（空白と「:」を含まない英数字と記号、"
			 "200 文字まで）。");
		return -ERR_INVALID;
	}
	if (!key_ok(conn_json_setting(secrets, "license_key"))) {
		buf_puts(msg, "licenseKey を入力してください（空白と「:」を含まない英数字と記号、"
			 "200 文字まで）。");
		return -ERR_INVALID;
	}
	if (strlen(d) != 10 || conn_json_time_parse(d, &t, NULL) != 0) {
		buf_puts(msg, "ライセンスキーの有効期限を「2026-03-31」の形（年-月-日）で入力してください。");
		return -ERR_INVALID;
	}
	const char *rd = conn_json_setting(settings, "rescan_days");
	if (rd[0] != '\0' && (strlen(rd) > 3 || strspn(rd, "0123456789") != strlen(rd) ||
			       small_number(rd) > MAX_RESCAN_DAYS)) {
		buf_puts(msg, "再確認する日数は 0〜730 の整数で入力してください（既定 14）。");
		return -ERR_INVALID;
	}
	if (url[0] != '\0' && (strncmp(url, "https://", 8) != 0 || strlen(url) > 255 ||
			       strpbrk(url, " \t\r\n\"<>") != NULL)) {
		buf_puts(msg, "店舗 URL は https:// で始まる URL で入力してください（省略できます）。");
		return -ERR_INVALID;
	}
	return 0;
}

const struct conn_ops conn_rakuten_ops = {
	.platform = "rakuten",
	.label = "楽天市場 RMS",
	.default_endpoint = DEF_ENDPOINT,
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.overlap_ms = 10 * MIN_MS,
	.lag_ms = 0,
	.max_window_ms = SUB_WINDOW_MS,
	.first_sync_ms = HISTORY_MS,
	.validate = validate,
	.test = test,
	.fetch = fetch,
	.credential_expiry = credential_expiry,
	.streams = (1u << CONN_ORDERS) | (1u << CONN_STOCK),
};
