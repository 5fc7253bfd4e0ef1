/* dbq_orders.c: orders — the fetcher's idempotent batch upsert (validation, content hash, batched writes). */
#include "dbq_orders.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_payload.h"

#define MAX_LINES 65535
#define MAX_SHIPMENTS 1000
#define MAX_QTY 1000000L
#define MAX_PERSON_ENC 2048
#define MAX_TIME 253402300799LL /* 9999-12-31 23:59:59 UTC */
#define MONEY_MAX 24

/* One record of the page on its way to the database. */
struct rec {
	const struct conn_order *o;
	size_t idx;                     /* position in the input */
	uint64_t id;
	unsigned char hash[32];
	bool exists, same;
	char money[5][MONEY_MAX];
	char ordered[20], updated[24];
	unsigned qty;
	unsigned char *buyer, *ship;
	size_t buyer_len, ship_len;
};

static const char *S(const char *s);
static size_t money_canon(const char *s, char out[MONEY_MAX]);
static bool tax_ok(const char *s, char out[MONEY_MAX]);
static const char *check_person(const struct conn_person *p);
static const char *check_line(const struct conn_line *l);
static void hash_put(EVP_MD_CTX *h, const char *s);
static void hash_int(EVP_MD_CTX *h, int64_t v);
static void hash_person(EVP_MD_CTX *h, const struct conn_person *p);
static int cmp_rec(const void *x, const void *y);
static int seal_person(struct arena *a, const unsigned char *key, uint64_t tenant_id,
		       const char *column, uint64_t id, const struct conn_person *p, unsigned char **out,
		       size_t *len);
static int lookup(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		  struct rec **recs, size_t n);
static int write_orders(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
			struct rec **recs, size_t n, bool update, const char *now);
static int write_lines(struct db *db, struct arena *a, uint64_t tenant_id, struct rec **recs,
		       size_t n);
static int delete_rows(struct db *db, struct arena *a, uint64_t tenant_id, bool shipments,
		       struct rec **recs, size_t n);
static int write_shipments(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
			   struct rec **recs, size_t n);

static const char *
S(const char *s)
{
	return s != NULL ? s : "";
}

size_t
dbq_orders_chunk(size_t remaining)
{
	return remaining >= 100 ? 100 : remaining >= 25 ? 25 : remaining >= 5 ? 5 : 1;
}

char *
dbq_orders_values_sql(struct arena *a, const char *head, const char *tuple, size_t k, const char *tail)
{
	struct buf b;
	buf_init(&b, a, strlen(head) + k * (strlen(tuple) + 2) + strlen(tail) + 1);
	buf_puts(&b, head);
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, tuple);
	}
	buf_puts(&b, tail);
	return b.data;
}

bool
dbq_orders_text_ok(const char *s, size_t max, bool strict)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	if (n > max * 4 || !utf8_valid(s, n) || utf8_codepoints(s, n) > max)
		return false;
	if (!strict)
		return true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n == 0 || s[n - 1] != ' ';
}

/* The canonical DECIMAL(18,4) text of a conn_money_ok amount; its length, or 0. */
static size_t
money_canon(const char *s, char out[MONEY_MAX])
{
	if (s == NULL || !conn_money_ok(s))
		return 0;
	bool neg = *s == '-';
	const char *p = s + neg, *dot = strchr(p, '.');
	size_t ilen = dot ? (size_t)(dot - p) : strlen(p);
	while (ilen > 1 && *p == '0') {
		p++;
		ilen--;
	}
	char frac[5] = "0000";
	if (dot != NULL)
		memcpy(frac, dot + 1, strlen(dot + 1));
	bool zero = ilen == 1 && *p == '0' && strcmp(frac, "0000") == 0;
	int k = snprintf(out, MONEY_MAX, "%s%.*s.%s", neg && !zero ? "-" : "", (int)ilen, p, frac);
	return k > 0 && k < MONEY_MAX ? (size_t)k : 0;
}

const char *
dbq_orders_money(struct arena *a, const char *s)
{
	char tmp[MONEY_MAX];
	return money_canon(s, tmp) ? arena_strdup(a, tmp) : NULL;
}

