/* page_ops_home.h: the operator console's start page (ops zone only). */
#ifndef ECC_PAGE_OPS_HOME_H
#define ECC_PAGE_OPS_HOME_H

struct req;

/* GET / on the ops zone. */
int page_ops_home(struct req *r);

#endif
