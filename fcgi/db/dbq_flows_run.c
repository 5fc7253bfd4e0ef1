/* dbq_flows_run.c: SQL of flow runs — start, the one finishing transaction (file, issues, ledger), history, files. */
#include "dbq_flows.h"

#include <string.h>

#include <openssl/sha.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_orders.h"
#include "db/dbq_payload.h"

#define MS(col) "IFNULL(CAST(ROUND(UNIX_TIMESTAMP(" col ") * 1000) AS SIGNED), 0)"
#define ISSUES_MAX 1000      /* issues stored per run (conv_run keeps 1000 by default) */
#define MESSAGE_MAX 500      /* VARCHAR(500) columns */
#define LABEL_MAX 100        /* VARCHAR(100) columns */

/* clip: at most max code points of s (NULL stays NULL), in a. */
static const char *
clip(struct arena *a, const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	size_t i = 0, cps = 0;
	while (s[i] != '\0' && cps < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cps++;
	}
	return s[i] == '\0' ? s : arena_strndup(a, s, i);
}

/* lock_flow: inside a transaction, the flow's row locked and its lease ours; -ERR_CONFLICT otherwise. */
static int
lock_flow(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, const char *owner)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT lease_owner FROM flows WHERE id = ? AND tenant_id = ? FOR UPDATE", "ii",
			  flow_id, tenant_id);
	if (rc != 0)
		return rc;
	const char *cur = db_rows_count(rows) == 1 ? db_str(rows, 0, 0) : NULL;
	return cur != NULL && strcmp(cur, owner) == 0 ? 0 : -ERR_CONFLICT;
}

int
dbq_flows_run_start(struct db *db, uint64_t tenant_id, uint64_t flow_id, const char *trigger_kind,
		    uint64_t resend_of_run_id, unsigned template_version, const char *owner, uint64_t *run_id)
{
	struct arena *a = arena_new(0);
	uint64_t id = token_random_id();
	int rc = db_begin(db);
	if (rc == 0) {
		rc = lock_flow(db, a, tenant_id, flow_id, owner);
		if (rc == 0)
			rc = db_exec(db, a,
				     "INSERT INTO flow_runs (id, tenant_id, flow_id, trigger_kind, resend_of_run_id,"
				     " template_version, status, started_at, lease_owner)"
				     " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, 'running', FROM_UNIXTIME(? / 1000), ?)",
				     "iiisiiis", id, tenant_id, flow_id, trigger_kind, resend_of_run_id, template_version,
				     clock_now_ms(), owner);
		if (rc == 0)
			rc = db_exec(db, a, "UPDATE flows SET last_run_id = ? WHERE id = ?", "ii", id, flow_id);
		rc = rc == 0 ? db_commit(db) : (db_rollback(db), rc);
	}
	arena_free(a);
	if (rc == 0)
		*run_id = id;
	return rc;
}

/* --- finishing ------------------------------------------------------------- */

static struct seal_aad
file_aad(uint64_t tenant_id, uint64_t file_id)
{
	struct seal_aad x = { .tenant_id = tenant_id, .table = "flow_files", .column = "content_enc",
			      .row_id = file_id };
	return x;
}

/* The file, compressed and sealed before the transaction starts. */
struct sealed_file {
	uint64_t id;
	unsigned char sha[SHA256_DIGEST_LENGTH];
	unsigned char *enc;
	size_t enc_len;
	size_t len;
};

static int
seal_file(struct arena *a, const unsigned char *key, uint64_t tenant_id, const struct conv_result *res,
	  struct sealed_file *f)
{
	f->id = token_random_id();
	f->len = res->len;
	SHA256((const unsigned char *)(res->bytes ? res->bytes : ""), res->len, f->sha);
	struct seal_aad x = file_aad(tenant_id, f->id);
	return dbq_payload_seal_at(a, key, &x, DBQ_FLOWS_FILE_MAX, res->bytes, res->len, &f->enc, &f->enc_len);
}

static const char *
issue_action(enum cp932_policy p)
{
	return p == CP932_FAIL ? "failed" : p == CP932_DROP ? "dropped" : "replaced";
}

