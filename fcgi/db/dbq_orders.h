/* dbq_orders.h: orders — the fetcher's idempotent batch upsert, the list and detail screens' queries, dashboard counts. */
#ifndef ECC_DBQ_ORDERS_H
#define ECC_DBQ_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "crypto/seal.h"

struct db;
struct dbq_payload_z;

/*
 * Every function is scoped by tenant_id (from the session or the fetcher's
 * job, never from a request): another tenant's order behaves exactly like a
 * missing one. key is the tenant's data key (SEAL_KEY_LEN bytes).
 * Encrypted columns: orders.buyer_enc and orders.ship_to_enc hold sealed JSON
 * objects of struct conn_person (keys name, kana, email, phone, postal_code,
 * prefecture, city, address1, address2; empty fields omitted) with AAD
 * (tenant_id, "orders", "buyer_enc" | "ship_to_enc", order id). The source
 * payload is in source_payloads (dbq_payload.h).
 * Errors common to all: -ERR_UNAVAILABLE / -ERR_DB from the database.
 * The writes (upsert) are in dbq_orders.c, the validation, canonical texts
 * and content hash in dbq_orders_valid.c, the reads (list, count, detail,
 * dashboard counts) in dbq_orders_read.c.
 */

/*
 * What an upsert did. The four counts are ADDED to (so one struct can sum a
 * whole run); errors/nerrors are REPLACED by each call: they list the records
 * of that call that were not written (failed), in input order, in the arena
 * given to that call (valid until it is reset). Zero-initialise the struct
 * before the first call. A record is counted exactly once: failed, or new,
 * updated or unchanged. Records that repeat an external_id within one call
 * count once (the last one wins; the earlier ones are neither written nor
 * counted).
 */
struct dbq_sync_counts {
	unsigned new_count, updated, unchanged, failed;
	struct conn_record_error *errors;   /* external_id (≤ 100 characters, "" if none or not UTF-8) + Japanese message */
	size_t nerrors;
};

/*
 * dbq_orders_upsert: store one page of orders of connection_id, inside the
 * caller's transaction (never begins or commits; on any error return the
 * caller rolls back, and c is left untouched).
 *
 * For each record: validate (below); content_hash = SHA-256 over a canonical
 * serialisation of every normalised field of struct conn_order, lines,
 * shipments and personal data included, the raw JSON and anything
 * time-of-fetch excluded (see dbq_orders_hash); then
 *   - unknown (connection_id, external_id): a new random id; the order, its
 *     lines, its shipments and its sealed, compressed payload are inserted
 *     (new);
 *   - known with the same hash: nothing is written (unchanged);
 *   - known with another hash: the row is updated in place (same id and
 *     first_seen_at, changed_at = now), its lines and its shipments are
 *     deleted and inserted again, its payload replaced (updated).
 * Shipments get random ids (shipped_at 0 stored as NULL); of an external_id
 * repeated within one order only the last is written. (tenant_id,
 * connection_id, external_id) is unique in shipments: a shipment id that
 * another order of the connection holds moves to the order written now (the
 * platform moved it), so bad upstream data never blocks a page.
 * Lookups and writes are batched (IN lists and multi-row INSERTs of 100, 25,
 * 5 and 1 rows), so a page costs a handful of round trips. A new order that
 * appeared meanwhile (another writer) is a duplicate key: -ERR_CONFLICT, and
 * the caller retries the page.
 *
 * Validation (a bad record is not written, counted failed and listed in
 * c->errors with a Japanese message naming the field): external_id 1–100
 * characters without control characters or trailing spaces; order_number
 * 1–100, platform_status ≤ 64, sku/external_line_id ≤ 100, jan ≤ 20, line
 * name ≤ 255 and each personal field ≤ 255 characters, every text valid
 * UTF-8; currency three letters A–Z; the money fields conn_money_ok; tax
 * rate NULL or 0–999.99 with ≤ 2 decimals; status a known value; ordered_at
 * and the update time within 1970–9999; offset within ±24 h; ≤ 65535 lines;
 * line quantities 0–1,000,000; ≤ 1000 shipments, each with an external_id of
 * 1–100 characters without control characters or trailing spaces, carrier and
 * tracking_number ≤ 100 and status ≤ 64 characters (valid UTF-8; NULL = ""),
 * shipped_at 0 (unknown) or within 1970–9999; each sealed person ≤ 2048
 * bytes; raw ≤ DBQ_PAYLOAD_MAX.
 *
 * With dbq_orders_upsert_z, z[i] is orders[i].raw already compressed
 * (dbq_payload_compress; z[i].z NULL: not done) and only the sealing of the
 * payload happens here (the fetcher compresses in its fetching thread).
 *
 * Returns 0 (also when some records failed), -ERR_INVALID (NULL arguments,
 * or a row the server refused as malformed), -ERR_CONFLICT, or a database
 * error.
 */
