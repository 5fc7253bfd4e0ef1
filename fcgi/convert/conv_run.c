/* conv_run.c: run a compiled template over records — filter, stable sort, columns — into CSV bytes and a report. */
#include "conv_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/jstfmt.h"
#include "core/err.h"

#define DEFAULT_MAX_ISSUES 1000
#define DEFAULT_MAX_BYTES (256u * 1024u * 1024u)

/* ustate bits of one unit (one ledger id: an order with all its lines, a product …) */
enum { U_FAILED = 1, U_DELIVERED = 2 };

/* One committed data row: where it starts in the output and whose it is. */
struct row {
	size_t start;
	uint32_t rec;
};

/* A sort key of one record, kept in the run arena. */
struct skey {
	enum expr_type t;
	struct dec num;
	int64_t ms;         /* EXPR_TIME; EXPR_BOOL as 0/1 */
	const char *s;      /* the text form (every type) */
	size_t len;
};

struct run {
	const struct conv_def *def;
	const struct conv_run_opts *o;
	const struct conv_record *recs;
	size_t n;
	struct arena *a;
	struct arena *s;                /* per-record scratch */
	struct expr_env env;
	const struct conv_record *cur;  /* the record the getter reads */
	size_t line_first, nfields;
	struct conv_result *res;
	size_t max_issues, issues_cap;
	uint32_t *unit;                 /* record → unit */
	size_t nunits;
	uint8_t *ustate;
	struct skey *keys;              /* nsort per record, when sorting */
	struct csv csv;
	size_t seen_bad, seen_unmappable;
	struct row *rows;
	size_t nrows, rows_cap;
	size_t *field_ix;               /* per column: catalog index of a FIELD column */
	size_t *fixed_len;              /* per column: length of a FIXED value */
};

static const char *const nouns[] = { "", "注文", "注文", "商品", "在庫", "出荷" };
static const char *const withdrawn[] = {
	"", "この注文は出力しません", "この注文の明細はすべて出力しません", "この商品は出力しません",
	"この在庫は出力しません", "この出荷は出力しません",
};

static int
get_field(void *ctx, size_t index, struct arena *scratch, struct expr_value *out)
{
	(void)scratch;
	const struct run *r = ctx;
	const struct conv_record *rec = r->cur;
	if (index >= r->nfields) {
		out->type = EXPR_NULL;
		return -ERR_INVALID;
	}
	if (rec->order_values != NULL && index < r->line_first)
		*out = rec->order_values[index];
	else if (rec->values != NULL)
		*out = rec->values[rec->order_values != NULL ? index - r->line_first : index];
	else
		out->type = EXPR_NULL;
	return 0;
}

static int
get_lookup(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len,
    struct arena *scratch, const char **val, size_t *val_len)
{
	const struct run *r = ctx;
	return r->o->lookup(r->o->lookup_ctx, table, table_len, key, key_len, scratch, val, val_len);
}

/* ---- issues ----------------------------------------------------------------------------- */

static struct conv_issue *
new_issue(struct run *r)
{
	struct conv_result *res = r->res;
	if (res->nissues >= r->max_issues) {
		res->issues_dropped++;
		return NULL;
	}
	if (res->nissues == r->issues_cap) {
		size_t cap = r->issues_cap ? r->issues_cap * 2 : 16;
		if (cap > r->max_issues)
			cap = r->max_issues;
		res->issues = arena_realloc(r->a, res->issues, r->issues_cap * sizeof *res->issues,
		    cap * sizeof *res->issues);
		r->issues_cap = cap;
	}
	struct conv_issue *is = &res->issues[res->nissues++];
	memset(is, 0, sizeof *is);
	return is;
}

/* "注文 #1001 の" (or "見出し行の" for no record). */
static const char *
subject(struct run *r, const struct conv_record *rec)
{
	if (rec == NULL)
		return "見出し行の";
	return arena_printf(r->a, "%s %s の", nouns[r->def->kind], rec->label ? rec->label : "");
}

