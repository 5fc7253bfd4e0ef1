/* conn_rakuten_parse.c: 楽天 RMS responses (getOrder, searchOrder, message lists) read into normalised records. */
#include "conn_rakuten.h"

#include <inttypes.h>
#include <string.h>

#include "connectors/conn_json.h"
#include "connectors/conn_jv.h"
#include "connectors/conn_page.h"
#include "core/err.h"

/* ---- messages ---- */

static bool
mentions(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, words[i]) != NULL)
			return true;
	return false;
}

int
conn_rakuten_parse_messages(struct arena *a, const struct conn_jv *root, bool per_order,
			    struct buf *msg)
{
	static const char *const auth[] = { "AUTH", "auth", "認証", "ライセンス", "license", "License",
					    "権限", "Unauthorized", "期限" };
	const struct conn_jv *list = conn_jv_get(root, "MessageModelList");
	for (size_t i = 0; conn_jv_is(list, CONN_JV_ARRAY) && i < conn_jv_len(list); i++) {
		const struct conn_jv *m = conn_jv_idx(list, i);
		const char *type, *code, *text, *num;
		conn_json_str(a, m, "messageType", false, &type, NULL);
		conn_json_str(a, m, "messageCode", false, &code, NULL);
		conn_json_str(a, m, "message", false, &text, NULL);
		conn_json_str(a, m, "orderNumber", false, &num, NULL);
		if (strcmp(type, "ERROR") != 0 || (per_order && num[0] != '\0'))
			continue;
		if (mentions(code, auth, 6) || mentions(text, auth, sizeof auth / sizeof auth[0])) {
			buf_printf(msg, "楽天 RMS が認証エラーを返しました（%s: %.200s）。serviceSecret と"
				   "ライセンスキー、RMS の API 利用設定を確認してください。", code, text);
			return -ERR_FORBIDDEN;
		}
		buf_printf(msg, "楽天 RMS がエラーを返しました（%s: %.200s）。", code, text);
		return -ERR_UPSTREAM;
	}
	return 0;
}

/* ---- orders ---- */

static enum conn_order_status
map_status(int64_t p)
{
	switch (p) {
	case 100: case 200:
		return CONN_ST_PENDING;
	case 300: case 400:
		return CONN_ST_PAID;
	case 500: case 600: case 700:
		return CONN_ST_SHIPPED;
	case 800: case 900:
		return CONN_ST_CANCELLED;
	default:
		return CONN_ST_OTHER;
	}
}

static const char *
progress_name(int64_t p)
{
	switch (p) {
	case 100: return "注文確認待ち";
	case 200: return "楽天処理中";
	case 300: return "発送待ち";
	case 400: return "変更確定待ち";
	case 500: return "発送済";
	case 600: return "支払手続き中";
	case 700: return "支払手続き済";
	case 800: return "キャンセル確定待ち";
	case 900: return "キャンセル確定";
	default: return "";
	}
}

/* an amount (JPY integer); -9999 means 未確定 and becomes "0" */
static int
amount(struct arena *a, const struct conn_jv *o, const char *path, const char **out, struct buf *em)
{
	int rc = conn_json_money(a, o, path, "0", out, em);
	if (rc == 0 && strcmp(*out, "-9999") == 0)
		*out = "0";
	return rc;
}

static int
person(struct arena *a, const struct conn_jv *m, struct conn_person *p, struct buf *em)
{
	const char *v[12];
	static const char *const keys[] = { "familyName", "firstName", "familyNameKana", "firstNameKana",
					    "emailAddress", "phoneNumber1", "phoneNumber2",
					    "phoneNumber3", "zipCode1", "zipCode2", "prefecture", "city" };
	for (size_t i = 0; i < 12; i++)
		if (conn_json_str(a, m, keys[i], false, &v[i], em) != 0)
			return -ERR_INVALID;
	p->name = conn_json_join(a, " ", v, 2);
	p->kana = conn_json_join(a, " ", v + 2, 2);
	p->email = v[4];
	p->phone = conn_json_join(a, "-", v + 5, 3);
	p->postal_code = conn_json_join(a, "-", v + 8, 2);
	p->prefecture = v[10];
	p->city = v[11];
	p->address2 = "";
	return conn_json_str(a, m, "subAddress", false, &p->address1, em);
}

