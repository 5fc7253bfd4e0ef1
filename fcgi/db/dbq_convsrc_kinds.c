/* dbq_convsrc_kinds.c: the records of products, stock levels and shipments (one query each, ship-to unsealed). */
#include "dbq_convsrc_kinds.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* A record with the kind's whole catalog, in c->a. */
static struct expr_value *
values(struct dbq_convsrc_ctx *c)
{
	return arena_calloc(c->a, c->ncat, sizeof(struct expr_value));
}

/* The rows in output order (oldest first): latest was read newest first. */
static size_t
row_at(const struct dbq_convsrc_ctx *c, size_t n, size_t i)
{
	return c->reversed ? n - 1 - i : i;
}

/* A selection of units over one table: the SELECT (id and connection id first) and the unit columns. */
struct sel {
	const char *head, *tenant, *conn, *id, *time, *key;
};

/*
 * Run sel (dbq_convsrc_util_where) into *rows and allocate *recs[0..*m) in
 * output order with their ids (column 0), a values array each, and the
 * connection's name and platform (column 1) at conn_ix[0..1]; the caller
 * fills the rest from row row_at(c, *m, i).
 */
static int
units(struct dbq_convsrc_ctx *c, const struct sel *q, const int conn_ix[2], struct db_rows **rows,
    struct conv_record **recs, size_t *m)
{
	struct dbq_convsrc_stmt s;
	dbq_convsrc_util_stmt(c, &s, q->head);
	dbq_convsrc_util_where(c, &s, q->tenant, q->conn, q->id, q->time, q->key);
	int rc = dbq_convsrc_util_query(c, &s, rows);
	if (rc != 0)
		return rc;
	*m = db_rows_count(*rows);
	*recs = arena_calloc(c->a, *m ? *m : 1, sizeof **recs);
	for (size_t i = 0; i < *m; i++) {
		size_t r = row_at(c, *m, i);
		int64_t conn;
		const char *id = db_str(*rows, r, 0);
		if (id == NULL || db_i64(*rows, r, 1, &conn) != 0)
			return -ERR_DB;
		struct expr_value *v = values(c);
		(*recs)[i] = (struct conv_record){ .id = strtoull(id, NULL, 10), .values = v };
		dbq_convsrc_util_connection(c, (uint64_t)conn, &v[conn_ix[0]], &v[conn_ix[1]]);
	}
	return 0;
}

static const char *const product_names[] = {
	"sku", "name", "jan", "price", "currency", "external_id", "product_external_id", "updated_at",
	"first_seen_at", "changed_at", "connection.name", "connection.platform",
};

int
dbq_convsrc_kinds_products(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n)
{
	static const struct sel q = {
		"SELECT p.id, p.connection_id, p.sku, p.name, p.jan, p.price, p.currency, p.external_id,"
		" p.product_external_id, ROUND(UNIX_TIMESTAMP(p.source_updated_at) * 1000),"
		" UNIX_TIMESTAMP(p.first_seen_at), UNIX_TIMESTAMP(p.changed_at) FROM products p",
		"p.tenant_id", "p.connection_id", "p.id", "p.changed_at", "p.sku",
	};
	int ix[12];
	struct db_rows *rows;
	struct conv_record *recs;
	size_t m;
	int rc = dbq_convsrc_util_indexes(CONV_PRODUCT, product_names, 12, ix) != 0 ? -ERR_INVALID
		 : units(c, &q, ix + 10, &rows, &recs, &m);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < m; i++) {
		size_t r = row_at(c, m, i);
		struct expr_value *v = recs[i].values;
		for (int k = 0; k < 7; k++)   /* sku, name, jan, price, currency, external ids */
			if (k == 3)
				dbq_convsrc_util_dec(&v[ix[k]], db_str(rows, r, (size_t)k + 2));
			else
				dbq_convsrc_util_text(&v[ix[k]], db_str(rows, r, (size_t)k + 2));
		dbq_convsrc_util_time(&v[ix[7]], db_str(rows, r, 9), 1);
		dbq_convsrc_util_time(&v[ix[8]], db_str(rows, r, 10), 1000);
		dbq_convsrc_util_time(&v[ix[9]], db_str(rows, r, 11), 1000);
		const char *sku = db_str(rows, r, 2);
		recs[i].label = sku && *sku ? sku : db_str(rows, r, 7);
	}
	*out = recs;
	*n = m;
	return 0;
}

static const char *const stock_names[] = {
	"sku", "location_id", "location_name", "quantity", "updated_at", "changed_at", "connection.name",
	"connection.platform",
};

