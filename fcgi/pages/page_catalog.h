/* page_catalog.h: the products (SKU) and stock screens — search, connection filter, paging. */
#ifndef ECC_PAGE_CATALOG_H
#define ECC_PAGE_CATALOG_H

struct req;

/*
 * Handlers (routes.c; R_AUTH, ROLE_VIEWER). Scoped by the session's tenant
 * and the connections the user may use (page_orders_scope): a connection of
 * another tenant or one the user may not use is 404; a malformed or repeated
 * parameter is 400 with the page and a message. 50 rows a page, up to page
 * 200 (the count says "10,000件以上" above 10,000: narrow the search).
 *
 * GET /products?conn=&q=&page=   SKU, JAN, name, price, connection; q is a
 *                                prefix of the SKU, the JAN or the name
 * GET /stock?conn=&sku=&page=    SKU, location, quantity of one connection
 *                                (conn; default the first one by name); sku
 *                                is a prefix of the SKU
 */
int page_catalog_products(struct req *r);
int page_catalog_stock(struct req *r);

#endif
