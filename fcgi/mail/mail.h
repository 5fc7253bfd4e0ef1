/* mail.h: queue a mail rendered from a plain-text template in the user's language (the one call pages use). */
#ifndef ECC_MAIL_H
#define ECC_MAIL_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/tmpl.h"
#include "html/view.h"

struct db;

/*
 * Templates: templates/mail/<name>.<lang>.txt (loaded by tmpl_set_load_dir
 * as "mail/<name>.<lang>.txt"; ".txt" renders without HTML escaping). The
 * FIRST line is "Subject: …"; the rest (leading blank lines dropped) is the
 * body. The variables are the contract with the callers:
 *
 *   every mail          user_name    the recipient's name (also the To
 *                                    display name, cleaned by mime_clean_name)
 *                       tenant_name  the company (tenant) name
 *   invite              link         set-password link (single use)
 *                       hours        how long the link is valid
 *   reset               link, hours  password reset link (1 hour)
 *   password_changed    when         JST time text ("2026-11-26 09:00")
 *                       login_url    the login page
 *   second_factor_failed when, login_url
 *   two_factor_reset    when, login_url
 *   recovery_code_used  when, login_url
 *                       remaining    recovery codes left
 */

/*
 * mail_queue: render mail/<name>.<lang>.txt with vars ("ja" for any lang
 * other than "en"), check that the result can be sent (to must be a valid
 * address; subject and body as mime_build requires), and enqueue it sealed
 * with the tenant's data key (dbq_outbox_enqueue). name is [a-z_]{1,40}.
 * Returns 0; -ERR_INVALID (bad name, address, template output), -ERR_NOT_FOUND
 * (no such template), or the database error; a one-line reason is appended
 * to err (may be NULL). The link text and the address never reach a log.
 */
int mail_queue(struct db *db, struct arena *a, const struct tmpl_set *tmpls, uint64_t tenant_id,
	       const unsigned char key[32], const char *to, const char *lang, const char *name,
	       const struct view *vars, struct buf *err);

#endif
