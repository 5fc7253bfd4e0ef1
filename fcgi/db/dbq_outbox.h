/* dbq_outbox.h: SQL for the mail outbox: sealed enqueue, leased claiming of due mail, sent/retry/failed marks. */
#ifndef ECC_DBQ_OUTBOX_H
#define ECC_DBQ_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"

struct db;

/*
 * Retry policy (mail_run.c applies it through dbq_outbox_mark_failed):
 * after the k-th failed attempt the next one is due dbq_outbox_backoff(k)
 * seconds later: 1, 2, 4, 8 … minutes, capped at 60 minutes. A mail that
 * would still be queued 48 hours after it was enqueued is given up (status
 * failed). A permanent refusal (SMTP 5xx) is retried the same way but at
 * most OUTBOX_PERMANENT_ATTEMPTS times in all, so a fixed misconfiguration
 * still gets it out, and a bad address stops soon.
 * A claimed row is leased: its next_attempt_at moves OUTBOX_LEASE_S into
 * the future inside the claiming transaction, so a second sender running
 * at the same time skips it (SKIP LOCKED while the claim runs, the lease
 * afterwards). A sender that dies mid-send leaves the row to be retried
 * when the lease ends (at-least-once: a crash between the SMTP server's
 * acceptance and the "sent" mark can deliver twice, nothing is lost).
 */
#define OUTBOX_LEASE_S 600
#define OUTBOX_GIVE_UP_S (48 * 3600)
#define OUTBOX_PERMANENT_ATTEMPTS 3

/* One claimed row; the sealed columns as stored (bytes in the claim's arena). */
struct outbox_row {
	uint64_t id;
	uint64_t tenant_id;
	const unsigned char *to_enc, *subject_enc, *body_enc;
	size_t to_len, subject_len, body_len;
	int attempts;        /* failed attempts before this one */
	time_t created_at;   /* UTC epoch seconds */
};

/*
 * dbq_outbox_enqueue: queue one mail for tenant_id: a fresh random 63-bit
 * id, the recipient ("addr" or "Name <addr>"), subject and body sealed with
 * the tenant's data key (SEAL_KEY_LEN bytes) under AAD (tenant, "mail_outbox",
 * column, id), status queued, due now (clock_now). Plaintext is never
 * stored or logged. Returns 0, -ERR_INVALID (NULL argument or sealing
 * failed), or the db_exec error (-ERR_UNAVAILABLE, -ERR_DB; a duplicate id
 * is retried once).
 */
int dbq_outbox_enqueue(struct db *db, struct arena *a, uint64_t tenant_id,
		       const unsigned char key[32], const char *to, const char *subject,
		       const char *body);

/*
 * dbq_outbox_claim_due: in one transaction, SELECT … FOR UPDATE SKIP LOCKED
 * at most max queued rows due at now (oldest due first) and push their
 * next_attempt_at to now + OUTBOX_LEASE_S. *out (in a) holds *n rows.
 * Returns 0 (also with *n == 0), or -ERR_UNAVAILABLE / -ERR_DB (nothing
 * claimed; the transaction is rolled back).
 */
int dbq_outbox_claim_due(struct db *db, struct arena *a, time_t now, int max,
			 struct outbox_row **out, size_t *n);

/*
 * dbq_outbox_open: decrypt a claimed row's recipient, subject and body with
 * the tenant's data key. Strings are NUL-terminated, in a. Returns 0 or
 * -ERR_INVALID (wrong key, tampered or moved ciphertext; logged by seal).
 */
int dbq_outbox_open(struct arena *a, const unsigned char key[32], const struct outbox_row *r,
		    const char **to, const char **subject, const char **body);

/*
 * dbq_outbox_tenant_key: the tenant's data key (SELECT dek_wrapped FROM
 * tenants WHERE id = ?, then keyring_unwrap; the KEK must be loaded).
 * Returns 0, -ERR_NOT_FOUND (no such tenant), -ERR_INVALID (unwrap failed),
 * or a db error.
 */
int dbq_outbox_tenant_key(struct db *db, struct arena *a, uint64_t tenant_id,
			  unsigned char key[32]);

/* dbq_outbox_mark_sent: status sent, sent_at now, attempts + 1, for a row
 * still queued. 0, -ERR_NOT_FOUND (not queued any more) or a db error. */
int dbq_outbox_mark_sent(struct db *db, struct arena *a, uint64_t id, time_t now);

/*
 * dbq_outbox_mark_failed: record a failed attempt on a claimed row:
 * attempts + 1, last_error = error (cut to 300 bytes; must not contain
 * personal data — mail_run passes the SMTP reason only), and either the
 * next attempt at now + dbq_outbox_backoff(attempts) or, by the policy
 * above, status failed (*gave_up = true). Returns 0, -ERR_NOT_FOUND (the
 * row changed meanwhile) or a db error.
 */
int dbq_outbox_mark_failed(struct db *db, struct arena *a, const struct outbox_row *r, time_t now,
			   bool permanent, const char *error, bool *gave_up);

/* dbq_outbox_backoff: seconds to wait after the attempts-th failed attempt
 * (attempts >= 1): 60 · 2^(attempts-1), at most 3600. */
long dbq_outbox_backoff(int attempts);

#endif
