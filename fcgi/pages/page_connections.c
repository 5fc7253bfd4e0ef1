/* page_connections.c: the connection screens — list and show, the shared loading, views and audit record. */
#include "page_connections.h"

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "auth/session.h"
#include "connectors/conn.h"
#include "connectors/conn_open.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_connections.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define EXPIRY_SOON_DAYS 14

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

/* --- helpers shared with page_connections_form.c and page_connections_delete.c --- */

struct json_object *
page_connections_json(struct req *r, const char *text)
{
	return conn_open_json(r->arena, text);
}

const char *
page_connections_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

const char *
page_connections_t_n(struct req *r, const char *key, long long n)
{
	const char *t = render_t(r, key), *p = strstr(t, "{n}");
	if (p == NULL)
		return t;
	return arena_printf(r->arena, "%.*s%lld%s", (int)(p - t), t, n, p + 3);
}

const char *
page_connections_field_text(struct req *r, const struct conn_ops *ops, const struct conn_field *f, bool help)
{
	const char *k = help ? f->help_key : f->label_key, *t;
	if (k != NULL && strcmp((t = render_t(r, k)), k) != 0)
		return t;
	k = arena_printf(r->arena, help ? "conn_h_%s_%s" : "conn_f_%s_%s", ops->platform, f->name);
	if (strcmp((t = render_t(r, k)), k) != 0)
		return t;
	return help ? "" : f->name;
}

void
page_connections_record(struct req *r, const char *action, uint64_t id, const char *platform, const char *extra)
{
	struct session *s = r->session;
	const char *detail = arena_printf(r->arena, "connection=%llu platform=%s%s%s", (unsigned long long)id,
					  platform, *extra ? " " : "", extra);
	int rc = dbq_audit_append(app_of(r)->db, r->arena, s->tenant_id, s->user_id, action, 0, detail);
	log_event(LOG_INFO, action, LOG_I("actor_user_id", (int64_t)s->user_id), LOG_S("detail", detail));
	if (rc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", action), LOG_S("error", err_name(rc)));
}

/* --- loading and the views ---------------------------------------------- */

int
page_connections_load(struct req *r, struct connection *c)
{
	struct session *s = r->session;
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	int rc = dbq_connections_get(app_of(r)->db, r->arena, s->tenant_id, (uint64_t)id, c);
	if (rc == -ERR_NOT_FOUND)
		return 404;
	if (rc != 0)
		return db_status(rc);
	if (!dbq_users_can_use_connection(app_of(r)->db, r->arena, s->tenant_id, s->user_id,
					  s->restrict_connections, c->id))
		return 404;
	return 0;
}

static const char *
jst_minute(struct req *r, int64_t t)
{
	char buf[20];
	return t > 0 ? arena_strdup(r->arena, clock_jst_minute((time_t)t, buf)) : "";
}

/* The status badge, most urgent first: its message key and tag class. */
enum badge { B_INTERRUPTED, B_AUTH, B_PAUSED, B_FAILURES, B_EXPIRED, B_EXPIRING, B_WAITING, B_OK };

static const struct {
	const char *key, *cls;
} badges[] = {
	[B_INTERRUPTED] = { "conn_status_interrupted", "tag-incident" },
	[B_AUTH] = { "conn_status_auth", "tag-incident" },
	[B_PAUSED] = { "conn_status_paused", "tag" },
	[B_FAILURES] = { "conn_status_failures", "tag-incident" },
	[B_EXPIRED] = { "conn_status_expired", "tag-incident" },
	[B_EXPIRING] = { "conn_status_expiring", "tag-maintenance" },
	[B_WAITING] = { "conn_status_waiting", "tag-info" },
	[B_OK] = { "conn_status_ok", "tag-change" },
};

static enum badge
badge_of(const struct connection *c, int64_t left)
{
	if (c->job_count == 0)
		return B_INTERRUPTED;
	if (c->auth_failed)
		return B_AUTH;
	if (c->paused)
		return B_PAUSED;
	if (c->consecutive_failures > 0)
		return B_FAILURES;
	if (c->credential_expires_at > 0 && left <= 0)
		return B_EXPIRED;
	if (c->credential_expires_at > 0 && left <= EXPIRY_SOON_DAYS * 86400)
		return B_EXPIRING;
	return c->last_success_at == 0 ? B_WAITING : B_OK;
}

/* status_label / status_class, and the credential expiry (date, days left). */
static void
status_view(struct req *r, const struct connection *c, struct view *o)
{
	struct arena *a = r->arena;
	int64_t left = c->credential_expires_at - (int64_t)clock_now();
	enum badge b = badge_of(c, left);
	view_set_str(a, o, "status_label", page_connections_t_n(r, badges[b].key, c->consecutive_failures));
	view_set_str(a, o, "status_class", badges[b].cls);
	view_set_bool(a, o, "has_expiry", c->credential_expires_at > 0);
	if (c->credential_expires_at > 0) {
		char buf[20];
		clock_jst_minute((time_t)c->credential_expires_at, buf);
		view_set_str(a, o, "expires_date", arena_strndup(a, buf, 10));
		view_set_str(a, o, "expires_left",
			     left <= 0 ? render_t(r, "conn_expired")
				       : page_connections_t_n(r, "conn_days_left", left / 86400));
		view_set_bool(a, o, "expires_soon", left <= EXPIRY_SOON_DAYS * 86400);
	}
}

static const char *
platform_label(const char *platform)
{
	const struct conn_ops *ops = conn_find(platform);
	return ops != NULL ? ops->label : platform;
}

struct view *
page_connections_view(struct req *r, const struct connection *c)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	view_set_int(a, o, "id", (int64_t)c->id);
	view_set_str(a, o, "name", c->name);
	view_set_str(a, o, "platform", c->platform);
	view_set_str(a, o, "platform_label", platform_label(c->platform));
	view_set_str(a, o, "endpoint", c->endpoint);
	view_set_bool(a, o, "paused", c->paused);
	view_set_bool(a, o, "auth_failed", c->auth_failed);
	view_set_bool(a, o, "interrupted", c->job_count == 0);
	view_set_bool(a, o, "has_success", c->last_success_at > 0);
	view_set_str(a, o, "last_success", jst_minute(r, c->last_success_at));
	view_set_bool(a, o, "has_error", c->last_error != NULL && c->last_error_at > 0);
	view_set_str(a, o, "last_error", c->last_error ? c->last_error : "");
	view_set_str(a, o, "last_error_at", jst_minute(r, c->last_error_at));
	view_set_int(a, o, "failures", c->consecutive_failures);
	view_set_str(a, o, "created", jst_minute(r, c->created_at));
	view_set_str(a, o, "updated", jst_minute(r, c->updated_at));
	status_view(r, c, o);
	return o;
}