/* A tax rate for DECIMAL(5,2): 1–3 digits, optionally '.' and 1–2 digits; canonical into out. */
static bool
tax_ok(const char *s, char out[MONEY_MAX])
{
	size_t i = strspn(s, "0123456789");
	if (i < 1 || i > 3)
		return false;
	const char *f = s + i;
	size_t fl = 0;
	if (*f == '.') {
		fl = strspn(f + 1, "0123456789");
		if (fl < 1 || fl > 2 || f[1 + fl] != '\0')
			return false;
	} else if (*f != '\0') {
		return false;
	}
	char frac[3] = "00";
	memcpy(frac, f + (fl ? 1 : 0), fl);
	while (i > 1 && *s == '0') {
		s++;
		i--;
	}
	snprintf(out, MONEY_MAX, "%.*s.%s", (int)i, s, frac);
	return true;
}

char *
dbq_orders_utc_text(time_t t, char out[20])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, 19);
	out[19] = '\0';
	return out;
}

char *
dbq_orders_utc_ms_text(int64_t ms, char out[24])
{
	char sec[20];
	char tmp[64];
	dbq_orders_utc_text((time_t)(ms / 1000), sec);
	snprintf(tmp, sizeof tmp, "%s.%03d", sec, (int)(ms % 1000));
	memcpy(out, tmp, 23);
	out[23] = '\0';
	return out;
}

static const char *
check_person(const struct conn_person *p)
{
	const char *f[] = { p->name, p->kana, p->email, p->phone, p->postal_code, p->prefecture,
			    p->city, p->address1, p->address2 };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (!dbq_orders_text_ok(S(f[i]), 255, false))
			return "購入者または配送先の個人情報の項目が長すぎるか、正しい UTF-8 ではありません";
	return NULL;
}

static const char *
check_line(const struct conn_line *l)
{
	char tmp[MONEY_MAX];
	if (!dbq_orders_text_ok(S(l->external_line_id), 100, true))
		return "明細ID（external_line_id）が100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(l->sku), 100, true))
		return "明細のSKUが100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(l->jan), 20, true))
		return "明細のJANコードが20文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(l->name), 255, false))
		return "明細の商品名が255文字を超えているか、正しい UTF-8 ではありません";
	if (l->quantity < 0 || l->quantity > MAX_QTY)
		return "明細の数量が範囲外です（0〜1,000,000）";
	if (!money_canon(l->unit_price, tmp))
		return "明細の単価が正しい金額ではありません";
	if (!money_canon(l->line_total, tmp))
		return "明細の小計が正しい金額ではありません";
	if (l->tax_rate != NULL && !tax_ok(l->tax_rate, tmp))
		return "明細の税率が正しくありません（0〜999.99）";
	return NULL;
}

static const char *
check_shipment(const struct conn_shipment *s)
{
	if (s->external_id == NULL || s->external_id[0] == '\0' ||
	    !dbq_orders_text_ok(s->external_id, 100, true))
		return "出荷ID（external_id）が空か、100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(s->carrier), 100, false))
		return "出荷の配送業者名が100文字を超えているか、正しい UTF-8 ではありません";
	if (!dbq_orders_text_ok(S(s->tracking_number), 100, false))
		return "出荷の追跡番号が100文字を超えているか、正しい UTF-8 ではありません";
	if (!dbq_orders_text_ok(S(s->status), 64, false))
		return "出荷のステータスが64文字を超えているか、正しい UTF-8 ではありません";
	if (s->shipped_at < 0 || (int64_t)s->shipped_at > MAX_TIME)
		return "出荷日時が範囲外です";
	return NULL;
}

