/* dbq_orders_read.c: orders — the read half of dbq_orders.h: keyset list, capped count, detail, dashboard counts. */
#include "dbq_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "db/dbq_audit.h"

#define MAX_CONNS 100

static const char *const statuses[] = { "pending", "paid", "shipped", "cancelled", "refunded", "other" };

#define ROW_COLS \
	"id, connection_id, external_id, order_number, status, platform_status," \
	" UNIX_TIMESTAMP(ordered_at), ordered_offset_min, currency, total, line_count, item_quantity"

bool
dbq_orders_status_ok(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return true;
	return false;
}

char *
dbq_orders_jst_day(int days_ago, char out[11])
{
	time_t t = clock_now() + 9 * 3600 - (time_t)days_ago * 86400;
	struct tm tm;
	char tmp[64];
	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, tmp, 10);
	out[10] = '\0';
	return out;
}

int
dbq_orders_connections(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		       bool restricted, struct dbq_orders_conn **out, size_t *n)
{
	struct db_rows *rows;
	int rc = restricted
		? db_query(db, a, &rows,
			   "SELECT c.id, c.name, c.platform FROM connections c JOIN user_connection_access u"
			   " ON u.tenant_id = c.tenant_id AND u.connection_id = c.id AND u.user_id = ?"
			   " WHERE c.tenant_id = ? ORDER BY c.name, c.id",
			   "ii", user_id, tenant_id)
		: db_query(db, a, &rows,
			   "SELECT id, name, platform FROM connections WHERE tenant_id = ? ORDER BY name, id",
			   "i", tenant_id);
	*out = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct dbq_orders_conn *c = arena_calloc(a, k ? k : 1, sizeof *c);
	for (size_t i = 0; i < k; i++) {
		int64_t id;
		if (db_i64(rows, i, 0, &id) != 0)
			return -ERR_DB;
		c[i] = (struct dbq_orders_conn){ .id = (uint64_t)id, .name = db_str(rows, i, 1),
						 .platform = db_str(rows, i, 2) };
	}
	*out = c;
	*n = k;
	return 0;
}

/* A statement under construction: SQL text, type letters and arguments. */
struct q {
	struct buf sql, types;
	struct db_arg args[16];
	size_t nargs;
};

static void
q_init(struct arena *a, struct q *q)
{
	buf_init(&q->sql, a, 512);
	buf_init(&q->types, a, 16);
	q->nargs = 0;
}

static void
q_int(struct q *q, uint64_t v)
{
	buf_putc(&q->types, 'i');
	q->args[q->nargs++] = db_arg_uint(v);
}

static void
q_str(struct q *q, const char *v)
{
	buf_putc(&q->types, 's');
	q->args[q->nargs++] = db_arg_str(v);
}

static bool
sort_desc(enum dbq_orders_sort s)
{
	return s == DBQ_ORDERS_NEWEST || s == DBQ_ORDERS_TOTAL_DESC;
}

static bool
sort_total(enum dbq_orders_sort s)
{
	return s == DBQ_ORDERS_TOTAL_DESC || s == DBQ_ORDERS_TOTAL_ASC;
}

/*
 * Index plans. MariaDB 10.11 picks "ref" access on (tenant_id) for
 * ORDER BY … LIMIT and then reads the index from its end, ignoring the keyset
 * and date ranges on the next key part (hundreds of thousands of rows read for
 * a deep page). FORCE INDEX makes it a range scan, so each query below is
 * pinned to the index whose key order is the sort order, or to the filter's
 * index when the filter is selective (then the few rows are sorted).
 * orders_conn_status, orders_total and orders_conn_total are the indexes
 * proposed in addition to schema/0003; without them the nearest existing
 * index is used (correct, slower for those combinations).
 */
