/* dbq_sessions.h: SQL for server-side sessions (looked up only by the SHA-256 of their id). */
#ifndef ECC_DBQ_SESSIONS_H
#define ECC_DBQ_SESSIONS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"

struct db;

/* One session joined with its user and tenant, as session_load needs it. */
struct dbq_session_row {
	uint64_t tenant_id, user_id;
	int state;                 /* 1 pending, 2 enrol, 3 active (enum session_state) */
	int64_t created_at, last_seen_at, expires_at, authenticated_at; /* epoch s; 0 = NULL */
	const char *role;          /* viewer | editor | admin */
	const char *user_status;   /* invited | active | disabled */
	const char *lang;
	int restrict_connections;
	const char *tenant_code, *tenant_name, *tenant_status;
	const unsigned char *dek_wrapped;
	size_t dek_wrapped_len;
	int idle_minutes, absolute_hours;
	int code_failures;
};

/* dbq_sessions_get: the session with this id hash; -ERR_NOT_FOUND if none. */
int dbq_sessions_get(struct db *db, struct arena *a, const unsigned char id_hash[32],
		     struct dbq_session_row *out);

/* dbq_sessions_insert: a new session (times are epoch seconds, UTC). ip_enc
 * and ua_enc are sealed by the caller (may be NULL). */
int dbq_sessions_insert(struct db *db, struct arena *a, const unsigned char id_hash[32],
			uint64_t tenant_id, uint64_t user_id, int state, time_t now, time_t expires,
			const unsigned char *ip_enc, size_t ip_len, const unsigned char *ua_enc,
			size_t ua_len);

/* dbq_sessions_touch: last_seen_at = now. */
int dbq_sessions_touch(struct db *db, struct arena *a, const unsigned char id_hash[32], time_t now);

/* dbq_sessions_rekey: give the session a new id hash and state (rotation);
 * authenticated_at = now when set_auth. */
int dbq_sessions_rekey(struct db *db, struct arena *a, const unsigned char old_hash[32],
		       const unsigned char new_hash[32], int state, time_t now, int set_auth);

/* dbq_sessions_mark_authenticated: authenticated_at = now (test tools). */
int dbq_sessions_mark_authenticated(struct db *db, struct arena *a, const unsigned char id_hash[32],
				    time_t now);

/* dbq_sessions_code_failure: count one wrong second-factor code; returns the
 * new count through *count. */
int dbq_sessions_code_failure(struct db *db, struct arena *a, const unsigned char id_hash[32],
			      int *count);

/* dbq_sessions_delete: one session. dbq_sessions_delete_user: every session
 * of a user except `except` (NULL = all); *n gets the number deleted. */
int dbq_sessions_delete(struct db *db, struct arena *a, const unsigned char id_hash[32]);
int dbq_sessions_delete_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			     const unsigned char *except, uint64_t *n);

/* One session of a user for the "my sessions" page. */
struct dbq_session_info {
	char handle[17];           /* first 16 hex digits of the id hash: opaque, not the id */
	unsigned char id_hash[32]; /* to mark the current session; never shown */
	int state;
	int64_t created_at, last_seen_at; /* epoch s */
	const char *ip, *ua;       /* decrypted; "" when none or not decryptable */
};

/*
 * dbq_sessions_list_user: the user's sessions, most recently used first, at
 * most 100, in a. ip_enc/ua_enc are opened with key and AAD (tenant_id,
 * "sessions", column, user_id) as session_start seals them; a ciphertext
 * that does not open shows as "". Returns 0 or a database error.
 */
int dbq_sessions_list_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			   const unsigned char *key, struct dbq_session_info **out, size_t *n);

/*
 * dbq_sessions_delete_handle: delete the session of (tenant_id, user_id)
 * whose handle (16 lower-case hex digits, see dbq_session_info) matches.
 * Returns 0, -ERR_INVALID (malformed handle), -ERR_NOT_FOUND (no such
 * session of this user), or a database error.
 */
int dbq_sessions_delete_handle(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			       const char *handle);

#endif
