/* expr_lex.c: tokenizer of the expression language, and its error helpers. */
#include "expr_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

static void skip_space(struct expr_lexer *lx);
static void advance(struct expr_lexer *lx, size_t bytes);
static bool ident_start(char c);
static bool ident_char(char c);
static void cut_utf8(char *s, size_t *len);

/* cut_utf8: drop an incomplete sequence at the end of s[0..*len). */
static void
cut_utf8(char *s, size_t *len)
{
	size_t n = *len, k = 0;
	while (k < n && k < 4 && ((unsigned char)s[n - 1 - k] & 0xC0) == 0x80)
		k++;
	if (k < n && ((unsigned char)s[n - 1 - k] & 0x80)) {
		unsigned char lead = (unsigned char)s[n - 1 - k];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (k + 1 < need)
			n -= k + 1;
	}
	s[n] = '\0';
	*len = n;
}

int
expr_lex_vfail(struct expr_error *err, int code, size_t col, const char *where,
    const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->column = col;
	size_t wl = where != NULL ? strlen(where) : 0;
	if (wl >= sizeof err->where)
		wl = sizeof err->where - 1;
	memcpy(err->where, where != NULL ? where : "", wl);
	err->where[wl] = '\0';
	int r = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	size_t len = r < 0 ? 0 : (size_t)r >= sizeof err->msg ? sizeof err->msg - 1 : (size_t)r;
	cut_utf8(err->msg, &len);
	return code;
}

int
expr_lex_fail(struct expr_error *err, int code, size_t col, const char *where,
    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = expr_lex_vfail(err, code, col, where, fmt, ap);
	va_end(ap);
	return rc;
}

char *
expr_lex_snippet(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0, i = 0, chars = 0;
	if (cap == 0)
		return dst;
	while (i < n) {
		uint32_t cp;
		size_t len;
		bool ok = utf8_decode_one(s + i, n - i, &cp, &len) == 0;
		const char *piece = s + i;
		size_t plen = len;
		if (!ok) {
			piece = UTF8_REPLACEMENT;
			plen = 3;
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			piece = "?";
			plen = 1;
		}
		if (chars == 24) {
			piece = "…";
			plen = strlen(piece);
		}
		if (o + plen + 1 > cap)
			break;
		memcpy(dst + o, piece, plen);
		o += plen;
		if (chars++ == 24)
			break;
		i += len;
	}
	dst[o] = '\0';
	return dst;
}

/* advance: move over bytes that hold whole characters. */
static void
advance(struct expr_lexer *lx, size_t bytes)
{
	for (size_t k = 0; k < bytes; k++)
		if (((unsigned char)lx->src[lx->pos + k] & 0xC0) != 0x80)
			lx->col++;
	lx->pos += bytes;
}

