/* page_connections_form.c: the connection add/edit form — platform choice, the platform's fields, checks, save. */
#include "page_connections_form.h"

#include <string.h>

#include <json-c/json.h>

#include "auth/session.h"
#include "connectors/conn.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/dbq_connections.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_connections.h"
#include "pages/render.h"
#include "server/app.h"

#define FIELD_MAX_DEFAULT 1000 /* bytes, when a platform field gives no max_len */

/* What the add/edit form holds: the values as entered and the errors. */
struct form_state {
	const struct conn_ops *ops;
	const char *name, *endpoint;
	const char **vals;   /* per ops->fields[i], as entered (trimmed); never shown for secrets */
	const char **errs;   /* per field, NULL = fine */
	bool *stored;        /* edit: this secret is stored ("設定済み") */
	const char *name_err, *endpoint_err, *error;
	bool bad;
};

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

/* --- helpers ------------------------------------------------------------ */

static void
json_put(void *p)
{
	json_object_put(p);
}

static struct json_object *
json_new(struct req *r)
{
	struct json_object *o = json_object_new_object();
	arena_defer(r->arena, json_put, o);
	return o;
}

static const char *
json_text(struct req *r, struct json_object *o)
{
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	return arena_strdup(r->arena, json_object_to_json_string_ext(o, flags));
}

static bool
is_date_field(const struct conn_field *f)
{
	size_t n = strlen(f->name);
	return (f->pattern != NULL && strcmp(f->pattern, "YYYY-MM-DD") == 0) ||
	       (n > 3 && strcmp(f->name + n - 3, "_on") == 0);
}

/* Streams the platform syncs (one sync_jobs row each); never 0, which would mean all. */
static unsigned
streams_of(const struct conn_ops *ops)
{
	return ops->streams != 0 ? ops->streams : 1u << CONN_ORDERS;
}

/* --- the form's state and view ------------------------------------------- */

static void
fs_init(struct req *r, struct form_state *fs, const struct conn_ops *ops)
{
	memset(fs, 0, sizeof *fs);
	fs->ops = ops;
	fs->name = "";
	fs->endpoint = "";
	fs->vals = arena_calloc(r->arena, ops->nfields + 1, sizeof *fs->vals);
	fs->errs = arena_calloc(r->arena, ops->nfields + 1, sizeof *fs->errs);
	fs->stored = arena_calloc(r->arena, ops->nfields + 1, sizeof *fs->stored);
}

/* Fill fs from a stored connection (the edit form). */
static void
fs_from(struct req *r, struct form_state *fs, const struct connection *c, struct json_object *settings,
	struct json_object *secrets)
{
	fs->name = c->name;
	fs->endpoint = c->endpoint;
	for (size_t i = 0; i < fs->ops->nfields; i++) {
		const struct conn_field *f = &fs->ops->fields[i];
		const char *v = page_connections_json_str(f->secret ? secrets : settings, f->name);
		if (f->secret)
			fs->stored[i] = v != NULL && *v != '\0';
		else
			fs->vals[i] = v != NULL ? v : "";
	}
	(void)r;
}

static int
render_form(struct req *r, const struct form_state *fs, const struct connection *old, int status)
{
	struct arena *a = r->arena;
	const struct conn_ops *ops = fs->ops;
	struct view *v = render_root(r), *fields = view_list(a);
	view_set_str(a, v, "platform", ops->platform);
	view_set_str(a, v, "platform_label", ops->label);
	view_set_bool(a, v, "is_edit", old != NULL);
	view_set_str(a, v, "form_action_href",
		     old ? arena_printf(a, "/connections/%llu/edit", (unsigned long long)old->id) : "/connections");
	view_set_str(a, v, "back_href", old ? arena_printf(a, "/connections/%llu", (unsigned long long)old->id)
				       : "/connections/new");
	view_set_str(a, v, "name", fs->name);
	view_set_str(a, v, "endpoint", fs->endpoint);
	const char *def = ops->default_endpoint ? ops->default_endpoint : "";
	view_set_str(a, v, "endpoint_default", def);
	if (fs->name_err)
		view_set_str(a, v, "name_error", fs->name_err);
	if (fs->endpoint_err)
		view_set_str(a, v, "endpoint_error", fs->endpoint_err);
	if (fs->error)
		view_set_str(a, v, "error", fs->error);
	for (size_t i = 0; i < ops->nfields; i++) {
		const struct conn_field *f = &ops->fields[i];
		struct view *o = view_obj(a);
		view_set_str(a, o, "input", arena_printf(a, "f_%s", f->name));
		view_set_str(a, o, "label", page_connections_field_text(r, ops, f, false));
		view_set_str(a, o, "help", page_connections_field_text(r, ops, f, true));
		view_set_bool(a, o, "secret", f->secret);
		view_set_bool(a, o, "date", !f->secret && is_date_field(f));
		view_set_bool(a, o, "text", !f->secret && !is_date_field(f));
		view_set_bool(a, o, "required", f->required && !(f->secret && fs->stored[i]));
		view_set_int(a, o, "maxlength", (int64_t)(f->max_len ? f->max_len : FIELD_MAX_DEFAULT));
		view_set_str(a, o, "value", f->secret || fs->vals[i] == NULL ? "" : fs->vals[i]);
		view_set_bool(a, o, "stored", f->secret && fs->stored[i]);
		view_set_str(a, o, "error", fs->errs[i] ? fs->errs[i] : ""); /* set: no fall-through to the form's */
		view_push(a, fields, o);
	}
	view_set(a, v, "fields", fields);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "connections/form", v, status);
}

