/* conv_bench.c: conversion throughput — 1,000,000 synthetic order lines through a 12-column template into CP932. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "convert/conv_run.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/*
 * conv_bench [--rows N] [--seed S] [--csv FILE] [--out FILE]
 *
 * Builds N (1,000,000) order-line records from a seeded generator: realistic
 * Japanese buyers and addresses (about 3 % of family names with 髙 or 﨑, one
 * building in 2,000 with 😀, which CP932 cannot encode), 1–4 lines per order,
 * prices, quantities, 8 % / 10 % tax rates. To keep the input's memory small
 * the records reuse the value arrays of POOL_ORDERS generated orders (and
 * their lines) in turn; every record has its own ledger id and is evaluated,
 * encoded and written in full. The template (12 columns, CP932, CRLF, 〓 for
 * what CP932 lacks) has the expressions of the issue's target: 単価×数量, an
 * address concatenation, a JST date format, zen2han, a lookup, zeropad and
 * if. One thread, one process: conv_def_parse + conv_run are timed.
 *
 * --csv FILE writes the same input as UTF-8 CSV for the Miller comparison
 * (tests/bench/run.sh; ordered_at as epoch seconds) before the timing;
 * --out FILE writes the converted bytes after it. Prints one line:
 * "rows=… units=… seconds=… rows_per_s=… compile_ms=… bytes=… unencodable=…
 * rss_before_kb=… peak_rss_kb=…"; exit 1 when the conversion fails.
 */

#define POOL_ORDERS 50000

static const char *const template_json =
    "{\"kind\":\"order_line\",\"columns\":["
    "{\"header\":\"注文番号\",\"source\":\"field\",\"value\":\"order_number\"},"
    "{\"header\":\"注文日時\",\"source\":\"expr\",\"value\":\"date(ordered_at, \\\"yyyy/MM/dd HH:mm:ss\\\")\"},"
    "{\"header\":\"送付先名\",\"source\":\"field\",\"value\":\"ship.name\"},"
    "{\"header\":\"カナ\",\"source\":\"expr\",\"value\":\"zen2han(ship.kana, \\\"kana\\\")\"},"
    "{\"header\":\"住所\",\"source\":\"expr\",\"value\":\"ship.prefecture & ship.city & ship.address1 & "
    "if(ship.address2 <> \\\"\\\", \\\" \\\" & ship.address2, \\\"\\\")\"},"
    "{\"header\":\"都道府県コード\",\"source\":\"expr\",\"value\":\"lookup(\\\"pref\\\", ship.prefecture, \\\"00\\\")\"},"
    "{\"header\":\"明細番号\",\"source\":\"expr\",\"value\":\"zeropad(line.no, 3)\"},"
    "{\"header\":\"商品名\",\"source\":\"field\",\"value\":\"line.name\"},"
    "{\"header\":\"単価\",\"source\":\"field\",\"value\":\"単価\"},"
    "{\"header\":\"数量\",\"source\":\"field\",\"value\":\"line.quantity\"},"
    "{\"header\":\"金額\",\"source\":\"expr\",\"value\":\"[単価] * [数量]\"},"
    "{\"header\":\"税区分\",\"source\":\"expr\",\"value\":\"if(line.tax_rate = 8, \\\"軽減\\\", \\\"標準\\\")\"}],"
    "\"encoding\":\"cp932\",\"eol\":\"crlf\",\"unencodable\":\"geta\",\"file_name\":\"bench.csv\"}";