enum ix {
	IX_ORDERED, IX_CONN_ORDERED, IX_STATUS, IX_CONN_STATUS, IX_NUMBER, IX_TOTAL, IX_CONN_TOTAL,
};
static const char *const ix_names[] = {
	"orders_ordered", "orders_conn_ordered", "orders_status", "orders_conn_status",
	"orders_number", "orders_total", "orders_conn_total",
};
#define IX_OPTIONAL ((1 << IX_CONN_STATUS) | (1 << IX_TOTAL) | (1 << IX_CONN_TOTAL))
#define SMALL 10000 /* matches few enough to sort after reading them through the filter's index */

static _Atomic int present = -1; /* bitmask of IX_*; -1 until asked (once per process) */

/* Which optional indexes exist (a migration adding one needs a worker restart). */
static int
indexes(struct db *db, struct arena *a)
{
	int m = present;
	if (m >= 0)
		return m;
	struct db_rows *rows;
	m = ~IX_OPTIONAL;
	if (db_query(db, a, &rows,
		     "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()"
		     " AND table_name = 'orders'", "") != 0)
		return m; /* not cached: ask again next time */
	for (size_t r = 0; r < db_rows_count(rows); r++)
		for (int i = IX_CONN_STATUS; i <= IX_CONN_TOTAL; i++)
			if (db_str(rows, r, 0) && strcmp(db_str(rows, r, 0), ix_names[i]) == 0)
				m |= 1 << i;
	present = m;
	return m;
}

static bool
has_status(const struct dbq_orders_filter *f)
{
	return f->status != NULL && *f->status != '\0';
}

static bool
has_number(const struct dbq_orders_filter *f)
{
	return f->number != NULL && *f->number != '\0';
}

/* The index that serves the filters (order by ordered_at within them). */
static enum ix
filter_ix(const struct dbq_orders_filter *f, uint64_t conn, int have, bool number_small)
{
	if (has_number(f) && (!f->number_prefix || number_small))
		return IX_NUMBER;
	if (conn != 0 && has_status(f))
		return have & (1 << IX_CONN_STATUS) ? IX_CONN_STATUS : IX_CONN_ORDERED;
	if (conn != 0)
		return IX_CONN_ORDERED;
	return has_status(f) ? IX_STATUS : IX_ORDERED;
}

/* FROM … FORCE INDEX (…) WHERE … of f, with conn (0 = no connection condition). */
static int
q_where(struct arena *a, struct q *q, uint64_t tenant_id, const struct dbq_orders_filter *f, uint64_t conn,
	enum ix ix)
{
	buf_printf(&q->sql, " FROM orders FORCE INDEX (%s) WHERE tenant_id = ?", ix_names[ix]);
	q_int(q, tenant_id);
	if (conn != 0) {
		buf_puts(&q->sql, " AND connection_id = ?");
		q_int(q, conn);
	}
	if (has_status(f)) {
		if (!dbq_orders_status_ok(f->status))
			return -ERR_INVALID;
		buf_puts(&q->sql, " AND status = ?");
		q_str(q, f->status);
	}
	if (f->from_s > 0) {
		buf_puts(&q->sql, " AND ordered_at >= ?");
		q_str(q, dbq_orders_utc_text((time_t)f->from_s, arena_alloc(a, 20)));
	}
	if (f->to_s > 0) {
		buf_puts(&q->sql, " AND ordered_at < ?");
		q_str(q, dbq_orders_utc_text((time_t)f->to_s, arena_alloc(a, 20)));
	}
	if (has_number(f)) {
		if (strlen(f->number) > 400)
			return -ERR_INVALID;
		if (f->number_prefix) {
			struct buf like;
			buf_init(&like, a, strlen(f->number) * 2 + 2);
			for (const char *s = f->number; *s; s++) {
				if (*s == '!' || *s == '%' || *s == '_')
					buf_putc(&like, '!');
				buf_putc(&like, *s);
			}
			buf_putc(&like, '%');
			buf_puts(&q->sql, " AND order_number LIKE ? ESCAPE '!'");
			q_str(q, like.data);
		} else {
			buf_puts(&q->sql, " AND order_number = ?");
			q_str(q, f->number);
		}
	}
	return 0;
}