static int
line_from(struct arena *a, const struct conn_jv *it, struct conn_line *l, struct buf *em)
{
	const char *manage, *number, *variant, *rate;
	int64_t units;
	if (conn_json_str(a, it, "itemDetailId", true, &l->external_line_id, em) != 0 ||
	    conn_json_str(a, it, "itemName", false, &l->name, em) != 0 ||
	    conn_json_str(a, it, "manageNumber", false, &manage, em) != 0 ||
	    conn_json_str(a, it, "itemNumber", false, &number, em) != 0 ||
	    conn_json_str(a, it, "SkuModelList.0.variantId", false, &variant, em) != 0 ||
	    conn_json_money(a, it, "price", NULL, &l->unit_price, em) != 0 ||
	    conn_json_i64(it, "units", true, 0, &units, em) != 0 ||
	    conn_json_str(a, it, "taxRate", false, &rate, em) != 0)
		return -ERR_INVALID;
	l->sku = manage[0] && variant[0] ? arena_printf(a, "%s:%s", manage, variant)
		 : manage[0] ? manage : number;
	l->jan = "";
	l->quantity = (long)units;
	l->tax_rate = NULL;
	if (rate[0] != '\0' && conn_json_percent(a, rate, &l->tax_rate) != 0) {
		buf_puts(em, "税率が数値ではありません");
		return -ERR_INVALID;
	}
	if (conn_json_money_mul(a, l->unit_price, l->quantity, &l->line_total) != 0) {
		buf_puts(em, "明細金額を計算できません");
		return -ERR_INVALID;
	}
	return 0;
}

/* deliveryCompany codes of the documented carriers; another code is kept as it is */
static const char *
company_name(const char *code)
{
	static const struct { const char *code, *name; } known[] = {
		{ "1001", "ヤマト運輸" }, { "1002", "佐川急便" }, { "1003", "日本郵便" },
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(code, known[i].code) == 0)
			return known[i].name;
	return code;
}

/* one ShippingModel → a shipment; *skip when it has no shippingNumber (not shipped yet) */
static int
shipment_from(struct arena *a, const char *order_number, const struct conn_jv *m,
	      struct conn_shipment *s, bool *skip, struct buf *em)
{
	const char *code;
	int64_t at;
	*skip = false;
	if (m == NULL || !conn_jv_is(m, CONN_JV_OBJECT)) {
		buf_puts(em, "ShippingModel がオブジェクトではありません");
		return -ERR_INVALID;
	}
	if (conn_json_str(a, m, "shippingNumber", false, &s->tracking_number, em) != 0 ||
	    conn_json_str(a, m, "shippingDetailId", false, &s->external_id, em) != 0 ||
	    conn_json_str(a, m, "deliveryCompanyName", false, &s->carrier, em) != 0 ||
	    conn_json_str(a, m, "deliveryCompany", false, &code, em) != 0 ||
	    conn_json_time(m, "shippingDate", false, &at, NULL, em) != 0)
		return -ERR_INVALID;
	if (s->tracking_number[0] == '\0') {
		*skip = true;
		return 0;
	}
	if (s->external_id[0] == '\0') /* RMS numbers every shipping detail; just in case */
		s->external_id = arena_printf(a, "%s/%s", order_number, s->tracking_number);
	if (s->carrier[0] == '\0')
		s->carrier = company_name(code);
	s->shipped_at = (time_t)(at / 1000); /* a JST date: its 00:00 JST */
	s->status = "";                      /* RMS has no per-shipment status */
	return 0;
}

/* PackageModelList[].ShippingModelList[] with a shipping number, in order */
static int
shipments_from(struct arena *a, const struct conn_jv *pk, struct conn_order *d, struct buf *em)
{
	size_t npk = conn_jv_is(pk, CONN_JV_ARRAY) ? conn_jv_len(pk) : 0, n = 0;
	for (size_t i = 0; i < npk; i++) {
		const struct conn_jv *sl = conn_jv_get(conn_jv_idx(pk, i), "ShippingModelList");
		if (sl != NULL && !conn_jv_is(sl, CONN_JV_ARRAY)) {
			buf_printf(em, "項目 ShippingModelList の型が違います（送付先 %zu）", i + 1);
			return -ERR_INVALID;
		}
		n += sl != NULL ? conn_jv_len(sl) : 0;
	}
	d->shipments = n ? arena_calloc(a, n, sizeof *d->shipments) : NULL;
	for (size_t i = 0; i < npk; i++) {
		const struct conn_jv *sl = conn_jv_get(conn_jv_idx(pk, i), "ShippingModelList");
		for (size_t k = 0; sl != NULL && k < conn_jv_len(sl); k++) {
			bool skip;
			if (shipment_from(a, d->external_id, conn_jv_idx(sl, k),
					  &d->shipments[d->nshipments], &skip, em) != 0) {
				buf_printf(em, "（送付先 %zu の発送 %zu）", i + 1, k + 1);
				return -ERR_INVALID;
			}
			if (!skip)
				d->nshipments++;
		}
	}
	if (d->nshipments == 0)
		d->shipments = NULL;
	return 0;
}

