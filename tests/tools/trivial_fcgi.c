/* trivial_fcgi.c: the benchmark baseline, a libfcgi responder answering every request with a fixed ~2 KB page. */
/*
 * Usage: trivial_fcgi SOCKET [N]
 *
 * Opens the FastCGI Unix socket SOCKET (a stale socket file is replaced; any other file is an
 * error), then pre-forks N (default 1, at most 64) processes that each run the FCGX_Accept_r
 * loop and answer "200 text/html" with the same body. It does the least a responder can do, so
 * nginx in front of it shows the limit of the stack on this machine (tests/bench/run.sh).
 * The caller sets the socket's group and mode (nginx's workers must be able to connect).
 * SIGTERM or SIGINT stops the children and removes the socket (unless another server has replaced
 * it meanwhile); a child dies with its parent.
 * Exit status: 0 after a signal-initiated stop, 1 on a start-up error or a crashed child, 2 on
 * bad usage.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCS 64
#define BODY_BYTES 2048

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig);
static int parse_count(const char *s, int *out);
static size_t build_body(char *out, size_t cap);
static int parent_dir_ok(const char *path);
static void serve(int listen_fd, const char *body, size_t body_len);

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int
parse_count(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > MAX_PROCS)
		return -1;
	*out = (int)v;
	return 0;
}

/* 0 when the directory that will hold the socket exists and is writable. */
static int
parent_dir_ok(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return access(".", W_OK | X_OK);
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return access(dir, W_OK | X_OK);
}

/* A small valid HTML page padded with a comment to exactly BODY_BYTES bytes. */
static size_t
build_body(char *out, size_t cap)
{
	static const char head[] =
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>trivial</title></head><body><p>trivial FastCGI responder</p>\n<!-- ";
	static const char tail[] = " -->\n</body></html>\n";
	size_t hl = sizeof head - 1, tl = sizeof tail - 1, n = 0;

	if (cap < BODY_BYTES || hl + tl >= BODY_BYTES)
		return 0;
	memcpy(out, head, hl);
	n = hl;
	while (n < BODY_BYTES - tl) {
		out[n] = (char)('a' + n % 26);
		n++;
	}
	memcpy(out + n, tail, tl);
	return n + tl;
}

static void
serve(int listen_fd, const char *body, size_t body_len)
{
	static const char hdr[] = "Status: 200 OK\r\n"
				  "Content-Type: text/html; charset=utf-8\r\n"
				  "Cache-Control: no-store\r\n"
				  "\r\n";
	FCGX_Request r;

	if (FCGX_InitRequest(&r, listen_fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(hdr, (int)(sizeof hdr - 1), r.out);
		FCGX_PutStr(body, (int)body_len, r.out);
		FCGX_Finish_r(&r);
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	static char body[BODY_BYTES];
	pid_t kids[MAX_PROCS];
	struct sigaction sa;
	struct stat st, own;
	size_t body_len;
	int n = 1, fd, i, alive, status, rc = 0;

	if (argc < 2 || argc > 3 || argv[1][0] == '\0' ||
	    (argc == 3 && parse_count(argv[2], &n) != 0)) {
		fprintf(stderr, "usage: trivial_fcgi SOCKET [N processes, 1..%d]\n", MAX_PROCS);
		return 2;
	}
	body_len = build_body(body, sizeof body);
	if (body_len == 0) {
		fputs("trivial_fcgi: cannot build the body\n", stderr);
		return 1;
	}
	if (lstat(argv[1], &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "trivial_fcgi: %s exists and is not a socket\n", argv[1]);
			return 1;
		}
		unlink(argv[1]);
	}
	/* FCGX_OpenSocket exit()s on a bind failure; catch the usual causes with a clear message. */
	if (strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "trivial_fcgi: socket path too long: %s\n", argv[1]);
		return 1;
	}
	if (parent_dir_ok(argv[1]) != 0) {
		fprintf(stderr, "trivial_fcgi: the directory of %s does not exist or is not writable\n",
			argv[1]);
		return 1;
	}
	if (FCGX_Init() != 0) {
		fputs("trivial_fcgi: FCGX_Init failed\n", stderr);
		return 1;
	}
	fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0) {
		fprintf(stderr, "trivial_fcgi: cannot listen on %s\n", argv[1]);
		return 1;
	}
	if (lstat(argv[1], &own) != 0) {
		fprintf(stderr, "trivial_fcgi: %s vanished after bind\n", argv[1]);
		return 1;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("trivial_fcgi: fork");
			n = i;
			stop_requested = 1;
			rc = 1;
			break;
		}
		if (kids[i] == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);
			serve(fd, body, body_len);
		}
	}
	fprintf(stderr, "trivial_fcgi: %d process(es) on %s\n", n, argv[1]);

	alive = n;
	while (alive > 0) {
		if (stop_requested) {
			for (i = 0; i < n; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGTERM);
		}
		pid_t p = waitpid(-1, &status, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (kids[i] == p) {
				kids[i] = 0;
				alive--;
				if (!stop_requested) {
					fprintf(stderr, "trivial_fcgi: child %d exited (status %d)\n",
						(int)p, status);
					rc = 1;
					stop_requested = 1;
				}
			}
		}
	}
	close(fd);
	/* Remove the socket only if it is still ours (another server may have replaced it). */
	if (lstat(argv[1], &st) == 0 && st.st_ino == own.st_ino && st.st_dev == own.st_dev)
		unlink(argv[1]);
	return rc;
}
