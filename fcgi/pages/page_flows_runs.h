/* page_flows_runs.h: a flow's runs — the history, one run with its issues and records, 再送, the produced file. */
#ifndef ECC_PAGE_FLOWS_RUNS_H
#define ECC_PAGE_FLOWS_RUNS_H

struct req;
struct dbq_flow_run;
struct view;

/*
 * Handlers (routes.c, all R_AUTH). The flow comes from page_flows_load
 * (tenant, per-user restriction: 404 otherwise); a run of another flow is
 * 404. Viewers read the history and a run's issues; editors ask for a 再送
 * of a run (its stored file delivered again, audited flow.resend_run) or of
 * chosen records (their ledger rows removed and a run requested, audited
 * flow.resend_records with the count) and download files (editor and
 * admin only, see page_flows.h; audited flow.download).
 */
int page_flows_runs_list(struct req *r);      /* GET /flows/{id:int}/runs */
int page_flows_runs_show(struct req *r);      /* GET /flows/{id:int}/runs/{run:int} */
int page_flows_runs_resend(struct req *r);    /* POST /flows/{id:int}/runs/{run:int}/resend */
int page_flows_runs_records(struct req *r);   /* POST /flows/{id:int}/runs/{run:int}/resend-records ("record" repeated) */
int page_flows_runs_file(struct req *r);      /* GET /flows/{id:int}/runs/{run:int}/file */

/* page_flows_runs_view: one run as the history rows show it (times in JST,
 * trigger, status, counts, file, delivery). In r's arena. */
struct view *page_flows_runs_view(struct req *r, const struct dbq_flow_run *run);

#endif
