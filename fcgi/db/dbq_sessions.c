/* dbq_sessions.c: SQL for server-side sessions (looked up only by the SHA-256 of their id). */
#include "dbq_sessions.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crypto/seal.h"
#include "db/db.h"

static int64_t
num(const struct db_rows *rows, size_t c)
{
	int64_t v = 0;
	const struct db_cell *cell = db_cell(rows, 0, c);
	if (cell == NULL || cell->is_null || db_i64(rows, 0, c, &v) != 0)
		return 0;
	return v;
}

int
dbq_sessions_get(struct db *db, struct arena *a, const unsigned char id_hash[32],
		 struct dbq_session_row *out)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT s.tenant_id, s.user_id, s.state + 0,"
			  " FLOOR(UNIX_TIMESTAMP(s.created_at)), FLOOR(UNIX_TIMESTAMP(s.last_seen_at)),"
			  " FLOOR(UNIX_TIMESTAMP(s.expires_at)), FLOOR(UNIX_TIMESTAMP(s.authenticated_at)),"
			  " u.role, u.status, u.lang, u.restrict_connections,"
			  " t.code, t.name, t.status, t.dek_wrapped,"
			  " t.session_idle_minutes, t.session_absolute_hours, s.code_failures"
			  " FROM sessions s"
			  " JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id"
			  " JOIN tenants t ON t.id = s.tenant_id"
			  " WHERE s.id_hash = ?",
			  "b", id_hash, (size_t)32);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	memset(out, 0, sizeof *out);
	out->tenant_id = (uint64_t)num(rows, 0);
	out->user_id = (uint64_t)num(rows, 1);
	out->state = (int)num(rows, 2);
	out->created_at = num(rows, 3);
	out->last_seen_at = num(rows, 4);
	out->expires_at = num(rows, 5);
	out->authenticated_at = num(rows, 6);
	out->role = db_str(rows, 0, 7);
	out->user_status = db_str(rows, 0, 8);
	out->lang = db_str(rows, 0, 9);
	out->restrict_connections = (int)num(rows, 10);
	out->tenant_code = db_str(rows, 0, 11);
	out->tenant_name = db_str(rows, 0, 12);
	out->tenant_status = db_str(rows, 0, 13);
	const struct db_cell *dek = db_cell(rows, 0, 14);
	out->dek_wrapped = (const unsigned char *)dek->val;
	out->dek_wrapped_len = dek->len;
	out->idle_minutes = (int)num(rows, 15);
	out->absolute_hours = (int)num(rows, 16);
	out->code_failures = (int)num(rows, 17);
	return 0;
}

int
dbq_sessions_insert(struct db *db, struct arena *a, const unsigned char id_hash[32],
		    uint64_t tenant_id, uint64_t user_id, int state, time_t now, time_t expires,
		    const unsigned char *ip_enc, size_t ip_len, const unsigned char *ua_enc, size_t ua_len)
{
	return db_exec(db, a,
		       "INSERT INTO sessions (id_hash, tenant_id, user_id, state, created_at,"
		       " last_seen_at, expires_at, ip_enc, ua_enc)"
		       " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?)",
		       "biiiiiibb", id_hash, (size_t)32, tenant_id, user_id, state, (int64_t)now,
		       (int64_t)now, (int64_t)expires, ip_enc, ip_len, ua_enc, ua_len);
}

int
dbq_sessions_touch(struct db *db, struct arena *a, const unsigned char id_hash[32], time_t now)
{
	return db_exec(db, a, "UPDATE sessions SET last_seen_at = FROM_UNIXTIME(?) WHERE id_hash = ?",
		       "ib", (int64_t)now, id_hash, (size_t)32);
}

int
dbq_sessions_rekey(struct db *db, struct arena *a, const unsigned char old_hash[32],
		   const unsigned char new_hash[32], int state, time_t now, int set_auth)
{
	int rc = db_exec(db, a,
			 "UPDATE sessions SET id_hash = ?, state = ?, last_seen_at = FROM_UNIXTIME(?),"
			 " code_failures = 0,"
			 " authenticated_at = IF(?, FROM_UNIXTIME(?), authenticated_at)"
			 " WHERE id_hash = ?",
			 "biiiib", new_hash, (size_t)32, state, (int64_t)now, set_auth, (int64_t)now,
			 old_hash, (size_t)32);
	if (rc == 0 && db_affected(db) != 1)
		return -ERR_NOT_FOUND;
	return rc;
}

