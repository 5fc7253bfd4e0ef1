/* db_stmt.c: run one prepared statement, fetch all its rows, redact error messages (internal to fcgi/db). */
#include "db/db_stmt.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

/* Largest blob/string parameter accepted (the server's max_allowed_packet
 * is the real limit; this only rejects absurd lengths early). */
#define DB_STMT_MAX_PARAM (1024u * 1024u * 1024u)

static void set_local(struct db_stmt_info *info, const char *msg);
static void set_stmt_err(struct db_stmt_info *info, MYSQL_STMT *st, enum db_stmt_stage stage);
static int bind_params(struct arena *a, const char *types, size_t nargs, const struct db_arg *args,
		       MYSQL_BIND **out, size_t *nparams, struct db_stmt_info *info);
static int fetch_rows(MYSQL_STMT *st, struct arena *a, struct db_rows **out,
		      struct db_stmt_info *info);

struct db_rows *
db_stmt_empty(struct arena *a)
{
	return arena_calloc(a, 1, sizeof(struct db_rows));
}

static void
set_local(struct db_stmt_info *info, const char *msg)
{
	info->errnum = 0;
	memcpy(info->sqlstate, "HY000", 6);
	snprintf(info->msg, sizeof info->msg, "%s", msg);
}

static void
set_stmt_err(struct db_stmt_info *info, MYSQL_STMT *st, enum db_stmt_stage stage)
{
	info->stage = stage;
	info->errnum = mysql_stmt_errno(st);
	snprintf(info->sqlstate, sizeof info->sqlstate, "%s", mysql_stmt_sqlstate(st));
	snprintf(info->msg, sizeof info->msg, "%s", mysql_stmt_error(st));
	if (info->errnum == 0) {  /* should not happen; never report success as an error */
		info->errnum = 2000;  /* CR_UNKNOWN_ERROR */
		snprintf(info->msg, sizeof info->msg, "unknown client error");
	}
}

/* An integer argument as a MYSQL_BIND (signed or unsigned 64-bit). */
static void
bind_int(struct arena *a, MYSQL_BIND *b, const struct db_arg *arg)
{
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	if (arg->kind == DB_ARG_UINT) {
		uint64_t *u = arena_alloc(a, sizeof *u);
		*u = arg->u;
		b->buffer = u;
		b->is_unsigned = 1;
	} else {
		int64_t *i = arena_alloc(a, sizeof *i);
		*i = arg->i;
		b->buffer = i;
	}
}

static bool
is_int(const struct db_arg *arg)
{
	return arg->kind == DB_ARG_INT || arg->kind == DB_ARG_UINT;
}

