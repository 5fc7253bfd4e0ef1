/* dbq_flows.c: SQL of flows (連携フロー) — CRUD with sealed destination secrets, requests, the fetcher's claim, files. */
#include "dbq_flows.h"

#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"

#define SECS(col) "IFNULL(FLOOR(UNIX_TIMESTAMP(" col ")), 0)"
#define SECRET_ENC_MAX 16384      /* flows.destination_secret_enc */
#define SETTINGS_MAX 65535        /* flows.destination_settings (TEXT) */
#define FILTER_MAX 4000           /* flows.filter_expr, code points */
#define TIMES_MAX 200             /* flows.schedule_times */
#define SOURCES_MAX 100           /* source connections of one flow */
#define CLAIM_LIMIT "16"          /* candidates read per claim */

/* A scratch arena for the calls that take none; freed by the caller. */
static struct arena *
scratch(void)
{
	return arena_new(0);
}


/* cells: columns first..first+n-1 of row r as integers; -ERR_DB when one is not. */
static int
cells(const struct db_rows *rows, size_t r, size_t first, size_t n, int64_t *v)
{
	for (size_t i = 0; i < n; i++)
		if (db_i64(rows, r, first + i, &v[i]) != 0)
			return -ERR_DB;
	return 0;
}

/* single: the one row of sql (placeholders: an id, then the tenant), else -ERR_NOT_FOUND. */
static int
single(struct db *db, struct arena *a, struct db_rows **rows, const char *sql, uint64_t id, uint64_t tenant_id)
{
	int rc = db_query(db, a, rows, sql, "ii", id, tenant_id);
	return rc != 0 ? rc : db_rows_count(*rows) == 1 ? 0 : -ERR_NOT_FOUND;
}

static struct seal_aad
secret_aad(uint64_t tenant_id, uint64_t flow_id)
{
	struct seal_aad x = { .tenant_id = tenant_id, .table = "flows", .column = "destination_secret_enc",
			      .row_id = flow_id };
	return x;
}

/* --- reading -------------------------------------------------------------- */

#define FLOW_COLS                                                                                         \
	"f.id, f.name, f.template_id, t.name, t.kind, f.filter_expr, f.destination, f.destination_settings,"  \
	" f.destination_secret_enc IS NOT NULL, f.schedule_kind, IFNULL(f.interval_min, 0),"                 \
	" IFNULL(f.schedule_times, ''), f.schedule_days, f.keep_days, f.paused, " SECS("f.next_run_at") ","  \
	" IFNULL(f.last_run_id, 0), f.consecutive_failures, f.run_requested, IFNULL(f.resend_run_id, 0), "  \
	SECS("f.created_at") ", " SECS("f.updated_at")                                                       \
	" FROM flows f JOIN conv_templates t ON t.id = f.template_id AND t.tenant_id = f.tenant_id"

static int
flow_row(struct arena *a, const struct db_rows *rows, size_t r, struct dbq_flow *o)
{
	int64_t id, tid, has, v[13];
	if (db_i64(rows, r, 0, &id) != 0 || db_i64(rows, r, 2, &tid) != 0 || db_i64(rows, r, 8, &has) != 0 ||
	    cells(rows, r, 10, 1, &v[0]) != 0 || cells(rows, r, 12, 10, &v[2]) != 0)
		return -ERR_DB;
	memset(o, 0, sizeof *o);
	o->id = (uint64_t)id;
	o->name = db_str(rows, r, 1);
	o->template_id = (uint64_t)tid;
	o->template_name = db_str(rows, r, 3);
	o->kind = db_str(rows, r, 4);
	o->filter_expr = db_str(rows, r, 5);
	o->destination = db_str(rows, r, 6);
	o->destination_settings = db_str(rows, r, 7);
	o->has_secret = has != 0;
	o->schedule_kind = db_str(rows, r, 9);
	o->interval_min = (unsigned)v[0];
	o->schedule_times = db_str(rows, r, 11);
	o->schedule_days = (unsigned)v[2];
	o->keep_days = (unsigned)v[3];
	o->paused = v[4] != 0;
	o->next_run_at = v[5];
	o->last_run_id = (uint64_t)v[6];
	o->consecutive_failures = (unsigned)v[7];
	o->run_requested = (unsigned)v[8];
	o->resend_run_id = (uint64_t)v[9];
	o->created_at = v[10];
	o->updated_at = v[11];
	o->connections = arena_calloc(a, 1, sizeof *o->connections);
	return o->name && o->kind && o->filter_expr && o->destination && o->destination_settings &&
			       o->schedule_kind && o->schedule_times
		       ? 0
		       : -ERR_DB;
}

