/* test_orders_pure.c: the database-free parts of the orders data layer — validation, content hash, money text,
 * batching helpers, LIKE escaping, and the payload's compress-then-seal round trip; shipments included. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_catalog.h"
#include "db/dbq_orders.h"
#include "db/dbq_payload.h"
#include "t.h"

static struct conn_line lines[2];
static struct conn_shipment ships[2];

static struct conn_order
order(void)
{
	lines[0] = (struct conn_line){ "L1", "SKU-1", "4901234567894", "商品A", 2, "1000", "10", "2000" };
	lines[1] = (struct conn_line){ "L2", "", "", "送料無料シール", 1, "0", NULL, "0" };
	ships[0] = (struct conn_shipment){ "255858046", "ヤマト運輸", "1234-5678-9012", 1767312000, "success" };
	ships[1] = (struct conn_shipment){ "255858047", "", "", 0, "" };
	struct conn_order o = {
		.external_id = "450789469", .order_number = "#1001", .status = CONN_ST_PAID,
		.platform_status = "paid", .ordered_at = 1767225600, .ordered_offset_min = 540,
		.updated_at_ms = 1767225600123LL, .currency = "JPY", .subtotal = "2000",
		.shipping_fee = "500", .tax = "181", .discount = "0", .total = "2500",
		.buyer = { "山田 太郎", "ヤマダ タロウ", "taro@example.jp", "090-1234-5678", "100-0001",
			   "東京都", "千代田区", "千代田1-1", "" },
		.ship_to = { "山田 花子", "", "", "03-1234-5678", "100-0001", "東京都", "千代田区", "千代田1-1", "101" },
		.lines = lines, .nlines = 2, .raw = "{\"id\":450789469}", .raw_len = 16,
		.shipments = ships, .nshipments = 2,
	};
	return o;
}

static void
check_fails(const struct conn_order *o, const char *what)
{
	const char *msg = NULL;
	T_OK(dbq_orders_check(o, &msg) == -ERR_INVALID && msg != NULL && *msg != '\0', "refused: %s", what);
}

static void
test_check(void)
{
	const char *msg = "x";
	struct conn_order o = order();
	T_OK(dbq_orders_check(&o, &msg) == 0 && msg == NULL, "a good order passes (%s)", msg ? msg : "");
	o = order(); o.external_id = ""; check_fails(&o, "empty external id");
	o = order(); o.external_id = "abc "; check_fails(&o, "trailing space (PAD SPACE twin)");
	o = order(); o.external_id = "a\tb"; check_fails(&o, "control character");
	o = order(); o.order_number = NULL; check_fails(&o, "no order number");
	o = order(); o.order_number = "\xc3\x28"; check_fails(&o, "invalid UTF-8");
	char long101[102];
	memset(long101, 'x', 101);
	long101[101] = '\0';
	o = order(); o.order_number = long101; check_fails(&o, "101 characters");
	long101[100] = '\0';
	o = order(); o.order_number = long101;
	T_OK(dbq_orders_check(&o, &msg) == 0, "100 characters pass");
	o = order(); o.order_number = "注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号"
				       "注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号"
				       "注文番号注文番号注文番号注文番号注文番号";
	T_OK(dbq_orders_check(&o, &msg) == 0, "100 multibyte characters pass (characters, not bytes)");
	o = order(); o.total = "1,000"; check_fails(&o, "money with a comma");
	o = order(); o.subtotal = "1e3"; check_fails(&o, "money in exponent form");
	o = order(); o.tax = "123456789012345"; check_fails(&o, "15 integer digits");
	o = order(); o.discount = "1.23456"; check_fails(&o, "5 decimals");
	o = order(); o.currency = "jpy"; check_fails(&o, "lower-case currency");
	o = order(); o.currency = "JPYX"; check_fails(&o, "4-letter currency");
	o = order(); o.status = (enum conn_order_status)42; check_fails(&o, "unknown status");
	o = order(); o.ordered_at = 0; check_fails(&o, "ordered_at 0");
	o = order(); o.ordered_at = (time_t)253402300800LL; check_fails(&o, "after 9999");
	o = order(); o.ordered_offset_min = 1440; check_fails(&o, "offset of 24 h");
	o = order(); o.updated_at_ms = -1; check_fails(&o, "negative update time");
	o = order(); lines[0].quantity = -1; check_fails(&o, "negative quantity");
	o = order(); lines[0].quantity = 1000001; check_fails(&o, "quantity over a million");
	o = order(); lines[0].unit_price = "abc"; check_fails(&o, "bad unit price");
	o = order(); lines[0].line_total = NULL; check_fails(&o, "no line total");
	o = order(); lines[0].tax_rate = "1000"; check_fails(&o, "tax rate 1000");
	o = order(); lines[0].tax_rate = "-8"; check_fails(&o, "negative tax rate");
	o = order(); lines[0].tax_rate = "8.125"; check_fails(&o, "tax rate with 3 decimals");
	o = order(); lines[0].tax_rate = "8.5";
	T_OK(dbq_orders_check(&o, &msg) == 0, "tax rate 8.5 passes");
	o = order(); lines[0].jan = "490123456789012345678"; check_fails(&o, "JAN of 21");
	o = order(); o.buyer.address1 = "\xed\xa0\x80"; check_fails(&o, "surrogate in an address");
	o = order(); o.nlines = 65536; check_fails(&o, "65536 lines");
	o = order(); o.lines = NULL; check_fails(&o, "lines NULL with nlines 2");
	o = order(); o.raw = NULL; check_fails(&o, "raw NULL with a length");
	char s101[102];
	memset(s101, 'y', 101);
	s101[101] = '\0';
	o = order(); ships[0].external_id = ""; check_fails(&o, "empty shipment id");
	o = order(); ships[0].external_id = NULL; check_fails(&o, "no shipment id");
	o = order(); ships[1].external_id = "255858047 "; check_fails(&o, "shipment id with a trailing space");
	o = order(); ships[1].external_id = "a\nb"; check_fails(&o, "shipment id with a newline");
	o = order(); ships[0].external_id = s101; check_fails(&o, "shipment id of 101");
	o = order(); ships[0].carrier = s101; check_fails(&o, "carrier of 101");
	o = order(); ships[0].tracking_number = s101; check_fails(&o, "tracking number of 101");
	o = order(); ships[0].tracking_number = "\xc3\x28"; check_fails(&o, "tracking number not UTF-8");
	o = order(); ships[1].status = s101 + 36; check_fails(&o, "shipment status of 65");
	o = order(); ships[0].shipped_at = -1; check_fails(&o, "shipped before 1970");
	o = order(); ships[0].shipped_at = (time_t)253402300800LL; check_fails(&o, "shipped after 9999");
	o = order(); o.nshipments = 1001; check_fails(&o, "1001 shipments");
	o = order(); o.shipments = NULL; check_fails(&o, "shipments NULL with nshipments 2");
	o = order(); ships[0].external_id = "注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号"
					    "注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号"
					    "注文番号注文番号注文番号注文番号注文番号";
	ships[0].tracking_number = NULL; ships[0].status = NULL;
	ships[0].carrier = s101 + 1; /* 100 */
	ships[1].status = s101 + 37; /* 64 */
	T_OK(dbq_orders_check(&o, &msg) == 0, "100-character shipment id and carrier, NULL texts, 64-character status pass (%s)",
	     msg ? msg : "");
	o = order(); ships[1] = ships[0];
	T_OK(dbq_orders_check(&o, &msg) == 0, "a shipment id repeated within the order passes (the last is kept)");
	o = order(); o.shipments = NULL; o.nshipments = 0;
	T_OK(dbq_orders_check(&o, &msg) == 0, "no shipments pass");
}

