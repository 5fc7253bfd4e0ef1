/* dbq_users.h: queries on users: encrypted identity, roles and status, passwords, TOTP, lockout, deletion. */
#ifndef ECC_DBQ_USERS_H
#define ECC_DBQ_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/*
 * Every function takes tenant_id (from the session, never from the request)
 * and scopes every statement by it: a user id of another tenant behaves
 * exactly like a missing one (-ERR_NOT_FOUND). key is the tenant's data key
 * (struct session .key / struct tenant .key, SEAL_KEY_LEN bytes).
 * Encrypted columns are sealed with AAD (tenant_id, "users", column, user id):
 * email_enc, name_enc, totp_secret_enc. The email's blind index is
 * seal_blind_index(key, "users.email", normalised address).
 * Errors common to all: -ERR_UNAVAILABLE / -ERR_DB from the database.
 */

/* Roles: the same numbers as enum role in pages/routes.h. */
enum { USER_ROLE_VIEWER = 1, USER_ROLE_EDITOR = 2, USER_ROLE_ADMIN = 3 };
enum { USER_INVITED = 1, USER_ACTIVE = 2, USER_DISABLED = 3 };

struct user {
	uint64_t id;
	uint64_t tenant_id;
	const char *email;            /* decrypted, normalised */
	const char *name;             /* decrypted display name */
	const char *lang;             /* "ja" | "en" */
	int role;                     /* USER_ROLE_* */
	int status;                   /* USER_INVITED / USER_ACTIVE / USER_DISABLED */
	bool restrict_connections;
	const char *password_hash;    /* Argon2id encoded, NULL before the first password */
	int64_t password_changed_at;  /* epoch seconds, 0 = never */
	bool totp_enabled;
	const unsigned char *totp_secret; /* decrypted, NULL when none */
	size_t totp_secret_len;
	int64_t totp_last_step;
	unsigned failed_logins;
	int64_t locked_until;         /* epoch seconds, 0 = not locked */
	int64_t created_at;
};

/* Names of roles and statuses as stored ("admin", "invited" …) and back;
 * the parsers return 0 for an unknown name. */
const char *dbq_users_role_name(int role);
int dbq_users_role_parse(const char *s);
const char *dbq_users_status_name(int status);
int dbq_users_status_parse(const char *s);

/*
 * dbq_users_email_normalize: trim ASCII white space, lower-case, and check
 * the shape: 3–254 bytes, one '@', local part 1–64 of
 * [a-z0-9.!#$%&'*+/=?^_`{|}~-], domain of dot-separated labels
 * [a-z0-9-]{1,63} with at least one dot. *out in a. 0 or -ERR_INVALID.
 */
int dbq_users_email_normalize(struct arena *a, const char *in, char **out);

/*
 * dbq_users_create: a new user in state invited (random id). email is
 * normalised and validated; name: 1–100 code points of valid UTF-8 without
 * control characters; lang "ja" or "en"; role USER_ROLE_*. *id receives the
 * id. Returns 0, -ERR_INVALID, -ERR_CONFLICT (the address exists in the
 * tenant), -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_users_create(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		     const char *email, const char *name, const char *lang, int role, uint64_t *id);

/* dbq_users_get: the user (tenant_id, id), decrypted into a. 0,
 * -ERR_NOT_FOUND, -ERR_INVALID (a ciphertext does not decrypt; logged). */
int dbq_users_get(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		  uint64_t id, struct user *out);

/* dbq_users_find_by_email: by blind index of the normalised address; a
 * malformed address is -ERR_NOT_FOUND. Otherwise as dbq_users_get. */
int dbq_users_find_by_email(struct db *db, struct arena *a, uint64_t tenant_id,
			    const unsigned char *key, const char *email, struct user *out);

/*
 * dbq_users_list: the tenant's users ordered by creation, decrypted; when
 * search is non-empty only those whose name or email contains it
 * (case-insensitive for ASCII; matched in C after decryption, since the
 * columns are encrypted). Then offset/limit paging (limit 1–500). *total is
 * the number of matches before paging. Arrays live in a. 0, -ERR_INVALID
 * (bad limit or undecryptable row).
 */
