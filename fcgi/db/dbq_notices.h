/* dbq_notices.h: queries on the service-wide operator notices (お知らせ). */
#ifndef ECC_DBQ_NOTICES_H
#define ECC_DBQ_NOTICES_H

#include <stddef.h>
#include <time.h>

#include "core/arena.h"

struct db;

struct notice {
	const char *kind;   /* info | maintenance | change | vulnerability | incident */
	const char *title;  /* in the requested language */
	const char *body;
	time_t published_at; /* UTC epoch seconds */
};

/*
 * dbq_notices_recent: up to limit notices already published, newest first,
 * with title and body in lang ("ja" or "en"; English falls back to Japanese
 * when empty). Results live in a. Returns 0, -ERR_UNAVAILABLE or -ERR_DB.
 */
int dbq_notices_recent(struct db *db, struct arena *a, const char *lang, int limit,
		       struct notice **out, size_t *n);

#endif
