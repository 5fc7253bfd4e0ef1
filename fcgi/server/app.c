/* app.c: process-lifetime state of one ecc-web pool — configuration, templates, database handle, zone. */
#include "app.h"

#include <string.h>

#include "auth/pwpolicy.h"
#include "auth/totp.h"
#include "core/err.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "html/i18n.h"
#include "html/tmpl.h"

enum zone
app_zone_parse(const char *s)
{
	if (s != NULL && strcmp(s, "customer") == 0)
		return ZONE_CUSTOMER;
	if (s != NULL && strcmp(s, "ops") == 0)
		return ZONE_OPS;
	return 0;
}

int
app_load(const char *config_path, enum zone zone, struct app **out, struct buf *err)
{
	struct arena *a = arena_new(0);
	struct app *app = arena_calloc(a, 1, sizeof *app);
	app->arena = a;
	app->config_path = config_path ? arena_strdup(a, config_path) : NULL;
	app->zone = zone;
	app->zone_name = zone == ZONE_OPS ? "ops" : "customer";
	int rc = config_load(a, config_path, &app->cfg, err);
	if (rc == 0)
		rc = config_load_secrets(a, &app->cfg, CONFIG_SECRET_DB | CONFIG_SECRET_CSRF, err);
	if (rc == 0 && zone == ZONE_CUSTOMER)
		rc = keyring_load_kek(app->cfg.kek_file, err);
	if (rc == 0 && zone == ZONE_CUSTOMER && pwpolicy_blocklist_size() == 0)
		rc = pwpolicy_load_blocklist(app->cfg.password_blocklist, err) == 0 ? 0 : -ERR_CONFIG;
	if (rc == 0 && totp_global_init() != 0) {
		buf_puts(err, "liboath initialisation failed");
		rc = -ERR_CONFIG;
	}
	if (rc == 0)
		rc = i18n_load(a, arena_printf(a, "%s/i18n", app->cfg.template_dir), err);
	if (rc == 0) {
		app->tmpl = tmpl_set_new(a, TMPL_STRICT_PARTIALS);
		rc = tmpl_set_load_dir(app->tmpl, app->cfg.template_dir, err);
		if (rc == 0)
			rc = tmpl_set_link(app->tmpl, err);
	}
	if (rc != 0) {
		arena_free(a);
		return rc;
	}
	app->db = db_new(a, app->cfg.db_socket, app->cfg.db_user, app->cfg.db_password_secret,
			 app->cfg.db_name);
	*out = app;
	return 0;
}

void
app_free(struct app *app)
{
	if (app != NULL)
		arena_free(app->arena);
}
