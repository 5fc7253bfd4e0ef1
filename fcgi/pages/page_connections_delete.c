/* page_connections_delete.c: deleting a connection — the confirmation page and the chunked delete it posts. */
#include "page_connections_delete.h"

#include <stdbool.h>
#include <stdint.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_connections.h"
#include "db/dbq_connections_delete.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_connections.h"
#include "pages/page_reauth.h"
#include "pages/render.h"
#include "server/app.h"

#define DELETE_BUDGET_MS 20000 /* one POST deletes this long at most, then asks to continue */

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

static int
db_status(int rc)
{
	return rc == -ERR_UNAVAILABLE ? 503 : 500;
}

/* The confirmation page: what the delete removes (orders, products), with
 * error above the box, or the "partly deleted, continue" notice (partial). */
static int
render_delete(struct req *r, const struct connection *c, const char *error, bool partial, int status)
{
	struct arena *a = r->arena;
	uint64_t orders = 0, products = 0;
	int rc = dbq_connections_data_counts(app_of(r)->db, a, r->session->tenant_id, c->id, &orders, &products);
	if (rc != 0)
		return db_status(rc);
	struct view *v = render_root(r);
	view_set(a, v, "conn", page_connections_view(r, c));
	view_set_int(a, v, "orders", (int64_t)orders);
	view_set_int(a, v, "products", (int64_t)products);
	view_set_bool(a, v, "partial", partial);
	if (error != NULL)
		view_set_str(a, v, "error", error);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "connections/delete", v, status);
}

int
page_connections_delete_form(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0 || (st = page_reauth_required(r, r->path)) != 0)
		return st;
	return render_delete(r, &c, NULL, false, 200);
}

int
page_connections_delete_submit(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	const char *back = arena_printf(r->arena, "/connections/%llu/delete", (unsigned long long)c.id);
	if ((st = page_reauth_required(r, back)) != 0)
		return st;
	const char *confirm = NULL;
	int rc = req_form(r, "confirm", &confirm);
	if (rc == -ERR_CONFLICT)
		return 400;
	if (rc != 0 || *confirm == '\0')
		return render_delete(r, &c, render_t(r, "conn_err_confirm"), false, 200);
	bool done = false;
	rc = dbq_connections_delete_run(app_of(r)->db, r->arena, r->session->tenant_id, c.id,
					clock_now_ms() + DELETE_BUDGET_MS, &done);
	if (rc == -ERR_NOT_FOUND)
		return 404;
	if (rc != 0)
		return db_status(rc);
	if (!done) {
		log_event(LOG_INFO, "connection_delete_partial", LOG_I("connection", (int64_t)c.id));
		c.job_count = 0;
		c.paused = true;
		return render_delete(r, &c, NULL, true, 200);
	}
	page_connections_record(r, "connection.delete", c.id, c.platform, "");
	render_flash_set(r, "conn_deleted");
	return resp_redirect(r, "/connections");
}