static int
bind_params(struct arena *a, const char *types, size_t nargs, const struct db_arg *args,
	    MYSQL_BIND **out, size_t *nparams, struct db_stmt_info *info)
{
	char why[200];
	size_t nt = strlen(types), k = 0;
	MYSQL_BIND *b = arena_calloc(a, nt ? nt : 1, sizeof *b);
	unsigned long *lens = arena_calloc(a, nt ? nt : 1, sizeof *lens);

	for (size_t t = 0; t < nt; t++) {
		char c = types[t];
		size_t need = c == 'b' ? 2 : c == 'n' ? 0 : 1;
		if (c != 'i' && c != 's' && c != 'b' && c != 'n') {
			snprintf(why, sizeof why, "type string \"%.40s\": unknown letter '%c' at %zu "
				 "(want i, s, b or n)", types, c >= 0x20 && c < 0x7f ? c : '?', t + 1);
			set_local(info, why);
			return -ERR_INVALID;
		}
		if (k + need > nargs)
			break;  /* reported below as a count mismatch */
		const struct db_arg *x = &args[k];
		bool ok = true;
		switch (c) {
		case 'i':
			ok = is_int(x);
			if (ok)
				bind_int(a, &b[t], x);
			break;
		case 's':
			/* NULL (a void *) is accepted as SQL NULL; other non-char
			 * pointers are not text */
			ok = x->kind == DB_ARG_STR || (x->kind == DB_ARG_PTR && x->p == NULL);
			if (ok && x->p == NULL) {
				b[t].buffer_type = MYSQL_TYPE_NULL;
			} else if (ok) {
				size_t n = strlen(x->p);
				ok = n <= DB_STMT_MAX_PARAM;
				b[t].buffer_type = MYSQL_TYPE_STRING;
				b[t].buffer = (void *)(uintptr_t)x->p;  /* only read */
				lens[t] = (unsigned long)n;
				b[t].buffer_length = lens[t];
				b[t].length = &lens[t];
			}
			break;
		case 'b': {
			const struct db_arg *n = &args[k + 1];
			ok = (x->kind == DB_ARG_PTR || x->kind == DB_ARG_STR) && is_int(n) &&
			     (n->kind == DB_ARG_UINT ? n->u <= DB_STMT_MAX_PARAM
						     : n->i >= 0 && n->i <= (int64_t)DB_STMT_MAX_PARAM);
			if (!ok)
				break;
			uint64_t len = n->kind == DB_ARG_UINT ? n->u : (uint64_t)n->i;
			if (x->p == NULL && len != 0) {
				ok = false;
			} else if (x->p == NULL) {
				b[t].buffer_type = MYSQL_TYPE_NULL;
			} else {
				b[t].buffer_type = MYSQL_TYPE_BLOB;
				b[t].buffer = (void *)(uintptr_t)x->p;  /* only read */
				lens[t] = (unsigned long)len;
				b[t].buffer_length = lens[t];
				b[t].length = &lens[t];
			}
			break;
		}
		case 'n':
			b[t].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
		if (!ok) {
			snprintf(why, sizeof why, "type string \"%.40s\": argument %zu does not fit "
				 "letter '%c' at %zu", types, k + 1, c, t + 1);
			set_local(info, why);
			return -ERR_INVALID;
		}
		k += need;
	}
	size_t want = 0;
	for (size_t t = 0; t < nt; t++)
		want += types[t] == 'b' ? 2 : types[t] == 'n' ? 0 : 1;
	if (want != nargs) {
		snprintf(why, sizeof why, "type string \"%.40s\" takes %zu argument%s, %zu given",
			 types, want, want == 1 ? "" : "s", nargs);
		set_local(info, why);
		return -ERR_INVALID;
	}
	*out = b;
	*nparams = nt;
	return 0;
}

/* Fetch every row: column lengths first (zero-size buffers), then each
 * non-NULL value into an exact-size arena buffer with mysql_stmt_fetch_column. */
static int
fetch_rows(MYSQL_STMT *st, struct arena *a, struct db_rows **out, struct db_stmt_info *info)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	if (meta == NULL) {
		if (mysql_stmt_errno(st) != 0) {
			set_stmt_err(info, st, DB_STAGE_FETCH);
			return -ERR_DB;
		}
		if (out != NULL)
			*out = db_stmt_empty(a);
		return 0;
	}
	size_t ncols = mysql_num_fields(meta);
	mysql_free_result(meta);
	if (mysql_stmt_store_result(st) != 0) {
		set_stmt_err(info, st, DB_STAGE_FETCH);
		return -ERR_DB;
	}
	if (out == NULL)
		return 0;  /* db_exec: rows are discarded by mysql_stmt_close */

	uint64_t total = mysql_stmt_num_rows(st);
	if (ncols == 0 || total > SIZE_MAX / ncols / sizeof(struct db_cell)) {
		set_local(info, "result set too large");
		info->stage = DB_STAGE_FETCH;
		return -ERR_INVALID;
	}
	struct db_rows *rows = arena_calloc(a, 1, sizeof *rows);
	rows->ncols = ncols;
	rows->cells = arena_calloc(a, (size_t)total * ncols + 1, sizeof *rows->cells);
	MYSQL_BIND *rb = arena_calloc(a, ncols, sizeof *rb);
	unsigned long *lens = arena_calloc(a, ncols, sizeof *lens);
	my_bool *nulls = arena_calloc(a, ncols, sizeof *nulls);
	my_bool *errs = arena_calloc(a, ncols, sizeof *errs);
	for (size_t c = 0; c < ncols; c++) {
		rb[c].buffer_type = MYSQL_TYPE_STRING;  /* numbers and dates as text */
		rb[c].length = &lens[c];
		rb[c].is_null = &nulls[c];
		rb[c].error = &errs[c];
	}
	if (mysql_stmt_bind_result(st, rb) != 0) {
		set_stmt_err(info, st, DB_STAGE_FETCH);
		return -ERR_DB;
	}
	int r;
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED) {
		if (rows->nrows == total) {
			set_local(info, "server sent more rows than announced");
			info->stage = DB_STAGE_FETCH;
			return -ERR_INVALID;
		}
		struct db_cell *row = &rows->cells[rows->nrows * ncols];
		for (size_t c = 0; c < ncols; c++) {
			if (nulls[c]) {
				row[c].is_null = true;
				continue;
			}
			size_t len = lens[c];
			char *v = arena_alloc(a, len + 1);
			if (len > 0) {
				MYSQL_BIND one;
				unsigned long got = 0;
				memset(&one, 0, sizeof one);
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = v;
				one.buffer_length = (unsigned long)len + 1;
				one.length = &got;
				if (mysql_stmt_fetch_column(st, &one, (unsigned int)c, 0) != 0) {
					set_stmt_err(info, st, DB_STAGE_FETCH);
					return -ERR_DB;
				}
			}
			v[len] = '\0';
			row[c].val = v;
			row[c].len = len;
		}
		rows->nrows++;
	}
	if (r != MYSQL_NO_DATA) {
		set_stmt_err(info, st, DB_STAGE_FETCH);
		return -ERR_DB;
	}
	*out = rows;
	return 0;
}

