/* orders_fixture.c: fills a tenant's connection with synthetic orders through dbq_orders_upsert (tests, benchmark). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_catalog.h"
#include "db/dbq_orders.h"
#include "db/dbq_payload.h"
#include "db/dbq_tenants.h"

/*
 * orders_fixture TENANT_CODE CONNECTION COUNT [options]
 *
 * Upserts COUNT synthetic orders (index start … start+COUNT-1) into
 * CONNECTION of tenant TENANT_CODE through the real path, dbq_orders_upsert,
 * one transaction per page, exactly as the fetcher does. CONNECTION is a
 * connection id, or "new:NAME[:PLATFORM]" to use (or create) the tenant's
 * connection called NAME (platform shopify by default; empty sealed
 * credentials). Everything generated is a function of (seed, index, base),
 * so running the same command twice stores nothing new (all unchanged).
 * Every other order (even index) has one shipment "fxs<S>-<i>" (carrier,
 * tracking number "TN<S>-<i:08>", shipped a day after the order); every
 * tenth order also names it once before, with the tracking number
 * "superseded" (the last record of a repeated shipment id counts).
 *
 *   --seed S        external ids "fx<S>-<i>", order numbers "S<S>-<i:07>" [1]
 *   --start I       first index [1]
 *   --lines L       lines per order, 0–50 [2]
 *   --page P        orders per upsert call and transaction, 1–5000 [250]
 *   --days D        ordered_at spread over the D days before base [60]
 *   --base T        UTC epoch seconds all ordered_at are before [00:00 JST today]
 *   --mutate K      orders start … start+K-1 differ (total, status text): a
 *                   rerun with it reports K updated
 *   --bad K         the last K orders carry an invalid amount (failed)
 *   --dup K         each page repeats its first K orders at its end, changed
 *                   (platform status "dup-later"): overlapping pages; the later
 *                   copy must win and each order count once
 *   --products N    also upsert N products and 2×N stock levels (2 locations)
 *   --baseline      instead: time a plain multi-row INSERT of the same rows
 *                   (prepared first, untimed; random ids, no lookup) — the
 *                   limit the upsert is compared with
 *   --quiet         no per-record error lines
 *
 * Configuration as for ecc-admin: $ECC_CONFIG and ECC_* overrides (run as
 * the user that can read the secrets). Prints
 *   connection: <id>
 *   orders: n=… new=… updated=… unchanged=… failed=… seconds=… rate=…/s
 * (and "products: …", "stock: …" lines), exit 0; 1 with a message on error.
 */

struct opts {
	const char *tenant, *conn;
	long count, seed, start, lines, page, days, mutate, bad, products, dup;
	int64_t base;
	int baseline, quiet;
};

static const char *const family[] = { "山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村" };
static const char *const family_kana[] = { "ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ",
					   "ワタナベ", "ナカムラ" };
static const char *const given[] = { "太郎", "花子", "一郎", "美咲", "健", "陽菜", "翔", "結衣", "大輔" };
static const char *const given_kana[] = { "タロウ", "ハナコ", "イチロウ", "ミサキ", "ケン", "ヒナ",
					  "ショウ", "ユイ", "ダイスケ" };
static const char *const prefs[] = { "北海道", "宮城県", "東京都", "神奈川県", "愛知県", "大阪府",
				      "京都府", "兵庫県", "広島県", "福岡県", "沖縄県" };
static const char *const cities[] = { "札幌市中央区", "仙台市青葉区", "千代田区", "横浜市西区",
				      "名古屋市中村区", "大阪市北区", "京都市下京区", "神戸市中央区",
				      "広島市中区", "福岡市博多区", "那覇市" };

static const char *const carriers[] = { "ヤマト運輸", "佐川急便", "日本郵便" };

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
fail(const char *what, const char *why)
{
	fprintf(stderr, "orders_fixture: %s: %s\n", what, why);
	return 1;
}

