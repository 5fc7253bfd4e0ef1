/* page_flows_form.c: the flow add/edit form — template, sources, extra filter, destination, schedule, keep days. */
#include "page_flows_form.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "auth/session.h"
#include "convert/conv_fields.h"
#include "convert/expr.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_connections.h"
#include "db/dbq_flows.h"
#include "db/dbq_templates.h"
#include "delivery/delivery.h"
#include "html/view.h"
#include "http/form.h"
#include "http/req.h"
#include "http/resp.h"
#include "jobs/flow_dest.h"
#include "jobs/flow_schedule.h"
#include "pages/page_connections.h"
#include "pages/page_flows.h"
#include "pages/page_flows_actions.h"
#include "pages/render.h"
#include "server/app.h"

#define FILTER_MAX 4000      /* code points (flows.filter_expr) */
#define FIELD_MAX 2048       /* bytes of any other one-line input */
#define KEY_MAX 16000        /* bytes of a pasted private key */
#define KEEP_DEFAULT "30"
#define INTERVAL_DEFAULT "60"

/* What the form holds: the values as entered, what is stored (edit) and the messages. */
struct form_state {
	const char *name, *template_s, *filter, *dest, *host, *port, *user, *dir, *hostkey, *auth, *url, *sched,
		*interval, *times, *keep;
	uint64_t *conns;
	size_t nconns;
	unsigned days;
	bool stored_password, stored_key, stored_token;
	const char *name_err, *template_err, *conns_err, *filter_err, *dest_err, *sched_err, *keep_err, *error;
	bool bad;
	bool test_ok;
	const char *test_message;  /* a 接続テスト ran: its result */
	/* what may be chosen */
	struct dbq_template *templates;
	size_t ntemplates;
	struct connection *allowed;
	size_t nallowed;
};

/* The secrets stored for a flow being edited (NULL: none). */
struct stored {
	const char *password, *private_key, *key_passphrase, *token;
};

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

static void
flag(struct form_state *fs, const char **slot, const char *msg)
{
	if (*slot == NULL)
		*slot = msg;
	fs->bad = true;
}

/* choices: the tenant's templates and the connections this user may use. */
static int
choices(struct req *r, struct form_state *fs)
{
	struct session *s = r->session;
	int rc = dbq_templates_list(app_of(r)->db, r->arena, s->tenant_id, &fs->templates, &fs->ntemplates);
	if (rc == 0)
		rc = dbq_connections_list(app_of(r)->db, r->arena, s->tenant_id, s->restrict_connections ? s->user_id : 0,
					  &fs->allowed, &fs->nallowed);
	return rc == 0 ? 0 : page_flows_db_status(rc);
}

static void
fs_defaults(struct form_state *fs)
{
	fs->name = fs->filter = fs->host = fs->user = fs->dir = fs->hostkey = fs->url = fs->port = "";
	fs->template_s = "";
	fs->dest = "download";
	fs->auth = "password";
	fs->sched = "interval";
	fs->interval = INTERVAL_DEFAULT;
	fs->times = "09:00";
	fs->keep = KEEP_DEFAULT;
	fs->days = FLOW_SCHEDULE_ALL_DAYS;
}

/* fs_from: a stored flow into the form (edit). */
static void
fs_from(struct req *r, struct form_state *fs, const struct dbq_flow *f, const struct stored *st)
{
	struct arena *a = r->arena;
	fs->name = f->name;
	fs->template_s = arena_printf(a, "%llu", (unsigned long long)f->template_id);
	fs->filter = f->filter_expr;
	fs->dest = f->destination;
	fs->conns = f->connections;
	fs->nconns = f->nconnections;
	fs->sched = f->schedule_kind;
	fs->interval = f->interval_min ? arena_printf(a, "%u", f->interval_min) : INTERVAL_DEFAULT;
	fs->times = f->schedule_times && *f->schedule_times ? f->schedule_times : "09:00";
	fs->days = f->schedule_days;
	fs->keep = arena_printf(a, "%u", f->keep_days);
	struct delivery_target t;
	if (flow_dest_target(a, f->destination, f->destination_settings, NULL, &t) == 0) {
		fs->host = t.host ? t.host : "";
		fs->port = t.port > 0 ? arena_printf(a, "%d", t.port) : "";
		fs->user = t.user ? t.user : "";
		fs->dir = t.dir ? t.dir : "";
		fs->hostkey = t.hostkey_sha256 ? t.hostkey_sha256 : "";
		fs->auth = t.auth == DELIVERY_AUTH_KEY ? "key" : "password";
		fs->url = t.url ? t.url : "";
	}
	fs->stored_password = st->password != NULL;
	fs->stored_key = st->private_key != NULL;
	fs->stored_token = st->token != NULL;
}

