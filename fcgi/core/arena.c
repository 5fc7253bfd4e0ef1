/* arena.c: bump allocator with deferred cleanups; one per request, one per process. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Memory comes in chunks of at least ARENA_CHUNK bytes; a request that needs
 * more gets a chunk of its own size. On reset the first (oldest) chunk is kept
 * and the rest go back to malloc. With -DARENA_DEBUG every allocation is its
 * own malloc so ASan and valgrind see each object's bounds.
 */
#define ARENA_CHUNK (16u * 1024u)
#define ARENA_ALIGN 16u

struct chunk {
	struct chunk *next;
	size_t size;
	size_t off;
	_Alignas(16) unsigned char mem[];
};

struct defer {
	struct defer *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct chunk *head;  /* current chunk; older ones follow via next */
	struct defer *defers;
	size_t used;
	size_t cap;
	bool over_cap;
#ifdef ARENA_DEBUG
	void **blocks;
	size_t nblocks, blocks_cap;
#endif
};

static void
oom(void)
{
	static const char msg[] = "{\"level\":\"fatal\",\"event\":\"out_of_memory\"}\n";
	fwrite(msg, 1, sizeof msg - 1, stderr);
	abort();
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

static void
account(struct arena *a, size_t n)
{
	a->used += n;
	if (a->cap != 0 && a->used > a->cap) {
		a->over_cap = true;
		if (a->used / 4 > a->cap) {
			static const char msg[] =
			    "{\"level\":\"fatal\",\"event\":\"arena_hard_cap\"}\n";
			fwrite(msg, 1, sizeof msg - 1, stderr);
			abort();
		}
	}
}

struct arena *
arena_new(size_t cap)
{
	struct arena *a = xmalloc(sizeof *a);
	memset(a, 0, sizeof *a);
	a->cap = cap;
	return a;
}

static void
run_defers(struct arena *a)
{
	while (a->defers != NULL) {
		struct defer *d = a->defers;
		a->defers = d->next;
		d->fn(d->p);
	}
}

void
arena_reset(struct arena *a)
{
	run_defers(a);
#ifdef ARENA_DEBUG
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	a->nblocks = 0;
#endif
	struct chunk *c = a->head, *keep = NULL;
	while (c != NULL) {
		struct chunk *next = c->next;
		if (next == NULL && c->size == ARENA_CHUNK)
			keep = c;
		else
			free(c);
		c = next;
	}
	if (keep != NULL) {
		keep->off = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->used = 0;
	a->over_cap = false;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->head);
#ifdef ARENA_DEBUG
	free(a->blocks);
#endif
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	account(a, n);
#ifdef ARENA_DEBUG
	if (a->nblocks == a->blocks_cap) {
		a->blocks_cap = a->blocks_cap ? a->blocks_cap * 2 : 64;
		a->blocks = realloc(a->blocks, a->blocks_cap * sizeof *a->blocks);
		if (a->blocks == NULL)
			oom();
	}
	void *p = xmalloc(n);
	a->blocks[a->nblocks++] = p;
	return p;
#else
	if (n > SIZE_MAX - ARENA_ALIGN)
		oom();
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	struct chunk *c = a->head;
	if (c == NULL || c->size - c->off < need) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		if (size > SIZE_MAX - sizeof *c)
			oom();
		struct chunk *nc = xmalloc(sizeof *nc + size);
		nc->size = size;
		nc->off = 0;
		if (c != NULL && size != ARENA_CHUNK && c->size - c->off >= ARENA_ALIGN) {
			/* big one-off block: keep bumping in the current chunk */
			nc->next = c->next;
			c->next = nc;
			nc->off = need;
			return nc->mem;
		}
		nc->next = c;
		a->head = c = nc;
	}
	void *p = c->mem + c->off;
	c->off += need;
	return p;
#endif
}

void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		oom();
	void *p = arena_alloc(a, n * sz);
	memset(p, 0, n * sz);
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
	if (p == NULL)
		return arena_alloc(a, new_n);
	if (new_n <= old_n)
		return p;
#ifndef ARENA_DEBUG
	struct chunk *c = a->head;
	size_t old_need = (old_n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (old_need == 0)
		old_need = ARENA_ALIGN;
	size_t new_need = (new_n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c != NULL && c->off >= old_need && c->mem + c->off - old_need == (unsigned char *)p &&
	    c->size - (c->off - old_need) >= new_need) {
		account(a, new_need - old_need);
		c->off = c->off - old_need + new_need;
		return p;
	}
#endif
	void *q = arena_alloc(a, new_n);
	memcpy(q, p, old_n);
	return q;
}

char *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	if (n == SIZE_MAX)
		oom();
	char *s = arena_alloc(a, n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s));
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	const char *end = memchr(s, '\0', n);
	return arena_memdup(a, s, end ? (size_t)(end - s) : n);
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	char *s = arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct defer *d = arena_alloc(a, sizeof *d);
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

bool
arena_over_cap(const struct arena *a)
{
	return a->over_cap;
}
