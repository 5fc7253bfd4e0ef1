/* conv_def.c: a template's definition — read from its JSON form, validated with Japanese messages, compiled. */
#include "conv_def.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "convert/jstfmt.h"
#include "core/err.h"
#include "core/utf8.h"

#define HEADER_MAX_CHARS 100
#define FIXED_MAX_CHARS 1000
#define DEFAULT_FILE_NAME "orders_{yyyyMMdd_HHmmss}.csv"

static int fail(struct conv_def_error *err, int code, size_t column, const char *part, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* fail: fill err (may be NULL) with a message cut at a character boundary; returns code. */
static int
fail(struct conv_def_error *err, int code, size_t column, const char *part, const char *fmt, ...)
{
	if (err == NULL)
		return code;
	err->column = column;
	snprintf(err->part, sizeof err->part, "%s", part);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof err->msg ? sizeof err->msg - 1 : (size_t)n;
	while (len > 0 && !utf8_valid(err->msg, len))
		len--;   /* drop a character cut in half */
	err->msg[len] = '\0';
	return code;
}

/* snippet: s made safe to quote (at most 30 characters, control characters as '?') into dst. */
static const char *
snippet(char *dst, size_t cap, const char *s)
{
	size_t o = 0, chars = 0;
	for (size_t i = 0; s != NULL && s[i] != '\0' && o + 8 < cap;) {
		uint32_t cp;
		size_t len;
		if (chars++ == 30) {
			memcpy(dst + o, "…", 3);
			o += 3;
			break;
		}
		if (utf8_decode_one(s + i, strlen(s + i), &cp, &len) != 0 || cp < 0x20 || cp == 0x7f) {
			dst[o++] = '?';
		} else {
			memcpy(dst + o, s + i, len);
			o += len;
		}
		i += len ? len : 1;
	}
	dst[o] = '\0';
	return dst;
}

/* ---- JSON reading ------------------------------------------------------------------- */

struct rd {
	struct arena *a;
	struct conv_def_error *err;
};

/* A string member (missing: def, or an error when def is NULL). */
static int
rd_str(struct rd *r, struct json_object *o, const char *key, const char *def, size_t column,
    const char *where, const char **out)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v)) {
		if (def == NULL)
			return fail(r->err, -ERR_INVALID, column, key, "%s「%s」がありません", where, key);
		*out = def;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return fail(r->err, -ERR_INVALID, column, key, "%s「%s」は文字列で指定してください", where, key);
	size_t n = (size_t)json_object_get_string_len(v);
	const char *s = json_object_get_string(v);
	if (memchr(s, '\0', n) != NULL)
		return fail(r->err, -ERR_INVALID, column, key, "%s「%s」に NUL 文字は使えません", where, key);
	*out = arena_memdup(r->a, s, n);
	return 0;
}