/* --- the view ------------------------------------------------------------- */

static bool
has_id(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void
set_err(struct arena *a, struct view *v, const char *key, const char *msg)
{
	if (msg != NULL)
		view_set_str(a, v, key, msg);
}

static struct view *
choices_view(struct req *r, const struct form_state *fs, struct view *v)
{
	struct arena *a = r->arena;
	struct view *tl = view_list(a), *cl = view_list(a), *dl = view_list(a);
	for (size_t i = 0; i < fs->ntemplates; i++) {
		const struct dbq_template *t = &fs->templates[i];
		enum conv_kind k;
		struct view *o = view_obj(a);
		const char *id = arena_printf(a, "%llu", (unsigned long long)t->id);
		view_set_str(a, o, "id", id);
		view_set_str(a, o, "label", arena_printf(a, "%s（%s）", t->name,
							 conv_kind_parse(t->kind, &k) == 0 ? conv_kind_label(k) : t->kind));
		view_set_bool(a, o, "selected", strcmp(id, fs->template_s) == 0);
		view_push(a, tl, o);
	}
	for (size_t i = 0; i < fs->nallowed; i++) {
		struct view *o = view_obj(a);
		view_set_int(a, o, "id", (int64_t)fs->allowed[i].id);
		view_set_str(a, o, "name", fs->allowed[i].name);
		view_set_bool(a, o, "checked", has_id(fs->conns, fs->nconns, fs->allowed[i].id));
		view_push(a, cl, o);
	}
	for (int d = 0; d < 7; d++) {
		struct view *o = view_obj(a);
		view_set_int(a, o, "value", d);
		view_set_str(a, o, "label", render_t(r, arena_printf(a, "flow_day_%d", d)));
		view_set_bool(a, o, "checked", (fs->days & (1u << d)) != 0);
		view_push(a, dl, o);
	}
	view_set(a, v, "templates", tl);
	view_set_bool(a, v, "has_templates", fs->ntemplates > 0);
	view_set(a, v, "connections", cl);
	view_set_bool(a, v, "has_connections", fs->nallowed > 0);
	view_set(a, v, "days", dl);
	return v;
}

static int
render_form(struct req *r, const struct form_state *fs, uint64_t id, int status)
{
	struct arena *a = r->arena;
	struct view *v = choices_view(r, fs, render_root(r));
	view_set_bool(a, v, "is_edit", id != 0);
	view_set_str(a, v, "form_action_href", id ? arena_printf(a, "/flows/%llu/edit", (unsigned long long)id) : "/flows");
	view_set_str(a, v, "back_href", id ? arena_printf(a, "/flows/%llu", (unsigned long long)id) : "/flows");
	const char *vals[][2] = { { "name", fs->name },	    { "filter", fs->filter },   { "host", fs->host },
				  { "port", fs->port },	    { "user", fs->user },	{ "dir", fs->dir },
				  { "hostkey", fs->hostkey }, { "url", fs->url },	{ "interval", fs->interval },
				  { "times", fs->times },   { "keep", fs->keep } };
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		view_set_str(a, v, vals[i][0], vals[i][1] ? vals[i][1] : "");
	view_set_bool(a, v, "dest_download", strcmp(fs->dest, "download") == 0);
	view_set_bool(a, v, "dest_sftp", strcmp(fs->dest, "sftp") == 0);
	view_set_bool(a, v, "dest_http", strcmp(fs->dest, "http") == 0);
	view_set_bool(a, v, "auth_password", strcmp(fs->auth, "key") != 0);
	view_set_bool(a, v, "auth_key", strcmp(fs->auth, "key") == 0);
	view_set_bool(a, v, "sched_interval", strcmp(fs->sched, "interval") == 0);
	view_set_bool(a, v, "sched_times", strcmp(fs->sched, "times") == 0);
	view_set_bool(a, v, "sched_manual", strcmp(fs->sched, "manual") == 0);
	view_set_bool(a, v, "stored_password", fs->stored_password);
	view_set_bool(a, v, "stored_key", fs->stored_key);
	view_set_bool(a, v, "stored_token", fs->stored_token);
	set_err(a, v, "name_error", fs->name_err);
	set_err(a, v, "template_error", fs->template_err);
	set_err(a, v, "conns_error", fs->conns_err);
	set_err(a, v, "filter_error", fs->filter_err);
	set_err(a, v, "dest_error", fs->dest_err);
	set_err(a, v, "sched_error", fs->sched_err);
	set_err(a, v, "keep_error", fs->keep_err);
	set_err(a, v, "error", fs->error);
	if (fs->test_message != NULL)
		view_set(a, v, "test", page_flows_test_view(r, fs->test_message, fs->test_ok));
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "flows/form", v, status);
}

