/* page_flows_actions.h: what an editor does to a saved flow — 今すぐ実行, pause, resume, 接続テスト, delete. */
#ifndef ECC_PAGE_FLOWS_ACTIONS_H
#define ECC_PAGE_FLOWS_ACTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct req;
struct delivery_target;

/*
 * Handlers (routes.c, R_AUTH | R_CSRF, editors). The flow comes from
 * page_flows_load (404 otherwise). Each is audited: flow.run_now,
 * flow.pause, flow.resume, flow.test (result=ok|failed and the category),
 * flow.delete. 今すぐ実行 asks ecc-fetch to run the flow at its next pass
 * (a paused flow too); pause stops the schedule (runs asked for still
 * happen); resume schedules the next run from now. 接続テスト checks the
 * saved SFTP/HTTP destination without sending anything (delivery_test)
 * and shows the result on the flow's page. Delete needs the confirmation
 * box ("confirm" = "1") and removes the flow with its history, files and
 * ledger (a new flow would deliver everything again).
 */
int page_flows_actions_run(struct req *r);     /* POST /flows/{id:int}/run */
int page_flows_actions_pause(struct req *r);   /* POST /flows/{id:int}/pause */
int page_flows_actions_resume(struct req *r);  /* POST /flows/{id:int}/resume */
int page_flows_actions_test(struct req *r);    /* POST /flows/{id:int}/test */
int page_flows_actions_delete(struct req *r);  /* POST /flows/{id:int}/delete */

/*
 * page_flows_actions_test_target: run delivery_test for t (the 接続テスト of
 * the saved destination and of the form), audit it as flow.test for flow id
 * (0: a flow not saved yet) and return the message to show; *ok receives
 * the outcome.
 */
const char *page_flows_actions_test_target(struct req *r, uint64_t id, const struct delivery_target *t, bool *ok);

#endif