#define STOCK_ID \
	"(CAST(CONV(LEFT(SHA2(CONCAT(st.connection_id, ':', LENGTH(st.sku), ':', st.sku, ':', st.location_id)," \
	" 256), 16), 16, 10) AS UNSIGNED) & 9223372036854775807)"

int
dbq_convsrc_kinds_stock(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n)
{
	static const struct sel q = {
		"SELECT x.sid, x.connection_id, x.sku, x.location_id, x.location_name, x.quantity,"
		" ROUND(UNIX_TIMESTAMP(x.source_updated_at) * 1000), UNIX_TIMESTAMP(x.changed_at)"
		" FROM (SELECT st.*, " STOCK_ID " AS sid FROM stock_levels st) x",
		"x.tenant_id", "x.connection_id", "x.sid", "x.changed_at", "x.sku",
	};
	int ix[8];
	struct db_rows *rows;
	struct conv_record *recs;
	size_t m;
	int rc = dbq_convsrc_util_indexes(CONV_STOCK, stock_names, 8, ix) != 0 ? -ERR_INVALID
		 : units(c, &q, ix + 6, &rows, &recs, &m);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < m; i++) {
		size_t r = row_at(c, m, i);
		struct expr_value *v = recs[i].values;
		dbq_convsrc_util_text(&v[ix[0]], db_str(rows, r, 2));
		dbq_convsrc_util_text(&v[ix[1]], db_str(rows, r, 3));
		dbq_convsrc_util_text(&v[ix[2]], db_str(rows, r, 4));
		dbq_convsrc_util_dec(&v[ix[3]], db_str(rows, r, 5));
		dbq_convsrc_util_time(&v[ix[4]], db_str(rows, r, 6), 1);
		dbq_convsrc_util_time(&v[ix[5]], db_str(rows, r, 7), 1000);
		const char *loc = db_str(rows, r, 4);
		recs[i].label = loc && *loc ? arena_printf(c->a, "%s@%s", db_str(rows, r, 2), loc) : db_str(rows, r, 2);
	}
	*out = recs;
	*n = m;
	return 0;
}

static const char *const shipment_names[] = {
	"external_id", "carrier", "tracking_number", "shipped_at", "status", "order_number", "order.external_id",
	"ordered_at", "connection.name", "connection.platform",
};

int
dbq_convsrc_kinds_shipments(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n)
{
	static const struct sel q = {
		"SELECT sh.id, sh.connection_id, sh.external_id, sh.carrier, sh.tracking_number,"
		" UNIX_TIMESTAMP(sh.shipped_at), sh.status, o.order_number, o.external_id,"
		" UNIX_TIMESTAMP(o.ordered_at), o.id, o.ship_to_enc FROM shipments sh LEFT JOIN orders o"
		" ON o.id = sh.order_id AND o.tenant_id = sh.tenant_id",
		"sh.tenant_id", "sh.connection_id", "sh.id", "sh.shipped_at", "sh.tracking_number",
	};
	int ix[10], pix[DBQ_CONVSRC_PERSON_KEYS];
	for (size_t k = 0; k < DBQ_CONVSRC_PERSON_KEYS; k++)
		pix[k] = conv_fields_index(CONV_SHIPMENT,
		    arena_printf(c->a, "ship.%s", dbq_convsrc_util_person_keys[k]));
	struct db_rows *rows;
	struct conv_record *recs;
	size_t m;
	int rc = dbq_convsrc_util_indexes(CONV_SHIPMENT, shipment_names, 10, ix) != 0 ? -ERR_INVALID
		 : units(c, &q, ix + 8, &rows, &recs, &m);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < m; i++) {
		size_t r = row_at(c, m, i);
		struct expr_value *v = recs[i].values;
		static const int text_cols[][2] = { { 0, 2 }, { 1, 3 }, { 2, 4 }, { 4, 6 }, { 5, 7 }, { 6, 8 } };
		for (size_t k = 0; k < sizeof text_cols / sizeof text_cols[0]; k++)
			dbq_convsrc_util_text(&v[ix[text_cols[k][0]]], db_str(rows, r, (size_t)text_cols[k][1]));
		dbq_convsrc_util_time(&v[ix[3]], db_str(rows, r, 5), 1000);
		dbq_convsrc_util_time(&v[ix[7]], db_str(rows, r, 9), 1000);
		int64_t oid;
		if (db_i64(rows, r, 10, &oid) == 0 &&
		    (rc = dbq_convsrc_util_person(c, "ship_to_enc", (uint64_t)oid, db_cell(rows, r, 11), pix, v)) != 0)
			return rc;
		const char *tn = db_str(rows, r, 4);
		recs[i].label = tn && *tn ? tn : db_str(rows, r, 2);
	}
	*out = recs;
	*n = m;
	return 0;
}