/* --- reading and checking ------------------------------------------------- */

/* trim: s without the spaces, tabs and line ends around it, in a. */
static const char *
trim(struct arena *a, const char *s)
{
	s += strspn(s, " \t\r\n");
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* fval: the single value of a body field, trimmed ("" when absent); -1 when it is repeated. */
static int
fval(struct req *r, const char *name, const char **out)
{
	const char *v = NULL;
	int rc = req_form(r, name, &v);
	*out = trim(r->arena, rc == 0 && v != NULL ? v : "");
	return rc == -ERR_CONFLICT ? -1 : 0;
}

/* text without control characters (tab and line ends allowed when multiline), valid UTF-8, at most max bytes */
static bool
clean(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s);
	if (n > max || !utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return false;
	}
	return true;
}

/* number: s as a decimal in lo..hi, or -1. */
static long
number(const char *s, long lo, long hi)
{
	if (*s == '\0' || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s))
		return -1;
	long v = strtol(s, NULL, 10);
	return v >= lo && v <= hi ? v : -1;
}

static int
read_fields(struct req *r, struct form_state *fs)
{
	struct { const char *name; const char **slot; } f[] = {
		{ "name", &fs->name },	   { "template", &fs->template_s }, { "filter", &fs->filter },
		{ "destination", &fs->dest }, { "sftp_host", &fs->host },     { "sftp_port", &fs->port },
		{ "sftp_user", &fs->user },   { "sftp_dir", &fs->dir },	      { "sftp_hostkey", &fs->hostkey },
		{ "sftp_auth", &fs->auth },   { "http_url", &fs->url },	      { "schedule", &fs->sched },
		{ "interval", &fs->interval }, { "times", &fs->times },	      { "keep_days", &fs->keep },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (fval(r, f[i].name, f[i].slot) != 0)
			return 400;
	const char **vals = NULL;
	size_t n = form_get_all(&r->form, r->arena, "connection", &vals, NULL);
	fs->conns = arena_calloc(r->arena, n + 1, sizeof *fs->conns);
	fs->nconns = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = page_flows_id(vals[i]);
		if (id == 0)
			return 400;
		if (!has_id(fs->conns, fs->nconns, id))
			fs->conns[fs->nconns++] = id;
	}
	n = form_get_all(&r->form, r->arena, "day", &vals, NULL);
	fs->days = 0;
	for (size_t i = 0; i < n; i++) {
		if (strlen(vals[i]) != 1 || vals[i][0] < '0' || vals[i][0] > '6')
			return 400;
		fs->days |= 1u << (vals[i][0] - '0');
	}
	return 0;
}

/* check_filter: the extra filter compiled against the template's kind; a message with the position. */
static void
check_filter(struct req *r, struct form_state *fs, enum conv_kind kind)
{
	const char *src = fs->filter;
	if (*src == '\0')
		return;
	if (!clean(src, EXPR_MAX_SOURCE, true) || utf8_codepoints(src, strlen(src)) > FILTER_MAX) {
		flag(fs, &fs->filter_err, render_t(r, "flow_err_filter_long"));
		return;
	}
	struct expr *e;
	struct expr_error err;
	memset(&err, 0, sizeof err);
	if (expr_compile(r->arena, src, strlen(src), conv_fields_catalog(kind), &e, &err) != 0)
		flag(fs, &fs->filter_err,
		     arena_printf(r->arena, "%s %s", page_connections_t_n(r, "flow_err_filter", (long long)err.column),
				  err.msg));
}

