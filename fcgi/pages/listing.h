/* listing.h: what every list screen shares — optional query parameters, the page number, JST date filters, the pager. */
#ifndef ECC_LISTING_H
#define ECC_LISTING_H

#include <stddef.h>

struct req;
struct view;

/* listing_param: the single value of an optional query parameter ("" when
 * absent). -1 when it is repeated or longer than max bytes (the caller
 * answers 400), else 0. *out lives in the request arena. */
int listing_param(struct req *r, const char *name, size_t max, const char **out);

/* listing_page: "" → 1; otherwise 1..max_page written as plain digits.
 * Returns 0, or -1 for anything else. */
int listing_page(const char *s, size_t max_page, size_t *page);

/* listing_dates: from and to are each "" or a JST day "YYYY-MM-DD"; 0 or -1. */
int listing_dates(const char *from, const char *to);

/* listing_pager: page, pages, total, has_prev/prev_page, has_next/next_page
 * into v, for per_page rows a page. */
void listing_pager(struct req *r, struct view *v, size_t page, size_t total, size_t per_page);

struct csv;

/* listing_csv_send: finish the export c (rows data rows, in c->enc) as an
 * attachment named filename, record it in the tenant's audit log as action
 * "export" with what=<what>, and return the status (200, or 500 when the
 * document cannot be built). */
int listing_csv_send(struct req *r, struct csv *c, const char *what, const char *filename,
		     size_t rows);

#endif