void
db_stmt_cache_clear(struct db_stmt_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		mysql_stmt_close(c->e[i].st);
		free(c->e[i].sql);
	}
	c->n = 0;
}

static MYSQL_STMT *
cache_find(struct db_stmt_cache *c, const char *sql)
{
	for (size_t i = 0; c != NULL && i < c->n; i++)
		if (strcmp(c->e[i].sql, sql) == 0)
			return c->e[i].st;
	return NULL;
}

static bool
cache_add(struct db_stmt_cache *c, const char *sql, MYSQL_STMT *st)
{
	if (c == NULL || c->n == DB_STMT_CACHE_MAX)
		return false;
	char *copy = strdup(sql);
	if (copy == NULL)
		return false;
	c->e[c->n].sql = copy;
	c->e[c->n].st = st;
	c->n++;
	return true;
}

static void
cache_drop(struct db_stmt_cache *c, MYSQL_STMT *st)
{
	for (size_t i = 0; c != NULL && i < c->n; i++) {
		if (c->e[i].st == st) {
			free(c->e[i].sql);
			c->e[i] = c->e[--c->n];
			return;
		}
	}
}

int
db_stmt_run(MYSQL *m, struct db_stmt_cache *cache, struct arena *a, const char *sql,
	    const char *types, size_t nargs, const struct db_arg *args, struct db_rows **out,
	    struct db_stmt_info *info)
{
	memset(info, 0, sizeof *info);
	info->stage = DB_STAGE_CHECK;
	if (sql == NULL || types == NULL || (nargs > 0 && args == NULL)) {
		set_local(info, "NULL sql, type string or argument array");
		return -ERR_INVALID;
	}
	MYSQL_BIND *binds = NULL;
	size_t nparams = 0;
	int rc = bind_params(a, types, nargs, args, &binds, &nparams, info);
	if (rc != 0)
		return rc;

