/* dbq_logins.h: the login history every tenant's admins can see and export (IP and UA encrypted). */
#ifndef ECC_DBQ_LOGINS_H
#define ECC_DBQ_LOGINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

struct login_entry {
	uint64_t id;
	uint64_t user_id;   /* 0: no such user in the tenant */
	int64_t at_ms;      /* epoch milliseconds, UTC (show with clock_jst) */
	bool success;
	const char *reason; /* category: ok, bad_password, bad_code, locked, unknown_user … */
	const char *factor; /* password, totp, recovery */
	const char *ip;     /* decrypted; "" when none */
	const char *ua;     /* decrypted; "" when none */
};

/*
 * dbq_logins_append: record one attempt at clock_now_ms() with a random id.
 * user_id 0 stores NULL. reason and factor are short categories
 * [a-z0-9_]{1,32} / {1,16} (never the submitted name or password). ip (at
 * most 64 bytes) and ua (cut to 1000 bytes at a UTF-8 boundary) are sealed
 * with the tenant's key, AAD (tenant, "login_history", column, row id); NULL
 * stores NULL. Returns 0, -ERR_INVALID, or a database error.
 */
int dbq_logins_append(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		      uint64_t user_id, bool success, const char *reason, const char *factor,
		      const char *ip, const char *ua);

/* Filters: user_id 0 = everyone; result 0 any, 1 success, 2 failure;
 * from/to JST dates "YYYY-MM-DD" inclusive (NULL/"" = open). */
struct login_filter {
	uint64_t user_id;
	int result;
	const char *from_jst;
	const char *to_jst;
};

/*
 * dbq_logins_list: the tenant's attempts newest first, filtered, paged
 * (offset, limit 1–10000), decrypted into a; *total counts all matches.
 * Returns 0, -ERR_INVALID (bad filter, limit or undecryptable row), or a
 * database error.
 */
int dbq_logins_list(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		    const struct login_filter *f, size_t offset, size_t limit,
		    struct login_entry **out, size_t *n, size_t *total);

/* dbq_logins_list_user: one user's attempts (the "my login history" view). */
int dbq_logins_list_user(struct db *db, struct arena *a, uint64_t tenant_id,
			 const unsigned char *key, uint64_t user_id, size_t offset, size_t limit,
			 struct login_entry **out, size_t *n, size_t *total);

#endif
