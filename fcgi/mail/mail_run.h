/* mail_run.h: one run of the mail sender (ecc-admin mail send): claim due mail, decrypt, build, send, mark. */
#ifndef ECC_MAIL_RUN_H
#define ECC_MAIL_RUN_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"

struct db;

/*
 * mail_run_due: send at most max queued mails that are due (clock_now):
 * claim them with a lease (dbq_outbox_claim_due), unwrap each tenant's
 * data key (loading the KEK from cfg->kek_file if not loaded yet), decrypt,
 * build the message (mime_build, From = cfg->mail_from, Message-ID host
 * from cfg->base_url) and hand it to cfg->smtp_url (mail_send_one), then
 * mark it sent or failed as the retry policy in db/dbq_outbox.h says: an
 * unreachable server or a 4xx reply keeps the mail queued with backoff
 * (nothing is lost); a 5xx reply, or a row that cannot be decrypted or
 * built, is retried at most OUTBOX_PERMANENT_ATTEMPTS times and then
 * failed; after 48 h any mail is failed (logged as mail_failed).
 * Appends one line per mail to report ("mail <id>: sent", "mail <id>:
 * retry in 60 s: <reason>", "mail <id>: failed: <reason>"; never an address,
 * subject or body) and a last summary line "sent N, retry N, failed N"
 * (or "no mail due"). Returns 0 when every claimed mail was sent (or none
 * was due), -ERR_UNAVAILABLE when any must be retried or failed, and
 * -ERR_CONFIG / the database error when the run could not start (the
 * reason is the last line of report).
 */
int mail_run_due(struct db *db, struct arena *a, const struct config *cfg, int max,
		 struct buf *report);

#endif
