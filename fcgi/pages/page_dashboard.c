/* page_dashboard.c: the signed-in start page. */
#include "page_dashboard.h"

#include "auth/session.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "pages/routes.h"

int
page_dashboard(struct req *r)
{
	static const char *const roles[] = { "", "role_viewer", "role_editor", "role_admin" };
	struct view *v = render_root(r);
	int role = r->session->role;
	view_set_str(r->arena, v, "role_label", render_t(r, roles[role >= ROLE_VIEWER && role <= ROLE_ADMIN ? role : 1]));
	return render_page(r, "dashboard", v, 200);
}
