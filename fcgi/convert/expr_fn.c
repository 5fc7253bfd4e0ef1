/* expr_fn.c: the function table with Japanese help, and the control functions if, case, coalesce, lookup. */
#include "expr_impl.h"

#include <string.h>

#include "core/err.h"

/* Sorted by name (expr_fn_help promises it; expr_fn_find relies on it). */
static const struct expr_fn_def fns[] = {
	{ { "address_part", 2, 2, "address_part(住所, n)",
	    "住所を分けて n 番目を返します。1 = 都道府県（47都道府県名で始まるときだけ）、"
	    "2 = 市区町村（最初の市・区・町・村まで。○○郡△△町は町村まで、政令指定都市は区まで。"
	    "四日市市・十日町市などは名前で判定）、3 = 残り（町名・番地・建物）。" },
	    expr_fn_text_address_part, NULL, false, NULL },
	{ { "case", 3, -1, "case(値, 候補1, 結果1, 候補2, 結果2, …, [既定値])",
	    "値が候補と等しい（= と同じ比較）最初の組の結果を返します。どれとも等しくなければ"
	    "最後の既定値（省略時は空）を返します。" },
	    expr_fn_case, NULL, true, NULL },
	{ { "coalesce", 1, -1, "coalesce(値1, 値2, …)",
	    "空（NULL または \"\"）でない最初の値を返します。すべて空なら空です。" },
	    expr_fn_coalesce, NULL, true, NULL },
	{ { "date", 2, 2, "date(日時, \"書式\")",
	    "日時を日本時間（JST）で書式どおりの文字にします。書式: yyyy yy MM M dd d HH H mm ss SSS "
	    "E（曜日）、'…' の中はそのまま。日時は now() や日時の項目、または \"2026-11-26\"・"
	    "\"2026-11-26 00:00:00\"（UTC）・ISO 8601 の文字。空なら空を返します。" },
	    expr_fn_date_date, expr_fn_date_prep_date, false, NULL },
	{ { "han2zen", 1, -1, "han2zen(文字列, [\"kana|alnum|symbol\"…])",
	    "半角を全角にします（ｶﾞ→ガ、A→Ａ、空白→全角空白）。種類を省略するとすべて。"
	    "種類は kana（カナ）・alnum（英数）・symbol（記号）を | で区切るか、引数を分けて指定します。" },
	    expr_fn_text_han2zen, expr_fn_text_prep_kana, false, NULL },
	{ { "if", 2, 3, "if(条件, 真のとき, [偽のとき])",
	    "条件が真なら2番目、そうでなければ3番目（省略時は空）を返します。使われない側は計算しません。" },
	    expr_fn_if, NULL, true, NULL },
	{ { "left", 2, 2, "left(文字列, 文字数)", "先頭から指定の文字数を返します。" },
	    expr_fn_text_left, NULL, false, NULL },
	{ { "len", 1, 1, "len(文字列)", "文字数を返します（バイト数ではありません）。" },
	    expr_fn_text_len, NULL, false, NULL },
	{ { "lookup", 2, 3, "lookup(\"コード表\", キー, [既定値])",
	    "コード表でキーに対応する値を返します。キーがなく既定値もないときはエラーです。" },
	    expr_fn_lookup, NULL, false, NULL },
	{ { "lower", 1, 1, "lower(文字列)", "英字を小文字にします（全角英字も）。" },
	    expr_fn_text_lower, NULL, false, NULL },
	{ { "now", 0, 0, "now()", "この実行の現在日時を返します（date() で書式を付けます）。" },
	    expr_fn_date_now, NULL, false, NULL },
	{ { "number", 2, 3, "number(数値, 小数桁数, [\",\"])",
	    "数値を小数桁数（0〜18）にそろえた文字にします（四捨五入）。3番目に \",\" を渡すと"
	    "3桁ごとに区切ります。空なら空です。" },
	    expr_fn_num_number, expr_fn_num_prep_number, false, NULL },
	{ { "replace", 3, 3, "replace(文字列, 探す文字列, 置き換える文字列)",
	    "見つかったすべての箇所を置き換えます。" },
	    expr_fn_text_replace, NULL, false, NULL },
	{ { "right", 2, 2, "right(文字列, 文字数)", "末尾から指定の文字数を返します。" },
	    expr_fn_text_right, NULL, false, NULL },
	{ { "round", 3, 3, "round(数値, 桁数, \"丸め方\")",
	    "桁数（-18〜18、負なら十の位など）に丸めます。丸め方は必須: half_up（四捨五入）、"
	    "half_even（銀行丸め）、down（切り捨て）、up（切り上げ）、floor、ceiling。"
	    "round(a / b, 0, \"down\") は割り算を一度で正確に丸めます。" },
	    expr_fn_num_round, expr_fn_num_prep_round, true,
	    "。丸め方は省略できません（例: round(x, 0, \"half_up\")）" },
	{ { "split", 3, 3, "split(文字列, 区切り, n)",
	    "区切りで分けた n 番目（1から）を返します。なければ空です。" },
	    expr_fn_text_split, expr_fn_text_prep_split, false, NULL },
	{ { "substr", 2, 3, "substr(文字列, 開始位置, [文字数])",
	    "開始位置（1から数える文字位置）から指定の文字数（省略時は最後まで）を返します。" },
	    expr_fn_text_substr, NULL, false, NULL },
	{ { "trim", 1, 1, "trim(文字列)", "前後の空白（全角空白・タブ・改行も）を取り除きます。" },
	    expr_fn_text_trim, NULL, false, NULL },
	{ { "upper", 1, 1, "upper(文字列)", "英字を大文字にします（全角英字も）。" },
	    expr_fn_text_upper, NULL, false, NULL },
	{ { "zen2han", 1, -1, "zen2han(文字列, [\"kana|alnum|symbol\"…])",
	    "全角を半角にします（ガ→ｶﾞ、ひらがな→半角カナ、Ａ→A、全角空白→空白）。種類を省略すると"
	    "すべて。種類は kana（カナ）・alnum（英数）・symbol（記号）。" },
	    expr_fn_text_zen2han, expr_fn_text_prep_kana, false, NULL },
	{ { "zeropad", 2, 2, "zeropad(値, 桁数)",
	    "左に 0 を足して指定の文字数（0〜1000）にします（-42 を 5 桁 → -0042）。"
	    "長いときはそのまま、空なら空です。" },
	    expr_fn_num_zeropad, NULL, false, NULL },
};

