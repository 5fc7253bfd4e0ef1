/* mail_run.c: one run of the mail sender (ecc-admin mail send): claim due mail, decrypt, build, send, mark. */
#include "mail_run.h"

#include <stdbool.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/dbq_outbox.h"
#include "mail/mail_send.h"
#include "mail/mime.h"

/* host: the host name of base_url ("https://host:port/..." → "host"). */
static const char *
host_of(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	size_t n = strcspn(p, ":/?#");
	return arena_strndup(a, p, n);
}

struct run {
	struct db *db;
	struct arena *a;
	const struct config *cfg;
	struct mail_smtp smtp;
	const char *host;
	struct buf *report;
	int sent, retry, failed;
};

/* one_mail: everything for one claimed row; returns 0 or the failure kind
 * (-ERR_UNAVAILABLE transient, anything else permanent) with why filled. */
static int
one_mail(struct run *r, const struct outbox_row *row, struct buf *why)
{
	unsigned char key[SEAL_KEY_LEN];
	int rc = dbq_outbox_tenant_key(r->db, r->a, row->tenant_id, key);
	if (rc == -ERR_UNAVAILABLE || rc == -ERR_DB) {
		buf_puts(why, "database: cannot read the tenant key");
		return -ERR_UNAVAILABLE;
	}
	if (rc != 0) {
		buf_puts(why, rc == -ERR_NOT_FOUND ? "no such tenant" : "tenant key does not unwrap");
		return -ERR_INVALID;
	}
	const char *to, *subject, *body, *name, *addr, *from_name, *from_addr;
	rc = dbq_outbox_open(r->a, key, row, &to, &subject, &body);
	memset(key, 0, sizeof key);
	if (rc != 0) {
		buf_puts(why, "cannot decrypt");
		return -ERR_INVALID;
	}
	if ((rc = mime_parse_mailbox(r->a, to, "recipient", &name, &addr, why)) != 0 ||
	    (rc = mime_parse_mailbox(r->a, r->cfg->mail_from, "mail_from", &from_name, &from_addr,
				     why)) != 0)
		return rc;
	struct mime_msg m = { .from = r->cfg->mail_from, .to_addr = addr, .to_name = name,
			      .subject = subject, .body = body, .host = r->host,
			      .date = clock_now() };
	struct buf msg;
	buf_init(&msg, r->a, strlen(body) * 2 + 2048);
	if ((rc = mime_build(r->a, &m, &msg, why)) != 0)
		return rc;
	return mail_send_one(&r->smtp, from_addr, addr, msg.data, msg.len, why);
}

static int
setup(struct run *r, struct buf *report)
{
	const struct config *cfg = r->cfg;
	struct buf err;
	buf_init(&err, r->a, 128);
	if (!keyring_loaded() && keyring_load_kek(cfg->kek_file, &err) != 0) {
		buf_printf(report, "cannot load the key-encryption key: %s\n", buf_cstr(&err));
		return -ERR_CONFIG;
	}
	r->smtp.url = cfg->smtp_url;
	r->smtp.starttls = cfg->smtp_starttls != 0;
	r->smtp.user = cfg->smtp_user;
	r->smtp.ca_file = cfg->mail_ca_file;
	r->smtp.timeout_s = 30;
	if (cfg->smtp_password_file != NULL && cfg->smtp_password_file[0] != '\0') {
		char *pw;
		size_t n;
		if (config_read_secret_file(r->a, cfg->smtp_password_file, &pw, &n, &err) != 0) {
			buf_printf(report, "smtp_password_file: %s\n", buf_cstr(&err));
			return -ERR_CONFIG;
		}
		while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
			pw[--n] = '\0';
		r->smtp.password = pw;
	}
	const char *fn, *fa;
	if (mime_parse_mailbox(r->a, cfg->mail_from, "mail_from", &fn, &fa, &err) != 0) {
		buf_printf(report, "%s\n", buf_cstr(&err));
		return -ERR_CONFIG;
	}
	r->host = host_of(r->a, cfg->base_url);
	return 0;
}

int
mail_run_due(struct db *db, struct arena *a, const struct config *cfg, int max, struct buf *report)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.db = db;
	r.a = a;
	r.cfg = cfg;
	r.report = report;
	int rc = setup(&r, report);
	if (rc != 0)
		return rc;
	time_t now = clock_now();
	struct outbox_row *rows;
	size_t n;
	if ((rc = dbq_outbox_claim_due(db, a, now, max, &rows, &n)) != 0) {
		buf_printf(report, "cannot claim due mail: %s\n", db_last_error(db));
		return rc;
	}
	if (n == 0) {
		buf_puts(report, "no mail due\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct outbox_row *row = &rows[i];
		struct buf why;
		buf_init(&why, a, 128);
		int src = one_mail(&r, row, &why);
		time_t t = clock_now();
		if (src == 0) {
			rc = dbq_outbox_mark_sent(db, a, row->id, t);
			buf_printf(report, "mail %llu: sent%s\n", (unsigned long long)row->id,
				   rc == 0 ? "" : " (but marking it sent failed)");
			log_event(LOG_INFO, "mail_sent", LOG_I("tenant_id", (int64_t)row->tenant_id),
				  LOG_I("mail_id", (int64_t)row->id));
			r.sent++;
			continue;
		}
		bool gave_up = false;
		const char *reason = buf_cstr(&why);
		rc = dbq_outbox_mark_failed(db, a, row, t, src != -ERR_UNAVAILABLE, reason, &gave_up);
		if (rc != 0)
			buf_printf(report, "mail %llu: %s (marking the attempt failed: %s)\n",
				   (unsigned long long)row->id, reason, err_name(rc));
		else if (gave_up)
			buf_printf(report, "mail %llu: failed: %s\n", (unsigned long long)row->id, reason);
		else
			buf_printf(report, "mail %llu: retry in %ld s: %s\n", (unsigned long long)row->id,
				   dbq_outbox_backoff(row->attempts + 1), reason);
		log_event(LOG_WARN, "mail_attempt_failed", LOG_I("tenant_id", (int64_t)row->tenant_id),
			  LOG_I("mail_id", (int64_t)row->id), LOG_I("attempt", row->attempts + 1),
			  LOG_S("error", reason));
		if (gave_up)
			r.failed++;
		else
			r.retry++;
	}
	buf_printf(report, "sent %d, retry %d, failed %d\n", r.sent, r.retry, r.failed);
	return r.retry + r.failed > 0 ? -ERR_UNAVAILABLE : 0;
}
