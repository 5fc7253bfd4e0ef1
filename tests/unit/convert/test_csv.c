/* test_csv.c: the CSV writer — quote policies, line ends, neutralisation, BOM, CP932 policies and reports, rows, flush, timing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "t.h"
#include "convert/csv.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"

static struct arena *a;

/* show: bytes with every byte >= 0x80 as <XX> (CP932 output readable in a test). */
static const char *
show(const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, a, n * 2 + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x80)
			buf_putc(&b, (char)ch);
		else
			buf_printf(&b, "<%02X>", ch);
	}
	return buf_cstr(&b);
}

/* row: one row of cells through a fresh UTF-8 writer with quote policy q. */
static const char *
row_q(enum csv_quote q, bool neutralise, const char *const *cells, size_t n)
{
	struct csv c;
	char *out;
	size_t len;
	csv_init(&c, a, CSV_UTF8);
	c.quote = q;
	c.neutralise = neutralise;
	for (size_t i = 0; i < n; i++)
		csv_cell_str(&c, cells[i]);
	csv_end_row(&c);
	T_INTEQ(csv_finish(&c, a, &out, &len, NULL), 0);
	T_INTEQ(strlen(out), len);
	return out;
}

static const char *
row(const char *const *cells, size_t n)
{
	return row_q(CSV_QUOTE_MINIMAL, true, cells, n);
}

static void
test_quoting(void)
{
	const char *plain[] = { "a", "b c", "", "日本語" };
	T_STREQ(row(plain, 4), "a,b c,,日本語\r\n");
	const char *q[] = { "x,y", "say \"hi\"", "l1\nl2", "cr\rx" };
	T_STREQ(row(q, 4), "\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\rx\"\r\n");
	const char *one[] = { NULL };
	T_STREQ(row(one, 1), "\"\"\r\n");  /* not an empty line */
	const char *two[] = { "", "" };
	T_STREQ(row(two, 2), ",\r\n");
	const char *sp[] = { " lead", "trail ", "in side", "\tt", "t\t", " " };
	T_STREQ(row_q(CSV_QUOTE_MINIMAL, false, sp, 6), "\" lead\",\"trail \",in side,\"\tt\",\"t\t\",\" \"\r\n");
	const char *quotes[] = { "\"", "\"\"", "a\"b" };
	T_STREQ(row(quotes, 3), "\"\"\"\",\"\"\"\"\"\",\"a\"\"b\"\r\n");

	/* a row without cells is an empty line */
	struct csv c;
	char *out;
	size_t len;
	csv_init(&c, a, CSV_UTF8);
	csv_end_row(&c);
	csv_cell_str(&c, "x");
	csv_end_row(&c);
	csv_finish(&c, a, &out, &len, NULL);
	T_STREQ(out, "\r\nx\r\n");
	T_INTEQ(c.rows, 2);
}

static void
test_quote_policies(void)
{
	const char *cells[] = { "1", "-5", "1.50", "0", "", "abc", "+1", "1e3", "1.", ".5", "1,000", "１２", " 1", "-",
				"007" };
	T_STREQ(row_q(CSV_QUOTE_ALL, false, cells, 15),
		"\"1\",\"-5\",\"1.50\",\"0\",\"\",\"abc\",\"+1\",\"1e3\",\"1.\",\".5\",\"1,000\",\"１２\",\" 1\",\"-\",\"007\"\r\n");
	T_STREQ(row_q(CSV_QUOTE_NONNUMERIC, false, cells, 15),
		"1,-5,1.50,0,\"\",\"abc\",\"+1\",\"1e3\",\"1.\",\".5\",\"1,000\",\"１２\",\" 1\",\"-\",007\r\n");
	T_STREQ(row_q(CSV_QUOTE_MINIMAL, false, cells, 15),
		"1,-5,1.50,0,,abc,+1,1e3,1.,.5,\"1,000\",１２,\" 1\",-,007\r\n");
	/* with neutralisation a negative number is text */
	const char *neg[] = { "-5", "5" };
	T_STREQ(row_q(CSV_QUOTE_NONNUMERIC, true, neg, 2), "\"'-5\",5\r\n");
	T_STREQ(row_q(CSV_QUOTE_ALL, true, neg, 2), "\"'-5\",\"5\"\r\n");
	const char *emp[] = { "" };
	T_STREQ(row_q(CSV_QUOTE_ALL, false, emp, 1), "\"\"\r\n");
	T_STREQ(row_q(CSV_QUOTE_NONNUMERIC, false, emp, 1), "\"\"\r\n");
}

