/* tmpl.c: the Mustache compiler: tokens, tag pairing, node tree; error messages. */
#include "tmpl_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

/*
 * Compilation runs in passes over a flat token list (all temporary data in a
 * scratch arena, the tree in the destination arena):
 *
 *  1. tokenize: text and tags, following {{=x y=}} delimiter changes;
 *  2. pair: match every section/inverted/parent/block tag with its closing
 *     tag (errors: unclosed, unmatched, too deep);
 *  3. standalone lines and 4. indentation: see tmpl_ws.c;
 *  5. tree: text between tags becomes text nodes (comments and delimiter
 *     tags vanish); a parent keeps only its argument blocks; names are split
 *     into segments.
 */

#define DELIM_MAX 16

/* ---------------------------------------------------------------- messages */

void
tmpl_errf(struct buf *err, const char *tname, unsigned line, const char *fmt, ...)
{
	if (err == NULL)
		return;
	if (err->len > 0 && err->data[err->len - 1] != '\n')
		buf_putc(err, '\n');
	if (line > 0)
		buf_printf(err, "%s:%u: ", tname, line);
	else
		buf_printf(err, "%s: ", tname);
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(err->arena, fmt, ap);
	va_end(ap);
	buf_puts(err, msg);
}

void
tmpl_quote(struct buf *b, const char *s, size_t n)
{
	if (b == NULL)
		return;
	buf_putc(b, '"');
	for (size_t i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		buf_putc(b, c < 0x20 || c == 0x7F || c == '"' || c == '\\' ? '?' : (char)c);
	}
	if (n > 60)
		buf_puts(b, "...");
	buf_putc(b, '"');
}

/* fail: report at token t (quoting its name when q) and give -ERR_INVALID. */
static int
fail(struct tmpl_cc *c, unsigned line, const char *msg, const char *q, size_t nq)
{
	tmpl_errf(c->err, c->name, line, "%s", msg);
	if (q != NULL)
		tmpl_quote(c->err, q, nq);
	return -ERR_INVALID;
}

/* ---------------------------------------------------------------- 1. tokens */

static bool
space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static struct tmpl_tok *
push_tok(struct tmpl_cc *c, enum tmpl_tok_kind k, size_t s, size_t e, unsigned line)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		c->t = arena_realloc(c->tmp, c->t, c->cap * sizeof *c->t, ncap * sizeof *c->t);
		c->cap = ncap;
	}
	struct tmpl_tok *t = &c->t[c->n++];
	memset(t, 0, sizeof *t);
	t->kind = k;
	t->s = s;
	t->e = e;
	t->ts = s;
	t->te = e;
	t->line = line;
	return t;
}

/* set_delims: parse "<% %>" (content of {{=<% %>=}}) into od/cd. */
static bool
set_delims(const char *p, size_t n, char *od, size_t *no, char *cd, size_t *nc)
{
	size_t i = 0, a, b;
	while (i < n && space(p[i]))
		i++;
	a = i;
	while (i < n && !space(p[i]))
		i++;
	b = i;
	while (i < n && space(p[i]))
		i++;
	size_t c0 = i;
	while (i < n && !space(p[i]))
		i++;
	size_t c1 = i;
	while (i < n && space(p[i]))
		i++;
	if (i != n || b == a || c1 == c0 || b - a > DELIM_MAX || c1 - c0 > DELIM_MAX)
		return false;
	if (memchr(p + a, '=', b - a) != NULL || memchr(p + c0, '=', c1 - c0) != NULL)
		return false;
	memcpy(od, p + a, b - a);
	*no = b - a;
	memcpy(cd, p + c0, c1 - c0);
	*nc = c1 - c0;
	return true;
}

