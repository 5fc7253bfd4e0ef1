/* arena.h: bump allocator with deferred cleanups; one per request, one per process. */
#ifndef ECC_ARENA_H
#define ECC_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

/*
 * arena_new: create an arena. cap is a soft limit on bytes handed out
 * (0 = unlimited); past it arena_over_cap() turns true and the request is
 * failed by the dispatcher, and at 4x cap the process aborts (the
 * supervisor restarts it). Never returns NULL: allocation failure aborts.
 * Free with arena_free().
 */
struct arena *arena_new(size_t cap);

/* arena_free: run deferred cleanups and release all memory. NULL is a no-op. */
void arena_free(struct arena *a);

/*
 * arena_reset: run deferred cleanups (last registered first), then forget
 * every allocation. The first chunk is kept for reuse, so a steady-state
 * request allocates nothing from malloc. Every pointer from the arena is
 * invalid afterwards.
 */
void arena_reset(struct arena *a);

/* arena_alloc: n bytes, aligned for any type, valid until reset/free.
 * Never NULL (aborts on OOM). n == 0 gives a valid unique pointer. */
void *arena_alloc(struct arena *a, size_t n);

/* arena_calloc: zeroed array of n elements of size sz; aborts on overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t sz);

/* arena_realloc: grow a block previously returned by this arena (old size
 * old_n) to new_n bytes, copying contents; may return the same pointer
 * when the block was the last allocation. */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);

/* arena_strdup / arena_strndup: NUL-terminated copies. s must not be NULL;
 * strndup copies at most n bytes (stops at an earlier NUL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* arena_memdup: copy of n bytes plus a trailing NUL (not counted). */
char *arena_memdup(struct arena *a, const void *p, size_t n);

/* arena_printf: formatted string in the arena. fmt must be a constant. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * arena_defer: call fn(p) when the arena is reset or freed, in reverse order
 * of registration. Used for non-memory resources (statements, results,
 * handles). fn must not allocate from this arena.
 */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* arena_used: bytes handed out since the last reset. */
size_t arena_used(const struct arena *a);

/* arena_over_cap: true once more than the soft cap was handed out. */
bool arena_over_cap(const struct arena *a);

#endif