static void
skip_space(struct expr_lexer *lx)
{
	for (;;) {
		const char *p = lx->src + lx->pos;
		size_t left = lx->len - lx->pos;
		if (left > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			advance(lx, 1);
		else if (left >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0)
			advance(lx, 3);  /* U+3000 ideographic space */
		else
			return;
	}
}

static bool
ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

int
expr_lex_init(struct expr_lexer *lx, const char *src, size_t len, struct expr_error *err)
{
	memset(lx, 0, sizeof *lx);
	lx->src = src;
	lx->len = len;
	lx->col = 1;
	lx->err = err;
	if (len > EXPR_MAX_SOURCE)
		return expr_lex_fail(err, -ERR_TOO_LARGE, 1, NULL,
		    "式が長すぎます（%zuバイト、最大%uバイト）", len, (unsigned)EXPR_MAX_SOURCE);
	size_t i = 0, col = 1;
	while (i < len) {
		uint32_t cp;
		size_t cl;
		if (utf8_decode_one(src + i, len - i, &cp, &cl) != 0)
			return expr_lex_fail(err, -ERR_INVALID, col, NULL,
			    "式の文字コードが正しくありません（UTF-8ではないバイトがあります）");
		if (cp == 0)
			return expr_lex_fail(err, -ERR_INVALID, col, NULL, "式にNUL文字（U+0000）があります");
		i += cl;
		col++;
	}
	return expr_lex_next(lx);
}

int
expr_lex_next(struct expr_lexer *lx)
{
	skip_space(lx);
	struct expr_tok *t = &lx->tok;
	const char *p = lx->src + lx->pos;
	size_t left = lx->len - lx->pos;
	t->p = p;
	t->n = 0;
	t->col = lx->col;
	t->escaped = false;
	if (left == 0) {
		t->kind = TOK_EOF;
		return 0;
	}
	char c = p[0];
	size_t n = 1;
	if (c >= '0' && c <= '9') {
		while (n < left && p[n] >= '0' && p[n] <= '9')
			n++;
		if (n + 1 < left && p[n] == '.' && p[n + 1] >= '0' && p[n + 1] <= '9') {
			n++;
			while (n < left && p[n] >= '0' && p[n] <= '9')
				n++;
		}
		if (n < left && (ident_char(p[n]) || p[n] == '.'))
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
			    "数値の書き方が正しくありません（12 や 0.08 のように書きます）");
		t->kind = TOK_NUM;
	} else if (c == '.' && left > 1 && p[1] >= '0' && p[1] <= '9') {
		return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
		    "小数は 0.5 のように整数部分から書いてください");
	} else if (c == '"') {
		for (;;) {
			if (n >= left)
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "文字列の \" が閉じていません");
			if (p[n] == '"') {
				if (n + 1 < left && p[n + 1] == '"') {
					t->escaped = true;
					n += 2;
					continue;
				}
				break;
			}
			n++;
		}
		t->kind = TOK_STR;
		t->p = p + 1;
		t->n = n - 1;
		advance(lx, n + 1);
		return 0;
	} else if (ident_start(c)) {
		while (n < left && ident_char(p[n]))
			n++;
		t->kind = TOK_IDENT;
	} else if (c == '[') {
		while (n < left && p[n] != ']' && p[n] != '[' && p[n] != '\n')
			n++;
		if (n >= left || p[n] != ']')
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL, "[ が ] で閉じていません");
		if (n == 1)
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
			    "[ ] の中に項目名がありません");
		t->kind = TOK_LABEL;
		t->p = p + 1;
		t->n = n - 1;
		advance(lx, n + 1);
		return 0;
	} else {
		switch (c) {
		case '(': t->kind = TOK_LP; break;
		case ')': t->kind = TOK_RP; break;
		case ',': t->kind = TOK_COMMA; break;
		case '+': t->kind = TOK_PLUS; break;
		case '-': t->kind = TOK_MINUS; break;
		case '*': t->kind = TOK_STAR; break;
		case '/': t->kind = TOK_SLASH; break;
		case '&': t->kind = TOK_AMP; break;
		case '=':
			if (left > 1 && p[1] == '=')
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "「==」は使えません。等しいかどうかは「=」で書きます");
			t->kind = TOK_EQ;
			break;
		case '<':
			if (left > 1 && p[1] == '=') {
				t->kind = TOK_LE;
				n = 2;
			} else if (left > 1 && p[1] == '>') {
				t->kind = TOK_NE;
				n = 2;
			} else {
				t->kind = TOK_LT;
			}
			break;
		case '>':
			if (left > 1 && p[1] == '=') {
				t->kind = TOK_GE;
				n = 2;
			} else {
				t->kind = TOK_GT;
			}
			break;
		case '!':
			if (left > 1 && p[1] == '=')
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "「!=」は使えません。等しくないことは「<>」で書きます");
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
			    "使えない文字「!」があります（否定は NOT で書きます）");
		case '\'':
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
			    "文字列は \"…\"（ダブルクォート）で囲んでください");
		default: {
			uint32_t cp;
			size_t cl;
			(void)utf8_decode_one(p, left, &cp, &cl);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				char half = (char)(cp - 0xFEE0);
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "全角の「%.*s」は使えません。半角の「%c」で入力してください",
				    (int)cl, p, half);
			}
			if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "使えない制御文字（U+%04X）があります", (unsigned)cp);
			if (cp >= 0x80)
				return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
				    "使えない文字「%.*s」があります（項目は [単価] のように [ ] で囲み、"
				    "文字列は \"…\" で囲みます）", (int)cl, p);
			return expr_lex_fail(lx->err, -ERR_INVALID, t->col, NULL,
			    "使えない文字「%c」があります", c);
		}
		}
	}
	t->n = n;
	advance(lx, n);
	return 0;
}