/* check_schedule: the schedule into in (kind, interval, times, days) and its next run. */
static void
check_schedule(struct req *r, struct form_state *fs, struct dbq_flow *in)
{
	struct flow_schedule s;
	memset(&s, 0, sizeof s);
	if (flow_schedule_kind_parse(fs->sched, &s.kind) != 0) {
		flag(fs, &fs->sched_err, render_t(r, "flow_err_schedule"));
		return;
	}
	in->schedule_kind = flow_schedule_kind_name(s.kind);
	in->schedule_days = fs->days;
	if (s.kind == FLOW_SCHEDULE_INTERVAL) {
		long m = number(fs->interval, FLOW_SCHEDULE_MIN_INTERVAL, FLOW_SCHEDULE_MAX_INTERVAL);
		if (m < 0) {
			flag(fs, &fs->sched_err, render_t(r, "flow_err_interval"));
			return;
		}
		s.interval_min = in->interval_min = (unsigned)m;
	} else if (s.kind == FLOW_SCHEDULE_TIMES) {
		if (flow_schedule_parse_times(fs->times, &s) != 0) {
			flag(fs, &fs->sched_err, render_t(r, "flow_err_times"));
			return;
		}
		if (fs->days == 0) {
			flag(fs, &fs->sched_err, render_t(r, "flow_err_days"));
			return;
		}
		s.days = fs->days;
		in->schedule_times = flow_schedule_times_text(r->arena, &s);
		fs->times = in->schedule_times;
	}
	in->next_run_at = flow_schedule_next(&s, clock_now());
}

/* check_dest: the destination as a delivery target (stored secrets filled in where the input is empty). */
static void
check_dest(struct req *r, struct form_state *fs, const struct stored *st, struct delivery_target *t, bool *entered)
{
	memset(t, 0, sizeof *t);
	*entered = false;
	if (strcmp(fs->dest, "download") == 0)
		return;
	const char *pw, *key, *pass, *token;
	if (fval(r, "sftp_password", &pw) != 0 || fval(r, "sftp_key", &key) != 0 ||
	    fval(r, "sftp_passphrase", &pass) != 0 || fval(r, "http_token", &token) != 0 ||
	    !clean(pw, FIELD_MAX, false) || !clean(key, KEY_MAX, true) || !clean(pass, FIELD_MAX, false) ||
	    !clean(token, FIELD_MAX, false)) {
		flag(fs, &fs->dest_err, render_t(r, "flow_err_chars"));
		return;
	}
	const char *one_line[] = { fs->host, fs->port, fs->user, fs->dir, fs->hostkey, fs->url };
	for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++)
		if (!clean(one_line[i], FIELD_MAX, false)) {
			flag(fs, &fs->dest_err, render_t(r, "flow_err_chars"));
			return;
		}
	if (strcmp(fs->dest, "http") == 0) {
		t->kind = DELIVERY_HTTP;
		t->url = fs->url;
		t->bearer_token = *token ? token : st->token;
		*entered = *token != '\0';
	} else if (strcmp(fs->dest, "sftp") == 0) {
		t->kind = DELIVERY_SFTP;
		t->host = fs->host;
		long port = *fs->port ? number(fs->port, 1, 65535) : DELIVERY_SFTP_PORT;
		if (port < 0) {
			flag(fs, &fs->dest_err, render_t(r, "flow_err_port"));
			return;
		}
		t->port = (int)port;
		t->user = fs->user;
		t->dir = fs->dir;
		t->hostkey_sha256 = fs->hostkey;
		if (strcmp(fs->auth, "key") == 0) {
			t->auth = DELIVERY_AUTH_KEY;
			t->private_key = *key ? key : st->private_key;
			t->key_passphrase = *key ? (*pass ? pass : NULL) : (*pass ? pass : st->key_passphrase);
			*entered = *key != '\0' || *pass != '\0';
		} else {
			t->auth = DELIVERY_AUTH_PASSWORD;
			t->password = *pw ? pw : st->password;
			*entered = *pw != '\0';
		}
	} else {
		flag(fs, &fs->dest_err, render_t(r, "flow_err_destination"));
		return;
	}
	struct delivery_result res;
	delivery_result_init(&res);
	if (delivery_validate(r->arena, t, &res) != 0)
		flag(fs, &fs->dest_err, res.message);
}

