/* conv_fields.h: the data kinds a template converts and the fields of each, as the expression catalog. */
#ifndef ECC_CONV_FIELDS_H
#define ECC_CONV_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "convert/expr.h"

/*
 * A template belongs to one kind. A record of a kind is one output unit
 * before filtering: one order (CONV_ORDER), one order line with its order's
 * fields (CONV_ORDER_LINE), one product/SKU, one stock level (SKU ×
 * location), one shipment with its order's number and ship-to.
 *
 * The ledger unit (what "delivered once per flow" counts) is the record's
 * `id`: orders.id for CONV_ORDER and CONV_ORDER_LINE (all lines of an order
 * go out together), products.id, shipments.id, and for stock a stable
 * 63-bit hash of (connection, sku, location).
 */
enum conv_kind {
	CONV_ORDER = 1,
	CONV_ORDER_LINE = 2,
	CONV_PRODUCT = 3,
	CONV_STOCK = 4,
	CONV_SHIPMENT = 5,
};

/*
 * One record: values[i] is the value of catalog field i (the catalog of
 * the record's kind), filled by the loader (fcgi/db/dbq_convsrc.h) or by a
 * test. Money and quantities are EXPR_DEC, times EXPR_TIME (UTC ms),
 * everything else EXPR_TEXT; a value the source does not have is EXPR_NULL.
 * Memory belongs to whoever filled it (an arena that outlives the run).
 */
struct conv_record {
	uint64_t id;            /* the ledger unit, see above */
	const char *label;      /* for reports: order number, SKU … (never NULL) */
	struct expr_value *values;
	/*
	 * CONV_ORDER_LINE only, optional: the order's values (indexes
	 * 0..conv_fields_line_first()-1 of the catalog), shared by all lines
	 * of the order so that they are stored once. When set, values holds
	 * only the line fields: catalog index i >= conv_fields_line_first() is
	 * values[i - conv_fields_line_first()]. NULL: values holds every field.
	 */
	const struct expr_value *order_values;
};

/*
 * conv_fields_catalog: the fields of kind, in a fixed order (static data;
 * indexes are stable within one build, names and labels are the contract
 * with saved templates: a field is never renamed, only added). NULL for an
 * unknown kind.
 *
 * Field names are ASCII identifiers ("order_number", "line.unit_price",
 * "ship.address1"); labels are Japanese ("注文番号", "単価", "送付先住所1")
 * and usable as [単価] in expressions.
 *
 * Consumption tax per order (orders and order lines): Japanese EC prices
 * are tax-inclusive (税込), so line totals already contain the tax.
 * amount_10 [10%対象額] is the sum of the line totals with tax rate 10,
 * amount_8 [8%対象額] with rate 8 (軽減税率), amount_other [その他対象額]
 * every other line (another rate, or none known); tax_10 / tax_8 are the
 * tax contained in those amounts, floor(amount × rate / (100 + rate)),
 * rounded down once per order and rate (the per-invoice rounding of the
 * インボイス制度); line.tax is the same rule for one line. Shipping fees and
 * discounts are not in these amounts (they are separate fields).
 */
const struct expr_catalog *conv_fields_catalog(enum conv_kind kind);

/* conv_fields_index: the index of the field called name (or labelled so) in
 * kind's catalog, or -1. */
int conv_fields_index(enum conv_kind kind, const char *name);

/* conv_fields_line_first: the index of the first line field (line.*) in
 * CONV_ORDER_LINE's catalog; the fields before it are the fields of
 * CONV_ORDER, at the same indexes. */
size_t conv_fields_line_first(void);

/* conv_kind_parse / conv_kind_name: "order", "order_line", "product",
 * "stock", "shipment" ⇔ the enum (the schema's ENUM spelling).
 * conv_kind_parse returns 0 or -ERR_INVALID; conv_kind_name returns static
 * text ("" for an unknown value). conv_kind_label: the Japanese name
 * ("受注", "受注明細", "商品", "在庫", "出荷"). */
int conv_kind_parse(const char *s, enum conv_kind *out);
const char *conv_kind_name(enum conv_kind kind);
const char *conv_kind_label(enum conv_kind kind);

#endif