#define NFNS (sizeof fns / sizeof *fns)

const struct expr_fn_info *
expr_fn_help(size_t i)
{
	return i < NFNS ? &fns[i].info : NULL;
}

const struct expr_fn_def *
expr_fn_find(const char *s, size_t n)
{
	char low[16];
	if (n == 0 || n >= sizeof low)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	low[n] = '\0';
	size_t lo = 0, hi = NFNS;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(low, fns[mid].info.name);
		if (c == 0)
			return &fns[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void
expr_fn_text(struct expr_ev *ev, const struct expr_value *v, const char **s, size_t *len)
{
	expr_value_text(v, ev->a, s, len);
}

int
expr_fn_set_text(struct expr_ev *ev, const struct expr_node *n, const char *s, size_t len,
    struct expr_value *out)
{
	int rc = expr_eval_produce(ev, n, len);
	if (rc != 0)
		return rc;
	out->type = EXPR_TEXT;
	out->s = s;
	out->len = len;
	return 0;
}

int
expr_fn_if(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)args;
	struct expr_value c;
	bool t;
	int rc = expr_eval_node(ev, n->args[0], &c);
	if (rc != 0 || (rc = expr_eval_truth(ev, n, &c, &t)) != 0)
		return rc;
	if (t)
		return expr_eval_node(ev, n->args[1], out);
	if (n->nargs > 2)
		return expr_eval_node(ev, n->args[2], out);
	out->type = EXPR_NULL;
	return 0;
}

int
expr_fn_case(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)args;
	struct expr_value x, v;
	int rc = expr_eval_node(ev, n->args[0], &x);
	if (rc != 0)
		return rc;
	uint32_t i = 1;
	for (; i + 1 < n->nargs; i += 2) {
		int c;
		if ((rc = expr_eval_node(ev, n->args[i], &v)) != 0)
			return rc;
		expr_eval_cmp(&x, &v, ev->a, &c);
		if (c == 0)
			return expr_eval_node(ev, n->args[i + 1], out);
	}
	if (i < n->nargs)
		return expr_eval_node(ev, n->args[i], out);  /* the default */
	out->type = EXPR_NULL;
	return 0;
}

int
expr_fn_coalesce(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)args;
	for (uint32_t i = 0; i < n->nargs; i++) {
		int rc = expr_eval_node(ev, n->args[i], out);
		if (rc != 0)
			return rc;
		if (out->type != EXPR_NULL && !(out->type == EXPR_TEXT && out->len == 0))
			return 0;
	}
	out->type = EXPR_NULL;
	return 0;
}

int
expr_fn_lookup(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	const char *t, *k, *val;
	size_t tl, kl, vl;
	char st[128], sk[128];
	expr_fn_text(ev, &args[0], &t, &tl);
	expr_fn_text(ev, &args[1], &k, &kl);
	if (tl == 0)
		return expr_eval_fail(ev, n, -ERR_INVALID, "lookup のコード表名が空です");
	if (ev->env->lookup == NULL)
		return expr_eval_fail(ev, n, -ERR_INVALID, "コード表「%s」を使えません（コード表がありません）",
		    expr_lex_snippet(st, sizeof st, t, tl));
	int rc = ev->env->lookup(ev->env->ctx, t, tl, k, kl, ev->a, &val, &vl);
	if (rc == 0) {
		out->type = EXPR_TEXT;
		out->s = val;
		out->len = vl;
		return 0;
	}
	if (rc == -ERR_NOT_FOUND && n->nargs == 3) {
		*out = args[2];
		return 0;
	}
	if (rc == -ERR_NOT_FOUND)
		return expr_eval_fail(ev, n, -ERR_NOT_FOUND, "コード表「%s」にキー「%s」がありません",
		    expr_lex_snippet(st, sizeof st, t, tl), expr_lex_snippet(sk, sizeof sk, k, kl));
	if (rc == -ERR_INVALID)
		return expr_eval_fail(ev, n, -ERR_INVALID, "コード表「%s」はありません",
		    expr_lex_snippet(st, sizeof st, t, tl));
	return expr_eval_fail(ev, n, rc < 0 ? rc : -ERR_INVALID, "コード表「%s」を読めませんでした（%s）",
	    expr_lex_snippet(st, sizeof st, t, tl), err_name(rc));
}
