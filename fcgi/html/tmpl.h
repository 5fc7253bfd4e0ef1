/* tmpl.h: Mustache templates compiled once into a named set, rendered with auto-escaping. */
#ifndef ECC_TMPL_H
#define ECC_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/view.h"

/*
 * The language is Mustache as specified by github.com/mustache/spec v1.4
 * (modules comments, delimiters, interpolation, inverted, partials, sections
 * and ~inheritance; no lambdas, no dynamic names):
 *
 *   {{name}} {{a.b.c}} {{.}}   interpolation, always HTML-escaped (& < > " ')
 *   {{{name}}} {{&name}}       raw: prints VIEW_SAFE values verbatim (see modes)
 *   {{#name}}…{{/name}}        section: once per list item, once for an
 *                              object or another truthy value (pushed on the
 *                              context stack), never for a falsy one
 *   {{^name}}…{{/name}}        inverted section: only when name is falsy
 *   {{! comment }}  {{=<% %>=}}  comments, delimiter change
 *   {{> partial}}              another template of the set; a standalone tag
 *                              indents every line of the partial
 *   {{< parent}}{{$block}}…{{/block}}{{/parent}}   inheritance: render
 *                              parent with its {{$block}}…{{/block}} defaults
 *                              replaced by the given blocks
 *
 * Truthiness is view_truthy(). Names are resolved on the context stack (the
 * innermost object that has the first segment; later segments only look
 * inside that value). Tag names are split into segments at compile time and
 * partials are resolved by tmpl_set_link, so rendering never parses.
 *
 * Modes (flags of tmpl_set_new, OR-ed):
 *   default (0)           application mode: a raw tag prints VIEW_SAFE values
 *                         verbatim and HTML-escapes every other value, so no
 *                         data can inject markup; an undefined name renders
 *                         empty; a missing partial/parent renders empty.
 *   TMPL_SPEC_MODE        raw tags print plain strings verbatim, as the spec
 *                         requires. Only for the conformance harness: never
 *                         in the application.
 *   TMPL_STRICT_PARTIALS  tmpl_set_link fails on a partial or parent that is
 *                         not in the set ("home:3: missing partial \"nav\"");
 *                         the application uses it so typos stop start-up.
 *   TMPL_STRICT_NAMES     an interpolation of an undefined name is a render
 *                         error (tests, debug). Sections and inverted
 *                         sections still treat an absent name as false.
 *   TMPL_STRICT_RAW       a raw tag on a value that is not VIEW_SAFE is a
 *                         render error instead of being escaped (tests).
 *
 * Plain text: when the template passed to tmpl_render has a name ending in
 * ".txt" (mail bodies, "mail/invite.ja.txt"), the output is plain text that
 * never goes into HTML: every interpolation, {{x}} and {{{x}}} alike, prints
 * the value verbatim, without HTML escaping, in every mode. The decision is
 * made by the top-level name, so partials included from a ".txt" template
 * are unescaped too, and a ".txt" partial inside an HTML page is escaped.
 *
 * Limits: sections, parents and blocks nest at most TMPL_MAX_NEST deep in one
 * template (compile error); partials and parents at most TMPL_MAX_DEPTH deep
 * while rendering, so a recursive partial ends in an error, not a crash; a
 * render also stops after a number of steps and output bytes (tmpl_set_limits).
 *
 * Threads and processes: a set is built at start-up (new, add/load, link) and
 * is read-only afterwards; tmpl_render keeps all its state on the stack and in
 * the caller's arena, so any number of renders may run concurrently on one
 * linked set. There is no global state.
 */

#define TMPL_SPEC_MODE       0x01
#define TMPL_STRICT_PARTIALS 0x02
#define TMPL_STRICT_NAMES    0x04
#define TMPL_STRICT_RAW      0x08

#define TMPL_MAX_NEST  100
#define TMPL_MAX_DEPTH 64

struct tmpl_set;

/*
 * tmpl_set_new: an empty set whose templates, names and indexes are all
 * allocated in a (normally the process-lifetime arena). The set lives as
 * long as a; there is no free function. flags: TMPL_* above. Never NULL.
 */
struct tmpl_set *tmpl_set_new(struct arena *a, int flags);

/*
 * tmpl_set_limits: per-render budget. max_steps bounds the number of nodes
 * visited (default 10 000 000), max_output the bytes one render may append
 * (default 64 MiB); 0 keeps the current value. Exceeding either makes
 * tmpl_render fail with -ERR_TOO_LARGE.
 */
void tmpl_set_limits(struct tmpl_set *s, size_t max_steps, size_t max_output);

/*
 * tmpl_set_add: compile src[0..len) (bytes, need not be NUL-terminated, may
 * be freed afterwards) under name (copied). Returns 0; -ERR_INVALID on a
 * syntax error, -ERR_CONFLICT when name is already in the set, with one line
 * "name:line: message" appended to err (err may be NULL), for example
 *   home:12: unclosed section "items"
 * Partials are looked up later (tmpl_set_link), so templates may be added in
 * any order.
 */
int tmpl_set_add(struct tmpl_set *s, const char *name, const char *src, size_t len,
    struct buf *err);

/*
 * tmpl_set_load_dir: add every regular file under dir (recursively, hidden
 * entries skipped, in sorted order) whose name ends in ".html" or ".txt".
 * The template name is the path relative to dir without ".html"
 * ("partials/nav.html" -> "partials/nav"); ".txt" files keep their
 * extension ("mail/welcome.txt") so a mail can have both forms. Returns 0,
 * -ERR_IO when a directory or file cannot be read, -ERR_TOO_LARGE for a file
 * over 1 MiB, or the tmpl_set_add error; the message ("path: reason" or
 * "name:line: message") is appended to err (may be NULL). On error the
 * templates added before it stay in the set.
 */
int tmpl_set_load_dir(struct tmpl_set *s, const char *dir, struct buf *err);

/*
 * tmpl_set_link: resolve every partial and parent tag to its template. Call
 * after the last add and before rendering (rendering an unlinked set works
 * but looks partials up by name on every use). With TMPL_STRICT_PARTIALS a
 * missing one is an error: returns -ERR_INVALID and appends one line per
 * missing name ("layout:7: missing partial \"partials/nav\""); otherwise
 * missing partials render empty and 0 is returned. Idempotent.
 */
int tmpl_set_link(struct tmpl_set *s, struct buf *err);

/* tmpl_exists: true when the set holds a template called name. */
bool tmpl_exists(const struct tmpl_set *s, const char *name);

/*
 * tmpl_render: render template name against ctx (the bottom of the context
 * stack; NULL means an empty object) and append the result to out. a is the
 * request arena for temporary data. Returns 0; -ERR_NOT_FOUND when there is
 * no such template; -ERR_INVALID for a strict-mode violation or a missing
 * partial in strict mode; -ERR_TOO_LARGE when a depth, step or output limit
 * is hit. On error out is cut back to its length at the call and one line
 * "name:line: message" is appended to err (may be NULL).
 */
int tmpl_render(const struct tmpl_set *s, const char *name, const struct view *ctx,
    struct arena *a, struct buf *out, struct buf *err);

#endif