/* sources: attach flow_sources rows (flow_id, connection_id) to flows[0..n). */
static int
sources(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t only_flow, struct dbq_flow *flows, size_t n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT flow_id, connection_id FROM flow_sources WHERE tenant_id = ? AND (? = 0 OR flow_id = ?)"
			  " ORDER BY flow_id, connection_id",
			  "iii", tenant_id, only_flow, only_flow);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	for (size_t i = 0; i < n; i++)
		flows[i].connections = arena_calloc(a, count + 1, sizeof *flows[i].connections);
	for (size_t k = 0; k < count; k++) {
		int64_t v[2];
		if (cells(rows, k, 0, 2, v) != 0)
			return -ERR_DB;
		for (size_t i = 0; i < n; i++)
			if (flows[i].id == (uint64_t)v[0])
				flows[i].connections[flows[i].nconnections++] = (uint64_t)v[1];
	}
	return 0;
}

int
dbq_flows_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_flow **out, size_t *n)
{
	*out = arena_calloc(a, 1, sizeof **out);
	*n = 0;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " FLOW_COLS " WHERE f.tenant_id = ? ORDER BY f.name LIMIT ?", "ii", tenant_id,
			  DBQ_FLOWS_LIST_MAX);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct dbq_flow *flows = arena_calloc(a, count + 1, sizeof *flows);
	for (size_t i = 0; i < count; i++)
		if ((rc = flow_row(a, rows, i, &flows[i])) != 0)
			return rc;
	if (count > 0 && (rc = sources(db, a, tenant_id, 0, flows, count)) != 0)
		return rc;
	*out = flows;
	*n = count;
	return 0;
}

int
dbq_flows_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct dbq_flow *out)
{
	struct db_rows *rows;
	int rc = single(db, a, &rows, "SELECT " FLOW_COLS " WHERE f.id = ? AND f.tenant_id = ?", id, tenant_id);
	if (rc == 0)
		rc = flow_row(a, rows, 0, out);
	if (rc != 0)
		return rc;
	return sources(db, a, tenant_id, id, out, 1);
}

/* --- writing -------------------------------------------------------------- */

static bool
one_of(const char *s, const char *const *set)
{
	for (; s != NULL && *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static bool
text_ok(const char *s, size_t max_cp, bool empty_ok)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	return (empty_ok || n > 0) && utf8_valid(s, n) && utf8_codepoints(s, n) <= max_cp;
}

/* check_input: what the schema can hold (the screens check meaning and give the messages). */
static int
check_input(const struct dbq_flow *in)
{
	static const char *const dests[] = { "download", "sftp", "http", NULL };
	static const char *const kinds[] = { "interval", "times", "manual", NULL };
	if (!text_ok(in->name, DBQ_FLOWS_NAME_MAX, false) || !text_ok(in->filter_expr, FILTER_MAX, true) ||
	    !one_of(in->destination, dests) || !one_of(in->schedule_kind, kinds) ||
	    in->destination_settings == NULL || strlen(in->destination_settings) > SETTINGS_MAX ||
	    !utf8_valid(in->destination_settings, strlen(in->destination_settings)) ||
	    (in->schedule_times != NULL && strlen(in->schedule_times) > TIMES_MAX) || in->schedule_days > 127 ||
	    in->keep_days < 1 || in->keep_days > 3650 || in->interval_min > 100000 || in->template_id == 0 ||
	    in->nconnections > SOURCES_MAX || (in->nconnections > 0 && in->connections == NULL) ||
	    in->next_run_at < 0)
		return -ERR_INVALID;
	return 0;
}

/* unique: ids[0..n) without repeats, in a. */
static uint64_t *
unique(struct arena *a, const uint64_t *ids, size_t n, size_t *out_n)
{
	uint64_t *u = arena_calloc(a, n + 1, sizeof *u);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < k && u[j] != ids[i])
			j++;
		if (j == k)
			u[k++] = ids[i];
	}
	*out_n = k;
	return u;
}

