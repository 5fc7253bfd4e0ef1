/* routes.c: THE route table — every URL the service answers, with its zone, checks and handler. */
#include "routes.h"

#include "http/req.h"
#include "pages/page_dashboard.h"
#include "pages/page_enrol.h"
#include "pages/page_health.h"
#include "pages/page_home.h"
#include "pages/page_invite.h"
#include "pages/page_lang.h"
#include "pages/page_login.h"
#include "pages/page_ops_home.h"
#include "pages/page_ops_notices.h"
#include "pages/page_test.h"
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
