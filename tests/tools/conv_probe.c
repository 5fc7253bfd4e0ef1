/* conv_probe.c: exercises dbq_convsrc (every selection mode) and dbq_lookup against a tenant with synced data (t0930). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/t.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/dbq_convsrc.h"
#include "db/dbq_lookup.h"
#include "db/dbq_tenants.h"

/*
 * conv_probe TENANT_CODE   (configuration as for ecc-admin: $ECC_CONFIG)
 * The tenant must have orders (with lines), products, stock and shipments.
 * Adds a template, a flow with two ledger rows and a code table, and removes
 * them again. Prints "conv-probe: N passed, N failed"; exit 0 only when all pass.
 */

static struct arena *a;
static struct db *db;
static struct tenant ten;

static struct dbq_convsrc_query
query(enum conv_kind kind)
{
	return (struct dbq_convsrc_query){ .tenant_id = ten.id, .key = ten.key, .kind = kind };
}

static const char *
text(const struct conv_record *r, enum conv_kind kind, const char *field)
{
	int i = conv_fields_index(kind, field);
	if (i < 0)
		return "(no such field)";
	size_t lf = conv_fields_line_first();
	const struct expr_value *v = r->order_values && (size_t)i < lf ? &r->order_values[i]
				     : &r->values[r->order_values ? (size_t)i - lf : (size_t)i];
	if (v->type == EXPR_NULL)
		return "";
	if (v->type == EXPR_TEXT)
		return arena_strndup(a, v->s, v->len);
	const char *s;
	size_t len;
	expr_value_text(v, a, &s, &len);
	return arena_strndup(a, s, len);
}

static uint64_t
scalar(const char *sql, uint64_t arg)
{
	struct db_rows *rows;
	int64_t v = -1;
	if (db_query(db, a, &rows, sql, "ii", ten.id, arg) != 0 || db_i64(rows, 0, 0, &v) != 0)
		return (uint64_t)-1;
	return (uint64_t)v;
}

static void
check_orders(void)
{
	struct dbq_convsrc_query q = query(CONV_ORDER);
	struct conv_record *r, *r2;
	size_t n, n2;
	q.latest = 5;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r, &n), 0);
	T_INTEQ(n, 5);
	for (size_t i = 1; i < n; i++)
		T_OK(strcmp(text(&r[i - 1], CONV_ORDER, "ordered_at"), text(&r[i], CONV_ORDER, "ordered_at")) <= 0,
		     "latest: oldest first");
	uint64_t newest = scalar("SELECT id FROM orders WHERE tenant_id = ? AND ? = 0 ORDER BY ordered_at DESC,"
				 " order_number DESC, id DESC LIMIT 1", 0);
	T_OK(n == 5 && r[4].id == newest, "latest: ends with the newest order");
	T_OK(n == 5 && strcmp(r[4].label, text(&r[4], CONV_ORDER, "order_number")) == 0, "label = order number");

	/* exactly these ids */
	uint64_t ids[3] = { r[3].id, r[0].id, r[2].id };
	q = query(CONV_ORDER);
	q.only_ids = ids;
	q.nonly_ids = 3;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
	T_OK(n2 == 3 && r2[0].id == r[0].id && r2[1].id == r[2].id && r2[2].id == r[3].id, "only_ids, oldest first");

	/* one connection */
	uint64_t conn = scalar("SELECT MIN(connection_id) FROM orders WHERE tenant_id = ? AND ? = 0", 0);
	uint64_t count = scalar("SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND connection_id = ?", conn);
	q = query(CONV_ORDER);
	q.connections = &conn;
	q.nconnections = 1;
	q.latest = 1000;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
	T_INTEQ(n2, count);
	const char *name = n2 ? text(&r2[0], CONV_ORDER, "connection.name") : "";
	size_t same = 0;
	for (size_t i = 0; i < n2; i++)
		same += strcmp(text(&r2[i], CONV_ORDER, "connection.name"), name) == 0;
	T_OK(n2 > 0 && same == n2 && *name, "every record of the connection (%s)", name);

	/* a wrong key opens no personal data */
	unsigned char bad[32];
	memset(bad, 7, sizeof bad);
	q = query(CONV_ORDER);
	q.key = bad;
	q.latest = 3;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), -ERR_FORBIDDEN);

	/* invalid selections */
	q = query(CONV_ORDER);
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), -ERR_INVALID);
	q.latest = 1;
	q.not_in_flow = 5;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), -ERR_INVALID);
	q.not_in_flow = 0;
	q.latest = DBQ_CONVSRC_LIMIT_MAX + 1;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), -ERR_INVALID);
	q.latest = 1;
	q.kind = 9;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), -ERR_INVALID);
}

