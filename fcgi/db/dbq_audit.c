/* dbq_audit.c: the append-only, per-tenant hash-chained audit log (append, list, verify). */
#include "dbq_audit.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#define AUDIT_PAGE 1000

static bool
action_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 48)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '.'))
			return false;
	return true;
}

static bool
detail_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > 400)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '@')
			return false;
	return true;
}

static void
put_field(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:", strlen(s));
	buf_puts(b, s);
	buf_putc(b, '\n');
}

static void
put_id(struct buf *b, uint64_t id)
{
	char tmp[24] = "";
	if (id != 0)
		snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)id);
	put_field(b, tmp);
}

/* The hash of an entry; at is the stored text "YYYY-MM-DD HH:MM:SS.mmm". */
static void
entry_hash(struct arena *a, const unsigned char prev[32], uint64_t tenant_id, const char *at,
	   uint64_t actor, const char *action, uint64_t target, const char *detail,
	   unsigned char out[32])
{
	struct buf b;
	buf_init(&b, a, 256);
	buf_append(&b, prev, 32);
	buf_puts(&b, "ecc-audit-v1\n");
	put_id(&b, tenant_id);
	put_field(&b, at);
	put_id(&b, actor);
	put_field(&b, action);
	put_id(&b, target);
	put_field(&b, detail);
	unsigned int len = 32;
	EVP_Digest(b.data, b.len, out, &len, EVP_sha256(), NULL);
}

static void
utc_text(int64_t ms, char out[64])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static int
lock_chain(struct db *db, struct arena *a, const char *name)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT GET_LOCK(?, 10)", "s", name);
	if (rc != 0)
		return rc;
	const char *v = db_str(rows, 0, 0);
	return v != NULL && strcmp(v, "1") == 0 ? 0 : -ERR_TIMEOUT;
}

int
dbq_audit_append(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t actor_user_id,
		 const char *action, uint64_t target_user_id, const char *detail)
{
	if (detail == NULL)
		detail = "";
	if (!action_ok(action) || !detail_ok(detail))
		return -ERR_INVALID;
	char lock[48];
	snprintf(lock, sizeof lock, "ecc_audit_%llu", (unsigned long long)tenant_id);
	int rc = lock_chain(db, a, lock);
	if (rc != 0)
		return rc;
	struct db_rows *rows;
	unsigned char prev[32] = { 0 }, hash[32];
	char at[64];
	if ((rc = db_begin(db)) != 0)
		goto out;
	rc = db_query(db, a, &rows,
		      "SELECT hash FROM audit_log WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1 FOR UPDATE",
		      "i", tenant_id);
	if (rc == 0 && db_rows_count(rows) == 1) {
		const struct db_cell *c = db_cell(rows, 0, 0);
		if (c == NULL || c->is_null || c->len != 32)
			rc = -ERR_DB;
		else
			memcpy(prev, c->val, 32);
	}
	if (rc == 0) {
		utc_text(clock_now_ms(), at);
		entry_hash(a, prev, tenant_id, at, actor_user_id, action, target_user_id, detail, hash);
		rc = db_exec(db, a,
			     "INSERT INTO audit_log (tenant_id, at, actor_user_id, action, target_user_id,"
			     " detail, prev_hash, hash) VALUES (?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?, ?)",
			     "isisisbb", tenant_id, at, actor_user_id, action, target_user_id, detail,
			     prev, (size_t)32, hash, (size_t)32);
	}
	if (rc != 0)
		db_rollback(db);
	else
		rc = db_commit(db);
out:
	db_exec(db, a, "SELECT RELEASE_LOCK(?)", "s", lock);
	return rc;
}

int
dbq_audit_jst_day(const char *date, int64_t *start_ms)
{
	int y, m, d;
	char tail;
	if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -ERR_INVALID;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return -ERR_INVALID;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return -ERR_INVALID;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	*start_ms = ((int64_t)timegm(&tm) - 9 * 3600) * 1000;
	return 0;
}

