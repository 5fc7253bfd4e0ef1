/* routes.c: THE route table — every URL the service answers, with its zone, checks and handler. */
#include "routes.h"

#include "http/req.h"
#include "pages/page_account.h"
#include "pages/page_audit.h"
#include "pages/page_catalog.h"
#include "pages/page_connections.h"
#include "pages/page_connections_delete.h"
#include "pages/page_connections_form.h"
#include "pages/page_connections_test.h"
#include "pages/page_dashboard.h"
#include "pages/page_enrol.h"
#include "pages/page_flows.h"
#include "pages/page_flows_actions.h"
#include "pages/page_flows_form.h"
#include "pages/page_flows_runs.h"
#include "pages/page_health.h"
#include "pages/page_history.h"
#include "pages/page_home.h"
#include "pages/page_invite.h"
#include "pages/page_lang.h"
#include "pages/page_login.h"
#include "pages/page_lookups.h"
#include "pages/page_lookups_csv.h"
#include "pages/page_ops_home.h"
#include "pages/page_ops_notices.h"
#include "pages/page_orders.h"
#include "pages/page_password_reset.h"
#include "pages/page_reauth.h"
#include "pages/page_security.h"
#include "pages/page_sync.h"
#include "pages/page_templates.h"
#include "pages/page_templates_edit.h"
#include "pages/page_templates_preview.h"
#include "pages/page_templates_versions.h"
#include "pages/page_test.h"
#include "pages/page_users.h"
#include "pages/page_users_actions.h"
#include "server/app.h"

