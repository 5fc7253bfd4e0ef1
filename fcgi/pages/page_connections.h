/* page_connections.h: the connection screens — list and show, the shared loading, views and audit record. */
#ifndef ECC_PAGE_CONNECTIONS_H
#define ECC_PAGE_CONNECTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct req;
struct connection;
struct conn_field;
struct conn_ops;
struct json_object;
struct view;

/*
 * The connection screens are three files: this one (list, show, and what
 * the others share), page_connections_form (add: platform, then its form;
 * edit) and page_connections_delete (the confirmation and the chunked
 * delete). Handlers are all R_AUTH (routes.c). Roles: viewers read (list,
 * show; never a secret, not even masked); editors add, edit, test and
 * delete, since the accounts issue gives editors "connections". Deleting
 * also removes every order and product the connection brought in and
 * cannot be undone, so it additionally asks for a fresh second factor
 * (page_reauth_required, as an admin's user deletion) and a confirmation
 * box. A user restricted to chosen connections sees only those (any other
 * id is 404, like another tenant's), and cannot add connections (403 with a
 * message): a restriction is the admin's decision about which shops this
 * person handles, and a new shop they add would fall outside it. Every
 * change is audited (connection.create / connection.update /
 * connection.delete, detail with the connection id and platform, never a
 * secret) and logged (page_connections_record).
 */
int page_connections_list(struct req *r);        /* GET /connections */
int page_connections_show(struct req *r);        /* GET /connections/{id:int} */

/*
 * page_connections_load: the connection named by the path parameter {id} in
 * the signed-in user's tenant that this user may use
 * (dbq_users_can_use_connection), into *c (strings in r's arena). Returns
 * 0, or the status to return: 404 (malformed id, no such connection in the
 * tenant, or not allowed for this user), 503, 500.
 */
int page_connections_load(struct req *r, struct connection *c);

/*
 * page_connections_render_show: the connection's page for c, with the
 * result of a 接続テスト when test_message is not NULL (test_ok: success
 * or failure box; the text is shown exactly, escaped). Returns status, or
 * 500 if rendering failed.
 */
int page_connections_render_show(struct req *r, const struct connection *c, const char *test_message,
				 bool test_ok, int status);

/*
 * page_connections_view: c as the list, the page and the dashboard show it:
 * id, name, platform(_label), endpoint, status_label/status_class (the
 * badge), last success and error (JST), failures, credential expiry
 * (has_expiry, expires_date, expires_left, expires_soon), paused,
 * auth_failed. In r's arena.
 */
struct view *page_connections_view(struct req *r, const struct connection *c);

/*
 * page_connections_json: parse text as a JSON object in r's arena (the
 * json-c object is released when the arena is reset). NULL when text is
 * NULL or not a JSON object.
 */
struct json_object *page_connections_json(struct req *r, const char *text);

/*
 * page_connections_json_str: the string value of key in o (owned by o, so
 * it lives as long as o), NULL when key is absent or null or o is NULL.
 */
const char *page_connections_json_str(struct json_object *o, const char *key);

/*
 * page_connections_t_n: render_t(r, key) with its "{n}" placeholder
 * replaced by n (the text as is when it has none). The result lives in r's
 * arena (or is the catalog's own text); never NULL.
 */
const char *page_connections_t_n(struct req *r, const char *key, long long n);

/*
 * page_connections_field_text: the label (help false) or help text (help
 * true) of the platform field f of ops, in r's language: the field's own
 * catalog key, then conn_f_/conn_h_<platform>_<field>, then the bare field
 * name for a label and "" for help. Never NULL; in r's arena or the
 * catalog's.
 */
const char *page_connections_field_text(struct req *r, const struct conn_ops *ops, const struct conn_field *f,
					bool help);

/*
 * page_connections_record: the audit entry (action, e.g.
 * "connection.update"; detail "connection=<id> platform=<platform>" and,
 * when extra is not "", a space and extra) and the log line of one change
 * by the signed-in user. extra must never hold a secret. A failed audit
 * append is logged (audit_append_failed), not returned: the change itself
 * is already done.
 */
void page_connections_record(struct req *r, const char *action, uint64_t id, const char *platform,
			     const char *extra);

#endif
