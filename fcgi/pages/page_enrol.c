/* page_enrol.c: mandatory TOTP enrolment (QR code, key, confirmation) and the one-time recovery codes. */
#include "page_enrol.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/recovery.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_logins.h"
#include "db/dbq_recovery.h"
#include "db/dbq_users.h"
#include "html/qr.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "server/app.h"

static int
not_enrolling(struct req *r)
{
	return resp_redirect(r, r->session->state == SESSION_PENDING ? "/login/2fa" : "/dashboard");
}

/* The user's pending secret: created on the first visit and kept (sealed)
 * until confirmed, so reloading the page shows the same QR code. */
static int
secret_of(struct req *r, struct user *u)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	int rc = dbq_users_get(app->db, r->arena, s->tenant_id, s->key, s->user_id, u);
	if (rc != 0 || u->totp_secret != NULL)
		return rc;
	unsigned char secret[TOTP_SECRET_LEN];
	totp_new_secret(secret);
	rc = dbq_users_set_totp(app->db, r->arena, s->tenant_id, s->key, u->id, secret, sizeof secret);
	OPENSSL_cleanse(secret, sizeof secret);
	if (rc != 0)
		return rc;
	return dbq_users_get(app->db, r->arena, s->tenant_id, s->key, s->user_id, u);
}

static int
form(struct req *r, const struct user *u, const char *error)
{
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	const char *b32 = totp_base32(a, u->totp_secret, u->totp_secret_len);
	const char *account = arena_printf(a, "%s (%s)", u->email, r->session->tenant_code);
	const char *uri = totp_uri(a, render_t(r, "app_name"), account, b32);
	struct view *qr = qr_svg(a, uri, render_t(r, "enrol_key_label"));
	if (qr == NULL)
		return 500;
	view_set(a, v, "qr", qr);
	view_set_str(a, v, "key", totp_base32_group(a, b32));
	if (error != NULL)
		view_set_str(a, v, "error", error);
	resp_header(r, "Referrer-Policy", "no-referrer");
	return render_page(r, "enrol", v, 200);
}

int
page_enrol_form(struct req *r)
{
	if (r->session->state != SESSION_ENROL)
		return not_enrolling(r);
	struct user u;
	int rc = secret_of(r, &u);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return form(r, &u, NULL);
}

/* The recovery codes page: shown once, with a data: link for download. */
static int
show_codes(struct req *r, char *codes[RECOVERY_COUNT])
{
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	struct view *list = view_list(a);
	struct buf text;
	buf_init(&text, a, 512);
	buf_puts(&text, "EC Connector recovery codes / ECコネクター リカバリーコード\r\n");
	buf_printf(&text, "%s\r\n\r\n", r->session->tenant_code);
	for (int i = 0; i < RECOVERY_COUNT; i++) {
		view_push(a, list, view_str(a, codes[i]));
		buf_printf(&text, "%s\r\n", codes[i]);
	}
	view_set(a, v, "codes", list);
	/* base64 (standard alphabet) of the text for a data: URL */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf href;
	buf_init(&href, a, text.len * 2 + 64);
	buf_puts(&href, "data:text/plain;charset=utf-8;base64,");
	const unsigned char *p = (const unsigned char *)text.data;
	for (size_t i = 0; i < text.len; i += 3) {
		unsigned v3 = (unsigned)p[i] << 16 | (i + 1 < text.len ? (unsigned)p[i + 1] << 8 : 0) |
			      (i + 2 < text.len ? p[i + 2] : 0);
		buf_putc(&href, b64[v3 >> 18]);
		buf_putc(&href, b64[(v3 >> 12) & 63]);
		buf_putc(&href, i + 1 < text.len ? b64[(v3 >> 6) & 63] : '=');
		buf_putc(&href, i + 2 < text.len ? b64[v3 & 63] : '=');
	}
	view_set_str(a, v, "download_href", href.data);
	resp_header(r, "Referrer-Policy", "no-referrer");
	return render_page(r, "recovery_codes", v, 200);
}

int
page_enrol_submit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	if (s->state != SESSION_ENROL)
		return not_enrolling(r);
	const char *code = NULL;
	int rc = req_form(r, "code", &code);
	if (rc == -ERR_CONFLICT)
		return 400;
	struct user u;
	if ((rc = secret_of(r, &u)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	int64_t step = 0;
	if (code == NULL ||
	    totp_verify(u.totp_secret, u.totp_secret_len, code, clock_now(), u.totp_last_step, &step) != 0 ||
	    dbq_users_totp_step(app->db, r->arena, s->tenant_id, u.id, step) != 0) {
		dbq_logins_append(app->db, r->arena, s->tenant_id, s->key, u.id, false, "bad_code",
				  "totp", r->remote_addr ? r->remote_addr : "",
				  r->user_agent ? r->user_agent : "");
		return form(r, &u, render_t(r, "enrol_failed"));
	}
	char *codes[RECOVERY_COUNT];
	unsigned char hashes[RECOVERY_COUNT][32];
	recovery_new(r->arena, codes, hashes);
	if ((rc = dbq_recovery_replace(app->db, r->arena, s->tenant_id, u.id,
				       (const unsigned char (*)[32])hashes, RECOVERY_COUNT)) != 0 ||
	    (rc = dbq_users_enable_totp(app->db, r->arena, s->tenant_id, u.id)) != 0 ||
	    (u.status == USER_INVITED &&
	     (rc = dbq_users_set_status(app->db, r->arena, s->tenant_id, u.id, USER_ACTIVE)) != 0))
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	dbq_audit_append(app->db, r->arena, s->tenant_id, u.id, "totp_enrolled", u.id, "");
	dbq_logins_append(app->db, r->arena, s->tenant_id, s->key, u.id, true, "ok", "totp",
			  r->remote_addr ? r->remote_addr : "", r->user_agent ? r->user_agent : "");
	if ((rc = session_promote(r, SESSION_ACTIVE)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	log_event(LOG_INFO, "mfa_enrolled", LOG_I("user_id", (int64_t)u.id));
	return show_codes(r, codes);
}