/* What the rows of one finishing transaction are made of. */
struct book {
	struct arena *a;
	uint64_t tenant_id, flow_id, run_id;
	const struct conv_result *res;
	int64_t now;
};

/* fill_fn: the arguments and type letters of row i (one letter per argument). */
typedef void fill_fn(const struct book *b, size_t i, struct db_arg *args, char *types);

/* insert_rows: n rows as multi-row INSERTs (head, k tuples, tail) in chunks of 100/25/5/1. */
static int
insert_rows(struct db *db, const struct book *b, size_t n, const char *head, const char *tuple, const char *tail,
	    size_t ncols, fill_fn *fill)
{
	for (size_t done = 0; done < n;) {
		size_t k = dbq_orders_chunk(n - done);
		char *sql = dbq_orders_values_sql(b->a, head, tuple, k, tail);
		struct db_arg *args = arena_calloc(b->a, k * ncols, sizeof *args);
		char *types = arena_alloc(b->a, k * ncols + 1);
		for (size_t i = 0; i < k; i++)
			fill(b, done + i, args + i * ncols, types + i * ncols);
		types[k * ncols] = '\0';
		int rc = db_exec_args(db, b->a, sql, types, k * ncols, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

/* issue_row: one kept issue (seq from 1, in order). */
static void
issue_row(const struct book *b, size_t i, struct db_arg *p, char *types)
{
	const struct conv_issue *is = &b->res->issues[i];
	bool enc = is->kind == CONV_ISSUE_UNENCODABLE;
	memcpy(types, "iiisississ", 10);
	*p++ = db_arg_uint(b->tenant_id);
	*p++ = db_arg_uint(b->run_id);
	*p++ = db_arg_uint(i + 1);
	*p++ = db_arg_str(enc ? "unencodable" : "error");
	*p++ = db_arg_uint(is->record_id);
	*p++ = db_arg_str(clip(b->a, is->record_label ? is->record_label : "", LABEL_MAX));
	*p++ = db_arg_str(clip(b->a, is->column_header ? is->column_header : "", LABEL_MAX));
	*p++ = db_arg_uint(enc ? is->codepoint : 0);
	*p++ = db_arg_str(enc ? issue_action(is->action) : NULL);
	*p = db_arg_str(clip(b->a, is->message ? is->message : "", MESSAGE_MAX));
}

/* ledger_row: one delivered record (a line-level template repeats an order's id: the upsert keeps one). */
static void
ledger_row(const struct book *b, size_t i, struct db_arg *p, char *types)
{
	memcpy(types, "iiiii", 5);
	*p++ = db_arg_uint(b->tenant_id);
	*p++ = db_arg_uint(b->flow_id);
	*p++ = db_arg_uint(b->res->delivered_ids[i]);
	*p++ = db_arg_uint(b->run_id);
	*p = db_arg_int(b->now);
}

static int
put_issues(struct db *db, const struct book *b)
{
	return insert_rows(db, b, b->res->nissues < ISSUES_MAX ? b->res->nissues : ISSUES_MAX,
			   "INSERT INTO flow_run_issues (tenant_id, run_id, seq, kind, record_id, record_label,"
			   " column_name, codepoint, action, message) VALUES ",
			   "(?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?)", "", 10, issue_row);
}

static int
put_ledger(struct db *db, const struct book *b)
{
	return insert_rows(db, b, b->res->ndelivered,
			   "INSERT INTO flow_ledger (tenant_id, flow_id, record_id, run_id, delivered_at) VALUES ",
			   "(?, ?, ?, ?, FROM_UNIXTIME(?))",
			   " ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), delivered_at = VALUES(delivered_at)", 5,
			   ledger_row);
}

/* The run's row: which request it served (to clear exactly that one). */
struct run_kind {
	const char *trigger;
	int64_t resend_of;
};

static int
running(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, uint64_t run_id, struct run_kind *k)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT trigger_kind, IFNULL(resend_of_run_id, 0) FROM flow_runs"
			  " WHERE id = ? AND flow_id = ? AND tenant_id = ? AND status = 'running' FOR UPDATE",
			  "iii", run_id, flow_id, tenant_id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1 || (k->trigger = db_str(rows, 0, 0)) == NULL)
		return -ERR_CONFLICT; /* abandoned by a fetcher that took the lease over */
	return db_i64(rows, 0, 1, &k->resend_of) == 0 ? 0 : -ERR_DB;
}

static int
update_run(struct db *db, struct arena *a, uint64_t run_id, const struct dbq_flow_outcome *o, uint64_t file_id,
	   int64_t now_ms)
{
	const struct conv_result *r = o->res;
	return db_exec(db, a,
		       "UPDATE flow_runs SET status = ?, finished_at = FROM_UNIXTIME(? / 1000), records_in = ?,"
		       " records_out = ?, records_failed = ?, rows_out = ?, chars_unencodable = ?, file_id = NULLIF(?, 0),"
		       " delivery_status = ?, delivery_message = ?, error = ?, lease_owner = NULL WHERE id = ?",
		       "siiiiiiisssi", o->status, now_ms, r ? r->records_in : 0, r ? r->records_out : 0,
		       r ? r->records_failed : 0, r ? r->rows_out : 0, r ? r->unencodable : 0, file_id,
		       o->delivery_status ? o->delivery_status : "none", clip(a, o->delivery_message, MESSAGE_MAX),
		       clip(a, o->error, MESSAGE_MAX), run_id);
}

/* update_flow: release the lease, clear the request served, schedule the next run. */
static int
update_flow(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, uint64_t run_id,
	    const struct run_kind *k, const struct dbq_flow_outcome *o)
{
	bool failed = strcmp(o->status, "failed") == 0;
	if (strcmp(k->trigger, "resend_run") == 0)
		return db_exec(db, a,
			       "UPDATE flows SET lease_owner = NULL, lease_until = NULL, last_run_id = ?,"
			       " resend_run_id = IF(resend_run_id = ?, NULL, resend_run_id) WHERE id = ? AND tenant_id = ?",
			       "iiii", run_id, k->resend_of, flow_id, tenant_id);
	unsigned served = strcmp(k->trigger, "manual") == 0		 ? DBQ_FLOWS_REQ_RUN
			  : strcmp(k->trigger, "resend_record") == 0 ? DBQ_FLOWS_REQ_RECORDS
								     : 0;
	return db_exec(db, a,
		       "UPDATE flows SET lease_owner = NULL, lease_until = NULL, last_run_id = ?,"
		       " run_requested = IF(run_requested = ?, 0, run_requested),"
		       " next_run_at = IF(paused = 1 OR ? = 0, NULL, FROM_UNIXTIME(?)),"
		       " consecutive_failures = IF(?, consecutive_failures + 1, 0) WHERE id = ? AND tenant_id = ?",
		       "iiiiiii", run_id, served, o->next_run_at, o->next_run_at, failed, flow_id, tenant_id);
}

int
dbq_flows_run_finish(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id,
		     uint64_t flow_id, uint64_t run_id, const char *owner, const struct dbq_flow_outcome *o)
{
	if (o == NULL || o->status == NULL || owner == NULL)
		return -ERR_INVALID;
	int64_t now_ms = clock_now_ms(), now = now_ms / 1000;
	struct sealed_file f = { 0 };
	bool has_file = o->file_name != NULL && o->res != NULL;
	int rc = has_file ? seal_file(a, key, tenant_id, o->res, &f) : 0;
	if (rc != 0)
		return rc;
	if ((rc = db_begin(db)) != 0)
		return rc;
	struct run_kind k;
	rc = lock_flow(db, a, tenant_id, flow_id, owner);
	if (rc == 0)
		rc = running(db, a, tenant_id, flow_id, run_id, &k);
	if (rc == 0 && has_file)
		rc = db_exec(db, a,
			     "INSERT INTO flow_files (id, tenant_id, flow_id, run_id, file_name, content_type, size_bytes,"
			     " sha256, content_enc, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
			     " FROM_UNIXTIME(?), FROM_UNIXTIME(?) + INTERVAL ? DAY)",
			     "iiiissibbiii", f.id, tenant_id, flow_id, run_id, clip(a, o->file_name, 255),
			     o->content_type ? o->content_type : "text/csv", f.len, f.sha, (size_t)sizeof f.sha, f.enc,
			     f.enc_len, now, now, o->keep_days ? o->keep_days : 30u);
	struct book b = { a, tenant_id, flow_id, run_id, o->res, now };
	if (rc == 0 && o->res != NULL)
		rc = put_issues(db, &b);
	if (rc == 0 && o->write_ledger && o->res != NULL)
		rc = put_ledger(db, &b);
	if (rc == 0)
		rc = update_run(db, a, run_id, o, f.id, now_ms);
	if (rc == 0)
		rc = update_flow(db, a, tenant_id, flow_id, run_id, &k, o);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* --- history ----------------------------------------------------------------- */

#define RUN_COLS                                                                                            \
	"r.id, r.flow_id, r.trigger_kind, IFNULL(r.resend_of_run_id, 0), r.template_version, r.status, "      \
	MS("r.started_at") ", " MS("r.finished_at") ", r.records_in, r.records_out, r.records_failed,"       \
	" r.rows_out, r.chars_unencodable, IFNULL(fl.id, 0), fl.file_name, IFNULL(fl.size_bytes, 0),"        \
	" r.delivery_status, r.delivery_message, r.error FROM flow_runs r"                                   \
	" LEFT JOIN flow_files fl ON fl.id = r.file_id AND fl.tenant_id = r.tenant_id"                       \
	" AND fl.expires_at > FROM_UNIXTIME(?)"


static int
run_row(const struct db_rows *rows, size_t r, struct dbq_flow_run *o)
{
	int64_t v[16];
	for (size_t c = 0; c < 16; c++)
		if (c != 2 && c != 5 && c != 14 && db_i64(rows, r, c, &v[c]) != 0)
			return -ERR_DB;
	*o = (struct dbq_flow_run){
		.id = (uint64_t)v[0],
		.flow_id = (uint64_t)v[1],
		.trigger_kind = db_str(rows, r, 2),
		.resend_of_run_id = (uint64_t)v[3],
		.template_version = (unsigned)v[4],
		.status = db_str(rows, r, 5),
		.started_at_ms = v[6],
		.finished_at_ms = v[7],
		.records_in = (unsigned)v[8],
		.records_out = (unsigned)v[9],
		.records_failed = (unsigned)v[10],
		.rows_out = (unsigned)v[11],
		.chars_unencodable = (unsigned)v[12],
		.file_id = (uint64_t)v[13],
		.file_name = db_str(rows, r, 14),
		.file_size = (unsigned)v[15],
		.delivery_status = db_str(rows, r, 16),
		.delivery_message = db_str(rows, r, 17),
		.error = db_str(rows, r, 18),
	};
	return o->trigger_kind && o->status && o->delivery_status ? 0 : -ERR_DB;
}

int
dbq_flows_runs(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, size_t limit,
	       struct dbq_flow_run **out, size_t *n)
{
	*out = arena_calloc(a, 1, sizeof **out);
	*n = 0;
	if (limit == 0 || limit > 1000)
		return -ERR_INVALID;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " RUN_COLS " WHERE r.tenant_id = ? AND r.flow_id = ?"
			  " ORDER BY r.started_at DESC, r.id LIMIT ?",
			  "iiii", (int64_t)clock_now(), tenant_id, flow_id, limit);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct dbq_flow_run *runs = arena_calloc(a, count + 1, sizeof *runs);
	for (size_t i = 0; i < count; i++)
		if ((rc = run_row(rows, i, &runs[i])) != 0)
			return rc;
	*out = runs;
	*n = count;
	return 0;
}

int
dbq_flows_run_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id, struct dbq_flow_run *out,
		  struct dbq_flow_issue **issues, size_t *nissues)
{
	*issues = arena_calloc(a, 1, sizeof **issues);
	*nissues = 0;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " RUN_COLS " WHERE r.id = ? AND r.tenant_id = ?", "iii",
			  (int64_t)clock_now(), run_id, tenant_id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	if ((rc = run_row(rows, 0, out)) != 0)
		return rc;
	rc = db_query(db, a, &rows,
		      "SELECT kind, IFNULL(record_id, 0), record_label, column_name, IFNULL(codepoint, 0), action, message"
		      " FROM flow_run_issues WHERE tenant_id = ? AND run_id = ? ORDER BY seq LIMIT ?",
		      "iii", tenant_id, run_id, ISSUES_MAX);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct dbq_flow_issue *is = arena_calloc(a, count + 1, sizeof *is);
	for (size_t i = 0; i < count; i++) {
		int64_t rid, cp;
		if (db_i64(rows, i, 1, &rid) != 0 || db_i64(rows, i, 4, &cp) != 0)
			return -ERR_DB;
		is[i] = (struct dbq_flow_issue){
			.kind = db_str(rows, i, 0),
			.record_id = (uint64_t)rid,
			.record_label = db_str(rows, i, 2),
			.column_name = db_str(rows, i, 3),
			.codepoint = (uint32_t)cp,
			.action = db_str(rows, i, 5),
			.message = db_str(rows, i, 6),
		};
	}
	*issues = is;
	*nissues = count;
	return 0;
}

