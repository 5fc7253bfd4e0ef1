/* test_arena.c: arena allocation, alignment, growth, defer order, reset reuse, cap. */
#include "core/arena.h"
#include "core/buf.h"
#include "t.h"

#include <stdint.h>

static int order[4], norder;
static void rec(void *p) { order[norder++] = (int)(intptr_t)p; }

int
main(void)
{
	struct arena *a = arena_new(0);
	for (int i = 1; i < 200; i++) {
		void *p = arena_alloc(a, (size_t)i * 7);
		T_OK(((uintptr_t)p & 15) == 0, "alignment of block %d", i);
		memset(p, 0xab, (size_t)i * 7);
	}
	char *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	T_OK(arena_used(a) >= 100000, "used counts big block");
	char *s = arena_printf(a, "%s-%d", "x", 42);
	T_STREQ(s, "x-42");
	T_STREQ(arena_strndup(a, "abcdef", 3), "abc");
	T_STREQ(arena_strndup(a, "ab", 10), "ab");
	arena_defer(a, rec, (void *)(intptr_t)1);
	arena_defer(a, rec, (void *)(intptr_t)2);
	arena_reset(a);
	T_INTEQ(norder, 2);
	T_INTEQ(order[0], 2);
	T_INTEQ(order[1], 1);
	T_INTEQ(arena_used(a), 0);

	struct buf b;
	buf_init(&b, a, 4);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	T_OK(b.len > 3000, "buf grows (%zu)", b.len);
	T_OK(strncmp(buf_cstr(&b), "0,1,2,", 6) == 0, "buf content");
	T_OK(b.data[b.len] == '\0', "buf NUL-terminated");
	buf_truncate(&b, 2);
	T_STREQ(buf_cstr(&b), "0,");
	buf_append(&b, "a\0b", 3);
	T_INTEQ(b.len, 5);

	struct arena *c = arena_new(1000);
	arena_alloc(c, 900);
	T_OK(!arena_over_cap(c), "under cap");
	arena_alloc(c, 200);
	T_OK(arena_over_cap(c), "over cap flagged");
	arena_reset(c);
	T_OK(!arena_over_cap(c), "reset clears cap flag");
	arena_free(c);
	arena_free(a);
	return t_done("unit-arena");
}
