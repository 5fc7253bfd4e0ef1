/* page_home.h: the customer site's start page (product overview and operator notices). */
#ifndef ECC_PAGE_HOME_H
#define ECC_PAGE_HOME_H

struct req;

/* GET / on the customer zone. 503 when the database is unavailable. */
int page_home(struct req *r);

#include <stdbool.h>

struct view;

/* page_home_notices: put the latest limit notices as "notices" into root
 * (shared with the operator console, which reads them live: cached=false;
 * the public start page may use the worker's copy, see notice_cache.h).
 * Returns 0, 503 when the database is unavailable, or 500. */
int page_home_notices(struct req *r, struct view *root, int limit, bool cached);

#endif
