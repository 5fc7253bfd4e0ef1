/* app.h: process-lifetime state of one ecc-web pool — configuration, templates, database handle, zone. */
#ifndef ECC_APP_H
#define ECC_APP_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"

struct tmpl_set;
struct db;

/* A pool serves one zone; a route lists the zones it exists in. */
enum zone { ZONE_CUSTOMER = 1, ZONE_OPS = 2 };

#define ECC_VERSION "0.1.0"

struct app {
	struct arena *arena;   /* process lifetime; never reset */
	const char *config_path;
	struct config cfg;
	enum zone zone;
	const char *zone_name; /* "customer" | "ops" */
	struct tmpl_set *tmpl;
	struct db *db;         /* opened lazily by the worker; never in the supervisor */
};

/*
 * app_load: build a complete app in a fresh arena: configuration, secrets,
 * message catalogs and templates (compiled, partials linked). On failure
 * returns a negative ERR_* with "file:line: message" in err and frees what
 * it built; *out is untouched. On success *out owns its arena (app_free).
 */
int app_load(const char *config_path, enum zone zone, struct app **out, struct buf *err);

/* app_free: release an app built by app_load (NULL is a no-op). */
void app_free(struct app *app);

/* app_zone_parse: "customer" | "ops" → zone, 0 if neither. */
enum zone app_zone_parse(const char *s);

#endif
