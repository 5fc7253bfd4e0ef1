/* page_dashboard.c: the signed-in start page — each connection's state and last sync, failing runs, expiring credentials, today's orders and the 30-day chart. */
#include "page_dashboard.h"

#include "auth/session.h"
#include "core/err.h"
#include "db/dbq_connections.h"
#include "html/view.h"
#include "http/req.h"
#include "http/resp.h"
#include "pages/page_connections.h"
#include "pages/page_orders.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

/* connections: every connection this user may use, with the ones needing attention listed apart. */
static int
connections(struct req *r, struct view *v)
{
	struct session *s = r->session;
	struct connection *cs = NULL;
	size_t n = 0;
	int rc = dbq_connections_list(((struct app *)r->app)->db, r->arena, s->tenant_id,
				      s->restrict_connections ? s->user_id : 0, &cs, &n);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct arena *a = r->arena;
	struct view *all = view_list(a), *failing = view_list(a), *expiring = view_list(a);
	size_t nfail = 0, nexp = 0;
	for (size_t i = 0; i < n; i++) {
		struct view *o = page_connections_view(r, &cs[i]);
		view_push(a, all, o);
		if (cs[i].auth_failed || cs[i].consecutive_failures > 0) {
			view_push(a, failing, o);
			nfail++;
		}
		if (view_truthy(view_get(o, "expires_soon"))) {
			view_push(a, expiring, o);
			nexp++;
		}
	}
	view_set(a, v, "connections", all);
	view_set_bool(a, v, "has_connections", n > 0);
	view_set(a, v, "failing", failing);
	view_set_bool(a, v, "has_failing", nfail > 0);
	view_set(a, v, "expiring", expiring);
	view_set_bool(a, v, "has_expiring", nexp > 0);
	view_set_bool(a, v, "can_add", s->role >= ROLE_EDITOR && !s->restrict_connections);
	return 0;
}

int
page_dashboard(struct req *r)
{
	static const char *const roles[] = { "", "role_viewer", "role_editor", "role_admin" };
	struct view *v = render_root(r);
	int role = r->session->role;
	view_set_str(r->arena, v, "role_label", render_t(r, roles[role >= ROLE_VIEWER && role <= ROLE_ADMIN ? role : 1]));
	int st = connections(r, v);
	if (st == 0)
		st = page_orders_dashboard(r, v);
	if (st != 0)
		return st;
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "dashboard", v, 200);
}
