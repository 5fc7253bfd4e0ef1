/* page_ops_notices.h: the operator console's list of published notices (お知らせ). */
#ifndef ECC_PAGE_OPS_NOTICES_H
#define ECC_PAGE_OPS_NOTICES_H

struct req;

/* GET /notices on the ops zone: the latest 100 notices, newest first. */
int page_ops_notices(struct req *r);

#endif