/* --- reading and checking the posted fields ------------------------------ */

/* The single value of a body field, trimmed; "" when absent; -1 when repeated. */
static int
fval(struct req *r, const char *name, const char **out)
{
	const char *v = "";
	int rc = req_form(r, name, &v);
	if (rc == -ERR_CONFLICT)
		return -1;
	if (rc != 0)
		v = "";
	size_t n = strlen(v);
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++, n--;
	while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
		n--;
	*out = arena_strndup(r->arena, v, n);
	return 0;
}

static bool
clean_text(const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The platform's default endpoint with "{field}" replaced from settings;
 * NULL when a placeholder has no value. */
static const char *
default_endpoint(struct req *r, const struct conn_ops *ops, struct json_object *settings)
{
	const char *d = ops->default_endpoint ? ops->default_endpoint : "";
	struct buf b;
	buf_init(&b, r->arena, 64);
	while (*d) {
		const char *close = *d == '{' ? strchr(d, '}') : NULL;
		if (close == NULL) {
			buf_putc(&b, *d++);
			continue;
		}
		const char *key = arena_strndup(r->arena, d + 1, (size_t)(close - d - 1));
		const char *v = page_connections_json_str(settings, key);
		if (v == NULL || *v == '\0')
			return NULL;
		buf_puts(&b, v);
		d = close + 1;
	}
	return b.len > 0 ? buf_cstr(&b) : NULL;
}

/* n bytes of s without ASCII spaces, in r's arena. */
static char *
squeeze(struct req *r, const char *s, size_t n)
{
	char *out = arena_alloc(r->arena, n + 1), *o = out;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			*o++ = s[i];
	*o = '\0';
	return out;
}

/* true when msg names the field: its label up to any "（" or "(", or its
 * JSON name, compared without spaces ("API バージョン" = "APIバージョン"). */
static bool
mentions(struct req *r, const char *msg, const char *label, const char *name)
{
	size_t n = strcspn(label, "(");
	const char *wide = strstr(label, "（");
	if (wide != NULL && (size_t)(wide - label) < n)
		n = (size_t)(wide - label);
	const char *m = squeeze(r, msg, strlen(msg)), *l = squeeze(r, label, n);
	return (*l != '\0' && strstr(m, l) != NULL) || strstr(msg, name) != NULL;
}

/* Attach the platform's validate() message to the field it names, else to the form. */
static void
place_message(struct req *r, struct form_state *fs, const char *msg)
{
	for (size_t i = 0; i < fs->ops->nfields; i++) {
		const struct conn_field *f = &fs->ops->fields[i];
		if (mentions(r, msg, page_connections_field_text(r, fs->ops, f, false), f->name)) {
			fs->errs[i] = msg;
			return;
		}
	}
	fs->error = msg;
}

/* A message for one place of the form; the form is shown again. */
static void
flag(struct form_state *fs, const char **slot, const char *msg)
{
	*slot = msg;
	fs->bad = true;
}

/* One platform field from the form into settings or secrets. */
static void
take_field(struct req *r, struct form_state *fs, size_t i, const char *v, struct json_object *settings,
	   struct json_object *secrets, bool *secrets_changed)
{
	const struct conn_field *f = &fs->ops->fields[i];
	size_t max = f->max_len ? f->max_len : FIELD_MAX_DEFAULT;
	fs->vals[i] = v;
	if (!clean_text(v))
		fs->errs[i] = render_t(r, "conn_err_chars");
	else if (strlen(v) > max)
		fs->errs[i] = page_connections_t_n(r, "conn_err_too_long", (long long)max);
	else if (*v == '\0' && f->required && !(f->secret && fs->stored[i]))
		fs->errs[i] = render_t(r, "conn_err_required");
	if (fs->errs[i] != NULL) {
		fs->bad = true;
		return;
	}
	if (*v == '\0')
		return; /* optional and empty, or a stored secret kept */
	json_object_object_add(f->secret ? secrets : settings, f->name, json_object_new_string(v));
	if (f->secret)
		*secrets_changed = true;
}

/*
 * collect: read and check the whole form into in. old/old_settings/
 * old_secrets describe the stored connection on an edit (NULL on add).
 * Returns 0 (fs->bad tells whether the form must be shown again) or 400.
 */
static int
collect(struct req *r, struct form_state *fs, const struct connection *old, struct json_object *old_settings,
	struct json_object *old_secrets, struct connection_input *in)
{
	const struct conn_ops *ops = fs->ops;
	struct json_object *settings = json_new(r);
	struct json_object *secrets = old_secrets != NULL ? old_secrets : json_new(r);
	bool secrets_changed = false;
	const char *ep;
	if (fval(r, "name", &fs->name) != 0 || fval(r, "endpoint", &ep) != 0)
		return 400;
	fs->endpoint = ep;
	if (!dbq_connections_name_ok(fs->name))
		flag(fs, &fs->name_err, render_t(r, "conn_err_name"));
	for (size_t i = 0; i < ops->nfields; i++) {
		const char *v;
		if (fval(r, arena_printf(r->arena, "f_%s", ops->fields[i].name), &v) != 0)
			return 400;
		take_field(r, fs, i, v, settings, secrets, &secrets_changed);
	}
	/* an endpoint left at the stored default follows the settings (e.g. a new shop domain) */
	if (old != NULL && strcmp(ep, old->endpoint) == 0) {
		const char *was = default_endpoint(r, ops, old_settings);
		if (was != NULL && strcmp(was, old->endpoint) == 0)
			ep = "";
	}
	char *norm = NULL;
	if (*ep == '\0' && (ep = default_endpoint(r, ops, settings)) == NULL) {
		if (!fs->bad)
			flag(fs, &fs->endpoint_err, render_t(r, "conn_err_endpoint_default"));
	} else if (ep != NULL && dbq_connections_endpoint_norm(r->arena, ep, &norm) != 0) {
		flag(fs, &fs->endpoint_err, render_t(r, "conn_err_endpoint"));
	}
	if (fs->bad)
		return 0;
	struct buf msg;
	buf_init(&msg, r->arena, 128);
	if (ops->validate != NULL && ops->validate(settings, secrets, &msg) != 0) {
		place_message(r, fs, msg.len ? buf_cstr(&msg) : render_t(r, "conn_err_invalid"));
		fs->bad = true;
		return 0;
	}
	bool taken = false;
	int rc = dbq_connections_name_taken(app_of(r)->db, r->arena, r->session->tenant_id, fs->name,
					    old ? old->id : 0, &taken);
	if (rc != 0)
		return db_status(rc);
	if (taken) {
		flag(fs, &fs->name_err, render_t(r, "conn_err_name_taken"));
		return 0;
	}
	memset(in, 0, sizeof *in);
	in->platform = ops->platform;
	in->name = fs->name;
	in->endpoint = norm;
	in->settings_json = json_text(r, settings);
	in->secrets_json = old == NULL || secrets_changed ? json_text(r, secrets) : NULL;
	in->credential_expires_at = ops->credential_expiry ? (int64_t)ops->credential_expiry(settings) : 0;
	in->streams = streams_of(ops);
	return 0;
}

/* --- the handlers --------------------------------------------------------- */

static int
refuse_restricted(struct req *r)
{
	log_event(LOG_INFO, "connection_add_refused", LOG_S("reason", "restricted"),
		  LOG_I("user_id", (int64_t)r->session->user_id));
	struct view *v = render_root(r);
	view_set_str(r->arena, v, "message", render_t(r, "conn_err_restricted"));
	return render_page(r, "connections/refused", v, 403);
}

int
page_connections_form_new(struct req *r)
{
	if (r->session->restrict_connections)
		return refuse_restricted(r);
	const char *p;
	if (listing_param(r, "platform", 20, &p) != 0)
		return 400;
	if (*p != '\0') {
		const struct conn_ops *ops = conn_find(p);
		if (ops == NULL)
			return 400;
		struct form_state fs;
		fs_init(r, &fs, ops);
		return render_form(r, &fs, NULL, 200);
	}
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	size_t n = 0;
	const struct conn_ops *const *all = conn_all(&n);
	for (size_t i = 0; i < n; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "platform", all[i]->platform);
		view_set_str(a, o, "label", all[i]->label);
		const char *k = arena_printf(a, "conn_platform_desc_%s", all[i]->platform);
		const char *d = render_t(r, k);
		view_set_str(a, o, "desc", strcmp(d, k) == 0 ? "" : d);
		view_push(a, list, o);
	}
	view_set(a, v, "platforms", list);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "connections/choose", v, 200);
}

