/* test_kana.c: 全角⇔半角 — katakana with dakuten/handakuten, hiragana, letters, digits, symbols, flags, bad UTF-8. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/kana.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"

static struct arena *a;

static const char *
half(const char *s, unsigned flags)
{
	struct buf b;
	buf_init(&b, a, 16);
	int rc = kana_to_half(&b, s, strlen(s), flags);
	return rc == 0 ? b.data : "(error)";
}

static const char *
full(const char *s, unsigned flags)
{
	struct buf b;
	buf_init(&b, a, 16);
	int rc = kana_to_full(&b, s, strlen(s), flags);
	return rc == 0 ? b.data : "(error)";
}

static void
test_katakana(void)
{
	T_STREQ(half("アイウエオ", KANA_KANA), "ｱｲｳｴｵ");
	T_STREQ(half("ガギグゲゴザジズゼゾダヂヅデドバビブベボ", KANA_KANA),
	    "ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞｾﾞｿﾞﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ");
	T_STREQ(half("パピプペポ", KANA_KANA), "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ");
	T_STREQ(half("ヴ", KANA_KANA), "ｳﾞ");
	T_STREQ(half("ヷヺ", KANA_KANA), "ﾜﾞｦﾞ");
	T_STREQ(half("ァィゥェォャュョッー", KANA_KANA), "ｧｨｩｪｫｬｭｮｯｰ");
	T_STREQ(half("。「」、・゛゜", KANA_KANA), "｡｢｣､･ﾞﾟ");
	T_STREQ(half("カ\xE3\x82\x99", KANA_KANA), "ｶﾞ");  /* combining U+3099 */
	T_STREQ(half("ヰヱヵヶヮヽヾ", KANA_KANA), "ヰヱヵヶヮヽヾ");  /* no halfwidth form */
	T_STREQ(half("ワヲン", KANA_KANA), "ﾜｦﾝ");
	T_STREQ(half("ﾃｽﾄ", KANA_KANA), "ﾃｽﾄ");  /* already half */

	T_STREQ(full("ｱｲｳｴｵ", KANA_KANA), "アイウエオ");
	T_STREQ(full("ｶﾞｷﾞｸﾞｹﾞｺﾞ", KANA_KANA), "ガギグゲゴ");
	T_STREQ(full("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟﾊﾞ", KANA_KANA), "パピプペポバ");
	T_STREQ(full("ｳﾞ", KANA_KANA), "ヴ");
	T_STREQ(full("ﾜﾞｦﾞ", KANA_KANA), "ヷヺ");
	T_STREQ(full("ｱﾞ", KANA_KANA), "ア゛");       /* no voiced ア: standalone mark */
	T_STREQ(full("ｶﾟ", KANA_KANA), "カ゜");
	T_STREQ(full("ﾞﾟ", KANA_KANA), "゛゜");
	T_STREQ(full("ﾊ", KANA_KANA), "ハ");          /* at the very end */
	T_STREQ(full("｡｢｣､･ｰ", KANA_KANA), "。「」、・ー");
	T_STREQ(full("ｯﾄﾞ", KANA_KANA), "ッド");
}

static void
test_hiragana(void)
{
	T_STREQ(half("ひらがな", KANA_KANA), "ﾋﾗｶﾞﾅ");
	T_STREQ(half("ぱぴぷぺぽ", KANA_KANA), "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ");
	T_STREQ(half("ぁっゔ", KANA_KANA), "ｧｯｳﾞ");
	T_STREQ(half("ゐゑゕゖゎ", KANA_KANA), "ゐゑゕゖゎ");  /* no halfwidth form: unchanged */
	T_STREQ(full(half("ひらがな", KANA_KANA), KANA_KANA), "ヒラガナ");  /* documented */
	T_STREQ(half("ひらがな", KANA_ALNUM), "ひらがな");  /* not flagged */
}

static void
test_ascii(void)
{
	T_STREQ(half("ＡＢＣｘｙｚ０１２９", KANA_ALNUM), "ABCxyz0129");
	T_STREQ(half("！＃＄％＆（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～＂＇", KANA_SYMBOL),
	    "!#$%&()*+,-./:;<=>?@[\\]^_`{|}~\"'");
	T_STREQ(half("Ａ　Ｂ", KANA_ALNUM), "A　B");        /* space is a symbol */
	T_STREQ(half("Ａ　Ｂ", KANA_ALNUM | KANA_SYMBOL), "A B");
	T_STREQ(half("ＡＢ！", KANA_SYMBOL), "ＡＢ!");
	T_STREQ(full("ABCxyz0129", KANA_ALNUM), "ＡＢＣｘｙｚ０１２９");
	T_STREQ(full("!#$%&()*+,-./:;<=>?@[\\]^_`{|}~\"'", KANA_SYMBOL),
	    "！＃＄％＆（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～＂＇");
	T_STREQ(full("a b", KANA_ALL), "ａ　ｂ");
	T_STREQ(full("a b", KANA_ALNUM), "ａ ｂ");
	T_STREQ(full("a\tb\n", KANA_ALL), "ａ\tｂ\n");  /* control characters stay */
	T_STREQ(half("￥¥〜−", KANA_ALL), "￥¥〜−");       /* no yen special case */
	T_STREQ(full("\\", KANA_SYMBOL), "＼");
}

