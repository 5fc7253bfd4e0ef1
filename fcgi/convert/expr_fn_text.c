/* expr_fn_text.c: text functions of the expression language (substr … split, zen2han/han2zen, address_part). */
#include "expr_impl.h"

#include <string.h>

#include "convert/kana.h"
#include "core/err.h"
#include "core/jp_pref.h"
#include "core/utf8.h"

static size_t char_len(const char *s, size_t n);
static size_t skip_chars(const char *s, size_t n, size_t k);
static bool is_space_at(const char *s, size_t n, size_t *len);
static int slice(struct expr_value *out, const char *s, size_t n);
static int case_map(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    bool upper, struct expr_value *out);
static int kana(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    bool to_half, struct expr_value *out);
static size_t match_list(const char *s, size_t n, const char *const *list, size_t count);
static size_t upto(const char *s, size_t n, const char *marks, size_t maxchars);
static size_t town_len(const char *s, size_t n);
static size_t muni_len(const char *s, size_t n);
static size_t skip_space(const char *s, size_t n);

/* char_len: bytes of the character at s (an ill-formed run counts as one). */
static size_t
char_len(const char *s, size_t n)
{
	if ((unsigned char)s[0] < 0x80)
		return 1;
	uint32_t cp;
	size_t l;
	(void)utf8_decode_one(s, n, &cp, &l);
	return l;
}

/* skip_chars: byte offset after k characters of s[0..n) (n when fewer). */
static size_t
skip_chars(const char *s, size_t n, size_t k)
{
	size_t i = 0;
	while (k > 0 && i < n) {
		i += char_len(s + i, n - i);
		k--;
	}
	return i;
}

static int
slice(struct expr_value *out, const char *s, size_t n)
{
	out->type = EXPR_TEXT;
	out->s = s;
	out->len = n;
	return 0;
}

int
expr_fn_text_substr(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *s;
	size_t len;
	int64_t start, count = INT32_MAX;
	int rc = expr_eval_int(ev, n, &args[1], "開始位置", 1, INT32_MAX, &start);
	if (rc != 0 || (n->nargs > 2 &&
	    (rc = expr_eval_int(ev, n, &args[2], "文字数", 0, INT32_MAX, &count)) != 0))
		return rc;
	expr_fn_text(ev, &args[0], &s, &len);
	size_t b = skip_chars(s, len, (size_t)start - 1);
	size_t e = b + skip_chars(s + b, len - b, (size_t)count);
	return slice(out, s + b, e - b);
}

int
expr_fn_text_left(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *s;
	size_t len;
	int64_t k;
	int rc = expr_eval_int(ev, n, &args[1], "文字数", 0, INT32_MAX, &k);
	if (rc != 0)
		return rc;
	expr_fn_text(ev, &args[0], &s, &len);
	return slice(out, s, skip_chars(s, len, (size_t)k));
}

int
expr_fn_text_right(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *s;
	size_t len;
	int64_t k;
	int rc = expr_eval_int(ev, n, &args[1], "文字数", 0, INT32_MAX, &k);
	if (rc != 0)
		return rc;
	expr_fn_text(ev, &args[0], &s, &len);
	size_t total = utf8_codepoints(s, len);
	size_t b = (size_t)k >= total ? 0 : skip_chars(s, len, total - (size_t)k);
	return slice(out, s + b, len - b);
}

int
expr_fn_text_len(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)n;
	const char *s;
	size_t len;
	expr_fn_text(ev, &args[0], &s, &len);
	out->type = EXPR_DEC;
	out->num = dec_from_int64((int64_t)utf8_codepoints(s, len));
	return 0;
}