int
page_connections_form_create(struct req *r)
{
	if (r->session->restrict_connections)
		return refuse_restricted(r);
	const char *p;
	if (fval(r, "platform", &p) != 0)
		return 400;
	const struct conn_ops *ops = conn_find(p);
	if (ops == NULL)
		return 400;
	struct form_state fs;
	struct connection_input in;
	fs_init(r, &fs, ops);
	int st = collect(r, &fs, NULL, NULL, NULL, &in);
	if (st != 0)
		return st;
	if (fs.bad)
		return render_form(r, &fs, NULL, 200);
	uint64_t id = 0;
	struct session *s = r->session;
	int rc = dbq_connections_create(app_of(r)->db, r->arena, s->tenant_id, s->key, &in, &id);
	if (rc == -ERR_CONFLICT || rc == -ERR_INVALID) {
		if (rc == -ERR_CONFLICT)
			fs.name_err = render_t(r, "conn_err_name_taken");
		else
			fs.error = render_t(r, "conn_err_invalid");
		return render_form(r, &fs, NULL, 200);
	}
	if (rc != 0)
		return db_status(rc);
	page_connections_record(r, "connection.create", id, ops->platform, "");
	render_flash_set(r, "conn_created");
	return resp_redirect(r, arena_printf(r->arena, "/connections/%llu", (unsigned long long)id));
}

