/* dbq_convsrc.c: the records a template converts — orders, lines, products, stock, shipments — read in a few batched queries. */
#include "dbq_convsrc.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/dbq_convsrc_kinds.h"
#include "db/dbq_convsrc_util.h"

/*
 * Every kind is read with one query per table (orders and their lines: two,
 * both over the same selection, in one transaction so that they see the
 * same snapshot), never one per record. Personal data (orders.buyer_enc,
 * ship_to_enc) is unsealed in C. The selection (which units, how many, in
 * which order) is the same SQL for every kind: see dbq_convsrc_util.h.
 * This file reads orders and order lines; dbq_convsrc_kinds.c the others.
 */

/* ---- orders and order lines --------------------------------------------------------------- */

static const char *const order_names[] = {
	"order_number", "external_id", "ordered_at", "updated_at", "status", "platform_status", "currency",
	"subtotal", "shipping_fee", "tax", "discount", "total", "line_count", "item_quantity",
	"amount_10", "tax_10", "amount_8", "tax_8", "amount_other", "first_line.name", "first_line.sku",
	"connection.name", "connection.platform",
};
enum {
	O_NUMBER, O_EXT, O_ORDERED, O_UPDATED, O_STATUS, O_PSTATUS, O_CURRENCY, O_SUBTOTAL, O_SHIPPING,
	O_TAX, O_DISCOUNT, O_TOTAL, O_LINES, O_QTY, O_A10, O_T10, O_A8, O_T8, O_AOTHER, O_FNAME, O_FSKU,
	O_CONN, O_PLATFORM, O__N
};
static const char *const line_names[] = {
	"line.no", "line.external_id", "line.sku", "line.jan", "line.name", "line.quantity", "line.unit_price",
	"line.tax_rate", "line.total", "line.tax",
};
enum { L_NO, L_EXT, L_SKU, L_JAN, L_NAME, L_QTY, L_PRICE, L_RATE, L_TOTAL, L_TAX, L__N };

#define ORDER_COLS \
	"o.id, o.connection_id, o.order_number, o.external_id, UNIX_TIMESTAMP(o.ordered_at)," \
	" ROUND(UNIX_TIMESTAMP(o.source_updated_at) * 1000), o.status, o.platform_status, o.currency, o.subtotal," \
	" o.shipping_fee, o.tax, o.discount, o.total, o.line_count, o.item_quantity, o.buyer_enc, o.ship_to_enc"
#define LINE_COLS \
	"l.order_id, l.line_no, l.external_line_id, l.sku, l.jan, l.name, l.quantity, l.unit_price, l.tax_rate," \
	" l.line_total"

/* One order as read: its values (the whole CONV_ORDER catalog) and where its lines are. */
struct ord {
	uint64_t id;
	struct expr_value *v;
	size_t first_line, nlines;
};

/* The catalog indexes of the buyer's and the ship-to's keys. */
struct person_ix {
	int buyer[DBQ_CONVSRC_PERSON_KEYS], ship[DBQ_CONVSRC_PERSON_KEYS];
};

static int
person_indexes(struct arena *a, struct person_ix *p)
{
	for (size_t k = 0; k < DBQ_CONVSRC_PERSON_KEYS; k++) {
		const char *key = dbq_convsrc_util_person_keys[k];
		p->buyer[k] = conv_fields_index(CONV_ORDER, arena_printf(a, "buyer.%s", key));
		p->ship[k] = conv_fields_index(CONV_ORDER, arena_printf(a, "ship.%s", key));
		if (p->buyer[k] < 0 || (p->ship[k] < 0 && strcmp(key, "email") != 0))
			return -ERR_INVALID;
	}
	return 0;
}

