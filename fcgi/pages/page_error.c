/* page_error.c: the generic error page (friendly text and the request id, details only in the log). */
#include "page_error.h"

#include <stdio.h>
#include <string.h>

#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"

static int
known(int st)
{
	switch (st) {
	case 400: case 403: case 404: case 405: case 413: case 429: case 500: case 503:
		return st;
	case 401:
		return 403;
	case 415:
	case 409:
		return 400;
	default:
		return st >= 500 ? 500 : 400;
	}
}

void
page_error_render(struct req *r, int status)
{
	int k = known(status);
	char key[48];
	struct view *v = render_root(r);
	struct arena *a = r->arena;
	view_set_int(a, v, "status", status);
	snprintf(key, sizeof key, "error_%d_title", k);
	view_set_str(a, v, "error_title", render_t(r, key));
	snprintf(key, sizeof key, "error_%d_text", k);
	view_set_str(a, v, "error_text", render_t(r, key));
	if (status == 503)
		resp_header(r, "Retry-After", "30");
	if (render_page(r, "error", v, status) != status) {
		const char *txt = arena_printf(a, "Error %d. Request ID: %s\n", status, r->req_id);
		resp_set_body(r, "text/plain; charset=utf-8", txt, strlen(txt));
	}
	r->resp.status = status;
}