static int
order_from(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
{
	static const char *const dated[] = { "orderDatetime", "shopOrderCfmDatetime", "orderFixDatetime",
					     "shippingInstDatetime", "shippingCmplRptDatetime" };
	static const char *const changed[] = { "changeApplyDatetime", "changeFixDatetime",
					       "changeCmplDatetime" };
	int64_t progress, ordered, t;
	const char *sub;
	memset(d, 0, sizeof *d);
	if (conn_json_str(a, o, "orderNumber", true, &d->external_id, em) != 0 ||
	    conn_json_i64(o, "orderProgress", true, 0, &progress, em) != 0 ||
	    conn_json_str(a, o, "subStatusName", false, &sub, em) != 0 ||
	    conn_json_time(o, "orderDatetime", true, &ordered, &d->ordered_offset_min, em) != 0 ||
	    amount(a, o, "goodsPrice", &d->subtotal, em) != 0 ||
	    amount(a, o, "postagePrice", &d->shipping_fee, em) != 0 ||
	    amount(a, o, "goodsTax", &d->tax, em) != 0 ||
	    amount(a, o, "couponAllTotalPrice", &d->discount, em) != 0 ||
	    amount(a, o, "totalPrice", &d->total, em) != 0)
		return -ERR_INVALID;
	d->order_number = d->external_id;
	d->ordered_at = (time_t)(ordered / 1000);
	d->status = map_status(progress);
	d->platform_status = arena_printf(a, "%" PRId64 " %s", progress, progress_name(progress));
	d->currency = "JPY";
	d->updated_at_ms = ordered;
	for (size_t i = 1; i < sizeof dated / sizeof dated[0]; i++) {
		if (conn_json_time(o, dated[i], false, &t, NULL, em) != 0)
			return -ERR_INVALID;
		if (t > d->updated_at_ms)
			d->updated_at_ms = t;
	}
	const struct conn_jv *ch = conn_jv_at(o, "ChangeReasonModelList");
	for (size_t i = 0; conn_jv_is(ch, CONN_JV_ARRAY) && i < conn_jv_len(ch); i++)
		for (size_t k = 0; k < sizeof changed / sizeof changed[0]; k++) {
			if (conn_json_time(conn_jv_idx(ch, i), changed[k], false, &t, NULL, em) != 0)
				return -ERR_INVALID;
			if (t > d->updated_at_ms)
				d->updated_at_ms = t;
		}
	if (person(a, conn_jv_at(o, "OrdererModel"), &d->buyer, em) != 0 ||
	    person(a, conn_jv_at(o, "PackageModelList.0.SenderModel"), &d->ship_to, em) != 0)
		return -ERR_INVALID;
	d->ship_to.email = "";
	const struct conn_jv *pk = conn_jv_at(o, "PackageModelList");
	size_t npk = conn_jv_is(pk, CONN_JV_ARRAY) ? conn_jv_len(pk) : 0, n = 0;
	for (size_t i = 0; i < npk; i++) {
		const struct conn_jv *items = conn_jv_get(conn_jv_idx(pk, i), "ItemModelList");
		if (conn_jv_is(items, CONN_JV_ARRAY))
			n += conn_jv_len(items);
	}
	d->lines = arena_calloc(a, n ? n : 1, sizeof *d->lines);
	for (size_t i = 0; i < npk; i++) {
		const struct conn_jv *items = conn_jv_get(conn_jv_idx(pk, i), "ItemModelList");
		for (size_t k = 0; conn_jv_is(items, CONN_JV_ARRAY) && k < conn_jv_len(items); k++) {
			if (line_from(a, conn_jv_idx(items, k), &d->lines[d->nlines], em) != 0) {
				buf_printf(em, "（送付先 %zu の商品 %zu）", i + 1, k + 1);
				return -ERR_INVALID;
			}
			d->nlines++;
		}
	}
	if (shipments_from(a, pk, d, em) != 0)
		return -ERR_INVALID;
	d->raw = conn_jv_raw(a, o, &d->raw_len);
	return 0;
}

int
conn_rakuten_parse_root(struct arena *a, const char *body, size_t len, const char *what,
			bool per_order, const struct conn_jv **root, struct buf *msg)
{
	int rc = conn_jv_parse(a, body, len, what, root, msg);
	if (rc == 0)
		rc = conn_rakuten_parse_messages(a, *root, per_order, msg);
	return rc;
}

int
conn_rakuten_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			  struct buf *msg)
{
	msg = conn_page_msg(a, msg);
	const struct conn_jv *root;
	memset(out, 0, sizeof *out);
	int rc = conn_rakuten_parse_root(a, body, len, "楽天 RMS の受注詳細（getOrder）", true, &root,
					 msg);
	if (rc != 0)
		return rc;
	const struct conn_jv *list = conn_jv_at(root, "OrderModelList");
	const struct conn_jv *msgs = conn_jv_at(root, "MessageModelList");
	size_t nm = conn_jv_is(msgs, CONN_JV_ARRAY) ? conn_jv_len(msgs) : 0;
	if (list != NULL && !conn_jv_is(list, CONN_JV_ARRAY)) {
		buf_puts(msg, "楽天 RMS の受注詳細の OrderModelList が配列ではありません");
		return -ERR_UPSTREAM;
	}
	size_t n = list != NULL ? conn_jv_len(list) : 0;
	out->orders = arena_calloc(a, n ? n : 1, sizeof *out->orders);
	out->errors = arena_calloc(a, n + nm + 1, sizeof *out->errors);
	for (size_t i = 0; i < nm; i++) {
		const struct conn_jv *m = conn_jv_idx(msgs, i);
		const char *type, *code, *text, *num;
		conn_json_str(a, m, "messageType", false, &type, NULL);
		conn_json_str(a, m, "messageCode", false, &code, NULL);
		conn_json_str(a, m, "message", false, &text, NULL);
		conn_json_str(a, m, "orderNumber", false, &num, NULL);
		if (strcmp(type, "ERROR") != 0 || num[0] == '\0')
			continue;
		out->errors[out->nerrors].external_id = num;
		out->errors[out->nerrors++].message =
			arena_printf(a, "楽天 RMS が注文 %s の取得でエラーを返しました（%s: %.200s）",
				     num, code, text);
	}
	for (size_t i = 0; i < n; i++)
		conn_page_order(a, conn_jv_idx(list, i), order_from, "orderNumber", "楽天 RMS の注文",
				"(番号なし)", out);
	return 0;
}