static int
tokenize(struct tmpl_cc *c)
{
	const char *src = c->src;
	size_t len = c->len, pos = 0, counted = 0;
	char od[DELIM_MAX] = "{{", cd[DELIM_MAX + 1] = "}}", end[DELIM_MAX + 1];
	size_t no = 2, nc = 2;
	unsigned line = 1;

	while (pos < len) {
		const char *o = memmem(src + pos, len - pos, od, no);
		size_t os = o != NULL ? (size_t)(o - src) : len;
		for (; counted < pos; counted++)
			line += src[counted] == '\n';
		if (os > pos)
			push_tok(c, T_TEXT, pos, os, line);
		if (o == NULL)
			break;
		for (; counted < os; counted++)
			line += src[counted] == '\n';
		size_t p = os + no;
		enum tmpl_tok_kind k = T_VAR;
		char sig = p < len ? src[p] : '\0';
		size_t ne;
		switch (sig) {
		case '#': k = T_SEC; break;
		case '^': k = T_INV; break;
		case '/': k = T_CLOSE; break;
		case '!': k = T_COMMENT; break;
		case '>': k = T_PARTIAL; break;
		case '<': k = T_PARENT; break;
		case '$': k = T_BLOCK; break;
		case '=': k = T_DELIM; break;
		case '&': k = T_RAW; break;
		case '{': k = T_RAW; break;
		default: break;
		}
		if (k != T_VAR)
			p++;
		if (sig == '{' || sig == '=') {
			end[0] = sig == '{' ? '}' : '=';
			memcpy(end + 1, cd, nc);
			ne = nc + 1;
		} else {
			memcpy(end, cd, nc);
			ne = nc;
		}
		const char *cl = p <= len ? memmem(src + p, len - p, end, ne) : NULL;
		if (cl == NULL)
			return fail(c, line, "unclosed tag ", od, no);
		size_t cs = (size_t)(cl - src);
		struct tmpl_tok *t = push_tok(c, k, os, cs + ne, line);
		t->ns = p;
		t->ne = cs;
		while (t->ns < t->ne && space(src[t->ns]))
			t->ns++;
		while (t->ne > t->ns && space(src[t->ne - 1]))
			t->ne--;
		if (k == T_DELIM && !set_delims(src + p, cs - p, od, &no, cd, &nc))
			return fail(c, line, "invalid delimiters ", src + p, cs - p);
		if (k != T_COMMENT && k != T_DELIM) {
			if (t->ne == t->ns)
				return fail(c, line, "empty tag", NULL, 0);
			for (size_t i = t->ns; i < t->ne; i++)
				if (space(src[i]) || (unsigned char)src[i] < 0x20 || src[i] == 0x7F)
					return fail(c, line, "invalid name ", src + t->ns, t->ne - t->ns);
		}
		pos = cs + ne;
	}
	return 0;
}

/* ---------------------------------------------------------------- 2. pairs */

static const char *
open_what(enum tmpl_tok_kind k)
{
	switch (k) {
	case T_SEC: return "section";
	case T_INV: return "inverted section";
	case T_PARENT: return "parent";
	default: return "block";
	}
}

static int
pair(struct tmpl_cc *c)
{
	size_t stack[TMPL_MAX_NEST];
	size_t depth = 0;
	const char *src = c->src;
	for (size_t i = 0; i < c->n; i++) {
		struct tmpl_tok *t = &c->t[i];
		t->inpar = depth > 0 && c->t[stack[depth - 1]].kind == T_PARENT;
		switch (t->kind) {
		case T_SEC:
		case T_INV:
		case T_PARENT:
		case T_BLOCK:
			if (depth == TMPL_MAX_NEST)
				return fail(c, t->line, "sections nested deeper than 100 at ",
				    src + t->ns, t->ne - t->ns);
			stack[depth++] = i;
			break;
		case T_CLOSE: {
			if (depth == 0)
				return fail(c, t->line, "closing tag without an open section: ",
				    src + t->ns, t->ne - t->ns);
			struct tmpl_tok *o = &c->t[stack[--depth]];
			if (o->ne - o->ns != t->ne - t->ns ||
			    memcmp(src + o->ns, src + t->ns, t->ne - t->ns) != 0) {
				tmpl_errf(c->err, c->name, t->line, "closing tag ");
				tmpl_quote(c->err, src + t->ns, t->ne - t->ns);
				if (c->err != NULL) {
					buf_printf(c->err, " does not match %s ", open_what(o->kind));
					tmpl_quote(c->err, src + o->ns, o->ne - o->ns);
					buf_printf(c->err, " opened at line %u", o->line);
				}
				return -ERR_INVALID;
			}
			o->match = i;
			t->match = stack[depth];
			t->inpar = o->inpar;
			break;
		}
		default:
			break;
		}
	}
	if (depth > 0) {
		struct tmpl_tok *o = &c->t[stack[depth - 1]];
		tmpl_errf(c->err, c->name, o->line, "unclosed %s ", open_what(o->kind));
		tmpl_quote(c->err, src + o->ns, o->ne - o->ns);
		return -ERR_INVALID;
	}
	return 0;
}

