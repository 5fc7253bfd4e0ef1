/* conn_page.c: what the platforms' page readers share — an item of a page into a record or a per-record error, the optional message. */
#include "conn_page.h"

#include "connectors/conn_json.h"
#include "core/err.h"

int
conn_page_array(struct arena *a, const char *body, size_t len, const char *path, const char *what,
		const struct conn_jv **root, const struct conn_jv **arr, struct buf *msg)
{
	const struct conn_jv *r;
	*arr = NULL;
	int rc = conn_jv_parse(a, body, len, what, &r, msg);
	if (root != NULL)
		*root = r;
	if (rc != 0)
		return rc;
	*arr = conn_jv_at(r, path);
	if (!conn_jv_is(*arr, CONN_JV_ARRAY)) {
		buf_printf(msg, "%sに %s の配列がありません", what, path);
		return -ERR_UPSTREAM;
	}
	return 0;
}

void
conn_page_error(struct arena *a, struct conn_page *out, const struct conn_jv *o, const char *id_key,
		const char *label, const char *no_id, const char *why)
{
	const char *id = "";
	conn_json_str(a, o, id_key, false, &id, NULL);
	struct conn_record_error *e = &out->errors[out->nerrors++];
	e->external_id = id;
	e->message = arena_printf(a, "%s %s を読み取れません: %s", label, id[0] ? id : no_id, why);
}

void
conn_page_order(struct arena *a, const struct conn_jv *o, conn_page_order_fn *from, const char *id_key,
		const char *label, const char *no_id, struct conn_page *out)
{
	struct buf em;
	buf_init(&em, a, 64);
	if (conn_jv_is(o, CONN_JV_OBJECT) && from(a, o, &out->orders[out->norders], &em) == 0) {
		out->norders++;
		return;
	}
	if (em.len == 0)
		buf_puts(&em, "注文がオブジェクトではありません");
	conn_page_error(a, out, o, id_key, label, no_id, buf_cstr(&em));
}

struct buf *
conn_page_msg(struct arena *a, struct buf *msg)
{
	if (msg != NULL)
		return msg;
	struct buf *b = arena_alloc(a, sizeof *b);
	buf_init(b, a, 64);
	return b;
}
