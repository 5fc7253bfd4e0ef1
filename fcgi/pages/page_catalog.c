/* page_catalog.c: the products (SKU) and stock screens — search, connection filter, paging. */
#include "page_catalog.h"

#include <inttypes.h>
#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_catalog.h"
#include "db/dbq_orders.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_orders.h"
#include "pages/render.h"
#include "server/app.h"

#define PER_PAGE 50
#define MAX_PAGE 200
#define COUNT_CAP 10000

static int
db_status(int rc)
{
	return rc == -ERR_UNAVAILABLE ? 503 : 500;
}

/* The search text: ≤ 100 characters, no control characters. */
static bool
search_ok(const char *q)
{
	return dbq_orders_text_ok(q, 100, true);
}

/* Page numbers and the count text into v. */
static void
pager(struct req *r, struct view *v, size_t page, size_t count)
{
	struct arena *a = r->arena;
	size_t pages = count == 0 ? 1 : (count + PER_PAGE - 1) / PER_PAGE;
	if (pages > MAX_PAGE)
		pages = MAX_PAGE;
	view_set_str(a, v, "count", count > COUNT_CAP ? render_t(r, "orders_count_many")
						    : arena_printf(a, "%zu", count));
	view_set_int(a, v, "page", (int64_t)page);
	view_set_bool(a, v, "has_prev", page > 1);
	view_set_int(a, v, "prev_page", (int64_t)(page > 1 ? page - 1 : 1));
	view_set_bool(a, v, "has_next", page < pages);
	view_set_int(a, v, "next_page", (int64_t)(page + 1));
}

/* Render with an error message and status 400 (nothing listed). */
static int
bad(struct req *r, struct view *v, const char *tmpl, const char *key)
{
	view_set_str(r->arena, v, "error", render_t(r, key));
	view_set(r->arena, v, "rows", view_list(r->arena));
	pager(r, v, 1, 0);
	return render_page(r, tmpl, v, 400);
}

int
page_catalog_products(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	const char *q, *pg, *conn;
	struct dbq_orders_conn *conns = NULL;
	size_t nconns = 0, page = 1;
	uint64_t chosen = 0;
	if (listing_param(r, "q", 400, &q) || listing_param(r, "page", 10, &pg) ||
	    listing_param(r, "conn", 20, &conn))
		return 400;
	int st = page_orders_scope(r, "conn", &conns, &nconns, &chosen);
	if (st != 0 && st != 400)
		return st;
	struct view *v = render_root(r);
	resp_header(r, "Cache-Control", "no-store");
	view_set(a, v, "conn_options", page_orders_conn_options(r, conns, nconns, chosen,
							       render_t(r, "orders_all_conns")));
	view_set_str(a, v, "f_conn", conn);
	view_set_str(a, v, "f_q", q);
	view_set_bool(a, v, "has_conns", nconns > 0);
	if (st == 400)
		return bad(r, v, "catalog/products", "orders_err_conn");
	if (*q && !search_ok(q))
		return bad(r, v, "catalog/products", "products_err_q");
	if (listing_page(pg, MAX_PAGE, &page) != 0)
		return bad(r, v, "catalog/products", "orders_err_page");
	uint64_t *ids = arena_calloc(a, nconns ? nconns : 1, sizeof *ids);
	for (size_t i = 0; i < nconns; i++)
		ids[i] = conns[i].id;
	struct dbq_catalog_scope sc = { .conn_ids = chosen ? &chosen : ids, .nconn = chosen ? 1 : nconns,
					.all_conns = !chosen && !r->session->restrict_connections };
	struct product_row *rows = NULL;
	size_t n = 0, count = 0;
	if (nconns > 0) {
		int rc = dbq_catalog_products(app->db, a, r->session->tenant_id, &sc, q, (page - 1) * PER_PAGE,
					      PER_PAGE, COUNT_CAP, &rows, &n, &count);
		if (rc == -ERR_INVALID)
			return bad(r, v, "catalog/products", "orders_err_page");
		if (rc != 0)
			return db_status(rc);
	}
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++) {
		struct view *x = view_obj(a);
		char when[20];
		view_set_str(a, x, "sku", rows[i].sku);
		view_set_str(a, x, "jan", rows[i].jan);
		view_set_str(a, x, "name", rows[i].name);
		view_set_str(a, x, "price", page_orders_money(a, rows[i].currency, rows[i].price));
		view_set_str(a, x, "conn", page_orders_conn_label(r, conns, nconns, rows[i].connection_id));
		view_set_str(a, x, "changed", clock_jst_minute((time_t)rows[i].changed_at, when));
		view_push(a, list, x);
	}
	view_set(a, v, "rows", list);
	view_set_bool(a, v, "has_rows", n > 0);
	pager(r, v, page, count);
	return render_page(r, "catalog/products", v, 200);
}

int
page_catalog_stock(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	const char *sku, *pg, *conn;
	struct dbq_orders_conn *conns = NULL;
	size_t nconns = 0, page = 1;
	uint64_t chosen = 0;
	if (listing_param(r, "sku", 400, &sku) || listing_param(r, "page", 10, &pg) ||
	    listing_param(r, "conn", 20, &conn))
		return 400;
	int st = page_orders_scope(r, "conn", &conns, &nconns, &chosen);
	if (st != 0 && st != 400)
		return st;
	if (st == 0 && chosen == 0 && nconns > 0)
		chosen = conns[0].id; /* stock is per connection: the first by name */
	struct view *v = render_root(r);
	resp_header(r, "Cache-Control", "no-store");
	view_set(a, v, "conn_options", page_orders_conn_options(r, conns, nconns, chosen, NULL));
	view_set_str(a, v, "f_conn", chosen ? arena_printf(a, "%" PRIu64, chosen) : "");
	view_set_str(a, v, "f_sku", sku);
	view_set_bool(a, v, "has_conns", nconns > 0);
	if (st == 400)
		return bad(r, v, "catalog/stock", "orders_err_conn");
	if (*sku && !search_ok(sku))
		return bad(r, v, "catalog/stock", "stock_err_sku");
	if (listing_page(pg, MAX_PAGE, &page) != 0)
		return bad(r, v, "catalog/stock", "orders_err_page");
	struct stock_row *rows = NULL;
	size_t n = 0, count = 0;
	if (chosen != 0) {
		int rc = dbq_catalog_stock(app->db, a, r->session->tenant_id, chosen, sku, (page - 1) * PER_PAGE,
					   PER_PAGE, COUNT_CAP, &rows, &n, &count);
		if (rc == -ERR_INVALID)
			return bad(r, v, "catalog/stock", "orders_err_page");
		if (rc != 0)
			return db_status(rc);
	}
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++) {
		struct view *x = view_obj(a);
		char when[20];
		view_set_str(a, x, "sku", rows[i].sku);
		view_set_str(a, x, "location", *rows[i].location_name ? rows[i].location_name : rows[i].location_id);
		view_set_int(a, x, "quantity", rows[i].quantity);
		view_set_bool(a, x, "negative", rows[i].quantity < 0);
		view_set_str(a, x, "updated", rows[i].source_updated_at
					   ? clock_jst_minute((time_t)rows[i].source_updated_at, when) : "");
		view_push(a, list, x);
	}
	view_set(a, v, "rows", list);
	view_set_bool(a, v, "has_rows", n > 0);
	pager(r, v, page, count);
	return render_page(r, "catalog/stock", v, 200);
}
