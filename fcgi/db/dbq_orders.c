/* dbq_orders.c: orders — the fetcher's idempotent batch upsert (personal data sealed, batched writes of orders, lines, shipments, payloads). */
#include "dbq_orders.h"

#include <stdlib.h>
#include <string.h>

#include "connectors/conn_jv.h"
#include "core/clock.h"
#include "core/err.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_batch.h"
#include "db/dbq_payload.h"

#define MAX_PERSON_ENC 2048

/* One record of the page on its way to the database (validation, hash and
 * the known-row lookup in b; the canonical texts of its columns here). */
struct rec {
	struct dbq_batch_rec b;
	const struct conn_order *o;
	const struct dbq_payload_z *z;  /* its payload compressed ahead, or NULL */
	const char *money[5];           /* subtotal, shipping_fee, tax, discount, total as stored */
	char ordered[20], updated[24];
	unsigned qty;
	unsigned char *buyer, *ship;
	size_t buyer_len, ship_len;
};

static const char *
S(const char *s)
{
	return s != NULL ? s : "";
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
		conn_jv_quote(&b, names[i], strlen(names[i]));
		buf_putc(&b, ':');
		conn_jv_quote(&b, f[i], strlen(f[i]));
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

/* ---- the writes: one struct dbq_batch each ---- */

/* What every row writer needs: the records and the scope. */
struct wctx {
	void **recs;                    /* struct rec * */
	uint64_t tenant_id, connection_id;
	const char *now;
};

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

static void
order_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	const struct wctx *w = ctx;
	const struct rec *r = w->recs[i];
	const struct conn_order *o = r->o;
	(void)a;
	*p++ = db_arg_uint(r->b.id);
	*p++ = db_arg_uint(w->tenant_id);
	*p++ = db_arg_uint(w->connection_id);
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
	*p++ = db_arg_ptr(r->b.hash);
	*p++ = db_arg_uint(32);
	*p++ = db_arg_str(w->now);
	*p = db_arg_str(w->now);
}

/* New orders (plain INSERT: a duplicate is a conflict) or changed ones (update in place). */
static int
write_orders(struct db *db, struct arena *a, struct wctx *w, size_t n, bool update)
{
	struct dbq_batch b = { .head = ORDER_COLS, .tuple = ORDER_TUPLE,
			       .tail = update ? ORDER_UPDATE : "", .types = ORDER_TYPES,
			       .nargs = ORDER_NARGS, .row = order_row, .ctx = w };
	return dbq_batch_run(db, a, &b, n);
}

static void
id_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	(void)a;
	const struct rec *r = ((const struct wctx *)ctx)->recs[i];
	*p = db_arg_uint(r->b.id);
}

/* The lines (or shipments) of changed orders go before their replacements are inserted. */
static int
delete_rows(struct db *db, struct arena *a, struct wctx *w, size_t n, bool shipments)
{
	struct db_arg tenant = db_arg_uint(w->tenant_id);
	struct dbq_batch b = { .head = shipments ? "DELETE FROM shipments WHERE order_id IN ("
						 : "DELETE FROM order_lines WHERE order_id IN (",
			       .tuple = "?", .tail = ") AND tenant_id = ?", .types = "i", .nargs = 1,
			       .row = id_row, .ctx = w,
			       .tail_types = "i", .tail_args = &tenant, .ntail = 1 };
	return dbq_batch_run(db, a, &b, n);
}

/* One line to insert, numbered from 1 within its order in the platform's order. */
struct line_ref {
	const struct conn_line *l;
	uint64_t order_id;
	size_t line_no;
};

struct lctx {
	const struct line_ref *lines;
	uint64_t tenant_id;
};

static void
line_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	const struct lctx *c = ctx;
	const struct line_ref *r = &c->lines[i];
	const struct conn_line *l = r->l;
	*p++ = db_arg_uint(r->order_id);
	*p++ = db_arg_uint(r->line_no);
	*p++ = db_arg_uint(c->tenant_id);
	*p++ = db_arg_str(S(l->external_line_id));
	*p++ = db_arg_str(S(l->sku));
	*p++ = db_arg_str(S(l->jan));
	*p++ = db_arg_str(S(l->name));
	*p++ = db_arg_int(l->quantity);
	*p++ = db_arg_str(dbq_orders_money(a, l->unit_price));
	*p++ = db_arg_str(dbq_orders_tax_rate(a, l->tax_rate));
	*p = db_arg_str(dbq_orders_money(a, l->line_total));
}

