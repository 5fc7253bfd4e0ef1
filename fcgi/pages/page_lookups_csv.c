/* page_lookups_csv.c: a code mapping table as CSV — import (UTF-8 or Shift_JIS, all or nothing) and export. */
#include "page_lookups_csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/session.h"
#include "convert/csv.h"
#include "convert/csv_read.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_lookup.h"
#include "http/multipart.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_lookups.h"
#include "pages/page_templates.h"
#include "pages/render.h"
#include "server/app.h"

#define ERRORS_SHOWN 100

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

/* One problem of the file, by line. */
struct problem {
	size_t line;
	const char *msg;
};

/* One entry read, with its line (for duplicate messages). */
struct row_entry {
	struct dbq_lookup_entry e;
	size_t line;
};

struct import {
	struct req *r;
	struct row_entry *rows;
	size_t nrows, cap;
	struct problem *probs;
	size_t nprobs, pcap;
};

/* The catalog text of key with "{line}", "{n}", "{key}" and "{first}" replaced. */
static const char *
msg(struct req *r, const char *key, size_t line, const char *s, size_t n)
{
	const char *t = render_t(r, key);
	struct buf b;
	buf_init(&b, r->arena, 128);
	while (*t) {
		if (strncmp(t, "{line}", 6) == 0) {
			buf_printf(&b, "%zu", line);
			t += 6;
		} else if (strncmp(t, "{n}", 3) == 0 || strncmp(t, "{first}", 7) == 0) {
			buf_printf(&b, "%zu", n);
			t += t[1] == 'n' ? 3 : 7;
		} else if (strncmp(t, "{key}", 5) == 0) {
			buf_puts(&b, s ? s : "");
			t += 5;
		} else {
			buf_putc(&b, *t++);
		}
	}
	return buf_cstr(&b);
}

static void
problem(struct import *im, size_t line, const char *text)
{
	if (im->nprobs == im->pcap) {
		size_t cap = im->pcap ? im->pcap * 2 : 16;
		im->probs = arena_realloc(im->r->arena, im->probs, im->pcap * sizeof *im->probs,
					  cap * sizeof *im->probs);
		im->pcap = cap;
	}
	im->probs[im->nprobs].line = line;
	im->probs[im->nprobs++].msg = text;
}

/* n bytes of text without NUL, as typed inputs allow (page_templates_text_ok). */
static bool
clean(const char *s, size_t n)
{
	return strlen(s) == n && page_templates_text_ok(s, 0, n);
}

static bool
is_header(const struct csv_row *row)
{
	if (row->n != 2)
		return false;
	return (strcasecmp(row->f[0], "key") == 0 && strcasecmp(row->f[1], "value") == 0) ||
	       (strcmp(row->f[0], "コード") == 0 && strcmp(row->f[1], "値") == 0);
}

/* Check one data row and keep it. */
static void
take(struct import *im, const struct csv_row *row)
{
	struct req *r = im->r;
	size_t line = row->line;
	if (row->n != 2) {
		problem(im, line, msg(r, "lookup_csv_columns", line, NULL, row->n));
		return;
	}
	if (row->len[0] == 0) {
		problem(im, line, msg(r, "lookup_csv_key_empty", line, NULL, 0));
		return;
	}
	if (!clean(row->f[0], row->len[0]) || !clean(row->f[1], row->len[1])) {
		problem(im, line, msg(r, "lookup_csv_control", line, NULL, 0));
		return;
	}
	if (utf8_codepoints(row->f[0], row->len[0]) > DBQ_LOOKUP_KEY_MAX) {
		problem(im, line, msg(r, "lookup_csv_key_long", line, NULL, DBQ_LOOKUP_KEY_MAX));
		return;
	}
	if (utf8_codepoints(row->f[1], row->len[1]) > DBQ_LOOKUP_VALUE_MAX) {
		problem(im, line, msg(r, "lookup_csv_value_long", line, NULL, DBQ_LOOKUP_VALUE_MAX));
		return;
	}
	if (im->nrows == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		im->rows = arena_realloc(r->arena, im->rows, im->cap * sizeof *im->rows, cap * sizeof *im->rows);
		im->cap = cap;
	}
	im->rows[im->nrows].e.key = row->f[0];
	im->rows[im->nrows].e.value = row->f[1];
	im->rows[im->nrows++].line = line;
}