static void
test_hash(void)
{
	unsigned char h1[32], h2[32];
	struct conn_order o = order();
	dbq_orders_hash(&o, h1);
	dbq_orders_hash(&o, h2);
	T_OK(memcmp(h1, h2, 32) == 0, "the hash is deterministic");
	o.raw = "{\"id\":450789469,\"fetched\":1}";
	o.raw_len = strlen(o.raw);
	dbq_orders_hash(&o, h2);
	T_OK(memcmp(h1, h2, 32) == 0, "raw is not hashed");
	o = order(); o.total = "2500.0000";
	dbq_orders_hash(&o, h2);
	T_OK(memcmp(h1, h2, 32) == 0, "money is canonical (2500 = 2500.0000)");
	struct { const char *what; void (*f)(struct conn_order *); } changes[] = {
		{ "status", NULL }, { "total", NULL }, { "buyer email", NULL }, { "ship_to phone", NULL },
		{ "line quantity", NULL }, { "tax rate NULL vs \"\"", NULL }, { "update time", NULL },
		{ "shipment tracking number", NULL }, { "shipment carrier", NULL }, { "shipment time", NULL },
		{ "shipment status", NULL }, { "shipment id", NULL }, { "a shipment less", NULL },
		{ "no shipments", NULL }, { "shipments swapped", NULL },
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		o = order();
		switch (i) {
		case 0: o.status = CONN_ST_SHIPPED; break;
		case 1: o.total = "2501"; break;
		case 2: o.buyer.email = "taro2@example.jp"; break;
		case 3: o.ship_to.phone = "03-0000-0000"; break;
		case 4: lines[1].quantity = 2; break;
		case 5: lines[1].tax_rate = "0"; break;
		case 6: o.updated_at_ms++; break;
		case 7: ships[0].tracking_number = "1234-5678-9013"; break;
		case 8: ships[1].carrier = "佐川急便"; break;
		case 9: ships[0].shipped_at++; break;
		case 10: ships[1].status = "delivered"; break;
		case 11: ships[1].external_id = "255858048"; break;
		case 12: o.nshipments = 1; break;
		case 13: o.nshipments = 0; o.shipments = NULL; break;
		default: { struct conn_shipment x = ships[0]; ships[0] = ships[1]; ships[1] = x; } break;
		}
		dbq_orders_hash(&o, h2);
		T_OK(memcmp(h1, h2, 32) != 0, "a change of %s changes the hash", changes[i].what);
	}
	/* field boundaries: moving a character from one field to the next changes the hash */
	o = order(); o.buyer.name = "山田"; o.buyer.kana = " 太郎ヤマダ タロウ";
	struct conn_order p = order(); p.buyer.name = "山田 太郎"; p.buyer.kana = "ヤマダ タロウ";
	dbq_orders_hash(&o, h1);
	dbq_orders_hash(&p, h2);
	T_OK(memcmp(h1, h2, 32) != 0, "length prefixes keep fields apart");
	/* o gets its own copy of the shipments: order() resets the shared ones */
	struct conn_shipment mine[2];
	p = order();
	dbq_orders_hash(&p, h2);
	o = order(); memcpy(mine, ships, sizeof mine); o.shipments = mine;
	mine[1].carrier = NULL; mine[1].tracking_number = NULL; mine[1].status = NULL;
	dbq_orders_hash(&o, h1);
	T_OK(memcmp(h1, h2, 32) == 0, "a NULL shipment text hashes as \"\"");
	/* a shipment's fields cannot slide into the next one's */
	o = order(); memcpy(mine, ships, sizeof mine); o.shipments = mine;
	mine[0].status = ""; mine[1].external_id = "success255858047";
	dbq_orders_hash(&o, h1);
	T_OK(memcmp(h1, h2, 32) != 0, "length prefixes keep shipments apart");
	mine[0].status = "success"; mine[1].external_id = "255858047";
	dbq_orders_hash(&o, h1);
	T_OK(memcmp(h1, h2, 32) == 0, "the same shipments in another array hash the same");
}

