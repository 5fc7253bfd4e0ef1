/* dbq_tokens.c: single-use links (invitation, password reset), stored only as SHA-256 hashes. */
#include "dbq_tokens.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/token.h"
#include "db/db.h"

static const char *
kind_name(int kind)
{
	return kind == DBQ_TOKEN_INVITE ? "invite" : kind == DBQ_TOKEN_RESET ? "reset" : NULL;
}

int
dbq_tokens_issue(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id, int kind,
		 int ttl_seconds, char **token)
{
	const char *k = kind_name(kind);
	if (k == NULL || ttl_seconds < 1 || ttl_seconds > 72 * 3600)
		return -ERR_INVALID;
	char *t;
	unsigned char hash[TOKEN_HASH_LEN];
	int rc = token_new(a, &t, hash);
	if (rc != 0)
		return rc;
	int64_t now = clock_now();
	if ((rc = db_begin(db)) != 0)
		return rc;
	rc = db_exec(db, a, "DELETE FROM auth_tokens WHERE tenant_id = ? AND user_id = ? AND kind = ?",
		     "iis", tenant_id, user_id, k);
	if (rc == 0)
		rc = db_exec(db, a,
			     "INSERT INTO auth_tokens (token_hash, tenant_id, user_id, kind, expires_at,"
			     " created_at) VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
			     "biisii", hash, (size_t)TOKEN_HASH_LEN, tenant_id, user_id, k,
			     now + ttl_seconds, now);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != 0)
		return rc;
	*token = t;
	return 0;
}

static int
lookup(struct db *db, struct arena *a, const unsigned char *hash, bool live_only, int64_t now,
       uint64_t *tenant_id, uint64_t *user_id, int *kind)
{
	struct db_rows *rows;
	int rc;
	if (live_only)
		rc = db_query(db, a, &rows,
			      "SELECT tenant_id, user_id, kind FROM auth_tokens WHERE token_hash = ?"
			      " AND used_at IS NULL AND expires_at > FROM_UNIXTIME(?)",
			      "bi", hash, (size_t)TOKEN_HASH_LEN, now);
	else
		rc = db_query(db, a, &rows,
			      "SELECT tenant_id, user_id, kind FROM auth_tokens WHERE token_hash = ?",
			      "b", hash, (size_t)TOKEN_HASH_LEN);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	int64_t t, u;
	if (db_i64(rows, 0, 0, &t) != 0 || db_i64(rows, 0, 1, &u) != 0)
		return -ERR_DB;
	const char *k = db_str(rows, 0, 2);
	*tenant_id = (uint64_t)t;
	*user_id = (uint64_t)u;
	*kind = k && strcmp(k, "invite") == 0 ? DBQ_TOKEN_INVITE : DBQ_TOKEN_RESET;
	return 0;
}

int
dbq_tokens_consume(struct db *db, struct arena *a, const char *token, uint64_t *tenant_id,
		   uint64_t *user_id, int *kind)
{
	if (token == NULL || !token_format_ok(token))
		return -ERR_NOT_FOUND;
	unsigned char hash[TOKEN_HASH_LEN];
	token_hash(token, strlen(token), hash);
	int64_t now = clock_now();
	int rc = db_exec(db, a,
			 "UPDATE auth_tokens SET used_at = FROM_UNIXTIME(?) WHERE token_hash = ?"
			 " AND used_at IS NULL AND expires_at > FROM_UNIXTIME(?)",
			 "ibi", now, hash, (size_t)TOKEN_HASH_LEN, now);
	if (rc != 0)
		return rc;
	if (db_affected(db) != 1)
		return -ERR_NOT_FOUND;
	return lookup(db, a, hash, false, now, tenant_id, user_id, kind);
}

int
dbq_tokens_peek(struct db *db, struct arena *a, const char *token, uint64_t *tenant_id,
		uint64_t *user_id, int *kind)
{
	if (token == NULL || !token_format_ok(token))
		return -ERR_NOT_FOUND;
	unsigned char hash[TOKEN_HASH_LEN];
	token_hash(token, strlen(token), hash);
	return lookup(db, a, hash, true, clock_now(), tenant_id, user_id, kind);
}

int
dbq_tokens_revoke_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id)
{
	return db_exec(db, a, "DELETE FROM auth_tokens WHERE tenant_id = ? AND user_id = ?", "ii",
		       tenant_id, user_id);
}