int
expr_fn_text_replace(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *s, *f, *t;
	size_t sl, fl, tl;
	expr_fn_text(ev, &args[0], &s, &sl);
	expr_fn_text(ev, &args[1], &f, &fl);
	expr_fn_text(ev, &args[2], &t, &tl);
	if (fl == 0 || fl > sl)
		return slice(out, s, sl);
	size_t hits = 0;
	for (const char *p = s; (p = memmem(p, sl - (size_t)(p - s), f, fl)) != NULL; p += fl)
		hits++;
	if (hits == 0)
		return slice(out, s, sl);
	/* the exact size, checked before allocating */
	size_t grow, total;
	if (__builtin_mul_overflow(hits, tl, &grow) ||
	    __builtin_add_overflow(sl - hits * fl, grow, &total))
		total = SIZE_MAX;
	int rc = expr_eval_produce(ev, n, total);
	if (rc != 0)
		return rc;
	char *o = arena_alloc(ev->a, total + 1);
	size_t w = 0;
	const char *p = s, *q;
	while ((q = memmem(p, sl - (size_t)(p - s), f, fl)) != NULL) {
		memcpy(o + w, p, (size_t)(q - p));
		w += (size_t)(q - p);
		memcpy(o + w, t, tl);
		w += tl;
		p = q + fl;
	}
	memcpy(o + w, p, sl - (size_t)(p - s));
	w += sl - (size_t)(p - s);
	o[w] = '\0';
	return slice(out, o, w);
}

/* is_space_at: an ASCII space, tab, CR, LF or U+3000 starts s; *len its bytes. */
static bool
is_space_at(const char *s, size_t n, size_t *len)
{
	if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
		*len = 1;
		return true;
	}
	if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
		*len = 3;
		return true;
	}
	return false;
}

static size_t
skip_space(const char *s, size_t n)
{
	size_t i = 0, l;
	while (is_space_at(s + i, n - i, &l))
		i += l;
	return i;
}

int
expr_fn_text_trim(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)n;
	const char *s;
	size_t len;
	expr_fn_text(ev, &args[0], &s, &len);
	size_t b = skip_space(s, len), e = len;
	for (;;) {
		if (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
			e--;
		else if (e >= b + 3 && memcmp(s + e - 3, "\xE3\x80\x80", 3) == 0)
			e -= 3;
		else
			break;
	}
	return slice(out, s + b, e - b);
}

static int
case_map(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args, bool upper,
    struct expr_value *out)
{
	const char *s;
	size_t len;
	expr_fn_text(ev, &args[0], &s, &len);
	int rc = expr_eval_produce(ev, n, len);
	if (rc != 0)
		return rc;
	char *o = arena_memdup(ev->a, s, len);
	unsigned char lo = upper ? 'a' : 'A';
	/* full-width: ａ U+FF41 = EF BD 81, Ａ U+FF21 = EF BC A1 */
	unsigned char flo = upper ? 0x81 : 0xA1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)o[i];
		if (c >= lo && c < lo + 26) {
			o[i] = (char)(upper ? c - 32 : c + 32);
		} else if (c == 0xEF && i + 2 < len) {
			unsigned char b1 = (unsigned char)o[i + 1], b2 = (unsigned char)o[i + 2];
			if (upper && b1 == 0xBD && b2 >= flo && b2 < flo + 26) {
				/* ａ U+FF41..FF5A → Ａ U+FF21..FF3A */
				uint32_t cp = 0xFF21u + (b2 - 0x81u);
				o[i + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
				o[i + 2] = (char)(0x80 | (cp & 0x3F));
				i += 2;
			} else if (!upper && b1 == 0xBC && b2 >= flo && b2 < flo + 26) {
				uint32_t cp = 0xFF41u + (b2 - 0xA1u);
				o[i + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
				o[i + 2] = (char)(0x80 | (cp & 0x3F));
				i += 2;
			}
		}
	}
	return slice(out, o, len);
}

int
expr_fn_text_upper(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	return case_map(ev, n, args, true, out);
}

int
expr_fn_text_lower(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	return case_map(ev, n, args, false, out);
}

