/* test_orders_fmt.c: the orders screens' money formatting (exact, from DECIMAL text) and personal-data masks. */
#include <string.h>

#include "core/arena.h"
#include "pages/page_orders.h"
#include "t.h"

int
main(void)
{
	struct arena *a = arena_new(0);
	T_STREQ(page_orders_money(a, "JPY", "1234.0000"), "¥1,234");
	T_STREQ(page_orders_money(a, "JPY", "0.0000"), "¥0");
	T_STREQ(page_orders_money(a, "JPY", "-0.0000"), "¥0");
	T_STREQ(page_orders_money(a, "JPY", "-1500.0000"), "-¥1,500");
	T_STREQ(page_orders_money(a, "JPY", "12.5000"), "¥12.5");
	T_STREQ(page_orders_money(a, "JPY", "99999999999999.9999"), "¥99,999,999,999,999.9999");
	T_STREQ(page_orders_money(a, "JPY", "100"), "¥100");
	T_STREQ(page_orders_money(a, "JPY", "1000000"), "¥1,000,000");
	T_STREQ(page_orders_money(a, "JPY", "007"), "¥7");
	T_STREQ(page_orders_money(a, "USD", "12.0000"), "USD 12.00");
	T_STREQ(page_orders_money(a, "USD", "1234.5"), "USD 1,234.50");
	T_STREQ(page_orders_money(a, "USD", "0.1250"), "USD 0.125");
	T_STREQ(page_orders_money(a, "EUR", "-3"), "-EUR 3.00");
	T_STREQ(page_orders_money(a, "JPY", "abc"), "abc");
	T_STREQ(page_orders_money(a, "JPY", "1.2.3"), "1.2.3");
	T_STREQ(page_orders_money(a, "JPY", ""), "");
	T_STREQ(page_orders_money(a, "JPY", NULL), "");

	T_STREQ(page_orders_mask_name(a, "山田 太郎"), "山＊＊");
	T_STREQ(page_orders_mask_name(a, "Alice"), "A＊＊");
	T_STREQ(page_orders_mask_name(a, ""), "");
	T_STREQ(page_orders_mask_name(a, "\xff\xfe"), "＊＊");
	T_STREQ(page_orders_mask_email(a, "alice@example.com"), "a***@example.com");
	T_STREQ(page_orders_mask_email(a, "たろう@example.jp"), "た***@example.jp");
	T_STREQ(page_orders_mask_email(a, "no-at-sign"), "***");
	T_STREQ(page_orders_mask_email(a, "@example.com"), "***");
	T_STREQ(page_orders_mask_email(a, ""), "");
	T_STREQ(page_orders_mask_phone(a, "090-1234-5678"), "＊＊＊＊5678");
	T_STREQ(page_orders_mask_phone(a, "+81 (90) 1234 5678"), "＊＊＊＊5678");
	T_STREQ(page_orders_mask_phone(a, "12-3"), "＊＊＊＊");
	T_STREQ(page_orders_mask_phone(a, ""), "");
	arena_free(a);
	return t_done("orders-fmt");
}
