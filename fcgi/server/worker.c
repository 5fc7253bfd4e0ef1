/* worker.c: one worker process — the FastCGI accept loop on one socket. */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "server/app.h"
#include "server/dispatch.h"

static volatile sig_atomic_t stopping;
static volatile int listen_fd = -1;

/* SIGTERM: stop accepting. Closing our copy of the listening socket makes
 * an accept() that is about to start fail at once; one already blocked is
 * interrupted (no SA_RESTART, FCGI_FAIL_ACCEPT_ON_INTR). The supervisor and
 * the other workers keep their own copies. */
static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	if (listen_fd >= 0) {
		int fd = listen_fd;
		listen_fd = -1;
		close(fd);
	}
}

int
worker_run(struct app *app, int fd, int index)
{
	char name[16];
	snprintf(name, sizeof name, "ecc-%s-%d", app->zone == ZONE_OPS ? "ops" : "web", index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);

	listen_fd = fd;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	sigset_t term, none;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigemptyset(&none);

	if (FCGX_Init() != 0) {
		log_event0(LOG_ERROR, "fcgx_init_failed");
		_exit(1);
	}
	db_global_init();
	FCGX_Request fcgx;
	FCGX_InitRequest(&fcgx, fd, FCGI_FAIL_ACCEPT_ON_INTR);
	struct arena *a = arena_new(app->cfg.request_mem_cap);
	log_event(LOG_INFO, "worker_started", LOG_I("index", index), LOG_I("pid", getpid()));

	while (!stopping) {
		sigprocmask(SIG_SETMASK, &none, NULL); /* a pending SIGTERM lands here */
		if (stopping)
			break;
		int rc = FCGX_Accept_r(&fcgx);
		sigprocmask(SIG_BLOCK, &term, NULL);
		if (rc < 0) {
			if (stopping)
				break;
			if (rc != -EINTR && rc != -ECONNABORTED)
				log_event(LOG_WARN, "accept_failed", LOG_I("rc", rc));
			continue;
		}
		dispatch_request(app, &fcgx, a);
		FCGX_Finish_r(&fcgx);
		arena_reset(a);
	}
	FCGX_Free(&fcgx, 1);
	arena_free(a);
	db_close(app->db);
	log_event(LOG_INFO, "worker_stopped", LOG_I("index", index), LOG_I("pid", getpid()));
	return 0;
}