/* Lines with shared order values and with full values give the same texts. */
static void
check_lines(void)
{
	struct dbq_convsrc_query q = query(CONV_ORDER_LINE);
	struct conv_record *r, *s;
	size_t n, ns;
	q.latest = 20;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r, &n), 0);
	q.share_order = true;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &s, &ns), 0);
	T_OK(n == ns && n >= 20, "the lines of 20 orders: %zu and %zu", n, ns);
	static const char *const f[] = { "order_number", "ship.name", "line.no", "line.sku", "line.total",
					 "line.tax", "amount_10", "first_line.sku" };
	size_t diff = 0, orders = 0;
	for (size_t i = 0; i < n && i < ns; i++) {
		T_OK(r[i].order_values == NULL && s[i].order_values != NULL, "share_order");
		orders += i == 0 || r[i].id != r[i - 1].id;
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			diff += strcmp(text(&r[i], CONV_ORDER_LINE, f[k]), text(&s[i], CONV_ORDER_LINE, f[k])) != 0;
	}
	T_INTEQ(diff, 0);
	T_INTEQ(orders, 20);
	uint64_t lines = scalar("SELECT COUNT(*) FROM order_lines WHERE tenant_id = ? AND order_id = ?", r[0].id);
	size_t mine = 0;
	for (size_t i = 0; i < n && r[i].id == r[0].id; i++)
		mine++;
	T_INTEQ(mine, lines);
	T_STREQ(text(&r[0], CONV_ORDER_LINE, "line.no"), "1");
}

/* A flow with ledger rows: not_in_flow leaves those units out. */
static void
check_ledger(void)
{
	struct dbq_convsrc_query q = query(CONV_ORDER);
	struct conv_record *r, *r2;
	size_t n, n2;
	q.latest = DBQ_CONVSRC_LIMIT_MAX;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r, &n), 0);
	uint64_t tpl, flow;
	rand_bytes(&tpl, sizeof tpl);
	rand_bytes(&flow, sizeof flow);
	tpl = (tpl & INT64_MAX) | 1;
	flow = (flow & INT64_MAX) | 1;
	int rc = db_exec(db, a, "INSERT INTO conv_templates (id, tenant_id, name, kind, current_version, latest_version,"
			 " created_at, updated_at) VALUES (?, ?, 'probe', 'order', 1, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
			 "ii", tpl, ten.id);
	if (rc == 0)
		rc = db_exec(db, a, "INSERT INTO flows (id, tenant_id, name, template_id, destination, destination_settings,"
			     " schedule_kind, created_at, updated_at) VALUES (?, ?, 'probe', ?, 'download', '{}', 'manual',"
			     " UTC_TIMESTAMP(), UTC_TIMESTAMP())", "iii", flow, ten.id, tpl);
	if (rc == 0)
		rc = db_exec(db, a, "INSERT INTO flow_ledger (tenant_id, flow_id, record_id, run_id, delivered_at)"
			     " VALUES (?, ?, ?, 1, UTC_TIMESTAMP()), (?, ?, ?, 1, UTC_TIMESTAMP())", "iiiiii", ten.id, flow,
			     r[0].id, ten.id, flow, r[2].id);
	T_INTEQ(rc, 0);
	q = query(CONV_ORDER);
	q.not_in_flow = flow;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
	T_INTEQ(n2, n - 2);
	T_OK(n2 > 2 && r2[0].id == r[1].id && r2[1].id == r[3].id, "the delivered ones are left out, oldest first");
	q.limit = 2;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
	T_INTEQ(n2, 2);

	/* stock: the ledger holds the row hash */
	struct conv_record *st;
	size_t nst;
	q = query(CONV_STOCK);
	q.latest = DBQ_CONVSRC_LIMIT_MAX;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &st, &nst), 0);
	T_OK(nst > 1 && st[0].id != 0 && st[0].id <= INT64_MAX, "stock ids are 63-bit hashes");
	if (nst > 1) {
		T_INTEQ(db_exec(db, a, "INSERT INTO flow_ledger (tenant_id, flow_id, record_id, run_id, delivered_at)"
				" VALUES (?, ?, ?, 1, UTC_TIMESTAMP())", "iii", ten.id, flow, st[0].id), 0);
		q = query(CONV_STOCK);
		q.not_in_flow = flow;
		T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
		T_INTEQ(n2, nst - 1);
		q = query(CONV_STOCK);
		q.only_ids = &st[1].id;
		q.nonly_ids = 1;
		T_INTEQ(dbq_convsrc_read(db, a, &q, &r2, &n2), 0);
		T_OK(n2 == 1 && r2[0].id == st[1].id && strcmp(r2[0].label, st[1].label) == 0, "stock by id");
	}
	db_exec(db, a, "DELETE FROM flows WHERE tenant_id = ? AND id = ?", "ii", ten.id, flow);
	db_exec(db, a, "DELETE FROM conv_templates WHERE tenant_id = ? AND id = ?", "ii", ten.id, tpl);
}

