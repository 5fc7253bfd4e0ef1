/* invite.c: issuing (or reissuing) an invitation — the single-use link and its mail, shared by ecc-admin and the pages. */
#include "invite.h"

#include <string.h>

#include "core/err.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "html/view.h"
#include "mail/mail.h"

static void
reason(struct buf *err, const char *msg)
{
	if (err != NULL)
		buf_puts(err, msg);
}

int
invite_issue(struct db *db, struct arena *a, const struct tmpl_set *tmpls, const char *base_url,
	     const struct tenant *t, uint64_t user_id, const char *email, const char *name,
	     const char *lang, char **link, int *hours, struct buf *err)
{
	if (link != NULL)
		*link = NULL;
	if (hours != NULL)
		*hours = t->s.invite_ttl_hours;
	if (base_url == NULL || strncmp(base_url, "https://", 8) != 0) {
		reason(err, "base_url must start with https://");
		return -ERR_INVALID;
	}
	char *token = NULL;
	int h = t->s.invite_ttl_hours;
	int rc = dbq_tokens_issue(db, a, t->id, user_id, DBQ_TOKEN_INVITE, h * 3600, &token);
	if (rc != 0) {
		reason(err, "invitation token not issued");
		return rc;
	}
	size_t blen = strlen(base_url);
	while (blen > 0 && base_url[blen - 1] == '/')
		blen--;
	char *url = arena_printf(a, "%.*s/invite/%s", (int)blen, base_url, token);
	if (link != NULL)
		*link = url;
	struct view *v = view_obj(a);
	view_set_str(a, v, "user_name", name);
	view_set_str(a, v, "name", name);
	view_set_str(a, v, "tenant_name", t->name);
	view_set_str(a, v, "link", url);
	view_set_int(a, v, "hours", h);
	return mail_queue(db, a, tmpls, t->id, t->key, email, lang, "invite", v, err);
}
