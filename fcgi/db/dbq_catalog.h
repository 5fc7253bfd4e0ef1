/* dbq_catalog.h: products (SKUs) and stock levels — the fetcher's batch upserts and the list screens' queries. */
#ifndef ECC_DBQ_CATALOG_H
#define ECC_DBQ_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "crypto/seal.h"
#include "db/dbq_orders.h"

struct db;

/*
 * Scoping, errors and struct dbq_sync_counts as in dbq_orders.h: every
 * statement is scoped by tenant_id; the upserts run inside the caller's
 * transaction (never begin or commit), add to the counts, replace
 * c->errors/c->nerrors with the failed records of the call (in a), and leave
 * c untouched when they return an error.
 */

/*
 * dbq_catalog_upsert_products: store one page of products (SKU-level records)
 * of connection_id, idempotently: content_hash = SHA-256 over the canonical
 * serialisation of every field of struct conn_product except raw ("ecc-product-v1",
 * length-prefixed fields, money canonical); unknown (connection_id,
 * external_id) → random id, row and payload (kind "product") inserted;
 * same hash → nothing written; other hash → row updated in place (id and
 * first_seen_at kept), payload replaced. A repeated external_id counts once
 * (the last wins). Validation: external_id 1–100 characters, product_external_id
 * and sku ≤ 100, jan ≤ 20 (no control characters, no trailing space), name
 * ≤ 255 valid UTF-8, price conn_money_ok, currency three letters A–Z, update
 * time within 1970–9999, raw ≤ DBQ_PAYLOAD_MAX. Returns 0, -ERR_INVALID
 * (NULL arguments), -ERR_CONFLICT (a new row appeared meanwhile: retry the
 * page) or a database error.
 */
int dbq_catalog_upsert_products(struct db *db, struct arena *a, uint64_t tenant_id,
				const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
				const struct conn_product *p, size_t n, struct dbq_sync_counts *c);

/*
 * dbq_catalog_upsert_stock: store one page of stock levels of connection_id,
 * keyed by (sku, location_id): a new key is inserted (new), a key whose
 * location_name, quantity or source update time differ is updated (updated),
 * else nothing is written (unchanged). A repeated key counts once (the last
 * wins). Validation: sku 1–100 and location_id ≤ 100 characters (no control
 * characters, no trailing space), location_name ≤ 200 valid UTF-8, quantity
 * −1,000,000,000 … 1,000,000,000 (platforms allow negative stock), update
 * time 0 (unknown) or within 1970–9999. Returns 0, -ERR_INVALID (NULL
 * arguments) or a database error.
 */
int dbq_catalog_upsert_stock(struct db *db, struct arena *a, uint64_t tenant_id,
			     uint64_t connection_id, const struct conn_stock *s, size_t n,
			     struct dbq_sync_counts *c);

/* --- list screens --- */

/*
 * Which connections: conn_ids[0..nconn) (1–100 ids the user may use), or
 * all_conns for every connection of the tenant (no connection condition).
 */
struct dbq_catalog_scope {
	const uint64_t *conn_ids;
	size_t nconn;
	bool all_conns;
};

struct product_row {
	uint64_t id;
	uint64_t connection_id;
	const char *external_id, *sku, *jan, *name;
	const char *price;      /* DECIMAL text "1234.0000" */
	const char *currency;
	int64_t changed_at;     /* UTC epoch seconds */
};

/*
 * dbq_catalog_products: products in scope ordered by SKU (then id); q (NULL
 * or "" = all) matches a prefix of the SKU, the JAN or the name (exact
 * bytes, case-sensitive). offset/limit paging (limit 1–200, offset ≤
 * 100,000). *count is the number of matches up to cap + 1 (cap ≤ 100,000).
 * Arrays in a. 0, -ERR_INVALID, or a database error.
 */
int dbq_catalog_products(struct db *db, struct arena *a, uint64_t tenant_id,
			 const struct dbq_catalog_scope *s, const char *q, size_t offset, size_t limit,
			 size_t cap, struct product_row **out, size_t *n, size_t *count);

struct stock_row {
	const char *sku, *location_id, *location_name;
	long quantity;
	int64_t source_updated_at;  /* UTC epoch seconds, 0 when unknown */
	int64_t changed_at;
};

/*
 * dbq_catalog_stock: the stock levels of one connection ordered by SKU then
 * location; sku_prefix (NULL/"" = all) filters by SKU prefix. Paging and
 * *count as dbq_catalog_products. 0, -ERR_INVALID, or a database error.
 */
int dbq_catalog_stock(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		      const char *sku_prefix, size_t offset, size_t limit, size_t cap,
		      struct stock_row **out, size_t *n, size_t *count);

/* dbq_catalog_like_prefix: s with '!', '%' and '_' escaped by '!' and a '%'
 * appended, for "LIKE ? ESCAPE '!'" (in a). */
char *dbq_catalog_like_prefix(struct arena *a, const char *s);

#endif
