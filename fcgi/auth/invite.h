/* invite.h: issuing (or reissuing) an invitation — the single-use link and its mail, shared by ecc-admin and the pages. */
#ifndef ECC_INVITE_H
#define ECC_INVITE_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

struct db;
struct tenant;
struct tmpl_set;

/*
 * invite_issue: invite user_id of tenant t (t->key must be filled, as
 * dbq_tenants_get does): a new DBQ_TOKEN_INVITE token valid for
 * t->s.invite_ttl_hours (any earlier invitation of the user stops working),
 * the link "<base_url>/invite/<token>" (trailing '/' of base_url dropped),
 * and the "invite" mail (vars user_name, name, tenant_name, link, hours)
 * queued to email in lang through tmpls.
 *
 * *link (may be NULL) receives the link in a, or NULL when no token was
 * issued; *hours (may be NULL) the validity in hours. Returns 0 when the
 * link was issued and the mail queued; -ERR_INVALID when base_url does not
 * start with "https://" (nothing issued); the error of dbq_tokens_issue
 * (nothing issued); or the error of mail_queue, in which case the link IS
 * issued and valid (*link set) and only the mail is missing. A one-line
 * reason is appended to err (may be NULL). Neither the link nor the address
 * is logged. No audit entry is written (the caller knows the actor).
 */
int invite_issue(struct db *db, struct arena *a, const struct tmpl_set *tmpls, const char *base_url,
		 const struct tenant *t, uint64_t user_id, const char *email, const char *name,
		 const char *lang, char **link, int *hours, struct buf *err);

#endif