/* An evaluation error of record i in column col (0: the filter or sort key k). */
static void
issue_error(struct run *r, size_t i, size_t col, size_t sort_key, const struct expr_error *ee)
{
	const struct conv_record *rec = &r->recs[i];
	struct conv_issue *is = new_issue(r);
	if (is == NULL)
		return;
	const char *where = col > 0 ? arena_printf(r->a, "%zu列目「%s」の式", col, r->def->columns[col - 1].header)
			    : sort_key > 0 ? arena_printf(r->a, "並べ替え%zu", sort_key) : "絞り込み条件";
	is->kind = CONV_ISSUE_ERROR;
	is->record_id = rec->id;
	is->record_label = rec->label ? rec->label : "";
	is->column = col;
	is->column_header = col > 0 ? r->def->columns[col - 1].header : "";
	is->action = CP932_FAIL;
	if (ee->column > 0)
		is->message = arena_printf(r->a, "%s %s: %zu文字目: %s（%s）", subject(r, rec), where, ee->column,
		    ee->msg, withdrawn[r->def->kind]);
	else
		is->message = arena_printf(r->a, "%s %s: %s（%s）", subject(r, rec), where, ee->msg,
		    withdrawn[r->def->kind]);
}

/* The writer's new reports of bad characters as issues. */
static void
collect_bad(struct run *r)
{
	static const char *const done[] = {
		[CP932_REPLACE_GETA] = "〓 に置き換えました",
		[CP932_REPLACE_QMARK] = "? に置き換えました",
		[CP932_DROP] = "削除しました",
	};
	struct csv *c = &r->csv;
	/* the writer keeps max_issues reports and only counts the others */
	r->res->issues_dropped += (c->unmappable - r->seen_unmappable) - (c->nbad - r->seen_bad);
	r->seen_unmappable = c->unmappable;
	for (; r->seen_bad < c->nbad; r->seen_bad++) {
		const struct csv_bad *b = &c->bad[r->seen_bad];
		const struct conv_record *rec = b->record > 0 ? &r->recs[b->record - 1] : NULL;
		struct conv_issue *is = new_issue(r);
		if (is == NULL)
			continue;
		const char *hdr = b->col >= 1 && b->col <= r->def->ncolumns ? r->def->columns[b->col - 1].header : "";
		const char *act = b->policy == CP932_FAIL ? withdrawn[r->def->kind] : done[b->policy];
		is->kind = CONV_ISSUE_UNENCODABLE;
		is->record_id = rec ? rec->id : 0;
		is->record_label = rec && rec->label ? rec->label : "";
		is->column = b->col;
		is->column_header = hdr;
		is->codepoint = b->cp;
		memcpy(is->ch, b->ch, sizeof is->ch);
		is->action = b->policy;
		if (b->invalid)
			is->message = arena_printf(r->a, "%s %zu列目「%s」: %zu文字目が UTF-8 として正しくありません。%s",
			    subject(r, rec), b->col, hdr, b->index, act);
		else
			is->message = arena_printf(r->a, "%s %zu列目「%s」: %s (U+%04X) は Shift_JIS にありません。%s",
			    subject(r, rec), b->col, hdr, b->ch, (unsigned)b->cp, act);
	}
}

/* ---- evaluation ------------------------------------------------------------------------- */

/* v as a condition (the rules of expr.h); 0 or -ERR_INVALID with ee filled. */
static int
truth(const struct expr_value *v, bool *t, struct expr_error *ee)
{
	struct dec d;
	switch (v->type) {
	case EXPR_NULL:
		*t = false;
		return 0;
	case EXPR_BOOL:
		*t = v->b;
		return 0;
	case EXPR_DEC:
		*t = !dec_is_zero(&v->num);
		return 0;
	case EXPR_TEXT:
		if (v->len == 0) {
			*t = false;
			return 0;
		}
		if (dec_parse(v->s, v->len, &d) == 0) {
			*t = !dec_is_zero(&d);
			return 0;
		}
		if ((v->len == 4 || v->len == 5) && (strncasecmp(v->s, "TRUE", v->len) == 0 ||
						     strncasecmp(v->s, "FALSE", v->len) == 0)) {
			*t = v->len == 4;
			return 0;
		}
		break;
	default:
		break;
	}
	memset(ee, 0, sizeof *ee);
	ee->code = -ERR_INVALID;
	snprintf(ee->msg, sizeof ee->msg, "%s", "条件の結果が真偽値（TRUE / FALSE）ではありません");
	return -ERR_INVALID;
}

