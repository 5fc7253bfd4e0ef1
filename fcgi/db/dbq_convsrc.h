/* dbq_convsrc.h: the records a template converts, read from orders/lines/products/stock/shipments with personal data unsealed. */
#ifndef ECC_DBQ_CONVSRC_H
#define ECC_DBQ_CONVSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/conv_fields.h"
#include "core/arena.h"

struct db;

/*
 * Which records to read. tenant_id comes from the session or the claimed
 * flow, never from a request. key is the tenant data key (buyer and ship-to
 * are unsealed with it; a record whose personal data cannot be unsealed is
 * an error for the whole call, never a silent blank).
 *
 *  connections/nconnections: only these connections (0 = all of the tenant;
 *      callers pass the user's allowed connections when restricted);
 *  latest: when > 0, the newest `latest` units (orders by ordered_at, products
 *      and shipments by changed/shipped time, stock by changed_at) — the
 *      preview's "latest 20 real records";
 *  not_in_flow: when != 0, only units without a flow_ledger row for that flow
 *      (what a flow run delivers), oldest first, at most `limit` units;
 *  only_ids/nonly_ids: when nonly_ids > 0, exactly these units (再送 of records).
 *  share_order: CONV_ORDER_LINE only — the lines of an order share the
 *      order's values through conv_record.order_values and values holds only
 *      the line fields (conv_fields.h), which keeps big runs small; false:
 *      every record has all its fields in values (for callers that edit
 *      values, e.g. masking).
 *
 * Values: texts as stored; decimals with trailing fractional zeros removed
 * (DECIMAL(18,4) 1200.0000 → 1200, tax rate 10.00 → 10); times from
 * DATETIME columns (UTC); personal data absent from the sealed JSON is
 * null; the tax split of conv_fields.h is computed from the lines.
 *
 * In every mode the units come oldest first: by the time named above, then
 * a natural key (order number, SKU, tracking number) so that units of the
 * same second keep one order whatever their random ids, then id; the lines
 * of an order by line number. An order without lines is one CONV_ORDER_LINE
 * record whose line fields are null.
 */
struct dbq_convsrc_query {
	uint64_t tenant_id;
	const unsigned char *key;
	enum conv_kind kind;
	const uint64_t *connections;
	size_t nconnections;
	size_t latest;
	uint64_t not_in_flow;
	size_t limit;
	const uint64_t *only_ids;
	size_t nonly_ids;
	bool share_order;
};

#define DBQ_CONVSRC_LIMIT_MAX 100000   /* units one call reads at most */

/*
 * dbq_convsrc_read: the records of q into *out[0..*n), in a (values,
 * labels, everything), filled as conv_fields.h describes (one record per
 * order line for CONV_ORDER_LINE, lines of one order consecutive). Returns
 * 0; -ERR_INVALID for a bad query (no selection, limit over the max);
 * -ERR_DB / -ERR_UNAVAILABLE; -ERR_FORBIDDEN when sealed data does not open
 * with key (tampering or a wrong key).
 */
int dbq_convsrc_read(struct db *db, struct arena *a, const struct dbq_convsrc_query *q,
    struct conv_record **out, size_t *n);

#endif