/* One row per route; ROUTE keeps the handler's name for tests and logs. */
#define ROUTE(methods, pattern, fn, zones, flags, role) \
	{ (methods), (pattern), (fn), #fn, (zones), (flags), (role) }

#define CUST ZONE_CUSTOMER
#define OPS ZONE_OPS
#define BOTH (ZONE_CUSTOMER | ZONE_OPS)

const struct route routes[] = {
	/* customer site */
	ROUTE(HTTP_GET, "/", page_home, CUST, 0, ROLE_NONE),
	ROUTE(HTTP_POST, "/lang", page_lang_set, BOTH, R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/healthz", page_health, BOTH, 0, ROLE_NONE),

	/* signing in (accounts) */
	ROUTE(HTTP_GET, "/login", page_login_form, CUST, 0, ROLE_NONE),
	ROUTE(HTTP_POST, "/login", page_login_submit, CUST, R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/login/2fa", page_login_2fa_form, CUST, R_AUTH | R_PENDING, ROLE_NONE),
	ROUTE(HTTP_POST, "/login/2fa", page_login_2fa_submit, CUST, R_AUTH | R_PENDING | R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/enrol", page_enrol_form, CUST, R_AUTH | R_PENDING, ROLE_NONE),
	ROUTE(HTTP_POST, "/enrol", page_enrol_submit, CUST, R_AUTH | R_PENDING | R_CSRF, ROLE_NONE),
	ROUTE(HTTP_POST, "/logout", page_logout, CUST, R_AUTH | R_PENDING | R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/invite/{token:str}", page_invite_form, CUST, 0, ROLE_NONE),
	ROUTE(HTTP_POST, "/invite", page_invite_submit, CUST, R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/dashboard", page_dashboard, CUST, R_AUTH, ROLE_VIEWER),

	/* user management (tenant admins) */
	ROUTE(HTTP_GET, "/reauth", page_reauth_form, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/reauth", page_reauth_submit, CUST, R_AUTH | R_CSRF, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/users", page_users_list, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users", page_users_actions_invite, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/users/new", page_users_new, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/users/{id:int}", page_users_show, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/role", page_users_actions_role, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/disable", page_users_actions_disable, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/enable", page_users_actions_enable, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/unlock", page_users_actions_unlock, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/connections", page_users_actions_connections, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/delete", page_users_actions_delete, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/resend", page_users_actions_resend, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/reset-2fa", page_users_actions_reset_2fa, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/users/{id:int}/end-sessions", page_users_actions_end_sessions, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),

	/* my account, security settings, histories */
	ROUTE(HTTP_GET, "/account", page_account, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/account/lang", page_account_lang, CUST, R_AUTH | R_CSRF, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/account/password", page_account_password, CUST, R_AUTH | R_CSRF, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/account/sessions", page_account_sessions, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/account/sessions/revoke", page_account_session_revoke, CUST, R_AUTH | R_CSRF, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/account/history", page_history_mine, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/password/forgot", page_password_reset_form, CUST, 0, ROLE_NONE),
	ROUTE(HTTP_POST, "/password/forgot", page_password_reset_submit, CUST, R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/settings/security", page_security_form, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_POST, "/settings/security", page_security_submit, CUST, R_AUTH | R_CSRF, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/login-history", page_history, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/login-history.csv", page_history_csv, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/audit", page_audit, CUST, R_AUTH, ROLE_ADMIN),
	ROUTE(HTTP_GET, "/audit.csv", page_audit_csv, CUST, R_AUTH, ROLE_ADMIN),

	/* connections (connection screens, 接続テスト). Viewers read; editors add, edit, test and delete
	 * (the accounts issue: editor = connections); deleting also asks for a fresh second factor. */
	ROUTE(HTTP_GET, "/connections", page_connections_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/connections", page_connections_form_create, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/connections/new", page_connections_form_new, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/connections/{id:int}", page_connections_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/connections/{id:int}/edit", page_connections_form_edit, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/connections/{id:int}/edit", page_connections_form_update, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/connections/{id:int}/test", page_connections_test_run, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/connections/{id:int}/delete", page_connections_delete_form, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/connections/{id:int}/delete", page_connections_delete_submit, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),

	/* orders, products and stock */
	ROUTE(HTTP_GET, "/orders", page_orders_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/orders/{id:int}", page_orders_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/products", page_catalog_products, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/stock", page_catalog_stock, CUST, R_AUTH, ROLE_VIEWER),

	/* sync: run history, 今すぐ同期, pause and resume */
	ROUTE(HTTP_GET, "/connections/{id:int}/runs", page_sync_runs, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/connections/{id:int}/runs/{run:int}", page_sync_run, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/connections/{id:int}/sync", page_sync_now, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/connections/{id:int}/pause", page_sync_pause, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/connections/{id:int}/resume", page_sync_resume, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),

	/* conversion templates (versions, preview, compare, rollback) and code lookup tables */
	/* Viewers read templates, previews (personal data masked), versions and code tables; editors change them
	 * (page_templates.h, page_lookups.h). */
	ROUTE(HTTP_GET, "/templates", page_templates_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/templates", page_templates_edit_create, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/templates/new", page_templates_edit_new, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/templates/standard", page_templates_edit_standard, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/templates/preview", page_templates_preview_new, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/templates/{id:int}", page_templates_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/templates/{id:int}/edit", page_templates_edit_form, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/templates/{id:int}/edit", page_templates_edit_update, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/templates/{id:int}/preview", page_templates_preview_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/templates/{id:int}/preview", page_templates_preview_post, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/templates/{id:int}/download", page_templates_preview_download, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/templates/{id:int}/versions", page_templates_versions_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/templates/{id:int}/compare", page_templates_versions_compare, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/templates/{id:int}/rollback", page_templates_versions_rollback, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/templates/{id:int}/delete", page_templates_delete, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/lookups", page_lookups_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/lookups", page_lookups_create, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/lookups/{id:int}", page_lookups_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/lookups/{id:int}/edit", page_lookups_update, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/lookups/{id:int}/delete", page_lookups_delete, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/lookups/{id:int}/entries", page_lookups_entries, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/lookups/{id:int}/import", page_lookups_csv_import, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/lookups/{id:int}/export", page_lookups_csv_export, CUST, R_AUTH, ROLE_VIEWER),

	/* flows (連携フロー): schedule, run now, pause, history, 再送, file downloads */
	/* Viewers read flows, runs and issues; editors change, run, resend and download (a file holds buyers'
	 * personal data unmasked, which viewers only see masked: page_flows.h). */
	ROUTE(HTTP_GET, "/flows", page_flows_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/flows", page_flows_form_create, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/flows/new", page_flows_form_new, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/flows/{id:int}", page_flows_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/flows/{id:int}/edit", page_flows_form_edit, CUST, R_AUTH, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/edit", page_flows_form_update, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/run", page_flows_actions_run, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/pause", page_flows_actions_pause, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/resume", page_flows_actions_resume, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/test", page_flows_actions_test, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/delete", page_flows_actions_delete, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/flows/{id:int}/runs", page_flows_runs_list, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_GET, "/flows/{id:int}/runs/{run:int}", page_flows_runs_show, CUST, R_AUTH, ROLE_VIEWER),
	ROUTE(HTTP_POST, "/flows/{id:int}/runs/{run:int}/resend", page_flows_runs_resend, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_POST, "/flows/{id:int}/runs/{run:int}/resend-records", page_flows_runs_records, CUST, R_AUTH | R_CSRF, ROLE_EDITOR),
	ROUTE(HTTP_GET, "/flows/{id:int}/runs/{run:int}/file", page_flows_runs_file, CUST, R_AUTH, ROLE_EDITOR),

	/* operator console */
	ROUTE(HTTP_GET, "/", page_ops_home, OPS, 0, ROLE_NONE),
	ROUTE(HTTP_GET, "/notices", page_ops_notices, OPS, 0, ROLE_NONE),

#ifdef ECC_TEST
	/* test builds only: never compiled into release binaries */
	ROUTE(HTTP_GET, "/__test/fail", page_test_fail, BOTH, 0, ROLE_NONE),
	ROUTE(HTTP_GET, "/__test/sleep", page_test_sleep, BOTH, 0, ROLE_NONE),
	ROUTE(HTTP_POST, "/__test/echo", page_test_echo, CUST, R_CSRF, ROLE_NONE),
	ROUTE(HTTP_GET, "/__test/item/{id:int}", page_test_item, CUST, 0, ROLE_NONE),
	ROUTE(HTTP_GET, "/__test/big", page_test_big, CUST, 0, ROLE_NONE),
#endif
};

const size_t routes_count = sizeof routes / sizeof routes[0];
