/* fuzz_conv_def.c: arbitrary bytes as a template definition; a definition that parses is canonical and runs over sample records of its kind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/conv_def.h"
#include "convert/conv_run.h"
#include "core/arena.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = { "髙橋 﨑子", "😀", "", "ｶﾞｷﾞ ア", "1200", "2026-11-26", "a,\"b\"\n", "TRUE" };

/* Three records of kind k; every field gets a value of its hint type (one in seven null). */
static struct conv_record *
records(struct arena *a, enum conv_kind k)
{
	const struct expr_catalog *cat = conv_fields_catalog(k);
	struct conv_record *r = arena_calloc(a, 3, sizeof *r);
	for (size_t i = 0; i < 3; i++) {
		r[i].id = i < 2 && k == CONV_ORDER_LINE ? 1 : i + 1;   /* two lines of one order */
		r[i].label = texts[i];
		r[i].values = arena_calloc(a, cat->count, sizeof *r[i].values);
		for (size_t f = 0; f < cat->count; f++) {
			struct expr_value *v = &r[i].values[f];
			if ((f + i) % 7 == 0)
				continue;
			v->type = cat->fields[f].type;
			if (v->type == EXPR_DEC)
				v->num = dec_from_int64((int64_t)(f * 37 + i) - 50);
			else if (v->type == EXPR_TIME)
				v->ms = 1795651200000LL + (int64_t)(f * i) * 3600000;
			else {
				v->s = texts[(f + i) % (sizeof texts / sizeof texts[0])];
				v->len = strlen(v->s);
			}
		}
	}
	return r;
}

static int
lookup(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len, struct arena *scratch,
    const char **val, size_t *val_len)
{
	(void)ctx;
	(void)scratch;
	(void)key;
	if (table_len == 0 || table[0] != 't')
		return -ERR_INVALID;
	if (key_len % 2)
		return -ERR_NOT_FOUND;
	*val = "値";
	*val_len = 3;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct conv_def d, d2;
	struct conv_def_error e;
	int rc = conv_def_parse(a, (const char *)data, size, &d, &e);
	if (rc != 0) {
		if (e.msg[0] == '\0' || (rc != -ERR_INVALID && rc != -ERR_TOO_LARGE && rc != -ERR_NOMEM))
			abort();
		arena_free(a);
		return 0;
	}
	const char *j = conv_def_json(a, &d);
	if (conv_def_parse(a, j, strlen(j), &d2, &e) != 0 || strcmp(conv_def_json(a, &d2), j) != 0)
		abort();   /* the stored form reads back to itself */
	struct conv_run_opts o = { .lookup = lookup, .now_ms = 1795651200000LL, .max_issues = 5,
				   .max_bytes = 1 << 20 };
	struct conv_result res;
	rc = conv_run(a, &d, records(a, d.kind), 3, &o, &res);
	if (rc == 0 && (res.bytes == NULL || res.rows_out > 3 || res.records_out + res.records_failed +
	    res.records_filtered != res.records_in || res.ndelivered != res.records_out || res.nissues > 5 ||
	    res.file_name == NULL))
		abort();
	for (size_t i = 0; rc == 0 && i < res.nissues; i++)
		if (res.issues[i].message == NULL || res.issues[i].message[0] == '\0')
			abort();
	arena_free(a);
	return 0;
}
