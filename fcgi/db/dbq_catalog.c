/* dbq_catalog.c: products (SKUs) and stock levels — the fetcher's batch upserts and the list screens' queries. */
#include "dbq_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "db/dbq_batch.h"
#include "db/dbq_payload.h"

#define MAX_TIME_MS (253402300799LL * 1000)
#define MAX_STOCK 1000000000L

/* A product on its way to the database (validation, hash and the known-row lookup in b). */
struct prec {
	struct dbq_batch_rec b;
	const struct conn_product *p;
	const char *price;
	char updated[24];
};

/* A stock level on its way to the database. */
struct srec {
	const struct conn_stock *s;
	size_t idx;
	bool exists, same;
	char updated[24];
};

static const char *
S(const char *s)
{
	return s != NULL ? s : "";
}

static void
product_hash(const struct conn_product *p, const char *price, unsigned char out[32])
{
	unsigned int len = 0;
	EVP_MD_CTX *h = dbq_batch_hash_new("ecc-product-v1\n");
	dbq_batch_hash_str(h, p->external_id);
	dbq_batch_hash_str(h, p->product_external_id);
	dbq_batch_hash_str(h, p->sku);
	dbq_batch_hash_str(h, p->jan);
	dbq_batch_hash_str(h, p->name);
	dbq_batch_hash_str(h, price);
	dbq_batch_hash_str(h, p->currency);
	dbq_batch_hash_int(h, p->updated_at_ms);
	EVP_DigestFinal_ex(h, out, &len);
	EVP_MD_CTX_free(h);
}

static const char *
product_why(struct arena *a, const struct conn_product *p, const char **price)
{
	const char *cur = S(p->currency);
	*price = dbq_orders_money(a, p->price);
	if (p->external_id == NULL || p->external_id[0] == '\0' ||
	    !dbq_orders_text_ok(p->external_id, 100, true))
		return "商品ID（external_id）が空か、100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(p->product_external_id), 100, true))
		return "親商品ID（product_external_id）が100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(p->sku), 100, true))
		return "SKUが100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(p->jan), 20, true))
		return "JANコードが20文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(p->name), 255, false))
		return "商品名が255文字を超えているか、正しい UTF-8 ではありません";
	if (*price == NULL)
		return "価格が正しい金額ではありません";
	if (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return "通貨コードが正しくありません（英大文字3文字）";
	if (p->updated_at_ms < 0 || p->updated_at_ms > MAX_TIME_MS)
		return "更新日時が範囲外です";
	if (p->raw_len > DBQ_PAYLOAD_MAX || (p->raw == NULL && p->raw_len > 0))
		return "受信データが大きすぎます";
	return NULL;
}

/* A product's validation, then its canonical price, update time and content hash (dbq_batch_check_fn). */
static const char *
product_check(void *ctx, struct arena *a, void *owner, unsigned char hash[32])
{
	struct prec *r = owner;
	const char *why = product_why(a, r->p, &r->price);
	(void)ctx;
	if (why != NULL)
		return why;
	dbq_orders_utc_ms_text(r->p->updated_at_ms, r->updated);
	product_hash(r->p, r->price, hash);
	return NULL;
}

/* What the row writers need: the records and the scope. */
struct wctx {
	void **recs;                   /* struct prec * or struct srec * */
	uint64_t tenant_id, connection_id;
	const char *now;
};

#define PRODUCT_SQL \
	"INSERT INTO products (id, tenant_id, connection_id, external_id, product_external_id, sku, jan," \
	" name, price, currency, source_updated_at, content_hash, first_seen_at, changed_at) VALUES "
#define PRODUCT_TUPLE "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define PRODUCT_TYPES "iiissssssssbss"
#define PRODUCT_UPDATE \
	" ON DUPLICATE KEY UPDATE product_external_id = VALUES(product_external_id), sku = VALUES(sku)," \
	" jan = VALUES(jan), name = VALUES(name), price = VALUES(price), currency = VALUES(currency)," \
	" source_updated_at = VALUES(source_updated_at), content_hash = VALUES(content_hash)," \
	" changed_at = VALUES(changed_at)"

static void
product_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	const struct wctx *w = ctx;
	const struct prec *r = w->recs[i];
	(void)a;
	*p++ = db_arg_uint(r->b.id);
	*p++ = db_arg_uint(w->tenant_id);
	*p++ = db_arg_uint(w->connection_id);
	*p++ = db_arg_str(r->p->external_id);
	*p++ = db_arg_str(S(r->p->product_external_id));
	*p++ = db_arg_str(S(r->p->sku));
	*p++ = db_arg_str(S(r->p->jan));
	*p++ = db_arg_str(S(r->p->name));
	*p++ = db_arg_str(r->price);
	*p++ = db_arg_str(r->p->currency);
	*p++ = db_arg_str(r->updated);
	*p++ = db_arg_ptr(r->b.hash);
	*p++ = db_arg_uint(32);
	*p++ = db_arg_str(w->now);
	*p = db_arg_str(w->now);
}

