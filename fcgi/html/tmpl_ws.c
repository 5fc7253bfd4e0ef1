/* tmpl_ws.c: Mustache whitespace rules: standalone lines, partial indentation, block re-indentation. */
#include "tmpl_impl.h"

#include <string.h>

/*
 * Pass 3, standalone: a tag alone on its line (only blanks around it) drops
 * the line's blanks and line end. A parent counts as a pair (start tag first
 * on its line, end tag last on its line). Inside a parent only blocks matter,
 * so an argument block's start tag needs only a clear right side and its end
 * tag only a clear left side. Interpolations are never standalone.
 *
 * Pass 4, indentation: a block whose start tag ends its line has an intrinsic
 * indentation (the blanks starting the next line); it is removed from every
 * line of the block's content and given back when rendering (for an override:
 * the indentation of the block it replaces, its "site"). Standalone partials
 * and parents record the blanks before them as their indentation. All these
 * strings are relative to the enclosing blocks' intrinsic indentation.
 */

static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* left_clear: only blanks between the line start and pos; *ls = their start. */
static bool
left_clear(const char *src, size_t pos, size_t *ls)
{
	size_t i = pos;
	while (i > 0 && blank(src[i - 1]))
		i--;
	*ls = i;
	return i == 0 || src[i - 1] == '\n';
}

/* right_clear: only blanks between pos and the line end (or the end of the
 * source); *after = start of the next line. */
static bool
right_clear(const char *src, size_t len, size_t pos, size_t *after)
{
	size_t i = pos;
	while (i < len && blank(src[i]))
		i++;
	if (i == len) {
		*after = i;
		return true;
	}
	if (src[i] == '\n' || (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')) {
		*after = i + (src[i] == '\r' ? 2 : 1);
		return true;
	}
	return false;
}

/* trim_before / trim_after: drop the blanks before tag i, or the rest of
 * its line after tag i, from the neighbouring text token. */
static void
trim_before(struct tmpl_cc *c, size_t i)
{
	if (i > 0 && c->t[i - 1].kind == T_TEXT) {
		struct tmpl_tok *x = &c->t[i - 1];
		if (c->t[i].ls < x->te)
			x->te = c->t[i].ls > x->ts ? c->t[i].ls : x->ts;
	}
}

static void
trim_after(struct tmpl_cc *c, size_t i)
{
	if (i + 1 < c->n && c->t[i + 1].kind == T_TEXT) {
		struct tmpl_tok *x = &c->t[i + 1];
		if (c->t[i].after > x->ts)
			x->ts = c->t[i].after < x->te ? c->t[i].after : x->te;
	}
}

/* ---------------------------------------------------------------- standalone */

static void
standalone(struct tmpl_cc *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct tmpl_tok *t = &c->t[i];
		if (t->kind == T_TEXT || t->kind == T_VAR || t->kind == T_RAW)
			continue;
		bool lc = left_clear(c->src, t->s, &t->ls);
		bool rc = right_clear(c->src, c->len, t->e, &t->after);
		switch (t->kind) {
		case T_BLOCK:
			if (t->inpar ? rc : lc && rc) {
				t->sa = true;
				if (!t->inpar)
					trim_before(c, i);
				trim_after(c, i);
			}
			break;
		case T_PARENT: {
			struct tmpl_tok *e = &c->t[t->match];
			if (t->inpar || !lc || !right_clear(c->src, c->len, e->e, &e->after))
				break;
			t->sa = e->sa = true;
			trim_before(c, i);
			trim_after(c, t->match);
			break;
		}
		case T_CLOSE: {
			struct tmpl_tok *o = &c->t[t->match];
			if (o->kind == T_PARENT)
				break;
			if (o->kind == T_BLOCK && o->inpar) {
				if (lc) {
					t->sa = true;
					trim_before(c, i);
				}
			} else if (!t->inpar && lc && rc) {
				t->sa = true;
				trim_before(c, i);
				trim_after(c, i);
			}
			break;
		}
		default:
			if (!t->inpar && lc && rc) {
				t->sa = true;
				trim_before(c, i);
				trim_after(c, i);
			}
			break;
		}
	}
}