int
dbq_orders_check(const struct conn_order *o, const char **msg)
{
	char tmp[MONEY_MAX];
	const char *m = NULL;
	const char *money[] = { o->subtotal, o->shipping_fee, o->tax, o->discount, o->total };
	const char *cur = S(o->currency);
	if (o->external_id == NULL || o->external_id[0] == '\0' ||
	    !dbq_orders_text_ok(o->external_id, 100, true))
		m = "注文ID（external_id）が空か、100文字を超えているか、使えない文字を含んでいます";
	else if (o->order_number == NULL || o->order_number[0] == '\0' ||
		 !dbq_orders_text_ok(o->order_number, 100, true))
		m = "注文番号が空か、100文字を超えているか、使えない文字を含んでいます";
	else if (!dbq_orders_text_ok(S(o->platform_status), 64, true))
		m = "注文ステータスの文字列が64文字を超えているか、使えない文字を含んでいます";
	else if ((int)o->status < CONN_ST_PENDING || o->status > CONN_ST_OTHER)
		m = "注文ステータスが不明です";
	else if (o->ordered_at <= 0 || (int64_t)o->ordered_at > MAX_TIME)
		m = "注文日時が範囲外です";
	else if (o->ordered_offset_min <= -1440 || o->ordered_offset_min >= 1440)
		m = "注文日時のタイムゾーンが範囲外です";
	else if (o->updated_at_ms < 0 || o->updated_at_ms > MAX_TIME * 1000)
		m = "更新日時が範囲外です";
	else if (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		m = "通貨コードが正しくありません（英大文字3文字）";
	else if (o->nlines > MAX_LINES || (o->nlines > 0 && o->lines == NULL))
		m = "明細の数が多すぎます";
	else if (o->nshipments > MAX_SHIPMENTS || (o->nshipments > 0 && o->shipments == NULL))
		m = "出荷の数が多すぎます（1,000件まで）";
	else if (o->raw_len > DBQ_PAYLOAD_MAX || (o->raw == NULL && o->raw_len > 0))
		m = "受信データが大きすぎます";
	for (size_t i = 0; m == NULL && i < 5; i++)
		if (!money_canon(money[i], tmp))
			m = "金額（小計・送料・税・割引・合計）が正しい金額ではありません";
	if (m == NULL)
		m = check_person(&o->buyer);
	if (m == NULL)
		m = check_person(&o->ship_to);
	uint64_t qty = 0;
	for (size_t i = 0; m == NULL && i < o->nlines; i++) {
		m = check_line(&o->lines[i]);
		qty += (uint64_t)(o->lines[i].quantity > 0 ? o->lines[i].quantity : 0);
	}
	if (m == NULL && qty > UINT32_MAX)
		m = "数量の合計が大きすぎます";
	for (size_t i = 0; m == NULL && i < o->nshipments; i++)
		m = check_shipment(&o->shipments[i]);
	*msg = m;
	return m == NULL ? 0 : -ERR_INVALID;
}

static void
hash_put(EVP_MD_CTX *h, const char *s)
{
	char len[24];
	s = S(s);
	size_t n = strlen(s);
	int k = snprintf(len, sizeof len, "%zu:", n);
	EVP_DigestUpdate(h, len, (size_t)k);
	EVP_DigestUpdate(h, s, n);
	EVP_DigestUpdate(h, "\n", 1);
}

static void
hash_int(EVP_MD_CTX *h, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%" PRId64, v);
	hash_put(h, tmp);
}

static void
hash_person(EVP_MD_CTX *h, const struct conn_person *p)
{
	const char *f[] = { p->name, p->kana, p->email, p->phone, p->postal_code, p->prefecture,
			    p->city, p->address1, p->address2 };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		hash_put(h, f[i]);
}

void
dbq_orders_hash(const struct conn_order *o, unsigned char out[32])
{
	char tmp[MONEY_MAX];
	const char *money[] = { o->subtotal, o->shipping_fee, o->tax, o->discount, o->total };
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned int len = 0;
	if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1)
		abort(); /* OpenSSL out of memory: nothing sensible to do */
	EVP_DigestUpdate(h, "ecc-order-v2\n", 13);
	hash_put(h, o->external_id);
	hash_put(h, o->order_number);
	hash_put(h, conn_status_name(o->status));
	hash_put(h, o->platform_status);
	hash_int(h, (int64_t)o->ordered_at);
	hash_int(h, o->ordered_offset_min);
	hash_int(h, o->updated_at_ms);
	hash_put(h, o->currency);
	for (size_t i = 0; i < 5; i++)
		hash_put(h, money_canon(money[i], tmp) ? tmp : "");
	hash_person(h, &o->buyer);
	hash_person(h, &o->ship_to);
	hash_int(h, (int64_t)o->nlines);
	for (size_t i = 0; i < o->nlines; i++) {
		const struct conn_line *l = &o->lines[i];
		hash_put(h, l->external_line_id);
		hash_put(h, l->sku);
		hash_put(h, l->jan);
		hash_put(h, l->name);
		hash_int(h, l->quantity);
		hash_put(h, money_canon(l->unit_price, tmp) ? tmp : "");
		if (l->tax_rate == NULL)
			EVP_DigestUpdate(h, "n\n", 2); /* cannot be confused with "<len>:" */
		else
			hash_put(h, tax_ok(l->tax_rate, tmp) ? tmp : "");
		hash_put(h, money_canon(l->line_total, tmp) ? tmp : "");
	}
	hash_int(h, (int64_t)o->nshipments);
	for (size_t i = 0; i < o->nshipments; i++) {
		const struct conn_shipment *sh = &o->shipments[i];
		hash_put(h, sh->external_id);
		hash_put(h, sh->carrier);
		hash_put(h, sh->tracking_number);
		hash_int(h, (int64_t)sh->shipped_at);
		hash_put(h, sh->status);
	}
	EVP_DigestFinal_ex(h, out, &len);
	EVP_MD_CTX_free(h);
}