/* ---------------------------------------------------------------- 5. tree */

static int
parse_name(struct tmpl_cc *c, const struct tmpl_tok *t, struct tmpl_name *nm)
{
	const char *s = c->src + t->ns;
	size_t n = t->ne - t->ns;
	nm->full = arena_memdup(c->dst, s, n);
	if (n == 1 && s[0] == '.') {
		nm->nseg = 0;
		return 0;
	}
	size_t segs = 1;
	for (size_t i = 0; i < n; i++)
		segs += s[i] == '.';
	const char **seg = arena_calloc(c->dst, segs, sizeof *seg);
	size_t *seglen = arena_calloc(c->dst, segs, sizeof *seglen);
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return fail(c, t->line, "invalid name ", s, n);
		seg[k] = nm->full + start;
		seglen[k] = i - start;
		k++;
		start = i + 1;
	}
	nm->seg = seg;
	nm->seglen = seglen;
	nm->nseg = segs;
	return 0;
}

struct nodes {
	struct tmpl_node *v;
	size_t n, cap;
	struct buf text;   /* pending text, merged across comments */
	unsigned text_line;
};

static struct tmpl_node *
add_node(struct tmpl_cc *c, struct nodes *ns, enum tmpl_kind k, unsigned line)
{
	if (ns->n == ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 8;
		ns->v = arena_realloc(c->tmp, ns->v, ns->cap * sizeof *ns->v, ncap * sizeof *ns->v);
		ns->cap = ncap;
	}
	struct tmpl_node *x = &ns->v[ns->n++];
	memset(x, 0, sizeof *x);
	x->kind = k;
	x->line = line;
	x->tname = c->name;
	return x;
}

static void
flush_text(struct tmpl_cc *c, struct nodes *ns)
{
	if (ns->text.len == 0)
		return;
	struct tmpl_node *x = add_node(c, ns, TK_TEXT, ns->text_line);
	x->text = arena_memdup(c->dst, ns->text.data, ns->text.len);
	x->len = ns->text.len;
	buf_clear(&ns->text);
}

static int build(struct tmpl_cc *c, size_t from, size_t to, bool parent_level,
    struct tmpl_node **out, size_t *nout);

static int
build_tag(struct tmpl_cc *c, struct nodes *ns, size_t *ip)
{
	const struct tmpl_tok *t = &c->t[*ip];
	struct tmpl_node *x;
	int rc = 0;
	enum tmpl_kind k;
	switch (t->kind) {
	case T_VAR:
	case T_RAW:
	case T_SEC:
	case T_INV:
		k = t->kind == T_VAR ? TK_VAR : t->kind == T_RAW ? TK_RAW :
		    t->kind == T_SEC ? TK_SECTION : TK_INVERTED;
		x = add_node(c, ns, k, t->line);
		if ((rc = parse_name(c, t, &x->name)) != 0)
			return rc;
		break;
	case T_PARTIAL:
	case T_PARENT:
	case T_BLOCK:
		k = t->kind == T_PARTIAL ? TK_PARTIAL : t->kind == T_PARENT ? TK_PARENT : TK_BLOCK;
		x = add_node(c, ns, k, t->line);
		x->text = arena_memdup(c->dst, c->src + t->ns, t->ne - t->ns);
		x->len = t->ne - t->ns;
		x->standalone = t->sa;
		x->indent = arena_memdup(c->dst, c->src + t->ind_s, t->ind_e - t->ind_s);
		x->nindent = t->ind_e - t->ind_s;
		x->site = arena_memdup(c->dst, c->src + t->site_s, t->site_e - t->site_s);
		x->nsite = t->site_e - t->site_s;
		break;
	default:
		return 0;
	}
	if (t->kind == T_SEC || t->kind == T_INV || t->kind == T_PARENT || t->kind == T_BLOCK) {
		size_t idx = ns->n - 1;
		struct tmpl_node *kids;
		size_t nkids;
		rc = build(c, *ip + 1, t->match, t->kind == T_PARENT, &kids, &nkids);
		if (rc != 0)
			return rc;
		ns->v[idx].kids = kids;
		ns->v[idx].nkids = nkids;
		*ip = t->match;
	}
	return 0;
}

