/* rand.c: CSPRNG bytes and tokens (getrandom); never rand(). */
#include "rand.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "core/b64.h"

void
rand_bytes(void *p, size_t n)
{
	unsigned char *c = p;
	while (n > 0) {
		ssize_t r = getrandom(c, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			static const char msg[] = "{\"level\":\"fatal\",\"event\":\"getrandom_failed\"}\n";
			fwrite(msg, 1, sizeof msg - 1, stderr);
			abort();
		}
		c += r;
		n -= (size_t)r;
	}
}

char *
rand_hex(struct arena *a, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	rand_bytes(raw, nbytes);
	char *s = arena_alloc(a, nbytes * 2 + 1);
	for (size_t i = 0; i < nbytes; i++) {
		s[2 * i] = hex[raw[i] >> 4];
		s[2 * i + 1] = hex[raw[i] & 15];
	}
	s[nbytes * 2] = '\0';
	return s;
}

char *
rand_token(struct arena *a, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	rand_bytes(raw, nbytes);
	return b64url_encode(a, raw, nbytes);
}
