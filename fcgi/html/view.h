/* view.h: the arena-backed value tree that templates render (a view model, not a JSON DOM). */
#ifndef ECC_VIEW_H
#define ECC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/*
 * A view is an immutable-once-rendered tree of values allocated in one
 * arena. Objects keep insertion order; setting an existing key replaces its
 * value. A request view may point at process-lifetime views (for example the
 * message catalog), never the other way round.
 *
 * Truthiness for sections: NULL/absent, VIEW_NULL, false, empty list and the
 * empty string are false; everything else (including 0) is true.
 * VIEW_SAFE holds HTML built by our own html_* helpers; it is the only type a
 * raw tag ({{{x}}} / {{&x}}) may output.
 */
enum view_type { VIEW_NULL, VIEW_BOOL, VIEW_INT, VIEW_STR, VIEW_SAFE, VIEW_LIST, VIEW_OBJ };

struct view;

/* Constructors: allocate in a; strings are copied (n bytes, may contain NUL
 * for view_strn). Never NULL. */
struct view *view_null(struct arena *a);
struct view *view_bool(struct arena *a, bool b);
struct view *view_int(struct arena *a, int64_t i);
struct view *view_str(struct arena *a, const char *s);
struct view *view_strn(struct arena *a, const char *s, size_t n);
struct view *view_list(struct arena *a);
struct view *view_obj(struct arena *a);

/* view_safe_html: wrap HTML that our own escaping helpers produced. Only
 * fcgi/html/html.c and tests may call it (a lint test greps for callers). */
struct view *view_safe_html(struct arena *a, const char *html, size_t n);

/* view_set: obj[key] = val (key copied). obj must be VIEW_OBJ. */
void view_set(struct arena *a, struct view *obj, const char *key, struct view *val);

/* Shorthands for view_set with a fresh scalar. */
void view_set_str(struct arena *a, struct view *obj, const char *key, const char *s);
void view_set_int(struct arena *a, struct view *obj, const char *key, int64_t i);
void view_set_bool(struct arena *a, struct view *obj, const char *key, bool b);

/* view_push: append val to list (must be VIEW_LIST). */
void view_push(struct arena *a, struct view *list, struct view *val);

/* Accessors. view_get returns NULL when obj is not an object or has no key
 * (no dotted names here; the renderer resolves those). */
enum view_type view_type(const struct view *v);
struct view *view_get(const struct view *obj, const char *key);
/* view_getn: view_get for a key of n bytes that need not be NUL-terminated
 * (the renderer's pre-split name segments). Objects with more than a few keys
 * are hash-indexed, so lookups stay O(1) on large catalogs. */
struct view *view_getn(const struct view *obj, const char *key, size_t n);
size_t view_len(const struct view *v);                /* list items / object keys */
struct view *view_at(const struct view *list, size_t i); /* NULL past the end */
const char *view_key_at(const struct view *obj, size_t i);
bool view_truthy(const struct view *v);
/* view_text: the scalar as text for interpolation (int formatted, bool
 * "true"/"false", null ""); *n gets the length. Lists/objects give "". The
 * result lives in a (or in the view). */
const char *view_text(struct arena *a, const struct view *v, size_t *n);

/* view_scalar: view_text without allocating. Strings point into the view,
 * ints are formatted into the caller's tmp, bools/null are static text. */
#define VIEW_SCALAR_MAX 24
const char *view_scalar(const struct view *v, char tmp[VIEW_SCALAR_MAX], size_t *n);

#endif
