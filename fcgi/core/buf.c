/* buf.c: growable byte buffer whose memory comes from an arena. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, struct arena *a, size_t hint)
{
	b->arena = a;
	b->cap = hint < 16 ? 16 : hint;
	b->data = arena_alloc(a, b->cap);
	b->data[0] = '\0';
	b->len = 0;
}

static void
reserve(struct buf *b, size_t extra)
{
	if (extra >= SIZE_MAX / 2 - b->len)
		abort();
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t ncap = b->cap * 2;
	while (ncap < need)
		ncap *= 2;
	b->data = arena_realloc(b->arena, b->data, b->cap, ncap);
	b->cap = ncap;
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void
buf_truncate(struct buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

void
buf_clear(struct buf *b)
{
	buf_truncate(b, 0);
}

const char *
buf_cstr(struct buf *b)
{
	return b->data;
}
