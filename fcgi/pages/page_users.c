/* page_users.c: tenant admins' user management — the list (search, paging), the invitation form, a user's page. */
#include "page_users.h"

#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "connectors/conn.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_connections.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_reauth.h"
#include "pages/listing.h"
#include "pages/render.h"
#include "server/app.h"

#define USERS_PAGE_SIZE 50
#define USERS_MAX_SEARCH 100
#define USERS_MAX_PAGE 100000

const char *
page_users_role_key(int role)
{
	switch (role) {
	case USER_ROLE_ADMIN:
		return "role_admin";
	case USER_ROLE_EDITOR:
		return "role_editor";
	default:
		return "role_viewer";
	}
}

const char *
page_users_status_key(int status)
{
	switch (status) {
	case USER_ACTIVE:
		return "user_status_active";
	case USER_DISABLED:
		return "user_status_disabled";
	default:
		return "user_status_invited";
	}
}

/* The role choices of a select, with selected marking the current one. */
static struct view *
role_options(struct req *r, int selected)
{
	static const int roles[] = { USER_ROLE_VIEWER, USER_ROLE_EDITOR, USER_ROLE_ADMIN };
	struct view *list = view_list(r->arena);
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		struct view *o = view_obj(r->arena);
		view_set_str(r->arena, o, "value", dbq_users_role_name(roles[i]));
		view_set_str(r->arena, o, "label", render_t(r, page_users_role_key(roles[i])));
		view_set_bool(r->arena, o, "selected", roles[i] == selected);
		view_push(r->arena, list, o);
	}
	return list;
}

/* One user as the list and the user's page show it. */
static struct view *
user_view(struct req *r, const struct user *u)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	char when[20];
	view_set_int(a, o, "id", (int64_t)u->id);
	view_set_str(a, o, "name", u->name);
	view_set_str(a, o, "email", u->email);
	view_set_str(a, o, "role_label", render_t(r, page_users_role_key(u->role)));
	view_set_str(a, o, "status_label", render_t(r, page_users_status_key(u->status)));
	view_set_bool(a, o, "is_invited", u->status == USER_INVITED);
	view_set_bool(a, o, "is_active", u->status == USER_ACTIVE);
	view_set_bool(a, o, "is_disabled", u->status == USER_DISABLED);
	view_set_bool(a, o, "restrict_connections", u->restrict_connections);
	view_set_bool(a, o, "is_locked", u->locked_until > clock_now() || u->failed_logins > 0);
	view_set_bool(a, o, "totp_enabled", u->totp_enabled);
	view_set_bool(a, o, "is_self", u->id == r->session->user_id);
	view_set_str(a, o, "created", clock_jst_minute((time_t)u->created_at, when));
	view_set_str(a, o, "lang_label", strcmp(u->lang, "en") == 0 ? "English" : "日本語");
	return o;
}

/* ?page=N: 1-based, missing → 1; anything malformed → 0 (caller: 400). */
static size_t
page_number(struct req *r)
{
	const char *p = NULL;
	int rc = req_query(r, "page", &p);
	if (rc == -ERR_NOT_FOUND || (rc == 0 && p[0] == '\0'))
		return 1;
	if (rc != 0)
		return 0;
	size_t n = 0;
	for (const char *c = p; *c; c++) {
		if (*c < '0' || *c > '9' || n > USERS_MAX_PAGE)
			return 0;
		n = n * 10 + (size_t)(*c - '0');
	}
	return n >= 1 && n <= USERS_MAX_PAGE ? n : 0;
}

int
page_users_list(struct req *r)
{
	int st = page_reauth_required(r, "/users");
	if (st != 0)
		return st;
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	const char *q = "";
	int rc = req_query(r, "q", &q);
	if (rc == -ERR_CONFLICT || (rc == 0 && strlen(q) > USERS_MAX_SEARCH))
		return 400;
	if (rc != 0)
		q = "";
	size_t page = page_number(r);
	if (page == 0)
		return 400;
	struct user *us = NULL;
	size_t n = 0, total = 0;
	rc = dbq_users_list(app->db, r->arena, s->tenant_id, s->key, q, (page - 1) * USERS_PAGE_SIZE,
			    USERS_PAGE_SIZE, &us, &n, &total);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, user_view(r, &us[i]));
	view_set(a, v, "users", list);
	view_set_bool(a, v, "has_users", n > 0);
	view_set_str(a, v, "q", q);
	view_set_bool(a, v, "searching", q[0] != '\0');
	listing_pager(r, v, page, total, USERS_PAGE_SIZE);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "users/list", v, 200);
}

