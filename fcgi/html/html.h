/* html.h: context escapers (HTML text and attributes, URL arguments, script JSON), safe links. */
#ifndef ECC_HTML_H
#define ECC_HTML_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/view.h"

/*
 * Every function here appends to an initialised struct buf (memory from the
 * buf's arena) and accepts any bytes, including NUL and invalid UTF-8; none
 * can fail. They are pure and thread-safe. This file (and tests) are the only
 * producers of VIEW_SAFE values: anything a raw template tag may print verbatim
 * was built here from escaped parts.
 */

/* html_escape: append s[0..n) for HTML text or a double- or single-quoted
 * attribute value: & < > " ' become &amp; &lt; &gt; &quot; &#39;. Other bytes
 * (including invalid UTF-8) are copied unchanged. */
void html_escape(struct buf *out, const char *s, size_t n);

/* html_url_arg: append s[0..n) percent-encoded for a URL query value or path
 * segment: every byte except ALPHA DIGIT - . _ ~ becomes %XX (upper-case
 * hex), so the result never needs further escaping in an attribute. */
void html_url_arg(struct buf *out, const char *s, size_t n);

/*
 * html_json_string: append s[0..n) as a complete JSON string literal (with
 * its double quotes) that is safe inside <script type="application/json"> and
 * inside an HTML attribute: " ' < > & become \u0022 \u0027 \u003C \u003E
 * \u0026, backslash becomes \\, control characters and DEL become \u00XX,
 * U+2028/U+2029 become \u2028/\u2029, and every ill-formed UTF-8 sequence
 * (maximal subpart) becomes \uFFFD (hex digits upper-case). Only the two
 * delimiting quotes are raw; valid non-ASCII UTF-8 is copied unchanged.
 */
void html_json_string(struct buf *out, const char *s, size_t n);

/*
 * html_href_ok: true when href may be used as a link target: a path
 * starting with one "/" (not "//" or "/\", which browsers treat as another
 * host), or an absolute http:// or https:// URL (scheme case-insensitive)
 * with a host. Control characters and spaces anywhere make it false
 * (browsers strip tabs and newlines, so "/\t/x" would become "//x").
 * NULL is false.
 */
bool html_href_ok(const char *href);

/*
 * html_safe_link: a VIEW_SAFE <a href="…">…</a> allocated in a. href is used
 * only when html_href_ok(href), otherwise "#"; both href and text are
 * escaped with html_escape. NULL text counts as "". Never NULL.
 */
struct view *html_safe_link(struct arena *a, const char *href, const char *text);

/*
 * html_safe_text: a VIEW_SAFE holding html_escape(s[0..n)), for building a
 * safe value out of plain text (for example to join with other safe parts
 * via html_safe_join). Never NULL.
 */
struct view *html_safe_text(struct arena *a, const char *s, size_t n);

/*
 * html_safe_join: a VIEW_SAFE concatenating the SAFE views parts[0..n) with
 * sep (plain text, escaped) between them. A part that is not VIEW_SAFE is
 * escaped as text (so the result is always safe). Never NULL.
 */
struct view *html_safe_join(struct arena *a, struct view *const *parts, size_t n, const char *sep);

#endif