static void
check_other_kinds(void)
{
	static const enum conv_kind kinds[] = { CONV_PRODUCT, CONV_STOCK, CONV_SHIPMENT };
	static const char *const tables[] = { "products", "stock_levels", "shipments" };
	for (size_t k = 0; k < 3; k++) {
		struct dbq_convsrc_query q = query(kinds[k]);
		struct conv_record *r;
		size_t n;
		q.latest = 3;
		T_INTEQ(dbq_convsrc_read(db, a, &q, &r, &n), 0);
		T_OK(n == 3, "%s: latest 3 (%zu)", tables[k], n);
		for (size_t i = 0; i < n; i++)
			T_OK(r[i].label != NULL && r[i].label[0] != '\0' && r[i].id != 0, "%s: id and label", tables[k]);
	}
	struct dbq_convsrc_query q = query(CONV_SHIPMENT);
	struct conv_record *r;
	size_t n;
	q.latest = 5;
	T_INTEQ(dbq_convsrc_read(db, a, &q, &r, &n), 0);
	for (size_t i = 0; i < n; i++)
		T_OK(*text(&r[i], CONV_SHIPMENT, "order_number") && *text(&r[i], CONV_SHIPMENT, "ship.name"),
		     "shipment %zu has its order's number and ship-to", i);
}