static int
rd_bool(struct rd *r, struct json_object *o, const char *key, bool def, const char *where, bool *out)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v)) {
		*out = def;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return fail(r->err, -ERR_INVALID, 0, key, "%s「%s」は true か false で指定してください", where, key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* Every key of o must be one of names[0..n). */
static int
rd_keys(struct rd *r, struct json_object *o, const char *const *names, size_t n, size_t column,
    const char *where)
{
	json_object_object_foreach(o, key, val) {
		(void)val;
		size_t i = 0;
		while (i < n && strcmp(key, names[i]) != 0)
			i++;
		if (i == n) {
			char s[128];
			return fail(r->err, -ERR_INVALID, column, "", "%s不明なキー「%s」があります", where,
			    snippet(s, sizeof s, key));
		}
	}
	return 0;
}

static int
rd_columns(struct rd *r, struct json_object *root, struct conv_def *d)
{
	static const char *const keys[] = { "header", "source", "value" };
	static const char *const sources[] = { "field", "fixed", "expr" };
	struct json_object *arr;
	if (!json_object_object_get_ex(root, "columns", &arr))
		return fail(r->err, -ERR_INVALID, 0, "columns", "「columns」がありません");
	if (!json_object_is_type(arr, json_type_array))
		return fail(r->err, -ERR_INVALID, 0, "columns", "「columns」は配列で指定してください");
	size_t n = json_object_array_length(arr);
	if (n > CONV_MAX_COLUMNS)
		return fail(r->err, -ERR_TOO_LARGE, 0, "columns", "列が多すぎます（%zu列、最大%d列）", n,
		    CONV_MAX_COLUMNS);
	d->ncolumns = n;
	d->columns = arena_calloc(r->a, n ? n : 1, sizeof *d->columns);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(arr, i);
		char where[32];
		snprintf(where, sizeof where, "%zu列目: ", i + 1);
		if (!json_object_is_type(c, json_type_object))
			return fail(r->err, -ERR_INVALID, i + 1, "value", "%s列はオブジェクトで指定してください",
			    where);
		const char *src;
		int rc = rd_keys(r, c, keys, 3, i + 1, where);
		if (rc == 0)
			rc = rd_str(r, c, "header", NULL, i + 1, where, &d->columns[i].header);
		if (rc == 0)
			rc = rd_str(r, c, "source", NULL, i + 1, where, &src);
		if (rc == 0)
			rc = rd_str(r, c, "value", NULL, i + 1, where, &d->columns[i].value);
		if (rc != 0)
			return rc;
		size_t k = 0;
		while (k < 3 && strcmp(src, sources[k]) != 0)
			k++;
		if (k == 3)
			return fail(r->err, -ERR_INVALID, i + 1, "source",
			    "%s「source」は field・fixed・expr のどれかです", where);
		d->columns[i].source = (enum conv_source)(CONV_SRC_FIELD + (int)k);
	}
	return 0;
}

static int
rd_sort(struct rd *r, struct json_object *root, struct conv_def *d)
{
	static const char *const keys[] = { "value", "desc" };
	struct json_object *arr;
	d->nsort = 0;
	d->sort = arena_calloc(r->a, CONV_MAX_SORT, sizeof *d->sort);
	if (!json_object_object_get_ex(root, "sort", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return fail(r->err, -ERR_INVALID, 0, "sort", "「sort」は配列で指定してください");
	size_t n = json_object_array_length(arr);
	if (n > CONV_MAX_SORT)
		return fail(r->err, -ERR_TOO_LARGE, 0, "sort", "並べ替えは%d個までです（%zu個あります）",
		    CONV_MAX_SORT, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(arr, i);
		char where[32];
		snprintf(where, sizeof where, "並べ替え%zu: ", i + 1);
		if (!json_object_is_type(s, json_type_object))
			return fail(r->err, -ERR_INVALID, 0, "sort", "%sオブジェクトで指定してください", where);
		int rc = rd_keys(r, s, keys, 2, 0, where);
		if (rc == 0)
			rc = rd_str(r, s, "value", NULL, 0, where, &d->sort[i].value);
		if (rc == 0)
			rc = rd_bool(r, s, "desc", false, where, &d->sort[i].desc);
		if (rc != 0) {
			if (r->err != NULL)
				snprintf(r->err->part, sizeof r->err->part, "sort");
			return rc;
		}
	}
	d->nsort = n;
	return 0;
}

/* One of names[] (text) into *code = codes[i]. */
static int
rd_choice(struct rd *r, struct json_object *root, const char *key, const char *def,
    const char *const *names, const int *codes, size_t n, const char *help, int *code)
{
	const char *s;
	int rc = rd_str(r, root, key, def, 0, "", &s);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*code = codes[i];
			return 0;
		}
	char sn[128];
	return fail(r->err, -ERR_INVALID, 0, key, "「%s」の値「%s」は使えません（%s）", key,
	    snippet(sn, sizeof sn, s), help);
}

static int
rd_options(struct rd *r, struct json_object *root, struct conv_def *d)
{
	static const char *const encs[] = { "utf8", "utf8_bom", "cp932" };
	static const int enc_codes[] = { CSV_UTF8, CSV_UTF8_BOM, CSV_CP932 };
	static const char *const eols[] = { "crlf", "lf" };
	static const int eol_codes[] = { 0, 1 };
	static const char *const quotes[] = { "minimal", "all", "nonnumeric" };
	static const int quote_codes[] = { CSV_QUOTE_MINIMAL, CSV_QUOTE_ALL, CSV_QUOTE_NONNUMERIC };
	static const char *const pols[] = { "fail", "geta", "qmark", "drop" };
	static const int pol_codes[] = { CP932_FAIL, CP932_REPLACE_GETA, CP932_REPLACE_QMARK, CP932_DROP };
	int enc, eol, quote, pol;
	int rc = rd_str(r, root, "filter", "", 0, "", &d->filter);
	if (rc == 0)
		rc = rd_bool(r, root, "header_row", true, "", &d->header_row);
	if (rc == 0)
		rc = rd_choice(r, root, "encoding", "cp932", encs, enc_codes, 3, "utf8・utf8_bom・cp932", &enc);
	if (rc == 0)
		rc = rd_choice(r, root, "eol", "crlf", eols, eol_codes, 2, "crlf・lf", &eol);
	if (rc == 0)
		rc = rd_choice(r, root, "quote", "minimal", quotes, quote_codes, 3, "minimal・all・nonnumeric",
		    &quote);
	if (rc == 0)
		rc = rd_choice(r, root, "unencodable", "fail", pols, pol_codes, 4, "fail・geta・qmark・drop",
		    &pol);
	if (rc == 0)
		rc = rd_str(r, root, "file_name", DEFAULT_FILE_NAME, 0, "", &d->file_name);
	if (rc != 0)
		return rc;
	d->encoding = (enum csv_encoding)enc;
	d->eol = eol == 0 ? "\r\n" : "\n";
	d->quote = (enum csv_quote)quote;
	d->unencodable = (enum cp932_policy)pol;
	return 0;
}

int
conv_def_parse(struct arena *a, const char *json, size_t len, struct conv_def *out,
    struct conv_def_error *err)
{
	static const char *const keys[] = { "kind", "columns", "filter", "sort", "header_row", "encoding",
					     "eol", "quote", "unencodable", "file_name" };
	memset(out, 0, sizeof *out);
	if (err != NULL)
		memset(err, 0, sizeof *err);
	if (len > CONV_MAX_DEF_BYTES)
		return fail(err, -ERR_TOO_LARGE, 0, "", "定義が大きすぎます（%zuバイト、最大%uバイト）", len,
		    CONV_MAX_DEF_BYTES);
	if (json == NULL || !utf8_valid(json, len))
		return fail(err, -ERR_INVALID, 0, "", "定義が UTF-8 の JSON ではありません");
	struct json_tokener *tok = json_tokener_new_ex(16);
	if (tok == NULL)
		return fail(err, -ERR_NOMEM, 0, "", "定義を読めません（メモリ不足）");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *root = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (root != NULL && end < len && strchr(" \t\r\n", json[end]) != NULL && json[end] != '\0')
		end++;
	if (root == NULL || je != json_tokener_success || end != len) {
		json_object_put(root);
		const char *why = je == json_tokener_continue ? "途中で終わっています"
				  : je == json_tokener_error_depth ? "入れ子が深すぎます"
				  : root != NULL ? "後ろに余分な文字があります" : "書き方が正しくありません";
		return fail(err, -ERR_INVALID, 0, "", "定義の JSON が正しくありません（%zuバイト目付近: %s）", end + 1,
		    why);
	}
	struct rd r = { a, err };
	int rc;
	const char *kind;
	if (!json_object_is_type(root, json_type_object))
		rc = fail(err, -ERR_INVALID, 0, "", "定義は JSON のオブジェクトで指定してください");
	else if ((rc = rd_keys(&r, root, keys, sizeof keys / sizeof keys[0], 0, "")) == 0 &&
		 (rc = rd_str(&r, root, "kind", NULL, 0, "", &kind)) == 0) {
		if (conv_kind_parse(kind, &out->kind) != 0) {
			char s[128];
			rc = fail(err, -ERR_INVALID, 0, "kind",
			    "「kind」の値「%s」は使えません（order・order_line・product・stock・shipment）",
			    snippet(s, sizeof s, kind));
		}
	}
	if (rc == 0)
		rc = rd_columns(&r, root, out);
	if (rc == 0)
		rc = rd_sort(&r, root, out);
	if (rc == 0)
		rc = rd_options(&r, root, out);
	json_object_put(root);
	return rc != 0 ? rc : conv_def_validate(a, out, err);
}

/* ---- validation ---------------------------------------------------------------------- */

/* The first character of s[0..n) CP932 cannot encode: 0 and *cp, or -1. */
static int
first_unencodable(const char *s, size_t n, uint32_t *cp, char ch[5])
{
	for (size_t i = 0; i < n;) {
		size_t len;
		unsigned char b[2];
		size_t bl;
		if (utf8_decode_one(s + i, n - i, cp, &len) != 0 || cp932_encode(*cp, b, &bl) != 0) {
			size_t k = len < 5 ? len : 4;
			memcpy(ch, s + i, k);
			ch[k] = '\0';
			return 0;
		}
		i += len;
	}
	return -1;
}

/* Text checks shared by headers and fixed values. */
static int
check_text(struct conv_def_error *err, const struct conv_def *d, size_t col, const char *part,
    const char *what, const char *s, size_t max_chars, bool allow_controls)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return fail(err, -ERR_INVALID, col, part, "%zu列目: %sが UTF-8 ではありません", col, what);
	if (utf8_codepoints(s, n) > max_chars)
		return fail(err, -ERR_TOO_LARGE, col, part, "%zu列目: %sが長すぎます（最大%zu文字）", col, what,
		    max_chars);
	for (size_t i = 0; !allow_controls && i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(err, -ERR_INVALID, col, part,
			    "%zu列目: %sに改行などの制御文字は使えません", col, what);
	uint32_t cp;
	char ch[5];
	if (d->encoding == CSV_CP932 && first_unencodable(s, n, &cp, ch) == 0)
		return fail(err, -ERR_INVALID, col, part,
		    "%zu列目: %sの「%s」(U+%04X) は Shift_JIS (CP932) で表せません（文字コードを UTF-8 に"
		    "するか、別の文字にしてください）", col, what, ch, (unsigned)cp);
	return 0;
}

static int
check_column(struct arena *a, const struct conv_def *d, size_t i, const struct expr_catalog *cat,
    struct conv_def_error *err)
{
	struct conv_column *c = &d->columns[i];
	size_t col = i + 1;
	char hs[128], vs[128];
	if (c->header == NULL || c->header[0] == '\0')
		return fail(err, -ERR_INVALID, col, "header", "%zu列目: 見出しが空です", col);
	int rc = check_text(err, d, col, "header", "見出し", c->header, HEADER_MAX_CHARS, false);
	if (rc != 0)
		return rc;
	for (size_t k = 0; k < i; k++)
		if (strcmp(d->columns[k].header, c->header) == 0)
			return fail(err, -ERR_INVALID, col, "header",
			    "%zu列目: 見出し「%s」が%zu列目と同じです（見出しは列ごとに変えてください）", col,
			    snippet(hs, sizeof hs, c->header), k + 1);
	const char *v = c->value != NULL ? c->value : "";
	c->value = v;
	c->expr = NULL;
	snippet(hs, sizeof hs, c->header);
	struct buf src;
	switch (c->source) {
	case CONV_SRC_FIXED:
		return check_text(err, d, col, "value", "固定値", v, FIXED_MAX_CHARS, true);
	case CONV_SRC_FIELD:
		if (conv_fields_index(d->kind, v) < 0)
			return fail(err, -ERR_INVALID, col, "value",
			    "%zu列目「%s」: 項目「%s」はありません（%sの項目から選んでください）", col, hs,
			    snippet(vs, sizeof vs, v), conv_kind_label(d->kind));
		buf_init(&src, a, strlen(v) + 3);
		buf_printf(&src, "[%s]", v);
		rc = expr_compile(a, src.data, src.len, cat, &c->expr, err ? &err->expr : NULL);
		if (rc != 0)
			return fail(err, rc, col, "value", "%zu列目「%s」: 項目「%s」を使えません", col, hs,
			    snippet(vs, sizeof vs, v));
		return 0;
	case CONV_SRC_EXPR: {
		struct expr_error ee;
		rc = expr_compile(a, v, strlen(v), cat, &c->expr, &ee);
		if (rc == 0)
			return 0;
		if (err != NULL)
			err->expr = ee;
		return fail(err, rc, col, "value", "%zu列目「%s」の式: %zu文字目: %s", col, hs, ee.column,
		    ee.msg);
	}
	default:
		return fail(err, -ERR_INVALID, col, "source", "%zu列目「%s」: 値の種類（項目・固定値・式）を選んでください",
		    col, hs);
	}
}

static int
check_exprs(struct arena *a, struct conv_def *d, const struct expr_catalog *cat, struct conv_def_error *err)
{
	struct expr_error ee;
	int rc;
	d->filter_expr = NULL;
	if (d->filter == NULL)
		d->filter = "";
	if (strspn(d->filter, " \t\r\n") != strlen(d->filter) &&
	    (rc = expr_compile(a, d->filter, strlen(d->filter), cat, &d->filter_expr, &ee)) != 0) {
		if (err != NULL)
			err->expr = ee;
		return fail(err, rc, 0, "filter", "絞り込み条件: %zu文字目: %s", ee.column, ee.msg);
	}
	if (d->nsort > CONV_MAX_SORT)
		return fail(err, -ERR_TOO_LARGE, 0, "sort", "並べ替えは%d個までです（%zu個あります）",
		    CONV_MAX_SORT, d->nsort);
	for (size_t i = 0; i < d->nsort; i++) {
		const char *v = d->sort[i].value != NULL ? d->sort[i].value : "";
		d->sort[i].value = v;
		if ((rc = expr_compile(a, v, strlen(v), cat, &d->sort[i].expr, &ee)) != 0) {
			if (err != NULL)
				err->expr = ee;
			return fail(err, rc, 0, "sort", "並べ替え%zu: %zu文字目: %s", i + 1, ee.column, ee.msg);
		}
	}
	return 0;
}

static int
check_options(struct arena *a, struct conv_def *d, struct conv_def_error *err)
{
	if (d->encoding != CSV_UTF8 && d->encoding != CSV_UTF8_BOM && d->encoding != CSV_CP932)
		return fail(err, -ERR_INVALID, 0, "encoding", "文字コードを選んでください");
	if (d->eol == NULL || strcmp(d->eol, "\r\n") == 0)
		d->eol = "\r\n";
	else if (strcmp(d->eol, "\n") == 0)
		d->eol = "\n";
	else
		return fail(err, -ERR_INVALID, 0, "eol", "改行コードは CRLF か LF です");
	if ((unsigned)d->quote > CSV_QUOTE_NONNUMERIC)
		return fail(err, -ERR_INVALID, 0, "quote", "囲み方（クォート）を選んでください");
	if ((unsigned)d->unencodable > CP932_DROP)
		return fail(err, -ERR_INVALID, 0, "unencodable", "Shift_JIS で表せない文字の扱いを選んでください");
	if (d->file_name == NULL || d->file_name[0] == '\0')
		return fail(err, -ERR_INVALID, 0, "file_name", "ファイル名が空です");
	struct buf out, msg;
	buf_init(&out, a, 64);
	buf_init(&msg, a, 128);
	int rc = jstfmt_filename(&out, d->file_name, strlen(d->file_name), 0, &msg);
	if (rc != 0)
		return fail(err, rc, 0, "file_name", "ファイル名: %s", buf_cstr(&msg));
	return 0;
}

int
conv_def_validate(struct arena *a, struct conv_def *d, struct conv_def_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof *err);
	const struct expr_catalog *cat = conv_fields_catalog(d->kind);
	if (cat == NULL)
		return fail(err, -ERR_INVALID, 0, "kind", "データの種類を選んでください");
	int rc = check_options(a, d, err);
	if (rc != 0)
		return rc;
	if (d->ncolumns == 0 || d->columns == NULL)
		return fail(err, -ERR_INVALID, 0, "columns", "列が1つもありません（1列以上にしてください）");
	if (d->ncolumns > CONV_MAX_COLUMNS)
		return fail(err, -ERR_TOO_LARGE, 0, "columns", "列が多すぎます（%zu列、最大%d列）", d->ncolumns,
		    CONV_MAX_COLUMNS);
	for (size_t i = 0; i < d->ncolumns; i++)
		if ((rc = check_column(a, d, i, cat, err)) != 0)
			return rc;
	return check_exprs(a, d, cat, err);
}
