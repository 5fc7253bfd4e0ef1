/* routes.h: the shape of the one route table (rows live in routes.c). */
#ifndef ECC_ROUTES_H
#define ECC_ROUTES_H

#include <stddef.h>

struct req;

/* A handler fills req->resp (usually by rendering a template) and returns
 * the HTTP status. Returning >= 400 without a body makes the router render
 * the error page for that status. */
typedef int page_fn(struct req *req);

enum route_flag {
	R_CSRF = 1 << 0,       /* unsafe method: synchronizer token + Origin/Fetch-Metadata */
	R_AUTH = 1 << 1,       /* needs a complete (two-factor) session */
	R_PENDING = 1 << 2,    /* also answers in the pending-second-factor state */
};

enum role { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_EDITOR = 2, ROLE_ADMIN = 3 };

struct route {
	int methods;           /* HTTP_* bits; GET routes also answer HEAD */
	const char *pattern;   /* "/orders/{id:int}": literal segments and {name:int|slug|str} */
	page_fn *handler;
	const char *handler_name;
	int zones;             /* ZONE_* bits */
	int flags;             /* R_* bits */
	int min_role;          /* ROLE_* (with R_AUTH) */
};

/* The table and its length; read-only, process lifetime. */
extern const struct route routes[];
extern const size_t routes_count;

#endif