int
conn_rakuten_parse_search(struct arena *a, const char *body, size_t len, const char ***numbers,
			  size_t *n, int64_t *total, int64_t *pages, struct buf *msg)
{
	msg = conn_page_msg(a, msg);
	const struct conn_jv *root;
	*numbers = NULL;
	*n = 0;
	*total = *pages = 0;
	int rc = conn_rakuten_parse_root(a, body, len, "楽天 RMS の受注検索（searchOrder）", false, &root,
					 msg);
	if (rc != 0)
		return rc;
	const struct conn_jv *list = conn_jv_at(root, "orderNumberList");
	struct buf em;
	buf_init(&em, a, 64);
	if ((list != NULL && !conn_jv_is(list, CONN_JV_ARRAY)) ||
	    conn_json_i64(root, "PaginationResponseModel.totalRecordsAmount", false, 0, total, &em) ||
	    conn_json_i64(root, "PaginationResponseModel.totalPages", false, 0, pages, &em)) {
		buf_printf(msg, "楽天 RMS の受注検索の応答が不正です（%s）",
			   em.len ? buf_cstr(&em) : "orderNumberList が配列ではありません");
		return -ERR_UPSTREAM;
	}
	size_t m = list != NULL ? conn_jv_len(list) : 0;
	*numbers = arena_calloc(a, m ? m : 1, sizeof **numbers);
	for (size_t i = 0; i < m; i++) {
		const char *s;
		if (conn_json_str(a, conn_jv_idx(list, i), "", true, &s, NULL) != 0 ||
		    strlen(s) > 100) {
			buf_puts(msg, "楽天 RMS の受注検索の応答に不正な注文番号があります");
			return -ERR_UPSTREAM;
		}
		(*numbers)[(*n)++] = s;
	}
	if (m > 0 && *pages == 0)
		*pages = 1;
	return 0;
}