/* Matches of f in conn through the filter's index, counting at most cap + 1. */
static int
count_one(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_orders_filter *f, uint64_t conn,
	  enum ix ix, size_t cap, size_t *count)
{
	struct q q;
	q_init(a, &q);
	buf_puts(&q.sql, "SELECT COUNT(*) FROM (SELECT 1");
	int rc = q_where(a, &q, tenant_id, f, conn, ix);
	if (rc != 0)
		return rc;
	buf_puts(&q.sql, " LIMIT ?) capped");
	q_int(&q, cap + 1);
	struct db_rows *rows;
	int64_t v;
	if ((rc = db_query_args(db, a, &rows, q.sql.data, q.types.data, q.nargs, q.args)) != 0)
		return rc;
	if (db_i64(rows, 0, 0, &v) != 0 || v < 0)
		return -ERR_DB;
	*count = (size_t)v;
	return 0;
}

/* The plan of one list query: the sort key's index, unless the filters leave few rows. */
static int
list_ix(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_orders_filter *f, uint64_t conn,
	enum ix *out)
{
	int have = indexes(db, a);
	size_t n = 0;
	bool small = false;
	bool narrowing = has_number(f) || (sort_total(f->sort) && (has_status(f) || f->from_s || f->to_s));
	if (narrowing && !(has_number(f) && !f->number_prefix)) {
		int rc = count_one(db, a, tenant_id, f, conn, filter_ix(f, conn, have, has_number(f)), SMALL, &n);
		if (rc != 0)
			return rc;
		small = n <= SMALL;
	}
	enum ix fx = filter_ix(f, conn, have, small);
	if (!sort_total(f->sort) || fx == IX_NUMBER || small)
		*out = fx;
	else if (conn != 0)
		*out = have & (1 << IX_CONN_TOTAL) ? IX_CONN_TOTAL : fx;
	else
		*out = have & (1 << IX_TOTAL) ? IX_TOTAL : fx;
	return 0;
}

/* The cursor key as the column's bound value: a datetime text or a canonical decimal. */
static const char *
cursor_value(struct arena *a, enum dbq_orders_sort s, const char *key)
{
	if (sort_total(s))
		return dbq_orders_money(a, key);
	size_t n = strlen(key);
	if (n == 0 || n > 12 || strspn(key, "0123456789") != n)
		return NULL;
	long long t = strtoll(key, NULL, 10);
	if (t <= 0 || t > 253402300799LL)
		return NULL;
	return dbq_orders_utc_text((time_t)t, arena_alloc(a, 20));
}

