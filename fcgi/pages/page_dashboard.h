/* page_dashboard.h: the signed-in start page. */
#ifndef ECC_PAGE_DASHBOARD_H
#define ECC_PAGE_DASHBOARD_H

struct req;

int page_dashboard(struct req *r); /* GET /dashboard */

#endif
