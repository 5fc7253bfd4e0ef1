/* fuzz_cookie.c: libFuzzer target for cookie_parse / cookie_get and the cookie syntax validators. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	struct cookies c;
	int rc = cookie_parse(a, (const char *)data, size, 8, &c);
	if ((rc != 0 && rc != -ERR_TOO_LARGE) || c.count > 8)
		abort();
	for (size_t i = 0; i < c.count; i++) {
		const struct cookie_pair *p = &c.items[i];
		if (!cookie_name_ok(p->name) || strlen(p->value) != p->value_len)
			abort();
		for (size_t k = 0; k < p->value_len; k++) {
			unsigned char ch = (unsigned char)p->value[k];
			if ((ch < 0x20 && ch != '\t') || ch == 0x7F || ch == ';')
				abort();
		}
		/* first occurrence wins */
		const char *v;
		if (cookie_get(&c, p->name, &v) != 0)
			abort();
		for (size_t k = 0; k < c.count; k++) {
			if (strcmp(c.items[k].name, p->name) == 0) {
				if (v != c.items[k].value)
					abort();
				break;
			}
		}
	}
	/* the validators on the raw input as a C string */
	char *z = arena_memdup(a, data, size);
	(void)cookie_name_ok(z);
	if (cookie_value_ok(z) && (strchr(z, ';') != NULL || strchr(z, ' ') != NULL))
		abort();
	arena_reset(a);
	return 0;
}