/* The stored connection, its platform and its parsed settings and secrets
 * (the edit form and the update); 0 or a status. */
static int
load_full(struct req *r, struct connection *c, const struct conn_ops **ops, struct json_object **settings,
	  struct json_object **secrets)
{
	int st = page_connections_load(r, c);
	if (st != 0)
		return st;
	if ((*ops = conn_find(c->platform)) == NULL)
		return 500;
	char *json = NULL;
	struct session *s = r->session;
	int rc = dbq_connections_secrets(app_of(r)->db, r->arena, s->tenant_id, s->key, c->id, &json);
	if (rc != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	*settings = page_connections_json(r, c->settings_json);
	*secrets = page_connections_json(r, json);
	return *settings != NULL && *secrets != NULL ? 0 : 500;
}

int
page_connections_form_edit(struct req *r)
{
	struct connection c;
	const struct conn_ops *ops;
	struct json_object *settings, *secrets;
	int st = load_full(r, &c, &ops, &settings, &secrets);
	if (st != 0)
		return st;
	struct form_state fs;
	fs_init(r, &fs, ops);
	fs_from(r, &fs, &c, settings, secrets);
	return render_form(r, &fs, &c, 200);
}

int
page_connections_form_update(struct req *r)
{
	struct connection c;
	const struct conn_ops *ops;
	struct json_object *settings, *secrets;
	int st = load_full(r, &c, &ops, &settings, &secrets);
	if (st != 0)
		return st;
	struct form_state fs;
	struct connection_input in;
	fs_init(r, &fs, ops);
	fs_from(r, &fs, &c, settings, secrets);
	if ((st = collect(r, &fs, &c, settings, secrets, &in)) != 0)
		return st;
	if (fs.bad)
		return render_form(r, &fs, &c, 200);
	struct session *s = r->session;
	int rc = dbq_connections_update(app_of(r)->db, r->arena, s->tenant_id, s->key, c.id, &in);
	if (rc == -ERR_CONFLICT) {
		fs.name_err = render_t(r, "conn_err_name_taken");
		return render_form(r, &fs, &c, 200);
	}
	if (rc != 0)
		return rc == -ERR_NOT_FOUND ? 404 : rc == -ERR_INVALID ? 500 : db_status(rc);
	page_connections_record(r, "connection.update", c.id, c.platform,
				arena_printf(r->arena, "secrets=%s expiry=%s", in.secrets_json ? "changed" : "kept",
					     in.credential_expires_at != c.credential_expires_at ? "changed" : "same"));
	render_flash_set(r, "conn_updated");
	return resp_redirect(r, arena_printf(r->arena, "/connections/%llu", (unsigned long long)c.id));
}