int dbq_users_list(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		   const char *search, size_t offset, size_t limit, struct user **out, size_t *n,
		   size_t *total);

/* dbq_users_count_active_admins: users with role admin and status active. */
int dbq_users_count_active_admins(struct db *db, struct arena *a, uint64_t tenant_id,
				  size_t *count);

/* Setters: 0, -ERR_NOT_FOUND (no such user in the tenant), -ERR_INVALID (bad
 * value). They do not check who may do it (the pages do) nor the last-admin
 * rule (callers use dbq_users_count_active_admins). */
int dbq_users_set_role(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int role);
int dbq_users_set_status(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			 int status);
int dbq_users_set_lang(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
		       const char *lang);
int dbq_users_set_restrict(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			   bool restrict_connections);

/* dbq_users_set_connections: replace the user's allowed connections
 * (user_connection_access) with ids[0..n), in one transaction. */
int dbq_users_set_connections(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			      const uint64_t *ids, size_t n);

/*
 * dbq_users_can_use_connection: the per-connection restriction check every
 * connection screen calls. true when restricted is false, or when
 * (tenant_id, user_id, connection_id) is in user_connection_access. Fails
 * closed: a database error gives false.
 */
bool dbq_users_can_use_connection(struct db *db, struct arena *a, uint64_t tenant_id,
				  uint64_t user_id, bool restricted, uint64_t connection_id);

/*
 * dbq_users_set_password: in one transaction, store hash (Argon2id encoded),
 * password_changed_at = now, status invited → active, clear the lockout,
 * add hash to password_history and keep only the newest keep rows (the
 * tenant's pw_history; 0 keeps none). 0, -ERR_NOT_FOUND, -ERR_INVALID.
 */
int dbq_users_set_password(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			   const char *hash, int keep);

/* dbq_users_password_history: up to limit previous hashes, newest first
 * (for pwpolicy_reuse). Arrays in a. */
int dbq_users_password_history(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			       int limit, const char ***hashes, size_t *n);

/*
 * TOTP. dbq_users_set_totp: store a new secret (sealed), not yet enabled,
 * last step 0 (enrolment). dbq_users_enable_totp: mark it enabled.
 * dbq_users_reset_totp: remove secret, disable, and delete the recovery
 * codes (MFA reset by an admin). dbq_users_totp_step: accept time step
 * step only if it is newer than the last accepted one (atomic compare and
 * set: replay guard); -ERR_CONFLICT when it is not.
 */
int dbq_users_set_totp(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		       uint64_t id, const unsigned char *secret, size_t n);
int dbq_users_enable_totp(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id);
int dbq_users_reset_totp(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id);
int dbq_users_totp_step(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			int64_t step);

/*
 * Lockout. dbq_users_login_failed: count one failed attempt (password or
 * code) atomically (row locked in a transaction). Policy: failed_logins
 * counts consecutive failures; every time it reaches a multiple of
 * threshold, the account is locked: the k-th lock (k = failed_logins /
 * threshold) lasts lockout_minutes × 2^(k-1), at most 24 hours. *locked_until
 * (may be NULL) receives the lock end in epoch seconds, or 0 when this
 * failure did not lock. dbq_users_login_ok: a successful login: failures 0,
 * lock cleared. dbq_users_unlock: the same, by an administrator.
 * dbq_users_lock_seconds is the pure policy (for tests and messages).
 */
int64_t dbq_users_lock_seconds(unsigned failed_logins, int threshold, int lockout_minutes);
int dbq_users_login_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			   int threshold, int lockout_minutes, int64_t *locked_until);
int dbq_users_login_ok(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id);
int dbq_users_unlock(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id);

/*
 * dbq_users_delete: in ONE transaction delete the user's sessions,
 * auth_tokens, recovery_codes, user_connection_access, password_history
 * and the user row. 0, -ERR_NOT_FOUND (nothing deleted).
 */
int dbq_users_delete(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id);

#endif