static void
check_lookup(void)
{
	uint64_t id, id2;
	T_INTEQ(dbq_lookup_create(db, ten.id, "配送方法", "説明", &id), 0);
	T_INTEQ(dbq_lookup_create(db, ten.id, "配送方法", "", &id2), -ERR_CONFLICT);
	T_INTEQ(dbq_lookup_create(db, ten.id, "", "", &id2), -ERR_INVALID);
	T_INTEQ(dbq_lookup_create(db, ten.id, "a\nb", "", &id2), -ERR_INVALID);
	struct dbq_lookup_entry e[4] = { { "ヤマト", "1" }, { "A", "upper" }, { "a", "lower" }, { "q\"\\", "引用" } };
	T_INTEQ(dbq_lookup_replace(db, ten.id, id, e, 4), 0);
	struct dbq_lookup_table t;
	T_INTEQ(dbq_lookup_get(db, a, ten.id, id, &t), 0);
	T_INTEQ(t.entries, 4);
	T_STREQ(t.name, "配送方法");
	T_STREQ(t.description, "説明");
	T_INTEQ(dbq_lookup_get(db, a, ten.id + 1, id, &t), -ERR_NOT_FOUND);
	struct dbq_lookup_entry *got;
	size_t n;
	T_INTEQ(dbq_lookup_entries(db, a, ten.id, id, &got, &n), 0);
	T_OK(n == 4 && strcmp(got[0].key, "A") == 0 && strcmp(got[1].key, "a") == 0 && strcmp(got[3].key, "ヤマト") == 0,
	     "entries by key, byte order");
	T_INTEQ(dbq_lookup_entries(db, a, ten.id + 1, id, &got, &n), -ERR_NOT_FOUND);
	struct dbq_lookup_table *all;
	T_INTEQ(dbq_lookup_list(db, a, ten.id, &all, &n), 0);
	size_t found = 0;
	for (size_t i = 0; i < n; i++)
		found += all[i].id == id && all[i].entries == 4;
	T_INTEQ(found, 1);

	struct dbq_lookup_cache *c = dbq_lookup_cache_new(db, a, ten.id);
	const char *v;
	size_t vl;
	T_INTEQ(dbq_lookup_cache_fn(c, "配送方法", strlen("配送方法"), "a", 1, a, &v, &vl), 0);
	T_OK(vl == 5 && memcmp(v, "lower", 5) == 0, "exact key a");
	T_INTEQ(dbq_lookup_cache_fn(c, "配送方法", strlen("配送方法"), "q\"\\", 3, a, &v, &vl), 0);
	T_OK(vl == 6 && memcmp(v, "引用", 6) == 0, "escaped key");
	T_INTEQ(dbq_lookup_cache_fn(c, "配送方法", strlen("配送方法"), "ヤマト ", strlen("ヤマト "), a, &v, &vl),
		-ERR_NOT_FOUND);
	T_INTEQ(dbq_lookup_cache_fn(c, "配送", strlen("配送"), "a", 1, a, &v, &vl), -ERR_INVALID);

	/* more entries than one INSERT takes */
	size_t big = 2500;
	struct dbq_lookup_entry *many = arena_calloc(a, big, sizeof *many);
	for (size_t i = 0; i < big; i++)
		many[i] = (struct dbq_lookup_entry){ arena_printf(a, "k%05zu", i), arena_printf(a, "値%zu", i) };
	T_INTEQ(dbq_lookup_replace(db, ten.id, id, many, big), 0);
	T_INTEQ(dbq_lookup_get(db, a, ten.id, id, &t), 0);
	T_INTEQ(t.entries, big);
	c = dbq_lookup_cache_new(db, a, ten.id);
	T_INTEQ(dbq_lookup_cache_fn(c, "配送方法", strlen("配送方法"), "k02499", 6, a, &v, &vl), 0);
	T_OK(vl == strlen("値2499") && memcmp(v, "値2499", vl) == 0, "the last of 2500");
	T_INTEQ(dbq_lookup_replace(db, ten.id + 1, id, many, 1), -ERR_NOT_FOUND);

	T_INTEQ(dbq_lookup_update(db, ten.id, id, "配送方法2", "x"), 0);
	T_INTEQ(dbq_lookup_update(db, ten.id + 1, id, "配送方法3", "x"), -ERR_NOT_FOUND);
	T_INTEQ(dbq_lookup_delete(db, ten.id + 1, id), -ERR_NOT_FOUND);
	T_INTEQ(dbq_lookup_delete(db, ten.id, id), 0);
	T_INTEQ(dbq_lookup_get(db, a, ten.id, id, &t), -ERR_NOT_FOUND);
	T_INTEQ(scalar("SELECT COUNT(*) FROM lookup_entries WHERE tenant_id = ? AND table_id = ?", id), 0);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: conv_probe TENANT_CODE\n", stderr);
		return 2;
	}
	a = arena_new(0);
	log_init("conv_probe", NULL, (enum log_level)(LOG_ERROR + 1));
	struct config cfg;
	struct buf err;
	buf_init(&err, a, 128);
	if (db_global_init() != 0 || config_load(a, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(a, &cfg, CONFIG_SECRET_DB, &err) != 0 || keyring_load_kek(cfg.kek_file, &err) != 0) {
		fprintf(stderr, "conv_probe: %s\n", buf_cstr(&err));
		return 1;
	}
	db = db_new(a, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	if (dbq_tenants_find_by_code(db, a, argv[1], &ten) != 0) {
		fprintf(stderr, "conv_probe: no tenant %s\n", argv[1]);
		return 1;
	}
	check_orders();
	check_lines();
	check_ledger();
	check_other_kinds();
	check_lookup();
	int rc = t_done("conv-probe");
	arena_free(a);
	db_global_end();
	return rc;
}
