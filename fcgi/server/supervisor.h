/* supervisor.h: the ecc-web parent — owns the sockets, forks the workers, restarts, reloads, stops. */
#ifndef ECC_SUPERVISOR_H
#define ECC_SUPERVISOR_H

struct app;

/*
 * supervisor_run: open one FastCGI socket per worker under
 * cfg.socket_dir/<zone>-<n>.sock (mode 0660, group cfg.socket_group),
 * fork the workers, then:
 *  - a worker that dies is replaced at once (within a second; a slot that
 *    keeps crashing is restarted at most once per second);
 *  - SIGHUP: reload configuration, catalogs and templates into a new app;
 *    if that fails the old workers keep serving and the error is logged;
 *    otherwise each slot gets a new worker and the old one finishes its
 *    request in flight and exits;
 *  - SIGTERM/SIGINT: workers finish their requests in flight and exit
 *    (SIGKILL after 10 s), sockets and the pid file are removed, return 0.
 * The sockets stay open in the supervisor, so connections queue in the
 * backlog while a worker is replaced. app is owned by the supervisor from
 * here on. Returns non-zero if the sockets cannot be set up.
 */
int supervisor_run(struct app *app, int nworkers, const char *pidfile);

#endif
