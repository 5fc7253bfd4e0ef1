/* web_main.c: ecc-web — the FastCGI worker pool of one zone (customer site or operator console). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "server/app.h"
#include "server/supervisor.h"

static void
usage(void)
{
	fputs("usage: ecc-web --zone customer|ops [--config FILE] [--workers N] [--pidfile FILE] [--check]\n"
	      "  --zone     which routes this pool serves\n"
	      "  --config   configuration file (default: $ECC_CONFIG; keys may be overridden by ECC_* variables)\n"
	      "  --workers  worker processes (default: the config's workers, 0 = number of CPUs)\n"
	      "  --pidfile  write the supervisor's pid here (removed at exit)\n"
	      "  --check    load configuration, catalogs and templates, report errors, exit\n",
	      stderr);
}

int
main(int argc, char **argv)
{
	const char *zone_s = NULL, *config = getenv("ECC_CONFIG"), *pidfile = NULL;
	int workers = -1;
	bool check = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--zone") == 0 && i + 1 < argc)
			zone_s = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end != '\0' || n < 1 || n > 256) {
				fputs("ecc-web: --workers takes 1..256\n", stderr);
				return 2;
			}
			workers = (int)n;
		} else if (strcmp(argv[i], "--pidfile") == 0 && i + 1 < argc)
			pidfile = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check = true;
		else {
			usage();
			return 2;
		}
	}
	enum zone zone = app_zone_parse(zone_s);
	if (zone == 0) {
		usage();
		return 2;
	}
	log_init("ecc-web", zone == ZONE_OPS ? "ops" : "customer", LOG_INFO);
	struct arena *tmp = arena_new(0);
	struct buf err;
	buf_init(&err, tmp, 256);
	struct app *app = NULL;
	if (app_load(config, zone, &app, &err) != 0) {
		fprintf(stderr, "ecc-web: %s\n", err.data);
		log_event(LOG_ERROR, "start_failed", LOG_S("error", err.data));
		arena_free(tmp);
		return 1;
	}
	arena_free(tmp);
	log_init("ecc-web", zone == ZONE_OPS ? "ops" : "customer", log_level_parse(app->cfg.log_level));
	if (check) {
		fputs("ecc-web: configuration, catalogs and templates OK\n", stderr);
		app_free(app);
		return 0;
	}
	if (workers < 0)
		workers = app->cfg.workers > 0 ? app->cfg.workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (workers < 1)
		workers = 1;
	return supervisor_run(app, workers, pidfile);
}