/* JSON string of s (valid UTF-8): quotes, backslash and control characters escaped. */
static void
json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

/* The sealed JSON of p, or *out NULL when every field is empty. */
static int
seal_person(struct arena *a, const unsigned char *key, uint64_t tenant_id, const char *column,
	    uint64_t id, const struct conn_person *p, unsigned char **out, size_t *len)
{
	static const char *const names[] = { "name", "kana", "email", "phone", "postal_code",
					     "prefecture", "city", "address1", "address2" };
	const char *f[] = { p->name, p->kana, p->email, p->phone, p->postal_code, p->prefecture,
			    p->city, p->address1, p->address2 };
	struct buf b;
	buf_init(&b, a, 256);
	buf_putc(&b, '{');
	for (size_t i = 0; i < 9; i++) {
		if (S(f[i])[0] == '\0')
			continue;
		if (b.len > 1)
			buf_putc(&b, ',');
		json_str(&b, names[i]);
		buf_putc(&b, ':');
		json_str(&b, f[i]);
	}
	buf_putc(&b, '}');
	*out = NULL;
	*len = 0;
	if (b.len == 2)
		return 0;
	struct seal_aad aad = { .tenant_id = tenant_id, .table = "orders", .column = column,
				.row_id = id };
	return seal_encrypt(a, key, &aad, b.data, b.len, out, len);
}

static int
cmp_rec(const void *x, const void *y)
{
	const struct rec *a = *(struct rec *const *)x, *b = *(struct rec *const *)y;
	int c = strcmp(a->o->external_id, b->o->external_id);
	return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int
cmp_id(const void *x, const void *y)
{
	uint64_t a = (*(struct rec *const *)x)->id, b = (*(struct rec *const *)y)->id;
	return (a > b) - (a < b);
}

static int
cmp_key(const void *k, const void *x)
{
	return strcmp((const char *)k, (*(struct rec *const *)x)->o->external_id);
}

/* Find the existing rows of recs[0..n) (sorted by external_id): id and hash. */
static int
lookup(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
       struct rec **recs, size_t n)
{
	for (size_t done = 0; done < n;) {
		size_t k = dbq_orders_chunk(n - done);
		char *sql = dbq_orders_values_sql(a, "SELECT external_id, id, content_hash FROM orders"
						  " WHERE tenant_id = ? AND connection_id = ? AND external_id IN (",
						  "?", k, ")");
		char *types = arena_alloc(a, k + 3);
		struct db_arg *args = arena_calloc(a, k + 2, sizeof *args);
		memcpy(types, "ii", 2);
		memset(types + 2, 's', k);
		types[k + 2] = '\0';
		args[0] = db_arg_uint(tenant_id);
		args[1] = db_arg_uint(connection_id);
		for (size_t i = 0; i < k; i++)
			args[2 + i] = db_arg_str(recs[done + i]->o->external_id);
		struct db_rows *rows;
		int rc = db_query_args(db, a, &rows, sql, types, k + 2, args);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < db_rows_count(rows); r++) {
			const char *ext = db_str(rows, r, 0);
			const struct db_cell *h = db_cell(rows, r, 2);
			int64_t id;
			if (ext == NULL || h == NULL || db_i64(rows, r, 1, &id) != 0)
				return -ERR_DB;
			struct rec **hit = bsearch(ext, recs + done, k, sizeof *recs, cmp_key);
			if (hit == NULL)
				continue; /* a PAD SPACE twin; cannot happen: trailing spaces are refused */
			(*hit)->exists = true;
			(*hit)->id = (uint64_t)id;
			(*hit)->same = h->len == 32 && memcmp(h->val, (*hit)->hash, 32) == 0;
		}
		done += k;
	}
	return 0;
}

