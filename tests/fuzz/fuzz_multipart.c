/* fuzz_multipart.c: libFuzzer target for multipart_parse; input is "Content-Type\nbody". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first line is the Content-Type header value; the rest is the body.
 * Without a newline the whole input is the body of a fixed boundary "XyZ".
 * Small limits so that every limit path is reachable. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	const char *ct = "multipart/form-data; boundary=XyZ";
	const char *body = in;
	size_t n = size;
	if (nl != NULL) {
		ct = arena_strndup(a, in, (size_t)(nl - in));
		body = nl + 1;
		n = size - (size_t)(nl - in) - 1;
	}
	/* the body in its own block, so ASan sees reads past its end */
	char *copy = arena_memdup(a, body, n);
	struct multipart_limits lim = { 16, 4096, 512 };
	struct multipart *mp = NULL;
	struct form f;
	form_init(&f, a, 0);
	struct buf err;
	buf_init(&err, a, 64);
	int rc = multipart_parse(a, ct, copy, n, &lim, &mp, &f, &err);
	if (rc != 0) {
		if ((rc != -ERR_INVALID && rc != -ERR_TOO_LARGE) || mp != NULL ||
		    err.len == 0)
			abort();
		arena_reset(a);
		return 0;
	}
	if (mp == NULL || mp->count > lim.max_parts)
		abort();
	const char *prev_end = copy;
	size_t texts = 0;
	for (size_t i = 0; i < mp->count; i++) {
		const struct multipart_part *p = &mp->parts[i];
		if (p->data < prev_end || p->data + p->len > copy + n ||
		    p->len > lim.max_part_bytes)
			abort();
		prev_end = p->data + p->len;
		if (p->name == NULL || p->content_type == NULL ||
		    !utf8_valid(p->name, strlen(p->name)) ||
		    (p->filename != NULL && !utf8_valid(p->filename, strlen(p->filename))))
			abort();
		texts += p->filename == NULL;
	}
	if (form_count(&f) != texts)
		abort();
	for (size_t i = 0; i < f.count; i++)
		if (!utf8_valid(f.pairs[i].value, f.pairs[i].value_len) ||
		    f.pairs[i].value[f.pairs[i].value_len] != '\0')
			abort();
	arena_reset(a);
	return 0;
}
