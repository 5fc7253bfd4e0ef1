/* buf.h: growable byte buffer whose memory comes from an arena. */
#ifndef ECC_BUF_H
#define ECC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "arena.h"

/*
 * A buf is passed by pointer (never reassigned like sds). Its memory belongs
 * to the arena given at init and dies with it. data is always NUL-terminated
 * after any append (the NUL is not counted in len), so buf_cstr is free.
 */
struct buf {
	struct arena *arena;
	char *data;
	size_t len;
	size_t cap;
};

/* buf_init: empty buffer in arena a with room for hint bytes. */
void buf_init(struct buf *b, struct arena *a, size_t hint);

/* buf_append: add n bytes (may contain NUL). */
void buf_append(struct buf *b, const void *p, size_t n);

/* buf_puts: add a NUL-terminated string. */
void buf_puts(struct buf *b, const char *s);

/* buf_putc: add one byte. */
void buf_putc(struct buf *b, char c);

/* buf_printf: add formatted text; fmt must be a constant. */
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* buf_truncate: shrink to len n (n <= b->len); buf_clear: to zero. */
void buf_truncate(struct buf *b, size_t n);
void buf_clear(struct buf *b);

/* buf_cstr: the contents as a NUL-terminated string (valid until the next
 * append or the arena's reset). Never NULL. */
const char *buf_cstr(struct buf *b);

#endif