int
dbq_flows_run_records(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id, size_t limit,
		      struct dbq_flow_record **out, size_t *n, size_t *total)
{
	*out = arena_calloc(a, 1, sizeof **out);
	*n = *total = 0;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT COUNT(*) FROM flow_ledger WHERE tenant_id = ? AND run_id = ?", "ii",
			  tenant_id, run_id);
	int64_t count = 0;
	if (rc != 0 || db_i64(rows, 0, 0, &count) != 0)
		return rc != 0 ? rc : -ERR_DB;
	rc = db_query(db, a, &rows,
		      "SELECT l.record_id, COALESCE(o.order_number, p.sku, s.external_id, '') FROM flow_ledger l"
		      " LEFT JOIN orders o ON o.id = l.record_id AND o.tenant_id = l.tenant_id"
		      " LEFT JOIN products p ON p.id = l.record_id AND p.tenant_id = l.tenant_id"
		      " LEFT JOIN shipments s ON s.id = l.record_id AND s.tenant_id = l.tenant_id"
		      " WHERE l.tenant_id = ? AND l.run_id = ? ORDER BY 2, 1 LIMIT ?",
		      "iii", tenant_id, run_id, limit);
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct dbq_flow_record *recs = arena_calloc(a, k + 1, sizeof *recs);
	for (size_t i = 0; i < k; i++) {
		int64_t id;
		if (db_i64(rows, i, 0, &id) != 0)
			return -ERR_DB;
		recs[i].id = (uint64_t)id;
		recs[i].label = db_str(rows, i, 1);
	}
	*out = recs;
	*n = k;
	*total = (size_t)count;
	return 0;
}

