/* dbq_orders_valid.c: an order's validation, canonical texts (money, tax rate, UTC times) and content hash; the batch helpers' small pieces. */
#include "dbq_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_batch.h"
#include "db/dbq_payload.h"

#define MAX_LINES 65535
#define MAX_SHIPMENTS 1000
#define MAX_QTY 1000000L
#define MAX_TIME 253402300799LL /* 9999-12-31 23:59:59 UTC */
#define MONEY_MAX 24

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
	size_t k = 0; /* at most 1 + 14 + 1 + 4 bytes (conn_money_ok): no snprintf on this hot path */
	if (neg && !zero)
		out[k++] = '-';
	memcpy(out + k, p, ilen);
	k += ilen;
	out[k++] = '.';
	memcpy(out + k, frac, 4);
	k += 4;
	out[k] = '\0';
	return k;
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

const char *
dbq_orders_tax_rate(struct arena *a, const char *s)
{
	char tmp[MONEY_MAX];
	return s != NULL && tax_ok(s, tmp) ? arena_strdup(a, tmp) : NULL;
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
hash_person(EVP_MD_CTX *h, const struct conn_person *p)
{
	const char *f[] = { p->name, p->kana, p->email, p->phone, p->postal_code, p->prefecture,
			    p->city, p->address1, p->address2 };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		dbq_batch_hash_str(h, f[i]);
}

void
dbq_orders_hash(const struct conn_order *o, unsigned char out[32])
{
	char tmp[MONEY_MAX];
	const char *money[] = { o->subtotal, o->shipping_fee, o->tax, o->discount, o->total };
	EVP_MD_CTX *h = dbq_batch_hash_new("ecc-order-v2\n");
	unsigned int len = 0;
	dbq_batch_hash_str(h, o->external_id);
	dbq_batch_hash_str(h, o->order_number);
	dbq_batch_hash_str(h, conn_status_name(o->status));
	dbq_batch_hash_str(h, o->platform_status);
	dbq_batch_hash_int(h, (int64_t)o->ordered_at);
	dbq_batch_hash_int(h, o->ordered_offset_min);
	dbq_batch_hash_int(h, o->updated_at_ms);
	dbq_batch_hash_str(h, o->currency);
	for (size_t i = 0; i < 5; i++)
		dbq_batch_hash_str(h, money_canon(money[i], tmp) ? tmp : "");
	hash_person(h, &o->buyer);
	hash_person(h, &o->ship_to);
	dbq_batch_hash_int(h, (int64_t)o->nlines);
	for (size_t i = 0; i < o->nlines; i++) {
		const struct conn_line *l = &o->lines[i];
		dbq_batch_hash_str(h, l->external_line_id);
		dbq_batch_hash_str(h, l->sku);
		dbq_batch_hash_str(h, l->jan);
		dbq_batch_hash_str(h, l->name);
		dbq_batch_hash_int(h, l->quantity);
		dbq_batch_hash_str(h, money_canon(l->unit_price, tmp) ? tmp : "");
		if (l->tax_rate == NULL)
			EVP_DigestUpdate(h, "n\n", 2); /* cannot be confused with "<len>:" */
		else
			dbq_batch_hash_str(h, tax_ok(l->tax_rate, tmp) ? tmp : "");
		dbq_batch_hash_str(h, money_canon(l->line_total, tmp) ? tmp : "");
	}
	dbq_batch_hash_int(h, (int64_t)o->nshipments);
	for (size_t i = 0; i < o->nshipments; i++) {
		const struct conn_shipment *sh = &o->shipments[i];
		dbq_batch_hash_str(h, sh->external_id);
		dbq_batch_hash_str(h, sh->carrier);
		dbq_batch_hash_str(h, sh->tracking_number);
		dbq_batch_hash_int(h, (int64_t)sh->shipped_at);
		dbq_batch_hash_str(h, sh->status);
	}
	EVP_DigestFinal_ex(h, out, &len);
	EVP_MD_CTX_free(h);
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