int dbq_orders_upsert(struct db *db, struct arena *a, uint64_t tenant_id,
		      const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
		      const struct conn_order *orders, size_t n, struct dbq_sync_counts *c);

/* dbq_orders_upsert_z: dbq_orders_upsert with z (above); dbq_orders_upsert is
 * this with z NULL. */
int dbq_orders_upsert_z(struct db *db, struct arena *a, uint64_t tenant_id,
			const unsigned char key[SEAL_KEY_LEN], uint64_t connection_id,
			const struct conn_order *orders, const struct dbq_payload_z *z, size_t n,
			struct dbq_sync_counts *c);

/*
 * dbq_orders_check: the validation of dbq_orders_upsert for one record. 0,
 * or -ERR_INVALID with *msg (static Japanese text) naming the problem.
 */
int dbq_orders_check(const struct conn_order *o, const char **msg);

/*
 * dbq_orders_hash: the content hash of a valid order (dbq_orders_check):
 * SHA-256 of "ecc-order-v2\n" followed by every field as "<byte length>:
 * <bytes>\n" (integers in decimal, the status by its stored name, money
 * canonical as stored: 4 decimals; a NULL tax rate as "n\n"), lines, both
 * persons and then the shipments (their count, then each one's external_id,
 * carrier, tracking_number, shipped_at, status, in the given order) included,
 * raw excluded. (v1 had no shipments: every order stored by v1 counts as
 * updated once.)
 */
void dbq_orders_hash(const struct conn_order *o, unsigned char out[32]);

/* --- shared by the batch writers (dbq_batch.c and its users) --- */

/* dbq_orders_chunk: how many of the remaining rows the next multi-row
 * statement takes: 100, 25, 5 or 1 (the largest not above remaining). Few
 * distinct SQL texts keep the per-connection statement cache effective. */
size_t dbq_orders_chunk(size_t remaining);

/* dbq_orders_values_sql: head + k copies of tuple separated by ", " + tail,
 * in a (e.g. "INSERT … VALUES ", "(?, ?)", 25, " ON DUPLICATE KEY …"). */
char *dbq_orders_values_sql(struct arena *a, const char *head, const char *tuple, size_t k,
			    const char *tail);

/* dbq_orders_text_ok: s is valid UTF-8 of at most max characters (code
 * points); with strict, also no control character (U+0000–U+001F, U+007F)
 * and no trailing space. NULL is false. */
bool dbq_orders_text_ok(const char *s, size_t max, bool strict);

/* dbq_orders_error_id: ext as the external_id of a per-record error: at most
 * its first 100 characters (sync_record_errors.external_id is VARCHAR(100)),
 * "" when NULL or not valid UTF-8. In a. */
const char *dbq_orders_error_id(struct arena *a, const char *ext);

/* dbq_orders_money: the canonical text of a conn_money_ok amount as the
 * DECIMAL(18,4) column stores it ("-12.5" → "-12.5000", "007" → "7.0000",
 * "-0" → "0.0000"), in a; NULL when not conn_money_ok. */
