/* mail_send.h: hand one built message to an SMTP server through libcurl (SMTPS or STARTTLS). */
#ifndef ECC_MAIL_SEND_H
#define ECC_MAIL_SEND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* The SMTP server, from the configuration (smtp_* keys). Strings are not
 * copied and must outlive the call. */
struct mail_smtp {
	const char *url;        /* smtp://host:port or smtps://host:port */
	bool starttls;          /* smtp:// only: require STARTTLS (CURLUSESSL_ALL) */
	const char *user;       /* NULL or "": no AUTH */
	const char *password;   /* with user */
	const char *ca_file;    /* NULL or "": the system CA store */
	long timeout_s;         /* whole transfer; 0 = 60 s (connect: min(10, timeout)) */
};

/*
 * mail_send_one: one SMTP transaction: MAIL FROM from, RCPT TO to (exactly
 * one recipient; both must pass mime_addr_valid, so nothing can be injected
 * into the SMTP dialogue), DATA = msg[0..n) (a message from mime_build,
 * CRLF line ends). Certificate and host name verification are always on for
 * TLS. Returns 0 when the server accepted the message, else with one line in
 * err (may be NULL; the libcurl reason and the SMTP reply code, never the
 * message):
 *   -ERR_INVALID      from/to/url unusable (nothing was sent)
 *   -ERR_UNAVAILABLE  server unreachable, timeout, TLS failure, or a
 *                     transient 4xx reply: try again later
 *   -ERR_UPSTREAM     a permanent 5xx reply (e.g. unknown recipient)
 * Safe to call from one thread at a time per process (curl_global_init is
 * done on first use).
 */
int mail_send_one(const struct mail_smtp *cfg, const char *from, const char *to, const char *msg,
		  size_t n, struct buf *err);

#endif
