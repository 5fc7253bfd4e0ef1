/* mime.h: one RFC 5322 / MIME plain-text message (UTF-8, base64) built safely from untrusted fields. */
#ifndef ECC_MIME_H
#define ECC_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"

/* Limits (bytes). A longer field is -ERR_TOO_LARGE. */
#define MIME_ADDR_MAX    254
#define MIME_NAME_MAX    200
#define MIME_SUBJECT_MAX 900
#define MIME_BODY_MAX    (1024 * 1024)

/* Longest header line mime_build writes (without CRLF) for names and
 * subjects; RFC 5322 recommends 78, RFC 2047 76 for encoded words. */
#define MIME_LINE_MAX 76

/*
 * One message. Every string is NUL-terminated UTF-8.
 *   from      "Display Name <local@domain>" or "local@domain" (config
 *             mail_from); the name may be in double quotes.
 *   to_addr   one recipient address (mime_addr_valid).
 *   to_name   display name of the recipient, NULL or "" for none.
 *   subject   the subject text; always written as RFC 2047 encoded words
 *             (UTF-8, B encoding), folded so that no line exceeds 76 chars.
 *   body      the plain text; LF or CRLF line ends (written as CRLF).
 *   host      right-hand side of the Message-ID (e.g. the base URL's host);
 *             NULL, "" or an invalid domain means "localhost".
 *   date      the Date header (UTC epoch seconds; written in JST, +0900).
 */
struct mime_msg {
	const char *from;
	const char *to_addr;
	const char *to_name;
	const char *subject;
	const char *body;
	const char *host;
	time_t date;
};

/*
 * mime_build: validate every field first, then append the whole message
 * (headers, blank line, base64 body with 76-char lines, CRLF line ends) to
 * out. Headers: From, To, Subject, Date, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64,
 * Auto-Submitted auto-generated. Header injection is impossible by
 * construction: any control byte (CR, LF, NUL, others below 0x20 and DEL)
 * in an address, name or subject, and invalid UTF-8 anywhere, is refused
 * with -ERR_INVALID before anything is appended; names are quoted (ASCII)
 * or encoded words (otherwise), addresses must pass mime_addr_valid.
 * Returns 0, -ERR_INVALID or -ERR_TOO_LARGE; on error out is unchanged and
 * a one-line reason naming the field (never its value) is appended to err
 * (may be NULL). Temporary memory comes from a.
 */
int mime_build(struct arena *a, const struct mime_msg *m, struct buf *out, struct buf *err);

/*
 * mime_addr_valid: a conservative addr-spec: local@domain, at most 254 bytes,
 * local part 1..64 bytes of RFC 5322 atext and single inner dots, domain of
 * dot-separated labels [A-Za-z0-9-] (no leading/trailing '-'), at least
 * one byte per label, at most 253 bytes. No spaces, quotes, commas, angle
 * brackets, control or non-ASCII bytes. Pure predicate.
 */
bool mime_addr_valid(const char *addr);

/*
 * mime_parse_mailbox: split "Name <addr>" / "\"Name\" <addr>" / "addr" (the
 * config's mail_from, or an outbox recipient) into its display name (copied
 * into a, "" when none) and address, both validated as in mime_build; the
 * name may not contain '"' or '\\'. what names the field in messages.
 * Returns 0, -ERR_INVALID or -ERR_TOO_LARGE with the reason in err (may be
 * NULL).
 */
int mime_parse_mailbox(struct arena *a, const char *mailbox, const char *what, const char **name,
		       const char **addr, struct buf *err);

/*
 * mime_clean_name: a display name that mime_parse_mailbox and mime_build
 * accept, made from untrusted text (e.g. a user's name): invalid UTF-8 is
 * repaired, control bytes, '"', '\\', '<' and '>' become spaces, runs of
 * spaces collapse, the ends are trimmed and the result is cut to
 * MIME_NAME_MAX bytes on a character boundary. NULL gives "". Lives in a.
 */
char *mime_clean_name(struct arena *a, const char *name);

#endif
