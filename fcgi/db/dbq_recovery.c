/* dbq_recovery.c: SQL for recovery codes (stored only as SHA-256 hashes, each usable once). */
#include "dbq_recovery.h"

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

int
dbq_recovery_replace(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		     const unsigned char (*hashes)[32], size_t n)
{
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = db_exec(db, a, "DELETE FROM recovery_codes WHERE tenant_id = ? AND user_id = ?", "ii",
		     tenant_id, user_id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = db_exec(db, a,
			     "INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES (?, ?, ?)",
			     "iib", tenant_id, user_id, hashes[i], (size_t)32);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int
dbq_recovery_use(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		 const unsigned char hash[32])
{
	int rc = db_exec(db, a,
			 "UPDATE recovery_codes SET used_at = FROM_UNIXTIME(?)"
			 " WHERE tenant_id = ? AND user_id = ? AND code_hash = ? AND used_at IS NULL",
			 "iiib", (int64_t)clock_now(), tenant_id, user_id, hash, (size_t)32);
	if (rc != 0)
		return rc;
	return db_affected(db) == 1 ? 0 : -ERR_NOT_FOUND;
}

int
dbq_recovery_remaining(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		       int64_t *n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT COUNT(*) FROM recovery_codes"
			  " WHERE tenant_id = ? AND user_id = ? AND used_at IS NULL",
			  "ii", tenant_id, user_id);
	if (rc != 0)
		return rc;
	return db_i64(rows, 0, 0, n);
}
