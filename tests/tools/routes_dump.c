/* routes_dump.c: prints the one route table as JSON lines, so tests can generate the route x role matrix from it. */
#include <stdio.h>

#include "http/req.h"
#include "pages/routes.h"
#include "server/app.h"

int
main(void)
{
	static const struct { int bit; const char *name; } m[] = {
		{ HTTP_GET, "GET" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" }, { HTTP_PATCH, "PATCH" },
		{ HTTP_DELETE, "DELETE" },
	};
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
			if (!(r->methods & m[k].bit))
				continue;
			printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"handler\":\"%s\",\"customer\":%s,"
			       "\"ops\":%s,\"csrf\":%s,\"auth\":%s,\"pending\":%s,\"min_role\":%d}\n",
			       m[k].name, r->pattern, r->handler_name,
			       (r->zones & ZONE_CUSTOMER) ? "true" : "false",
			       (r->zones & ZONE_OPS) ? "true" : "false",
			       (r->flags & R_CSRF) ? "true" : "false", (r->flags & R_AUTH) ? "true" : "false",
			       (r->flags & R_PENDING) ? "true" : "false", r->min_role);
		}
	}
	return 0;
}
