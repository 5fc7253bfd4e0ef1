/* conn_rakuten.h: the 楽天 RMS client (楽天ペイ受注API searchOrder + getOrder, 在庫API 2.0 stock). */
#ifndef ECC_CONN_RAKUTEN_H
#define ECC_CONN_RAKUTEN_H

#include "connectors/conn.h"
#include "connectors/conn_jv.h"

/*
 * Settings {shop_url (optional), license_expires_on "YYYY-MM-DD", rescan_days
 * (optional, below)}; secrets
 * {service_secret, license_key}; header Authorization: "ESA " +
 * base64(serviceSecret ":" licenseKey). Optional setting not on the form:
 * pacing "off". Endpoint: c->endpoint, or the official host when NULL/"".
 *
 * Orders. searchOrder has no "last updated" dateType (ec-platform-apis.md
 * §3: 1 注文日, 2 注文確認日, 3 注文確定日, 4 発送日, 5 発送完了報告日,
 * 6 決済確定日), so a window [from, to) is read in six phases:
 *   dateType 1 over [min(from, to − rescan_days), to): new orders, and a
 *     re-read of recent ones, which is what finds changes that have no
 *     date of their own (cancellation, edited amounts or quantities);
 *   dateTypes 2..6 over [from, to): every dated step (confirmation, fix,
 *     shipping, shipping report, settlement) of an order of any age.
 * Setting rescan_days (0..730, [14]) bounds the re-read; an undated change
 * to an order placed earlier than that is not seen until its next dated
 * step. In phases 2..6, order numbers whose embedded order date
 * ("shop-YYYYMMDD-seq", JST) lies wholly inside phase 1's range are
 * skipped (already read). Every range is clamped to the last 2 years and
 * split into sub-windows of ≤ 63 days; a search with more than 15,000
 * results (the API's cap) halves its sub-window. Times are sent as
 * "yyyy-MM-ddTHH:mm:ss+0900" (JST). One fetch = one searchOrder page
 * (≤ 1000 numbers, order date ascending) + getOrder (version 7) in
 * batches of ≤ 100. The same order may come in several pages of one run
 * (idempotent upserts absorb it).
 * next_token "r1:<sub_from_ms>:<sub_to_ms>:<dateType index 0..5>:<page>";
 * a resumed fetch must get the same window.
 *
 * Stock (the window is not used): GET inventories/bulk-get/range over
 * quantity ranges 0..99999, narrowing a range that answers 1000 records
 * (the cap); next_token "s1:<min quantity>:<range width>". SKU key is
 * "manageNumber:variantId" (as for order lines). Products: not supported.
 */
extern const struct conn_ops conn_rakuten_ops;

/* --- responses (conn_rakuten_parse.c) --- */

/*
 * conn_rakuten_parse_orders: a getOrder response → out->orders. Orders
 * that cannot be read, and per-order ERROR messages, become out->errors.
 * Mapping: orderProgress 100 注文確認待ち, 200 楽天処理中 → pending; 300
 * 発送待ち, 400 変更確定待ち → paid; 500 発送済, 600 支払手続き中, 700 支払手続き済
 * → shipped; 800 キャンセル確定待ち, 900 キャンセル確定 → cancelled; else other.
 * platform_status "<code> <name>". Amounts are JPY integers; -9999 (未確定)
 * becomes "0" (the raw JSON keeps it). subtotal goodsPrice, shipping
 * postagePrice, tax goodsTax, discount couponAllTotalPrice, total
 * totalPrice. updated_at_ms is the latest of the order's dated steps
 * (order, confirmation, fix, shipping instruction, shipping report, change
 * requests). Buyer from OrdererModel; ship_to from the first package's
 * SenderModel. Lines from every package: sku "manageNumber:variantId"
 * (else manageNumber, else itemNumber), line_total = price × units.
 * Each order's raw is its bytes in body as RMS sent them (body must stay
 * as it is while the page is used). Returns 0, or -ERR_UPSTREAM (bad JSON, no OrderModelList) /
 * -ERR_FORBIDDEN (an authorization error message) with msg.
 */
int conn_rakuten_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			      struct buf *msg);

/*
 * conn_rakuten_parse_search: a searchOrder response → its order numbers
 * (*numbers[0..*n), in a), totalRecordsAmount and totalPages (0 when there
 * are none). Errors as in conn_rakuten_parse_orders.
 */
int conn_rakuten_parse_search(struct arena *a, const char *body, size_t len, const char ***numbers,
			      size_t *n, int64_t *total, int64_t *pages, struct buf *msg);

/*
 * conn_rakuten_parse_messages: the page-level ERROR messages of root's
 * MessageModelList (with per_order, only those without an orderNumber):
 * -ERR_FORBIDDEN for an authorization/license error, -ERR_UPSTREAM with its
 * code for another one (the first decides; its text goes to msg), 0 when
 * there is none. root may be NULL.
 */
int conn_rakuten_parse_messages(struct arena *a, const struct conn_jv *root, bool per_order,
				struct buf *msg);

/* conn_rakuten_parse_root: body parsed (conn_jv_parse; what names it), then
 * conn_rakuten_parse_messages. 0, -ERR_UPSTREAM or -ERR_FORBIDDEN. */
int conn_rakuten_parse_root(struct arena *a, const char *body, size_t len, const char *what,
			    bool per_order, const struct conn_jv **root, struct buf *msg);

/* --- the client (conn_rakuten.c) --- */

/* conn_rakuten_esa: "ESA " + base64(secret ":" key), in a. */
const char *conn_rakuten_esa(struct arena *a, const char *secret, const char *key);

#endif