static int
num(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (s == NULL || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->start = 1;
	o->lines = 2;
	o->page = 250;
	o->days = 60;
	time_t jst = clock_now() + 9 * 3600;
	o->base = (int64_t)(jst - jst % 86400) - 9 * 3600;
	if (argc < 4)
		return -1;
	o->tenant = argv[1];
	o->conn = argv[2];
	if (num(argv[3], 0, 10000000, &o->count) != 0)
		return -1;
	for (int i = 4; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long x;
		if (strcmp(k, "--baseline") == 0) {
			o->baseline = 1;
			continue;
		}
		if (strcmp(k, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		i++;
		if (strcmp(k, "--seed") == 0 && num(v, 0, 999999, &x) == 0)
			o->seed = x;
		else if (strcmp(k, "--start") == 0 && num(v, 1, 100000000, &x) == 0)
			o->start = x;
		else if (strcmp(k, "--lines") == 0 && num(v, 0, 50, &x) == 0)
			o->lines = x;
		else if (strcmp(k, "--page") == 0 && num(v, 1, 5000, &x) == 0)
			o->page = x;
		else if (strcmp(k, "--days") == 0 && num(v, 1, 3650, &x) == 0)
			o->days = x;
		else if (strcmp(k, "--base") == 0 && num(v, 86400 * 3650L, 4102444800L, &x) == 0)
			o->base = x;
		else if (strcmp(k, "--mutate") == 0 && num(v, 0, 10000000, &x) == 0)
			o->mutate = x;
		else if (strcmp(k, "--bad") == 0 && num(v, 0, 10000000, &x) == 0)
			o->bad = x;
		else if (strcmp(k, "--dup") == 0 && num(v, 0, 5000, &x) == 0)
			o->dup = x;
		else if (strcmp(k, "--products") == 0 && num(v, 0, 1000000, &x) == 0)
			o->products = x;
		else
			return -1;
	}
	return 0;
}

/* The connection id: a number, or new:NAME[:PLATFORM] (found or created). */
static int
connection(struct db *db, struct arena *a, const struct tenant *t, const char *spec, uint64_t *id)
{
	if (strncmp(spec, "new:", 4) != 0) {
		long long v;
		char *end = NULL;
		v = strtoll(spec, &end, 10);
		if (end == spec || *end != '\0' || v <= 0)
			return -ERR_INVALID;
		*id = (uint64_t)v;
		return 0;
	}
	char *name = arena_strdup(a, spec + 4), *platform = strchr(name, ':');
	if (platform != NULL)
		*platform++ = '\0';
	else
		platform = "shopify";
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT id FROM connections WHERE tenant_id = ? AND name = ?", "is",
			  t->id, name);
	int64_t v;
	if (rc == 0 && db_rows_count(rows) == 1 && db_i64(rows, 0, 0, &v) == 0) {
		*id = (uint64_t)v;
		return 0;
	}
	if (rc != 0)
		return rc;
	uint64_t cid = token_random_id();
	struct seal_aad aad = { .tenant_id = t->id, .table = "connections",
				.column = "credentials_enc", .row_id = cid };
	unsigned char *ct;
	size_t ctlen;
	if ((rc = seal_encrypt(a, t->key, &aad, "{}", 2, &ct, &ctlen)) != 0)
		return rc;
	rc = db_exec(db, a,
		     "INSERT INTO connections (id, tenant_id, platform, name, endpoint, settings,"
		     " credentials_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '{}', ?,"
		     " UTC_TIMESTAMP(), UTC_TIMESTAMP())",
		     "iisssb", cid, t->id, platform, name,
		     "https://fixture.invalid", ct, ctlen);
	if (rc == 0)
		*id = cid;
	return rc;
}

/* Money text of yen amount v. */
static const char *
yen(struct arena *a, long v)
{
	return arena_printf(a, "%ld", v);
}

/* Order i (deterministic). */
static void
make_order(struct arena *a, const struct opts *o, long i, struct conn_order *out)
{
	memset(out, 0, sizeof *out);
	unsigned long h = (unsigned long)i * 2654435761UL + (unsigned long)o->seed * 40503UL;
	size_t f = h % 8, g = (h / 8) % 9, p = (h / 72) % 11;
	out->external_id = arena_printf(a, "fx%ld-%ld", o->seed, i);
	out->order_number = arena_printf(a, "S%ld-%07ld", o->seed, i);
	static const enum conn_order_status st[] = { CONN_ST_PAID, CONN_ST_PAID, CONN_ST_PAID,
						      CONN_ST_PAID, CONN_ST_PAID, CONN_ST_SHIPPED,
						      CONN_ST_SHIPPED, CONN_ST_PENDING, CONN_ST_CANCELLED,
						      CONN_ST_PAID };
	out->status = (h >> 12) % 50 == 0 ? CONN_ST_REFUNDED : st[(h >> 12) % 10]; /* not correlated with amounts */
	out->platform_status = conn_status_name(out->status);
	out->ordered_at = (time_t)(o->base - 1 - (int64_t)((unsigned long)i * 7919UL % (unsigned long)(o->days * 86400)));
	out->ordered_offset_min = 540;
	out->updated_at_ms = ((int64_t)out->ordered_at + 600) * 1000 + i % 1000;
	out->currency = "JPY";
	out->lines = arena_calloc(a, o->lines ? (size_t)o->lines : 1, sizeof *out->lines);
	out->nlines = (size_t)o->lines;
	long sub = 0;
	for (long l = 0; l < o->lines; l++) {
		struct conn_line *ln = &out->lines[l];
		long sku = (i * 31 + l * 7) % 500, qty = 1 + (i + l) % 3, price = 800 + sku * 10;
		ln->external_line_id = arena_printf(a, "fxl%ld-%ld-%ld", o->seed, i, l + 1);
		ln->sku = arena_printf(a, "SKU-%04ld", sku);
		ln->jan = arena_printf(a, "4901234%06ld", sku);
		ln->name = arena_printf(a, "テスト商品 %ld（%s）", sku, l % 2 ? "青" : "赤");
		ln->quantity = qty;
		ln->unit_price = yen(a, price);
		ln->tax_rate = sku % 5 == 0 ? "8" : "10";
		ln->line_total = yen(a, price * qty);
		sub += price * qty;
	}
	bool mut = i < o->start + o->mutate;
	long discount = mut ? 100 : 0;
	out->subtotal = yen(a, sub);
	out->shipping_fee = yen(a, 500);
	out->tax = yen(a, sub / 11);
	out->discount = yen(a, discount);
	out->total = yen(a, sub + 500 - discount);
	if (mut)
		out->platform_status = "edited";
	if (i >= o->start + o->count - o->bad)
		out->total = "12,3";
	struct conn_person *b = &out->buyer, *s = &out->ship_to;
	b->name = arena_printf(a, "%s %s", family[f], given[g]);
	b->kana = arena_printf(a, "%s %s", family_kana[f], given_kana[g]);
	b->email = arena_printf(a, "buyer%ld@example.jp", i);
	b->phone = arena_printf(a, "090-%04ld-%04ld", (i / 10000) % 10000, i % 10000);
	b->postal_code = arena_printf(a, "%03ld-%04ld", 100 + (long)p * 70, i % 10000);
	b->prefecture = prefs[p];
	b->city = cities[p];
	b->address1 = arena_printf(a, "本町%ld-%ld-%ld", 1 + i % 9, 1 + i % 20, 1 + i % 30);
	b->address2 = i % 3 ? "" : arena_printf(a, "コーポ%ld号室", 101 + i % 10);
	*s = *b;
	if (i % 4 == 0) {
		s->name = arena_printf(a, "%s %s", family[(f + 1) % 8], given[(g + 2) % 9]);
		s->kana = arena_printf(a, "%s %s", family_kana[(f + 1) % 8], given_kana[(g + 2) % 9]);
		s->email = "";
	}
	struct buf raw;
	buf_init(&raw, a, 2048);
	buf_printf(&raw, "{\"id\":\"%s\",\"name\":\"%s\",\"financial_status\":\"%s\",", out->external_id,
		   out->order_number, out->platform_status);
	buf_printf(&raw, "\"created_at\":%lld,\"currency\":\"JPY\",\"total_price\":\"%s\",",
		   (long long)out->ordered_at, out->total);
	buf_printf(&raw, "\"customer\":{\"email\":\"%s\",\"phone\":\"%s\",\"name\":\"%s\"},", b->email,
		   b->phone, b->name);
	buf_printf(&raw, "\"shipping_address\":{\"name\":\"%s\",\"zip\":\"%s\",\"province\":\"%s\","
			 "\"city\":\"%s\",\"address1\":\"%s\"},",
		   s->name, s->postal_code, s->prefecture, s->city, s->address1);
	buf_puts(&raw, "\"line_items\":[");
	for (size_t l = 0; l < out->nlines; l++)
		buf_printf(&raw, "%s{\"id\":\"%s\",\"sku\":\"%s\",\"title\":\"%s\",\"quantity\":%ld,"
				 "\"price\":\"%s\",\"tax_lines\":[{\"rate\":0.1,\"title\":\"消費税\"}]}",
			   l ? "," : "", out->lines[l].external_line_id, out->lines[l].sku,
			   out->lines[l].name, out->lines[l].quantity, out->lines[l].unit_price);
	buf_puts(&raw, "],\"note\":\"<script>alert(1)</script> & 'quotes'\",\"tags\":\"fixture\","
		       "\"source_name\":\"web\",\"gateway\":\"shopify_payments\"}");
	out->raw = raw.data;
	out->raw_len = raw.len;
	if (i % 2 == 0) {
		size_t n = i % 10 == 0 ? 2 : 1;
		struct conn_shipment *sh = arena_calloc(a, n, sizeof *sh);
		sh[n - 1] = (struct conn_shipment){
			.external_id = arena_printf(a, "fxs%ld-%ld", o->seed, i),
			.carrier = carriers[(i / 2) % 3],
			.tracking_number = arena_printf(a, "TN%ld-%08ld", o->seed, i),
			.shipped_at = out->ordered_at + 86400,
			.status = i % 4 == 0 ? "delivered" : "success",
		};
		if (n == 2) {
			sh[0] = sh[1];
			sh[0].tracking_number = "superseded";
		}
		out->shipments = sh;
		out->nshipments = n;
	}
}

static void
make_product(struct arena *a, const struct opts *o, long i, struct conn_product *p,
	     struct conn_stock *s)
{
	memset(p, 0, sizeof *p);
	p->external_id = arena_printf(a, "fxp%ld-%ld", o->seed, i);
	p->product_external_id = arena_printf(a, "fxpp%ld-%ld", o->seed, i / 3);
	p->sku = arena_printf(a, "SKU-%04ld", i);
	p->jan = arena_printf(a, "4901234%06ld", i);
	p->name = arena_printf(a, "テスト商品 %ld", i);
	p->price = yen(a, 800 + i * 10 + (i <= o->mutate ? 1 : 0));
	p->currency = "JPY";
	p->updated_at_ms = o->base * 1000;
	p->raw = arena_printf(a, "{\"id\":\"%s\",\"sku\":\"%s\",\"price\":\"%s\"}", p->external_id, p->sku,
			      p->price);
	p->raw_len = strlen(p->raw);
	for (int l = 0; l < 2; l++) {
		s[l] = (struct conn_stock){ .sku = p->sku, .location_id = l ? "loc-2" : "loc-1",
					    .location_name = l ? "大阪倉庫" : "東京倉庫",
					    .quantity = (i * 7 + l * 3) % 40 - (i % 97 == 0 ? 5 : 0),
					    .updated_at_ms = o->base * 1000 };
	}
}

static void
report(const char *what, const struct dbq_sync_counts *c, long n, double secs)
{
	printf("%s: n=%ld new=%u updated=%u unchanged=%u failed=%u seconds=%.2f rate=%.0f/s\n", what, n,
	       c->new_count, c->updated, c->unchanged, c->failed, secs, secs > 0 ? (double)n / secs : 0.0);
}

static void
print_errors(const struct opts *o, const struct dbq_sync_counts *c)
{
	for (size_t e = 0; !o->quiet && e < c->nerrors; e++)
		printf("error: %s: %s\n", c->errors[e].external_id, c->errors[e].message);
}

static int
run_orders(struct db *db, const struct opts *o, const struct tenant *t, uint64_t cid)
{
	struct arena *a = arena_new(0);
	struct dbq_sync_counts c = { 0 };
	double busy = 0;
	for (long done = 0; done < o->count;) {
		long k = o->count - done < o->page ? o->count - done : o->page;
		long d = o->dup < k ? o->dup : k;
		struct conn_order *os = arena_calloc(a, (size_t)(k + d), sizeof *os);
		for (long j = 0; j < k; j++)
			make_order(a, o, o->start + done + j, &os[j]);
		for (long j = 0; j < d; j++) {
			os[k + j] = os[j];
			os[k + j].platform_status = "dup-later";
		}
		double t0 = now_s();
		int rc = db_begin(db);
		if (rc == 0)
			rc = dbq_orders_upsert(db, a, t->id, t->key, cid, os, (size_t)(k + d), &c);
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
		busy += now_s() - t0;
		if (rc != 0)
			return fail("upsert", rc == -ERR_DB || rc == -ERR_UNAVAILABLE ? db_last_error(db) : err_name(rc));
		print_errors(o, &c);
		arena_reset(a);
		done += k;
	}
	report("orders", &c, o->count, busy);
	arena_free(a);
	return 0;
}

static int
run_catalog(struct db *db, const struct opts *o, const struct tenant *t, uint64_t cid)
{
	struct arena *a = arena_new(0);
	struct dbq_sync_counts cp = { 0 }, cs = { 0 };
	for (long done = 0; done < o->products;) {
		long k = o->products - done < o->page ? o->products - done : o->page;
		struct conn_product *ps = arena_calloc(a, (size_t)k, sizeof *ps);
		struct conn_stock *ss = arena_calloc(a, (size_t)k * 2, sizeof *ss);
		for (long j = 0; j < k; j++)
			make_product(a, o, done + j + 1, &ps[j], &ss[2 * j]);
		int rc = db_begin(db);
		if (rc == 0)
			rc = dbq_catalog_upsert_products(db, a, t->id, t->key, cid, ps, (size_t)k, &cp);
		if (rc == 0)
			rc = dbq_catalog_upsert_stock(db, a, t->id, cid, ss, (size_t)k * 2, &cs);
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
		if (rc != 0)
			return fail("catalog", rc == -ERR_DB ? db_last_error(db) : err_name(rc));
		arena_reset(a);
		done += k;
	}
	report("products", &cp, o->products, 0);
	report("stock", &cs, o->products * 2, 0);
	arena_free(a);
	return 0;
}

/* The sealed-person JSON the upsert stores (same keys, empty ones left out). */
static const char *
person_json(struct arena *a, const struct conn_person *p)
{
	const char *k[] = { "name", "kana", "email", "phone", "postal_code", "prefecture", "city", "address1", "address2" };
	const char *v[] = { p->name, p->kana, p->email, p->phone, p->postal_code, p->prefecture, p->city,
			    p->address1, p->address2 };
	struct buf b;
	buf_init(&b, a, 256);
	buf_putc(&b, '{');
	for (size_t i = 0; i < 9; i++)
		if (v[i] && *v[i])
			buf_printf(&b, "%s\"%s\":\"%s\"", b.len > 1 ? "," : "", k[i], v[i]);
	buf_putc(&b, '}');
	return b.data;
}

/* The baseline: the same rows, built and sealed first, then inserted with
 * plain multi-row INSERTs (no lookup, no hashing in the timed part). */
static int
run_baseline(struct db *db, const struct opts *o, const struct tenant *t, uint64_t cid)
{
	struct arena *a = arena_new(0);
	double busy = 0;
	for (long done = 0; done < o->count;) {
		long k = o->count - done < o->page ? o->count - done : o->page;
		/* rows: orders (23 cols), lines (11 cols), payloads (6 cols), shipments (9 cols) */
		struct buf osql, lsql, psql, ssql, ot, lt, pt, st;
		buf_init(&osql, a, 4096);
		buf_init(&lsql, a, 4096);
		buf_init(&psql, a, 1024);
		buf_init(&ssql, a, 1024);
		buf_init(&ot, a, 1024);
		buf_init(&lt, a, 1024);
		buf_init(&pt, a, 256);
		buf_init(&st, a, 256);
		size_t nl = 0, ns = 0;
		struct db_arg *sa = arena_calloc(a, (size_t)k * 9, sizeof *sa), *sp = sa;
		struct db_arg *oa = arena_calloc(a, (size_t)k * 26, sizeof *oa), *op = oa;
		struct db_arg *la = arena_calloc(a, (size_t)k * (size_t)o->lines * 11 + 1, sizeof *la), *lp = la;
		struct db_arg *pa = arena_calloc(a, (size_t)k * 7, sizeof *pa), *pp = pa;
		buf_puts(&osql, "INSERT INTO orders (id, tenant_id, connection_id, external_id, order_number,"
				" status, platform_status, ordered_at, ordered_offset_min, source_updated_at,"
				" currency, subtotal, shipping_fee, tax, discount, total, line_count,"
				" item_quantity, buyer_enc, ship_to_enc, content_hash, first_seen_at,"
				" changed_at) VALUES ");
		buf_puts(&lsql, "INSERT INTO order_lines (order_id, line_no, tenant_id, external_line_id, sku,"
				" jan, name, quantity, unit_price, tax_rate, line_total) VALUES ");
		buf_puts(&psql, "INSERT INTO source_payloads (tenant_id, kind, record_id, payload_enc, raw_len,"
				" received_at) VALUES ");
		buf_puts(&ssql, "INSERT INTO shipments (id, tenant_id, connection_id, order_id, external_id,"
				" carrier, tracking_number, shipped_at, status) VALUES ");
		char now[20];
		dbq_orders_utc_text(clock_now(), now);
		for (long j = 0; j < k; j++) {
			struct conn_order ord;
			make_order(a, o, o->start + done + j, &ord);
			uint64_t id = token_random_id();
			unsigned char *hash = arena_calloc(a, 32, 1), *bz, *sz, *pz;
			size_t bl, sl, pl;
			struct seal_aad ab = { t->id, "orders", "buyer_enc", id }, as = { t->id, "orders", "ship_to_enc", id };
			const char *bj = person_json(a, &ord.buyer), *sj = person_json(a, &ord.ship_to);
			seal_encrypt(a, t->key, &ab, bj, strlen(bj), &bz, &bl);
			seal_encrypt(a, t->key, &as, sj, strlen(sj), &sz, &sl);
			dbq_payload_seal(a, t->key, t->id, id, ord.raw, ord.raw_len, &pz, &pl);
			char *odt = arena_alloc(a, 20), *upd = arena_alloc(a, 24);
			dbq_orders_utc_text(ord.ordered_at, odt);
			dbq_orders_utc_ms_text(ord.updated_at_ms, upd);
			buf_puts(&osql, j ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
					  : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
			buf_puts(&ot, "iiisssssisssssssiibbbss");
			*op++ = db_arg_uint(id);
			*op++ = db_arg_uint(t->id);
			*op++ = db_arg_uint(cid);
			*op++ = db_arg_str(arena_printf(a, "base-%s", ord.external_id));
			*op++ = db_arg_str(ord.order_number);
			*op++ = db_arg_str(conn_status_name(ord.status));
			*op++ = db_arg_str(ord.platform_status);
			*op++ = db_arg_str(odt);
			*op++ = db_arg_int(ord.ordered_offset_min);
			*op++ = db_arg_str(upd);
			*op++ = db_arg_str("JPY");
			*op++ = db_arg_str(ord.subtotal);
			*op++ = db_arg_str(ord.shipping_fee);
			*op++ = db_arg_str(ord.tax);
			*op++ = db_arg_str(ord.discount);
			*op++ = db_arg_str(ord.total);
			*op++ = db_arg_uint(ord.nlines);
			*op++ = db_arg_uint(4);
			*op++ = db_arg_ptr(bz);
			*op++ = db_arg_uint(bl);
			*op++ = db_arg_ptr(sz);
			*op++ = db_arg_uint(sl);
			*op++ = db_arg_ptr(hash);
			*op++ = db_arg_uint(32);
			*op++ = db_arg_str(now);
			*op++ = db_arg_str(now);
			for (size_t l = 0; l < ord.nlines; l++, nl++) {
				const struct conn_line *ln = &ord.lines[l];
				buf_puts(&lsql, nl ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
				buf_puts(&lt, "iiissssisss");
				*lp++ = db_arg_uint(id);
				*lp++ = db_arg_uint(l + 1);
				*lp++ = db_arg_uint(t->id);
				*lp++ = db_arg_str(ln->external_line_id);
				*lp++ = db_arg_str(ln->sku);
				*lp++ = db_arg_str(ln->jan);
				*lp++ = db_arg_str(ln->name);
				*lp++ = db_arg_int(ln->quantity);
				*lp++ = db_arg_str(ln->unit_price);
				*lp++ = db_arg_str(ln->tax_rate);
				*lp++ = db_arg_str(ln->line_total);
			}
			if (ord.nshipments > 0) { /* the one that counts: the last */
				const struct conn_shipment *sh = &ord.shipments[ord.nshipments - 1];
				char *at = arena_alloc(a, 20);
				dbq_orders_utc_text(sh->shipped_at, at);
				buf_puts(&ssql, ns++ ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
				buf_puts(&st, "iiiisssss");
				*sp++ = db_arg_uint(token_random_id());
				*sp++ = db_arg_uint(t->id);
				*sp++ = db_arg_uint(cid);
				*sp++ = db_arg_uint(id);
				*sp++ = db_arg_str(arena_printf(a, "base-%s", sh->external_id));
				*sp++ = db_arg_str(sh->carrier);
				*sp++ = db_arg_str(sh->tracking_number);
				*sp++ = db_arg_str(at);
				*sp++ = db_arg_str(sh->status);
			}
			buf_puts(&psql, j ? ", (?, 'order', ?, ?, ?, ?)" : "(?, 'order', ?, ?, ?, ?)");
			buf_puts(&pt, "iibis");
			*pp++ = db_arg_uint(t->id);
			*pp++ = db_arg_uint(id);
			*pp++ = db_arg_ptr(pz);
			*pp++ = db_arg_uint(pl);
			*pp++ = db_arg_uint(ord.raw_len);
			*pp++ = db_arg_str(now);
		}
		double t0 = now_s();
		int rc = db_begin(db);
		if (rc == 0)
			rc = db_exec_args(db, a, osql.data, ot.data, (size_t)(op - oa), oa);
		if (rc == 0 && nl > 0)
			rc = db_exec_args(db, a, lsql.data, lt.data, (size_t)(lp - la), la);
		if (rc == 0)
			rc = db_exec_args(db, a, psql.data, pt.data, (size_t)(pp - pa), pa);
		if (rc == 0 && ns > 0)
			rc = db_exec_args(db, a, ssql.data, st.data, (size_t)(sp - sa), sa);
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
		busy += now_s() - t0;
		if (rc != 0)
			return fail("baseline insert", db_last_error(db));
		arena_reset(a);
		done += k;
	}
	printf("baseline: n=%ld seconds=%.2f rate=%.0f/s\n", o->count, busy, busy > 0 ? (double)o->count / busy : 0.0);
	arena_free(a);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: orders_fixture TENANT_CODE CONNECTION_ID|new:NAME[:PLATFORM] COUNT"
				" [--seed S] [--start I] [--lines L] [--page P] [--days D] [--base T]"
				" [--mutate K] [--bad K] [--dup K] [--products N] [--baseline] [--quiet]\n");
		return 2;
	}
	struct arena *app = arena_new(0);
	struct config cfg;
	struct buf err;
	buf_init(&err, app, 128);
	if (config_load(app, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(app, &cfg, CONFIG_SECRET_DB, &err) != 0 ||
	    keyring_load_kek(cfg.kek_file, &err) != 0)
		return fail("configuration", buf_cstr(&err));
	log_init("orders_fixture", NULL, LOG_ERROR);
	if (db_global_init() != 0)
		return fail("database", "library init");
	struct db *db = db_new(app, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	if (db_connect(db) != 0)
		return fail("database", db_last_error(db));
	struct tenant t;
	int rc = dbq_tenants_find_by_code(db, app, o.tenant, &t);
	if (rc != 0 || !t.has_key)
		return fail(o.tenant, rc ? err_name(rc) : "no data key");
	uint64_t cid;
	if ((rc = connection(db, app, &t, o.conn, &cid)) != 0)
		return fail(o.conn, rc == -ERR_DB || rc == -ERR_CONFLICT ? db_last_error(db) : err_name(rc));
	printf("connection: %" PRIu64 "\n", cid);
	rc = o.baseline ? run_baseline(db, &o, &t, cid) : run_orders(db, &o, &t, cid);
	if (rc == 0 && o.products > 0 && !o.baseline)
		rc = run_catalog(db, &o, &t, cid);
	db_close(db);
	arena_free(app);
	db_global_end();
	return rc;
}
