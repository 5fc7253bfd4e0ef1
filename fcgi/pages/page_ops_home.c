/* page_ops_home.c: the operator console's start page (ops zone only). */
#include "page_ops_home.h"

#include "db/dbq_health.h"
#include "http/req.h"
#include "pages/render.h"
#include "server/app.h"

int
page_ops_home(struct req *r)
{
	struct app *app = (struct app *)r->app;
	if (dbq_health_ping(app->db, r->arena) != 0)
		return 503;
	return render_page(r, "ops/home", render_root(r), 200);
}
