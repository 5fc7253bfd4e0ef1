/* notice_cache.c: the start page's notices, kept per worker for a few seconds so the public page needs no query per view. */
#include "notice_cache.h"

#include <string.h>

#include "core/clock.h"

/*
 * One entry per language. Each worker process has its own copy (nothing
 * here must be shared between workers or hosts: a worker may lag the
 * database by at most the TTL). The entry's arena holds the copied notices
 * and is reset on refresh.
 */
struct entry {
	char lang[8];
	int limit;
	int64_t fetched_ms;
	struct arena *arena;
	struct notice *ns;
	size_t n;
};

static struct entry entries[2];

static const char *
dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

int
notice_cache_get(struct db *db, struct arena *a, const char *lang, int limit,
		 const struct notice **out, size_t *n)
{
	struct entry *e = &entries[strcmp(lang, "en") == 0 ? 1 : 0];
	int64_t now = clock_mono_us() / 1000;
	if (e->arena != NULL && e->limit == limit && strcmp(e->lang, lang) == 0 &&
	    now - e->fetched_ms < NOTICE_CACHE_TTL_MS) {
		*out = e->ns;
		*n = e->n;
		return 0;
	}
	struct notice *fresh = NULL;
	size_t count = 0;
	int rc = dbq_notices_recent(db, a, lang, limit, &fresh, &count);
	if (rc != 0)
		return rc;
	if (e->arena == NULL)
		e->arena = arena_new(0);
	else
		arena_reset(e->arena);
	e->ns = arena_calloc(e->arena, count ? count : 1, sizeof *e->ns);
	for (size_t i = 0; i < count; i++) {
		e->ns[i].kind = dup(e->arena, fresh[i].kind);
		e->ns[i].title = dup(e->arena, fresh[i].title);
		e->ns[i].body = dup(e->arena, fresh[i].body);
		e->ns[i].published_at = fresh[i].published_at;
	}
	e->n = count;
	e->limit = limit;
	strncpy(e->lang, lang, sizeof e->lang - 1);
	e->fetched_ms = now;
	*out = e->ns;
	*n = count;
	return 0;
}