int
expr_fn_text_prep_kana(struct expr_node *n, struct arena *a, struct expr_error *err)
{
	(void)a;
	unsigned flags = 0;
	for (uint32_t i = 1; i < n->nargs; i++) {
		const struct expr_node *x = n->args[i];
		if (x->kind != N_LIT)
			return 0;  /* decided at run time */
		if (x->lit.type != EXPR_TEXT || kana_flags_parse(x->lit.s, x->lit.len, &flags) != 0) {
			char snip[128];
			const char *s = x->lit.type == EXPR_TEXT ? x->lit.s : "";
			size_t l = x->lit.type == EXPR_TEXT ? x->lit.len : 0;
			return expr_lex_fail(err, -ERR_INVALID, x->col, NULL,
			    "%s の種類「%s」はありません（kana・alnum・symbol、カナ・英数・記号）",
			    n->fn->info.name, expr_lex_snippet(snip, sizeof snip, s, l));
		}
	}
	n->aux = (int)(n->nargs > 1 ? flags : KANA_ALL);
	return 0;
}

static int
kana(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args, bool to_half,
    struct expr_value *out)
{
	unsigned flags = n->aux >= 0 ? (unsigned)n->aux : 0;
	const char *s;
	size_t len;
	char snip[128];
	if (n->aux < 0) {
		for (uint32_t i = 1; i < n->nargs; i++) {
			expr_fn_text(ev, &args[i], &s, &len);
			if (kana_flags_parse(s, len, &flags) != 0)
				return expr_eval_fail(ev, n, -ERR_INVALID,
				    "%s の種類「%s」はありません（kana・alnum・symbol）", n->fn->info.name,
				    expr_lex_snippet(snip, sizeof snip, s, len));
		}
	}
	expr_fn_text(ev, &args[0], &s, &len);
	if (len > EXPR_MAX_TEXT)
		return expr_eval_produce(ev, n, len);
	struct buf b;
	buf_init(&b, ev->a, to_half ? len + len / 2 + 1 : 3 * len + 1);
	int rc = to_half ? kana_to_half(&b, s, len, flags) : kana_to_full(&b, s, len, flags);
	if (rc != 0)
		return expr_eval_fail(ev, n, rc,
		    "文字コードが正しくありません（UTF-8ではないバイトがあります）");
	return expr_fn_set_text(ev, n, b.data, b.len, out);
}

int
expr_fn_text_zen2han(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	return kana(ev, n, args, true, out);
}

int
expr_fn_text_han2zen(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	return kana(ev, n, args, false, out);
}

int
expr_fn_text_prep_split(struct expr_node *n, struct arena *a, struct expr_error *err)
{
	(void)a;
	const struct expr_node *sep = n->args[1];
	if (sep->kind == N_LIT && (sep->lit.type == EXPR_NULL || (sep->lit.type == EXPR_TEXT && sep->lit.len == 0)))
		return expr_lex_fail(err, -ERR_INVALID, sep->col, NULL, "split の区切りが空です");
	return 0;
}

int
expr_fn_text_split(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *s, *sep;
	size_t sl, pl;
	int64_t k;
	int rc = expr_eval_int(ev, n, &args[2], "番号", 1, INT32_MAX, &k);
	if (rc != 0)
		return rc;
	expr_fn_text(ev, &args[0], &s, &sl);
	expr_fn_text(ev, &args[1], &sep, &pl);
	if (pl == 0)
		return expr_eval_fail(ev, n, -ERR_INVALID, "split の区切りが空です");
	const char *p = s, *end = s + sl;
	for (int64_t i = 1; i < k; i++) {
		const char *q = memmem(p, (size_t)(end - p), sep, pl);
		if (q == NULL)
			return slice(out, end, 0);
		p = q + pl;
	}
	const char *q = memmem(p, (size_t)(end - p), sep, pl);
	return slice(out, p, (size_t)((q != NULL ? q : end) - p));
}

/* ---- address_part ---- */

/* municipalities whose name holds 市/区/町/村/郡 before its last character */
static const char *const muni_exceptions[] = {
	"四日市市", "廿日市市", "野々市市", "十日町市", "大町市", "東村山市", "武蔵村山市", "羽村市",
	"田村市", "大村市", "大和郡山市", "小郡市", "蒲郡市", "上市町", "余市町", "大町町", "玉村町",
};

