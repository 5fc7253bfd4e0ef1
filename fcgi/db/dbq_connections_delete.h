/* dbq_connections_delete.h: deleting a connection and everything it brought in, in short transactions. */
#ifndef ECC_DBQ_CONNECTIONS_DELETE_H
#define ECC_DBQ_CONNECTIONS_DELETE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/*
 * dbq_connections_delete_run: remove the connection (tenant_id, id) and
 * everything it brought in, so that a big shop never holds locks for long.
 * tenant_id comes from the session, never from a request parameter; a
 * connection of another tenant behaves exactly like a missing one.
 *   1. one transaction: lock the row, set paused = 1 and delete its
 *      sync_jobs rows (the fetcher can no longer claim it; a run in
 *      progress fails its next page commit because that commit updates the
 *      job row, which is gone — the fetcher must roll back then);
 *   2. in chunks of at most 1000 rows per statement, one transaction per
 *      chunk: sync_record_errors, sync_runs, shipments, stock_levels,
 *      products with their source_payloads, orders with their order_lines
 *      and source_payloads (the lines of one chunk of orders are at most
 *      about 1000 rows: the chunk is cut by the orders' line_count);
 *   3. one transaction: user_connection_access rows and the connection row.
 * The connection row goes LAST, so a delete that stops half-way (deadline,
 * crash, database outage) leaves a visible connection (paused, job_count 0)
 * and calling this again resumes where it stopped. deadline_ms (epoch ms,
 * clock_now_ms; 0 = none) bounds the work: when it passes between chunks
 * the call returns 0 with *done = false and the caller calls again later.
 * a is not used: the work runs in a scratch arena of its own (malloc'd,
 * reset after every chunk and freed before returning), so a big shop does
 * not grow the caller's arena.
 * Returns 0 (*done true once the row is gone), -ERR_NOT_FOUND (no such
 * connection: nothing to do), or -ERR_UNAVAILABLE / -ERR_DB from the
 * database (what was committed stays deleted; call again).
 */
int dbq_connections_delete_run(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			       int64_t deadline_ms, bool *done);

#endif