const char *dbq_orders_money(struct arena *a, const char *s);

/* dbq_orders_tax_rate: the canonical text of a tax rate as the DECIMAL(5,2)
 * column stores it ("8" → "8.00", "07.5" → "7.50"), in a; NULL when s is
 * NULL or not 1–3 digits with at most 2 decimals. */
const char *dbq_orders_tax_rate(struct arena *a, const char *s);

/* dbq_orders_utc_text: "YYYY-MM-DD HH:MM:SS" (UTC) of t into out (20 bytes);
 * dbq_orders_utc_ms_text: with ".mmm" (24 bytes). Return out. */
char *dbq_orders_utc_text(time_t t, char out[20]);
char *dbq_orders_utc_ms_text(int64_t ms, char out[24]);

/* --- connections the screens may show --- */

struct dbq_orders_conn {
	uint64_t id;
	const char *name;
	const char *platform;   /* "shopify" | "rakuten" | "amazon" */
};

/*
 * dbq_orders_connections: the tenant's connections that user_id may use, by
 * name: all of them when restricted is false, else only those in
 * user_connection_access (the same rule as dbq_users_can_use_connection).
 * Array in a. 0 or a database error.
 */
int dbq_orders_connections(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			   bool restricted, struct dbq_orders_conn **out, size_t *n);

/* --- the list screen --- */

enum dbq_orders_sort {
	DBQ_ORDERS_NEWEST,      /* ordered_at desc (default) */
	DBQ_ORDERS_OLDEST,      /* ordered_at asc */
	DBQ_ORDERS_TOTAL_DESC,
	DBQ_ORDERS_TOTAL_ASC,
};

/*
 * A keyset position: the sort key of a row (ordered_at in epoch seconds as
 * decimal text, or the total as canonical money text) and its id. Rows come
 * strictly after it in the sort order (forward), or strictly before it
 * (backward: the previous page).
 */
struct dbq_orders_cursor {
	const char *key;        /* NULL: no position (first page) */
	uint64_t id;
	bool backward;
};

/*
 * Filters. conn_ids[0..nconn) are the connections to show (at least one;
 * the caller has already intersected them with what the user may use);
 * all_conns says they are every connection of the tenant, so the query need
 * not name them. status: NULL/"" = any, else a stored status name. from_s /
 * to_s: UTC epoch seconds, [from, to), 0 = open. number: NULL/"" = any;
 * exact match, or a prefix when number_prefix.
 */
struct dbq_orders_filter {
	const uint64_t *conn_ids;
	size_t nconn;
	bool all_conns;
	const char *status;
	int64_t from_s, to_s;
	const char *number;
	bool number_prefix;
	enum dbq_orders_sort sort;
};

/* One order as the list shows it. Strings in the arena. */
struct order_row {
	uint64_t id;
	uint64_t connection_id;
	const char *external_id;
	const char *order_number;
	const char *status;           /* stored name ("paid" …) */
	const char *platform_status;
	int64_t ordered_at;           /* UTC epoch seconds */
	int offset_min;               /* the source's UTC offset */
	const char *currency;
	const char *total;            /* DECIMAL text "1234.0000" */
	unsigned line_count;
	unsigned item_quantity;
};

/*
 * dbq_orders_list: up to limit (1–200) orders matching f in f->sort order,
 * from cursor cur (NULL or cur->key NULL = from the start). Whatever the
 * direction, rows come back in display order. *more is true when rows exist
 * beyond the returned ones in the direction read (a next page when
 * forward, a previous page when backward). One keyset query when
 * f->all_conns, else one per connection, merged in memory (restricted
 * users). Each query is pinned (FORCE INDEX) to the index of its sort key,
 * or, when the filters leave at most 10,000 rows (a capped index-only count
 * decides), to the filters' index with those rows sorted: p99 < 50 ms on a
 * 1,000,000-order tenant for every filter combination. The indexes
 * orders_conn_status, orders_total and orders_conn_total (proposed in
 * addition to schema/0003) are used when they exist (checked once per
 * process); without them the closest existing index serves (correct,
 * slower for connection + status and for the total sorts).
 * Returns 0, -ERR_INVALID (bad filter, limit or cursor), or a database error.
 */
