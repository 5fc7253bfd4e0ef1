/* conn.h: the one ops table every platform client implements, and the normalised records they produce. */
#ifndef ECC_CONN_H
#define ECC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "connectors/http_client.h"
#include "core/arena.h"
#include "core/buf.h"

struct json_object;

/* Streams a connection can sync (sync_jobs.stream). */
enum conn_stream {
	CONN_ORDERS,
	CONN_PRODUCTS,
	CONN_STOCK,
};

/* Normalised order status (orders.status). */
enum conn_order_status {
	CONN_ST_PENDING,   /* not paid / not confirmed */
	CONN_ST_PAID,      /* paid or confirmed, not shipped */
	CONN_ST_SHIPPED,   /* fulfilled / shipped */
	CONN_ST_CANCELLED,
	CONN_ST_REFUNDED,
	CONN_ST_OTHER,
};

/*
 * Money and quantities. Money is an exact decimal string: optional '-',
 * 1..14 integer digits, optional '.' and 1..4 fraction digits ("1234",
 * "1234.50"); conn_money_ok() checks it. Never a double.
 */
struct conn_line {
	const char *external_line_id;
	const char *sku;        /* "" when the platform has none */
	const char *jan;        /* JAN/EAN barcode, "" when unknown */
	const char *name;
	long quantity;
	const char *unit_price;
	const char *tax_rate;   /* percent "10", "8"; NULL when unknown */
	const char *line_total; /* unit_price × quantity − line discounts, as the platform says */
};

/* Buyer personal data: every field may be "" (never NULL). Stored sealed. */
struct conn_person {
	const char *name;
	const char *kana;
	const char *email;
	const char *phone;
	const char *postal_code;
	const char *prefecture;
	const char *city;
	const char *address1;
	const char *address2;
};

/*
 * A shipment of an order (shipments table): a platform's fulfilment /
 * shipping record with its tracking number. external_id is the platform's
 * id of that record, unique per connection (1–100 characters); carrier,
 * tracking_number and status may be "" (NULL counts as ""), each at most 100
 * (status 64) characters as the platform says them (no mapping).
 */
struct conn_shipment {
	const char *external_id;
	const char *carrier;          /* "ヤマト運輸", "Yamato (JA)" … */
	const char *tracking_number;
	time_t shipped_at;            /* UTC; 0 = unknown */
	const char *status;           /* the platform's status text ("success", "delivered"), "" if none */
};

struct conn_order {
	const char *external_id;    /* unique per connection */
	const char *order_number;
	enum conn_order_status status;
	const char *platform_status;
	time_t ordered_at;          /* UTC */
	int ordered_offset_min;     /* offset the source used, e.g. 540 for +09:00 */
	int64_t updated_at_ms;      /* source last-update time, UTC, milliseconds */
	const char *currency;       /* ISO 4217, "JPY" */
	const char *subtotal, *shipping_fee, *tax, *discount, *total;
	struct conn_person buyer;
	struct conn_person ship_to;
	struct conn_line *lines;
	size_t nlines;
	const char *raw;            /* the source JSON of this order (after any merge of sub-calls) */
	size_t raw_len;
	/* shipments[0..nshipments) in the platform's order, in the page arena (NULL when
	 * nshipments is 0); an external_id repeated within one order: the last one counts.
	 * Part of the content: a changed shipment makes the order "updated". */
	struct conn_shipment *shipments;
	size_t nshipments;
};

struct conn_product {
	const char *external_id;    /* SKU-level id */
	const char *product_external_id;
	const char *sku, *jan, *name;
	const char *price;
	const char *currency;
	int64_t updated_at_ms;
	const char *raw;
	size_t raw_len;
};

struct conn_stock {
	const char *sku;
	const char *location_id;    /* "" when the platform has one stock */
	const char *location_name;
	long quantity;
	int64_t updated_at_ms;      /* 0 when unknown */
};

/* A per-record problem that does not fail the page (e.g. an order whose
 * amount is not a number): reported in sync_record_errors. */
struct conn_record_error {
	const char *external_id;
	const char *message;        /* Japanese, for the run history */
};

/* One page of results. Arrays live in the page arena. */
struct conn_page {
	struct conn_order *orders;
	size_t norders;
	struct conn_product *products;
	size_t nproducts;
	struct conn_stock *stock;
	size_t nstock;
	struct conn_record_error *errors;
	size_t nerrors;
	const char *next_token;     /* NULL: the window is complete */
};

/* The window a run asks for: records updated in [from_ms, to_ms) (UTC ms). */
struct conn_window {
	int64_t from_ms;
	int64_t to_ms;
};

