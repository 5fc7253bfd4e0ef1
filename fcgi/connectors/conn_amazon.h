/* conn_amazon.h: the Amazon SP-API client (LWA token, Orders v0 getOrders + getOrderItems). */
#ifndef ECC_CONN_AMAZON_H
#define ECC_CONN_AMAZON_H

#include "connectors/conn.h"

/*
 * Settings {marketplace_id [A1VC38T7YXB528, JP], region [fe], lwa_endpoint
 * [https://api.amazon.com]}; secrets {client_id, client_secret,
 * refresh_token}. Optional settings not on the form: pacing "off" (no
 * client-side buckets). Endpoint: c->endpoint, with "{region}" replaced;
 * NULL/"" = "https://sellingpartnerapi-{region}.amazon.com".
 *
 * LWA: POST {lwa_endpoint}/auth/o2/token (form, grant_type=refresh_token).
 * The access token is cached per process (mutex), keyed by connection id and
 * a hash of endpoint, client id and refresh token, until 60 s before it
 * expires; a 403 with a cached token refreshes it once and retries. c->token
 * and c->token_expires are set (a copy in c->a) for the caller's
 * information but never read: a caller may reset c->a between pages.
 * Calls carry x-amz-access-token.
 *
 * Orders only (other streams: -ERR_INVALID). getOrders by LastUpdatedAfter/
 * LastUpdatedBefore in UTC "Z" (the end clamped to ≥ 2 minutes before now),
 * 100 per page; with a NextToken only MarketplaceIds + NextToken are sent.
 * next_token "a1:" + Amazon's NextToken. For each order, getOrderItems with
 * its own NextToken paging. Client-side token buckets per connection:
 * getOrders 0.0167/s burst 20, getOrderItems 0.5/s burst 30 (refilled 10 % slower).
 */
extern const struct conn_ops conn_amazon_ops;

/*
 * conn_amazon_parse_orders: a getOrders body → out->orders without lines
 * (subtotal, tax, shipping_fee, discount "0"; total = OrderTotal.Amount or
 * NULL when Amazon sends none), *next = payload.NextToken (NULL at the end).
 * Status: PendingAvailability, Pending → pending; Unshipped,
 * PartiallyShipped → paid; Shipped, InvoiceUnconfirmed → shipped; Canceled
 * → cancelled; else other (platform_status = OrderStatus). Buyer name and
 * email from BuyerInfo, ship_to from ShippingAddress; fields Amazon leaves
 * out (no Restricted Data Token) are "". raw is the order object's bytes as
 * Amazon sent them (body must stay as it is while the page is used).
 * Unreadable orders go to out->errors. Returns 0, or -ERR_UPSTREAM.
 */
int conn_amazon_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			     const char **next, struct buf *msg);

/*
 * conn_amazon_parse_items: a getOrderItems body → lines appended to o
 * (o->lines grows in a); adds ItemPrice to o->subtotal, ItemTax to o->tax,
 * ShippingPrice to o->shipping_fee, PromotionDiscount + ShippingDiscount to
 * o->discount; appends each item's bytes to items (comma-separated, for
 * conn_amazon_finish). Line: unit_price = ItemPrice ÷ QuantityOrdered
 * (exact to 4 digits), line_total = ItemPrice − PromotionDiscount, tax_rate
 * NULL, jan "". *next = payload.NextToken or NULL. Returns 0, -ERR_UPSTREAM
 * (bad page) or -ERR_INVALID (a bad item: the order should be left out),
 * with msg.
 */
int conn_amazon_parse_items(struct arena *a, const char *body, size_t len, struct conn_order *o,
			    struct buf *items, const char **next, struct buf *msg);

/* conn_amazon_finish: total = subtotal + shipping_fee − discount when Amazon
 * sent no OrderTotal, and raw = the order object with the items under
 * "_order_items" added as its last member (items as built by
 * conn_amazon_parse_items). 0 or
 * -ERR_INVALID. */
int conn_amazon_finish(struct arena *a, struct conn_order *o, const struct buf *items);

#endif
