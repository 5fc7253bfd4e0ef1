/* dbq_convsrc_util.c: shared by the record readers — query checks, connections, selection SQL, values, unsealing. */
#include "dbq_convsrc_util.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "crypto/seal.h"

#define MAX_CONNECTIONS 1000

const char *const dbq_convsrc_util_person_keys[DBQ_CONVSRC_PERSON_KEYS] = {
	"name", "kana", "email", "phone", "postal_code", "prefecture", "city", "address1", "address2",
};

/* "[1,2,3]" */
static const char *
ids_json(struct arena *a, const uint64_t *ids, size_t n)
{
	struct buf b;
	buf_init(&b, a, n * 21 + 2);
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, i ? ",%llu" : "%llu", (unsigned long long)ids[i]);
	buf_putc(&b, ']');
	return buf_cstr(&b);
}

static void
free_arena(void *p)
{
	arena_free(p);
}

static int
cmp_conn(const void *x, const void *y)
{
	uint64_t a = ((const struct dbq_convsrc_conn *)x)->id, b = ((const struct dbq_convsrc_conn *)y)->id;
	return (a > b) - (a < b);
}

int
dbq_convsrc_util_begin(struct db *db, struct arena *a, const struct dbq_convsrc_query *q,
    struct dbq_convsrc_ctx *c)
{
	memset(c, 0, sizeof *c);
	const struct expr_catalog *cat = q ? conv_fields_catalog(q->kind) : NULL;
	bool personal = q != NULL && (q->kind == CONV_ORDER || q->kind == CONV_ORDER_LINE || q->kind == CONV_SHIPMENT);
	if (cat == NULL || q->tenant_id == 0 || (personal && q->key == NULL))
		return -ERR_INVALID;
	int modes = (q->latest > 0) + (q->not_in_flow != 0) + (q->nonly_ids > 0);
	if (modes != 1 || q->latest > DBQ_CONVSRC_LIMIT_MAX || q->limit > DBQ_CONVSRC_LIMIT_MAX ||
	    q->nonly_ids > DBQ_CONVSRC_LIMIT_MAX || q->nconnections > MAX_CONNECTIONS ||
	    (q->nconnections > 0 && q->connections == NULL) || (q->nonly_ids > 0 && q->only_ids == NULL))
		return -ERR_INVALID;
	c->db = db;
	c->a = a;
	c->q = q;
	c->ncat = cat->count;
	c->limit = q->latest > 0 ? q->latest : q->nonly_ids > 0 ? q->nonly_ids
		   : q->limit > 0 ? q->limit : DBQ_CONVSRC_LIMIT_MAX;
	c->reversed = q->latest > 0;
	c->conn_json = q->nconnections > 0 ? ids_json(a, q->connections, q->nconnections) : NULL;
	c->ids_json = q->nonly_ids > 0 ? ids_json(a, q->only_ids, q->nonly_ids) : NULL;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT id, name, platform FROM connections WHERE tenant_id = ?", "i",
			  q->tenant_id);
	if (rc != 0)
		return rc;
	c->nconns = db_rows_count(rows);
	c->conns = arena_calloc(a, c->nconns ? c->nconns : 1, sizeof *c->conns);
	for (size_t r = 0; r < c->nconns; r++) {
		int64_t id;
		if (db_i64(rows, r, 0, &id) != 0)
			return -ERR_DB;
		c->conns[r] = (struct dbq_convsrc_conn){ (uint64_t)id, db_str(rows, r, 1), db_str(rows, r, 2) };
	}
	qsort(c->conns, c->nconns, sizeof *c->conns, cmp_conn);
	c->tmp = arena_new(0);
	arena_defer(a, free_arena, c->tmp);
	return 0;
}

void
dbq_convsrc_util_stmt(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, const char *head)
{
	buf_init(&s->sql, c->a, 1024);
	buf_init(&s->types, c->a, 16);
	s->nargs = 0;
	buf_puts(&s->sql, head);
}

void
dbq_convsrc_util_arg_int(struct dbq_convsrc_stmt *s, const char *sql, uint64_t v)
{
	buf_puts(&s->sql, sql);
	buf_putc(&s->types, 'i');
	s->args[s->nargs++] = db_arg_uint(v);
}

void
dbq_convsrc_util_arg_str(struct dbq_convsrc_stmt *s, const char *sql, const char *v)
{
	buf_puts(&s->sql, sql);
	buf_putc(&s->types, 's');
	s->args[s->nargs++] = db_arg_str(v);
}

#define IDS_TABLE(alias) " (SELECT " alias ".id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) " alias ")"

