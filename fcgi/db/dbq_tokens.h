/* dbq_tokens.h: single-use links (invitation, password reset), stored only as SHA-256 hashes. */
#ifndef ECC_DBQ_TOKENS_H
#define ECC_DBQ_TOKENS_H

#include <stdint.h>

#include "core/arena.h"

struct db;

enum { DBQ_TOKEN_INVITE = 1, DBQ_TOKEN_RESET = 2 };

/* Default lifetimes: invitations follow the tenant's invite_ttl_hours
 * (24 h by default); resets always last one hour. */
#define DBQ_TOKEN_RESET_TTL 3600

/*
 * dbq_tokens_issue: a new token (token_new: 256 bits from the CSPRNG, 43
 * base64url chars) for (tenant_id, user_id) of kind DBQ_TOKEN_*, valid for
 * ttl_seconds (1 s – 72 h) from clock_now(). In one transaction every
 * earlier token of that user and kind is deleted (a reissue invalidates
 * the old link) and SHA-256(token) inserted; the token text itself is
 * never stored. *token (in a) is for the link only. Returns 0,
 * -ERR_INVALID (kind or ttl), -ERR_UNAVAILABLE / -ERR_DB.
 */
int dbq_tokens_issue(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id, int kind,
		     int ttl_seconds, char **token);

/*
 * dbq_tokens_consume: use a token once. One UPDATE marks used_at where
 * token_hash = SHA-256(token) AND used_at IS NULL AND expires_at > now, so
 * two concurrent uses cannot both succeed; then tenant_id, user_id and kind
 * of the row are returned. -ERR_NOT_FOUND for a malformed, unknown, used or
 * expired token (the same answer for all), else 0 or a database error.
 */
int dbq_tokens_consume(struct db *db, struct arena *a, const char *token, uint64_t *tenant_id,
		       uint64_t *user_id, int *kind);

/* dbq_tokens_peek: as dbq_tokens_consume without using it up (to show the
 * set-password form). */
int dbq_tokens_peek(struct db *db, struct arena *a, const char *token, uint64_t *tenant_id,
		    uint64_t *user_id, int *kind);

/* dbq_tokens_revoke_user: delete every token of the user (disable). */
int dbq_tokens_revoke_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id);

#endif