static void
test_eol(void)
{
	struct csv c;
	char *out;
	size_t len;
	csv_init(&c, a, CSV_UTF8);
	c.eol = "\n";
	csv_cell_str(&c, "a");
	csv_cell_str(&c, "b\r\nc");
	csv_end_row(&c);
	csv_cell_str(&c, "d");
	csv_end_row(&c);
	csv_finish(&c, a, &out, &len, NULL);
	T_STREQ(out, "a,\"b\r\nc\"\nd\n");
}

static void
test_neutralise(void)
{
	const char *f[] = { "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "'q" };
	T_STREQ(row(f, 8), "'=cmd|' /C calc'!A0,'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",a=b,'q\r\n");
	const char *fq[] = { "=HYPERLINK(\"http://x\",\"y\")" };
	T_STREQ(row(fq, 1), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
	const char *off[] = { "=1+1", "-5" };
	T_STREQ(row_q(CSV_QUOTE_MINIMAL, false, off, 2), "=1+1,-5\r\n");
	/* a cell starting with NUL is not a formula */
	struct csv c;
	char *out;
	size_t len;
	csv_init(&c, a, CSV_UTF8);
	csv_cell(&c, "\0=", 2);
	csv_end_row(&c);
	csv_finish(&c, a, &out, &len, NULL);
	T_OK(len == 4 && memcmp(out, "\0=\r\n", 4) == 0, "NUL cell kept as is");
}

static void
test_encodings(void)
{
	struct csv c;
	char *out;
	size_t len, bad = 99;
	csv_init(&c, a, CSV_UTF8_BOM);
	csv_cell_str(&c, "名前");
	csv_end_row(&c);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_INTEQ(len, 3 + 6 + 2);
	T_OK(memcmp(out, "\xEF\xBB\xBF名前\r\n", len) == 0, "BOM + UTF-8");
	T_INTEQ(bad, 0);
	/* an empty document with BOM is the BOM */
	csv_init(&c, a, CSV_UTF8_BOM);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_INTEQ(len, 3);

	/* CP932 with the default policy ('?') */
	csv_init(&c, a, CSV_CP932);
	csv_cell_str(&c, "日本");
	csv_cell_str(&c, "①～");
	csv_cell_str(&c, "x😀y");
	csv_cell_str(&c, "ｱ");
	csv_cell_str(&c, "表,\"");  /* 表 = 95 5C; quoted, the quote doubled */
	csv_end_row(&c);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_STREQ(show(out, len), "<93><FA><96>{,<87>@<81>`,x?y,<B1>,\"<95>\\,\"\"\"\r\n");
	T_INTEQ(bad, 1);

	/* invalid UTF-8 → '?' in every encoding, reported as U+FFFD */
	csv_init(&c, a, CSV_UTF8_BOM);
	csv_cell(&c, "a\xFF" "b\xE3\x81", 5);
	csv_end_row(&c);
	csv_finish(&c, a, &out, &len, &bad);
	T_OK(len == 3 + 6 && memcmp(out + 3, "a?b?\r\n", 6) == 0, "invalid UTF-8 replaced");
	T_INTEQ(bad, 2);
	T_INTEQ(c.nbad, 2);
	T_OK(c.bad[0].invalid && c.bad[0].cp == 0xFFFD && c.bad[0].index == 2 && c.bad[0].col == 1,
	     "invalid byte reported");
	T_STREQ(c.bad[1].ch, UTF8_REPLACEMENT);
	csv_init(&c, a, CSV_CP932);
	csv_cell(&c, "\xC0\xAF", 2);
	csv_end_row(&c);
	csv_finish(&c, a, &out, &len, &bad);
	T_STREQ(out, "??\r\n");
	T_INTEQ(bad, 2);
	/* UTF-8 output under GETA / DROP / FAIL */
	csv_init(&c, a, CSV_UTF8);
	c.policy = CP932_REPLACE_GETA;
	csv_cell(&c, "a\xFFz", 3);
	c.policy = CP932_DROP;
	csv_cell(&c, "a\xFFz", 3);
	T_INTEQ(csv_end_row(&c), 0);
	c.policy = CP932_FAIL;
	T_INTEQ(csv_cell(&c, "a\xFFz", 3), -ERR_INVALID);
	T_INTEQ(csv_end_row(&c), -ERR_INVALID);
	csv_finish(&c, a, &out, &len, &bad);
	T_STREQ(out, "a〓z,az\r\n");
	T_INTEQ(bad, 3);
	T_INTEQ(c.failed_rows, 1);
}

/* The report entries of the characters under each policy. */
static const char *const hard[] = { "髙﨑", "①㈱", "～〜", "−￥", "😀", "𠮷野家" };

static void
write_hard(struct csv *c, enum cp932_policy p)
{
	csv_init(c, a, CSV_CP932);
	c->policy = p;
	c->neutralise = false;
	csv_row_begin(c, 0);
	for (size_t i = 0; i < 6; i++)
		T_INTEQ(csv_cell_str(c, (const char *[]){ "a", "b", "c", "d", "e", "品名" }[i]), 0);
	T_INTEQ(csv_row_commit(c), 0);
	csv_row_begin(c, 17);
	int fails = 0;
	for (size_t i = 0; i < 6; i++)
		fails += csv_cell_str(c, hard[i]) == -ERR_INVALID;
	T_INTEQ(fails, p == CP932_FAIL ? 3 : 0);
	T_INTEQ(csv_row_commit(c), p == CP932_FAIL ? -ERR_INVALID : 0);
	csv_row_begin(c, 18);
	csv_cell_str(c, "ok");
	csv_cell_str(c, "−5");
	T_INTEQ(csv_row_commit(c), 0);
}

static void
check_reports(const struct csv *c, enum cp932_policy p)
{
	T_INTEQ(c->nbad, 3);
	T_INTEQ(c->unmappable, 3);
	static const struct {
		size_t col, index;
		uint32_t cp;
		const char *ch;
	} want[] = { { 3, 2, 0x301C, "〜" }, { 5, 1, 0x1F600, "😀" }, { 6, 1, 0x20BB7, "𠮷" } };
	for (size_t i = 0; i < 3 && i < c->nbad; i++) {
		const struct csv_bad *b = &c->bad[i];
		T_INTEQ(b->row, 2);
		T_INTEQ(b->record, 17);
		T_INTEQ(b->col, want[i].col);
		T_INTEQ(b->index, want[i].index);
		T_INTEQ(b->cp, want[i].cp);
		T_STREQ(b->ch, want[i].ch);
		T_OK(!b->invalid, "valid UTF-8");
		T_INTEQ(b->policy, p);
	}
}

static void
test_cp932_policies(void)
{
	struct csv c;
	char *out;
	size_t len, bad;
	const char *head = "a,b,c,d,e,<95>i<96><BC>\r\n";
	const char *tail = "ok,<81>|5\r\n";

	write_hard(&c, CP932_REPLACE_GETA);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_STREQ(show(out, len), arena_printf(a, "%s<FB><FC><FA><B1>,<87>@<87><8A>,<81>`<81><AC>,<81>|<81><8F>,"
					       "<81><AC>,<81><AC><96><EC><89><C6>\r\n%s", head, tail));
	T_INTEQ(bad, 3);
	check_reports(&c, CP932_REPLACE_GETA);
	T_STREQ(csv_bad_message(a, &c.bad[0], "品名"),
		"レコード 17 列「品名」: 「〜」(U+301C) は Shift_JIS (CP932) で表せない文字です（〓 に置き換えました）");

	write_hard(&c, CP932_REPLACE_QMARK);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_STREQ(show(out, len), arena_printf(a, "%s<FB><FC><FA><B1>,<87>@<87><8A>,<81>`?,<81>|<81><8F>,"
					       "?,?<96><EC><89><C6>\r\n%s", head, tail));
	check_reports(&c, CP932_REPLACE_QMARK);
	T_STREQ(csv_bad_message(a, &c.bad[2], NULL),
		"レコード 17 6列目: 「𠮷」(U+20BB7) は Shift_JIS (CP932) で表せない文字です（? に置き換えました）");

	write_hard(&c, CP932_DROP);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_STREQ(show(out, len), arena_printf(a, "%s<FB><FC><FA><B1>,<87>@<87><8A>,<81>`,<81>|<81><8F>,"
					       ",<96><EC><89><C6>\r\n%s", head, tail));
	check_reports(&c, CP932_DROP);
	T_STREQ(csv_bad_message(a, &c.bad[1], "e"),
		"レコード 17 列「e」: 「😀」(U+1F600) は Shift_JIS (CP932) で表せない文字です（削除しました）");

	write_hard(&c, CP932_FAIL);
	T_INTEQ(csv_finish(&c, a, &out, &len, &bad), 0);
	T_STREQ(show(out, len), arena_printf(a, "%s%s", head, tail));  /* the row is withdrawn */
	check_reports(&c, CP932_FAIL);
	T_INTEQ(c.rows, 2);
	T_INTEQ(c.failed_rows, 1);
	T_STREQ(csv_bad_message(a, &c.bad[0], "c"),
		"レコード 17 列「c」: 「〜」(U+301C) は Shift_JIS (CP932) で表せない文字です（このレコードは出力しません）");
	/* no record number: the row number */
	struct csv_bad b = c.bad[0];
	b.record = 0;
	T_STREQ(csv_bad_message(a, &b, NULL),
		"2行目 3列目: 「〜」(U+301C) は Shift_JIS (CP932) で表せない文字です（このレコードは出力しません）");
	b.invalid = true;
	b.policy = CP932_REPLACE_QMARK;
	T_STREQ(csv_bad_message(a, &b, NULL), "2行目 3列目: 2文字目に UTF-8 として正しくないバイト列があります（? に置き換えました）");
}

static int
sink(void *ctx, const char *p, size_t n)
{
	struct buf *b = ctx;
	buf_append(b, p, n);
	return 0;
}

static int
failing_sink(void *ctx, const char *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	return -ERR_IO;
}

static void
test_rows_and_flush(void)
{
	struct csv c;
	struct buf file;
	char *out;
	size_t len;
	buf_init(&file, a, 64);
	csv_init(&c, a, CSV_UTF8_BOM);
	T_INTEQ(csv_flush(&c, sink, &file), 0);  /* the BOM */
	T_INTEQ(file.len, 3);
	csv_cell_str(&c, "r1");
	csv_end_row(&c);
	csv_row_begin(&c, 2);
	csv_cell_str(&c, "r2");
	csv_row_abort(&c);  /* e.g. an expression failed */
	csv_row_abort(&c);  /* no open row: nothing */
	T_INTEQ(c.failed_rows, 1);
	csv_cell_str(&c, "r3");
	csv_end_row(&c);
	csv_cell_str(&c, "open");
	T_INTEQ(csv_flush(&c, failing_sink, NULL), -ERR_IO);
	T_INTEQ(csv_flush(&c, sink, &file), 0);  /* committed rows only */
	T_STREQ(buf_cstr(&file), "\xEF\xBB\xBFr1\r\nr3\r\n");
	T_INTEQ(csv_flush(&c, sink, &file), 0);  /* nothing new */
	T_INTEQ(file.len, 3 + 8);
	csv_cell_str(&c, "more");
	csv_row_begin(&c, 5);  /* commits the open row */
	csv_cell_str(&c, "r5");
	T_INTEQ(csv_finish(&c, a, &out, &len, NULL), 0);  /* commits r5 */
	T_STREQ(out, "open,more\r\nr5\r\n");
	T_INTEQ(c.rows, 4);

	/* finish into another arena copies */
	struct arena *other = arena_new(0);
	char *copy;
	T_INTEQ(csv_finish(&c, other, &copy, &len, NULL), 0);
	T_OK(copy != out && strcmp(copy, out) == 0, "copied into the other arena");
	arena_free(other);

	/* a FAIL row withdrawn, then flushed output has no trace of it */
	csv_init(&c, a, CSV_CP932);
	c.policy = CP932_FAIL;
	buf_clear(&file);
	csv_cell_str(&c, "a");
	csv_end_row(&c);
	csv_cell_str(&c, "🍣");
	csv_cell_str(&c, "b");
	T_INTEQ(csv_flush(&c, sink, &file), 0);
	T_INTEQ(csv_end_row(&c), -ERR_INVALID);
	csv_cell_str(&c, "c");
	csv_end_row(&c);
	T_INTEQ(csv_flush(&c, sink, &file), 0);
	T_STREQ(buf_cstr(&file), "a\r\nc\r\n");
	T_INTEQ(c.nbad, 1);
	T_INTEQ(c.bad[0].row, 2);
	T_INTEQ(c.bad[0].record, 0);

	/* reports beyond max_reports are only counted */
	csv_init(&c, a, CSV_CP932);
	c.max_reports = 5;
	for (int i = 0; i < 40; i++)
		csv_cell_str(&c, "🍣");
	csv_end_row(&c);
	T_INTEQ(c.nbad, 5);
	T_INTEQ(c.unmappable, 40);
	T_INTEQ(c.bad[4].col, 5);
}

/* Groups: the lines of one order stand or fall together. */
static void
test_groups(void)
{
	struct csv c;
	struct buf file;
	char *out;
	size_t len;
	buf_init(&file, a, 64);
	csv_init(&c, a, CSV_CP932);
	c.policy = CP932_FAIL;
	csv_cell_str(&c, "head");
	csv_group_begin(&c);  /* commits the open header row */
	T_INTEQ(c.rows, 1);
	csv_row_begin(&c, 1);
	csv_cell_str(&c, "o1-l1");
	T_INTEQ(csv_row_commit(&c), 0);
	csv_row_begin(&c, 1);
	csv_cell_str(&c, "o1-l2");
	T_INTEQ(csv_group_commit(&c), 0);  /* commits the open row */
	T_INTEQ(c.rows, 3);

	csv_group_begin(&c);
	csv_row_begin(&c, 2);
	csv_cell_str(&c, "o2-l1");
	T_INTEQ(csv_row_commit(&c), 0);
	T_INTEQ(csv_flush(&c, sink, &file), 0);  /* order 2 is not handed out yet */
	T_STREQ(buf_cstr(&file), "head\r\no1-l1\r\no1-l2\r\n");
	csv_row_begin(&c, 2);
	T_INTEQ(csv_cell_str(&c, "o2-l2 𠮷"), -ERR_INVALID);
	T_INTEQ(csv_row_commit(&c), -ERR_INVALID);
	csv_row_begin(&c, 2);
	csv_cell_str(&c, "o2-l3");
	T_INTEQ(csv_row_commit(&c), 0);
	T_INTEQ(csv_group_commit(&c), -ERR_INVALID);  /* every line of order 2 withdrawn */
	T_INTEQ(c.rows, 3);
	T_INTEQ(c.failed_rows, 3);
	T_INTEQ(c.bad[0].record, 2);

	csv_group_begin(&c);
	csv_row_begin(&c, 3);
	csv_cell_str(&c, "o3-l1");
	csv_row_commit(&c);
	csv_row_begin(&c, 3);
	csv_row_abort(&c);  /* e.g. an expression error: fails the group */
	T_INTEQ(csv_group_commit(&c), -ERR_INVALID);
	T_INTEQ(c.failed_rows, 5);

	csv_group_begin(&c);
	csv_cell_str(&c, "o4");
	csv_row_commit(&c);
	csv_group_abort(&c);  /* withdrawn whatever happened */
	csv_group_abort(&c);  /* no group: nothing */
	T_INTEQ(c.group_rows, 0);
	T_INTEQ(c.failed_rows, 6);

	csv_group_begin(&c);
	csv_cell_str(&c, "o5");  /* left open: csv_finish commits group and row */
	T_INTEQ(csv_flush(&c, sink, &file), 0);
	T_INTEQ(csv_finish(&c, a, &out, &len, NULL), 0);
	T_STREQ(out, "o5\r\n");
	T_STREQ(buf_cstr(&file), "head\r\no1-l1\r\no1-l2\r\n");
	T_INTEQ(c.rows, 4);
	T_INTEQ(csv_group_commit(&c), 0);  /* no group: 0 */
}

static void
test_encoding_parse(void)
{
	enum csv_encoding e;
	T_INTEQ(csv_encoding_parse("", &e), 0);
	T_INTEQ(e, CSV_UTF8_BOM);
	T_INTEQ(csv_encoding_parse("utf8", &e), 0);
	T_INTEQ(e, CSV_UTF8_BOM);
	T_INTEQ(csv_encoding_parse("sjis", &e), 0);
	T_INTEQ(e, CSV_CP932);
	T_INTEQ(csv_encoding_parse("SJIS", &e), -ERR_INVALID);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
count_sink(void *ctx, const char *p, size_t n)
{
	(void)p;
	*(size_t *)ctx += n;
	return 0;
}

/* Timing (printed, not asserted): 100,000 order lines × 12 columns into CP932. */
static void
test_timing(void)
{
	enum { VARIANTS = 64, ROWS = 100000, COLS = 12 };
	static const char *const names[] = { "山田 太郎", "佐藤 花子", "髙橋 一郎", "鈴木 次郎" };
	static const char *const kana[] = { "ヤマダ タロウ", "サトウ ハナコ", "タカハシ イチロウ", "スズキ ジロウ" };
	static const char *const items[] = { "オーガニック緑茶 ティーバッグ 20包入", "北海道産 昆布 100g（業務用）",
					     "手ぬぐい \"富士山\" 柄, 綿100%", "〜期間限定〜 抹茶ラテ 10本セット" };
	static const char *const addr[] = { "東京都渋谷区神宮前1-2-3 青山マンション101", "大阪府大阪市北区梅田2丁目4-9",
					    "北海道札幌市中央区北1条西2丁目", "福岡県福岡市博多区博多駅前3-2-1 ７F" };
	struct arena *ra = arena_new(0);
	char *cells[VARIANTS][COLS];
	for (int v = 0; v < VARIANTS; v++) {
		int price = 280 + v * 37, qty = 1 + v % 5;
		cells[v][0] = arena_printf(ra, "R-20240115-%06d", 1000 + v);
		cells[v][1] = arena_printf(ra, "2024/01/15 %02d:%02d:%02d", v % 24, v % 60, (v * 7) % 60);
		cells[v][2] = (char *)names[v % 4];
		cells[v][3] = (char *)kana[v % 4];
		cells[v][4] = arena_printf(ra, "%03d-%04d", 100 + v, 1000 + v * 3);
		cells[v][5] = (char *)addr[v % 4];
		cells[v][6] = arena_printf(ra, "03-%04d-%04d", 1000 + v, 5000 + v);
		cells[v][7] = arena_printf(ra, "SKU-%05d", v * 11);
		cells[v][8] = (char *)items[v % 4];
		cells[v][9] = arena_printf(ra, "%d", price);
		cells[v][10] = arena_printf(ra, "%d", qty);
		cells[v][11] = arena_printf(ra, "%d", price * qty);
	}
	size_t lens[VARIANTS][COLS];
	for (int v = 0; v < VARIANTS; v++)
		for (int k = 0; k < COLS; k++)
			lens[v][k] = strlen(cells[v][k]);
	struct arena *wa = arena_new(0);
	struct csv c;
	size_t bytes = 0;
	double t0 = now_s();
	csv_init(&c, wa, CSV_CP932);
	c.neutralise = false;
	c.policy = CP932_REPLACE_GETA;
	for (int r = 0; r < ROWS; r++) {
		const int v = r % VARIANTS;
		csv_row_begin(&c, r + 1);
		for (int k = 0; k < COLS; k++)
			csv_cell(&c, cells[v][k], lens[v][k]);
		csv_row_commit(&c);
		if (r % 1000 == 999)
			csv_flush(&c, count_sink, &bytes);
	}
	csv_flush(&c, count_sink, &bytes);
	double dt = now_s() - t0;
	T_INTEQ(c.rows, ROWS);
	T_INTEQ(c.unmappable, ROWS / 2);  /* two 〜 in one item of four */
	printf("csv timing: %d rows x %d columns of order lines into CP932: %.3f s, %.0f rows/s, %.1f MB/s "
	       "(%zu bytes, %zu characters replaced)\n",
	       ROWS, COLS, dt, ROWS / dt, (double)bytes / dt / 1e6, bytes, c.unmappable);
	arena_free(wa);
	arena_free(ra);
}

int
main(void)
{
	a = arena_new(0);
	test_quoting();
	test_quote_policies();
	test_eol();
	test_neutralise();
	test_encodings();
	test_cp932_policies();
	test_rows_and_flush();
	test_groups();
	test_encoding_parse();
	test_timing();
	arena_free(a);
	return t_done("csv");
}
