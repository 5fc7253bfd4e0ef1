/* fuzz_mime.c: libFuzzer target for mime_build with arbitrary recipient address, display name and subject bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "mail/mime.h"

/*
 * Input: byte 0 = length of the address, byte 1 = length of the name, then
 * the address, the name, and the rest is the subject (each cut at its first
 * NUL, as a C string would be). Properties:
 * - mime_build never crashes and returns 0, -ERR_INVALID or -ERR_TOO_LARGE;
 * - a field with CR, LF or another control byte is always refused;
 * - on success every header line ends in CRLF, has no other CR or LF, is at
 *   most 998 bytes, there is exactly one To header and no Bcc/Cc header;
 * - with the name passed through mime_clean_name and a valid address and
 *   subject, the build succeeds.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void
check_headers(const char *msg, size_t len)
{
	const char *end = strstr(msg, "\r\n\r\n");
	if (end == NULL)
		abort();
	int to = 0;
	const char *p = msg;
	while (p <= end) {
		const char *e = strstr(p, "\r\n");
		size_t n = (size_t)(e - p);
		if (n > 998 || memchr(p, '\r', n) != NULL || memchr(p, '\n', n) != NULL ||
		    memchr(p, '\0', n) != NULL)
			abort();
		if (strncmp(p, "To:", 3) == 0)
			to++;
		if (strncasecmp(p, "Bcc:", 4) == 0 || strncasecmp(p, "Cc:", 3) == 0)
			abort();
		p = e + 2;
	}
	if (to != 1)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r')) ||
		    (msg[i] == '\r' && (i + 1 >= len || msg[i + 1] != '\n')))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	if (size < 2)
		return 0;
	size_t na = data[0], nn = data[1];
	const char *p = (const char *)data + 2;
	size_t left = size - 2;
	if (na > left)
		na = left;
	char *addr = arena_strndup(a, p, na);
	p += na;
	left -= na;
	if (nn > left)
		nn = left;
	char *name = arena_strndup(a, p, nn);
	char *subject = arena_strndup(a, p + nn, left - nn);

	struct mime_msg m = { .from = "ECコネクター <no-reply@localhost>", .to_addr = addr,
			      .to_name = name, .subject = subject, .body = "body\nline 2\n",
			      .host = "localhost", .date = 0 };
	struct buf out, err;
	buf_init(&out, a, 1024);
	buf_init(&err, a, 64);
	int rc = mime_build(a, &m, &out, &err);
	if (rc != 0 && rc != -ERR_INVALID && rc != -ERR_TOO_LARGE)
		abort();
	if ((ctl(addr) || ctl(name) || ctl(subject)) && rc == 0)
		abort();
	if (rc == 0)
		check_headers(buf_cstr(&out), out.len);
	else if (out.len != 0)
		abort();

	m.to_name = mime_clean_name(a, name);
	if (ctl(m.to_name) || strlen(m.to_name) > MIME_NAME_MAX || !utf8_valid(m.to_name, strlen(m.to_name)))
		abort();
	buf_init(&out, a, 1024);
	rc = mime_build(a, &m, &out, &err);
	bool subj_ok = !ctl(subject) && strlen(subject) <= MIME_SUBJECT_MAX &&
		       utf8_valid(subject, strlen(subject));
	if (mime_addr_valid(addr) && subj_ok && rc != 0)
		abort();
	if (rc == 0)
		check_headers(buf_cstr(&out), out.len);

	/* the mailbox parser on the same bytes */
	const char *pn, *pa;
	if (mime_parse_mailbox(a, subject, "x", &pn, &pa, &err) == 0 &&
	    (!mime_addr_valid(pa) || ctl(pn) || strchr(pn, '"') != NULL))
		abort();
	arena_reset(a);
	return 0;
}