/* collect: read and check the whole form into in, secret_json and t; 0 (fs->bad says whether to show it again) or a status. */
static int
collect(struct req *r, struct form_state *fs, const struct stored *st, struct dbq_flow *in, const char **secret_json,
	struct delivery_target *t, bool *entered)
{
	int rc = read_fields(r, fs);
	if (rc != 0)
		return rc;
	memset(in, 0, sizeof *in);
	if (*fs->name == '\0' || !clean(fs->name, 400, false) ||
	    utf8_codepoints(fs->name, strlen(fs->name)) > DBQ_FLOWS_NAME_MAX)
		flag(fs, &fs->name_err, render_t(r, "flow_err_name"));
	const struct dbq_template *tpl = NULL;
	uint64_t tid = page_flows_id(fs->template_s);
	for (size_t i = 0; i < fs->ntemplates && tid != 0; i++)
		if (fs->templates[i].id == tid)
			tpl = &fs->templates[i];
	enum conv_kind kind = CONV_ORDER;
	if (tpl == NULL || conv_kind_parse(tpl->kind, &kind) != 0)
		flag(fs, &fs->template_err, render_t(r, "flow_err_template"));
	else
		check_filter(r, fs, kind);
	bool conns_ok = fs->nconns > 0;
	for (size_t i = 0; i < fs->nconns && conns_ok; i++) {
		bool known = false;
		for (size_t k = 0; k < fs->nallowed && !known; k++)
			known = fs->allowed[k].id == fs->conns[i];
		conns_ok = known;
	}
	if (!conns_ok)
		flag(fs, &fs->conns_err, render_t(r, "flow_err_connections"));
	check_schedule(r, fs, in);
	long keep = number(fs->keep, 1, 3650);
	if (keep < 0)
		flag(fs, &fs->keep_err, render_t(r, "flow_err_keep"));
	check_dest(r, fs, st, t, entered);
	in->name = fs->name;
	in->template_id = tid;
	in->filter_expr = fs->filter;
	in->destination = fs->dest;
	in->connections = fs->conns;
	in->nconnections = fs->nconns;
	in->keep_days = keep > 0 ? (unsigned)keep : 30;
	in->destination_settings = t->kind != 0 ? flow_dest_settings_json(r->arena, t) : "{}";
	*secret_json = t->kind != 0 ? flow_dest_secret_json(r->arena, t) : "";
	return 0;
}

/* run_test: the 接続テスト of the entered destination (op=test); the form is shown with the result. */
static void
run_test(struct req *r, struct form_state *fs, uint64_t id, const struct delivery_target *t)
{
	if (strcmp(fs->dest, "download") == 0) {
		fs->test_ok = true;
		fs->test_message = render_t(r, "flow_test_download");
		return;
	}
	if (fs->dest_err != NULL) {
		fs->test_message = fs->dest_err;
		return;
	}
	fs->test_message = page_flows_actions_test_target(r, id, t, &fs->test_ok);
}

static int
is_test(struct req *r, bool *test)
{
	const char *op;
	if (fval(r, "op", &op) != 0)
		return 400;
	*test = strcmp(op, "test") == 0;
	return 0;
}

/* --- the handlers --------------------------------------------------------- */

int
page_flows_form_new(struct req *r)
{
	struct form_state fs;
	memset(&fs, 0, sizeof fs);
	fs_defaults(&fs);
	int st = choices(r, &fs);
	if (st != 0)
		return st;
	if (fs.ntemplates > 0)
		fs.template_s = arena_printf(r->arena, "%llu", (unsigned long long)fs.templates[0].id);
	return render_form(r, &fs, 0, 200);
}