/* One keyset query: up to limit + 1 rows of conn (0 = every connection), in read order. */
static int
list_one(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_orders_filter *f,
	 uint64_t conn, const struct dbq_orders_cursor *cur, const char *curval, size_t limit,
	 struct db_rows **rows)
{
	enum ix ix;
	int rc = list_ix(db, a, tenant_id, f, conn, &ix);
	if (rc != 0)
		return rc;
	struct q q;
	q_init(a, &q);
	buf_puts(&q.sql, "SELECT " ROW_COLS);
	if ((rc = q_where(a, &q, tenant_id, f, conn, ix)) != 0)
		return rc;
	bool desc = sort_desc(f->sort) != (cur != NULL && cur->backward);
	const char *col = sort_total(f->sort) ? "total" : "ordered_at";
	if (curval != NULL) {
		const char *v = sort_total(f->sort) ? "CAST(? AS DECIMAL(18,4))" : "?";
		char op = desc ? '<' : '>';
		buf_printf(&q.sql, " AND %s %c= %s AND (%s %c %s OR id %c ?)", col, op, v, col, op, v, op);
		q_str(&q, curval);
		q_str(&q, curval);
		q_int(&q, cur->id);
	}
	buf_printf(&q.sql, " ORDER BY %s %s, id %s LIMIT ?", col, desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
	q_int(&q, limit + 1);
	return db_query_args(db, a, rows, q.sql.data, q.types.data, q.nargs, q.args);
}

static int
fill_row(const struct db_rows *rows, size_t r, struct order_row *o)
{
	int64_t v[6];
	static const size_t cols[] = { 0, 1, 6, 7, 10, 11 };
	for (size_t i = 0; i < 6; i++)
		if (db_i64(rows, r, cols[i], &v[i]) != 0)
			return -ERR_DB;
	*o = (struct order_row){ .id = (uint64_t)v[0], .connection_id = (uint64_t)v[1],
				 .external_id = db_str(rows, r, 2), .order_number = db_str(rows, r, 3),
				 .status = db_str(rows, r, 4), .platform_status = db_str(rows, r, 5),
				 .ordered_at = v[2], .offset_min = (int)v[3], .currency = db_str(rows, r, 8),
				 .total = db_str(rows, r, 9), .line_count = (unsigned)v[4],
				 .item_quantity = (unsigned)v[5] };
	return 0;
}

/* Compare two canonical decimals ("-12.5000"). */
static int
dec_cmp(const char *x, const char *y)
{
	bool nx = *x == '-', ny = *y == '-';
	if (nx != ny)
		return nx ? -1 : 1;
	x += nx;
	y += ny;
	size_t ix = strcspn(x, "."), iy = strcspn(y, ".");
	int c = ix != iy ? (ix < iy ? -1 : 1) : strcmp(x, y);
	return nx ? -c : c;
}

/* Read order (the direction of the query) comparison; the sort key then the id. */
static int
read_cmp(const struct order_row *x, const struct order_row *y, enum dbq_orders_sort s, bool desc)
{
	int c = sort_total(s) ? dec_cmp(x->total, y->total)
			      : (x->ordered_at > y->ordered_at) - (x->ordered_at < y->ordered_at);
	if (c == 0)
		c = (x->id > y->id) - (x->id < y->id);
	return desc ? -c : c;
}

int
dbq_orders_list(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_orders_filter *f,
		const struct dbq_orders_cursor *cur, size_t limit, struct order_row **out, size_t *n,
		bool *more)
{
	*out = NULL;
	*n = 0;
	*more = false;
	if (f == NULL || limit == 0 || limit > 200 || (!f->all_conns && (f->nconn == 0 || f->nconn > MAX_CONNS)) ||
	    (int)f->sort < DBQ_ORDERS_NEWEST || f->sort > DBQ_ORDERS_TOTAL_ASC)
		return -ERR_INVALID;
	const char *curval = NULL;
	if (cur != NULL && cur->key != NULL && (curval = cursor_value(a, f->sort, cur->key)) == NULL)
		return -ERR_INVALID;
	if (cur != NULL && cur->key != NULL && (cur->id == 0 || cur->id > INT64_MAX))
		return -ERR_INVALID;
	size_t queries = f->all_conns ? 1 : f->nconn;
	struct order_row *all = arena_calloc(a, queries * (limit + 1), sizeof *all);
	size_t total = 0;
	bool desc = sort_desc(f->sort) != (cur != NULL && cur->backward);
	for (size_t qi = 0; qi < queries; qi++) {
		struct db_rows *rows;
		int rc = list_one(db, a, tenant_id, f, f->all_conns ? 0 : f->conn_ids[qi], cur, curval,
				  limit, &rows);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < db_rows_count(rows); r++)
			if ((rc = fill_row(rows, r, &all[total++])) != 0)
				return rc;
	}
	/* merge (per-connection results): insertion sort into read order; small n */
	for (size_t i = 1; queries > 1 && i < total; i++) {
		struct order_row x = all[i];
		size_t j = i;
		for (; j > 0 && read_cmp(&all[j - 1], &x, f->sort, desc) > 0; j--)
			all[j] = all[j - 1];
		all[j] = x;
	}
	*more = total > limit;
	size_t k = total > limit ? limit : total;
	if (cur != NULL && cur->backward) /* read in reverse: show in display order */
		for (size_t i = 0; i < k / 2; i++) {
			struct order_row t = all[i];
			all[i] = all[k - 1 - i];
			all[k - 1 - i] = t;
		}
	*out = all;
	*n = k;
	return 0;
}