/* in_list: " IN (?, ?, …)" for n ids appended to args/types. */
static const char *
in_list(struct arena *a, const uint64_t *ids, size_t n, struct db_arg *args, size_t *nargs, char *types)
{
	struct buf b;
	buf_init(&b, a, 8 + 3 * n);
	buf_puts(&b, " IN (");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i ? ", ?" : "?");
		args[*nargs] = db_arg_uint(ids[i]);
		types[(*nargs)++] = 'i';
	}
	buf_putc(&b, ')');
	types[*nargs] = '\0';
	return buf_cstr(&b);
}

/* owned: the template and every connection belong to the tenant (inside the transaction). */
static int
owned(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t template_id, const uint64_t *conns, size_t n)
{
	struct db_rows *rows;
	int rc = single(db, a, &rows, "SELECT id FROM conv_templates WHERE id = ? AND tenant_id = ? FOR UPDATE",
			template_id, tenant_id);
	if (rc != 0 || n == 0)
		return rc;
	struct db_arg *args = arena_calloc(a, n + 2, sizeof *args);
	char *types = arena_alloc(a, n + 2);
	size_t na = 0;
	args[na] = db_arg_uint(tenant_id);
	types[na++] = 'i';
	const char *in = in_list(a, conns, n, args, &na, types);
	rc = db_query_args(db, a, &rows, arena_printf(a, "SELECT COUNT(*) FROM connections WHERE tenant_id = ? AND id%s", in),
			   types, na, args);
	int64_t count = 0;
	if (rc == 0 && db_i64(rows, 0, 0, &count) != 0)
		rc = -ERR_DB;
	return rc != 0 ? rc : (size_t)count == n ? 0 : -ERR_NOT_FOUND;
}

