/* page_health.h: /healthz — liveness and database reachability as JSON. */
#ifndef ECC_PAGE_HEALTH_H
#define ECC_PAGE_HEALTH_H

struct req;

/* GET /healthz: 200 {"status":"ok",…} or 503 {"status":"unavailable",…}
 * when the database does not answer. The database server version is shown
 * only on the operator zone. */
int page_health(struct req *r);

#endif
