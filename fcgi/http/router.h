/* router.h: route matching (404 vs 405) and the fixed sequence of checks before any handler runs. */
#ifndef ECC_ROUTER_H
#define ECC_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "pages/routes.h"

struct req;

/*
 * router_match: find the route for r->method and r->path among the routes
 * of zone. Returns 0 and sets *out (path parameters captured into r), 404
 * when no route of this zone has the path, or 405 when some do but not for
 * this method (*allow gets the union of their methods, HEAD implied by GET).
 */
int router_match(const struct route *table, size_t n, int zone, struct req *r,
		 const struct route **out, int *allow);

/*
 * router_run: the one place every request is checked, in this order:
 * match (404/405 with Allow) → body read and parsed (400/413/415) → CSRF
 * on unsafe methods (403) → authentication and role (later issues) → the
 * handler. Returns the final HTTP status; the response body may be empty
 * for statuses >= 400 (the caller renders the error page).
 */
int router_run(struct req *r);

/* router_pattern_ok: pattern syntax check used by the route-table test. */
bool router_pattern_ok(const char *pattern);

/* router_allow_header: "GET, HEAD, POST" text for an Allow bitmask, in a. */
const char *router_allow_header(struct arena *a, int allow);

#endif
