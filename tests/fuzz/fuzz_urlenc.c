/* fuzz_urlenc.c: libFuzzer target for urlenc_parse / urlenc_encode (UTF-8 output, round trip, lookups). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/urlenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	const char *s = (const char *)data;
	struct form f;
	int rc = urlenc_parse(a, s, size, &f);
	if (rc != 0 && rc != -ERR_TOO_LARGE)
		abort();
	for (size_t i = 0; i < f.count; i++) {
		const struct form_pair *p = &f.pairs[i];
		if (!utf8_valid(p->name, p->name_len) || !utf8_valid(p->value, p->value_len))
			abort();
		if (p->name[p->name_len] != '\0' || p->value[p->value_len] != '\0')
			abort();
		/* serializing and parsing again gives the same pair */
		struct buf b;
		buf_init(&b, a, 3 * (p->name_len + p->value_len) + 2);
		urlenc_encode(&b, p->name, p->name_len);
		buf_putc(&b, '=');
		urlenc_encode(&b, p->value, p->value_len);
		struct form g;
		if (urlenc_parse(a, b.data, b.len, &g) != 0 || g.count != 1 ||
		    g.pairs[0].name_len != p->name_len ||
		    g.pairs[0].value_len != p->value_len ||
		    memcmp(g.pairs[0].name, p->name, p->name_len) != 0 ||
		    memcmp(g.pairs[0].value, p->value, p->value_len) != 0)
			abort();
		/* a name without NUL is found by form_get (once or as a conflict) */
		if (strlen(p->name) == p->name_len) {
			const char *v;
			int g_rc = form_get(&f, p->name, &v, NULL);
			if (g_rc != 0 && g_rc != -ERR_CONFLICT)
				abort();
		}
	}
	arena_reset(a);
	return 0;
}
