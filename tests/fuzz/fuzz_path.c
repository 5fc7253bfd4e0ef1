/* fuzz_path.c: libFuzzer target for path_normalize / path_split (accepted paths are canonical). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
canonical(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || p[0] != '/' || !utf8_valid(p, n))
		return false;
	if (strstr(p, "//") || strchr(p, '\\') || strstr(p, "/./") || strstr(p, "/../"))
		return false;
	if ((n >= 2 && strcmp(p + n - 2, "/.") == 0) ||
	    (n >= 3 && strcmp(p + n - 3, "/..") == 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7F)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	char *out = NULL;
	int rc = path_normalize(a, (const char *)data, size, &out);
	if (rc != 0) {
		if ((rc != -ERR_INVALID && rc != -ERR_TOO_LARGE) || out != NULL)
			abort();
		arena_reset(a);
		return 0;
	}
	if (!canonical(out))
		abort();
	/* without '%' left, normalising again changes nothing */
	if (strchr(out, '%') == NULL) {
		char *again = NULL;
		if (path_normalize(a, out, strlen(out), &again) != 0 || strcmp(again, out) != 0)
			abort();
	}
	char **segs;
	size_t nsegs, slashes = 0;
	if (path_split(a, out, &segs, &nsegs) != 0)
		abort();
	for (const char *p = out; *p; p++)
		slashes += *p == '/';
	if (nsegs != slashes)
		abort();
	for (size_t i = 0; i < nsegs; i++)
		if (strchr(segs[i], '/') || strcmp(segs[i], ".") == 0 || strcmp(segs[i], "..") == 0)
			abort();
	arena_reset(a);
	return 0;
}
