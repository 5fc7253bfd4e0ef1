/* multipart.c: multipart/form-data request bodies (RFC 7578 on RFC 2046), parsed zero-copy. */
#include "multipart.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "http/lex.h"

/*
 * Design: the body is walked once. The delimiter "\r\n--" boundary is found
 * by scan() (memchr for CR, then a compare; linear because the needle has
 * its only CR at offset 0); a hit not followed by a valid delimiter ending
 * is data and the search resumes after it.
 * Each part's header block is searched only within max_header_bytes. Part
 * data is never copied; text fields are copied once into fields (repaired
 * UTF-8, NUL-terminated). Header and parameter syntax follow RFC 7230 /
 * RFC 2045 closely enough for every browser and curl, and anything odd is
 * refused with a reason rather than guessed.
 */

/* A parameter list cursor over [p, end). */
struct cursor {
	const char *p;
	const char *end;
};

static int fail(struct buf *err, size_t part, int code, const char *why);
static bool is_bchar(unsigned char c);
static bool ieq(const char *s, size_t n, const char *lit);
static void skip_ws(struct cursor *c);
static int next_param(struct arena *a, struct cursor *c, const char **name,
		      size_t *nlen, struct buf *val, const char **why);
static const char *scan(const char *p, const char *end, const char *needle,
			size_t nlen);
static int find_delim(const char *body, size_t n, size_t from,
		      const char *needle, size_t nlen, size_t *at, size_t *next,
		      bool *close);
static int delim_end(const char *body, size_t n, size_t at, size_t *next,
		     bool *close);
static int parse_disposition(struct arena *a, const char *v, size_t vlen,
			     const char **name, size_t *name_len,
			     const char **filename, const char **why);
static int parse_headers(struct arena *a, const char *s, size_t n,
			 struct multipart_part *part, size_t *name_len,
			 const char **why);
static int add_part(struct arena *a, struct multipart *out, size_t *cap,
		    struct form *fields, const struct multipart_part *part,
		    size_t name_len);

enum {
	DELIM_OK = 0,
	DELIM_NONE = 1,    /* not a delimiter (or not found) */
	DELIM_BARE_LF = 2, /* "--boundary" followed by LF without CR */
};

static int
fail(struct buf *err, size_t part, int code, const char *why)
{
	if (err != NULL) {
		if (part > 0)
			buf_printf(err, "multipart part %zu: ", part);
		else
			buf_puts(err, "multipart: ");
		buf_puts(err, why);
	}
	return code;
}



/* RFC 2046 bchars (space included; it may not be the last one). */
static bool
is_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* ieq: the n bytes at s equal the lower-case literal lit, ASCII case-folded. */
static bool
ieq(const char *s, size_t n, const char *lit)
{
	size_t i = 0;
	for (; i < n && lit[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)lit[i])
			return false;
	}
	return i == n && lit[i] == '\0';
}

static void
skip_ws(struct cursor *c)
{
	while (c->p < c->end && lex_is_ws((unsigned char)*c->p))
		c->p++;
}

/*
 * next_param: parse '; name=value' at the cursor (whitespace allowed around
 * ';' and '='; a trailing ';' is allowed). Returns 1 at the end of the list,
 * 0 with *name and *nlen pointing at the name and the unquoted value in val
 * (cleared first), or -1 with *why set.
 */
static int
next_param(struct arena *a, struct cursor *c, const char **name, size_t *nlen,
	   struct buf *val, const char **why)
{
	skip_ws(c);
	if (c->p == c->end)
		return 1;
	if (*c->p != ';') {
		*why = "expected ';' between parameters";
		return -1;
	}
	c->p++;
	skip_ws(c);
	if (c->p == c->end)
		return 1;
	*name = c->p;
	while (c->p < c->end && lex_is_tchar((unsigned char)*c->p))
		c->p++;
	*nlen = (size_t)(c->p - *name);
	if (*nlen == 0) {
		*why = "malformed parameter name";
		return -1;
	}
	skip_ws(c);
	if (c->p == c->end || *c->p != '=') {
		*why = "parameter without '='";
		return -1;
	}
	c->p++;
	skip_ws(c);
	if (val->arena == NULL)
		buf_init(val, a, 64);
	buf_clear(val);
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		for (;;) {
			if (c->p == c->end) {
				*why = "unterminated quoted string";
				return -1;
			}
			char ch = *c->p++;
			if (ch == '"')
				break;
			if (ch == '\\' && c->p < c->end &&
			    (*c->p == '"' || *c->p == '\\'))
				ch = *c->p++;
			buf_putc(val, ch);
		}
		return 0;
	}
	const char *v = c->p;
	while (c->p < c->end && *c->p != ';' && !lex_is_ws((unsigned char)*c->p) &&
	    *c->p != '"')
		c->p++;
	if (c->p == v) {
		*why = "empty parameter value";
		return -1;
	}
	buf_append(val, v, (size_t)(c->p - v));
	return 0;
}

