/* conn_shopify.h: the Shopify Admin REST API client (orders, products with variants, stock per location). */
#ifndef ECC_CONN_SHOPIFY_H
#define ECC_CONN_SHOPIFY_H

#include "connectors/conn.h"
#include "connectors/conn_jv.h"

/*
 * Settings {shop_domain "<name>.myshopify.com", api_version "YYYY-MM"
 * [2025-01]}; secrets {access_token}. Optional settings not on the form:
 * currency (ISO 4217 of product prices, [JPY]: products carry no currency),
 * pacing "off" (no client-side bucket: emulators with limits off, bench).
 *
 * Endpoint: c->endpoint NULL or "" means "https://" + shop_domain; an
 * endpoint containing "{shop_domain}" (the default_endpoint
 * "https://{shop_domain}") has it replaced; any other endpoint (an
 * emulator) is used as is. Trailing '/' is dropped.
 *
 * Streams: orders (updated_at window, status=any, 250 per page, Link
 * rel="next" paging followed only on the endpoint's origin), products (one
 * conn_product per variant, updated_at window), stock (a full snapshot each
 * run: products pages → inventory_levels of ≤ 50 inventory items per call,
 * location names from locations.json; the window is not used).
 * The next_token is the Link URL of the next page.
 */
extern const struct conn_ops conn_shopify_ops;

/* --- pages (conn_shopify_parse.c) --- */

/*
 * conn_shopify_parse_orders: an orders.json body → out->orders (and
 * out->errors for orders that cannot be read, which are left out). Status:
 *   cancelled_at set → cancelled; financial_status refunded → refunded,
 *   voided → cancelled; fulfillment_status fulfilled → shipped;
 *   paid / partially_paid / partially_refunded → paid; pending / authorized
 *   / none → pending; anything else → other. platform_status is
 *   "[cancelled/]financial/fulfillment" ("paid/unfulfilled").
 * Money are the strings Shopify sends; shipping_fee is
 * total_shipping_price_set.shop_money.amount (else the sum of
 * shipping_lines[].price); line_total = price × quantity − total_discount;
 * tax_rate is the sum of the line's tax_lines[].rate in percent. Each
 * order's raw is its bytes in body, exactly as Shopify sent them.
 * Everything lives in a; body must stay as it is while the page is used. Returns 0, or -ERR_UPSTREAM when the page itself is
 * unusable (bad JSON, no "orders" array) with the reason in msg.
 */
int conn_shopify_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			      struct buf *msg);

/* conn_shopify_parse_products: a products.json body → out->products, one per
 * variant (external_id = variant id, jan = barcode, name = "title - variant
 * title" unless the variant is "Default Title"), prices in currency; raw is
 * the variant's bytes with "_product_title" (the product's title) added as
 * its last member. Errors as in conn_shopify_parse_orders. */
int conn_shopify_parse_products(struct arena *a, const char *body, size_t len, const char *currency,
				struct conn_page *out, struct buf *msg);

/* --- the client (conn_shopify.c) --- */

/*
 * conn_shopify_next_link: from a Link header value (may be NULL) the URL of
 * rel="next" into *next (in a; NULL when there is none). The URL must be on
 * the origin (scheme, host, port) of base, else -ERR_UPSTREAM with a message
 * (a page link pointing elsewhere is never followed). Returns 0 or that.
 */
int conn_shopify_next_link(struct arena *a, const char *link, const char *base, const char **next,
			   struct buf *msg);

/* conn_shopify_base: the resolved endpoint (see above) into *out (in a).
 * Returns 0, or -ERR_INVALID when shop_domain is needed and missing. */
int conn_shopify_base(struct arena *a, const char *endpoint, struct json_object *settings,
		      const char **out, struct buf *msg);

/* conn_shopify_pace: feed an X-Shopify-Shop-Api-Call-Limit value ("32/40";
 * NULL or malformed is ignored) into the connection's bucket, so calls wait
 * when the platform's bucket is over 80 % full. */
void conn_shopify_pace(struct conn_ctx *c, const char *call_limit);

#endif