static const char *const family[][2] = {
	{ "佐藤", "サトウ" }, { "鈴木", "スズキ" }, { "高橋", "タカハシ" }, { "田中", "タナカ" }, { "伊藤", "イトウ" },
	{ "渡辺", "ワタナベ" }, { "山本", "ヤマモト" }, { "中村", "ナカムラ" }, { "小林", "コバヤシ" }, { "加藤", "カトウ" },
	{ "吉田", "ヨシダ" }, { "山田", "ヤマダ" }, { "佐々木", "ササキ" }, { "山口", "ヤマグチ" }, { "松本", "マツモト" },
	{ "井上", "イノウエ" }, { "木村", "キムラ" }, { "林", "ハヤシ" }, { "斎藤", "サイトウ" }, { "清水", "シミズ" },
	{ "髙橋", "タカハシ" }, { "山﨑", "ヤマザキ" },
};
static const char *const given[][2] = {
	{ "太郎", "タロウ" }, { "花子", "ハナコ" }, { "翔太", "ショウタ" }, { "美咲", "ミサキ" }, { "大輔", "ダイスケ" },
	{ "陽菜", "ヒナ" }, { "蓮", "レン" }, { "結衣", "ユイ" }, { "拓也", "タクヤ" }, { "真由美", "マユミ" },
};
static const struct {
	const char *pref, *code, *cities[3];
} prefs[] = {
	{ "東京都", "13", { "新宿区", "世田谷区", "八王子市" } }, { "大阪府", "27", { "大阪市北区", "堺市堺区", "豊中市" } },
	{ "神奈川県", "14", { "横浜市中区", "川崎市中原区", "相模原市南区" } },
	{ "愛知県", "23", { "名古屋市中区", "豊田市", "岡崎市" } }, { "北海道", "01", { "札幌市中央区", "旭川市", "函館市" } },
	{ "福岡県", "40", { "福岡市博多区", "北九州市小倉北区", "久留米市" } },
	{ "埼玉県", "11", { "さいたま市浦和区", "川口市", "所沢市" } }, { "兵庫県", "28", { "神戸市中央区", "姫路市", "西宮市" } },
	{ "静岡県", "22", { "静岡市葵区", "浜松市中央区", "沼津市" } }, { "沖縄県", "47", { "那覇市", "沖縄市", "宜野湾市" } },
};
static const char *const towns[] = { "本町", "栄町", "中央", "緑町", "南町", "桜台", "旭町", "神田神保町" };
static const char *const buildings[] = { "", "", "", "", "コーポ桜", "レジデンス中央", "グランドパレス", "サンハイツ",
					 "メゾン緑", "ハイツ旭", "ロイヤル本町", "髙木ビル" };
static const struct {
	const char *name;
	int price, rate;
} products[] = {
	{ "国産はちみつ 250g", 1200, 8 }, { "今治タオル 白", 1980, 10 }, { "有機緑茶 100g", 860, 8 },
	{ "USB-C 充電ケーブル 2m", 1480, 10 }, { "米粉クッキー 12枚", 1100, 8 }, { "綿100% Tシャツ M", 2980, 10 },
	{ "ハンドクリーム 桜", 950, 10 }, { "ドリップコーヒー 10袋", 830, 8 }, { "純米吟醸酒 720ml", 3240, 10 },
	{ "羊羹 詰め合わせ", 2160, 8 },
};

#define N_(x) (sizeof x / sizeof x[0])

static uint64_t rng;