void
dbq_convsrc_util_where(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, const char *tenant_col,
    const char *conn_col, const char *id_col, const char *time_col, const char *key_col)
{
	const struct dbq_convsrc_query *q = c->q;
	buf_printf(&s->sql, " WHERE %s", tenant_col);
	dbq_convsrc_util_arg_int(s, " = ?", q->tenant_id);
	if (c->conn_json != NULL) {
		buf_printf(&s->sql, " AND %s IN", conn_col);
		dbq_convsrc_util_arg_str(s, IDS_TABLE("jc"), c->conn_json);
	}
	if (q->not_in_flow != 0) {
		dbq_convsrc_util_arg_int(s, " AND NOT EXISTS (SELECT 1 FROM flow_ledger f WHERE f.flow_id = ?",
		    q->not_in_flow);
		dbq_convsrc_util_arg_int(s, " AND f.tenant_id = ?", q->tenant_id);
		buf_printf(&s->sql, " AND f.record_id = %s)", id_col);
	}
	if (c->ids_json != NULL) {
		buf_printf(&s->sql, " AND %s IN", id_col);
		dbq_convsrc_util_arg_str(s, IDS_TABLE("ji"), c->ids_json);
	}
	const char *dir = c->reversed ? "DESC" : "ASC";
	buf_printf(&s->sql, " ORDER BY %s %s, %s %s, %s %s", time_col, dir, key_col, dir, id_col, dir);
	dbq_convsrc_util_arg_int(s, " LIMIT ?", c->limit);
}

int
dbq_convsrc_util_query(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, struct db_rows **rows)
{
	return db_query_args(c->db, c->a, rows, buf_cstr(&s->sql), buf_cstr(&s->types), s->nargs, s->args);
}

int
dbq_convsrc_util_indexes(enum conv_kind kind, const char *const *names, size_t n, int *ix)
{
	for (size_t k = 0; k < n; k++)
		if ((ix[k] = conv_fields_index(kind, names[k])) < 0)
			return -ERR_INVALID;
	return 0;
}

void
dbq_convsrc_util_text(struct expr_value *v, const char *s)
{
	memset(v, 0, sizeof *v);
	if (s == NULL)
		return;
	v->type = EXPR_TEXT;
	v->s = s;
	v->len = strlen(s);
}

void
dbq_convsrc_util_dec(struct expr_value *v, const char *s)
{
	memset(v, 0, sizeof *v);
	if (s == NULL || dec_parse(s, strlen(s), &v->num) != 0)
		return;
	dec_normalize(&v->num);
	v->type = EXPR_DEC;
}

void
dbq_convsrc_util_time(struct expr_value *v, const char *s, int64_t mult)
{
	memset(v, 0, sizeof *v);
	char *end;
	if (s == NULL || *s == '\0')
		return;
	long long t = strtoll(s, &end, 10);
	if (*end != '\0' && *end != '.')
		return;
	v->type = EXPR_TIME;
	v->ms = (int64_t)t * mult;
}

void
dbq_convsrc_util_tax(const struct expr_value *amount, const struct expr_value *rate, struct expr_value *out)
{
	memset(out, 0, sizeof *out);
	if (amount->type != EXPR_DEC || rate->type != EXPR_DEC)
		return;
	struct dec hundred = dec_from_int64(100), times, base;
	if (dec_mul(&amount->num, &rate->num, &times) != 0 || dec_add(&hundred, &rate->num, &base) != 0 ||
	    dec_is_zero(&base) || dec_div(&times, &base, 0, DEC_FLOOR, &out->num) != 0)
		return;
	out->type = EXPR_DEC;
}

void
dbq_convsrc_util_connection(const struct dbq_convsrc_ctx *c, uint64_t id, struct expr_value *name,
    struct expr_value *platform)
{
	struct dbq_convsrc_conn key = { .id = id };
	const struct dbq_convsrc_conn *hit = bsearch(&key, c->conns, c->nconns, sizeof *c->conns, cmp_conn);
	dbq_convsrc_util_text(name, hit ? hit->name : NULL);
	dbq_convsrc_util_text(platform, hit ? hit->platform : NULL);
}

int
dbq_convsrc_util_person(struct dbq_convsrc_ctx *c, const char *column, uint64_t id,
    const struct db_cell *cell, const int *ix, struct expr_value *v)
{
	if (cell == NULL || cell->is_null)
		return 0;
	struct seal_aad aad = { .tenant_id = c->q->tenant_id, .table = "orders", .column = column, .row_id = id };
	char *pt;
	size_t n;
	arena_reset(c->tmp);   /* the plaintext is only needed until its fields are copied */
	if (seal_decrypt(c->tmp, c->q->key, &aad, (const unsigned char *)cell->val, cell->len, &pt, &n) != 0)
		return -ERR_FORBIDDEN;
	struct json_object *j = json_tokener_parse(pt);
	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return -ERR_DB;
	}
	for (size_t k = 0; k < DBQ_CONVSRC_PERSON_KEYS; k++) {
		struct json_object *x;
		if (ix[k] >= 0 && json_object_object_get_ex(j, dbq_convsrc_util_person_keys[k], &x) &&
		    json_object_is_type(x, json_type_string) && json_object_get_string_len(x) > 0)
			dbq_convsrc_util_text(&v[ix[k]], arena_strdup(c->a, json_object_get_string(x)));
	}
	json_object_put(j);
	return 0;
}