static void
fail_unit(struct run *r, size_t i)
{
	r->ustate[r->unit[i]] |= U_FAILED;
}

static bool
unit_failed(const struct run *r, size_t i)
{
	return (r->ustate[r->unit[i]] & U_FAILED) != 0;
}

/* The filter: *keep is whether record i passes (false also when it failed). */
static void
filter_one(struct run *r, size_t i, bool *keep)
{
	struct expr_value v;
	struct expr_error ee;
	*keep = true;
	if (r->def->filter_expr == NULL)
		return;
	arena_reset(r->s);
	r->cur = &r->recs[i];
	if (expr_eval(r->def->filter_expr, &r->env, r->s, &v, &ee) != 0 || truth(&v, keep, &ee) != 0) {
		issue_error(r, i, 0, 0, &ee);
		fail_unit(r, i);
		*keep = false;
	}
}

/* The sort keys of record i into r->keys; false when one failed. */
static bool
sort_keys(struct run *r, size_t i)
{
	arena_reset(r->s);
	r->cur = &r->recs[i];
	for (size_t k = 0; k < r->def->nsort; k++) {
		struct skey *key = &r->keys[i * r->def->nsort + k];
		struct expr_value v;
		struct expr_error ee;
		if (expr_eval(r->def->sort[k].expr, &r->env, r->s, &v, &ee) != 0) {
			issue_error(r, i, 0, k + 1, &ee);
			fail_unit(r, i);
			return false;
		}
		const char *s;
		size_t len;
		expr_value_text(&v, r->s, &s, &len);
		*key = (struct skey){ .t = v.type, .s = arena_memdup(r->a, s, len), .len = len };
		if (v.type == EXPR_DEC)
			key->num = v.num;
		else if (v.type == EXPR_TIME)
			key->ms = v.ms;
		else if (v.type == EXPR_BOOL)
			key->ms = v.b;
	}
	return true;
}

static int
cmp_key(const struct skey *x, const struct skey *y)
{
	if (x->t == EXPR_NULL || y->t == EXPR_NULL)
		return (y->t == EXPR_NULL) - (x->t == EXPR_NULL);
	if (x->t == y->t && x->t == EXPR_DEC)
		return dec_cmp(&x->num, &y->num);
	if (x->t == y->t && (x->t == EXPR_TIME || x->t == EXPR_BOOL))
		return (x->ms > y->ms) - (x->ms < y->ms);
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);
	return c != 0 ? (c > 0) - (c < 0) : (x->len > y->len) - (x->len < y->len);
}

static int
cmp_records(const void *pa, const void *pb, void *ctx)
{
	const struct run *r = ctx;
	size_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb, ns = r->def->nsort;
	for (size_t k = 0; k < ns; k++) {
		int c = cmp_key(&r->keys[ia * ns + k], &r->keys[ib * ns + k]);
		if (c != 0)
			return r->def->sort[k].desc ? -c : c;
	}
	return (ia > ib) - (ia < ib);   /* stable */
}

/* ---- writing ---------------------------------------------------------------------------- */

static void
add_row(struct run *r, size_t start, size_t i)
{
	if (r->nrows == r->rows_cap) {
		size_t cap = r->rows_cap ? r->rows_cap * 2 : 256;
		r->rows = arena_realloc(r->a, r->rows, r->rows_cap * sizeof *r->rows, cap * sizeof *r->rows);
		r->rows_cap = cap;
	}
	r->rows[r->nrows++] = (struct row){ start, (uint32_t)i };
}

