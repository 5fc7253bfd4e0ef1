/* test_csv_read.c: the CSV reader — quoting, line ends, BOM, CP932 input, strict/lenient, every error message, limits. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/csv_read.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

static struct arena *a;

/*
 * dump: read all of s (len bytes) with o; rows become "[f1|f2]" joined,
 * each prefixed with its line when lines is true ("2:[a|b]"); an error
 * appends "!<rc> <message>". Control characters are shown as \r \n \0.
 */
static const char *
dump_opts(const char *s, size_t len, const struct csv_read_opts *o, bool lines)
{
	struct csv_reader r;
	struct csv_row row;
	struct buf b;
	buf_init(&b, a, 64);
	int rc = csv_read_init(&r, a, s, len, o);
	while (rc == 0 && (rc = csv_read_next(&r, a, &row)) == 0 && row.n > 0) {
		if (lines)
			buf_printf(&b, "%zu:", row.line);
		buf_putc(&b, '[');
		for (size_t i = 0; i < row.n; i++) {
			if (i > 0)
				buf_putc(&b, '|');
			for (size_t k = 0; k < row.len[i]; k++) {
				char ch = row.f[i][k];
				if (ch == '\r')
					buf_puts(&b, "\\r");
				else if (ch == '\n')
					buf_puts(&b, "\\n");
				else if (ch == '\0')
					buf_puts(&b, "\\0");
				else
					buf_putc(&b, ch);
			}
			T_OK(row.f[i][row.len[i]] == '\0', "field NUL-terminated");
		}
		buf_putc(&b, ']');
	}
	if (rc != 0) {
		buf_printf(&b, "!%d %s", rc, r.msg);
		/* sticky */
		T_INTEQ(csv_read_next(&r, a, &row), rc);
		T_INTEQ(row.n, 0);
	}
	return buf_cstr(&b);
}

static const char *
dump(const char *s)
{
	return dump_opts(s, strlen(s), NULL, false);
}

static const char *
lenient(const char *s)
{
	struct csv_read_opts o = { .lenient = true };
	return dump_opts(s, strlen(s), &o, false);
}

static void
test_basic(void)
{
	T_STREQ(dump(""), "");
	T_STREQ(dump("a"), "[a]");
	T_STREQ(dump("a,b,c\n1,2,3\n"), "[a|b|c][1|2|3]");
	T_STREQ(dump("a,b\r\n1,2\r\n"), "[a|b][1|2]");
	T_STREQ(dump("a,b\r1,2\r"), "[a|b][1|2]");           /* CR-only (old Mac) */
	T_STREQ(dump("a,b\n1,2"), "[a|b][1|2]");              /* no final newline */
	T_STREQ(dump("a,b\r\n1,2\n3,4\r5,6"), "[a|b][1|2][3|4][5|6]");
	T_STREQ(dump(",\n,,\n"), "[|][||]");
	T_STREQ(dump("a,\n"), "[a|]");
	T_STREQ(dump("\n\r\n\ra\n\n\nb\n\n"), "[a][b]");      /* empty lines skipped */
	T_STREQ(dump("\"\"\n"), "[]");                        /* one empty field */
	T_STREQ(dump("\"\",\"\"\n"), "[|]");
	T_STREQ(dump(" a , b \n"), "[ a | b ]");              /* spaces kept */
	T_STREQ(dump("\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\nlf\",\"\r\"\n"),
		"[a,b|say \"hi\"|l1\\nl2|cr\\r\\nlf|\\r]");
	T_STREQ(dump("\"\"\"\"\n"), "[\"]");
	T_STREQ(dump("日本,語\n"), "[日本|語]");
	T_STREQ(dump("\xEF\xBB\xBFid,名前\n1,x\n"), "[id|名前][1|x]");  /* BOM skipped */
	T_STREQ(dump("\xEF\xBB\xBF"), "");
	T_STREQ(dump("a\xEF\xBB\xBF\n"), "[a\xEF\xBB\xBF]");  /* a BOM elsewhere is text */
	T_STREQ(dump_opts("a\0b,c\n", 6, NULL, false), "[a\\0b|c]");
	/* row lines count physical lines, quoted line breaks included */
	T_STREQ(dump_opts("h\n\"x\ny\",z\r\n\r\nlast", 17, NULL, true), "1:[h]2:[x\\ny|z]5:[last]");
}