/* districts (郡) whose name holds 市/町/村 */
static const char *const gun_exceptions[] = {
	"余市郡", "西村山郡", "北村山郡", "東村山郡", "田村郡", "高市郡",
};

/* the 20 designated cities (政令指定都市): their ward belongs to part 2 */
static const char *const designated[] = {
	"札幌市", "仙台市", "さいたま市", "千葉市", "横浜市", "川崎市", "相模原市", "新潟市",
	"静岡市", "浜松市", "名古屋市", "京都市", "大阪市", "堺市", "神戸市", "岡山市", "広島市",
	"北九州市", "福岡市", "熊本市",
};

/* match_list: the length of the entry of list that s starts with, or 0. */
static size_t
match_list(const char *s, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		size_t l = strlen(list[i]);
		if (l <= n && memcmp(s, list[i], l) == 0)
			return l;
	}
	return 0;
}

/* upto: the byte length through the first character of marks (3-byte
 * characters, concatenated) found at character index >= 1 among the first
 * maxchars characters; 0 when there is none. */
static size_t
upto(const char *s, size_t n, const char *marks, size_t maxchars)
{
	size_t i = 0, nm = strlen(marks);
	for (size_t chars = 0; i < n && chars < maxchars; chars++) {
		size_t l = char_len(s + i, n - i);
		if (chars >= 1 && l == 3)
			for (size_t m = 0; m + 3 <= nm; m += 3)
				if (memcmp(s + i, marks + m, 3) == 0)
					return i + 3;
		i += l;
	}
	return 0;
}

static size_t
town_len(const char *s, size_t n)
{
	size_t k = match_list(s, n, muni_exceptions, sizeof muni_exceptions / sizeof *muni_exceptions);
	return k != 0 ? k : upto(s, n, "町村", 12);
}

/* muni_len: bytes of the municipality (part 2) at the start of s. */
static size_t
muni_len(const char *s, size_t n)
{
	size_t k = match_list(s, n, gun_exceptions, sizeof gun_exceptions / sizeof *gun_exceptions);
	if (k != 0)
		return k + town_len(s + k, n - k);
	k = match_list(s, n, muni_exceptions, sizeof muni_exceptions / sizeof *muni_exceptions);
	if (k != 0)
		return k;
	size_t end = upto(s, n, "市区町村郡", 12);
	if (end == 0)
		return 0;
	if (memcmp(s + end - 3, "郡", 3) == 0)
		return end + town_len(s + end, n - end);
	if (memcmp(s + end - 3, "市", 3) == 0) {
		for (size_t i = 0; i < sizeof designated / sizeof *designated; i++)
			if (strlen(designated[i]) == end && memcmp(s, designated[i], end) == 0)
				return end + upto(s + end, n - end, "区", 6);
	}
	return end;
}

int
expr_fn_text_address_part(struct expr_ev *ev, const struct expr_node *n,
    const struct expr_value *args, struct expr_value *out)
{
	const char *s;
	size_t len;
	int64_t k;
	int rc = expr_eval_int(ev, n, &args[1], "番号", 1, 3, &k);
	if (rc != 0)
		return rc;
	expr_fn_text(ev, &args[0], &s, &len);
	size_t i = skip_space(s, len);
	size_t pl = 0;
	for (int code = 1; code <= JP_PREF_COUNT && pl == 0; code++) {
		const char *pref = jp_pref_name(code);
		pl = match_list(s + i, len - i, &pref, 1);
	}
	if (k == 1)
		return slice(out, s + i, pl);
	i += pl;
	i += skip_space(s + i, len - i);
	size_t ml = muni_len(s + i, len - i);
	if (k == 2)
		return slice(out, s + i, ml);
	i += ml;
	i += skip_space(s + i, len - i);
	return slice(out, s + i, len - i);
}