#define ORDER_COLS \
	"INSERT INTO orders (id, tenant_id, connection_id, external_id, order_number, status," \
	" platform_status, ordered_at, ordered_offset_min, source_updated_at, currency, subtotal," \
	" shipping_fee, tax, discount, total, line_count, item_quantity, buyer_enc, ship_to_enc," \
	" content_hash, first_seen_at, changed_at) VALUES "
#define ORDER_TUPLE "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ORDER_TYPES "iiisssssisssssssiibbbss"
#define ORDER_NARGS 26 /* three b columns take two arguments each */
#define ORDER_UPDATE \
	" ON DUPLICATE KEY UPDATE order_number = VALUES(order_number), status = VALUES(status)," \
	" platform_status = VALUES(platform_status), ordered_at = VALUES(ordered_at)," \
	" ordered_offset_min = VALUES(ordered_offset_min), source_updated_at = VALUES(source_updated_at)," \
	" currency = VALUES(currency), subtotal = VALUES(subtotal), shipping_fee = VALUES(shipping_fee)," \
	" tax = VALUES(tax), discount = VALUES(discount), total = VALUES(total)," \
	" line_count = VALUES(line_count), item_quantity = VALUES(item_quantity)," \
	" buyer_enc = VALUES(buyer_enc), ship_to_enc = VALUES(ship_to_enc)," \
	" content_hash = VALUES(content_hash), changed_at = VALUES(changed_at)"

