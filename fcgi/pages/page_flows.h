/* page_flows.h: the flow screens (連携フロー) — list and show, the shared loading, views and audit record. */
#ifndef ECC_PAGE_FLOWS_H
#define ECC_PAGE_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct req;
struct dbq_flow;
struct view;

/*
 * The flow screens are four files: this one (list, show, and what the
 * others share), page_flows_form (add, edit, 接続テスト of the entered
 * destination), page_flows_actions (今すぐ実行, pause, resume, 接続テスト of
 * the saved destination, delete) and page_flows_runs (history, one run with
 * its per-record issues, 再送 of a run or of chosen records, the file).
 * Handlers are all R_AUTH (routes.c).
 *
 * Roles: viewers see flows, their history and their issues; editors create,
 * change, run, pause, resend and delete them and download the produced
 * files. Viewers may NOT download files: a file holds the buyers' personal
 * data unmasked (names, addresses, phone numbers), while the screens show
 * viewers that data masked, so a download would undo the masking. Every
 * download is an audit event (flow.download, with the flow, run and file
 * ids and the size; never the file name, which may hold customer text).
 *
 * Per-connection restriction: a user restricted to chosen connections sees
 * only the flows whose source connections are all among them (any other
 * flow is 404, like another tenant's), and may choose only those
 * connections in the form.
 */
int page_flows_list(struct req *r);   /* GET /flows */
int page_flows_show(struct req *r);   /* GET /flows/{id:int} */

/*
 * page_flows_load: the flow named by the path parameter {id} in the
 * signed-in user's tenant, if this user may see it (see above), into *f
 * (strings in r's arena). Returns 0, or the status to return: 404 (no such
 * flow in the tenant, or not allowed), 503, 500.
 */
int page_flows_load(struct req *r, struct dbq_flow *f);

/*
 * page_flows_allowed: true when the signed-in user may see a flow reading
 * from conns[0..n) (always for an unrestricted user; a restricted one needs
 * every connection among the allowed ones, and at least one).
 */
bool page_flows_allowed(struct req *r, const uint64_t *conns, size_t n);

/*
 * page_flows_render_show: the flow's page for f, with the result of a
 * 接続テスト when test_message is not NULL (test_ok: success or failure).
 * Returns status, or 500 if rendering failed.
 */
int page_flows_render_show(struct req *r, const struct dbq_flow *f, const char *test_message, bool test_ok,
    int status);

/* page_flows_view: f as the list and the page show it (id, name, template,
 * kind label, destination label and place, schedule text, next run in JST,
 * paused, keep days, status of the last run). In r's arena. */
struct view *page_flows_view(struct req *r, const struct dbq_flow *f);

/*
 * page_flows_record: the audit entry (action, e.g. "flow.update"; detail
 * "flow=<id>" and, when extra is not "", a space and extra) and the log line
 * of one change by the signed-in user. extra must never hold a secret or
 * customer text. A failed audit append is logged, not returned.
 */
void page_flows_record(struct req *r, const char *action, uint64_t id, const char *extra);

/* page_flows_test_view: the view "test" of the flows/test_result partial
 * ({ok, message}) for a 接続テスト result. In r's arena. */
struct view *page_flows_test_view(struct req *r, const char *message, bool ok);

/* page_flows_id: s as a row id (a decimal 1 .. 2^63-1 without sign, spaces
 * or leading zeros), or 0 when it is not one. */
uint64_t page_flows_id(const char *s);

/* page_flows_db_status: the HTTP status for a database error (404, 503, 500). */
int page_flows_db_status(int rc);

#endif