/* Every line of recs[0..n). */
static int
write_lines(struct db *db, struct arena *a, const struct wctx *w, size_t n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		total += ((const struct rec *)w->recs[i])->o->nlines;
	struct line_ref *lines = arena_calloc(a, total ? total : 1, sizeof *lines);
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = w->recs[i];
		for (size_t j = 0; j < r->o->nlines; j++)
			lines[k++] = (struct line_ref){ &r->o->lines[j], r->b.id, j + 1 };
	}
	struct lctx c = { lines, w->tenant_id };
	struct dbq_batch b = {
		.head = "INSERT INTO order_lines (order_id, line_no, tenant_id, external_line_id, sku, jan,"
			" name, quantity, unit_price, tax_rate, line_total) VALUES ",
		.tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", .tail = "", .types = "iiissssisss",
		.nargs = 11, .row = line_row, .ctx = &c,
	};
	return dbq_batch_run(db, a, &b, total);
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

struct sctx {
	const struct ship_ref *refs;
	uint64_t tenant_id, connection_id;
};

static void
ship_row(void *ctx, struct arena *a, size_t i, struct db_arg *p)
{
	const struct sctx *c = ctx;
	const struct ship_ref *r = &c->refs[i];
	char *at = NULL;
	if (r->s->shipped_at > 0)
		at = dbq_orders_utc_text(r->s->shipped_at, arena_alloc(a, 20));
	*p++ = db_arg_uint(token_random_id());
	*p++ = db_arg_uint(c->tenant_id);
	*p++ = db_arg_uint(c->connection_id);
	*p++ = db_arg_uint(r->order_id);
	*p++ = db_arg_str(r->s->external_id);
	*p++ = db_arg_str(S(r->s->carrier));
	*p++ = db_arg_str(S(r->s->tracking_number));
	*p++ = db_arg_str(at);
	*p = db_arg_str(S(r->s->status));
}

/* Every shipment of recs[0..n), each with a new random id. (tenant_id, connection_id,
 * external_id) is unique across the connection's orders: a shipment another order
 * already holds moves to the order that now names it. */
static int
write_shipments(struct db *db, struct arena *a, const struct wctx *w, size_t n)
{
	size_t total = 0, nr = 0;
	for (size_t i = 0; i < n; i++)
		total += ((const struct rec *)w->recs[i])->o->nshipments;
	if (total == 0)
		return 0;
	struct ship_ref *refs = arena_calloc(a, total, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = w->recs[i];
		ship_refs(a, r->o, r->b.id, refs, &nr);
	}
	struct sctx c = { refs, w->tenant_id, w->connection_id };
	struct dbq_batch b = {
		.head = "INSERT INTO shipments (id, tenant_id, connection_id, order_id, external_id, carrier,"
			" tracking_number, shipped_at, status) VALUES ",
		.tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
		.tail = " ON DUPLICATE KEY UPDATE order_id = VALUES(order_id), carrier = VALUES(carrier),"
			" tracking_number = VALUES(tracking_number), shipped_at = VALUES(shipped_at),"
			" status = VALUES(status)",
		.types = "iiiisssss", .nargs = 9, .row = ship_row, .ctx = &c,
	};
	return dbq_batch_run(db, a, &b, nr);
}

/* Seal the personal data and the payload of a record about to be written (dbq_batch_seal_fn). */
static int
prepare(void *ctx, struct arena *a, void *owner, uint64_t id, struct dbq_payload_row *pay)
{
	const struct dbq_batch_tenant *sc = ctx;
	struct rec *r = owner;
	int rc = seal_person(a, sc->key, sc->tenant_id, "buyer_enc", id, &r->o->buyer, &r->buyer,
			     &r->buyer_len);
	if (rc == 0)
		rc = seal_person(a, sc->key, sc->tenant_id, "ship_to_enc", id, &r->o->ship_to, &r->ship,
				 &r->ship_len);
	if (rc != 0)
		return rc;
	if (r->buyer_len > MAX_PERSON_ENC || r->ship_len > MAX_PERSON_ENC)
		return -ERR_TOO_LARGE;
	unsigned char *enc;
	size_t len;
	rc = r->z != NULL && r->z->z != NULL
		? dbq_payload_seal_z(a, sc->key, sc->tenant_id, id, r->z, &enc, &len)
		: dbq_payload_seal(a, sc->key, sc->tenant_id, id, r->o->raw, r->o->raw_len, &enc, &len);
	if (rc != 0)
		return rc;
	*pay = (struct dbq_payload_row){ .record_id = id, .enc = enc, .enc_len = len,
					 .raw_len = r->o->raw_len };
	return 0;
}

