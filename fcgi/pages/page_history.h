/* page_history.h: login history — the tenant's (admins; filters, paging, CSV) and each user's own. */
#ifndef ECC_PAGE_HISTORY_H
#define ECC_PAGE_HISTORY_H

struct req;

/*
 * page_history: GET /login-history (ROLE_ADMIN) — the tenant's attempts,
 * newest first, PAGE_HISTORY_PER_PAGE per page. Query: user (user id, ""
 * = all), result (""|success|failure), from/to (JST "YYYY-MM-DD"), page
 * (1-based). A bad filter shows an error above an empty list (200); a
 * repeated parameter is 400. Only the session's tenant is ever read.
 */
int page_history(struct req *r);

/*
 * page_history_csv: GET /login-history.csv?enc=utf8|sjis plus the filters
 * of page_history (at most 10000 rows). UTF-8 with BOM or Shift_JIS
 * (CP932), formula cells neutralised (csv.h), as an attachment; writes
 * the audit entry "export" (what, rows, encoding). 400 on a bad enc or
 * filter.
 */
int page_history_csv(struct req *r);

/* page_history_mine: GET /account/history — the signed-in user's own
 * attempts (page query parameter as above). */
int page_history_mine(struct req *r);

#endif