/* One record's row. 0, or -ERR_CONFIG (no CP932) / -ERR_TOO_LARGE. */
static int
write_record(struct run *r, size_t i)
{
	const struct conv_def *d = r->def;
	struct csv *c = &r->csv;
	bool failed = false;
	arena_reset(r->s);
	r->cur = &r->recs[i];
	size_t start = c->out.len;
	csv_row_begin(c, (int64_t)i + 1);
	for (size_t j = 0; j < d->ncolumns && !failed; j++) {
		const struct conv_column *col = &d->columns[j];
		struct expr_value v;
		struct expr_error ee;
		const char *s = col->value;
		size_t len = r->fixed_len[j];
		if (col->source == CONV_SRC_FIELD) {
			get_field(r, r->field_ix[j], r->s, &v);
			expr_value_text(&v, r->s, &s, &len);
		} else if (col->source != CONV_SRC_FIXED) {
			if (expr_eval(col->expr, &r->env, r->s, &v, &ee) != 0) {
				issue_error(r, i, j + 1, 0, &ee);
				failed = true;
				break;
			}
			expr_value_text(&v, r->s, &s, &len);
		}
		if (csv_cell(c, s, len) == -ERR_CONFIG)
			return -ERR_CONFIG;
	}
	if (failed)
		csv_row_abort(c);
	else if (csv_row_commit(c) != 0)
		failed = true;
	collect_bad(r);
	if (failed)
		fail_unit(r, i);
	else
		add_row(r, start, i);
	return c->out.len > r->o->max_bytes ? -ERR_TOO_LARGE : 0;
}

/* Remove the rows of units that failed after some of their rows were written. */
static void
compact(struct run *r)
{
	bool need = false;
	for (size_t k = 0; k < r->nrows && !need; k++)
		need = unit_failed(r, r->rows[k].rec);
	if (!need)
		return;
	char *p = r->csv.out.data;
	size_t dst = r->nrows ? r->rows[0].start : r->csv.out.len, w = 0;
	for (size_t k = 0; k < r->nrows; k++) {
		size_t start = r->rows[k].start;
		size_t end = k + 1 < r->nrows ? r->rows[k + 1].start : r->csv.out.len;
		uint32_t rec = r->rows[k].rec;
		if (unit_failed(r, rec))
			continue;
		memmove(p + dst, p + start, end - start);
		r->rows[w++] = (struct row){ dst, rec };
		dst += end - start;
	}
	buf_truncate(&r->csv.out, dst);
	r->nrows = w;
}

static void
finish_counts(struct run *r)
{
	struct conv_result *res = r->res;
	res->delivered_ids = arena_calloc(r->a, r->nunits ? r->nunits : 1, sizeof *res->delivered_ids);
	for (size_t k = 0; k < r->nrows; k++) {
		uint32_t u = r->unit[r->rows[k].rec];
		if (r->ustate[u] & U_DELIVERED)
			continue;
		r->ustate[u] |= U_DELIVERED;
		res->delivered_ids[res->ndelivered++] = r->recs[r->rows[k].rec].id;
	}
	res->records_in = r->nunits;
	for (size_t u = 0; u < r->nunits; u++)
		if (r->ustate[u] & U_FAILED)
			res->records_failed++;
	res->records_out = res->ndelivered;
	res->records_filtered = res->records_in - res->records_failed - res->records_out;
	res->rows_out = r->nrows;
}

static void
file_name(struct run *r)
{
	struct buf out;
	buf_init(&out, r->a, 64);
	const char *pat = r->def->file_name ? r->def->file_name : "";
	if (jstfmt_filename(&out, pat, strlen(pat), r->o->now_ms, NULL) != 0) {
		buf_clear(&out);
		buf_puts(&out, "conversion.csv");
	}
	r->res->file_name = buf_cstr(&out);
}

/* Per-column constants: FIELD indexes and FIXED lengths. */
static void
prepare_columns(struct run *r)
{
	const struct conv_def *d = r->def;
	r->field_ix = arena_calloc(r->a, d->ncolumns, sizeof *r->field_ix);
	r->fixed_len = arena_calloc(r->a, d->ncolumns, sizeof *r->fixed_len);
	for (size_t j = 0; j < d->ncolumns; j++) {
		const struct conv_column *c = &d->columns[j];
		size_t cnt = 0;
		if (c->source == CONV_SRC_FIXED)
			r->fixed_len[j] = c->value ? strlen(c->value) : 0;
		else if (c->source == CONV_SRC_FIELD && c->expr != NULL)
			r->field_ix[j] = expr_fields_used(c->expr, &cnt)[0];
	}
}