int
multipart_boundary(struct arena *a, const char *content_type,
		   const char **boundary, size_t *len, struct buf *err)
{
	if (content_type == NULL)
		return fail(err, 0, -ERR_INVALID, "no Content-Type");
	struct cursor c = { content_type, content_type + strlen(content_type) };
	skip_ws(&c);
	const char *t = c.p;
	while (c.p < c.end && *c.p != ';' && !lex_is_ws((unsigned char)*c.p))
		c.p++;
	if (!ieq(t, (size_t)(c.p - t), "multipart/form-data"))
		return fail(err, 0, -ERR_INVALID,
		    "Content-Type is not multipart/form-data");
	struct buf val = { 0 };
	const char *found = NULL, *why = NULL;
	size_t flen = 0;
	for (;;) {
		const char *pn;
		size_t pnlen;
		int rc = next_param(a, &c, &pn, &pnlen, &val, &why);
		if (rc == 1)
			break;
		if (rc < 0)
			return fail(err, 0, -ERR_INVALID, why);
		if (!ieq(pn, pnlen, "boundary"))
			continue;
		if (found != NULL)
			return fail(err, 0, -ERR_INVALID,
			    "repeated boundary parameter");
		found = arena_memdup(a, val.data, val.len);
		flen = val.len;
	}
	if (found == NULL)
		return fail(err, 0, -ERR_INVALID, "no boundary parameter");
	if (flen == 0 || flen > MULTIPART_MAX_BOUNDARY)
		return fail(err, 0, -ERR_INVALID,
		    "boundary length is not 1..70");
	for (size_t i = 0; i < flen; i++)
		if (!is_bchar((unsigned char)found[i]))
			return fail(err, 0, -ERR_INVALID,
			    "boundary has a character outside RFC 2046 bchars");
	if (found[flen - 1] == ' ')
		return fail(err, 0, -ERR_INVALID, "boundary ends with a space");
	*boundary = found;
	*len = flen;
	return 0;
}

/*
 * delim_end: at is just after "--" boundary. A close delimiter continues
 * with "--"; an ordinary one with optional spaces/tabs and CRLF (*next is
 * then just after the CRLF).
 */
static int
delim_end(const char *body, size_t n, size_t at, size_t *next, bool *close)
{
	if (at + 2 <= n && body[at] == '-' && body[at + 1] == '-') {
		*close = true;
		*next = at + 2;
		return DELIM_OK;
	}
	while (at < n && lex_is_ws((unsigned char)body[at]))
		at++;
	if (at + 2 <= n && body[at] == '\r' && body[at + 1] == '\n') {
		*close = false;
		*next = at + 2;
		return DELIM_OK;
	}
	if (at < n && body[at] == '\n')
		return DELIM_BARE_LF;
	return DELIM_NONE;
}

/*
 * scan: first occurrence of needle in [p, end). needle starts with '\r' and
 * has no other '\r' (boundaries cannot contain CR), so after a candidate
 * matched k bytes the next candidate cannot start inside them: every byte
 * is looked at most twice, whatever the data (no O(n·m) case).
 */
static const char *
scan(const char *p, const char *end, const char *needle, size_t nlen)
{
	while ((size_t)(end - p) >= nlen) {
		const char *cr = memchr(p, '\r', (size_t)(end - p) - nlen + 1);
		if (cr == NULL)
			return NULL;
		size_t k = 1;
		while (k < nlen && cr[k] == needle[k])
			k++;
		if (k == nlen)
			return cr;
		p = cr + k;
	}
	return NULL;
}

/* find_delim: the first real delimiter "\r\n--boundary…" at or after from;
 * *at is the offset of its CR. */
static int
find_delim(const char *body, size_t n, size_t from, const char *needle,
	   size_t nlen, size_t *at, size_t *next, bool *close)
{
	while (from < n) {
		const char *p = scan(body + from, body + n, needle, nlen);
		if (p == NULL)
			return DELIM_NONE;
		size_t off = (size_t)(p - body);
		if (delim_end(body, n, off + nlen, next, close) == DELIM_OK) {
			*at = off;
			return DELIM_OK;
		}
		from = off + nlen;
	}
	return DELIM_NONE;
}

