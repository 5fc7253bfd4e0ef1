/* sync_notify.h: what a run's outcome changes on its connection, and the mails to the tenant's administrators. */
#ifndef ECC_SYNC_NOTIFY_H
#define ECC_SYNC_NOTIFY_H

#include <stdint.h>

#include "core/arena.h"
#include "jobs/sync_run.h"

/*
 * sync_notify_outcome: record a finished run on its connection and mail the
 * tenant's active administrators when that is news. rc 0: success
 * (last_success_at; a "recovered" mail when a failure mail went out before).
 * rc -ERR_FORBIDDEN: the platform refused the credentials: the connection is
 * flagged auth_failed with error and the admins are mailed at once (it will
 * not be retried until edited). Any other rc: one more failure; when one of
 * the connection's streams has failed env->notify_after runs in a row the
 * admins are mailed, once per streak. A success counts for the connection
 * only when none of its streams is failing (one stream's success does not
 * hide another's failures).
 * key is the tenant's data key. Errors are logged, never returned: the
 * run's own record is already written.
 */
void sync_notify_outcome(const struct sync_env *env, struct arena *a, uint64_t tenant_id,
			 uint64_t connection_id, const unsigned char key[32], int rc, const char *error,
			 int64_t now_ms);

/*
 * sync_notify_expiring: credential-expiry warnings 14, 7 and 1 days ahead
 * (and once more when expired), each sent once per expiry date to the
 * tenant's active administrators (expiry_warned_days remembers the last).
 * Returns the number of connections warned, or a database error.
 */
int sync_notify_expiring(const struct sync_env *env, struct arena *a, int64_t now_ms);

#endif