int dbq_orders_list(struct db *db, struct arena *a, uint64_t tenant_id,
		    const struct dbq_orders_filter *f, const struct dbq_orders_cursor *cur,
		    size_t limit, struct order_row **out, size_t *n, bool *more);

/*
 * dbq_orders_count: the number of orders matching f, counting at most cap+1
 * (so the caller can show "over cap" without counting a million rows):
 * *count is min(matches, cap + 1). Index-only through the filters' index in
 * the common cases. 0, -ERR_INVALID, or a database error.
 */
int dbq_orders_count(struct db *db, struct arena *a, uint64_t tenant_id,
		     const struct dbq_orders_filter *f, size_t cap, size_t *count);

/* dbq_orders_status_ok: s is one of the stored status names. */
bool dbq_orders_status_ok(const char *s);

/* --- the detail screen --- */

struct order_line {
	unsigned line_no;
	const char *external_line_id, *sku, *jan, *name;
	long quantity;
	const char *unit_price;
	const char *tax_rate;         /* NULL when unknown */
	const char *line_total;
};

struct order_shipment {
	const char *carrier, *tracking_number, *status;
	int64_t shipped_at;           /* 0 when unknown */
};

/* One order with everything the detail screen shows, decrypted. */
struct order_detail {
	struct order_row row;
	int64_t source_updated_ms;
	const char *subtotal, *shipping_fee, *tax, *discount;
	int64_t first_seen_at, changed_at;
	struct conn_person buyer;     /* every field "" when none */
	struct conn_person ship_to;
	struct order_line *lines;
	size_t nlines;
	struct order_shipment *shipments;
	size_t nshipments;
	bool has_payload;
};

/*
 * dbq_orders_get: order id of tenant_id with its lines (by line_no),
 * shipments and both persons decrypted. Returns 0, -ERR_NOT_FOUND, or
 * -ERR_INVALID (a sealed column does not open; logged). The caller checks
 * that the user may use out->row.connection_id.
 */
int dbq_orders_get(struct db *db, struct arena *a, uint64_t tenant_id,
		   const unsigned char key[SEAL_KEY_LEN], uint64_t id, struct order_detail *out);

/* --- dashboard counts --- */

/*
 * dbq_orders_daily: orders per JST day and connection. from_day is a JST
 * date "YYYY-MM-DD"; days 1–366. *counts (in a) is a days × nconn matrix,
 * counts[d * nconn + i] = orders of conn_ids[i] whose ordered_at falls on
 * JST day from_day + d. One index-only query per connection (the
 * (tenant_id, connection_id, ordered_at) index). Returns 0, -ERR_INVALID
 * (bad day, days, or nconn 0), or a database error.
 */
int dbq_orders_daily(struct db *db, struct arena *a, uint64_t tenant_id, const uint64_t *conn_ids,
		     size_t nconn, const char *from_day, unsigned days, unsigned **counts);

/*
 * dbq_orders_today: orders ordered today (JST day of clock_now()) per
 * connection: counts[i] (in a) for conn_ids[i], and *total their sum.
 * 0, -ERR_INVALID (nconn 0), or a database error.
 */
int dbq_orders_today(struct db *db, struct arena *a, uint64_t tenant_id, const uint64_t *conn_ids,
		     size_t nconn, unsigned **counts, unsigned *total);

/* dbq_orders_jst_day: the JST date "YYYY-MM-DD" days_ago days before today
 * (clock_now(); 0 = today) into out (11 bytes). Returns out. */
char *dbq_orders_jst_day(int days_ago, char out[11]);

#endif