/*
 * parse_disposition: 'form-data; name="x"; filename="y"'. Sets *name (never
 * NULL on success) and *filename (NULL when absent), both repaired UTF-8.
 */
static int
parse_disposition(struct arena *a, const char *v, size_t vlen,
		  const char **name, size_t *name_len, const char **filename,
		  const char **why)
{
	struct cursor c = { v, v + vlen };
	const char *t = c.p;
	while (c.p < c.end && *c.p != ';' && !lex_is_ws((unsigned char)*c.p))
		c.p++;
	if (!ieq(t, (size_t)(c.p - t), "form-data")) {
		*why = "Content-Disposition is not form-data";
		return -ERR_INVALID;
	}
	struct buf val = { 0 };
	*name = NULL;
	*filename = NULL;
	for (;;) {
		const char *pn;
		size_t pnlen;
		int rc = next_param(a, &c, &pn, &pnlen, &val, why);
		if (rc == 1)
			break;
		if (rc < 0)
			return -ERR_INVALID;
		const char **dst;
		if (ieq(pn, pnlen, "name"))
			dst = name;
		else if (ieq(pn, pnlen, "filename"))
			dst = filename;
		else
			continue;
		if (*dst != NULL) {
			*why = dst == name ? "repeated name parameter" :
			    "repeated filename parameter";
			return -ERR_INVALID;
		}
		struct buf clean;
		buf_init(&clean, a, val.len + 1);
		utf8_sanitize(&clean, val.data, val.len);
		*dst = clean.data;
		if (dst == name)
			*name_len = clean.len;
	}
	if (*name == NULL) {
		*why = "Content-Disposition has no name parameter";
		return -ERR_INVALID;
	}
	return 0;
}

/*
 * parse_headers: the n bytes at s are complete header lines, each ending in
 * CRLF (the blank line excluded). Fills name, filename, content_type.
 */
static int
parse_headers(struct arena *a, const char *s, size_t n,
	      struct multipart_part *part, size_t *name_len, const char **why)
{
	bool have_cd = false, have_ct = false;
	size_t i = 0;
	while (i < n) {
		const char *ls = s + i;
		const char *lf = memchr(ls, '\n', n - i);
		if (lf == NULL || lf == ls || lf[-1] != '\r') {
			*why = "part header line does not end in CRLF";
			return -ERR_INVALID;
		}
		size_t llen = (size_t)(lf - ls) - 1;
		i += llen + 2;
		if (lex_is_ws((unsigned char)ls[0]) ||
		    (i < n && lex_is_ws((unsigned char)s[i]))) {
			*why = "folded part header line";
			return -ERR_INVALID;
		}
		for (size_t k = 0; k < llen; k++) {
			unsigned char c = (unsigned char)ls[k];
			if ((c < 0x20 && c != '\t') || c == 0x7F) {
				*why = "control character in part header";
				return -ERR_INVALID;
			}
		}
		const char *colon = memchr(ls, ':', llen);
		if (colon == NULL) {
			*why = "part header line without ':'";
			return -ERR_INVALID;
		}
		size_t hn = (size_t)(colon - ls);
		bool name_ok = hn > 0;
		for (size_t k = 0; k < hn && name_ok; k++)
			name_ok = lex_is_tchar((unsigned char)ls[k]);
		if (!name_ok) {
			*why = "malformed part header name";
			return -ERR_INVALID;
		}
		const char *v = colon + 1, *ve = ls + llen;
		while (v < ve && lex_is_ws((unsigned char)*v))
			v++;
		while (ve > v && lex_is_ws((unsigned char)ve[-1]))
			ve--;
		if (ieq(ls, hn, "content-disposition")) {
			if (have_cd) {
				*why = "repeated Content-Disposition";
				return -ERR_INVALID;
			}
			have_cd = true;
			int rc = parse_disposition(a, v, (size_t)(ve - v),
			    &part->name, name_len, &part->filename, why);
			if (rc != 0)
				return rc;
		} else if (ieq(ls, hn, "content-type")) {
			if (have_ct) {
				*why = "repeated Content-Type";
				return -ERR_INVALID;
			}
			have_ct = true;
			struct buf ct;
			buf_init(&ct, a, (size_t)(ve - v) + 1);
			utf8_sanitize(&ct, v, (size_t)(ve - v));
			part->content_type = ct.data;
		}
	}
	if (!have_cd) {
		*why = "no Content-Disposition";
		return -ERR_INVALID;
	}
	if (!have_ct)
		part->content_type = "text/plain";
	return 0;
}

