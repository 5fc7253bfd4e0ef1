/* dbq_recovery.h: SQL for recovery codes (stored only as SHA-256 hashes, each usable once). */
#ifndef ECC_DBQ_RECOVERY_H
#define ECC_DBQ_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/* dbq_recovery_replace: the user's codes become exactly these n hashes (a
 * new set invalidates the old one), in one transaction. */
int dbq_recovery_replace(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			 const unsigned char (*hashes)[32], size_t n);

/* dbq_recovery_use: mark the unused code with this hash as used; 0, or
 * -ERR_NOT_FOUND when there is no such unused code. Atomic: a code can
 * succeed once even when two requests race. */
int dbq_recovery_use(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		     const unsigned char hash[32]);

/* dbq_recovery_remaining: how many unused codes the user has left. */
int dbq_recovery_remaining(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			   int64_t *n);

#endif
