/* page_audit.c: the tenant's audit log for its admins — list with filters and paging, CSV export. */
#include "page_audit.h"

#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "convert/csv.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_audit.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/render.h"
#include "server/app.h"

#define PER_PAGE 50
#define CSV_MAX_ROWS 500
#define MAX_PAGE 100000

struct filters {
	struct audit_filter f;
	size_t page;
};

/* 400 for a repeated or oversized parameter, -1 for a bad value, 0. */
static int
parse(struct req *r, struct filters *x)
{
	const char *page;
	memset(x, 0, sizeof *x);
	if (listing_param(r, "action", 64, &x->f.action) || listing_param(r, "from", 64, &x->f.from_jst) ||
	    listing_param(r, "to", 64, &x->f.to_jst) || listing_param(r, "page", 64, &page))
		return 400;
	if (listing_page(page, MAX_PAGE, &x->page) != 0)
		return -1;
	size_t an = strlen(x->f.action);
	if (an > 48 || strspn(x->f.action, "abcdefghijklmnopqrstuvwxyz0123456789_.") != an)
		return -1;
	return listing_dates(x->f.from_jst, x->f.to_jst);
}

static const char *
user_label(struct req *r, const struct user *users, size_t n, uint64_t id)
{
	if (id == 0)
		return "";
	for (size_t i = 0; i < n; i++)
		if (users[i].id == id)
			return users[i].name;
	return arena_printf(r->arena, "#%llu", (unsigned long long)id);
}

static int
load_users(struct req *r, struct user **users, size_t *n)
{
	size_t total;
	struct session *s = r->session;
	return dbq_users_list(((struct app *)r->app)->db, r->arena, s->tenant_id, s->key, "", 0, 500,
			      users, n, &total);
}

int
page_audit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct filters x;
	int st = parse(r, &x);
	if (st == 400)
		return 400;
	struct user *users = NULL;
	size_t nusers = 0, n = 0, total = 0;
	int rc = load_users(r, &users, &nusers);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct audit_entry *list = NULL;
	if (st == 0 && x.page <= MAX_PAGE) {
		rc = dbq_audit_list(app->db, r->arena, r->session->tenant_id, &x.f, (x.page - 1) * PER_PAGE,
				    PER_PAGE, &list, &n, &total);
		if (rc == -ERR_UNAVAILABLE || rc == -ERR_DB)
			return rc == -ERR_UNAVAILABLE ? 503 : 500;
		if (rc != 0)
			st = -1;
	}
	struct view *v = render_root(r);
	if (st != 0) {
		view_set_str(r->arena, v, "error", render_t(r, "hist_err_filter"));
		n = total = 0;
	}
	struct view *rows = view_list(r->arena);
	for (size_t i = 0; i < n; i++) {
		char when[32];
		struct view *row = view_obj(r->arena);
		view_set_int(r->arena, row, "seq", (int64_t)list[i].seq);
		view_set_str(r->arena, row, "at", clock_jst(list[i].at_ms, when));
		view_set_str(r->arena, row, "actor", user_label(r, users, nusers, list[i].actor_user_id));
		view_set_str(r->arena, row, "action", list[i].action);
		view_set_str(r->arena, row, "target", user_label(r, users, nusers, list[i].target_user_id));
		view_set_str(r->arena, row, "detail", list[i].detail);
		view_push(r->arena, rows, row);
	}
	view_set(r->arena, v, "rows", rows);
	view_set_str(r->arena, v, "f_action", x.f.action);
	view_set_str(r->arena, v, "f_from", x.f.from_jst);
	view_set_str(r->arena, v, "f_to", x.f.to_jst);
	listing_pager(r, v, x.page, total, PER_PAGE);
	return render_page(r, "audit/list", v, 200);
}

int
page_audit_csv(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	struct filters x;
	const char *enc;
	if (parse(r, &x) != 0 || listing_param(r, "enc", 64, &enc) != 0)
		return 400;
	enum csv_encoding e;
	if (csv_encoding_parse(enc, &e) != 0)
		return 400;
	struct user *users = NULL;
	size_t nusers = 0, n = 0, total = 0;
	struct audit_entry *list = NULL;
	int rc = load_users(r, &users, &nusers);
	if (rc == 0)
		rc = dbq_audit_list(app->db, r->arena, s->tenant_id, &x.f, 0, CSV_MAX_ROWS, &list, &n, &total);
	if (rc == -ERR_INVALID)
		return 400;
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct csv c;
	csv_init(&c, r->arena, e);
	static const char *const head[] = { "audit_col_seq", "audit_col_at", "audit_col_actor",
					    "audit_col_action", "audit_col_target", "audit_col_detail" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_cell_str(&c, render_t(r, head[i]));
	csv_end_row(&c);
	for (size_t i = 0; i < n; i++) {
		char when[32];
		csv_cell_str(&c, arena_printf(r->arena, "%llu", (unsigned long long)list[i].seq));
		csv_cell_str(&c, clock_jst(list[i].at_ms, when));
		csv_cell_str(&c, user_label(r, users, nusers, list[i].actor_user_id));
		csv_cell_str(&c, list[i].action);
		csv_cell_str(&c, user_label(r, users, nusers, list[i].target_user_id));
		csv_cell_str(&c, list[i].detail);
		csv_end_row(&c);
	}
	return listing_csv_send(r, &c, "audit", "audit-log.csv", n);
}