static void
test_helpers(struct arena *a)
{
	T_STREQ(dbq_orders_money(a, "1234"), "1234.0000");
	T_STREQ(dbq_orders_money(a, "-12.5"), "-12.5000");
	T_STREQ(dbq_orders_money(a, "007"), "7.0000");
	T_STREQ(dbq_orders_money(a, "-0"), "0.0000");
	T_STREQ(dbq_orders_money(a, "-0.0000"), "0.0000");
	T_STREQ(dbq_orders_money(a, "0.0001"), "0.0001");
	T_STREQ(dbq_orders_money(a, "99999999999999.9999"), "99999999999999.9999");
	T_OK(dbq_orders_money(a, "") == NULL && dbq_orders_money(a, ".5") == NULL &&
	     dbq_orders_money(a, "+1") == NULL && dbq_orders_money(a, NULL) == NULL, "bad money is NULL");
	T_INTEQ(dbq_orders_chunk(1000), 100);
	T_INTEQ(dbq_orders_chunk(99), 25);
	T_INTEQ(dbq_orders_chunk(24), 5);
	T_INTEQ(dbq_orders_chunk(4), 1);
	T_STREQ(dbq_orders_values_sql(a, "INSERT INTO t VALUES ", "(?, ?)", 3, " X"),
		"INSERT INTO t VALUES (?, ?), (?, ?), (?, ?) X");
	T_OK(dbq_orders_text_ok("", 0, true), "empty text is fine");
	T_OK(!dbq_orders_text_ok(NULL, 10, false), "NULL is not");
	T_OK(dbq_orders_text_ok("a\tb", 10, false) && !dbq_orders_text_ok("a\tb", 10, true), "strict refuses tab");
	T_OK(!dbq_orders_text_ok("abc\x7f", 10, true), "strict refuses DEL");
	T_STREQ(dbq_catalog_like_prefix(a, "A_1%!x"), "A!_1!%!!x%");
	char longid[400];
	for (int i = 0; i < 120; i++)
		memcpy(longid + 3 * i, "注", 3);
	longid[360] = '\0';
	const char *cut = dbq_orders_error_id(a, longid);
	T_OK(strlen(cut) == 300 && strncmp(cut, longid, 300) == 0, "an error's id is cut to 100 characters");
	T_STREQ(dbq_orders_error_id(a, "\xff"), "");
	T_STREQ(dbq_orders_error_id(a, NULL), "");
	T_STREQ(dbq_orders_error_id(a, "ok-1"), "ok-1");
	char day[20], ms[24];
	T_STREQ(dbq_orders_utc_text(1767225600, day), "2026-01-01 00:00:00");
	T_STREQ(dbq_orders_utc_ms_text(1767225600123LL, ms), "2026-01-01 00:00:00.123");
	T_OK(dbq_orders_status_ok("refunded") && !dbq_orders_status_ok("Paid") && !dbq_orders_status_ok(NULL),
	     "status names");
}