static int
fill_order(struct dbq_convsrc_ctx *c, const struct db_rows *rows, size_t r, const int *ix,
    const struct person_ix *pix, struct ord *o)
{
	int64_t id, conn;
	if (db_i64(rows, r, 0, &id) != 0 || db_i64(rows, r, 1, &conn) != 0)
		return -ERR_DB;
	o->id = (uint64_t)id;
	o->v = arena_calloc(c->a, c->ncat, sizeof *o->v);
	static const int text_cols[][2] = { { O_NUMBER, 2 }, { O_EXT, 3 }, { O_STATUS, 6 }, { O_PSTATUS, 7 },
					    { O_CURRENCY, 8 } };
	static const int dec_cols[][2] = { { O_SUBTOTAL, 9 }, { O_SHIPPING, 10 }, { O_TAX, 11 },
					   { O_DISCOUNT, 12 }, { O_TOTAL, 13 }, { O_LINES, 14 }, { O_QTY, 15 } };
	for (size_t k = 0; k < sizeof text_cols / sizeof text_cols[0]; k++)
		dbq_convsrc_util_text(&o->v[ix[text_cols[k][0]]], db_str(rows, r, (size_t)text_cols[k][1]));
	for (size_t k = 0; k < sizeof dec_cols / sizeof dec_cols[0]; k++)
		dbq_convsrc_util_dec(&o->v[ix[dec_cols[k][0]]], db_str(rows, r, (size_t)dec_cols[k][1]));
	dbq_convsrc_util_time(&o->v[ix[O_ORDERED]], db_str(rows, r, 4), 1000);
	dbq_convsrc_util_time(&o->v[ix[O_UPDATED]], db_str(rows, r, 5), 1);
	dbq_convsrc_util_connection(c, (uint64_t)conn, &o->v[ix[O_CONN]], &o->v[ix[O_PLATFORM]]);
	int rc = dbq_convsrc_util_person(c, "buyer_enc", o->id, db_cell(rows, r, 16), pix->buyer, o->v);
	if (rc == 0)
		rc = dbq_convsrc_util_person(c, "ship_to_enc", o->id, db_cell(rows, r, 17), pix->ship, o->v);
	return rc;
}

/* The line values of row r into v (catalog index i at v[i - base]), and the tax contained in its total. */
static void
fill_line(const struct db_rows *rows, size_t r, const int *lix, struct expr_value *v, size_t base)
{
	struct expr_value *x[L__N];
	for (int k = 0; k < L__N; k++)
		x[k] = &v[(size_t)lix[k] - base];
	dbq_convsrc_util_dec(x[L_NO], db_str(rows, r, 1));
	dbq_convsrc_util_text(x[L_EXT], db_str(rows, r, 2));
	dbq_convsrc_util_text(x[L_SKU], db_str(rows, r, 3));
	dbq_convsrc_util_text(x[L_JAN], db_str(rows, r, 4));
	dbq_convsrc_util_text(x[L_NAME], db_str(rows, r, 5));
	dbq_convsrc_util_dec(x[L_QTY], db_str(rows, r, 6));
	dbq_convsrc_util_dec(x[L_PRICE], db_str(rows, r, 7));
	dbq_convsrc_util_dec(x[L_RATE], db_str(rows, r, 8));
	dbq_convsrc_util_dec(x[L_TOTAL], db_str(rows, r, 9));
	dbq_convsrc_util_tax(x[L_TOTAL], x[L_RATE], x[L_TAX]);
}