/* Counters a client keeps while it works (copied into sync_runs). */
struct conn_stats {
	unsigned api_calls;
	uint64_t bytes_in;
	unsigned throttled;         /* 429 / quota answers seen */
	unsigned retries;
};

/*
 * A connection as a client sees it. settings and secrets are parsed JSON
 * objects owned by the caller (json-c; the client only reads them). token
 * and token_expires are output only: the client reports the access token it
 * used (Amazon LWA), which it caches per process itself, because ctx->a may
 * be reset between pages (the fetcher uses one arena per page).
 */
struct conn_ctx {
	struct arena *a;                   /* for everything the client returns */
	const struct http_client_opts *http;
	uint64_t tenant_id;
	uint64_t connection_id;
	const char *endpoint;              /* base URL, no trailing '/' */
	struct json_object *settings;
	struct json_object *secrets;
	const char *token;
	time_t token_expires;
	struct conn_stats stats;
	int64_t not_before_ms;             /* rate limiting: no call before this (CLOCK_MONOTONIC ms) */
	int max_retries;                   /* bounded retries of transient failures [0: 5; < 0: none] */
	int64_t max_wait_ms;               /* give up (transient) rather than wait longer in total [120000] */
};

/*
 * Errors every ops function returns, with a Japanese message for the user
 * in msg (no secret, no payload):
 *   -ERR_FORBIDDEN   credentials refused (401/403, invalid/expired key or token): flag the
 *                    connection, do not retry until it is edited
 *   -ERR_UNAVAILABLE transient: 5xx, 429 after the retries, timeout, refused connection
 *   -ERR_TIMEOUT     the same, for a timeout
 *   -ERR_UPSTREAM    the platform answered something we cannot use (malformed JSON, missing
 *                    fields on the page level, unexpected status): the run fails, nothing stored
 *   -ERR_INVALID     the connection's own settings are unusable (e.g. bad shop domain)
 *   -ERR_CONFIG      blocked by the outbound guard (SSRF): message says which host and why
 */

/* A connection field on the connection form. */
struct conn_field {
	const char *name;       /* form and JSON key: [a-z_]+ */
	const char *label_key;  /* i18n key of the label */
	const char *help_key;   /* i18n key of "where to find it" */
	bool secret;            /* goes to credentials_enc, never shown again */
	bool required;
	size_t max_len;
	const char *pattern;    /* documented shape, checked by the client's validate() */
};

struct conn_ops {
	const char *platform;                 /* "shopify", "rakuten", "amazon" */
	const char *label;                    /* "Shopify", "楽天市場 RMS", "Amazon SP-API" */
	const char *default_endpoint;         /* official base URL */
	const struct conn_field *fields;
	size_t nfields;
	int64_t overlap_ms;                   /* look-back overlap of incremental windows */
	int64_t lag_ms;                       /* the window ends this long before now (Amazon: 2 min) */
	int64_t max_window_ms;                /* longest window one run may take (楽天: 63 days); 0 = any */
	int64_t first_sync_ms;                /* how far back the first sync reaches */

	/* validate: check settings/secrets shape (on save); 0 or -ERR_INVALID with msg naming the field. */
	int (*validate)(struct json_object *settings, struct json_object *secrets, struct buf *msg);
	/* test: one real authenticated call (接続テスト). 0 with a success text in msg, or an error above. */
	int (*test)(struct conn_ctx *c, struct buf *msg);
	/* fetch: one page of stream s in window w, continuing after token (NULL = first page). */
	int (*fetch)(struct conn_ctx *c, enum conn_stream s, const struct conn_window *w,
		     const char *token, struct conn_page *out, struct buf *msg);
	/* credential_expiry: when the credentials expire (楽天 license key), 0 if unknown/never. */
	time_t (*credential_expiry)(struct json_object *settings);
	/* streams the platform supports: bit (1u << s) for each enum conn_stream s; fetch of
	 * another stream returns -ERR_INVALID and sets nothing, so create no job for it. */
	unsigned streams;
};

/* conn_find: the ops of platform ("shopify" …), or NULL. */
const struct conn_ops *conn_find(const char *platform);

/* conn_all: every platform's ops, in display order; *n gets the count. */
const struct conn_ops *const *conn_all(size_t *n);

/* conn_stream_name / conn_stream_parse: "orders" | "products" | "stock". parse: 0 or -ERR_INVALID. */
const char *conn_stream_name(enum conn_stream s);
int conn_stream_parse(const char *name, enum conn_stream *out);

/* conn_status_name: "pending", "paid", … as stored in orders.status. */
const char *conn_status_name(enum conn_order_status s);

/* conn_money_ok: true when s is an exact decimal as described above. */
bool conn_money_ok(const char *s);

#endif