static void
test_mixed_and_flags(void)
{
	const char *s = "ｶﾞｲﾄﾞ ＡＢＣ－123 テスト";
	T_STREQ(half(s, KANA_ALL), "ｶﾞｲﾄﾞ ABC-123 ﾃｽﾄ");
	T_STREQ(half(s, KANA_KANA), "ｶﾞｲﾄﾞ ＡＢＣ－123 ﾃｽﾄ");
	T_STREQ(full(s, KANA_ALL), "ガイド　ＡＢＣ－１２３　テスト");
	T_STREQ(full(s, KANA_KANA), "ガイド ＡＢＣ－123 テスト");
	T_STREQ(half(s, 0), s);
	T_STREQ(full(s, 0), s);
	T_STREQ(half("", KANA_ALL), "");
	T_STREQ(half("漢字と🍣", KANA_ALL), "漢字ﾄ🍣");  /* と is hiragana */
	T_STREQ(half("漢字🍣", KANA_ALL), "漢字🍣");

	unsigned f = 0;
	T_INTEQ(kana_flags_parse("kana|alnum", 10, &f), 0);
	T_INTEQ(f, KANA_KANA | KANA_ALNUM);
	f = 0;
	T_INTEQ(kana_flags_parse("Symbol", 6, &f), 0);
	T_INTEQ(f, KANA_SYMBOL);
	f = 0;
	T_INTEQ(kana_flags_parse("カナ,英数", strlen("カナ,英数"), &f), 0);
	T_INTEQ(f, KANA_KANA | KANA_ALNUM);
	f = 0;
	T_INTEQ(kana_flags_parse("all", 3, &f), 0);
	T_INTEQ(f, KANA_ALL);
	f = 0;
	T_INTEQ(kana_flags_parse("kana|bogus", 10, &f), -ERR_INVALID);
	T_INTEQ(f, 0);
	T_INTEQ(kana_flags_parse("", 0, &f), -ERR_INVALID);
	T_INTEQ(kana_flags_parse("||", 2, &f), -ERR_INVALID);
}

/* Every katakana with a halfwidth form survives full → half → full. */
static void
test_round_trip(void)
{
	int checked = 0, bad = 0;
	for (uint32_t cp = 0x30A1; cp <= 0x30FC; cp++) {
		struct buf in;
		buf_init(&in, a, 8);
		utf8_encode(&in, cp);
		const char *h = half(in.data, KANA_KANA);
		if (strcmp(h, in.data) == 0)
			continue;  /* no halfwidth form */
		const char *back = full(h, KANA_KANA);
		checked++;
		if (strcmp(back, in.data) != 0) {
			bad++;
			fprintf(stderr, "U+%04X: %s → %s → %s\n", (unsigned)cp, in.data, h, back);
		}
	}
	T_OK(checked >= 84 && bad == 0, "katakana round trip: %d checked, %d bad", checked, bad);
	/* and every halfwidth char (with and without marks) survives half → full → half */
	checked = bad = 0;
	for (uint32_t cp = 0xFF61; cp <= 0xFF9F; cp++) {
		for (int mark = 0; mark < 3; mark++) {
			struct buf in;
			buf_init(&in, a, 8);
			utf8_encode(&in, cp);
			if (mark)
				utf8_encode(&in, mark == 1 ? 0xFF9E : 0xFF9F);
			const char *back = half(full(in.data, KANA_KANA), KANA_KANA);
			checked++;
			if (strcmp(back, in.data) != 0) {
				bad++;
				fprintf(stderr, "%s → %s\n", in.data, back);
			}
		}
	}
	T_OK(checked == 189 && bad == 0, "halfwidth round trip: %d checked, %d bad", checked, bad);
	/* ASCII */
	char ascii[96];
	for (int i = 0; i < 95; i++)
		ascii[i] = (char)(0x20 + i);
	ascii[95] = '\0';
	T_STREQ(half(full(ascii, KANA_ALL), KANA_ALL), ascii);
}

static void
test_invalid(void)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ "\xff", 1 }, { "ab\xe3\x82", 4 }, { "\xc0\xaf", 2 }, { "\xed\xa0\x80", 3 },
		{ "ｶ\xef\xbe", 5 }, { "\xf4\x90\x80\x80", 4 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct buf b;
		buf_init(&b, a, 16);
		buf_puts(&b, "keep");
		T_INTEQ(kana_to_half(&b, bad[i].s, bad[i].n, KANA_ALL), -ERR_INVALID);
		T_STREQ(buf_cstr(&b), "keep");
		T_INTEQ(kana_to_full(&b, bad[i].s, bad[i].n, KANA_ALL), -ERR_INVALID);
		T_STREQ(buf_cstr(&b), "keep");
	}
	/* NUL is a valid code point and is copied */
	struct buf b;
	buf_init(&b, a, 16);
	T_INTEQ(kana_to_full(&b, "a\0b", 3, KANA_ALL), 0);
	T_OK(b.len == 7 && memcmp(b.data, "ａ\0ｂ", 7) == 0, "NUL kept");
}

int
main(void)
{
	a = arena_new(0);
	test_katakana();
	test_hiragana();
	test_ascii();
	test_mixed_and_flags();
	test_round_trip();
	test_invalid();
	arena_free(a);
	return t_done("convert-kana");
}
