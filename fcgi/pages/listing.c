/* listing.c: what every list screen shares — optional query parameters, the page number, JST date filters, the pager. */
#include "listing.h"

#include <stdint.h>
#include <string.h>

#include "auth/session.h"
#include "convert/csv.h"
#include "core/err.h"
#include "db/dbq_audit.h"
#include "html/view.h"
#include "http/req.h"
#include "server/app.h"

int
listing_param(struct req *r, const char *name, size_t max, const char **out)
{
	*out = "";
	int rc = req_query(r, name, out);
	if (rc == -ERR_CONFLICT)
		return -1;
	if (rc != 0)
		*out = "";
	return strlen(*out) > max ? -1 : 0;
}

int
listing_page(const char *s, size_t max_page, size_t *page)
{
	*page = 1;
	if (*s == '\0')
		return 0;
	size_t n = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9' || c - s >= 9)
			return -1;
		n = n * 10 + (size_t)(*c - '0');
	}
	if (n < 1 || n > max_page)
		return -1;
	*page = n;
	return 0;
}

int
listing_dates(const char *from, const char *to)
{
	int64_t ms;
	if ((*from && dbq_audit_jst_day(from, &ms) != 0) || (*to && dbq_audit_jst_day(to, &ms) != 0))
		return -1;
	return 0;
}

void
listing_pager(struct req *r, struct view *v, size_t page, size_t total, size_t per_page)
{
	size_t pages = total == 0 ? 1 : (total + per_page - 1) / per_page;
	view_set_int(r->arena, v, "page", (int64_t)page);
	view_set_int(r->arena, v, "pages", (int64_t)pages);
	view_set_int(r->arena, v, "total", (int64_t)total);
	view_set_bool(r->arena, v, "has_prev", page > 1);
	view_set_int(r->arena, v, "prev_page", (int64_t)(page > 1 ? page - 1 : 1));
	view_set_bool(r->arena, v, "has_next", page < pages);
	view_set_int(r->arena, v, "next_page", (int64_t)(page + 1));
}

int
listing_csv_send(struct req *r, struct csv *c, const char *what, const char *filename, size_t rows)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	bool sjis = c->enc == CSV_CP932;
	char *out;
	size_t len;
	if (csv_finish(c, r->arena, &out, &len, NULL) != 0)
		return 500;
	dbq_audit_append(app->db, r->arena, s->tenant_id, s->user_id, "export", 0,
			 arena_printf(r->arena, "what=%s rows=%zu enc=%s", what, rows,
				      sjis ? "sjis" : "utf8"));
	resp_header(r, "Content-Disposition",
		    arena_printf(r->arena, "attachment; filename=\"%s\"", filename));
	resp_header(r, "Cache-Control", "no-store");
	resp_set_body(r, sjis ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8", out, len);
	return 200;
}
