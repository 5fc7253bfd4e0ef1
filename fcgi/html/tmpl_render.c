/* tmpl_render.c: walks a compiled template against a view and appends escaped output to a buf. */
#include "tmpl_impl.h"

#include <string.h>

#include "core/err.h"
#include "html/html.h"

/*
 * All render state lives in struct rs on the caller's stack; the context
 * stack and the chain of parent arguments are linked lists of frames on the
 * C stack, so nothing is allocated except output and the indentation buffer.
 *
 * Indentation: ind holds the blanks to put before every template line
 * (standalone partials, parents and re-indented blocks append to it and cut
 * it back afterwards). pending is true at the start of a template line,
 * before anything was emitted on it; the indentation is written lazily in
 * front of the next byte, so an empty partial adds nothing and lines that
 * come from interpolated data are never indented.
 */

/* Total recursion (sections + partials + blocks) while rendering. */
#define RENDER_NEST_MAX 1000

struct ctx {
	const struct view *v;
	const struct ctx *up;
};

struct frame {
	const struct tmpl_node *parent; /* its kids are the argument blocks */
	const struct frame *up;
};

struct rs {
	const struct tmpl_set *set;
	struct buf *out, *err;
	struct buf ind;
	bool pending;
	bool text;        /* plain-text output (a ".txt" template): no escaping */
	unsigned depth;   /* partials and parents */
	unsigned nest;    /* all recursion */
	size_t steps, out_start;
	const struct frame *frames;
};

static int render(struct rs *r, const struct tmpl_node *v, size_t n, const struct ctx *c);

static int
fail(struct rs *r, const struct tmpl_node *x, int code, const char *msg, const char *q, size_t nq)
{
	tmpl_errf(r->err, x->tname, x->line, "%s", msg);
	if (q != NULL)
		tmpl_quote(r->err, q, nq);
	return code;
}

static void
put_indent(struct rs *r)
{
	if (r->pending) {
		buf_append(r->out, r->ind.data, r->ind.len);
		r->pending = false;
	}
}

/* put_text: template text; every line start gets the indentation. */
static void
put_text(struct rs *r, const char *s, size_t n)
{
	if (r->ind.len == 0) {
		buf_append(r->out, s, n);
		r->pending = s[n - 1] == '\n';
		return;
	}
	while (n > 0) {
		put_indent(r);
		const char *nl = memchr(s, '\n', n);
		size_t k = nl != NULL ? (size_t)(nl - s) + 1 : n;
		buf_append(r->out, s, k);
		s += k;
		n -= k;
		if (nl != NULL)
			r->pending = true;
	}
}

/* put_value: interpolated data (never re-indented inside). */
static void
put_value(struct rs *r, const struct view *v, bool raw)
{
	char tmp[VIEW_SCALAR_MAX];
	size_t n;
	const char *s = view_scalar(v, tmp, &n);
	if (n == 0)
		return;
	if (r->ind.len != 0)
		put_indent(r);
	r->pending = false;
	if (raw)
		buf_append(r->out, s, n);
	else
		html_escape(r->out, s, n);
}

static const struct view *
lookup(const struct ctx *c, const struct tmpl_name *nm)
{
	if (nm->nseg == 0)
		return c != NULL ? c->v : NULL;
	const struct view *v = NULL;
	for (; c != NULL; c = c->up)
		if ((v = view_getn(c->v, nm->seg[0], nm->seglen[0])) != NULL)
			break;
	for (size_t i = 1; v != NULL && i < nm->nseg; i++)
		v = view_getn(v, nm->seg[i], nm->seglen[i]);
	return v;
}

static int
interpolate(struct rs *r, const struct tmpl_node *x, const struct ctx *c)
{
	const struct view *v = lookup(c, &x->name);
	if (v == NULL) {
		if (r->set->flags & TMPL_STRICT_NAMES)
			return fail(r, x, -ERR_INVALID, "undefined name ", x->name.full,
			    strlen(x->name.full));
		return 0;
	}
	enum view_type t = view_type(v);
	if (r->text) {
		put_value(r, v, true);
		return 0;
	}
	if (x->kind == TK_VAR || t == VIEW_SAFE) {
		put_value(r, v, x->kind == TK_RAW);
		return 0;
	}
	if (r->set->flags & TMPL_SPEC_MODE) {
		put_value(r, v, true);
		return 0;
	}
	if ((r->set->flags & TMPL_STRICT_RAW) && t != VIEW_NULL)
		return fail(r, x, -ERR_INVALID, "raw tag on a value that is not safe HTML: ",
		    x->name.full, strlen(x->name.full));
	put_value(r, v, false);
	return 0;
}