static void
test_cp932_input(void)
{
	struct csv_read_opts o = { .enc = CSV_READ_CP932 };
	/* 品番,名前 / A1,日本 ｱ ① 髙 */
	const char in[] = "\x95\x69\x94\xD4,\x96\xBC\x91\x4F\r\nA1,\"\x93\xFA\x96\x7B \xB1 \x87\x40 \xFB\xFC\"\r\n";
	T_STREQ(dump_opts(in, sizeof in - 1, &o, false), "[品番|名前][A1|日本 ｱ ① 髙]");
	/* 0x5C as a trail byte (表 = 95 5C) is not a backslash problem; 0x22 never is a trail byte */
	const char hyo[] = "\x95\x5C,\"\x95\x5C\"\n";
	T_STREQ(dump_opts(hyo, sizeof hyo - 1, &o, false), "[表|表]");
	/* undecodable byte: its line and 1-based byte offset */
	const char bad[] = "a,b\r\nc,d\r\n\"x\ny\",\x85\x40\n";
	T_STREQ(dump_opts(bad, sizeof bad - 1, &o, false),
		"!-2 4行目: Shift_JIS (CP932) として読めないバイト 0x85 があります（先頭から 17 バイト目）");
	/* a UTF-8 BOM wins over the CP932 choice */
	T_STREQ(dump_opts("\xEF\xBB\xBF日本\n", 10, &o, false), "[日本]");
	/* Shift_JIS read as UTF-8: the hint in the message */
	T_STREQ(dump_opts(in, sizeof in - 1, NULL, false),
		"!-2 1行目 1列目: UTF-8 として正しくない文字があります（Shift_JIS のファイルなら文字コードに Shift_JIS を選んでください）");
}

static void
test_strict_errors(void)
{
	T_STREQ(dump("a,b\nc,d\ne,\"f\"x\n"), "[a|b][c|d]!-2 3行目 2列目: 引用符の後に文字があります");
	T_STREQ(dump("a,b\nc,d\"x\n"), "[a|b]!-2 2行目 2列目: 引用符で囲まれていない項目の中に引用符があります");
	T_STREQ(dump("a,\"b\nc\nd"), "!-2 1行目 2列目: 引用符が閉じられていません");
	T_STREQ(dump("a\n\"x\"\"\n"), "[a]!-2 2行目 1列目: 引用符が閉じられていません");
	/* the place after a quoted line break is on the later line */
	T_STREQ(dump("\"l1\nl2\" ,x\n"), "!-2 2行目 1列目: 引用符の後に文字があります");
	T_STREQ(dump("\"a\" \n"), "!-2 1行目 1列目: 引用符の後に文字があります");
	T_STREQ(dump("x,y,z\"\n"), "!-2 1行目 3列目: 引用符で囲まれていない項目の中に引用符があります");
	T_STREQ(dump("a\xFF,b\n"), "!-2 1行目 1列目: UTF-8 として正しくない文字があります（Shift_JIS のファイルなら文字コードに Shift_JIS を選んでください）");
	T_STREQ(dump("a\n\"b\n\xC0\xAF\"\n"), "[a]!-2 2行目 1列目: UTF-8 として正しくない文字があります（Shift_JIS のファイルなら文字コードに Shift_JIS を選んでください）");
}

static void
test_lenient(void)
{
	T_STREQ(lenient("a\"b,c\n"), "[a\"b|c]");
	T_STREQ(lenient("\"ab\"c,d\n"), "[abc|d]");
	T_STREQ(lenient("\"ab\"c\"d\",e\n"), "[abc\"d\"|e]");
	T_STREQ(lenient("\"a\" ,b\n"), "[a |b]");
	T_STREQ(lenient("37°36'37.8\"N,x"), "[37°36'37.8\"N|x]");
	T_STREQ(lenient("a,\"open\n"), "!-2 1行目 2列目: 引用符が閉じられていません");
}