/* A record's validation, then its canonical column texts and content hash (dbq_batch_check_fn). */
static const char *
check(void *ctx, struct arena *a, void *owner, unsigned char hash[32])
{
	struct rec *r = owner;
	const struct conn_order *o = r->o;
	const char *why;
	(void)ctx;
	if (dbq_orders_check(o, &why) != 0)
		return why;
	const char *money[] = { o->subtotal, o->shipping_fee, o->tax, o->discount, o->total };
	for (size_t m = 0; m < 5; m++)
		r->money[m] = dbq_orders_money(a, money[m]);
	for (size_t l = 0; l < o->nlines; l++)
		r->qty += (unsigned)o->lines[l].quantity;
	dbq_orders_utc_text(o->ordered_at, r->ordered);
	dbq_orders_utc_ms_text(o->updated_at_ms, r->updated);
	dbq_orders_hash(o, hash);
	return NULL;
}

int
dbq_orders_upsert(struct db *db, struct arena *a, uint64_t tenant_id,
		  const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
		  const struct conn_order *orders, size_t n, struct dbq_sync_counts *c)
{
	return dbq_orders_upsert_z(db, a, tenant_id, key, connection_id, orders, NULL, n, c);
}

int
dbq_orders_upsert_z(struct db *db, struct arena *a, uint64_t tenant_id,
		    const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
		    const struct conn_order *orders, const struct dbq_payload_z *z, size_t n,
		    struct dbq_sync_counts *c)
{
	if (db == NULL || a == NULL || key == NULL || c == NULL || (n > 0 && orders == NULL))
		return -ERR_INVALID;
	struct rec *all = arena_calloc(a, n ? n : 1, sizeof *all);
	struct dbq_batch_plan plan;
	dbq_batch_plan_init(a, &plan, n);
	for (size_t i = 0; i < n; i++) {
		all[i] = (struct rec){ .b = { .ext = orders[i].external_id, .idx = i, .owner = &all[i] },
				       .o = &orders[i], .z = z != NULL ? &z[i] : NULL };
		dbq_batch_plan_add(&plan, &all[i].b, "注文ID（external_id）がありません");
	}
	size_t nw = dbq_batch_valid(a, &plan, check, NULL);
	struct dbq_batch_tenant sc = { key, tenant_id };
	struct dbq_batch_stage st;
	int rc = dbq_batch_stage(db, a, "orders", tenant_id, connection_id, &plan, nw, prepare, &sc,
				 "購入者または配送先の個人情報が長すぎます", &st);
	if (rc != 0)
		return rc;
	char now[20];
	dbq_orders_utc_text(clock_now(), now);
	struct wctx wf = { st.fresh, tenant_id, connection_id, now };
	struct wctx wc = { st.changed, tenant_id, connection_id, now };
	size_t nf = st.nfresh, nc = st.nchanged;
	if ((rc = write_orders(db, a, &wf, nf, false)) != 0 ||
	    (rc = write_orders(db, a, &wc, nc, true)) != 0 ||
	    (rc = delete_rows(db, a, &wc, nc, false)) != 0 ||
	    (rc = write_lines(db, a, &wf, nf)) != 0 ||
	    (rc = write_lines(db, a, &wc, nc)) != 0 ||
	    (rc = delete_rows(db, a, &wc, nc, true)) != 0 ||
	    (rc = write_shipments(db, a, &wf, nf)) != 0 ||
	    (rc = write_shipments(db, a, &wc, nc)) != 0 ||
	    (rc = dbq_payload_put(db, a, tenant_id, DBQ_PAYLOAD_ORDER, now, st.pay, st.npay)) != 0)
		return rc;
	dbq_batch_report(a, &plan, nf, nc, st.same, c);
	return 0;
}