static int
product_write(struct db *db, struct arena *a, struct wctx *w, size_t n, bool update)
{
	struct dbq_batch b = { .head = PRODUCT_SQL, .tuple = PRODUCT_TUPLE,
			       .tail = update ? PRODUCT_UPDATE : "", .types = PRODUCT_TYPES, .nargs = 15,
			       .row = product_row, .ctx = w };
	return dbq_batch_run(db, a, &b, n);
}

/* the payload of a product about to be written (dbq_batch_seal_fn) */
static int
seal_product(void *ctx, struct arena *a, void *owner, uint64_t id, struct dbq_payload_row *row)
{
	const struct dbq_batch_tenant *sc = ctx;
	const struct prec *r = owner;
	unsigned char *enc;
	size_t len;
	int rc = dbq_payload_seal(a, sc->key, sc->tenant_id, id, r->p->raw, r->p->raw_len, &enc, &len);
	if (rc != 0)
		return rc;
	*row = (struct dbq_payload_row){ .record_id = id, .enc = enc, .enc_len = len,
					 .raw_len = r->p->raw_len };
	return 0;
}

int
dbq_catalog_upsert_products(struct db *db, struct arena *a, uint64_t tenant_id,
			    const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
			    const struct conn_product *p, size_t n, struct dbq_sync_counts *c)
{
	if (db == NULL || a == NULL || key == NULL || c == NULL || (n > 0 && p == NULL))
		return -ERR_INVALID;
	struct prec *all = arena_calloc(a, n ? n : 1, sizeof *all);
	struct dbq_batch_plan plan;
	dbq_batch_plan_init(a, &plan, n);
	for (size_t i = 0; i < n; i++) {
		all[i] = (struct prec){ .b = { .ext = p[i].external_id, .idx = i, .owner = &all[i] },
					.p = &p[i] };
		dbq_batch_plan_add(&plan, &all[i].b, "商品ID（external_id）がありません");
	}
	size_t nw = dbq_batch_valid(a, &plan, product_check, NULL);
	struct dbq_batch_tenant sc = { key, tenant_id };
	struct dbq_batch_stage st;
	int rc = dbq_batch_stage(db, a, "products", tenant_id, connection_id, &plan, nw, seal_product, &sc,
				 "受信データが大きすぎます", &st);
	if (rc != 0)
		return rc;
	char now[20];
	dbq_orders_utc_text(clock_now(), now);
	struct wctx wf = { st.fresh, tenant_id, connection_id, now };
	struct wctx wc = { st.changed, tenant_id, connection_id, now };
	if ((rc = product_write(db, a, &wf, st.nfresh, false)) != 0 ||
	    (rc = product_write(db, a, &wc, st.nchanged, true)) != 0 ||
	    (rc = dbq_payload_put(db, a, tenant_id, DBQ_PAYLOAD_PRODUCT, now, st.pay, st.npay)) != 0)
		return rc;
	dbq_batch_report(a, &plan, st.nfresh, st.nchanged, st.same, c);
	return 0;
}

/* --- stock --- */

static const char *
stock_check(const struct conn_stock *s)
{
	if (s->sku == NULL || s->sku[0] == '\0' || !dbq_orders_text_ok(s->sku, 100, true))
		return "在庫のSKUが空か、100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(s->location_id), 100, true))
		return "在庫のロケーションIDが100文字を超えているか、使えない文字を含んでいます";
	if (!dbq_orders_text_ok(S(s->location_name), 200, false))
		return "在庫のロケーション名が200文字を超えているか、正しい UTF-8 ではありません";
	if (s->quantity < -MAX_STOCK || s->quantity > MAX_STOCK)
		return "在庫数が範囲外です";
	if (s->updated_at_ms < 0 || s->updated_at_ms > MAX_TIME_MS)
		return "更新日時が範囲外です";
	return NULL;
}

