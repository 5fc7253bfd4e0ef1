/* page_security.c: the tenant's security settings (password policy, invitations, sessions, lockout). */
#include "page_security.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_tenants.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "server/app.h"

/* The integer fields and their ranges: the one table in dbq_tenants.c. */
#define fields dbq_tenants_fields
#define NFIELDS dbq_tenants_nfields

static int *
slot(struct tenant_settings *s, size_t i)
{
	return (int *)(void *)((char *)s + fields[i].off);
}

static int
form(struct req *r, const struct tenant_settings *s, const char *error, int status)
{
	struct view *v = render_root(r);
	struct tenant_settings copy = *s;
	for (size_t i = 0; i < NFIELDS; i++) {
		view_set_int(r->arena, v, fields[i].name, *slot(&copy, i));
		view_set_int(r->arena, v, arena_printf(r->arena, "%s_min", fields[i].name), fields[i].min);
		view_set_int(r->arena, v, arena_printf(r->arena, "%s_max", fields[i].name), fields[i].max);
	}
	view_set_bool(r->arena, v, "pw_composition", s->pw_composition);
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	return render_page(r, "settings/security", v, status);
}

int
page_security_form(struct req *r)
{
	struct tenant t;
	int rc = dbq_tenants_get(((struct app *)r->app)->db, r->arena, r->session->tenant_id, &t);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return form(r, &t.s, NULL, 200);
}

/* A decimal integer of at most 6 digits. */
static int
parse_int(const char *s, int *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 6 || strspn(s, "0123456789") != n)
		return -ERR_INVALID;
	*out = (int)strtol(s, NULL, 10);
	return 0;
}

int
page_security_submit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	if (!session_fresh(r))
		return resp_redirect(r, "/reauth?next=/settings/security");
	struct tenant t;
	int rc = dbq_tenants_get(app->db, r->arena, r->session->tenant_id, &t);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	struct tenant_settings s = t.s;
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *val;
		int x = 0;
		if (req_form(r, fields[i].name, &val) != 0)
			return 400;
		if (parse_int(val, &x) != 0 || x < fields[i].min || x > fields[i].max)
			return form(r, &s, arena_printf(r->arena, "%s: %s (%d–%d)",
							render_t(r, arena_printf(r->arena, "sec_%s", fields[i].name)),
							render_t(r, "sec_err_range"), fields[i].min, fields[i].max),
				    200);
		*slot(&s, i) = x;
	}
	const char *comp = NULL;
	if (req_form(r, "pw_composition", &comp) == -ERR_CONFLICT)
		return 400;
	s.pw_composition = comp != NULL && strcmp(comp, "1") == 0;
	const char *bad = NULL;
	if (dbq_tenants_settings_check(&s, &bad) != 0)
		return form(r, &s, render_t(r, "sec_err_range"), 200);
	if ((rc = dbq_tenants_update_settings(app->db, r->arena, t.id, &s)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	const char *detail = arena_printf(
		r->arena,
		"pw_min_length=%d pw_history=%d pw_composition=%d pw_expiry_days=%d invite_ttl_hours=%d"
		" session_idle_minutes=%d session_absolute_hours=%d lockout_threshold=%d lockout_minutes=%d",
		s.pw_min_length, s.pw_history, s.pw_composition ? 1 : 0, s.pw_expiry_days,
		s.invite_ttl_hours, s.session_idle_minutes, s.session_absolute_hours, s.lockout_threshold,
		s.lockout_minutes);
	dbq_audit_append(app->db, r->arena, t.id, r->session->user_id, "security_settings_changed", 0,
			 detail);
	log_event(LOG_INFO, "security_settings_changed", LOG_I("user_id", (int64_t)r->session->user_id));
	render_flash_set(r, "settings_saved");
	return resp_redirect(r, "/settings/security");
}