int
dbq_orders_count(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_orders_filter *f,
		 size_t cap, size_t *count)
{
	*count = 0;
	if (f == NULL || cap > 1000000 || (!f->all_conns && (f->nconn == 0 || f->nconn > MAX_CONNS)))
		return -ERR_INVALID;
	int have = indexes(db, a);
	size_t queries = f->all_conns ? 1 : f->nconn, sum = 0;
	for (size_t qi = 0; qi < queries && sum <= cap; qi++) {
		uint64_t conn = f->all_conns ? 0 : f->conn_ids[qi];
		size_t n;
		int rc = count_one(db, a, tenant_id, f, conn, filter_ix(f, conn, have, true), cap - sum, &n);
		if (rc != 0)
			return rc;
		sum += n;
	}
	*count = sum > cap + 1 ? cap + 1 : sum;
	return 0;
}

/* --- detail --- */

static int
open_person(struct arena *a, const unsigned char *key, uint64_t tenant_id, const char *column,
	    uint64_t id, const struct db_cell *cell, struct conn_person *p)
{
	const char **f[] = { &p->name, &p->kana, &p->email, &p->phone, &p->postal_code, &p->prefecture,
			     &p->city, &p->address1, &p->address2 };
	static const char *const names[] = { "name", "kana", "email", "phone", "postal_code",
					     "prefecture", "city", "address1", "address2" };
	for (size_t i = 0; i < 9; i++)
		*f[i] = "";
	if (cell == NULL || cell->is_null)
		return 0;
	struct seal_aad aad = { .tenant_id = tenant_id, .table = "orders", .column = column, .row_id = id };
	char *pt;
	size_t n;
	int rc = seal_decrypt(a, key, &aad, (const unsigned char *)cell->val, cell->len, &pt, &n);
	if (rc != 0)
		return rc;
	struct json_object *j = json_tokener_parse(pt);
	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return -ERR_INVALID;
	}
	for (size_t i = 0; i < 9; i++) {
		struct json_object *v;
		if (json_object_object_get_ex(j, names[i], &v) && json_object_is_type(v, json_type_string))
			*f[i] = arena_strdup(a, json_object_get_string(v));
	}
	json_object_put(j);
	return 0;
}

