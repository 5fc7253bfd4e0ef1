/* render.c: the root view every page gets and the one call that renders a page template. */
#include "render.h"

#include <string.h>

#include "auth/csrf.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "html/i18n.h"
#include "html/tmpl.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/routes.h"
#include "server/app.h"

#define FLASH_COOKIE "__Host-ecc_flash"

static bool
flash_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_'))
			return false;
	return true;
}

void
render_flash_set(struct req *r, const char *key)
{
	if (flash_key_ok(key))
		resp_cookie(r, FLASH_COOKIE, key, 60, SAMESITE_LAX);
}

const char *
render_t(struct req *r, const char *key)
{
	return i18n_get(r->lang, key);
}

static struct view *
flash_list(struct req *r)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	const char *key = req_cookie(r, FLASH_COOKIE);
	if (key == NULL)
		return list;
	resp_cookie(r, FLASH_COOKIE, "x", 0, SAMESITE_LAX); /* one-shot: delete */
	if (!flash_key_ok(key))
		return list;
	const char *name = arena_printf(a, "flash_%s", key);
	const char *text = i18n_get(r->lang, name);
	if (text == name || strcmp(text, name) == 0)
		return list; /* unknown key: show nothing rather than a key name */
	struct view *item = view_obj(a);
	bool is_error = strncmp(key, "error_", 6) == 0;
	view_set_str(a, item, "kind", is_error ? "error" : "success");
	view_set_bool(a, item, "is_error", is_error);
	view_set_str(a, item, "text", text);
	view_push(a, list, item);
	return list;
}

struct view *
render_root(struct req *r)
{
	struct arena *a = r->arena;
	struct view *v = view_obj(a);
	view_set(a, v, "t", (struct view *)i18n_catalog(r->lang));
	view_set_str(a, v, "lang", r->lang);
	view_set_bool(a, v, "lang_ja", strcmp(r->lang, "ja") == 0);
	view_set_bool(a, v, "lang_en", strcmp(r->lang, "en") == 0);
	const char *tok = csrf_token(r);
	view_set_str(a, v, "csrf_token", tok ? tok : "");
	view_set_str(a, v, "path", r->path);
	view_set_str(a, v, "request_id", r->req_id);
	view_set_str(a, v, "static_v", r->app->cfg.static_version);
	view_set_bool(a, v, "zone_ops", r->app->zone == ZONE_OPS);
	view_set(a, v, "flash", flash_list(r));
	bool signed_in = r->session != NULL && r->session->state == SESSION_ACTIVE;
	view_set_bool(a, v, "signed_in", signed_in);
	view_set_bool(a, v, "is_admin", signed_in && r->session->role == ROLE_ADMIN);
	if (r->session != NULL)
		view_set_str(a, v, "tenant_name", r->session->tenant_name);
	char day[20];
	clock_jst_minute(clock_now(), day);
	view_set_str(a, v, "year", arena_strndup(a, day, 4));
	return v;
}

int
render_page(struct req *r, const char *tmpl, struct view *root, int status)
{
	struct buf err;
	buf_init(&err, r->arena, 128);
	buf_clear(&r->resp.body);
	int rc = tmpl_render(r->app->tmpl, tmpl, root, r->arena, &r->resp.body, &err);
	if (rc != 0) {
		log_event(LOG_ERROR, "render_failed", LOG_S("template", tmpl), LOG_S("error", err.data));
		buf_clear(&r->resp.body);
		r->resp.body_set = false;
		return 500;
	}
	r->resp.content_type = "text/html; charset=utf-8";
	r->resp.body_set = true;
	return status;
}
