/* dbq_tenants.h: queries on tenants (customer companies): create, look up, settings. */
#ifndef ECC_DBQ_TENANTS_H
#define ECC_DBQ_TENANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "crypto/seal.h"

struct db;

/* A tenant's security settings, each validated against the range in
 * brackets by dbq_tenants_settings_check. */
struct tenant_settings {
	int pw_min_length;          /* [12, 128] code points */
	int pw_history;             /* [0, 24] previous passwords that may not be reused */
	bool pw_composition;        /* composition rules (off by default, NIST 800-63B) */
	int pw_expiry_days;         /* [0, 3650], 0 = never */
	int invite_ttl_hours;       /* [1, 72] */
	int session_idle_minutes;   /* [5, 30] */
	int session_absolute_hours; /* [1, 12] */
	int lockout_threshold;      /* [3, 100] consecutive failures */
	int lockout_minutes;        /* [1, 1440] first lock; see dbq_users_login_failed */
};

struct tenant {
	uint64_t id;
	const char *code;        /* lower case [a-z0-9-]{3,32} */
	const char *name;
	const char *status;      /* active | suspended | terminated */
	int64_t created_at;      /* epoch seconds, UTC */
	struct tenant_settings s;
	bool has_key;            /* key is filled (dbq_tenants_get / find_by_code) */
	unsigned char key[SEAL_KEY_LEN]; /* the unwrapped data key */
};

/*
 * dbq_tenants_code_normalize: trim ASCII spaces, lower-case, and check
 * [a-z0-9-]{3,32}. *out is a copy in a. Returns 0 or -ERR_INVALID.
 */
int dbq_tenants_code_normalize(struct arena *a, const char *in, char **out);

/*
 * dbq_tenants_settings_check: 0 when every field is in its range, else
 * -ERR_INVALID and *field (may be NULL) names the first bad field (static).
 */
/* The integer settings with their ranges (the one table; the security
 * settings screen iterates it). */
struct dbq_tenants_field {
	const char *name;
	size_t off;   /* offsetof(struct tenant_settings, name) */
	int min, max;
};
extern const struct dbq_tenants_field dbq_tenants_fields[];
extern const size_t dbq_tenants_nfields;

int dbq_tenants_settings_check(const struct tenant_settings *s, const char **field);

/*
 * dbq_tenants_create: a new active tenant with default settings: a random id
 * (token_random_id), the code normalised, name 1–200 code points of valid
 * UTF-8 without control characters, and a fresh data key wrapped by the KEK
 * (keyring_new_dek; the KEK must be loaded). *id receives the id.
 * Returns 0; -ERR_INVALID (bad code or name, or no KEK loaded);
 * -ERR_CONFLICT (the code exists); -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_tenants_create(struct db *db, struct arena *a, const char *code, const char *name,
		       uint64_t *id);

/*
 * dbq_tenants_get: the tenant with this id, its settings and its unwrapped
 * data key (keyring_unwrap). Strings live in a. Returns 0, -ERR_NOT_FOUND,
 * -ERR_INVALID (the key does not unwrap: wrong KEK or tampered row; logged),
 * -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_tenants_get(struct db *db, struct arena *a, uint64_t id, struct tenant *out);

/* dbq_tenants_find_by_code: as dbq_tenants_get, by code (normalised first;
 * a malformed code is -ERR_NOT_FOUND). */
int dbq_tenants_find_by_code(struct db *db, struct arena *a, const char *code, struct tenant *out);

/*
 * dbq_tenants_list: every tenant ordered by code, without keys (has_key
 * false), in a. Returns 0, -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_tenants_list(struct db *db, struct arena *a, struct tenant **out, size_t *n);

/*
 * dbq_tenants_update_settings: store s for tenant id after
 * dbq_tenants_settings_check. Returns 0, -ERR_INVALID, -ERR_NOT_FOUND,
 * -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_tenants_update_settings(struct db *db, struct arena *a, uint64_t id,
				const struct tenant_settings *s);

/* dbq_tenants_delete_empty: remove a tenant that has no users yet (undo of
 * a half-finished creation). 0, -ERR_NOT_FOUND, -ERR_CONFLICT (it has users:
 * the foreign key refuses), or a database error. */
int dbq_tenants_delete_empty(struct db *db, struct arena *a, uint64_t id);

#endif
