/* flow_fixture.c: test tool for t0950-flows: one order with a chosen ship-to name (髙, 😀 …) through dbq_orders_upsert. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/dbq_orders.h"
#include "db/dbq_tenants.h"

/*
 * flow_fixture TENANT_CODE CONNECTION_ID ORDER_NUMBER SHIP_TO_NAME [LINES]
 *
 * Upserts the order ORDER_NUMBER (external id "ff-<ORDER_NUMBER>", paid,
 * ordered an hour ago) with LINES lines (1–20, default 2: SKU
 * "FF-<k>", unit price 1200 + 100·k, quantity k, 10 %) into the connection,
 * with SHIP_TO_NAME as the ship-to name (the buyer is 山田 太郎), the way
 * the fetcher stores orders. Run again with the same order number it
 * updates the same order. Configuration as for ecc-admin ($ECC_CONFIG).
 * Prints "order: <orders.id>" and exits 0; 1 with a message on error, 2 for
 * bad usage.
 */

static int
fail(const char *what, const char *why)
{
	fprintf(stderr, "flow_fixture: %s: %s\n", what, why);
	return 1;
}

static void
make(struct arena *a, const char *number, const char *ship_name, long nlines, struct conn_order *o)
{
	memset(o, 0, sizeof *o);
	o->external_id = arena_printf(a, "ff-%s", number);
	o->order_number = number;
	o->status = CONN_ST_PAID;
	o->platform_status = "paid";
	o->ordered_at = clock_now() - 3600;
	o->ordered_offset_min = 540;
	o->updated_at_ms = clock_now_ms();
	o->currency = "JPY";
	o->lines = arena_calloc(a, (size_t)nlines, sizeof *o->lines);
	o->nlines = (size_t)nlines;
	long sub = 0;
	for (long k = 1; k <= nlines; k++) {
		struct conn_line *l = &o->lines[k - 1];
		long price = 1200 + 100 * k;
		l->external_line_id = arena_printf(a, "ff-%s-%ld", number, k);
		l->sku = arena_printf(a, "FF-%ld", k);
		l->jan = "";
		l->name = arena_printf(a, "フロー試験商品 %ld", k);
		l->quantity = k;
		l->unit_price = arena_printf(a, "%ld", price);
		l->tax_rate = "10";
		l->line_total = arena_printf(a, "%ld", price * k);
		sub += price * k;
	}
	o->subtotal = arena_printf(a, "%ld", sub);
	o->shipping_fee = "0";
	o->tax = arena_printf(a, "%ld", sub / 11);
	o->discount = "0";
	o->total = o->subtotal;
	struct conn_person p = { .name = "山田 太郎", .kana = "ヤマダ タロウ", .email = "ff@example.jp",
				 .phone = "090-0000-0000", .postal_code = "100-0001", .prefecture = "東京都",
				 .city = "千代田区", .address1 = "千代田1-1", .address2 = "試験ビル2F" };
	o->buyer = p;
	p.name = ship_name;
	p.email = "";
	o->ship_to = p;
	o->raw = arena_printf(a, "{\"id\":\"%s\"}", o->external_id);
	o->raw_len = strlen(o->raw);
}

int
main(int argc, char **argv)
{
	char *end = NULL;
	long nlines = argc > 5 ? strtol(argv[5], &end, 10) : 2;
	uint64_t cid = argc > 2 ? strtoull(argv[2], NULL, 10) : 0;
	if (argc < 5 || argc > 6 || cid == 0 || nlines < 1 || nlines > 20 || (end != NULL && *end != '\0')) {
		fputs("usage: flow_fixture TENANT_CODE CONNECTION_ID ORDER_NUMBER SHIP_TO_NAME [LINES]\n", stderr);
		return 2;
	}
	struct arena *a = arena_new(0);
	struct config cfg;
	struct buf err;
	buf_init(&err, a, 128);
	if (config_load(a, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(a, &cfg, CONFIG_SECRET_DB, &err) != 0 || keyring_load_kek(cfg.kek_file, &err) != 0)
		return fail("configuration", buf_cstr(&err));
	log_init("flow_fixture", NULL, LOG_ERROR);
	if (db_global_init() != 0)
		return fail("database", "library init");
	struct db *db = db_new(a, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	struct tenant t;
	int rc = dbq_tenants_find_by_code(db, a, argv[1], &t);
	if (rc != 0 || !t.has_key)
		return fail(argv[1], rc ? err_name(rc) : "no data key");
	struct conn_order o;
	make(a, argv[3], argv[4], nlines, &o);
	struct dbq_sync_counts c = { 0 };
	if ((rc = db_begin(db)) == 0) {
		rc = dbq_orders_upsert(db, a, t.id, t.key, cid, &o, 1, &c);
		rc = rc == 0 ? db_commit(db) : (db_rollback(db), rc);
	}
	if (rc != 0 || c.failed > 0)
		return fail("upsert", rc ? (rc == -ERR_DB ? db_last_error(db) : err_name(rc))
				    : c.nerrors ? c.errors[0].message : "refused");
	struct db_rows *rows;
	int64_t id = 0;
	rc = db_query(db, a, &rows, "SELECT id FROM orders WHERE tenant_id = ? AND connection_id = ? AND external_id = ?",
		      "iis", t.id, cid, o.external_id);
	if (rc != 0 || db_rows_count(rows) != 1 || db_i64(rows, 0, 0, &id) != 0)
		return fail("lookup", rc ? err_name(rc) : "order not found");
	printf("order: %" PRId64 "\n", id);
	db_close(db);
	arena_free(a);
	db_global_end();
	return 0;
}
