/* dbq_audit.h: the append-only, per-tenant hash-chained audit log (append, list, verify). */
#ifndef ECC_DBQ_AUDIT_H
#define ECC_DBQ_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

struct db;

/*
 * The chain. Each tenant's entries form one chain in seq order (seq is
 * AUTO_INCREMENT and not part of the hash, so the row can be hashed before
 * INSERT and the table needs no UPDATE, which a trigger forbids):
 *   prev_hash = hash of the tenant's previous entry, or 32 zero bytes
 *   hash      = SHA-256(prev_hash || "ecc-audit-v1\n" || field...)
 * where each field is written as "<decimal byte length>:<bytes>\n", in the
 * order tenant_id, at ("YYYY-MM-DD HH:MM:SS.mmm" UTC, as stored), actor
 * user id ("" for none), action, target user id ("" for none), detail. The
 * length prefixes make the encoding unambiguous whatever detail contains.
 * Appends of one tenant are serialised with GET_LOCK("ecc_audit_<tenant>").
 * Tenant 0 is the service's own chain (ecc-admin operations).
 *
 * What goes in: action is an event name [a-z0-9_.]{1,48} (OWASP vocabulary,
 * e.g. "user_created", "authz_change", "authn_token_reuse"); detail is
 * small "key=value key=value" text, at most 400 bytes of printable ASCII
 * without '@' (no e-mail addresses). detail must never carry personal data
 * or secrets: refer to users by id (actor / target), never by name, address,
 * IP, token or password. The restrictions catch the obvious mistakes; the
 * rule is the caller's.
 */

struct audit_entry {
	uint64_t seq;
	uint64_t tenant_id;
	int64_t at_ms;            /* epoch milliseconds, UTC */
	uint64_t actor_user_id;   /* 0 = none (system, or not signed in) */
	const char *action;
	uint64_t target_user_id;  /* 0 = none */
	const char *detail;
};

/*
 * dbq_audit_append: add one entry at clock_now_ms(). Must not be called
 * inside an open transaction (it runs its own). Returns 0, -ERR_INVALID
 * (action or detail refused, see above), -ERR_UNAVAILABLE, -ERR_DB,
 * -ERR_TIMEOUT (the tenant's chain lock was not obtained within 10 s).
 */
int dbq_audit_append(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t actor_user_id,
		     const char *action, uint64_t target_user_id, const char *detail);

/* Filters of dbq_audit_list: action NULL/"" = any; from/to are JST dates
 * "YYYY-MM-DD" (inclusive), NULL/"" = open. */
struct audit_filter {
	const char *action;
	const char *from_jst;
	const char *to_jst;
};

/*
 * dbq_audit_list: the tenant's entries newest first, filtered, with
 * offset/limit paging (limit 1–500); *total is the number of matches.
 * Entries live in a. Returns 0, -ERR_INVALID (bad date or limit), or a
 * database error.
 */
int dbq_audit_list(struct db *db, struct arena *a, uint64_t tenant_id, const struct audit_filter *f,
		   size_t offset, size_t limit, struct audit_entry **out, size_t *n, size_t *total);

/*
 * dbq_audit_verify: walk the tenant's chain in seq order and recompute every
 * hash. One line per problem is appended to report:
 *   "tenant <id> seq <n>: altered (hash mismatch)"
 *   "tenant <id> seq <n>: broken link (previous entry removed or reordered)"
 * (a removed entry shows as a broken link at the entry after it; removing
 * the newest entries leaves no trace in the chain itself). *checked (may
 * be NULL) receives the number of entries walked. Returns 0 when intact,
 * -ERR_CONFLICT when any problem was found, or a database error.
 */
int dbq_audit_verify(struct db *db, struct arena *a, uint64_t tenant_id, struct buf *report,
		     size_t *checked);

/* dbq_audit_tenants: every tenant id that has audit entries (for a
 * verification of everything), ascending. */
int dbq_audit_tenants(struct db *db, struct arena *a, uint64_t **ids, size_t *n);

/*
 * dbq_audit_jst_day: the UTC epoch milliseconds of 00:00 JST on date
 * "YYYY-MM-DD" (a real calendar date, years 2000–2999). 0 or -ERR_INVALID.
 * Shared by the audit and login-history filters.
 */
int dbq_audit_jst_day(const char *date, int64_t *start_ms);

#endif
