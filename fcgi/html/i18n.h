/* i18n.h: the UI message catalogs (templates/i18n/<lang>.txt), loaded once per process. */
#ifndef ECC_I18N_H
#define ECC_I18N_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/view.h"

/*
 * Catalog files: one per language, named <lang>.txt (lang is 2 or 3 lower-case
 * ASCII letters), UTF-8 (a leading BOM is skipped), one `key = value` per
 * line. Blank lines and lines whose first non-blank character is '#' are
 * ignored. Keys match [a-z0-9_]+ (at most 64 bytes); the value is the rest of
 * the line with surrounding blanks removed, must not be empty and is plain
 * text (templates escape it). There are no escapes and no placeholders.
 *
 * State: the loaded catalogs live in one static struct per process. It is set
 * by i18n_load at worker start-up (or on reload, before any request is served
 * by this process) and only read afterwards, so readers need no locking.
 * Everything it points to lives in the arena given to i18n_load, which must
 * outlive every later call of the functions below (a process-lifetime arena).
 */

/* I18N_DEFAULT_LANG: the language of unknown or missing lang values. */
#define I18N_DEFAULT_LANG "ja"

/*
 * i18n_load: load every <lang>.txt in dir (other files are ignored). "ja"
 * and "en" must be present, every language must define exactly the same keys,
 * and a key may occur only once per file. On success the new catalogs replace
 * the old ones (memory from app; the old catalogs stay where they were) and 0
 * is returned. On failure the previous state is kept, one message
 * "file:line: problem" (or "file: problem" for whole-file errors) is appended
 * to err, and -ERR_CONFIG (bad content), -ERR_IO (unreadable directory or
 * file) or -ERR_TOO_LARGE (file over 1 MiB, too many keys or languages) is
 * returned. Not thread-safe: call it before threads start.
 */
int i18n_load(struct arena *app, const char *dir, struct buf *err);

/*
 * i18n_catalog: the catalog of lang as a view object (key -> VIEW_STR), in
 * file order, for the `t` key of a page's root view. Unknown or NULL lang
 * gives the I18N_DEFAULT_LANG catalog. The view is process-lifetime and must
 * not be modified. NULL only before the first successful i18n_load.
 */
const struct view *i18n_catalog(const char *lang);

/*
 * i18n_get: the message key in lang (unknown or NULL lang: the default
 * language). Returns key itself when the key is missing or nothing is loaded,
 * so a missing message shows up visibly instead of crashing. The result is
 * process-lifetime (or key itself). key must not be NULL.
 */
const char *i18n_get(const char *lang, const char *key);

/* i18n_lang_ok: true when lang is the name of a loaded catalog ("ja", "en"). */
bool i18n_lang_ok(const char *lang);

#endif
