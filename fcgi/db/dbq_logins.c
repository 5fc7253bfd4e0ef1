/* dbq_logins.c: the login history every tenant's admins can see and export (IP and UA encrypted). */
#include "dbq_logins.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/dbq_audit.h"
#include "db/db.h"

static bool
category_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int
seal_opt(struct arena *a, const unsigned char *key, uint64_t tenant_id, const char *column,
	 uint64_t id, const char *s, size_t n, unsigned char **ct, size_t *len)
{
	*ct = NULL;
	*len = 0;
	if (s == NULL)
		return 0;
	struct seal_aad x = { tenant_id, "login_history", column, id };
	return seal_encrypt(a, key, &x, s, n, ct, len);
}

int
dbq_logins_append(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		  uint64_t user_id, bool success, const char *reason, const char *factor,
		  const char *ip, const char *ua)
{
	if (!category_ok(reason, 32) || !category_ok(factor, 16) || (ip && strlen(ip) > 64))
		return -ERR_INVALID;
	size_t ualen = ua ? strlen(ua) : 0;
	if (ualen > 1000) {
		ualen = 1000;
		while (ualen > 0 && ((unsigned char)ua[ualen] & 0xC0) == 0x80)
			ualen--;
	}
	uint64_t id = token_random_id();
	unsigned char *ipc, *uac;
	size_t ipl, ual;
	int rc = seal_opt(a, key, tenant_id, "ip_enc", id, ip, ip ? strlen(ip) : 0, &ipc, &ipl);
	if (rc == 0)
		rc = seal_opt(a, key, tenant_id, "ua_enc", id, ua, ualen, &uac, &ual);
	if (rc != 0)
		return rc;
	return db_exec(db, a,
		       "INSERT INTO login_history (id, tenant_id, user_id, at, result, reason, factor,"
		       " ip_enc, ua_enc) VALUES (?, ?, NULLIF(?, 0), FROM_UNIXTIME(? / 1000), ?, ?, ?, ?, ?)",
		       "iiiisssbb", id, tenant_id, user_id, clock_now_ms(),
		       success ? "success" : "failure", reason, factor, ipc, ipl, uac, ual);
}

static int
open_opt(struct arena *a, const unsigned char *key, uint64_t tenant_id, const char *column,
	 uint64_t id, const struct db_cell *c, const char **out)
{
	*out = "";
	if (c == NULL || c->is_null)
		return 0;
	struct seal_aad x = { tenant_id, "login_history", column, id };
	char *pt;
	size_t n;
	int rc = seal_decrypt(a, key, &x, (const unsigned char *)c->val, c->len, &pt, &n);
	if (rc == 0)
		*out = pt;
	return rc;
}

int
dbq_logins_list(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		const struct login_filter *f, size_t offset, size_t limit, struct login_entry **out,
		size_t *n, size_t *total)
{
	struct login_filter none = { 0 };
	if (f == NULL)
		f = &none;
	int64_t from = 0, to = 2145916800000LL; /* 2038-01-01: FROM_UNIXTIME range */
	if (limit == 0 || limit > 10000 || f->result < 0 || f->result > 2)
		return -ERR_INVALID;
	if (f->from_jst && *f->from_jst && dbq_audit_jst_day(f->from_jst, &from) != 0)
		return -ERR_INVALID;
	if (f->to_jst && *f->to_jst) {
		if (dbq_audit_jst_day(f->to_jst, &to) != 0)
			return -ERR_INVALID;
		to += 86400 * 1000LL;
	}
	const char *result = f->result == 1 ? "success" : f->result == 2 ? "failure" : NULL;
#define LOGIN_WHERE \
	" FROM login_history WHERE tenant_id = ? AND (? = 0 OR user_id = ?) AND (? IS NULL OR result = ?)" \
	" AND at >= FROM_UNIXTIME(? / 1000) AND at < FROM_UNIXTIME(? / 1000)"
	struct db_rows *rows;
	int64_t count;
	int rc = db_query(db, a, &rows, "SELECT COUNT(*)" LOGIN_WHERE, "iiissii", tenant_id,
			  f->user_id, f->user_id, result, result, from, to);
	if (rc != 0)
		return rc;
	if (db_i64(rows, 0, 0, &count) != 0)
		return -ERR_DB;
	rc = db_query(db, a, &rows,
		      "SELECT id, IFNULL(user_id, 0), ROUND(UNIX_TIMESTAMP(at) * 1000), result, reason,"
		      " factor, ip_enc, ua_enc" LOGIN_WHERE " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
		      "iiissiiii", tenant_id, f->user_id, f->user_id, result, result, from, to, limit,
		      offset);
#undef LOGIN_WHERE
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct login_entry *es = arena_calloc(a, k ? k : 1, sizeof *es);
	for (size_t i = 0; i < k; i++) {
		int64_t id, uid, at;
		if (db_i64(rows, i, 0, &id) || db_i64(rows, i, 1, &uid) || db_i64(rows, i, 2, &at))
			return -ERR_DB;
		struct login_entry *e = &es[i];
		e->id = (uint64_t)id;
		e->user_id = (uint64_t)uid;
		e->at_ms = at;
		e->success = strcmp(db_str(rows, i, 3), "success") == 0;
		e->reason = db_str(rows, i, 4);
		e->factor = db_str(rows, i, 5);
		if (open_opt(a, key, tenant_id, "ip_enc", e->id, db_cell(rows, i, 6), &e->ip) != 0 ||
		    open_opt(a, key, tenant_id, "ua_enc", e->id, db_cell(rows, i, 7), &e->ua) != 0)
			return -ERR_INVALID;
	}
	*out = es;
	*n = k;
	if (total != NULL)
		*total = (size_t)count;
	return 0;
}

int
dbq_logins_list_user(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		     uint64_t user_id, size_t offset, size_t limit, struct login_entry **out,
		     size_t *n, size_t *total)
{
	if (user_id == 0)
		return -ERR_INVALID;
	struct login_filter f = { .user_id = user_id };
	return dbq_logins_list(db, a, tenant_id, key, &f, offset, limit, out, n, total);
}
