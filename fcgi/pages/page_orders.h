/* page_orders.h: the orders screens — list (filters, keyset paging, sort), detail (masked for viewers), dashboard chart. */
#ifndef ECC_PAGE_ORDERS_H
#define ECC_PAGE_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct req;
struct view;
struct dbq_orders_conn;

/*
 * Handlers (routes.c; R_AUTH, ROLE_VIEWER: viewers read, with buyer personal
 * data masked). Every query is scoped by the session's tenant and limited to
 * the connections the user may use (dbq_orders_connections /
 * dbq_users_can_use_connection); an order of another tenant or of a
 * connection the user may not use is 404. A malformed or repeated query
 * parameter is 400 with the page and a message (never 500).
 *
 * GET /orders?conn=&status=&from=&to=&number=&match=exact|prefix
 *            &sort=newest|oldest|total_desc|total_asc&after=|before=&page=
 *   from/to: JST days (inclusive); after/before: keyset cursors
 *   "<key>_<id>" written by the page itself; page: the page number shown.
 *   50 orders a page; the count says "10,000件以上" above 10,000.
 * GET /orders/{id:int}
 *   header, amounts, lines, buyer and shipping address, shipments, and
 *   for editors and admins the received source data (受信データ).
 */
int page_orders_list(struct req *r);
int page_orders_show(struct req *r);

/*
 * page_orders_scope: the connections r's user may use (by name) and the
 * one chosen by query parameter param ("" = all: *chosen 0). Returns 0, 400
 * (malformed or repeated parameter), 404 (a connection of another tenant or
 * not allowed to this user), 503/500 (database). Shared with page_catalog.c.
 */
int page_orders_scope(struct req *r, const char *param, struct dbq_orders_conn **conns, size_t *n,
		      uint64_t *chosen);

/* page_orders_conn_options: a list view {value, label, selected} of conns
 * for a <select>, with first an "all" option (label all_label, value "")
 * when all_label is not NULL. */
struct view *page_orders_conn_options(struct req *r, const struct dbq_orders_conn *conns, size_t n,
				      uint64_t chosen, const char *all_label);

/* page_orders_conn_label: "name (platform label)" of connection id among
 * conns, or "#id" when absent. In r's arena. */
const char *page_orders_conn_label(struct req *r, const struct dbq_orders_conn *conns, size_t n,
				   uint64_t id);

/*
 * page_orders_dashboard: for the lead's /dashboard — sets in v:
 *   orders_chart        VIEW_SAFE SVG: orders per JST day by connection, last 30 days
 *                       (lines; svgchart.h), absent when the user has no connection
 *   orders_chart_days   list of {day ("MM/DD"), counts: list of {n}} (the table fallback)
 *   orders_chart_conns  list of {label} (column heads of that table)
 *   orders_today        list of {label, n}: today's (JST) orders per connection
 *   orders_today_total  their sum
 *   has_orders_chart    bool
 * Render with the partial templates/orders/dashboard_chart.html. Returns 0,
 * or 503/500 when the database fails (v is then left without these keys).
 */
int page_orders_dashboard(struct req *r, struct view *v);

/*
 * Formatting (pure; in a):
 * page_orders_money: an amount as DECIMAL text ("-1234.5000") for display:
 *   JPY "¥1,234" (fraction shown only when not zero: "¥1,234.5"), negative
 *   "-¥1,234"; other currencies "USD 1,234.50" (at least 2 decimals,
 *   trailing zeros beyond removed). Exact: no floating point. Text that is
 *   not a decimal is returned unchanged.
 * page_orders_mask_name:  first character + "＊＊" ("" stays "").
 * page_orders_mask_email: first character of the local part + "***@" + the
 *   domain ("a***@example.com"); no '@': "***".
 * page_orders_mask_phone: "＊＊＊＊" + the last 4 digits (fewer digits: all
 *   masked).
 */
const char *page_orders_money(struct arena *a, const char *currency, const char *amount);
const char *page_orders_mask_name(struct arena *a, const char *s);
const char *page_orders_mask_email(struct arena *a, const char *s);
const char *page_orders_mask_phone(struct arena *a, const char *s);

#endif
