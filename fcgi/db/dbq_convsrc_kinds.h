/* dbq_convsrc_kinds.h: private to dbq_convsrc*.c — the readers of products, stock levels and shipments. */
#ifndef ECC_DBQ_CONVSRC_KINDS_H
#define ECC_DBQ_CONVSRC_KINDS_H

#include "db/dbq_convsrc_util.h"

/*
 * The records of c->q (its kind) into *out[0..*n), in c->a, as
 * dbq_convsrc_read describes: products (id products.id, label the SKU),
 * stock levels (id the 63-bit hash below, label "SKU@location"), shipments
 * (id shipments.id, label the tracking number, else the shipment's id; the
 * order's number and its ship-to unsealed). Returns 0, -ERR_FORBIDDEN (a
 * ship-to that does not open) or a db error.
 *
 * A stock level's id: the first 8 bytes of SHA-256 of
 * "<connection_id>:<byte length of sku>:<sku>:<location_id>" as a
 * big-endian number with the top bit cleared — computed by MariaDB, so the
 * flow ledger can be joined on it.
 */
int dbq_convsrc_kinds_products(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n);
int dbq_convsrc_kinds_stock(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n);
int dbq_convsrc_kinds_shipments(struct dbq_convsrc_ctx *c, struct conv_record **out, size_t *n);

#endif