int
page_flows_form_create(struct req *r)
{
	struct form_state fs;
	memset(&fs, 0, sizeof fs);
	fs_defaults(&fs);
	int st = choices(r, &fs);
	bool test = false;
	if (st != 0 || (st = is_test(r, &test)) != 0)
		return st;
	struct stored none = { 0 };
	struct dbq_flow in;
	struct delivery_target t;
	const char *secret;
	bool entered;
	if ((st = collect(r, &fs, &none, &in, &secret, &t, &entered)) != 0)
		return st;
	if (test) {
		run_test(r, &fs, 0, &t);
		return render_form(r, &fs, 0, 200);
	}
	if (fs.bad)
		return render_form(r, &fs, 0, 200);
	struct session *s = r->session;
	uint64_t id = 0;
	int rc = dbq_flows_create(app_of(r)->db, s->key, s->tenant_id, &in, secret, &id);
	if (rc == -ERR_CONFLICT || rc == -ERR_NOT_FOUND || rc == -ERR_INVALID || rc == -ERR_TOO_LARGE) {
		if (rc == -ERR_CONFLICT)
			fs.name_err = render_t(r, "flow_err_name_taken");
		else
			fs.error = render_t(r, "flow_err_invalid");
		return render_form(r, &fs, 0, 200);
	}
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.create", id, arena_printf(r->arena, "destination=%s", in.destination));
	render_flash_set(r, "flow_created");
	return resp_redirect(r, arena_printf(r->arena, "/flows/%llu", (unsigned long long)id));
}

/* load_stored: the flow being edited and its stored secrets. */
static int
load_stored(struct req *r, struct dbq_flow *f, struct stored *st)
{
	int s = page_flows_load(r, f);
	if (s != 0)
		return s;
	memset(st, 0, sizeof *st);
	const char *json = NULL;
	int rc = dbq_flows_secret(app_of(r)->db, r->arena, r->session->key, r->session->tenant_id, f->id, &json);
	if (rc != 0)
		return page_flows_db_status(rc);
	struct json_object *o = page_connections_json(r, json);
	const char **slots[] = { &st->password, &st->private_key, &st->key_passphrase, &st->token };
	const char *keys[] = { "password", "private_key", "key_passphrase", "token" };
	for (size_t i = 0; i < 4; i++) {
		const char *v = page_connections_json_str(o, keys[i]);
		*slots[i] = v != NULL && *v != '\0' ? v : NULL;
	}
	return 0;
}

int
page_flows_form_edit(struct req *r)
{
	struct dbq_flow f;
	struct stored stored;
	struct form_state fs;
	memset(&fs, 0, sizeof fs);
	int st = load_stored(r, &f, &stored);
	if (st != 0 || (st = choices(r, &fs)) != 0)
		return st;
	fs_defaults(&fs);
	fs_from(r, &fs, &f, &stored);
	return render_form(r, &fs, f.id, 200);
}

int
page_flows_form_update(struct req *r)
{
	struct dbq_flow f;
	struct stored stored;
	struct form_state fs;
	memset(&fs, 0, sizeof fs);
	bool test = false;
	int st = load_stored(r, &f, &stored);
	if (st != 0 || (st = choices(r, &fs)) != 0 || (st = is_test(r, &test)) != 0)
		return st;
	fs_defaults(&fs);
	fs_from(r, &fs, &f, &stored);
	struct dbq_flow in;
	struct delivery_target t;
	const char *secret;
	bool entered;
	if ((st = collect(r, &fs, &stored, &in, &secret, &t, &entered)) != 0)
		return st;
	if (test) {
		run_test(r, &fs, f.id, &t);
		return render_form(r, &fs, f.id, 200);
	}
	if (fs.bad)
		return render_form(r, &fs, f.id, 200);
	in.id = f.id;
	in.paused = f.paused;
	struct session *s = r->session;
	int rc = dbq_flows_update(app_of(r)->db, s->key, s->tenant_id, &in, secret);
	if (rc == -ERR_CONFLICT) {
		fs.name_err = render_t(r, "flow_err_name_taken");
		return render_form(r, &fs, f.id, 200);
	}
	if (rc == -ERR_INVALID || rc == -ERR_TOO_LARGE || (rc == -ERR_NOT_FOUND && in.template_id != f.template_id)) {
		fs.error = render_t(r, "flow_err_invalid");
		return render_form(r, &fs, f.id, 200);
	}
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.update", f.id,
			  arena_printf(r->arena, "destination=%s secret=%s", in.destination,
				       entered ? "changed" : strcmp(in.destination, f.destination) != 0 ? "moved" : "kept"));
	render_flash_set(r, "flow_updated");
	return resp_redirect(r, arena_printf(r->arena, "/flows/%llu", (unsigned long long)f.id));
}
