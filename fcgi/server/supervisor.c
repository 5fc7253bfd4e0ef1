/* supervisor.c: the ecc-web parent — owns the sockets, forks the workers, restarts, reloads, stops. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "server/app.h"
#include "server/worker.h"

#define SUP_MAX_WORKERS 256
#define SUP_STOP_GRACE_MS 10000

struct slot {
	int fd;
	pid_t pid;        /* current worker, 0 if none */
	pid_t retiring;   /* old worker finishing after a reload, 0 if none */
	int64_t last_start_ms;
	int quick_deaths; /* deaths within 2 s of start, in a row */
	int64_t next_restart_ms; /* when an empty slot may be refilled */
	char path[256];
};

static struct slot slots[SUP_MAX_WORKERS];
static int nslots;

static int
open_socket(struct slot *s, const char *dir, const char *zone, int i, gid_t gid)
{
	int n = snprintf(s->path, sizeof s->path, "%s/%s-%d.sock", dir, zone, i);
	if (n < 0 || (size_t)n >= sizeof s->path || (size_t)n >= 100) {
		log_event(LOG_ERROR, "socket_path_too_long", LOG_S("dir", dir));
		return -1;
	}
	unlink(s->path);
	mode_t old = umask(0117);
	s->fd = FCGX_OpenSocket(s->path, 256);
	umask(old);
	if (s->fd < 0) {
		log_event(LOG_ERROR, "socket_open_failed", LOG_S("path", s->path));
		return -1;
	}
	fcntl(s->fd, F_SETFD, 0); /* inherited by workers */
	if (gid != (gid_t)-1 && chown(s->path, (uid_t)-1, gid) != 0)
		log_event(LOG_WARN, "socket_chown_failed", LOG_S("path", s->path));
	chmod(s->path, 0660);
	return 0;
}

static pid_t
spawn(struct app *app, int i)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_event(LOG_ERROR, "fork_failed", LOG_I("slot", i));
		return 0;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int k = 0; k < nslots; k++)
			if (k != i)
				close(slots[k].fd);
		_exit(worker_run(app, slots[i].fd, i));
	}
	slots[i].pid = pid;
	slots[i].last_start_ms = clock_now_ms();
	return pid;
}

static int
find_slot(pid_t pid, bool *retiring)
{
	for (int i = 0; i < nslots; i++) {
		if (slots[i].pid == pid) {
			*retiring = false;
			return i;
		}
		if (slots[i].retiring == pid) {
			*retiring = true;
			return i;
		}
	}
	return -1;
}

static void
reap(struct app *app, bool stopping)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		bool retiring;
		int i = find_slot(pid, &retiring);
		if (i < 0)
			continue;
		if (retiring) {
			slots[i].retiring = 0;
			continue;
		}
		slots[i].pid = 0;
		if (stopping)
			continue;
		int64_t lived = clock_now_ms() - slots[i].last_start_ms;
		slots[i].quick_deaths = lived < 2000 ? slots[i].quick_deaths + 1 : 0;
		log_event(LOG_WARN, "worker_died", LOG_I("slot", i), LOG_I("pid", pid),
			  LOG_I("signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0),
			  LOG_I("exit", WIFEXITED(status) ? WEXITSTATUS(status) : -1),
			  LOG_I("lived_ms", lived));
		if (slots[i].quick_deaths < 3)
			spawn(app, i);
		else /* crash-loop damping: the main loop refills it in a second */
			slots[i].next_restart_ms = clock_now_ms() + 1000;
	}
}

static void
reload(struct app **app)
{
	struct arena *tmp = arena_new(0);
	struct buf err;
	buf_init(&err, tmp, 256);
	struct app *fresh = NULL;
	int rc = app_load((*app)->config_path, (*app)->zone, &fresh, &err);
	if (rc != 0) {
		log_event(LOG_ERROR, "reload_failed", LOG_S("error", err.data));
		arena_free(tmp);
		return;
	}
	arena_free(tmp);
	struct app *old = *app;
	*app = fresh;
	for (int i = 0; i < nslots; i++) {
		pid_t prev = slots[i].pid;
		spawn(*app, i);
		if (prev > 0) {
			slots[i].retiring = prev;
			kill(prev, SIGTERM);
		}
	}
	/* the old app's memory stays mapped in the retiring workers; the
	 * supervisor no longer needs it */
	app_free(old);
	log_event0(LOG_INFO, "reloaded");
}

static void
stop_all(struct app *app)
{
	for (int i = 0; i < nslots; i++) {
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
		if (slots[i].retiring > 0)
			kill(slots[i].retiring, SIGTERM);
	}
	int64_t deadline = clock_now_ms() + SUP_STOP_GRACE_MS;
	for (;;) {
		reap(app, true);
		bool any = false;
		for (int i = 0; i < nslots; i++)
			any |= slots[i].pid > 0 || slots[i].retiring > 0;
		if (!any)
			break;
		if (clock_now_ms() > deadline) {
			for (int i = 0; i < nslots; i++) {
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGKILL);
				if (slots[i].retiring > 0)
					kill(slots[i].retiring, SIGKILL);
			}
			log_event0(LOG_WARN, "stop_grace_expired");
			deadline = clock_now_ms() + 2000;
		}
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int
supervisor_run(struct app *app, int nworkers, const char *pidfile)
{
	if (nworkers < 1 || nworkers > SUP_MAX_WORKERS)
		return 1;
	gid_t gid = (gid_t)-1;
	if (app->cfg.socket_group[0] != '\0') {
		struct group *g = getgrnam(app->cfg.socket_group);
		if (g == NULL) {
			log_event(LOG_ERROR, "unknown_socket_group", LOG_S("group", app->cfg.socket_group));
			return 1;
		}
		gid = g->gr_gid;
	}
	mkdir(app->cfg.socket_dir, 0750);
	if (gid != (gid_t)-1 && chown(app->cfg.socket_dir, (uid_t)-1, gid) != 0)
		log_event(LOG_WARN, "socket_dir_chown_failed", LOG_S("dir", app->cfg.socket_dir));
	nslots = nworkers;
	for (int i = 0; i < nslots; i++)
		if (open_socket(&slots[i], app->cfg.socket_dir, app->zone_name, i, gid) != 0)
			return 1;

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		if (f != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}
	for (int i = 0; i < nslots; i++)
		spawn(app, i);
	log_event(LOG_INFO, "supervisor_started", LOG_I("workers", nslots), LOG_I("pid", getpid()));

	for (;;) {
		struct timespec tick = { 0, 250 * 1000000L };
		siginfo_t info;
		int sig = sigtimedwait(&set, &info, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			reload(&app);
		reap(app, false);
		int64_t now = clock_now_ms();
		for (int i = 0; i < nslots; i++)
			if (slots[i].pid == 0 && now >= slots[i].next_restart_ms)
				spawn(app, i);
	}
	log_event0(LOG_INFO, "supervisor_stopping");
	stop_all(app);
	for (int i = 0; i < nslots; i++) {
		close(slots[i].fd);
		unlink(slots[i].path);
	}
	if (pidfile != NULL)
		unlink(pidfile);
	log_event0(LOG_INFO, "supervisor_stopped");
	app_free(app);
	return 0;
}