/* The order's tax split and first line from its lines (the rule of conv_fields.h). */
static void
order_totals(const struct ord *o, const struct db_rows *lrows, const int *ix)
{
	struct dec sum[3] = { dec_from_int64(0), dec_from_int64(0), dec_from_int64(0) };
	struct dec ten = dec_from_int64(10), eight = dec_from_int64(8);
	for (size_t k = 0; k < o->nlines; k++) {
		size_t r = o->first_line + k;
		struct expr_value rate = { 0 }, total = { 0 };
		dbq_convsrc_util_dec(&rate, db_str(lrows, r, 8));
		dbq_convsrc_util_dec(&total, db_str(lrows, r, 9));
		if (total.type != EXPR_DEC)
			continue;
		int b = rate.type != EXPR_DEC ? 2 : dec_cmp(&rate.num, &ten) == 0 ? 0
		    : dec_cmp(&rate.num, &eight) == 0 ? 1 : 2;
		struct dec s;
		if (dec_add(&sum[b], &total.num, &s) == 0)
			sum[b] = s;
	}
	static const int amount_ix[3] = { O_A10, O_A8, O_AOTHER };
	for (int b = 0; b < 3; b++) {
		o->v[ix[amount_ix[b]]].type = EXPR_DEC;
		o->v[ix[amount_ix[b]]].num = sum[b];
	}
	struct expr_value r10 = { .type = EXPR_DEC, .num = ten }, r8 = { .type = EXPR_DEC, .num = eight };
	dbq_convsrc_util_tax(&o->v[ix[O_A10]], &r10, &o->v[ix[O_T10]]);
	dbq_convsrc_util_tax(&o->v[ix[O_A8]], &r8, &o->v[ix[O_T8]]);
	if (o->nlines > 0) {
		dbq_convsrc_util_text(&o->v[ix[O_FNAME]], db_str(lrows, o->first_line, 5));
		dbq_convsrc_util_text(&o->v[ix[O_FSKU]], db_str(lrows, o->first_line, 3));
	}
}

static int
cmp_ord_id(const void *x, const void *y)
{
	uint64_t a = ((const struct ord *const *)x)[0]->id, b = ((const struct ord *const *)y)[0]->id;
	return (a > b) - (a < b);
}

/* Attach the lines (ordered by order id, line number) to their orders. */
static int
attach_lines(struct dbq_convsrc_ctx *c, struct ord *ords, size_t n, const struct db_rows *lrows)
{
	struct ord **by_id = arena_alloc(c->a, (n ? n : 1) * sizeof *by_id);
	for (size_t i = 0; i < n; i++)
		by_id[i] = &ords[i];
	qsort(by_id, n, sizeof *by_id, cmp_ord_id);
	size_t nl = db_rows_count(lrows);
	for (size_t r = 0; r < nl;) {
		int64_t oid;
		if (db_i64(lrows, r, 0, &oid) != 0)
			return -ERR_DB;
		struct ord key = { .id = (uint64_t)oid }, *kp = &key;
		struct ord **hit = bsearch(&kp, by_id, n, sizeof *by_id, cmp_ord_id);
		size_t end = r + 1;
		int64_t next;
		while (end < nl && db_i64(lrows, end, 0, &next) == 0 && next == oid)
			end++;
		if (hit != NULL) {
			(*hit)->first_line = r;
			(*hit)->nlines = end - r;
		}
		r = end;
	}
	return 0;
}

/* The records: one per order, or one per line (an order without lines: one record, line fields null). */
static int
make_records(struct dbq_convsrc_ctx *c, struct ord *ords, size_t n, const struct db_rows *lrows,
    struct conv_record **out, size_t *nout)
{
	int lix[L__N];
	if (dbq_convsrc_util_indexes(CONV_ORDER_LINE, line_names, L__N, lix) != 0)
		return -ERR_INVALID;
	size_t lf = conv_fields_line_first(), nrec = 0;
	for (size_t i = 0; i < n; i++)
		nrec += c->q->kind == CONV_ORDER_LINE && ords[i].nlines > 0 ? ords[i].nlines : 1;
	struct conv_record *recs = arena_calloc(c->a, nrec ? nrec : 1, sizeof *recs);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ord *o = &ords[i];
		const char *label = o->v[0].type == EXPR_TEXT ? o->v[0].s : "";
		size_t m = c->q->kind == CONV_ORDER_LINE && o->nlines > 0 ? o->nlines : 1;
		for (size_t j = 0; j < m; j++, k++) {
			recs[k] = (struct conv_record){ .id = o->id, .label = label, .values = o->v };
			if (c->q->kind != CONV_ORDER_LINE)
				continue;
			struct expr_value *lv;
			size_t base = 0;
			if (c->q->share_order) {
				recs[k].order_values = o->v;
				recs[k].values = lv = arena_calloc(c->a, c->ncat - lf, sizeof *lv);
				base = lf;   /* lix are catalog indexes */
			} else {
				recs[k].values = lv = arena_calloc(c->a, c->ncat, sizeof *lv);
				memcpy(lv, o->v, lf * sizeof *lv);
			}
			if (o->nlines > 0)
				fill_line(lrows, o->first_line + j, lix, lv, base);
		}
	}
	*out = recs;
	*nout = k;
	return 0;
}