/* ---------------------------------------------------------------- indentation */

struct level {
	size_t s, e; /* intrinsic indentation of an open block, in src */
};

/* skip_levels: from p (a line start, limit lim), skip each open block's
 * intrinsic indentation in turn, outermost first, stopping at the first
 * that does not match. Returns the new position. */
static size_t
skip_levels(const char *src, size_t p, size_t lim, const struct level *lv, size_t nlv)
{
	for (size_t k = 0; k < nlv; k++) {
		size_t n = lv[k].e - lv[k].s;
		if (n == 0)
			continue;
		if (lim - p < n || memcmp(src + p, src + lv[k].s, n) != 0)
			break;
		p += n;
	}
	return p;
}

/* strip_text: the kept bytes of text token x with the open blocks'
 * indentation removed from the start of each line. */
static void
strip_text(struct tmpl_cc *c, struct tmpl_tok *x, const struct level *lv, size_t nlv)
{
	const char *src = c->src;
	bool any = false;
	for (size_t k = 0; k < nlv; k++)
		any |= lv[k].e > lv[k].s;
	if (!any || x->ts == x->te) {
		x->out = src + x->ts;
		x->nout = x->te - x->ts;
		return;
	}
	struct buf b;
	buf_init(&b, c->tmp, x->te - x->ts + 1);
	size_t p = x->ts;
	bool bol = p == 0 || src[p - 1] == '\n';
	while (p < x->te) {
		if (bol)
			p = skip_levels(src, p, x->te, lv, nlv);
		const char *nl = memchr(src + p, '\n', x->te - p);
		size_t q = nl != NULL ? (size_t)(nl - src) + 1 : x->te;
		buf_append(&b, src + p, q - p);
		p = q;
		bol = true;
	}
	x->out = b.data;
	x->nout = b.len;
}

/* blanks_end: end of the run of blanks starting at p. */
static size_t
blanks_end(const char *src, size_t len, size_t p)
{
	while (p < len && blank(src[p]))
		p++;
	return p;
}

static void
indentation(struct tmpl_cc *c)
{
	struct level lv[TMPL_MAX_NEST];
	size_t nlv = 0;
	const char *src = c->src;
	for (size_t i = 0; i < c->n; i++) {
		struct tmpl_tok *t = &c->t[i];
		switch (t->kind) {
		case T_TEXT:
			strip_text(c, t, lv, nlv);
			break;
		case T_PARTIAL:
		case T_PARENT:
			if (t->sa) {
				t->ind_s = skip_levels(src, t->ls, t->s, lv, nlv);
				t->ind_e = t->s;
			}
			break;
		case T_BLOCK: {
			const struct tmpl_tok *e = &c->t[t->match];
			size_t ls;
			if (t->sa) {
				size_t w = blanks_end(src, c->len, t->after);
				t->ind_s = skip_levels(src, t->after, w, lv, nlv);
				t->ind_e = w;
				t->site_s = t->ind_s;
				t->site_e = t->ind_e;
			} else if (!t->inpar && left_clear(src, t->s, &ls) &&
			    right_clear(src, c->len, e->e, &(size_t){ 0 })) {
				t->site_s = skip_levels(src, ls, t->s, lv, nlv);
				t->site_e = t->s;
			}
			lv[nlv].s = t->ind_s;
			lv[nlv].e = t->ind_e;
			nlv++;
			break;
		}
		case T_CLOSE:
			if (c->t[t->match].kind == T_BLOCK && nlv > 0)
				nlv--;
			break;
		default:
			break;
		}
	}
}

void
tmpl_ws_apply(struct tmpl_cc *c)
{
	standalone(c);
	indentation(c);
}
