/* dbq_health.c: the database reachability probe used by /healthz and pages that need the database. */
#include "dbq_health.h"

#include "db/db.h"

int
dbq_health_ping(struct db *db, struct arena *a)
{
	return db_exec(db, a, "DO 1", "");
}