/* "SELECT cols FROM (the selected orders) s" + join + tail, into *rows. */
static int
over_selection(struct dbq_convsrc_ctx *c, const char *cols, const char *join, const char *tail,
    struct db_rows **rows)
{
	struct dbq_convsrc_stmt s;
	dbq_convsrc_util_stmt(c, &s, cols);
	buf_puts(&s.sql, " FROM (SELECT o.id FROM orders o");
	dbq_convsrc_util_where(c, &s, "o.tenant_id", "o.connection_id", "o.id", "o.ordered_at", "o.order_number");
	buf_putc(&s.sql, ')');
	dbq_convsrc_util_arg_int(&s, join, c->q->tenant_id);
	buf_puts(&s.sql, tail);
	return dbq_convsrc_util_query(c, &s, rows);
}

static int
read_orders(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *nout)
{
	int ix[O__N];
	struct person_ix pix;
	if (dbq_convsrc_util_indexes(CONV_ORDER, order_names, O__N, ix) != 0 || ix[O_NUMBER] != 0 ||
	    person_indexes(c->a, &pix) != 0)
		return -ERR_INVALID;   /* (the label is read from index 0) */
	struct db_rows *orows, *lrows;
	bool own_tx = !db_in_tx(c->db);
	int rc = own_tx ? db_begin(c->db) : 0;
	if (rc == 0)
		rc = over_selection(c, "SELECT " ORDER_COLS, " s JOIN orders o ON o.id = s.id AND o.tenant_id = ?",
		    " ORDER BY o.ordered_at, o.order_number, o.id", &orows);
	if (rc == 0)
		rc = over_selection(c, "SELECT " LINE_COLS,
		    " s JOIN order_lines l ON l.order_id = s.id AND l.tenant_id = ?", " ORDER BY l.order_id, l.line_no",
		    &lrows);
	if (own_tx && rc == 0)
		rc = db_commit(c->db);
	else if (own_tx)
		db_rollback(c->db);
	if (rc != 0)
		return rc;
	size_t n = db_rows_count(orows);
	struct ord *ords = arena_calloc(c->a, n ? n : 1, sizeof *ords);
	for (size_t r = 0; r < n; r++)
		if ((rc = fill_order(c, orows, r, ix, &pix, &ords[r])) != 0)
			return rc;
	if ((rc = attach_lines(c, ords, n, lrows)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		order_totals(&ords[i], lrows, ix);
	return make_records(c, ords, n, lrows, out, nout);
}

int
dbq_convsrc_read(struct db *db, struct arena *a, const struct dbq_convsrc_query *q,
    struct conv_record **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct dbq_convsrc_ctx c;
	int rc = dbq_convsrc_util_begin(db, a, q, &c);
	if (rc != 0)
		return rc;
	switch (q->kind) {
	case CONV_ORDER:
	case CONV_ORDER_LINE:
		return read_orders(&c, out, n);
	case CONV_PRODUCT:
		return dbq_convsrc_kinds_products(&c, out, n);
	case CONV_STOCK:
		return dbq_convsrc_kinds_stock(&c, out, n);
	case CONV_SHIPMENT:
		return dbq_convsrc_kinds_shipments(&c, out, n);
	default:
		return -ERR_INVALID;
	}
}