	info->stage = DB_STAGE_PREPARE;
	MYSQL_STMT *st = cache_find(cache, sql);
	bool cached = st != NULL;
	if (st == NULL) {
		st = mysql_stmt_init(m);
		if (st == NULL) {
			info->errnum = mysql_errno(m) ? mysql_errno(m) : 2008;  /* CR_OUT_OF_MEMORY */
			snprintf(info->sqlstate, sizeof info->sqlstate, "%s", mysql_sqlstate(m));
			snprintf(info->msg, sizeof info->msg, "%s", "mysql_stmt_init failed");
			return -ERR_DB;
		}
		if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
			set_stmt_err(info, st, DB_STAGE_PREPARE);
			rc = -ERR_DB;
			goto out;
		}
	}
	info->has_rows = mysql_stmt_field_count(st) > 0;
	unsigned long placeholders = mysql_stmt_param_count(st);
	if (placeholders != nparams) {
		char why[160];
		snprintf(why, sizeof why, "statement has %lu placeholder%s, type string \"%.40s\" "
			 "has %zu letter%s", placeholders, placeholders == 1 ? "" : "s", types,
			 nparams, nparams == 1 ? "" : "s");
		set_local(info, why);
		rc = -ERR_INVALID;
		goto out;
	}
	if (nparams > 0 && mysql_stmt_bind_param(st, binds) != 0) {
		set_stmt_err(info, st, DB_STAGE_PREPARE);
		rc = -ERR_DB;
		goto out;
	}
	info->stage = DB_STAGE_EXECUTE;
	if (mysql_stmt_execute(st) != 0) {
		set_stmt_err(info, st, DB_STAGE_EXECUTE);
		rc = -ERR_DB;
		goto out;
	}
	info->stage = DB_STAGE_FETCH;
	if ((rc = fetch_rows(st, a, out, info)) != 0)
		goto out;
	info->insert_id = (int64_t)mysql_stmt_insert_id(st);
	info->affected = mysql_stmt_affected_rows(st);
	if (info->affected == (uint64_t)-1)
		info->affected = 0;
out:
	if (rc == 0 && (cached || cache_add(cache, sql, st))) {
		mysql_stmt_free_result(st);  /* keep it prepared for the next call */
		return 0;
	}
	if (cached)
		cache_drop(cache, st);
	mysql_stmt_close(st);
	return rc;
}

/* ---- error message redaction ------------------------------------------- */

/* A quote at q (in the message starting at start) opens an object name, not
 * a value: the word before it names an object, or it is 'user'@'host'. */
static bool
names_object(const char *start, const char *q)
{
	static const char *const words[] = { "column", "table", "key", "database", "index",
					     "constraint", "field", "user", "function",
					     "procedure", "variable", "schema", "view",
					     "trigger", "engine", "partition", "in", "for",
					     "socket", "near" /* SQL text, never a bound value */ };
	const char *e = q;
	if (e > start && e[-1] == '@')
		return true;  /* 'user'@'host' */
	while (e > start && e[-1] == ' ')
		e--;
	const char *b = e;
	while (b > start && isalpha((unsigned char)b[-1]))
		b--;
	size_t n = (size_t)(e - b);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && strncasecmp(b, words[i], n) == 0)
			return true;
	return false;
}

void
db_stmt_redact(const char *msg, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = msg;
	while (*p != '\0' && o + 4 < cap) {
		if (*p != '\'' || (p > msg && isalpha((unsigned char)p[-1]) &&
				    isalpha((unsigned char)p[1]))) {
			out[o++] = *p++;  /* plain text, or an apostrophe as in "doesn't" */
			continue;
		}
		const char *end = NULL;
		bool keep = names_object(msg, p) && (end = strchr(p + 1, '\'')) != NULL;
		if (!keep) {
			/* a value may itself contain quotes: it ends at the last
			 * "' for " ("Duplicate entry '…' for key 'k'"), else at the
			 * last quote, else it runs to the end of the message */
			const char *from = p + 1, *hit;
			while ((hit = strstr(from, "' for ")) != NULL) {
				end = hit;
				from = hit + 1;
			}
			if (end == NULL)
				end = strrchr(p + 1, '\'');
			if (end == NULL)
				end = p + strlen(p) - 1;
		}
		if (keep) {
			size_t n = (size_t)(end - p) + 1;
			if (o + n >= cap)
				break;
			memcpy(out + o, p, n);
			o += n;
		} else {
			memcpy(out + o, "'?'", 3);
			o += 3;
		}
		p = end + 1;
	}
	out[o] = '\0';
}
