/* test_routes.c: walks the one route table (CSRF on unsafe routes, zones, patterns, duplicates) and the matcher. */
#include "http/req.h"
#include "http/router.h"
#include "pages/routes.h"
#include "server/app.h"
#include "t.h"

static void
table_rules(void)
{
	int unsafe_routes = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		T_OK(r->zones != 0 && (r->zones & ~(ZONE_CUSTOMER | ZONE_OPS)) == 0,
		     "%s %s: has a valid zone", r->handler_name, r->pattern);
		T_OK(router_pattern_ok(r->pattern), "%s: pattern %s is valid", r->handler_name, r->pattern);
		T_OK(r->methods != 0 && r->handler != NULL, "%s: methods and handler", r->pattern);
		if (r->methods & ~(HTTP_GET | HTTP_HEAD | HTTP_OPTIONS)) {
			unsafe_routes++;
			T_OK(r->flags & R_CSRF, "%s %s: unsafe method without R_CSRF", r->handler_name,
			     r->pattern);
		}
		if ((r->flags & R_AUTH) && !(r->flags & R_PENDING))
			T_OK(r->min_role >= ROLE_VIEWER, "%s: R_AUTH with a role", r->pattern);
		if (r->flags & R_PENDING)
			T_OK(r->flags & R_AUTH, "%s: R_PENDING only on authenticated routes", r->pattern);
		for (size_t j = i + 1; j < routes_count; j++) {
			const struct route *o = &routes[j];
			bool dup = (r->zones & o->zones) && (r->methods & o->methods) &&
				   strcmp(r->pattern, o->pattern) == 0;
			T_OK(!dup, "duplicate route %s (%s / %s)", r->pattern, r->handler_name,
			     o->handler_name);
			T_OK(r->handler != o->handler, "handler %s referenced twice", r->handler_name);
		}
	}
	T_OK(unsafe_routes > 0, "the table has unsafe routes to check");
	T_OK(!router_pattern_ok("orders"), "pattern must start with /");
	T_OK(!router_pattern_ok("/a//b"), "empty segment refused");
	T_OK(!router_pattern_ok("/a/{id:float}"), "unknown parameter type refused");
	T_OK(!router_pattern_ok("/a/{:int}"), "unnamed parameter refused");
	T_OK(router_pattern_ok("/orders/{id:int}/lines/{line:slug}"), "typed parameters accepted");
}

static int
try(struct arena *a, int zone, int method, const char *path, const struct route **rt, int *allow,
    struct req *r)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	r->method = method;
	r->path = path;
	return router_match(routes, routes_count, zone, r, rt, allow);
}

static void
matching(void)
{
	struct arena *a = arena_new(0);
	struct req r;
	const struct route *rt = NULL;
	int allow = 0;
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/", &rt, &allow, &r), 0);
	T_STREQ(rt->handler_name, "page_home");
	T_INTEQ(try(a, ZONE_OPS, HTTP_GET, "/", &rt, &allow, &r), 0);
	T_STREQ(rt->handler_name, "page_ops_home");
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_HEAD, "/", &rt, &allow, &r), 0);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/nope", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_DELETE, "/", &rt, &allow, &r), 405);
	T_STREQ(router_allow_header(a, allow), "GET, HEAD");
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/lang", &rt, &allow, &r), 405);
	T_STREQ(router_allow_header(a, allow), "POST");
	T_INTEQ(try(a, ZONE_CUSTOMER, 0, "/", &rt, &allow, &r), 405);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/healthz/", &rt, &allow, &r), 404);
#ifdef ECC_TEST
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/42", &rt, &allow, &r), 0);
	T_STREQ(req_param(&r, "id"), "42");
	int64_t id = 0;
	T_OK(req_param_i64(&r, "id", &id) == 0 && id == 42, "typed int parameter");
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/042", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/4x", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/0", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/9223372036854775807", &rt, &allow, &r), 0);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/9223372036854775808", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_CUSTOMER, HTTP_GET, "/__test/item/12345678901234567890", &rt, &allow, &r), 404);
	T_INTEQ(try(a, ZONE_OPS, HTTP_GET, "/__test/item/42", &rt, &allow, &r), 404);
#endif
	arena_free(a);
}

int
main(void)
{
	table_rules();
	matching();
	return t_done("unit-routes");
}
