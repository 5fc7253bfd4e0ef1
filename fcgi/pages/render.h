/* render.h: the root view every page gets and the one call that renders a page template. */
#ifndef ECC_RENDER_H
#define ECC_RENDER_H

struct req;
struct view;

/*
 * render_root: a fresh root view in the request arena with the keys every
 * template may use: t (message catalog), lang, lang_ja, lang_en,
 * csrf_token, path, request_id, static_v, zone_ops, flash, year. Ensures
 * the pre-session cookie (for the CSRF token). Never NULL.
 */
struct view *render_root(struct req *r);

/*
 * render_page: render template tmpl with root into the response body as
 * text/html and return status; if rendering fails, logs the reason and
 * returns 500 with the body cleared (the router then renders the error page).
 */
int render_page(struct req *r, const char *tmpl, struct view *root, int status);

/* render_flash_set: show message t.flash_<key> on the next page this browser
 * renders (a one-shot cookie holding only the key, never text). */
void render_flash_set(struct req *r, const char *key);

/* render_t: the message for key in the request's language (the key itself
 * if missing). */
const char *render_t(struct req *r, const char *key);

#endif
