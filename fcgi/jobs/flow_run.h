/* flow_run.h: one fetcher step for flows — claim a due flow, convert what it has not delivered yet, deliver, book. */
#ifndef ECC_FLOW_RUN_H
#define ECC_FLOW_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "delivery/delivery.h"

struct db;

/* What a fetcher process brings to every flow run. Everything is owned by the caller and outlives the calls. */
struct flow_env {
	struct db *db;
	const struct delivery_opts *delivery; /* outbound allowlist, CA file (from the configuration) */
	const char *owner;                    /* "<host>:<pid>:<random>": the lease owner id */
	uint64_t only_tenant;                 /* claim only this tenant's flows; 0 = every tenant */
	int lease_s;                          /* how long a claimed flow is ours [600]: longer than a
					       * conversion plus a delivery (its timeout is 120 s) */
};

/* The result of one flow run (strings in the arena given to flow_run_next). */
struct flow_outcome {
	uint64_t tenant_id;
	uint64_t flow_id;
	uint64_t run_id;
	const char *trigger;          /* schedule | manual | resend_run | resend_record */
	const char *status;           /* ok | partial | nothing | failed */
	const char *delivery_status;  /* none | delivered | failed | download */
	unsigned records_in, records_out, records_failed, unencodable;
	const char *message;          /* the error or the delivery result, Japanese; "" when none */
	bool lost_lease;              /* another fetcher took the flow over: nothing was booked */
};

/*
 * flow_run_next: claim the flow that is due (dbq_flows_claim_due) and run it:
 *
 *  - a normal run (schedule, 今すぐ実行, 再送 of records) reads the records
 *    of the flow's source connections that its ledger does not hold yet
 *    (oldest first, at most DBQ_CONVSRC_LIMIT_MAX units), converts them with
 *    the template's current version — its filter AND the flow's own filter
 *    expression — and lookup() tables, and delivers the file: stored for
 *    download, or put on the SFTP server / POSTed to the URL
 *    (delivery_send, secrets from dbq_flows_secret). The file, the run's
 *    counts and per-record issues and — only when delivered (or stored for a
 *    download flow) — one ledger row per delivered record are written in one
 *    transaction (dbq_flows_run_finish). Nothing new: status "nothing", no
 *    file. A failed delivery: status "failed" with the delivery's message,
 *    the file stored for inspection, no ledger rows (the next run tries
 *    those records again);
 *  - a 再送 of a run delivers that run's stored file again (same bytes, same
 *    name) as a run with trigger resend_run, stores it again and books
 *    nothing.
 *
 * The next scheduled time is computed from the flow's schedule
 * (flow_schedule.h) when the run ends. Returns 0 when a flow ran (its
 * result in *out), -ERR_NOT_FOUND when nothing is due, or a database error
 * (the claim itself failed).
 */
int flow_run_next(const struct flow_env *env, struct arena *a, struct flow_outcome *out);

#endif