static int
build(struct tmpl_cc *c, size_t from, size_t to, bool parent_level, struct tmpl_node **out,
    size_t *nout)
{
	struct nodes ns;
	memset(&ns, 0, sizeof ns);
	buf_init(&ns.text, c->tmp, 64);
	for (size_t i = from; i < to; i++) {
		const struct tmpl_tok *t = &c->t[i];
		if (parent_level) {
			/* inside a parent only argument blocks count */
			if (t->kind == T_BLOCK) {
				int rc = build_tag(c, &ns, &i);
				if (rc != 0)
					return rc;
			} else if (t->kind == T_SEC || t->kind == T_INV || t->kind == T_PARENT) {
				i = t->match;
			}
			continue;
		}
		if (t->kind == T_TEXT) {
			if (ns.text.len == 0)
				ns.text_line = t->line;
			buf_append(&ns.text, t->out, t->nout);
			continue;
		}
		if (t->kind == T_COMMENT || t->kind == T_DELIM)
			continue;
		flush_text(c, &ns);
		int rc = build_tag(c, &ns, &i);
		if (rc != 0)
			return rc;
	}
	flush_text(c, &ns);
	*nout = ns.n;
	*out = ns.n ? arena_calloc(c->dst, ns.n, sizeof **out) : NULL;
	if (ns.n)
		memcpy(*out, ns.v, ns.n * sizeof **out);
	return 0;
}

/* collect: remember every partial and parent node for tmpl_set_link. */
static void
collect(struct tmpl_cc *c, struct tmpl_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == TK_PARTIAL || v[i].kind == TK_PARENT) {
			if (c->nrefs == c->refcap) {
				size_t ncap = c->refcap ? c->refcap * 2 : 8;
				c->refs = arena_realloc(c->tmp, c->refs, c->refcap * sizeof *c->refs,
				    ncap * sizeof *c->refs);
				c->refcap = ncap;
			}
			c->refs[c->nrefs++] = &v[i];
		}
		collect(c, v[i].kids, v[i].nkids);
	}
}

int
tmpl_compile(struct arena *dst, const char *name, const char *src, size_t len,
    struct tmpl **out, struct buf *err)
{
	struct tmpl_cc c;
	memset(&c, 0, sizeof c);
	c.dst = dst;
	c.tmp = arena_new(0);
	c.name = name;
	c.src = src != NULL ? src : "";
	c.len = src != NULL ? len : 0;
	c.err = err;
	int rc = tokenize(&c);
	if (rc == 0)
		rc = pair(&c);
	if (rc == 0) {
		tmpl_ws_apply(&c);
		struct tmpl *t = arena_calloc(dst, 1, sizeof *t);
		t->name = name;
		rc = build(&c, 0, c.n, false, &t->kids, &t->nkids);
		if (rc == 0) {
			collect(&c, t->kids, t->nkids);
			t->nrefs = c.nrefs;
			t->refs = arena_calloc(dst, c.nrefs ? c.nrefs : 1, sizeof *t->refs);
			if (c.nrefs)
				memcpy(t->refs, c.refs, c.nrefs * sizeof *t->refs);
			*out = t;
		}
	}
	arena_free(c.tmp);
	return rc;
}

bool
tmpl_exists(const struct tmpl_set *s, const char *name)
{
	return s != NULL && name != NULL && tmpl_set_find(s, name, strlen(name)) != NULL;
}