static int
put_sources(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, const uint64_t *conns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = db_exec(db, a, "INSERT INTO flow_sources (tenant_id, flow_id, connection_id) VALUES (?, ?, ?)",
				 "iii", tenant_id, flow_id, conns[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* put_secret: seal secret_json for the flow and store it ("" stores NULL). */
static int
put_secret(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id, uint64_t flow_id,
	   const char *secret_json)
{
	if (*secret_json == '\0')
		return db_exec(db, a, "UPDATE flows SET destination_secret_enc = NULL WHERE id = ? AND tenant_id = ?",
			       "ii", flow_id, tenant_id);
	struct seal_aad x = secret_aad(tenant_id, flow_id);
	unsigned char *ct;
	size_t ctlen;
	int rc = seal_encrypt(a, key, &x, secret_json, strlen(secret_json), &ct, &ctlen);
	if (rc != 0)
		return rc;
	if (ctlen > SECRET_ENC_MAX)
		return -ERR_TOO_LARGE;
	return db_exec(db, a, "UPDATE flows SET destination_secret_enc = ? WHERE id = ? AND tenant_id = ?", "bii",
		       ct, ctlen, flow_id, tenant_id);
}

/* end_tx: run the body's result through commit or rollback. */
static int
end_tx(struct db *db, int rc)
{
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* insert_flow: a new flow's row. */
static int
insert_flow(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct dbq_flow *in)
{
	int64_t now = clock_now();
	return db_exec(db, a,
		       "INSERT INTO flows (id, tenant_id, name, template_id, filter_expr, destination, destination_settings,"
		       " schedule_kind, interval_min, schedule_times, schedule_days, keep_days, paused, next_run_at,"
		       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, ''), ?, ?, ?,"
		       " IF(? OR ? = 0, NULL, FROM_UNIXTIME(?)), FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
		       "iisissssisiiiiiiii", id, tenant_id, in->name, in->template_id, in->filter_expr, in->destination,
		       in->destination_settings, in->schedule_kind, in->interval_min,
		       in->schedule_times ? in->schedule_times : "", in->schedule_days, in->keep_days, in->paused,
		       in->paused, in->next_run_at, in->next_run_at, now, now);
}

/* update_flow: the flow's columns and (after the old ones are removed) nothing else; -ERR_NOT_FOUND. */
static int
update_flow(struct db *db, struct arena *a, uint64_t tenant_id, const struct dbq_flow *in)
{
	int rc = db_exec(db, a,
			 "UPDATE flows SET name = ?, template_id = ?, filter_expr = ?, destination = ?,"
			 " destination_settings = ?, schedule_kind = ?, interval_min = NULLIF(?, 0),"
			 " schedule_times = NULLIF(?, ''), schedule_days = ?, keep_days = ?,"
			 " next_run_at = IF(paused = 1 OR ? = 0, NULL, FROM_UNIXTIME(?)),"
			 " updated_at = FROM_UNIXTIME(?) WHERE id = ? AND tenant_id = ?",
			 "sissssisiiiiiii", in->name, in->template_id, in->filter_expr, in->destination,
			 in->destination_settings, in->schedule_kind, in->interval_min,
			 in->schedule_times ? in->schedule_times : "", in->schedule_days, in->keep_days, in->next_run_at,
			 in->next_run_at, (int64_t)clock_now(), in->id, tenant_id);
	if (rc == 0 && db_affected(db) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = db_exec(db, a, "DELETE FROM flow_sources WHERE flow_id = ? AND tenant_id = ?", "ii", in->id,
			     tenant_id);
	return rc;
}

/* save: create (a new id into *id) or update in->id, with its sources and secret, in one transaction. */
static int
save(struct db *db, const unsigned char *key, uint64_t tenant_id, const struct dbq_flow *in, const char *secret_json,
     uint64_t *id)
{
	int rc = check_input(in);
	if (rc != 0 || key == NULL)
		return rc != 0 ? rc : -ERR_INVALID;
	struct arena *a = scratch();
	size_t n;
	uint64_t *conns = unique(a, in->connections, in->nconnections, &n);
	uint64_t fid = id != NULL ? token_random_id() : in->id;
	if ((rc = db_begin(db)) == 0) {
		rc = owned(db, a, tenant_id, in->template_id, conns, n);
		if (rc == 0)
			rc = id != NULL ? insert_flow(db, a, tenant_id, fid, in) : update_flow(db, a, tenant_id, in);
		if (rc == 0)
			rc = put_sources(db, a, tenant_id, fid, conns, n);
		if (rc == 0 && secret_json != NULL)
			rc = put_secret(db, a, key, tenant_id, fid, secret_json);
		rc = end_tx(db, rc);
	}
	arena_free(a);
	if (rc == 0 && id != NULL)
		*id = fid;
	return rc;
}

int
dbq_flows_create(struct db *db, const unsigned char *key, uint64_t tenant_id, const struct dbq_flow *in,
		 const char *secret_json, uint64_t *id)
{
	return id != NULL ? save(db, key, tenant_id, in, secret_json, id) : -ERR_INVALID;
}

int
dbq_flows_update(struct db *db, const unsigned char *key, uint64_t tenant_id, const struct dbq_flow *in,
		 const char *secret_json)
{
	return save(db, key, tenant_id, in, secret_json, NULL);
}

/* one_row: run an UPDATE/DELETE on one flow of the tenant; -ERR_NOT_FOUND when it matched none. */
static int
one_row(struct db *db, int rc)
{
	if (rc == 0 && db_affected(db) == 0)
		return -ERR_NOT_FOUND;
	return rc;
}

int
dbq_flows_delete(struct db *db, uint64_t tenant_id, uint64_t id)
{
	struct arena *a = scratch();
	int rc = one_row(db, db_exec(db, a, "DELETE FROM flows WHERE id = ? AND tenant_id = ?", "ii", id, tenant_id));
	arena_free(a);
	return rc;
}

int
dbq_flows_secret(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id, uint64_t id,
		 const char **secret_json)
{
	*secret_json = "{}";
	struct db_rows *rows;
	int rc = single(db, a, &rows, "SELECT destination_secret_enc FROM flows WHERE id = ? AND tenant_id = ?", id,
			tenant_id);
	if (rc != 0)
		return rc;
	const struct db_cell *c = db_cell(rows, 0, 0);
	if (c == NULL || c->is_null)
		return 0;
	struct seal_aad x = secret_aad(tenant_id, id);
	char *pt;
	size_t n;
	if ((rc = seal_decrypt(a, key, &x, (const unsigned char *)c->val, c->len, &pt, &n)) != 0)
		return rc;
	*secret_json = pt;
	return 0;
}

int
dbq_flows_set_paused(struct db *db, uint64_t tenant_id, uint64_t id, bool paused, int64_t next_run_at)
{
	struct arena *a = scratch();
	int rc = one_row(db, db_exec(db, a,
				     "UPDATE flows SET paused = ?, next_run_at = IF(? OR ? = 0, NULL, FROM_UNIXTIME(?)),"
				     " updated_at = FROM_UNIXTIME(?) WHERE id = ? AND tenant_id = ?",
				     "iiiiiii", paused, paused, next_run_at, next_run_at, (int64_t)clock_now(), id,
				     tenant_id));
	arena_free(a);
	return rc;
}

int
dbq_flows_request_run(struct db *db, uint64_t tenant_id, uint64_t id)
{
	struct arena *a = scratch();
	int rc = one_row(db, db_exec(db, a,
				     "UPDATE flows SET run_requested = GREATEST(run_requested, ?)"
				     " WHERE id = ? AND tenant_id = ?",
				     "iii", DBQ_FLOWS_REQ_RUN, id, tenant_id));
	arena_free(a);
	return rc;
}

/* --- 再送 -------------------------------------------------------------------- */

int
dbq_flows_resend_records(struct db *db, uint64_t tenant_id, uint64_t flow_id, const uint64_t *ids, size_t n)
{
	if (n == 0 || ids == NULL || n > 1000)
		return n == 0 ? -ERR_NOT_FOUND : -ERR_INVALID;
	struct arena *a = scratch();
	int rc = db_begin(db);
	if (rc == 0) {
		struct db_rows *rows;
		rc = single(db, a, &rows, "SELECT id FROM flows WHERE id = ? AND tenant_id = ? FOR UPDATE", flow_id,
			    tenant_id);
		struct db_arg *args = arena_calloc(a, n + 3, sizeof *args);
		char *types = arena_alloc(a, n + 3);
		size_t na = 0;
		args[na] = db_arg_uint(tenant_id);
		types[na++] = 'i';
		args[na] = db_arg_uint(flow_id);
		types[na++] = 'i';
		const char *in = in_list(a, ids, n, args, &na, types);
		if (rc == 0)
			rc = db_exec_args(db, a,
					  arena_printf(a, "DELETE FROM flow_ledger WHERE tenant_id = ? AND flow_id = ?"
							  " AND record_id%s", in),
					  types, na, args);
		if (rc == 0 && db_affected(db) == 0)
			rc = -ERR_NOT_FOUND;
		if (rc == 0)
			rc = db_exec(db, a, "UPDATE flows SET run_requested = ? WHERE id = ? AND tenant_id = ?", "iii",
				     DBQ_FLOWS_REQ_RECORDS, flow_id, tenant_id);
		rc = end_tx(db, rc);
	}
	arena_free(a);
	return rc;
}

int
dbq_flows_resend_run(struct db *db, uint64_t tenant_id, uint64_t flow_id, uint64_t run_id)
{
	struct arena *a = scratch();
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT r.delivery_status, fl.id IS NOT NULL FROM flow_runs r"
			  " LEFT JOIN flow_files fl ON fl.id = r.file_id AND fl.tenant_id = r.tenant_id"
			  " AND fl.expires_at > FROM_UNIXTIME(?)"
			  " WHERE r.id = ? AND r.flow_id = ? AND r.tenant_id = ?",
			  "iiii", (int64_t)clock_now(), run_id, flow_id, tenant_id);
	int64_t has_file = 0;
	const char *ds = rc == 0 && db_rows_count(rows) == 1 ? db_str(rows, 0, 0) : NULL;
	if (rc == 0 && (ds == NULL || db_i64(rows, 0, 1, &has_file) != 0 || has_file == 0))
		rc = -ERR_NOT_FOUND;
	if (rc == 0 && strcmp(ds, "delivered") != 0 && strcmp(ds, "download") != 0)
		rc = -ERR_CONFLICT;
	if (rc == 0)
		rc = one_row(db, db_exec(db, a, "UPDATE flows SET resend_run_id = ? WHERE id = ? AND tenant_id = ?",
					 "iii", run_id, flow_id, tenant_id));
	arena_free(a);
	return rc;
}

/* --- the fetcher's claim ---------------------------------------------------- */

#define DUE                                                                                   \
	" ((f.paused = 0 AND f.next_run_at <= FROM_UNIXTIME(?)) OR f.run_requested > 0"      \
	" OR f.resend_run_id IS NOT NULL) AND (f.lease_until IS NULL OR f.lease_until < FROM_UNIXTIME(?))"

/* take: inside a transaction, lock flow id if it is still due and free (SKIP LOCKED) and lease it. */
static int
take(struct db *db, struct arena *a, uint64_t id, const char *owner, int64_t now, int lease_s, uint64_t *tenant_id)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT f.tenant_id FROM flows f WHERE f.id = ? AND" DUE " FOR UPDATE SKIP LOCKED",
			  "iii", id, now, now);
	if (rc != 0)
		return rc;
	int64_t tid;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	if (db_i64(rows, 0, 0, &tid) != 0)
		return -ERR_DB;
	rc = db_exec(db, a, "UPDATE flows SET lease_owner = ?, lease_until = FROM_UNIXTIME(?) WHERE id = ?", "sii", owner,
		     now + lease_s, id);
	if (rc == 0)
		rc = db_exec(db, a,
			     "UPDATE flow_runs SET status = 'abandoned', finished_at = FROM_UNIXTIME(?),"
			     " error = 'フェッチャーが実行の途中で止まりました（リースを引き継ぎました）'"
			     " WHERE flow_id = ? AND tenant_id = ? AND status = 'running'",
			     "iii", now, id, tid);
	*tenant_id = (uint64_t)tid;
	return rc;
}

/*
 * The candidates are read without locks, then each is locked alone with SKIP
 * LOCKED and checked again (dbq_sync_claim's design), so two fetchers never
 * take the same flow.
 */
int
dbq_flows_claim_due(struct db *db, const char *owner, int lease_s, uint64_t only_tenant, uint64_t *tenant_id,
		    uint64_t *flow_id)
{
	if (owner == NULL || lease_s <= 0)
		return -ERR_INVALID;
	struct arena *a = scratch();
	int64_t now = clock_now();
	struct db_rows *cands;
	int rc = db_query(db, a, &cands,
			  "SELECT f.id FROM flows f JOIN tenants t ON t.id = f.tenant_id WHERE" DUE
			  " AND t.status = 'active' AND (? = 0 OR f.tenant_id = ?)"
			  " ORDER BY f.run_requested DESC, f.next_run_at LIMIT " CLAIM_LIMIT,
			  "iiii", now, now, only_tenant, only_tenant);
	for (size_t k = 0; rc == 0 && k < db_rows_count(cands); k++) {
		int64_t cand;
		if (db_i64(cands, k, 0, &cand) != 0) {
			rc = -ERR_DB;
			break;
		}
		if ((rc = db_begin(db)) != 0)
			break;
		rc = take(db, a, (uint64_t)cand, owner, now, lease_s, tenant_id);
		if (rc == -ERR_NOT_FOUND) {
			db_rollback(db);
			rc = 0;
			continue;
		}
		if ((rc = end_tx(db, rc)) == 0) {
			*flow_id = (uint64_t)cand;
			arena_free(a);
			return 0;
		}
	}
	arena_free(a);
	return rc != 0 ? rc : -ERR_NOT_FOUND;
}