/* New orders (plain INSERT: a duplicate is a conflict) or changed ones (update in place). */
static int
write_orders(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
	     struct rec **recs, size_t n, bool update, const char *now)
{
	for (size_t done = 0; done < n;) {
		size_t k = dbq_orders_chunk(n - done);
		char *sql = dbq_orders_values_sql(a, ORDER_COLS, ORDER_TUPLE, k, update ? ORDER_UPDATE : "");
		char *types = arena_alloc(a, k * 23 + 1);
		struct db_arg *args = arena_calloc(a, k * ORDER_NARGS, sizeof *args), *p = args;
		for (size_t i = 0; i < k; i++) {
			const struct rec *r = recs[done + i];
			const struct conn_order *o = r->o;
			memcpy(types + i * 23, ORDER_TYPES, 23);
			*p++ = db_arg_uint(r->id);
			*p++ = db_arg_uint(tenant_id);
			*p++ = db_arg_uint(connection_id);
			*p++ = db_arg_str(o->external_id);
			*p++ = db_arg_str(o->order_number);
			*p++ = db_arg_str(conn_status_name(o->status));
			*p++ = db_arg_str(S(o->platform_status));
			*p++ = db_arg_str(r->ordered);
			*p++ = db_arg_int(o->ordered_offset_min);
			*p++ = db_arg_str(r->updated);
			*p++ = db_arg_str(o->currency);
			for (size_t m = 0; m < 5; m++)
				*p++ = db_arg_str(r->money[m]);
			*p++ = db_arg_uint(o->nlines);
			*p++ = db_arg_uint(r->qty);
			*p++ = db_arg_ptr(r->buyer);
			*p++ = db_arg_uint(r->buyer_len);
			*p++ = db_arg_ptr(r->ship);
			*p++ = db_arg_uint(r->ship_len);
			*p++ = db_arg_ptr(r->hash);
			*p++ = db_arg_uint(32);
			*p++ = db_arg_str(now);
			*p++ = db_arg_str(now);
		}
		types[k * 23] = '\0';
		int rc = db_exec_args(db, a, sql, types, k * ORDER_NARGS, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

/* The lines (or shipments) of changed orders go before their replacements are inserted. */
static int
delete_rows(struct db *db, struct arena *a, uint64_t tenant_id, bool shipments, struct rec **recs,
	    size_t n)
{
	const char *head = shipments ? "DELETE FROM shipments WHERE tenant_id = ? AND order_id IN ("
		: "DELETE FROM order_lines WHERE tenant_id = ? AND order_id IN (";
	for (size_t done = 0; done < n;) {
		size_t k = dbq_orders_chunk(n - done);
		char *sql = dbq_orders_values_sql(a, head, "?", k, ")");
		char *types = arena_alloc(a, k + 2);
		struct db_arg *args = arena_calloc(a, k + 1, sizeof *args);
		types[0] = 'i';
		memset(types + 1, 'i', k);
		types[k + 1] = '\0';
		args[0] = db_arg_uint(tenant_id);
		for (size_t i = 0; i < k; i++)
			args[1 + i] = db_arg_uint(recs[done + i]->id);
		int rc = db_exec_args(db, a, sql, types, k + 1, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

#define LINE_SQL \
	"INSERT INTO order_lines (order_id, line_no, tenant_id, external_line_id, sku, jan, name," \
	" quantity, unit_price, tax_rate, line_total) VALUES "
#define LINE_TUPLE "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define LINE_TYPES "iiissssisss"

/* Every line of recs[0..n), numbered from 1 in the order the platform gave them. */
static int
write_lines(struct db *db, struct arena *a, uint64_t tenant_id, struct rec **recs, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += recs[i]->o->nlines;
	size_t ri = 0, li = 0; /* the next line: recs[ri]->o->lines[li] */
	for (size_t done = 0; done < total;) {
		size_t k = dbq_orders_chunk(total - done);
		char *sql = dbq_orders_values_sql(a, LINE_SQL, LINE_TUPLE, k, "");
		char *types = arena_alloc(a, k * 11 + 1);
		struct db_arg *args = arena_calloc(a, k * 11, sizeof *args), *p = args;
		for (size_t i = 0; i < k; i++) {
			while (li >= recs[ri]->o->nlines) {
				ri++;
				li = 0;
			}
			const struct conn_line *l = &recs[ri]->o->lines[li];
			char *m = arena_alloc(a, 3 * MONEY_MAX);
			money_canon(l->unit_price, m);
			money_canon(l->line_total, m + MONEY_MAX);
			bool tax = l->tax_rate != NULL && tax_ok(l->tax_rate, m + 2 * MONEY_MAX);
			memcpy(types + i * 11, LINE_TYPES, 11);
			*p++ = db_arg_uint(recs[ri]->id);
			*p++ = db_arg_uint(li + 1);
			*p++ = db_arg_uint(tenant_id);
			*p++ = db_arg_str(S(l->external_line_id));
			*p++ = db_arg_str(S(l->sku));
			*p++ = db_arg_str(S(l->jan));
			*p++ = db_arg_str(S(l->name));
			*p++ = db_arg_int(l->quantity);
			*p++ = db_arg_str(m);
			*p++ = db_arg_str(tax ? m + 2 * MONEY_MAX : NULL);
			*p++ = db_arg_str(m + MONEY_MAX);
			li++;
		}
		types[k * 11] = '\0';
		int rc = db_exec_args(db, a, sql, types, k * 11, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

struct ship_ref {
	const struct conn_shipment *s;
	uint64_t order_id;
};

struct ship_key {
	const char *ext;
	size_t idx;
};

static int
cmp_ship_key(const void *x, const void *y)
{
	const struct ship_key *a = x, *b = y;
	int c = strcmp(a->ext, b->ext);
	return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* The shipments of o to write, into out[*n…]: all of them in the platform's order, but of an
 * external_id that repeats within o only the last. */
static void
ship_refs(struct arena *a, const struct conn_order *o, uint64_t order_id, struct ship_ref *out,
	  size_t *n)
{
	size_t m = o->nshipments;
	bool *drop = NULL;
	if (m > 1) {
		struct ship_key *keys = arena_calloc(a, m, sizeof *keys);
		drop = arena_calloc(a, m, sizeof *drop);
		for (size_t i = 0; i < m; i++)
			keys[i] = (struct ship_key){ o->shipments[i].external_id, i };
		qsort(keys, m, sizeof *keys, cmp_ship_key);
		for (size_t i = 0; i + 1 < m; i++)
			if (strcmp(keys[i].ext, keys[i + 1].ext) == 0)
				drop[keys[i].idx] = true;
	}
	for (size_t i = 0; i < m; i++)
		if (drop == NULL || !drop[i])
			out[(*n)++] = (struct ship_ref){ &o->shipments[i], order_id };
}

#define SHIP_SQL \
	"INSERT INTO shipments (id, tenant_id, connection_id, order_id, external_id, carrier," \
	" tracking_number, shipped_at, status) VALUES "
#define SHIP_TUPLE "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SHIP_TYPES "iiiisssss"
/* (tenant_id, connection_id, external_id) is unique across the connection's orders: a
 * shipment another order already holds moves to the order that now names it. */
#define SHIP_UPDATE \
	" ON DUPLICATE KEY UPDATE order_id = VALUES(order_id), carrier = VALUES(carrier)," \
	" tracking_number = VALUES(tracking_number), shipped_at = VALUES(shipped_at)," \
	" status = VALUES(status)"

/* Every shipment of recs[0..n), each with a new random id. */
static int
write_shipments(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		struct rec **recs, size_t n)
{
	size_t total = 0, nr = 0;
	for (size_t i = 0; i < n; i++)
		total += recs[i]->o->nshipments;
	if (total == 0)
		return 0;
	struct ship_ref *refs = arena_calloc(a, total, sizeof *refs);
	for (size_t i = 0; i < n; i++)
		ship_refs(a, recs[i]->o, recs[i]->id, refs, &nr);
	for (size_t done = 0; done < nr;) {
		size_t k = dbq_orders_chunk(nr - done);
		char *sql = dbq_orders_values_sql(a, SHIP_SQL, SHIP_TUPLE, k, SHIP_UPDATE);
		char *types = arena_alloc(a, k * 9 + 1);
		struct db_arg *args = arena_calloc(a, k * 9, sizeof *args), *p = args;
		for (size_t i = 0; i < k; i++) {
			const struct ship_ref *r = &refs[done + i];
			char *at = NULL;
			if (r->s->shipped_at > 0)
				at = dbq_orders_utc_text(r->s->shipped_at, arena_alloc(a, 20));
			memcpy(types + i * 9, SHIP_TYPES, 9);
			*p++ = db_arg_uint(token_random_id());
			*p++ = db_arg_uint(tenant_id);
			*p++ = db_arg_uint(connection_id);
			*p++ = db_arg_uint(r->order_id);
			*p++ = db_arg_str(r->s->external_id);
			*p++ = db_arg_str(S(r->s->carrier));
			*p++ = db_arg_str(S(r->s->tracking_number));
			*p++ = db_arg_str(at);
			*p++ = db_arg_str(S(r->s->status));
		}
		types[k * 9] = '\0';
		int rc = db_exec_args(db, a, sql, types, k * 9, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

/* Seal the personal data and the payload of a record about to be written. */
static int
prepare(struct arena *a, const unsigned char *key, uint64_t tenant_id, struct rec *r,
	struct dbq_payload_row *pay)
{
	int rc = seal_person(a, key, tenant_id, "buyer_enc", r->id, &r->o->buyer, &r->buyer,
			     &r->buyer_len);
	if (rc == 0)
		rc = seal_person(a, key, tenant_id, "ship_to_enc", r->id, &r->o->ship_to, &r->ship,
				 &r->ship_len);
	if (rc != 0)
		return rc;
	if (r->buyer_len > MAX_PERSON_ENC || r->ship_len > MAX_PERSON_ENC)
		return -ERR_TOO_LARGE;
	unsigned char *enc;
	size_t len;
	rc = dbq_payload_seal(a, key, tenant_id, r->id, r->o->raw, r->o->raw_len, &enc, &len);
	if (rc != 0)
		return rc;
	*pay = (struct dbq_payload_row){ .record_id = r->id, .enc = enc, .enc_len = len,
					 .raw_len = r->o->raw_len };
	return 0;
}

const char *
dbq_orders_error_id(struct arena *a, const char *ext)
{
	size_t n = ext != NULL ? strlen(ext) : 0, cut = 0, chars = 0;
	if (n == 0 || !utf8_valid(ext, n))
		return "";
	while (cut < n && chars < 100) {
		uint32_t cp;
		size_t len;
		utf8_decode_one(ext + cut, n - cut, &cp, &len);
		cut += len;
		chars++;
	}
	return arena_strndup(a, ext, cut);
}

static void
add_error(struct arena *a, struct conn_record_error *errs, size_t *n, const char *ext, const char *msg)
{
	errs[*n].external_id = dbq_orders_error_id(a, ext);
	errs[*n].message = msg;
	(*n)++;
}

int
dbq_orders_upsert(struct db *db, struct arena *a, uint64_t tenant_id,
		  const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
		  const struct conn_order *orders, size_t n, struct dbq_sync_counts *c)
{
	if (db == NULL || a == NULL || key == NULL || c == NULL || (n > 0 && orders == NULL))
		return -ERR_INVALID;
	struct rec *all = arena_calloc(a, n ? n : 1, sizeof *all);
	struct rec **sorted = arena_calloc(a, n ? n : 1, sizeof *sorted);
	const char **why = arena_calloc(a, n ? n : 1, sizeof *why);
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		all[i].o = &orders[i];
		all[i].idx = i;
		if (orders[i].external_id == NULL)
			why[i] = "注文ID（external_id）がありません";
		else
			sorted[ns++] = &all[i];
	}
	qsort(sorted, ns, sizeof *sorted, cmp_rec);
	/* keep the last of each run of equal external ids, then validate it */
	size_t nw = 0;
	for (size_t i = 0; i < ns; i++) {
		if (i + 1 < ns && strcmp(sorted[i]->o->external_id, sorted[i + 1]->o->external_id) == 0)
			continue;
		struct rec *r = sorted[i];
		if (dbq_orders_check(r->o, &why[r->idx]) != 0)
			continue;
		sorted[nw++] = r;
	}
	for (size_t i = 0; i < nw; i++) {
		struct rec *r = sorted[i];
		const struct conn_order *o = r->o;
		const char *money[] = { o->subtotal, o->shipping_fee, o->tax, o->discount, o->total };
		for (size_t m = 0; m < 5; m++)
			money_canon(money[m], r->money[m]);
		for (size_t l = 0; l < o->nlines; l++)
			r->qty += (unsigned)o->lines[l].quantity;
		dbq_orders_utc_text(o->ordered_at, r->ordered);
		dbq_orders_utc_ms_text(o->updated_at_ms, r->updated);
		dbq_orders_hash(o, r->hash);
	}
	int rc = lookup(db, a, tenant_id, connection_id, sorted, nw);
	if (rc != 0)
		return rc;
	/* new ones get their ids; then everything to write in id order (B-tree locality) */
	size_t same = 0, nx = 0;
	for (size_t i = 0; i < nw; i++) {
		struct rec *r = sorted[i];
		if (r->exists && r->same) {
			same++;
			continue;
		}
		if (!r->exists)
			r->id = token_random_id();
		sorted[nx++] = r;
	}
	qsort(sorted, nx, sizeof *sorted, cmp_id);
	struct rec **fresh = arena_calloc(a, nx ? nx : 1, sizeof *fresh);
	struct rec **changed = arena_calloc(a, nx ? nx : 1, sizeof *changed);
	struct dbq_payload_row *pay = arena_calloc(a, nx ? nx : 1, sizeof *pay);
	size_t nf = 0, nc = 0, np = 0;
	for (size_t i = 0; i < nx; i++) {
		struct rec *r = sorted[i];
		rc = prepare(a, key, tenant_id, r, &pay[np]);
		if (rc == -ERR_TOO_LARGE) {
			why[r->idx] = "購入者または配送先の個人情報が長すぎます";
			continue;
		}
		if (rc != 0)
			return rc;
		np++;
		if (r->exists)
			changed[nc++] = r;
		else
			fresh[nf++] = r;
	}
	char now[20];
	dbq_orders_utc_text(clock_now(), now);
	if ((rc = write_orders(db, a, tenant_id, connection_id, fresh, nf, false, now)) != 0 ||
	    (rc = write_orders(db, a, tenant_id, connection_id, changed, nc, true, now)) != 0 ||
	    (rc = delete_rows(db, a, tenant_id, false, changed, nc)) != 0 ||
	    (rc = write_lines(db, a, tenant_id, fresh, nf)) != 0 ||
	    (rc = write_lines(db, a, tenant_id, changed, nc)) != 0 ||
	    (rc = delete_rows(db, a, tenant_id, true, changed, nc)) != 0 ||
	    (rc = write_shipments(db, a, tenant_id, connection_id, fresh, nf)) != 0 ||
	    (rc = write_shipments(db, a, tenant_id, connection_id, changed, nc)) != 0 ||
	    (rc = dbq_payload_put(db, a, tenant_id, DBQ_PAYLOAD_ORDER, now, pay, np)) != 0)
		return rc;
	/* success: report */
	size_t nerr = 0;
	for (size_t i = 0; i < n; i++)
		nerr += why[i] != NULL;
	struct conn_record_error *errs = arena_calloc(a, nerr ? nerr : 1, sizeof *errs);
	size_t ne = 0;
	for (size_t i = 0; i < n; i++)
		if (why[i] != NULL)
			add_error(a, errs, &ne, orders[i].external_id, why[i]);
	c->new_count += (unsigned)nf;
	c->updated += (unsigned)nc;
	c->unchanged += (unsigned)same;
	c->failed += (unsigned)ne;
	c->errors = errs;
	c->nerrors = ne;
	return 0;
}
