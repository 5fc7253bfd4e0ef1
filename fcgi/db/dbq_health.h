/* dbq_health.h: the database reachability probe used by /healthz and pages that need the database. */
#ifndef ECC_DBQ_HEALTH_H
#define ECC_DBQ_HEALTH_H

#include "core/arena.h"

struct db;

/* dbq_health_ping: a trivial statement on the connection (reconnecting if
 * needed). 0 when the database answers, -ERR_UNAVAILABLE or -ERR_DB. */
int dbq_health_ping(struct db *db, struct arena *a);

#endif