static int
cmp_srec(const void *x, const void *y)
{
	const struct srec *a = *(struct srec *const *)x, *b = *(struct srec *const *)y;
	int c = strcmp(a->s->sku, b->s->sku);
	if (c == 0)
		c = strcmp(S(a->s->location_id), S(b->s->location_id));
	return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static bool
same_key(const struct srec *a, const struct srec *b)
{
	return strcmp(a->s->sku, b->s->sku) == 0 && strcmp(S(a->s->location_id), S(b->s->location_id)) == 0;
}

/* Mark recs[0..n) (sorted by sku, location) that exist, and those unchanged. */
static int
stock_lookup(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
	     struct srec **recs, size_t n)
{
	/* distinct SKUs (recs are sorted by SKU) */
	const char **skus = arena_calloc(a, n ? n : 1, sizeof *skus);
	size_t nk = 0;
	for (size_t i = 0; i < n; i++)
		if (nk == 0 || strcmp(skus[nk - 1], recs[i]->s->sku) != 0)
			skus[nk++] = recs[i]->s->sku;
	for (size_t done = 0; done < nk;) {
		size_t k = dbq_orders_chunk(nk - done);
		struct db_rows *rows;
		int rc = dbq_batch_in(db, a, &rows,
				      "SELECT sku, location_id, location_name, quantity,"
				      " IFNULL(DATE_FORMAT(source_updated_at, '%Y-%m-%d %H:%i:%s.%f'), '')"
				      " FROM stock_levels WHERE tenant_id = ? AND connection_id = ? AND sku IN (",
				      tenant_id, connection_id, skus + done, k);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < db_rows_count(rows); r++) {
			const char *sku = db_str(rows, r, 0), *loc = db_str(rows, r, 1);
			const char *name = db_str(rows, r, 2), *upd = db_str(rows, r, 4);
			int64_t qty;
			if (sku == NULL || loc == NULL || name == NULL || upd == NULL ||
			    db_i64(rows, r, 3, &qty) != 0)
				return -ERR_DB;
			for (size_t i = 0; i < n; i++) { /* n is one page: a linear scan is fine */
				struct srec *x = recs[i];
				if (strcmp(x->s->sku, sku) != 0 || strcmp(S(x->s->location_id), loc) != 0)
					continue;
				x->exists = true;
				/* DATE_FORMAT %f gives microseconds: compare the milliseconds */
				bool same_time = (x->updated[0] == '\0' && upd[0] == '\0') ||
						 (strlen(upd) >= 23 && x->updated[0] != '\0' &&
						  memcmp(upd, x->updated, 23) == 0);
				x->same = qty == x->s->quantity && strcmp(name, S(x->s->location_name)) == 0 &&
					  same_time;
			}
		}
		done += k;
	}
	return 0;
}

static void
stock_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	const struct wctx *w = ctx;
	const struct srec *r = w->recs[i];
	(void)a;
	*p++ = db_arg_uint(w->tenant_id);
	*p++ = db_arg_uint(w->connection_id);
	*p++ = db_arg_str(r->s->sku);
	*p++ = db_arg_str(S(r->s->location_id));
	*p++ = db_arg_str(S(r->s->location_name));
	*p++ = db_arg_int(r->s->quantity);
	*p++ = db_arg_str(r->updated[0] ? r->updated : NULL);
	*p = db_arg_str(w->now);
}

static int
stock_write(struct db *db, struct arena *a, struct wctx *w, size_t n)
{
	struct dbq_batch b = {
		.head = "INSERT INTO stock_levels (tenant_id, connection_id, sku, location_id, location_name,"
			" quantity, source_updated_at, changed_at) VALUES ",
		.tuple = "(?, ?, ?, ?, ?, ?, ?, ?)",
		.tail = " ON DUPLICATE KEY UPDATE location_name = VALUES(location_name),"
			" quantity = VALUES(quantity), source_updated_at = VALUES(source_updated_at),"
			" changed_at = VALUES(changed_at)",
		.types = "iisssiss", .nargs = 8, .row = stock_row, .ctx = w,
	};
	return dbq_batch_run(db, a, &b, n);
}

