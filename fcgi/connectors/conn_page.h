/* conn_page.h: what the platforms' page readers share — an item of a page into a record or a per-record error, the optional message. */
#ifndef ECC_CONN_PAGE_H
#define ECC_CONN_PAGE_H

#include "connectors/conn.h"
#include "connectors/conn_jv.h"

/*
 * conn_page_array: body parsed (conn_jv_parse, what names it in messages),
 * *arr = the array at path ("orders", "payload.Orders"; conn_jv_at), *root
 * (may be NULL) = the document. Returns 0, or -ERR_UPSTREAM with the reason
 * in msg (bad JSON, or "<what>に <path> の配列がありません").
 */
int conn_page_array(struct arena *a, const char *body, size_t len, const char *path, const char *what,
		    const struct conn_jv **root, const struct conn_jv **arr, struct buf *msg);

/* A platform's reader of one order object: 0, or -ERR_INVALID with the reason in em. */
typedef int conn_page_order_fn(struct arena *a, const struct conn_jv *o, struct conn_order *d,
			       struct buf *em);

/*
 * conn_page_error: append to out->errors (which must have room) the record o
 * that cannot be read: external_id = the text at id_key of o ("" when it
 * has none), message "<label> <id or no_id> を読み取れません: <why>"
 * (label e.g. "Amazon の注文", no_id e.g. "(ID なし)"). In a.
 */
void conn_page_error(struct arena *a, struct conn_page *out, const struct conn_jv *o,
		     const char *id_key, const char *label, const char *no_id, const char *why);

/*
 * conn_page_order: item o of a page's orders array: appended to out->orders
 * when it is an object that from() reads, else a conn_page_error with
 * from()'s message (or "注文がオブジェクトではありません"). Both arrays must
 * have room for one more.
 */
void conn_page_order(struct arena *a, const struct conn_jv *o, conn_page_order_fn *from,
		     const char *id_key, const char *label, const char *no_id, struct conn_page *out);

/* conn_page_msg: msg itself, or a new empty buffer in a when msg is NULL (the
 * page readers take an optional message buffer). Never NULL. */
struct buf *conn_page_msg(struct arena *a, struct buf *msg);

#endif