static void
test_limits(void)
{
	struct arena *b = arena_new(0);
	struct buf big;
	buf_init(&big, b, 70000);
	/* field limit: exactly 65536 bytes is fine, 65537 is not */
	for (size_t i = 0; i < 65536; i++)
		buf_putc(&big, 'x');
	struct csv_reader r;
	struct csv_row row;
	T_INTEQ(csv_read_init(&r, b, big.data, big.len, NULL), 0);
	T_INTEQ(csv_read_next(&r, b, &row), 0);
	T_INTEQ(row.n, 1);
	T_INTEQ(row.len[0], 65536);
	buf_putc(&big, 'x');
	T_INTEQ(csv_read_init(&r, b, big.data, big.len, NULL), 0);
	T_INTEQ(csv_read_next(&r, b, &row), -ERR_TOO_LARGE);
	T_STREQ(r.msg, "1行目 1列目: 項目が長すぎます（上限 65536 バイト）");
	T_INTEQ(r.err_line, 1);
	T_INTEQ(r.err_col, 1);
	/* the same inside quotes, with "" counting as one byte, on line 2 column 2 */
	buf_clear(&big);
	buf_puts(&big, "h\nx,\"");
	for (size_t i = 0; i < 70000; i++)
		buf_puts(&big, "\"\"");
	buf_puts(&big, "\"\n");
	T_INTEQ(csv_read_init(&r, b, big.data, big.len, NULL), 0);
	T_INTEQ(csv_read_next(&r, b, &row), 0);
	T_INTEQ(csv_read_next(&r, b, &row), -ERR_TOO_LARGE);
	T_STREQ(r.msg, "2行目 2列目: 項目が長すぎます（上限 65536 バイト）");
	struct csv_read_opts small = { .max_field = 3 };
	T_STREQ(dump_opts("abc,\"d\"\"e\"\nabcd\n", 16, &small, false),
		"[abc|d\"e]!-6 2行目 1列目: 項目が長すぎます（上限 3 バイト）");

	/* columns: 1000 fine, 1001 not */
	buf_clear(&big);
	for (size_t i = 0; i < 1000; i++)
		buf_puts(&big, i ? ",c" : "c");
	buf_putc(&big, '\n');
	size_t one_row = big.len;
	for (size_t i = 0; i < 1001; i++)
		buf_puts(&big, i ? "," : "");
	buf_putc(&big, '\n');
	T_INTEQ(csv_read_init(&r, b, big.data, big.len, NULL), 0);
	T_INTEQ(csv_read_next(&r, b, &row), 0);
	T_INTEQ(row.n, 1000);
	T_INTEQ(csv_read_next(&r, b, &row), -ERR_TOO_LARGE);
	T_STREQ(r.msg, "2行目: 列が多すぎます（上限 1000 列）");
	T_INTEQ(r.err_col, 0);
	(void)one_row;
	struct csv_read_opts cols = { .max_cols = 2 };
	T_STREQ(dump_opts("a,b\nc,d,e\n", 10, &cols, false), "[a|b]!-6 2行目: 列が多すぎます（上限 2 列）");

	/* total size, checked before anything is read */
	struct csv_read_opts sz = { .max_size = 10 };
	T_STREQ(dump_opts("0123456789", 10, &sz, false), "[0123456789]");
	T_STREQ(dump_opts("0123456789\n", 11, &sz, false), "!-6 ファイルが大きすぎます（11 バイト、上限 10 バイト）");
	T_INTEQ(csv_read_init(&r, b, big.data, big.len, NULL), 0);  /* default 16 MiB */
	T_INTEQ(csv_read_init(&r, b, NULL, 5, NULL), 0);            /* NULL data = empty */
	T_INTEQ(csv_read_next(&r, b, &row), 0);
	T_INTEQ(row.n, 0);
	arena_free(b);
}

/* Rows into an arena reset per row: the reader's own state stays valid. */
static void
test_iterator_reset(void)
{
	struct arena *rowa = arena_new(0);
	struct csv_reader r;
	struct csv_row row;
	const char *s = "id,name\n1,\"a\nb\"\n2,c\n";
	T_INTEQ(csv_read_init(&r, a, s, strlen(s), NULL), 0);
	size_t n = 0;
	char seen[64] = "";
	while (csv_read_next(&r, rowa, &row) == 0 && row.n > 0) {
		size_t l = strlen(seen);
		snprintf(seen + l, sizeof seen - l, "%s/%s;", row.f[0], row.f[1]);
		arena_reset(rowa);
		n++;
	}
	T_INTEQ(n, 3);
	T_INTEQ(r.rows, 3);
	T_STREQ(seen, "id/name;1/a\nb;2/c;");
	T_INTEQ(csv_read_next(&r, rowa, &row), 0);  /* the end stays the end */
	T_INTEQ(row.n, 0);
	arena_free(rowa);
}

int
main(void)
{
	a = arena_new(0);
	test_basic();
	test_cp932_input();
	test_strict_errors();
	test_lenient();
	test_limits();
	test_iterator_reset();
	arena_free(a);
	return t_done("csv-read");
}
