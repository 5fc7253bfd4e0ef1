/* page_ops_notices.c: the operator console's list of published notices (お知らせ). */
#include "page_ops_notices.h"

#include "core/err.h"
#include "db/dbq_notices.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_home.h"
#include "pages/render.h"
#include "server/app.h"

#define OPS_NOTICES_MAX 100

int
page_ops_notices(struct req *r)
{
	struct view *root = render_root(r);
	int st = page_home_notices(r, root, OPS_NOTICES_MAX, false);
	if (st != 0)
		return st;
	return render_page(r, "ops/notices", root, 200);
}
