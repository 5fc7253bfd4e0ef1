/* provision.h: an active user with a generated password and TOTP key, for demos and tests (never an invitation bypass in pages). */
#ifndef ECC_PROVISION_H
#define ECC_PROVISION_H

#include <stdint.h>

#include "core/arena.h"

struct db;
struct tenant;

/*
 * provision_active_user: create a user of tenant t (its key must be loaded)
 * with role (USER_ROLE_*), status active, a random 20-character password
 * (Argon2id-hashed) and an enabled TOTP secret. *password and *totp_b32 (the
 * base32 key) live in a and are shown to the operator once; they are stored
 * only hashed / sealed. Used by `ecc-admin demo admin` (make run) and by
 * the test tools; the web pages never create users this way. Returns 0,
 * -ERR_CONFLICT (email taken) or another ERR_*.
 */
int provision_active_user(struct db *db, struct arena *a, const struct tenant *t, const char *email,
			  const char *name, int role, uint64_t *user_id, char **password,
			  char **totp_b32);

#endif