static uint64_t
next(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static size_t
pick(size_t n)
{
	return (size_t)(next() % n);
}

static struct arena *a;
static const struct expr_catalog *cat;

static struct expr_value *
slot(struct expr_value *v, const char *name, size_t base)
{
	int i = conv_fields_index(CONV_ORDER_LINE, name);
	if (i < 0) {
		fprintf(stderr, "conv_bench: no field %s\n", name);
		exit(1);
	}
	return &v[(size_t)i - base];
}

static void
put_text(struct expr_value *v, const char *name, size_t base, const char *s)
{
	struct expr_value *x = slot(v, name, base);
	x->type = EXPR_TEXT;
	x->s = s;
	x->len = strlen(s);
}

static void
put_int(struct expr_value *v, const char *name, size_t base, int64_t n)
{
	struct expr_value *x = slot(v, name, base);
	x->type = EXPR_DEC;
	x->num = dec_from_int64(n);
}

/* One generated order: its values and its lines' values. */
struct gen {
	struct expr_value *ov;
	struct expr_value *lines[4];
	size_t nlines;
};

static void
generate(struct gen *g, size_t k)
{
	size_t lf = conv_fields_line_first(), nl = cat->count - lf;
	g->ov = arena_calloc(a, lf, sizeof *g->ov);
	size_t f = next() % 1000 < 30 ? N_(family) - 1 - pick(2) : pick(N_(family) - 2), gv = pick(N_(given));
	size_t p = pick(N_(prefs)), t = pick(N_(towns)), b = pick(N_(buildings));
	put_text(g->ov, "order_number", 0, arena_printf(a, "EC-%07zu", k + 1));
	struct expr_value *at = slot(g->ov, "ordered_at", 0);
	at->type = EXPR_TIME;
	at->ms = (1767225600LL + (int64_t)k * 37) * 1000;   /* from 2026-01-01 00:00 UTC */
	put_text(g->ov, "ship.name", 0, arena_printf(a, "%s %s", family[f][0], given[gv][0]));
	put_text(g->ov, "ship.kana", 0, arena_printf(a, "%s %s", family[f][1], given[gv][1]));
	put_text(g->ov, "ship.prefecture", 0, prefs[p].pref);
	put_text(g->ov, "ship.city", 0, prefs[p].cities[pick(3)]);
	put_text(g->ov, "ship.address1", 0,
		 arena_printf(a, "%s%zu-%zu-%zu", towns[t], 1 + pick(9), 1 + pick(30), 1 + pick(20)));
	const char *bld = next() % 2000 == 0 ? "メゾン😀スマイル" : buildings[b];
	put_text(g->ov, "ship.address2", 0, *bld ? arena_printf(a, "%s %zu", bld, 101 + pick(12) * 100) : "");
	g->nlines = 1 + (next() % 100 < 50 ? 0 : next() % 100 < 60 ? 1 : 1 + pick(2));
	for (size_t j = 0; j < g->nlines; j++) {
		struct expr_value *lv = arena_calloc(a, nl, sizeof *lv);
		size_t pr = pick(N_(products));
		put_int(lv, "line.no", lf, (int64_t)j + 1);
		put_text(lv, "line.name", lf, products[pr].name);
		put_int(lv, "line.unit_price", lf, products[pr].price);
		put_int(lv, "line.quantity", lf, 1 + (int64_t)(next() % 100 < 75 ? 0 : pick(3)));
		put_int(lv, "line.tax_rate", lf, products[pr].rate);
		g->lines[j] = lv;
	}
}

static int
lookup_pref(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len,
    struct arena *scratch, const char **val, size_t *val_len)
{
	(void)ctx;
	(void)scratch;
	if (table_len != 4 || memcmp(table, "pref", 4) != 0)
		return -ERR_INVALID;
	for (size_t i = 0; i < N_(prefs); i++)
		if (strlen(prefs[i].pref) == key_len && memcmp(prefs[i].pref, key, key_len) == 0) {
			*val = prefs[i].code;
			*val_len = 2;
			return 0;
		}
	return -ERR_NOT_FOUND;
}

static const char *
val(const struct conv_record *r, const char *name)
{
	size_t lf = conv_fields_line_first();
	int i = conv_fields_index(CONV_ORDER_LINE, name);
	const struct expr_value *v = (size_t)i < lf ? &r->order_values[i] : &r->values[(size_t)i - lf];
	if (v->type == EXPR_TIME)
		return arena_printf(a, "%lld", (long long)(v->ms / 1000));
	const char *s;
	size_t len;
	expr_value_text(v, a, &s, &len);
	return arena_strndup(a, s, len);
}

/* The input as UTF-8 CSV (no field needs quoting: the generator makes no comma, quote or newline). */
static int
write_csv(const char *path, const struct conv_record *recs, size_t n)
{
	static const char *const cols[] = { "order_number", "ordered_at", "ship.name", "ship.kana", "ship.prefecture",
					    "ship.city", "ship.address1", "ship.address2", "line.no", "line.name",
					    "line.unit_price", "line.quantity", "line.tax_rate" };
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs("order_number,ordered_at,ship_name,ship_kana,prefecture,city,address1,address2,line_no,line_name,"
	      "unit_price,quantity,tax_rate\n", f);
	struct arena *keep = a;
	for (size_t i = 0; i < n; i++) {
		a = arena_new(0);
		for (size_t c = 0; c < N_(cols); c++)
			fprintf(f, c ? ",%s" : "%s", val(&recs[i], cols[c]));
		fputc('\n', f);
		arena_free(a);
	}
	a = keep;
	return fclose(f) == 0 ? 0 : -1;
}

static double
seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	size_t rows = 1000000;
	const char *csv_path = NULL, *out_path = NULL;
	rng = 20261126;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
			rows = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			rng = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
			csv_path = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out_path = argv[++i];
		else {
			fputs("usage: conv_bench [--rows N] [--seed S] [--csv FILE] [--out FILE]\n", stderr);
			return 2;
		}
	}
	a = arena_new(0);
	cat = conv_fields_catalog(CONV_ORDER_LINE);
	struct gen *pool = arena_calloc(a, POOL_ORDERS, sizeof *pool);
	for (size_t k = 0; k < POOL_ORDERS; k++)
		generate(&pool[k], k);
	struct conv_record *recs = arena_calloc(a, rows ? rows : 1, sizeof *recs);
	size_t units = 0;
	for (size_t r = 0; r < rows; units++) {
		const struct gen *g = &pool[units % POOL_ORDERS];
		for (size_t j = 0; j < g->nlines && r < rows; j++, r++)
			recs[r] = (struct conv_record){ .id = units + 1, .label = g->ov[0].s, .values = g->lines[j],
							.order_values = g->ov };
	}
	if (csv_path != NULL && write_csv(csv_path, recs, rows) != 0) {
		fprintf(stderr, "conv_bench: cannot write %s\n", csv_path);
		return 1;
	}
	long before = rss_kb("VmRSS:");
	struct arena *run = arena_new(0);
	double t0 = seconds();
	struct conv_def d;
	struct conv_def_error e;
	if (conv_def_parse(run, template_json, strlen(template_json), &d, &e) != 0) {
		fprintf(stderr, "conv_bench: template: %s\n", e.msg);
		return 1;
	}
	double t1 = seconds();
	struct conv_run_opts o = { .lookup = lookup_pref, .now_ms = 1767225600000LL, .max_bytes = (size_t)1 << 31 };
	struct conv_result res;
	int rc = conv_run(run, &d, recs, rows, &o, &res);
	double t2 = seconds();
	if (rc != 0 || res.rows_out != rows) {
		fprintf(stderr, "conv_bench: conv_run %s, %zu of %zu rows (%s)\n", err_name(rc), res.rows_out, rows,
			res.nissues ? res.issues[0].message : "");
		return 1;
	}
	printf("rows=%zu units=%zu seconds=%.3f rows_per_s=%.0f compile_ms=%.3f bytes=%zu unencodable=%zu"
	       " rss_before_kb=%ld peak_rss_kb=%ld\n", rows, units, t2 - t0, (double)rows / (t2 - t0),
	       (t1 - t0) * 1000.0, res.len, res.unencodable, before, rss_kb("VmHWM:"));
	if (out_path != NULL) {
		FILE *f = fopen(out_path, "wb");
		if (f == NULL || fwrite(res.bytes, 1, res.len, f) != res.len || fclose(f) != 0) {
			fprintf(stderr, "conv_bench: cannot write %s\n", out_path);
			return 1;
		}
	}
	arena_free(run);
	arena_free(a);
	return 0;
}