static int
by_key_then_line(const void *x, const void *y)
{
	const struct row_entry *a = x, *b = y;
	int c = strcmp(a->e.key, b->e.key);
	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

static int
by_line(const void *x, const void *y)
{
	const struct problem *a = x, *b = y;
	return (a->line > b->line) - (a->line < b->line);
}

/* Read the whole file into im (rows sorted by key, problems by line). */
static void
parse(struct import *im, const char *data, size_t len, bool sjis)
{
	struct req *r = im->r;
	struct csv_reader rd;
	struct csv_read_opts o;
	memset(&o, 0, sizeof o);
	o.enc = sjis ? CSV_READ_CP932 : CSV_READ_UTF8;
	o.max_cols = 16;
	if (csv_read_init(&rd, r->arena, data, len, &o) != 0) {
		problem(im, rd.err_line, rd.msg);
		return;
	}
	struct csv_row row;
	bool first = true;
	while (csv_read_next(&rd, r->arena, &row) == 0 && row.n > 0) {
		if (!(first && is_header(&row)))
			take(im, &row);
		first = false;
		if (im->nrows > DBQ_LOOKUP_ENTRIES_MAX) {
			problem(im, 0, msg(r, "lookup_csv_too_many", 0, NULL, DBQ_LOOKUP_ENTRIES_MAX));
			return;
		}
	}
	if (rd.err != 0)
		problem(im, rd.err_line, rd.msg);
	if (im->nrows == 0 && im->nprobs == 0)
		problem(im, 0, render_t(r, "lookup_csv_empty"));
	if (im->nrows > 1)
		qsort(im->rows, im->nrows, sizeof *im->rows, by_key_then_line);
	for (size_t i = 1, first_of_key = 0; i < im->nrows; i++) {
		if (strcmp(im->rows[first_of_key].e.key, im->rows[i].e.key) != 0)
			first_of_key = i;
		else
			problem(im, im->rows[i].line, msg(r, "lookup_csv_duplicate", im->rows[i].line,
							  im->rows[i].e.key, im->rows[first_of_key].line));
	}
	if (im->nprobs > 1)
		qsort(im->probs, im->nprobs, sizeof *im->probs, by_line);
}

/* The uploaded file: the part named "file". */
static const struct multipart_part *
file_part(struct req *r)
{
	for (size_t i = 0; r->multipart != NULL && i < r->multipart->count; i++)
		if (strcmp(r->multipart->parts[i].name, "file") == 0 && r->multipart->parts[i].filename != NULL)
			return &r->multipart->parts[i];
	return NULL;
}

int
page_lookups_csv_import(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	if (r->multipart == NULL)
		return 400;
	const struct multipart_part *p = file_part(r);
	if (p == NULL || p->len == 0) {
		const char *e = render_t(r, "lookup_csv_no_file");
		return page_lookups_render_import(r, &t, &e, 1);
	}
	bool bom = p->len >= 3 && memcmp(p->data, "\xEF\xBB\xBF", 3) == 0;
	bool sjis = !bom && !utf8_valid(p->data, p->len);
	struct import im;
	memset(&im, 0, sizeof im);
	im.r = r;
	parse(&im, p->data, p->len, sjis);
	if (im.nprobs > 0) {
		size_t shown = im.nprobs < ERRORS_SHOWN ? im.nprobs : ERRORS_SHOWN;
		const char **errs = arena_calloc(r->arena, shown + 1, sizeof *errs);
		for (size_t i = 0; i < shown; i++)
			errs[i] = im.probs[i].msg;
		if (im.nprobs > shown)
			errs[shown++] = msg(r, "lookup_csv_more", 0, NULL, im.nprobs - ERRORS_SHOWN);
		return page_lookups_render_import(r, &t, errs, shown);
	}
	struct dbq_lookup_entry *es = arena_calloc(r->arena, im.nrows, sizeof *es);
	for (size_t i = 0; i < im.nrows; i++)
		es[i] = im.rows[i].e;
	int rc = dbq_lookup_replace(db_of(r), r->session->tenant_id, t.id, es, im.nrows);
	if (rc != 0)
		return page_templates_status(rc);
	return page_lookups_done(r, "lookup.import", t.id,
				 arena_printf(r->arena, "entries=%zu enc=%s", im.nrows, sjis ? "sjis" : "utf8"),
				 "lookup_imported");
}

int
page_lookups_csv_export(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	struct dbq_lookup_entry *es = NULL;
	size_t n = 0;
	int rc = dbq_lookup_entries(db_of(r), r->arena, r->session->tenant_id, t.id, &es, &n);
	if (rc != 0)
		return page_templates_status(rc);
	struct csv c;
	csv_init(&c, r->arena, CSV_UTF8_BOM);
	c.neutralise = false;
	csv_cell_str(&c, "key");
	csv_cell_str(&c, "value");
	csv_end_row(&c);
	for (size_t i = 0; i < n; i++) {
		csv_cell_str(&c, es[i].key);
		csv_cell_str(&c, es[i].value);
		csv_end_row(&c);
	}
	return listing_csv_send(r, &c, "lookup", arena_printf(r->arena, "lookup_%llu.csv", (unsigned long long)t.id),
				n);
}
