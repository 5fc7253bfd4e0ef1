/* page_home.c: the customer site's start page (product overview and operator notices). */
#include "page_home.h"

#include <stdio.h>

#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_notices.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/notice_cache.h"
#include "pages/render.h"
#include "server/app.h"

#define HOME_NOTICES 5

int
page_home_notices(struct req *r, struct view *root, int limit, bool cached)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	const struct notice *ns = NULL;
	struct notice *live = NULL;
	size_t n = 0;
	int rc;
	if (cached) {
		rc = notice_cache_get(app->db, a, r->lang, limit, &ns, &n);
	} else {
		rc = dbq_notices_recent(app->db, a, r->lang, limit, &live, &n);
		ns = live;
	}
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc != 0)
		return 500;
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++) {
		struct view *it = view_obj(a);
		char day[20], key[48];
		clock_jst_minute(ns[i].published_at, day);
		view_set_str(a, it, "date", arena_strndup(a, day, 10));
		view_set_str(a, it, "kind", ns[i].kind);
		snprintf(key, sizeof key, "notice_kind_%s", ns[i].kind);
		view_set_str(a, it, "kind_label", render_t(r, key));
		view_set_str(a, it, "title", ns[i].title);
		view_set_str(a, it, "body", ns[i].body);
		view_push(a, list, it);
	}
	view_set(a, root, "notices", list);
	return 0;
}

int
page_home(struct req *r)
{
	struct view *root = render_root(r);
	int st = page_home_notices(r, root, HOME_NOTICES, true);
	if (st != 0)
		return st;
	return render_page(r, "home", root, 200);
}