static void
test_payload(struct arena *a)
{
	unsigned char key[SEAL_KEY_LEN], other[SEAL_KEY_LEN];
	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	char big[20000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = "{\"line_items\":[1,2,3]}"[i % 22];
	const char *raws[] = { "", "{}", "{\"name\":\"#1001\",\"note\":\"日本語 <b>\"}", big };
	size_t lens[] = { 0, 2, strlen(raws[2]), sizeof big };
	for (size_t i = 0; i < 4; i++) {
		unsigned char *ct;
		size_t ctlen, n = 0;
		char *back = NULL;
		T_OK(dbq_payload_seal(a, key, 42, 777, raws[i], lens[i], &ct, &ctlen) == 0, "seal %zu", i);
		T_OK(dbq_payload_open(a, key, 42, 777, ct, ctlen, lens[i], &back, &n) == 0 && n == lens[i] &&
			     memcmp(back, raws[i], n) == 0 && back[n] == '\0',
		     "round trip %zu", i);
		if (i == 3)
			T_OK(ctlen < lens[i] / 4, "compressed (%zu of %zu bytes)", ctlen, lens[i]);
		T_OK(dbq_payload_open(a, key, 42, 778, ct, ctlen, lens[i], &back, &n) == -ERR_INVALID, "another record");
		T_OK(dbq_payload_open(a, key, 43, 777, ct, ctlen, lens[i], &back, &n) == -ERR_INVALID, "another tenant");
		T_OK(dbq_payload_open(a, other, 42, 777, ct, ctlen, lens[i], &back, &n) == -ERR_INVALID, "another key");
		T_OK(dbq_payload_open(a, key, 42, 777, ct, ctlen, lens[i] + 1, &back, &n) == -ERR_INVALID,
		     "a wrong length is refused");
		ct[ctlen / 2] ^= 1;
		T_OK(dbq_payload_open(a, key, 42, 777, ct, ctlen, lens[i], &back, &n) == -ERR_INVALID, "tampered");
	}
	unsigned char *ct;
	size_t ctlen;
	T_OK(dbq_payload_seal(a, key, 1, 1, big, DBQ_PAYLOAD_MAX + 1, &ct, &ctlen) == -ERR_TOO_LARGE, "too large");
	T_OK(dbq_payload_seal(a, key, 1, 1, NULL, 5, &ct, &ctlen) == -ERR_INVALID, "NULL raw with a length");
}

int
main(void)
{
	struct arena *a = arena_new(0);
	log_init("test_orders_pure", NULL, LOG_ERROR); /* the refusals below log warnings */
	test_check();
	test_hash();
	test_helpers(a);
	test_payload(a);
	arena_free(a);
	return t_done("orders-pure");
}
