/* mail.c: queue a mail rendered from a plain-text template in the user's language (the one call pages use). */
#include "mail.h"

#include <string.h>

#include "core/err.h"
#include "db/dbq_outbox.h"
#include "mail/mime.h"

static int
bad(struct buf *err, int code, const char *msg)
{
	if (err != NULL)
		buf_puts(err, msg);
	return code;
}

static bool
name_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

int
mail_queue(struct db *db, struct arena *a, const struct tmpl_set *tmpls, uint64_t tenant_id,
	   const unsigned char key[32], const char *to, const char *lang, const char *name,
	   const struct view *vars, struct buf *err)
{
	if (!name_ok(name))
		return bad(err, -ERR_INVALID, "mail: template name must be [a-z_]{1,40}");
	if (!mime_addr_valid(to))
		return bad(err, -ERR_INVALID, "mail: recipient address is not valid");
	const char *tname = arena_printf(a, "mail/%s.%s.txt", name,
					 lang != NULL && strcmp(lang, "en") == 0 ? "en" : "ja");
	struct buf out;
	buf_init(&out, a, 1024);
	int rc = tmpl_render(tmpls, tname, vars, a, &out, err);
	if (rc != 0)
		return rc;
	const char *s = buf_cstr(&out);
	if (strncmp(s, "Subject:", 8) != 0)
		return bad(err, -ERR_INVALID, "mail: template does not start with \"Subject:\"");
	const char *nl = strchr(s, '\n');
	if (nl == NULL)
		return bad(err, -ERR_INVALID, "mail: template has no body");
	const char *sb = s + 8;
	while (*sb == ' ')
		sb++;
	size_t sn = (size_t)(nl - sb);
	while (sn > 0 && (sb[sn - 1] == '\r' || sb[sn - 1] == ' '))
		sn--;
	const char *subject = arena_strndup(a, sb, sn);
	const char *body = nl + 1;
	while (*body == '\n' || *body == '\r')
		body++;

	const struct view *un = vars != NULL ? view_get(vars, "user_name") : NULL;
	size_t unl = 0;
	const char *uname = un != NULL && view_type(un) == VIEW_STR ? view_text(a, un, &unl) : NULL;
	const char *dname = mime_clean_name(a, uname);
	const char *mailbox = dname[0] != '\0' ? arena_printf(a, "%s <%s>", dname, to) : to;

	/* the same checks the sender makes, now, so the caller hears about it */
	struct mime_msg m = { .from = "check@localhost", .to_addr = to, .to_name = dname,
			      .subject = subject, .body = body, .host = "localhost", .date = 0 };
	struct buf dry, why;
	buf_init(&dry, a, strlen(body) * 2 + 1024);
	buf_init(&why, a, 64);
	if ((rc = mime_build(a, &m, &dry, &why)) != 0) {
		if (err != NULL)
			buf_printf(err, "mail: %s", buf_cstr(&why));
		return rc;
	}
	rc = dbq_outbox_enqueue(db, a, tenant_id, key, mailbox, subject, body);
	if (rc != 0)
		return bad(err, rc, "mail: cannot queue the mail (database)");
	return 0;
}