int
dbq_orders_get(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char key[SEAL_KEY_LEN],
	       uint64_t id, struct order_detail *out)
{
	memset(out, 0, sizeof *out);
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " ROW_COLS ", ROUND(UNIX_TIMESTAMP(source_updated_at) * 1000), subtotal,"
			  " shipping_fee, tax, discount, UNIX_TIMESTAMP(first_seen_at), UNIX_TIMESTAMP(changed_at),"
			  " buyer_enc, ship_to_enc, EXISTS(SELECT 1 FROM source_payloads p WHERE p.kind = 'order'"
			  " AND p.record_id = orders.id AND p.tenant_id = orders.tenant_id)"
			  " FROM orders WHERE tenant_id = ? AND id = ?",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	int64_t upd, first, changed, pay;
	if ((rc = fill_row(rows, 0, &out->row)) != 0 || db_i64(rows, 0, 12, &upd) ||
	    db_i64(rows, 0, 17, &first) || db_i64(rows, 0, 18, &changed) || db_i64(rows, 0, 21, &pay))
		return -ERR_DB;
	out->source_updated_ms = upd;
	out->subtotal = db_str(rows, 0, 13);
	out->shipping_fee = db_str(rows, 0, 14);
	out->tax = db_str(rows, 0, 15);
	out->discount = db_str(rows, 0, 16);
	out->first_seen_at = first;
	out->changed_at = changed;
	out->has_payload = pay != 0;
	if ((rc = open_person(a, key, tenant_id, "buyer_enc", id, db_cell(rows, 0, 19), &out->buyer)) != 0 ||
	    (rc = open_person(a, key, tenant_id, "ship_to_enc", id, db_cell(rows, 0, 20), &out->ship_to)) != 0)
		return -ERR_INVALID;
	rc = db_query(db, a, &rows,
		      "SELECT line_no, external_line_id, sku, jan, name, quantity, unit_price, tax_rate,"
		      " line_total FROM order_lines WHERE order_id = ? AND tenant_id = ? ORDER BY line_no",
		      "ii", id, tenant_id);
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	out->lines = arena_calloc(a, k ? k : 1, sizeof *out->lines);
	for (size_t i = 0; i < k; i++) {
		int64_t no, qty;
		if (db_i64(rows, i, 0, &no) || db_i64(rows, i, 5, &qty))
			return -ERR_DB;
		out->lines[i] = (struct order_line){ .line_no = (unsigned)no, .external_line_id = db_str(rows, i, 1),
						     .sku = db_str(rows, i, 2), .jan = db_str(rows, i, 3),
						     .name = db_str(rows, i, 4), .quantity = (long)qty,
						     .unit_price = db_str(rows, i, 6), .tax_rate = db_str(rows, i, 7),
						     .line_total = db_str(rows, i, 8) };
	}
	out->nlines = k;
	rc = db_query(db, a, &rows,
		      "SELECT carrier, tracking_number, status, IFNULL(UNIX_TIMESTAMP(shipped_at), 0)"
		      " FROM shipments WHERE tenant_id = ? AND order_id = ? ORDER BY shipped_at, id",
		      "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	k = db_rows_count(rows);
	out->shipments = arena_calloc(a, k ? k : 1, sizeof *out->shipments);
	for (size_t i = 0; i < k; i++) {
		int64_t at;
		if (db_i64(rows, i, 3, &at))
			return -ERR_DB;
		out->shipments[i] = (struct order_shipment){ .carrier = db_str(rows, i, 0),
							     .tracking_number = db_str(rows, i, 1),
							     .status = db_str(rows, i, 2), .shipped_at = at };
	}
	out->nshipments = k;
	return 0;
}

/* --- dashboard counts --- */

int
dbq_orders_daily(struct db *db, struct arena *a, uint64_t tenant_id, const uint64_t *conn_ids,
		 size_t nconn, const char *from_day, unsigned days, unsigned **counts)
{
	int64_t from_ms;
	*counts = NULL;
	if (conn_ids == NULL || nconn == 0 || nconn > MAX_CONNS || days == 0 || days > 366 ||
	    dbq_audit_jst_day(from_day, &from_ms) != 0)
		return -ERR_INVALID;
	int64_t from = from_ms / 1000, to = from + (int64_t)days * 86400;
	char from_txt[20], to_txt[20];
	dbq_orders_utc_text((time_t)from, from_txt);
	dbq_orders_utc_text((time_t)to, to_txt);
	unsigned *c = arena_calloc(a, (size_t)days * nconn, sizeof *c);
	for (size_t i = 0; i < nconn; i++) {
		struct db_rows *rows;
		int rc = db_query(db, a, &rows,
				  "SELECT FLOOR((UNIX_TIMESTAMP(ordered_at) - ?) / 86400) d, COUNT(*) FROM orders"
				  " WHERE tenant_id = ? AND connection_id = ? AND ordered_at >= ? AND ordered_at < ?"
				  " GROUP BY d",
				  "iiiss", from, tenant_id, conn_ids[i], from_txt, to_txt);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < db_rows_count(rows); r++) {
			int64_t d, k;
			if (db_i64(rows, r, 0, &d) || db_i64(rows, r, 1, &k))
				return -ERR_DB;
			if (d >= 0 && d < (int64_t)days)
				c[(size_t)d * nconn + i] = (unsigned)k;
		}
	}
	*counts = c;
	return 0;
}

int
dbq_orders_today(struct db *db, struct arena *a, uint64_t tenant_id, const uint64_t *conn_ids,
		 size_t nconn, unsigned **counts, unsigned *total)
{
	char day[11];
	*total = 0;
	int rc = dbq_orders_daily(db, a, tenant_id, conn_ids, nconn, dbq_orders_jst_day(0, day), 1, counts);
	for (size_t i = 0; rc == 0 && i < nconn; i++)
		*total += (*counts)[i];
	return rc;
}
