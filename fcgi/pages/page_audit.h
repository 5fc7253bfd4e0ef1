/* page_audit.h: the tenant's audit log for its admins — list with filters and paging, CSV export. */
#ifndef ECC_PAGE_AUDIT_H
#define ECC_PAGE_AUDIT_H

struct req;

/*
 * page_audit: GET /audit (ROLE_ADMIN) — the session tenant's entries newest
 * first (JST), 50 per page. Query: action (exact event name, "" = any),
 * from/to (JST "YYYY-MM-DD"), page (1-based). A bad filter shows an error
 * above an empty list (200); a repeated parameter is 400.
 */
int page_audit(struct req *r);

/*
 * page_audit_csv: GET /audit.csv?enc=utf8|sjis plus the filters (at most
 * 500 newest rows, the list limit of dbq_audit_list). The export itself is
 * appended as "export" after the document is built. 400 on a bad value.
 */
int page_audit_csv(struct req *r);

#endif