static int
setup(struct run *r)
{
	const struct conv_def *d = r->def;
	const struct expr_catalog *cat = conv_fields_catalog(d->kind);
	if (cat == NULL || d->ncolumns == 0)
		return -ERR_INVALID;
	for (size_t j = 0; j < d->ncolumns; j++)
		if (d->columns[j].source != CONV_SRC_FIXED && d->columns[j].expr == NULL)
			return -ERR_INVALID;   /* not validated: conv_def_validate compiles */
	if (r->n > UINT32_MAX - 1)
		return -ERR_TOO_LARGE;
	if (d->encoding == CSV_CP932 && cp932_init() != 0)
		return -ERR_CONFIG;
	r->nfields = cat->count;
	r->line_first = conv_fields_line_first();
	r->env = (struct expr_env){ .field = get_field, .lookup = r->o->lookup ? get_lookup : NULL, .ctx = r,
				    .now_ms = r->o->now_ms };
	r->unit = arena_alloc(r->a, (r->n ? r->n : 1) * sizeof *r->unit);
	for (size_t i = 0; i < r->n; i++)
		r->unit[i] = i > 0 && r->recs[i].id == r->recs[i - 1].id ? r->unit[i - 1] : (uint32_t)r->nunits++;
	r->ustate = arena_calloc(r->a, r->nunits ? r->nunits : 1, 1);
	prepare_columns(r);
	csv_init(&r->csv, r->a, d->encoding);
	r->csv.quote = d->quote;
	r->csv.eol = d->eol ? d->eol : "\r\n";
	r->csv.neutralise = false;
	r->csv.policy = d->unencodable;
	r->csv.max_reports = r->max_issues;
	return 0;
}

/* The records in output order (filtered, sorted) into *order[0..*k). */
static void
select_records(struct run *r, uint32_t **order, size_t *k)
{
	const struct conv_def *d = r->def;
	uint32_t *ord = arena_alloc(r->a, (r->n ? r->n : 1) * sizeof *ord);
	size_t m = 0;
	for (size_t i = 0; i < r->n; i++) {
		bool keep;
		if (unit_failed(r, i))
			continue;
		filter_one(r, i, &keep);
		if (keep)
			ord[m++] = (uint32_t)i;
	}
	if (d->nsort > 0 && m > 0) {
		r->keys = arena_calloc(r->a, r->n * d->nsort, sizeof *r->keys);
		size_t w = 0;
		for (size_t k2 = 0; k2 < m; k2++)
			if (sort_keys(r, ord[k2]))
				ord[w++] = ord[k2];
		m = w;
		qsort_r(ord, m, sizeof *ord, cmp_records, r);
	}
	*order = ord;
	*k = m;
}

int
conv_run(struct arena *a, const struct conv_def *def, const struct conv_record *records,
    size_t n, const struct conv_run_opts *opts, struct conv_result *res)
{
	struct conv_run_opts o = opts ? *opts : (struct conv_run_opts){ 0 };
	if (o.max_issues == 0)
		o.max_issues = DEFAULT_MAX_ISSUES;
	if (o.max_bytes == 0)
		o.max_bytes = DEFAULT_MAX_BYTES;
	memset(res, 0, sizeof *res);
	struct run r = { .def = def, .o = &o, .recs = records, .n = records ? n : 0, .a = a, .res = res,
			 .max_issues = o.max_issues };
	int rc = setup(&r);
	if (rc != 0)
		return rc;
	r.s = arena_new(0);
	uint32_t *order;
	size_t m;
	select_records(&r, &order, &m);
	if (def->header_row) {
		for (size_t j = 0; j < def->ncolumns; j++)
			csv_cell_str(&r.csv, def->columns[j].header);
		csv_row_commit(&r.csv);
		collect_bad(&r);
	}
	for (size_t k = 0; rc == 0 && k < m; k++)
		if (!unit_failed(&r, order[k]))
			rc = write_record(&r, order[k]);
	arena_free(r.s);
	if (rc != 0)
		return rc;
	compact(&r);
	if ((rc = csv_finish(&r.csv, a, &res->bytes, &res->len, &res->unencodable)) != 0)
		return rc;
	finish_counts(&r);
	file_name(&r);
	return 0;
}
