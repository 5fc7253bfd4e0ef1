/* notice_cache.h: the start page's notices, kept per worker for a few seconds so the public page needs no query per view. */
#ifndef ECC_NOTICE_CACHE_H
#define ECC_NOTICE_CACHE_H

#include <stddef.h>

#include "db/dbq_notices.h"

struct db;

/* How long a worker may show notices it already read (milliseconds). */
#define NOTICE_CACHE_TTL_MS 5000

/*
 * notice_cache_get: the latest limit notices in lang, from this worker's
 * copy if it is younger than NOTICE_CACHE_TTL_MS, else read again with
 * dbq_notices_recent. *out points into the cache and stays valid until the
 * next call (i.e. for the rest of the request). Returns what
 * dbq_notices_recent returns; an expired copy is never served when the
 * database fails, so an outage shows within the TTL.
 */
int notice_cache_get(struct db *db, struct arena *a, const char *lang, int limit,
		     const struct notice **out, size_t *n);

#endif
