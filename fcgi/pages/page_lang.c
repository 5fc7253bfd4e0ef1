/* page_lang.c: the language switch (日本語 / English), remembered in a cookie. */
#include "page_lang.h"

#include <string.h>

#include "core/err.h"
#include "http/path.h"
#include "http/req.h"
#include "pages/render.h"

int
page_lang_set(struct req *r)
{
	const char *lang = NULL, *next = NULL;
	if (req_form(r, "lang", &lang) != 0 || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
		return 400;
	int rc = req_form(r, "next", &next);
	if (rc == -ERR_CONFLICT)
		return 400;
	char *norm = NULL;
	if (rc != 0 || next[0] != '/' || path_normalize(r->arena, next, strlen(next), &norm) != 0)
		norm = "/";
	resp_cookie(r, "__Host-ecc_lang", lang, 365L * 24 * 3600, SAMESITE_LAX);
	r->lang = lang;
	render_flash_set(r, "lang_changed");
	return resp_redirect(r, norm);
}
