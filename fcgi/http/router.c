/* router.c: route matching (404 vs 405) and the fixed sequence of checks before any handler runs. */
#include "router.h"

#include <string.h>

#include "auth/csrf.h"
#include "auth/session.h"
#include "core/err.h"
#include "core/log.h"
#include "http/req.h"
#include "server/app.h"

enum ptype { P_INT, P_SLUG, P_STR };

static const char *
seg_end(const char *s)
{
	const char *e = strchr(s, '/');
	return e ? e : s + strlen(s);
}

/* parse "{name:type}" at p..e; returns false if p is not a parameter */
static bool
param_spec(const char *p, const char *e, size_t *name_len, enum ptype *t)
{
	if (e - p < 3 || p[0] != '{' || e[-1] != '}')
		return false;
	const char *colon = memchr(p, ':', (size_t)(e - p));
	if (colon == NULL)
		return false;
	size_t tl = (size_t)(e - 1 - (colon + 1));
	if (tl == 3 && memcmp(colon + 1, "int", 3) == 0)
		*t = P_INT;
	else if (tl == 4 && memcmp(colon + 1, "slug", 4) == 0)
		*t = P_SLUG;
	else if (tl == 3 && memcmp(colon + 1, "str", 3) == 0)
		*t = P_STR;
	else
		return false;
	*name_len = (size_t)(colon - (p + 1));
	return *name_len > 0;
}

static bool
value_ok(enum ptype t, const char *v, size_t n)
{
	if (n == 0)
		return false;
	switch (t) {
	case P_INT: /* 1 .. INT64_MAX, no sign, no leading zero */
		if (n > 19 || v[0] == '0')
			return false;
		for (size_t i = 0; i < n; i++)
			if (v[i] < '0' || v[i] > '9')
				return false;
		return n < 19 || memcmp(v, "9223372036854775807", 19) <= 0;
	case P_SLUG:
		if (n > 64)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
				return false;
		return true;
	case P_STR:
		return n <= 200;
	}
	return false;
}

/* match one pattern; on success captures parameters into r (if r != NULL) */
static bool
match(const char *pat, const char *path, struct req *r)
{
	if (r != NULL)
		r->nparams = 0;
	if (*pat != '/' || *path != '/')
		return false;
	pat++;
	path++;
	for (;;) {
		const char *pe = seg_end(pat), *se = seg_end(path);
		size_t name_len;
		enum ptype t;
		if (param_spec(pat, pe, &name_len, &t)) {
			if (!value_ok(t, path, (size_t)(se - path)))
				return false;
			if (r != NULL) {
				if (r->nparams >= REQ_MAX_PATH_PARAMS)
					return false;
				r->param_names[r->nparams] = arena_strndup(r->arena, pat + 1, name_len);
				r->param_values[r->nparams] = arena_strndup(r->arena, path, (size_t)(se - path));
				r->nparams++;
			}
		} else if (pe - pat != se - path || memcmp(pat, path, (size_t)(pe - pat)) != 0) {
			return false;
		}
		if (*pe == '\0' || *se == '\0')
			return *pe == '\0' && *se == '\0';
		pat = pe + 1;
		path = se + 1;
	}
}

bool
router_pattern_ok(const char *pattern)
{
	if (pattern == NULL || pattern[0] != '/')
		return false;
	const char *p = pattern + 1;
	int nparams = 0;
	for (;;) {
		const char *e = seg_end(p);
		size_t nl;
		enum ptype t;
		if (e == p && *e != '\0')
			return false; /* empty segment "//" */
		if (memchr(p, '{', (size_t)(e - p)) || memchr(p, '}', (size_t)(e - p))) {
			if (!param_spec(p, e, &nl, &t) || ++nparams > REQ_MAX_PATH_PARAMS)
				return false;
		}
		if (*e == '\0')
			return true;
		p = e + 1;
	}
}

int
router_match(const struct route *table, size_t n, int zone, struct req *r, const struct route **out,
	     int *allow)
{
	int method = r->method == HTTP_HEAD ? HTTP_GET : r->method;
	*allow = 0;
	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &table[i];
		if (!(rt->zones & zone) || !match(rt->pattern, r->path, NULL))
			continue;
		int m = rt->methods;
		if (m & HTTP_GET)
			m |= HTTP_HEAD;
		*allow |= m;
		if (rt->methods & method) {
			match(rt->pattern, r->path, r);
			*out = rt;
			return 0;
		}
	}
	return *allow ? 405 : 404;
}

const char *
router_allow_header(struct arena *a, int allow)
{
	static const struct { int bit; const char *name; } names[] = {
		{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
		{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" }, { HTTP_OPTIONS, "OPTIONS" },
	};
	struct buf b;
	buf_init(&b, a, 64);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(allow & names[i].bit))
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, names[i].name);
	}
	return b.data;
}

static bool
unsafe(int method)
{
	return !(method & (HTTP_GET | HTTP_HEAD | HTTP_OPTIONS));
}

/* Where a browser in this login state belongs (GET requests are sent there). */
static int
to_login_step(struct req *r)
{
	const char *where = "/login";
	if (r->session != NULL && r->session->state == SESSION_PENDING)
		where = "/login/2fa";
	else if (r->session != NULL && r->session->state == SESSION_ENROL)
		where = "/enrol";
	if (unsafe(r->method))
		return 403;
	return resp_redirect(r, where);
}

/*
 * Deny by default: no session → the login page; a login that is not
 * complete (second factor or enrolment due) reaches only the routes marked
 * R_PENDING; below the route's role → 403 (logged as authz_fail).
 */
static int
authorize(struct req *r, const struct route *rt)
{
	const struct session *s = r->session;
	if (s == NULL)
		return to_login_step(r);
	if (s->state != SESSION_ACTIVE && !(rt->flags & R_PENDING))
		return to_login_step(r);
	if (s->state == SESSION_ACTIVE && s->role < rt->min_role) {
		log_event(LOG_WARN, "authz_fail", LOG_S("route", rt->pattern),
			  LOG_I("user_id", (int64_t)s->user_id), LOG_I("role", s->role),
			  LOG_I("needs", rt->min_role));
		return 403;
	}
	return 0;
}

int
router_run(struct req *r)
{
	const struct route *rt = NULL;
	int allow = 0;
	int st = router_match(routes, routes_count, (int)r->app->zone, r, &rt, &allow);
	if (st == 405)
		resp_header(r, "Allow", router_allow_header(r->arena, allow));
	if (st != 0)
		return st;
	r->route = rt;

	if (session_load(r) != 0)
		return 503;
	if (r->content_length > 0 || unsafe(r->method)) {
		if ((st = req_read_body(r)) != 0)
			return st;
	}
	if (unsafe(r->method)) {
		/* The route-table test guarantees every unsafe route has R_CSRF;
		 * checking regardless keeps a table mistake from opening a hole. */
		if ((st = csrf_check(r)) != 0)
			return st;
	}
	if (rt->flags & R_AUTH) {
		if ((st = authorize(r, rt)) != 0)
			return st;
	}
	st = rt->handler(r);
	if (st < 100 || st > 599) {
		log_event(LOG_ERROR, "handler_bad_status", LOG_S("handler", rt->handler_name),
			  LOG_I("status", st));
		st = 500;
	}
	return st;
}