static int
section(struct rs *r, const struct tmpl_node *x, const struct ctx *c)
{
	const struct view *v = lookup(c, &x->name);
	if (x->kind == TK_INVERTED)
		return view_truthy(v) ? 0 : render(r, x->kids, x->nkids, c);
	if (!view_truthy(v))
		return 0;
	struct ctx top = { v, c };
	if (view_type(v) != VIEW_LIST)
		return render(r, x->kids, x->nkids, &top);
	size_t n = view_len(v);
	for (size_t i = 0; i < n; i++) {
		top.v = view_at(v, i);
		int rc = render(r, x->kids, x->nkids, &top);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* include: a partial, or a parent with its arguments as a new frame. */
static int
include(struct rs *r, const struct tmpl_node *x, const struct ctx *c)
{
	const struct tmpl *t = x->target;
	if (t == NULL)
		t = tmpl_set_find(r->set, x->text, x->len);
	if (t == NULL) {
		if (r->set->flags & TMPL_STRICT_PARTIALS)
			return fail(r, x, -ERR_INVALID,
			    x->kind == TK_PARENT ? "missing parent " : "missing partial ", x->text, x->len);
		return 0;
	}
	if (r->depth >= TMPL_MAX_DEPTH)
		return fail(r, x, -ERR_TOO_LARGE, "partials nested deeper than 64 at ", x->text, x->len);
	size_t ind = r->ind.len;
	const struct frame *saved = r->frames;
	struct frame f = { x, saved };
	if (x->standalone) {
		buf_append(&r->ind, x->indent, x->nindent);
		r->pending = true;
	}
	if (x->kind == TK_PARENT)
		r->frames = &f;
	r->depth++;
	int rc = render(r, t->kids, t->nkids, c);
	r->depth--;
	r->frames = saved;
	buf_truncate(&r->ind, ind);
	return rc;
}

/* block: the outermost override of this block if any, else its default. */
static int
block(struct rs *r, const struct tmpl_node *x, const struct ctx *c)
{
	const struct tmpl_node *use = NULL;
	for (const struct frame *f = r->frames; f != NULL; f = f->up) {
		const struct tmpl_node *p = f->parent;
		for (size_t i = 0; i < p->nkids; i++) {
			if (p->kids[i].len == x->len && memcmp(p->kids[i].text, x->text, x->len) == 0) {
				use = &p->kids[i];
				break;
			}
		}
	}
	size_t ind = r->ind.len;
	if (use != NULL)
		buf_append(&r->ind, x->site, x->nsite);
	else
		buf_append(&r->ind, x->indent, x->nindent);
	if (x->standalone)
		r->pending = true;
	if (use == NULL)
		use = x;
	int rc = render(r, use->kids, use->nkids, c);
	buf_truncate(&r->ind, ind);
	return rc;
}

static int
render(struct rs *r, const struct tmpl_node *v, size_t n, const struct ctx *c)
{
	int rc = 0;
	if (++r->nest > RENDER_NEST_MAX) {
		r->nest--;
		return n > 0 ? fail(r, &v[0], -ERR_TOO_LARGE, "rendering nested too deep", NULL, 0) :
		    -ERR_TOO_LARGE;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct tmpl_node *x = &v[i];
		if (++r->steps > r->set->max_steps) {
			rc = fail(r, x, -ERR_TOO_LARGE, "render step limit reached", NULL, 0);
			break;
		}
		switch (x->kind) {
		case TK_TEXT:
			put_text(r, x->text, x->len);
			break;
		case TK_VAR:
		case TK_RAW:
			rc = interpolate(r, x, c);
			break;
		case TK_SECTION:
		case TK_INVERTED:
			rc = section(r, x, c);
			break;
		case TK_PARTIAL:
		case TK_PARENT:
			rc = include(r, x, c);
			break;
		case TK_BLOCK:
			rc = block(r, x, c);
			break;
		}
		if (rc == 0 && r->out->len - r->out_start > r->set->max_output)
			rc = fail(r, x, -ERR_TOO_LARGE, "render output limit reached", NULL, 0);
	}
	r->nest--;
	return rc;
}

int
tmpl_render(const struct tmpl_set *s, const char *name, const struct view *ctx,
    struct arena *a, struct buf *out, struct buf *err)
{
	const struct tmpl *t = s != NULL && name != NULL ? tmpl_set_find(s, name, strlen(name)) : NULL;
	if (t == NULL) {
		tmpl_errf(err, name != NULL ? name : "(null)", 0, "no such template");
		return -ERR_NOT_FOUND;
	}
	struct rs r;
	memset(&r, 0, sizeof r);
	r.set = s;
	r.out = out;
	r.err = err;
	r.pending = true;
	r.out_start = out->len;
	size_t nl = strlen(name);
	r.text = nl > 4 && memcmp(name + nl - 4, ".txt", 4) == 0;
	buf_init(&r.ind, a, 64);
	struct ctx bottom = { ctx, NULL };
	int rc = render(&r, t->kids, t->nkids, ctx != NULL ? &bottom : NULL);
	if (rc != 0)
		buf_truncate(out, r.out_start);
	return rc;
}
