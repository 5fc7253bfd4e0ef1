/* dispatch.c: one request from accept to flush — build, route, error page, response, access log. */
#include "dispatch.h"

#include "core/clock.h"
#include "core/log.h"
#include "http/req.h"
#include "http/router.h"
#include "pages/page_error.h"
#include "server/app.h"

void
dispatch_request(struct app *app, FCGX_Request *fcgx, struct arena *a)
{
	struct req r;
	int st = req_init(&r, app, fcgx, a);
	if (st == 0)
		st = router_run(&r);
	if (arena_over_cap(a)) {
		log_event(LOG_ERROR, "request_memory_cap", LOG_I("bytes", (int64_t)arena_used(a)));
		st = 500;
		r.resp.body_set = false;
	}
	if (st >= 400 && !r.resp.body_set)
		page_error_render(&r, st);
	r.resp.status = st;
	int io = resp_flush(&r);
	double ms = (double)(clock_mono_us() - r.start_us) / 1000.0;
	/* The route pattern, not the raw path, is logged for matched requests
	 * so that secrets in paths (tokens) never reach the log. */
	const char *what = r.route ? r.route->pattern : r.path;
	log_event(st >= 500 ? LOG_ERROR : LOG_INFO, "request",
		  LOG_S("method", r.method_name ? r.method_name : "?"),
		  LOG_S(r.route ? "route" : "path", what), LOG_I("status", st), LOG_MS("ms", ms),
		  LOG_I("bytes", (int64_t)r.resp.body.len), LOG_S("client_gone", io ? "yes" : "no"));
	log_clear_request();
}