int
dbq_sessions_mark_authenticated(struct db *db, struct arena *a, const unsigned char id_hash[32],
				time_t now)
{
	return db_exec(db, a, "UPDATE sessions SET authenticated_at = FROM_UNIXTIME(?) WHERE id_hash = ?",
		       "ib", (int64_t)now, id_hash, (size_t)32);
}

int
dbq_sessions_code_failure(struct db *db, struct arena *a, const unsigned char id_hash[32], int *count)
{
	int rc = db_exec(db, a,
			 "UPDATE sessions SET code_failures = code_failures + 1 WHERE id_hash = ?",
			 "b", id_hash, (size_t)32);
	if (rc != 0)
		return rc;
	struct db_rows *rows;
	rc = db_query(db, a, &rows, "SELECT code_failures FROM sessions WHERE id_hash = ?", "b",
		      id_hash, (size_t)32);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	*count = (int)num(rows, 0);
	return 0;
}

int
dbq_sessions_delete(struct db *db, struct arena *a, const unsigned char id_hash[32])
{
	return db_exec(db, a, "DELETE FROM sessions WHERE id_hash = ?", "b", id_hash, (size_t)32);
}

int
dbq_sessions_delete_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			 const unsigned char *except, uint64_t *n)
{
	static const unsigned char none[32];
	int rc = db_exec(db, a,
			 "DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND id_hash <> ?",
			 "iib", tenant_id, user_id, except ? except : none, (size_t)32);
	if (rc == 0 && n != NULL)
		*n = db_affected(db);
	return rc;
}

static const char *
open_col(struct arena *a, const unsigned char *key, uint64_t tenant_id, uint64_t user_id,
	 const char *column, const struct db_cell *c)
{
	if (c == NULL || c->is_null || key == NULL)
		return "";
	struct seal_aad x = { tenant_id, "sessions", column, user_id };
	char *pt;
	size_t n;
	if (seal_decrypt(a, key, &x, (const unsigned char *)c->val, c->len, &pt, &n) != 0)
		return "";
	return pt;
}

static int64_t
num_at(const struct db_rows *rows, size_t r, size_t c)
{
	int64_t v = 0;
	const struct db_cell *cell = db_cell(rows, r, c);
	if (cell == NULL || cell->is_null || db_i64(rows, r, c, &v) != 0)
		return 0;
	return v;
}

int
dbq_sessions_list_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		       const unsigned char *key, struct dbq_session_info **out, size_t *n)
{
	static const char hex[] = "0123456789abcdef";
	struct db_rows *rows;
	*out = NULL;
	*n = 0;
	int rc = db_query(db, a, &rows,
			  "SELECT id_hash, state + 0, FLOOR(UNIX_TIMESTAMP(created_at)),"
			  " FLOOR(UNIX_TIMESTAMP(last_seen_at)), ip_enc, ua_enc"
			  " FROM sessions WHERE tenant_id = ? AND user_id = ?"
			  " ORDER BY last_seen_at DESC LIMIT 100",
			  "ii", tenant_id, user_id);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct dbq_session_info *v = arena_calloc(a, count ? count : 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		const struct db_cell *h = db_cell(rows, i, 0);
		if (h == NULL || h->is_null || h->len != 32)
			continue;
		memcpy(v[k].id_hash, h->val, 32);
		for (size_t j = 0; j < 8; j++) {
			v[k].handle[2 * j] = hex[v[k].id_hash[j] >> 4];
			v[k].handle[2 * j + 1] = hex[v[k].id_hash[j] & 15];
		}
		v[k].handle[16] = '\0';
		v[k].state = (int)num_at(rows, i, 1);
		v[k].created_at = num_at(rows, i, 2);
		v[k].last_seen_at = num_at(rows, i, 3);
		v[k].ip = open_col(a, key, tenant_id, user_id, "ip_enc", db_cell(rows, i, 4));
		v[k].ua = open_col(a, key, tenant_id, user_id, "ua_enc", db_cell(rows, i, 5));
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

int
dbq_sessions_delete_handle(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			   const char *handle)
{
	if (handle == NULL || strlen(handle) != 16 || strspn(handle, "0123456789abcdef") != 16)
		return -ERR_INVALID;
	int rc = db_exec(db, a,
			 "DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?"
			 " AND LOWER(LEFT(HEX(id_hash), 16)) = ?",
			 "iis", tenant_id, user_id, handle);
	if (rc == 0 && db_affected(db) == 0)
		return -ERR_NOT_FOUND;
	return rc;
}