static int
add_part(struct arena *a, struct multipart *out, size_t *cap,
	 struct form *fields, const struct multipart_part *part, size_t name_len)
{
	if (out->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		out->parts = arena_realloc(a, out->parts, *cap * sizeof *out->parts,
		    ncap * sizeof *out->parts);
		*cap = ncap;
	}
	out->parts[out->count++] = *part;
	if (part->filename != NULL)
		return 0;
	struct buf v;
	buf_init(&v, a, part->len + 1);
	utf8_sanitize(&v, part->data, part->len);
	return form_add(fields, part->name, name_len, v.data, v.len);
}

int
multipart_parse(struct arena *a, const char *content_type, const char *body,
		size_t n, const struct multipart_limits *lim,
		struct multipart **out, struct form *fields, struct buf *err)
{
	*out = NULL;
	size_t max_parts = lim->max_parts ? lim->max_parts : SIZE_MAX;
	size_t max_hdr = lim->max_header_bytes ? lim->max_header_bytes : SIZE_MAX;
	size_t max_data = lim->max_part_bytes ? lim->max_part_bytes : SIZE_MAX;
	struct multipart *mp = arena_calloc(a, 1, sizeof *mp);

	const char *b;
	size_t blen;
	int rc = multipart_boundary(a, content_type, &b, &blen, err);
	if (rc != 0)
		return rc;
	size_t nlen = blen + 4;
	char *needle = arena_alloc(a, nlen + 1);
	memcpy(needle, "\r\n--", 4);
	memcpy(needle + 4, b, blen + 1);

	/* The first delimiter may open the body without a preceding CRLF. */
	size_t pos, at;
	bool close = false;
	int d = DELIM_NONE;
	if (n >= nlen - 2 && memcmp(body, needle + 2, nlen - 2) == 0) {
		d = delim_end(body, n, nlen - 2, &pos, &close);
		if (d == DELIM_BARE_LF)
			return fail(err, 0, -ERR_INVALID,
			    "delimiter line ends in LF; CRLF is required");
	}
	if (d != DELIM_OK &&
	    find_delim(body, n, 0, needle, nlen, &at, &pos, &close) != DELIM_OK)
		return fail(err, 0, -ERR_INVALID, "no boundary delimiter in body");

	size_t part_no = 0, cap = 0;
	while (!close) {
		part_no++;
		if (part_no > max_parts)
			return fail(err, part_no, -ERR_TOO_LARGE,
			    "more parts than allowed");
		size_t next;
		if (find_delim(body, n, pos, needle, nlen, &at, &next,
		    &close) != DELIM_OK)
			return fail(err, part_no, -ERR_INVALID,
			    "missing final boundary (body truncated?)");
		const char *s = body + pos;
		size_t plen = at - pos, hlen, dstart;
		if (plen == 0) {
			hlen = dstart = 0;  /* an empty part: no header at all */
		} else if (plen >= 2 && s[0] == '\r' && s[1] == '\n') {
			hlen = 0;
			dstart = 2;
		} else {
			size_t win = plen < max_hdr ? plen : max_hdr;
			const char *blank = memmem(s, win, "\r\n\r\n", 4);
			if (blank != NULL) {
				hlen = (size_t)(blank - s) + 2;
				dstart = hlen + 2;
			} else if (plen > max_hdr) {
				return fail(err, part_no, -ERR_TOO_LARGE,
				    "part header block over limit");
			} else if (plen >= 2 && s[plen - 2] == '\r' &&
			    s[plen - 1] == '\n') {
				hlen = plen;  /* headers, then no body at all */
				dstart = plen;
			} else if (memmem(s, win, "\n\n", 2) != NULL) {
				return fail(err, part_no, -ERR_INVALID,
				    "part headers end in LF; CRLF is required");
			} else {
				return fail(err, part_no, -ERR_INVALID,
				    "part headers not ended by an empty line");
			}
		}
		struct multipart_part part = { 0 };
		size_t name_len = 0;
		const char *why = NULL;
		rc = parse_headers(a, s, hlen, &part, &name_len, &why);
		if (rc != 0)
			return fail(err, part_no, rc, why);
		part.data = s + dstart;
		part.len = plen - dstart;
		if (part.len > max_data)
			return fail(err, part_no, -ERR_TOO_LARGE,
			    "part data over limit");
		rc = add_part(a, mp, &cap, fields, &part, name_len);
		if (rc != 0)
			return fail(err, part_no, rc, "more fields than allowed");
		pos = next;
	}
	*out = mp;
	return 0;
}
