/* page_health.c: /healthz — liveness and database reachability as JSON. */
#include "page_health.h"

#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "db/dbq_health.h"
#include "html/html.h"
#include "http/req.h"
#include "server/app.h"

int
page_health(struct req *r)
{
	struct app *app = (struct app *)r->app;
	bool up = dbq_health_ping(app->db, r->arena) == 0;
	struct buf b;
	buf_init(&b, r->arena, 256);
	buf_puts(&b, up ? "{\"status\":\"ok\"" : "{\"status\":\"unavailable\"");
	buf_puts(&b, ",\"version\":\"" ECC_VERSION "\",\"zone\":");
	html_json_string(&b, app->zone_name, strlen(app->zone_name));
	buf_puts(&b, ",\"database\":{\"reachable\":");
	buf_puts(&b, up ? "true" : "false");
	if (up && app->zone == ZONE_OPS) {
		const char *ver = db_server_version(app->db);
		buf_puts(&b, ",\"version\":");
		html_json_string(&b, ver ? ver : "", ver ? strlen(ver) : 0);
	}
	buf_puts(&b, "}}\n");
	resp_set_body(r, "application/json", b.data, b.len);
	if (!up)
		resp_header(r, "Retry-After", "5");
	return up ? 200 : 503;
}
