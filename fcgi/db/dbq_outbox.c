/* dbq_outbox.c: SQL for the mail outbox: sealed enqueue, leased claiming of due mail, sent/retry/failed marks. */
#include "dbq_outbox.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"

#define LAST_ERROR_MAX 300

static const char *const columns[3] = { "to_enc", "subject_enc", "body_enc" };

long
dbq_outbox_backoff(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	if (attempts > 7)
		return 3600;
	long s = 60L << (attempts - 1);
	return s > 3600 ? 3600 : s;
}

int
dbq_outbox_enqueue(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char key[32],
		   const char *to, const char *subject, const char *body)
{
	if (db == NULL || key == NULL || to == NULL || subject == NULL || body == NULL)
		return -ERR_INVALID;
	const char *pt[3] = { to, subject, body };
	int rc = -ERR_CONFLICT;
	for (int attempt = 0; attempt < 2 && rc == -ERR_CONFLICT; attempt++) {
		uint64_t id = token_random_id();
		unsigned char *ct[3];
		size_t ctlen[3];
		for (int i = 0; i < 3; i++) {
			struct seal_aad aad = { tenant_id, "mail_outbox", columns[i], id };
			if ((rc = seal_encrypt(a, key, &aad, pt[i], strlen(pt[i]), &ct[i], &ctlen[i])) != 0)
				return -ERR_INVALID;
		}
		long long now = (long long)clock_now();
		rc = db_exec(db, a,
			     "INSERT INTO mail_outbox (id, tenant_id, to_enc, subject_enc, body_enc, status,"
			     " attempts, next_attempt_at, created_at)"
			     " VALUES (?, ?, ?, ?, ?, 'queued', 0, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
			     "iibbbii", id, tenant_id, ct[0], ctlen[0], ct[1], ctlen[1], ct[2], ctlen[2],
			     now, now);
	}
	if (rc == 0)
		log_event(LOG_INFO, "mail_queued", LOG_I("tenant_id", (int64_t)tenant_id));
	return rc;
}

int
dbq_outbox_claim_due(struct db *db, struct arena *a, time_t now, int max, struct outbox_row **out,
		     size_t *n)
{
	*out = NULL;
	*n = 0;
	if (max < 1)
		return 0;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	struct db_rows *rows;
	rc = db_query(db, a, &rows,
		      "SELECT id, tenant_id, to_enc, subject_enc, body_enc, attempts,"
		      " UNIX_TIMESTAMP(created_at) FROM mail_outbox"
		      " WHERE status = 'queued' AND next_attempt_at <= FROM_UNIXTIME(?)"
		      " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
		      "ii", (long long)now, max);
	size_t count = rc == 0 ? db_rows_count(rows) : 0;
	struct outbox_row *r = arena_calloc(a, count ? count : 1, sizeof *r);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		int64_t id, tid, att, created;
		if (db_i64(rows, i, 0, &id) != 0 || db_i64(rows, i, 1, &tid) != 0 ||
		    db_i64(rows, i, 5, &att) != 0 || db_i64(rows, i, 6, &created) != 0) {
			rc = -ERR_DB;
			break;
		}
		r[i].id = (uint64_t)id;
		r[i].tenant_id = (uint64_t)tid;
		r[i].attempts = (int)att;
		r[i].created_at = (time_t)created;
		const struct db_cell *c[3] = { db_cell(rows, i, 2), db_cell(rows, i, 3),
					       db_cell(rows, i, 4) };
		r[i].to_enc = (const unsigned char *)c[0]->val;
		r[i].to_len = c[0]->len;
		r[i].subject_enc = (const unsigned char *)c[1]->val;
		r[i].subject_len = c[1]->len;
		r[i].body_enc = (const unsigned char *)c[2]->val;
		r[i].body_len = c[2]->len;
		rc = db_exec(db, a,
			     "UPDATE mail_outbox SET next_attempt_at = FROM_UNIXTIME(?) WHERE id = ?",
			     "ii", (long long)now + OUTBOX_LEASE_S, r[i].id);
	}
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != 0)
		return rc;
	*out = r;
	*n = count;
	return 0;
}

int
dbq_outbox_open(struct arena *a, const unsigned char key[32], const struct outbox_row *r,
		const char **to, const char **subject, const char **body)
{
	const unsigned char *ct[3] = { r->to_enc, r->subject_enc, r->body_enc };
	size_t n[3] = { r->to_len, r->subject_len, r->body_len };
	char *pt[3];
	for (int i = 0; i < 3; i++) {
		struct seal_aad aad = { r->tenant_id, "mail_outbox", columns[i], r->id };
		size_t len;
		if (ct[i] == NULL || seal_decrypt(a, key, &aad, ct[i], n[i], &pt[i], &len) != 0)
			return -ERR_INVALID;
	}
	*to = pt[0];
	*subject = pt[1];
	*body = pt[2];
	return 0;
}

int
dbq_outbox_tenant_key(struct db *db, struct arena *a, uint64_t tenant_id, unsigned char key[32])
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT dek_wrapped FROM tenants WHERE id = ?", "i",
			  tenant_id);
	if (rc != 0)
		return rc;
	const struct db_cell *c = db_cell(rows, 0, 0);
	if (c == NULL || c->is_null)
		return -ERR_NOT_FOUND;
	if (keyring_unwrap(tenant_id, (const unsigned char *)c->val, c->len, key) != 0)
		return -ERR_INVALID;
	return 0;
}

int
dbq_outbox_mark_sent(struct db *db, struct arena *a, uint64_t id, time_t now)
{
	int rc = db_exec(db, a,
			 "UPDATE mail_outbox SET status = 'sent', sent_at = FROM_UNIXTIME(?),"
			 " attempts = attempts + 1, last_error = '' WHERE id = ? AND status = 'queued'",
			 "ii", (long long)now, id);
	if (rc == 0 && db_affected(db) == 0)
		return -ERR_NOT_FOUND;
	return rc;
}

int
dbq_outbox_mark_failed(struct db *db, struct arena *a, const struct outbox_row *r, time_t now,
		       bool permanent, const char *error, bool *gave_up)
{
	int attempts = r->attempts + 1;
	long wait = dbq_outbox_backoff(attempts);
	*gave_up = (permanent && attempts >= OUTBOX_PERMANENT_ATTEMPTS) ||
		   now + wait > r->created_at + OUTBOX_GIVE_UP_S;
	char msg[LAST_ERROR_MAX + 1];
	size_t k = error != NULL ? strnlen(error, LAST_ERROR_MAX) : 0;
	/* cut on a UTF-8 character boundary */
	if (k == LAST_ERROR_MAX)
		while (k > 0 && ((unsigned char)error[k] & 0xC0) == 0x80)
			k--;
	if (k > 0)
		memcpy(msg, error, k);
	msg[k] = '\0';
	int rc = db_exec(db, a,
			 "UPDATE mail_outbox SET attempts = ?, last_error = ?,"
			 " status = IF(?, 'failed', 'queued'), next_attempt_at = FROM_UNIXTIME(?)"
			 " WHERE id = ? AND status = 'queued' AND attempts = ?",
			 "isiiii", attempts, msg, (int)*gave_up, (long long)now + wait, r->id,
			 r->attempts);
	if (rc == 0 && db_affected(db) == 0)
		return -ERR_NOT_FOUND;
	if (rc == 0 && *gave_up)
		log_event(LOG_WARN, "mail_failed", LOG_I("tenant_id", (int64_t)r->tenant_id),
			  LOG_I("mail_id", (int64_t)r->id), LOG_I("attempts", attempts),
			  LOG_S("error", msg));
	return rc;
}