int
dbq_catalog_upsert_stock(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
			 const struct conn_stock *s, size_t n, struct dbq_sync_counts *c)
{
	if (db == NULL || a == NULL || c == NULL || (n > 0 && s == NULL))
		return -ERR_INVALID;
	size_t m = n ? n : 1;
	struct srec *all = arena_calloc(a, m, sizeof *all);
	struct srec **sorted = arena_calloc(a, m, sizeof *sorted);
	const char **why = arena_calloc(a, m, sizeof *why), **ext = arena_calloc(a, m, sizeof *ext);
	size_t ns = 0, nw = 0;
	for (size_t i = 0; i < n; i++) {
		all[i] = (struct srec){ .s = &s[i], .idx = i };
		ext[i] = s[i].sku;
		if ((why[i] = stock_check(&s[i])) == NULL)
			sorted[ns++] = &all[i];
	}
	qsort(sorted, ns, sizeof *sorted, cmp_srec);
	for (size_t i = 0; i < ns; i++) {
		if (i + 1 < ns && same_key(sorted[i], sorted[i + 1]))
			continue;
		struct srec *r = sorted[i];
		if (r->s->updated_at_ms > 0)
			dbq_orders_utc_ms_text(r->s->updated_at_ms, r->updated);
		sorted[nw++] = r;
	}
	int rc = stock_lookup(db, a, tenant_id, connection_id, sorted, nw);
	if (rc != 0)
		return rc;
	void **w = arena_calloc(a, nw ? nw : 1, sizeof *w);
	size_t nwr = 0, fresh = 0, same = 0;
	for (size_t i = 0; i < nw; i++) {
		if (sorted[i]->exists && sorted[i]->same) {
			same++;
			continue;
		}
		fresh += !sorted[i]->exists;
		w[nwr++] = sorted[i];
	}
	char now[20];
	dbq_orders_utc_text(clock_now(), now);
	struct wctx wx = { w, tenant_id, connection_id, now };
	if ((rc = stock_write(db, a, &wx, nwr)) != 0)
		return rc;
	size_t ne;
	c->errors = dbq_batch_errors(a, why, ext, n, &ne);
	c->nerrors = ne;
	c->new_count += (unsigned)fresh;
	c->updated += (unsigned)(nwr - fresh);
	c->unchanged += (unsigned)same;
	c->failed += (unsigned)ne;
	return 0;
}

/* --- list screens --- */

char *
dbq_catalog_like_prefix(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, a, strlen(s) * 2 + 2);
	for (; *s; s++) {
		if (*s == '!' || *s == '%' || *s == '_')
			buf_putc(&b, '!');
		buf_putc(&b, *s);
	}
	buf_putc(&b, '%');
	return b.data;
}

/* " AND connection_id IN (…)" padded to 1, 5, 25 or 100 ids (few distinct SQL texts),
 * appended to sql/types/args; "" for all connections. */
static int
scope_clause(struct arena *a, const struct dbq_catalog_scope *s, struct buf *sql, struct buf *types,
	     struct db_arg *args, size_t *nargs)
{
	if (s == NULL || (!s->all_conns && (s->nconn == 0 || s->nconn > 100 || s->conn_ids == NULL)))
		return -ERR_INVALID;
	if (s->all_conns)
		return 0;
	size_t k = s->nconn <= 1 ? 1 : s->nconn <= 5 ? 5 : s->nconn <= 25 ? 25 : 100;
	buf_puts(sql, dbq_orders_values_sql(a, " AND connection_id IN (", "?", k, ")"));
	for (size_t i = 0; i < k; i++) {
		buf_putc(types, 'i');
		args[(*nargs)++] = db_arg_uint(s->conn_ids[i < s->nconn ? i : s->nconn - 1]);
	}
	return 0;
}

/* COUNT(*) of "FROM … WHERE …" (where) up to cap + 1 rows. */
static int
count_capped(struct db *db, struct arena *a, const char *from_where, const char *types,
	     struct db_arg *args, size_t nargs, size_t cap, size_t *count)
{
	char *sql = arena_printf(a, "SELECT COUNT(*) FROM (SELECT 1 %s LIMIT ?) capped", from_where);
	char *t = arena_printf(a, "%si", types);
	args[nargs] = db_arg_uint(cap + 1);
	struct db_rows *rows;
	int64_t v;
	int rc = db_query_args(db, a, &rows, sql, t, nargs + 1, args);
	if (rc != 0)
		return rc;
	if (db_i64(rows, 0, 0, &v) != 0 || v < 0)
		return -ERR_DB;
	*count = (size_t)v;
	return 0;
}

