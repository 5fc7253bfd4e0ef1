/* conv_fields.c: the data kinds a template converts and the field catalog of each (names, Japanese labels, types). */
#include "conv_fields.h"

#include <string.h>

#include "core/err.h"

#define T EXPR_TEXT
#define D EXPR_DEC
#define TM EXPR_TIME

/* The order's own fields; CONV_ORDER's catalog, and the head of CONV_ORDER_LINE's. */
#define ORDER_FIELDS \
	{ "order_number", "注文番号", T }, \
	{ "external_id", "注文ID", T }, \
	{ "ordered_at", "注文日時", TM }, \
	{ "updated_at", "注文更新日時", TM }, \
	{ "status", "ステータス", T }, \
	{ "platform_status", "販売先ステータス", T }, \
	{ "currency", "通貨", T }, \
	{ "subtotal", "小計", D }, \
	{ "shipping_fee", "送料", D }, \
	{ "tax", "消費税", D }, \
	{ "discount", "割引", D }, \
	{ "total", "合計", D }, \
	{ "line_count", "明細数", D }, \
	{ "item_quantity", "商品点数", D }, \
	{ "amount_10", "10%対象額", D }, \
	{ "tax_10", "10%消費税", D }, \
	{ "amount_8", "8%対象額", D }, \
	{ "tax_8", "8%消費税", D }, \
	{ "amount_other", "その他対象額", D }, \
	{ "first_line.name", "先頭商品名", T }, \
	{ "first_line.sku", "先頭商品コード", T }, \
	{ "buyer.name", "購入者名", T }, \
	{ "buyer.kana", "購入者名カナ", T }, \
	{ "buyer.email", "購入者メールアドレス", T }, \
	{ "buyer.phone", "購入者電話番号", T }, \
	{ "buyer.postal_code", "購入者郵便番号", T }, \
	{ "buyer.prefecture", "購入者都道府県", T }, \
	{ "buyer.city", "購入者市区町村", T }, \
	{ "buyer.address1", "購入者住所1", T }, \
	{ "buyer.address2", "購入者住所2", T }, \
	{ "ship.name", "送付先名", T }, \
	{ "ship.kana", "送付先名カナ", T }, \
	{ "ship.postal_code", "送付先郵便番号", T }, \
	{ "ship.prefecture", "送付先都道府県", T }, \
	{ "ship.city", "送付先市区町村", T }, \
	{ "ship.address1", "送付先住所1", T }, \
	{ "ship.address2", "送付先住所2", T }, \
	{ "ship.phone", "送付先電話番号", T }, \
	{ "connection.name", "接続名", T }, \
	{ "connection.platform", "販売先", T }

static const struct expr_field order_fields[] = { ORDER_FIELDS };

static const struct expr_field line_fields[] = {
	ORDER_FIELDS,
	{ "line.no", "明細番号", D },
	{ "line.external_id", "明細ID", T },
	{ "line.sku", "商品コード", T },
	{ "line.jan", "JANコード", T },
	{ "line.name", "商品名", T },
	{ "line.quantity", "数量", D },
	{ "line.unit_price", "単価", D },
	{ "line.tax_rate", "税率", D },
	{ "line.total", "明細合計", D },
	{ "line.tax", "明細消費税", D },
};

static const struct expr_field product_fields[] = {
	{ "sku", "商品コード", T },
	{ "name", "商品名", T },
	{ "jan", "JANコード", T },
	{ "price", "価格", D },
	{ "currency", "通貨", T },
	{ "external_id", "商品ID", T },
	{ "product_external_id", "親商品ID", T },
	{ "updated_at", "更新日時", TM },
	{ "first_seen_at", "初回取込日時", TM },
	{ "changed_at", "変更日時", TM },
	{ "connection.name", "接続名", T },
	{ "connection.platform", "販売先", T },
};

static const struct expr_field stock_fields[] = {
	{ "sku", "商品コード", T },
	{ "location_id", "ロケーションID", T },
	{ "location_name", "ロケーション名", T },
	{ "quantity", "在庫数", D },
	{ "updated_at", "更新日時", TM },
	{ "changed_at", "変更日時", TM },
	{ "connection.name", "接続名", T },
	{ "connection.platform", "販売先", T },
};

static const struct expr_field shipment_fields[] = {
	{ "external_id", "出荷ID", T },
	{ "carrier", "配送業者", T },
	{ "tracking_number", "追跡番号", T },
	{ "shipped_at", "出荷日時", TM },
	{ "status", "出荷ステータス", T },
	{ "order_number", "注文番号", T },
	{ "order.external_id", "注文ID", T },
	{ "ordered_at", "注文日時", TM },
	{ "ship.name", "送付先名", T },
	{ "ship.kana", "送付先名カナ", T },
	{ "ship.postal_code", "送付先郵便番号", T },
	{ "ship.prefecture", "送付先都道府県", T },
	{ "ship.city", "送付先市区町村", T },
	{ "ship.address1", "送付先住所1", T },
	{ "ship.address2", "送付先住所2", T },
	{ "ship.phone", "送付先電話番号", T },
	{ "connection.name", "接続名", T },
	{ "connection.platform", "販売先", T },
};

#define CAT(f) { f, sizeof f / sizeof f[0] }

static const struct expr_catalog catalogs[] = {
	CAT(order_fields), CAT(line_fields), CAT(product_fields), CAT(stock_fields), CAT(shipment_fields),
};

static const struct {
	const char *name;
	const char *label;
} kinds[] = {
	{ "order", "受注" },
	{ "order_line", "受注明細" },
	{ "product", "商品" },
	{ "stock", "在庫" },
	{ "shipment", "出荷" },
};

const struct expr_catalog *
conv_fields_catalog(enum conv_kind kind)
{
	if (kind < CONV_ORDER || kind > CONV_SHIPMENT)
		return NULL;
	return &catalogs[kind - CONV_ORDER];
}

int
conv_fields_index(enum conv_kind kind, const char *name)
{
	const struct expr_catalog *c = conv_fields_catalog(kind);
	if (c == NULL || name == NULL)
		return -1;
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->fields[i].name, name) == 0 ||
		    (c->fields[i].label != NULL && strcmp(c->fields[i].label, name) == 0))
			return (int)i;
	return -1;
}

size_t
conv_fields_line_first(void)
{
	return sizeof order_fields / sizeof order_fields[0];
}

int
conv_kind_parse(const char *s, enum conv_kind *out)
{
	for (size_t i = 0; s != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i].name) == 0) {
			*out = (enum conv_kind)(CONV_ORDER + (int)i);
			return 0;
		}
	return -ERR_INVALID;
}

const char *
conv_kind_name(enum conv_kind kind)
{
	return kind >= CONV_ORDER && kind <= CONV_SHIPMENT ? kinds[kind - CONV_ORDER].name : "";
}

const char *
conv_kind_label(enum conv_kind kind)
{
	return kind >= CONV_ORDER && kind <= CONV_SHIPMENT ? kinds[kind - CONV_ORDER].label : "";
}