int
dbq_audit_list(struct db *db, struct arena *a, uint64_t tenant_id, const struct audit_filter *f,
	       size_t offset, size_t limit, struct audit_entry **out, size_t *n, size_t *total)
{
	int64_t from = 0, to = 2145916800000LL; /* 2038-01-01: FROM_UNIXTIME range */
	const char *action = f && f->action && *f->action ? f->action : NULL;
	if (limit == 0 || limit > 500)
		return -ERR_INVALID;
	if (f && f->from_jst && *f->from_jst && dbq_audit_jst_day(f->from_jst, &from) != 0)
		return -ERR_INVALID;
	if (f && f->to_jst && *f->to_jst) {
		if (dbq_audit_jst_day(f->to_jst, &to) != 0)
			return -ERR_INVALID;
		to += 86400 * 1000LL;
	}
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND (? IS NULL OR action = ?)"
			  " AND at >= FROM_UNIXTIME(? / 1000) AND at < FROM_UNIXTIME(? / 1000)",
			  "issii", tenant_id, action, action, from, to);
	int64_t count;
	if (rc != 0)
		return rc;
	if (db_i64(rows, 0, 0, &count) != 0)
		return -ERR_DB;
	rc = db_query(db, a, &rows,
		      "SELECT seq, ROUND(UNIX_TIMESTAMP(at) * 1000), IFNULL(actor_user_id, 0), action,"
		      " IFNULL(target_user_id, 0), detail FROM audit_log WHERE tenant_id = ?"
		      " AND (? IS NULL OR action = ?) AND at >= FROM_UNIXTIME(? / 1000)"
		      " AND at < FROM_UNIXTIME(? / 1000) ORDER BY seq DESC LIMIT ? OFFSET ?",
		      "issiiii", tenant_id, action, action, from, to, limit, offset);
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct audit_entry *es = arena_calloc(a, k ? k : 1, sizeof *es);
	for (size_t i = 0; i < k; i++) {
		int64_t seq, at, actor, target;
		if (db_i64(rows, i, 0, &seq) || db_i64(rows, i, 1, &at) || db_i64(rows, i, 2, &actor) ||
		    db_i64(rows, i, 4, &target))
			return -ERR_DB;
		es[i] = (struct audit_entry){ .seq = (uint64_t)seq, .tenant_id = tenant_id, .at_ms = at,
					      .actor_user_id = (uint64_t)actor,
					      .action = db_str(rows, i, 3),
					      .target_user_id = (uint64_t)target,
					      .detail = db_str(rows, i, 5) };
	}
	*out = es;
	*n = k;
	if (total != NULL)
		*total = (size_t)count;
	return 0;
}

int
dbq_audit_verify(struct db *db, struct arena *a, uint64_t tenant_id, struct buf *report,
		 size_t *checked)
{
	unsigned char expect_prev[32] = { 0 };
	uint64_t after = 0;
	size_t walked = 0;
	bool broken = false;
	for (;;) {
		struct db_rows *rows;
		int rc = db_query(db, a, &rows,
				  "SELECT seq, LEFT(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), 23),"
				  " IFNULL(actor_user_id, 0), action, IFNULL(target_user_id, 0), detail,"
				  " prev_hash, hash FROM audit_log WHERE tenant_id = ? AND seq > ?"
				  " ORDER BY seq LIMIT ?", "iii", tenant_id, after, AUDIT_PAGE);
		if (rc != 0)
			return rc;
		size_t k = db_rows_count(rows);
		for (size_t i = 0; i < k; i++) {
			int64_t seq, actor, target;
			const struct db_cell *prev = db_cell(rows, i, 6), *hash = db_cell(rows, i, 7);
			if (db_i64(rows, i, 0, &seq) || db_i64(rows, i, 2, &actor) ||
			    db_i64(rows, i, 4, &target) || prev->len != 32 || hash->len != 32)
				return -ERR_DB;
			if (memcmp(prev->val, expect_prev, 32) != 0) {
				buf_printf(report, "tenant %llu seq %lld: broken link (previous entry"
					   " removed or reordered)\n", (unsigned long long)tenant_id,
					   (long long)seq);
				broken = true;
			}
			unsigned char h[32];
			entry_hash(a, (const unsigned char *)prev->val, tenant_id, db_str(rows, i, 1),
				   (uint64_t)actor, db_str(rows, i, 3), (uint64_t)target,
				   db_str(rows, i, 5), h);
			if (memcmp(h, hash->val, 32) != 0) {
				buf_printf(report, "tenant %llu seq %lld: altered (hash mismatch)\n",
					   (unsigned long long)tenant_id, (long long)seq);
				broken = true;
			}
			/* continue from the stored hash so one bad entry is reported once */
			memcpy(expect_prev, hash->val, 32);
			after = (uint64_t)seq;
			walked++;
		}
		if (k < AUDIT_PAGE)
			break;
	}
	if (checked != NULL)
		*checked = walked;
	return broken ? -ERR_CONFLICT : 0;
}

int
dbq_audit_tenants(struct db *db, struct arena *a, uint64_t **ids, size_t *n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT DISTINCT tenant_id FROM audit_log ORDER BY tenant_id", "");
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	uint64_t *v = arena_calloc(a, k ? k : 1, sizeof *v);
	for (size_t i = 0; i < k; i++) {
		int64_t x;
		if (db_i64(rows, i, 0, &x) != 0)
			return -ERR_DB;
		v[i] = (uint64_t)x;
	}
	*ids = v;
	*n = k;
	return 0;
}