int
dbq_catalog_products(struct db *db, struct arena *a, uint64_t tenant_id,
		     const struct dbq_catalog_scope *s, const char *q, size_t offset, size_t limit,
		     size_t cap, struct product_row **out, size_t *n, size_t *count)
{
	*out = NULL;
	*n = *count = 0;
	if (limit == 0 || limit > 200 || offset > 100000 || cap > 100000)
		return -ERR_INVALID;
	struct buf where, types;
	struct db_arg args[110];
	size_t nargs = 0;
	buf_init(&where, a, 256);
	buf_init(&types, a, 128);
	buf_puts(&where, "FROM products WHERE tenant_id = ?");
	buf_putc(&types, 'i');
	args[nargs++] = db_arg_uint(tenant_id);
	int rc = scope_clause(a, s, &where, &types, args, &nargs);
	if (rc != 0)
		return rc;
	if (q != NULL && *q != '\0') {
		char *like = dbq_catalog_like_prefix(a, q);
		buf_puts(&where, " AND (sku LIKE ? ESCAPE '!' OR jan LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!')");
		buf_puts(&types, "sss");
		for (int i = 0; i < 3; i++)
			args[nargs++] = db_arg_str(like);
	}
	if ((rc = count_capped(db, a, where.data, types.data, args, nargs, cap, count)) != 0)
		return rc;
	char *sql = arena_printf(a, "SELECT id, connection_id, external_id, sku, jan, name, price, currency,"
				    " UNIX_TIMESTAMP(changed_at) %s ORDER BY sku, id LIMIT ? OFFSET ?",
				 where.data);
	char *t = arena_printf(a, "%sii", types.data);
	args[nargs] = db_arg_uint(limit);
	args[nargs + 1] = db_arg_uint(offset);
	struct db_rows *rows;
	if ((rc = db_query_args(db, a, &rows, sql, t, nargs + 2, args)) != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct product_row *p = arena_calloc(a, k ? k : 1, sizeof *p);
	for (size_t i = 0; i < k; i++) {
		int64_t id, conn, changed;
		if (db_i64(rows, i, 0, &id) || db_i64(rows, i, 1, &conn) || db_i64(rows, i, 8, &changed))
			return -ERR_DB;
		p[i] = (struct product_row){ .id = (uint64_t)id, .connection_id = (uint64_t)conn,
					     .external_id = db_str(rows, i, 2), .sku = db_str(rows, i, 3),
					     .jan = db_str(rows, i, 4), .name = db_str(rows, i, 5),
					     .price = db_str(rows, i, 6), .currency = db_str(rows, i, 7),
					     .changed_at = changed };
	}
	*out = p;
	*n = k;
	return 0;
}

int
dbq_catalog_stock(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		  const char *sku_prefix, size_t offset, size_t limit, size_t cap,
		  struct stock_row **out, size_t *n, size_t *count)
{
	*out = NULL;
	*n = *count = 0;
	if (limit == 0 || limit > 200 || offset > 100000 || cap > 100000)
		return -ERR_INVALID;
	bool filter = sku_prefix != NULL && *sku_prefix != '\0';
	struct db_arg args[6];
	size_t nargs = 0;
	args[nargs++] = db_arg_uint(tenant_id);
	args[nargs++] = db_arg_uint(connection_id);
	if (filter)
		args[nargs++] = db_arg_str(dbq_catalog_like_prefix(a, sku_prefix));
	const char *where = filter ? "FROM stock_levels WHERE tenant_id = ? AND connection_id = ?"
				     " AND sku LIKE ? ESCAPE '!'"
				   : "FROM stock_levels WHERE tenant_id = ? AND connection_id = ?";
	const char *types = filter ? "iis" : "ii";
	int rc = count_capped(db, a, where, types, args, nargs, cap, count);
	if (rc != 0)
		return rc;
	char *sql = arena_printf(a, "SELECT sku, location_id, location_name, quantity,"
				    " IFNULL(UNIX_TIMESTAMP(source_updated_at), 0), UNIX_TIMESTAMP(changed_at)"
				    " %s ORDER BY sku, location_id LIMIT ? OFFSET ?",
				 where);
	args[nargs] = db_arg_uint(limit);
	args[nargs + 1] = db_arg_uint(offset);
	struct db_rows *rows;
	if ((rc = db_query_args(db, a, &rows, sql, arena_printf(a, "%sii", types), nargs + 2, args)) != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct stock_row *r = arena_calloc(a, k ? k : 1, sizeof *r);
	for (size_t i = 0; i < k; i++) {
		int64_t qty, upd, changed;
		const char *su = db_str(rows, i, 4);
		/* UNIX_TIMESTAMP of DATETIME(3) has a fraction: keep the seconds */
		if (db_i64(rows, i, 3, &qty) || su == NULL || db_i64(rows, i, 5, &changed))
			return -ERR_DB;
		upd = strtoll(su, NULL, 10);
		r[i] = (struct stock_row){ .sku = db_str(rows, i, 0), .location_id = db_str(rows, i, 1),
					   .location_name = db_str(rows, i, 2), .quantity = (long)qty,
					   .source_updated_at = upd, .changed_at = changed };
	}
	*out = r;
	*n = k;
	return 0;
}