/* --- files ------------------------------------------------------------------- */

int
dbq_flows_file(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id, uint64_t file_id,
	       const char **name, const char **content_type, char **bytes, size_t *len)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT file_name, content_type, size_bytes, content_enc FROM flow_files"
			  " WHERE id = ? AND tenant_id = ? AND expires_at > FROM_UNIXTIME(?)",
			  "iii", file_id, tenant_id, (int64_t)clock_now());
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	int64_t size;
	const struct db_cell *ct = db_cell(rows, 0, 3);
	if (db_i64(rows, 0, 2, &size) != 0 || size < 0 || ct == NULL || ct->is_null)
		return -ERR_DB;
	struct seal_aad x = file_aad(tenant_id, file_id);
	if ((rc = dbq_payload_open_at(a, key, &x, DBQ_FLOWS_FILE_MAX, (const unsigned char *)ct->val, ct->len,
				      (size_t)size, bytes, len)) != 0)
		return rc;
	*name = db_str(rows, 0, 0);
	*content_type = db_str(rows, 0, 1);
	return 0;
}

int
dbq_flows_purge(struct db *db, size_t limit, size_t *deleted)
{
	*deleted = 0;
	struct arena *a = arena_new(0);
	int rc = db_exec(db, a, "DELETE FROM flow_files WHERE expires_at <= FROM_UNIXTIME(?) ORDER BY expires_at LIMIT ?",
			 "ii", (int64_t)clock_now(), limit);
	if (rc == 0)
		*deleted = (size_t)db_affected(db);
	arena_free(a);
	return rc;
}
