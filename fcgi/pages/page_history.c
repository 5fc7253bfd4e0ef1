/* page_history.c: login history — the tenant's (admins; filters, paging, CSV) and each user's own. */
#include "page_history.h"

#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "convert/csv.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_audit.h"
#include "db/dbq_logins.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/render.h"
#include "server/app.h"

#define PER_PAGE 20
#define CSV_MAX_ROWS 10000
#define MAX_PAGE 100000

struct filters {
	struct login_filter f;
	const char *user, *result, *from, *to;
	size_t page;
};

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

static bool
digits(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

/* Parse the filters; 400 for a repeated or oversized parameter, -1 for a
 * bad value (shown as an error), 0. */
static int
parse(struct req *r, struct filters *x)
{
	const char *page;
	memset(x, 0, sizeof *x);
	if (listing_param(r, "user", 64, &x->user) || listing_param(r, "result", 64, &x->result) ||
	    listing_param(r, "from", 64, &x->from) || listing_param(r, "to", 64, &x->to) ||
	    listing_param(r, "page", 64, &page))
		return 400;
	if (listing_page(page, 999999, &x->page) != 0)
		return -1;
	if (*x->user) {
		if (!digits(x->user, 20))
			return -1;
		x->f.user_id = (uint64_t)strtoull(x->user, NULL, 10);
	}
	if (strcmp(x->result, "success") == 0)
		x->f.result = 1;
	else if (strcmp(x->result, "failure") == 0)
		x->f.result = 2;
	else if (*x->result)
		return -1;
	if (listing_dates(x->from, x->to) != 0)
		return -1;
	x->f.from_jst = x->from;
	x->f.to_jst = x->to;
	return 0;
}

static const struct user *
find_user(const struct user *users, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (users[i].id == id)
			return &users[i];
	return NULL;
}

static struct view *
entry_view(struct req *r, const struct login_entry *e, const struct user *u)
{
	char when[32];
	struct view *row = view_obj(r->arena);
	view_set_str(r->arena, row, "at", clock_jst(e->at_ms, when));
	view_set_str(r->arena, row, "name", u ? u->name : "-");
	view_set_str(r->arena, row, "email", u ? u->email : "-");
	view_set_bool(r->arena, row, "success", e->success);
	view_set_str(r->arena, row, "reason", e->reason);
	view_set_str(r->arena, row, "factor", e->factor);
	view_set_str(r->arena, row, "ip", e->ip[0] ? e->ip : "-");
	view_set_str(r->arena, row, "ua", e->ua[0] ? e->ua : "-");
	return row;
}

static int
load_users(struct req *r, struct user **users, size_t *n)
{
	size_t total;
	struct session *s = r->session;
	return dbq_users_list(app_of(r)->db, r->arena, s->tenant_id, s->key, "", 0, 500, users, n, &total);
}

int
page_history(struct req *r)
{
	struct session *s = r->session;
	struct filters x;
	int st = parse(r, &x);
	if (st == 400)
		return 400;
	struct user *users = NULL;
	size_t nusers = 0;
	int rc = load_users(r, &users, &nusers);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct view *v = render_root(r);
	struct login_entry *list = NULL;
	size_t n = 0, total = 0;
	if (st == 0 && x.page <= MAX_PAGE) {
		rc = dbq_logins_list(app_of(r)->db, r->arena, s->tenant_id, s->key, &x.f,
				     (x.page - 1) * PER_PAGE, PER_PAGE, &list, &n, &total);
		if (rc == -ERR_UNAVAILABLE || rc == -ERR_DB)
			return rc == -ERR_UNAVAILABLE ? 503 : 500;
		if (rc != 0)
			st = -1;
	}
	if (st != 0) {
		view_set_str(r->arena, v, "error", render_t(r, "hist_err_filter"));
		n = total = 0;
	}
	struct view *rows = view_list(r->arena);
	for (size_t i = 0; i < n; i++)
		view_push(r->arena, rows, entry_view(r, &list[i], find_user(users, nusers, list[i].user_id)));
	view_set(r->arena, v, "rows", rows);
	struct view *opts = view_list(r->arena);
	for (size_t i = 0; i < nusers; i++) {
		struct view *o = view_obj(r->arena);
		char *id = arena_printf(r->arena, "%llu", (unsigned long long)users[i].id);
		view_set_str(r->arena, o, "id", id);
		view_set_str(r->arena, o, "label", arena_printf(r->arena, "%s <%s>", users[i].name, users[i].email));
		view_set_bool(r->arena, o, "selected", strcmp(id, x.user) == 0);
		view_push(r->arena, opts, o);
	}
	view_set(r->arena, v, "users", opts);
	view_set_str(r->arena, v, "f_user", x.user);
	view_set_str(r->arena, v, "f_result", x.result);
	view_set_bool(r->arena, v, "f_success", strcmp(x.result, "success") == 0);
	view_set_bool(r->arena, v, "f_failure", strcmp(x.result, "failure") == 0);
	view_set_str(r->arena, v, "f_from", x.from);
	view_set_str(r->arena, v, "f_to", x.to);
	view_set_bool(r->arena, v, "admin_view", true);
	listing_pager(r, v, x.page, total, PER_PAGE);
	return render_page(r, "history/list", v, 200);
}

int
page_history_csv(struct req *r)
{
	struct app *app = app_of(r);
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
	struct login_entry *list = NULL;
	int rc = load_users(r, &users, &nusers);
	if (rc == 0)
		rc = dbq_logins_list(app->db, r->arena, s->tenant_id, s->key, &x.f, 0, CSV_MAX_ROWS, &list,
				     &n, &total);
	if (rc == -ERR_INVALID)
		return 400;
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct csv c;
	csv_init(&c, r->arena, e);
	static const char *const head[] = { "hist_col_at", "hist_col_name", "hist_col_email",
					    "hist_col_result", "hist_col_reason", "hist_col_factor",
					    "hist_col_ip", "hist_col_ua" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_cell_str(&c, render_t(r, head[i]));
	csv_end_row(&c);
	for (size_t i = 0; i < n; i++) {
		char when[32];
		const struct user *u = find_user(users, nusers, list[i].user_id);
		csv_cell_str(&c, clock_jst(list[i].at_ms, when));
		csv_cell_str(&c, u ? u->name : "");
		csv_cell_str(&c, u ? u->email : "");
		csv_cell_str(&c, list[i].success ? "success" : "failure");
		csv_cell_str(&c, list[i].reason);
		csv_cell_str(&c, list[i].factor);
		csv_cell_str(&c, list[i].ip);
		csv_cell_str(&c, list[i].ua);
		csv_end_row(&c);
	}
	return listing_csv_send(r, &c, "login_history", "login-history.csv", n);
}

int
page_history_mine(struct req *r)
{
	struct session *s = r->session;
	struct filters x;
	int st = parse(r, &x);
	if (st == 400)
		return 400;
	struct view *v = render_root(r);
	struct login_entry *list = NULL;
	size_t n = 0, total = 0;
	if (st == 0 && x.page <= MAX_PAGE) {
		int rc = dbq_logins_list_user(app_of(r)->db, r->arena, s->tenant_id, s->key, s->user_id,
					      (x.page - 1) * PER_PAGE, PER_PAGE, &list, &n, &total);
		if (rc == -ERR_UNAVAILABLE)
			return 503;
		if (rc != 0)
			return 500;
	}
	struct view *rows = view_list(r->arena);
	for (size_t i = 0; i < n; i++)
		view_push(r->arena, rows, entry_view(r, &list[i], NULL));
	view_set(r->arena, v, "rows", rows);
	view_set_bool(r->arena, v, "admin_view", false);
	listing_pager(r, v, x.page, total, PER_PAGE);
	return render_page(r, "account/history", v, 200);
}