int
page_users_render_new(struct req *r, const char *email, const char *name, int role,
		      const char *lang, const char *error, int status)
{
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	view_set_str(a, v, "email", email ? email : "");
	view_set_str(a, v, "name", name ? name : "");
	view_set(a, v, "roles", role_options(r, role ? role : USER_ROLE_VIEWER));
	bool en = lang != NULL && strcmp(lang, "en") == 0;
	view_set_bool(a, v, "lang_is_en", en);
	if (error != NULL)
		view_set_str(a, v, "error", error);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "users/new", v, status);
}

int
page_users_new(struct req *r)
{
	int st = page_reauth_required(r, "/users/new");
	if (st != 0)
		return st;
	return page_users_render_new(r, NULL, NULL, USER_ROLE_VIEWER, r->lang, NULL, 200);
}

int
page_users_load(struct req *r, struct user *u)
{
	struct app *app = (struct app *)r->app;
	/* {id:str} in the table: the router's int type stops at 18 digits and
	 * user ids (token_random_id) have up to 19; the check is done here. */
	const char *p = req_param(r, "id");
	size_t n = p != NULL ? strlen(p) : 0;
	if (n == 0 || n > 19 || p[0] == '0' || strspn(p, "0123456789") != n)
		return 404;
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	int rc = dbq_users_get(app->db, r->arena, r->session->tenant_id, r->session->key, (uint64_t)id, u);
	if (rc == -ERR_NOT_FOUND)
		return 404;
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return 0;
}

/* Every connection of the tenant as a check box for "only the chosen
 * connections", checked when u may use it; 0 or a database error. */
static int
connection_choices(struct req *r, const struct user *u, struct view *v)
{
	struct app *app = (struct app *)r->app;
	struct connection *all = NULL, *mine = NULL;
	size_t n = 0, m = 0;
	int rc = dbq_connections_list(app->db, r->arena, r->session->tenant_id, 0, &all, &n);
	if (rc == 0)
		rc = dbq_connections_list(app->db, r->arena, r->session->tenant_id, u->id, &mine, &m);
	if (rc != 0)
		return rc;
	struct view *list = view_list(r->arena);
	for (size_t i = 0; i < n; i++) {
		bool checked = false;
		for (size_t j = 0; j < m && !checked; j++)
			checked = mine[j].id == all[i].id;
		const struct conn_ops *ops = conn_find(all[i].platform);
		struct view *o = view_obj(r->arena);
		view_set_int(r->arena, o, "id", (int64_t)all[i].id);
		view_set_str(r->arena, o, "name", all[i].name);
		view_set_str(r->arena, o, "platform_label", ops != NULL ? ops->label : all[i].platform);
		view_set_bool(r->arena, o, "checked", checked);
		view_push(r->arena, list, o);
	}
	view_set(r->arena, v, "connections", list);
	view_set_bool(r->arena, v, "has_connections", n > 0);
	return 0;
}

int
page_users_render_show(struct req *r, const struct user *u, const char *error, int status)
{
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	view_set(a, v, "user", user_view(r, u));
	view_set(a, v, "roles", role_options(r, u->role));
	int rc = connection_choices(r, u, v);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	if (error != NULL)
		view_set_str(a, v, "error", error);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "users/show", v, status);
}

int
page_users_show(struct req *r)
{
	int st = page_reauth_required(r, r->path);
	if (st != 0)
		return st;
	struct user u;
	if ((st = page_users_load(r, &u)) != 0)
		return st;
	return page_users_render_show(r, &u, NULL, 200);
}