static bool
can_edit(struct req *r)
{
	return r->session->role >= ROLE_EDITOR;
}

int
page_connections_list(struct req *r)
{
	struct session *s = r->session;
	struct connection *cs = NULL;
	size_t n = 0;
	int rc = dbq_connections_list(app_of(r)->db, r->arena, s->tenant_id,
				      s->restrict_connections ? s->user_id : 0, &cs, &n);
	if (rc != 0)
		return db_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, page_connections_view(r, &cs[i]));
	view_set(a, v, "connections", list);
	view_set_bool(a, v, "has_connections", n > 0);
	view_set_bool(a, v, "can_add", can_edit(r) && !s->restrict_connections);
	view_set_bool(a, v, "restricted", s->restrict_connections);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "connections/list", v, 200);
}

int
page_connections_render_show(struct req *r, const struct connection *c, const char *test_message, bool test_ok,
			     int status)
{
	struct arena *a = r->arena;
	struct view *v = render_root(r), *o = page_connections_view(r, c);
	const struct conn_ops *ops = conn_find(c->platform);
	struct json_object *settings = page_connections_json(r, c->settings_json);
	struct view *shown = view_list(a), *secret = view_list(a);
	for (size_t i = 0; ops != NULL && i < ops->nfields; i++) {
		const struct conn_field *f = &ops->fields[i];
		struct view *fo = view_obj(a);
		view_set_str(a, fo, "label", page_connections_field_text(r, ops, f, false));
		if (f->secret) {
			view_push(a, secret, fo);
			continue;
		}
		const char *val = page_connections_json_str(settings, f->name);
		view_set_str(a, fo, "value", val != NULL && *val ? val : render_t(r, "conn_not_set"));
		view_push(a, shown, fo);
	}
	view_set(a, o, "settings", shown);
	view_set(a, o, "secrets", secret);
	view_set(a, v, "conn", o);
	view_set_bool(a, v, "can_edit", can_edit(r));
	view_set_bool(a, v, "has_test", test_message != NULL);
	view_set_bool(a, v, "test_ok", test_ok);
	view_set_str(a, v, "test_message", test_message ? test_message : "");
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "connections/show", v, status);
}

int
page_connections_show(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	return page_connections_render_show(r, &c, NULL, false, 200);
}
