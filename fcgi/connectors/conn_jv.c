/* conn_jv.c: platform response bodies parsed into an arena — a strict JSON parser, navigation, each value's source bytes. */
#include "conn_jv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "http/lex.h"

/* 32 bytes: a page of 250 Shopify orders has ~100,000 values */
struct conn_jv {
	const char *src;         /* the value's bytes in the document */
	union {
		const char *text;                /* scalars: n bytes, not NUL-terminated */
		const struct conn_jv *items;
		const struct member *members;
	} u;
	uint32_t src_len;
	uint32_t n;              /* text bytes (scalars), items (array) or members (object) */
	unsigned char type;      /* enum conn_jv_type */
};

/* An object member; array items use the same slots on the parse stack (key NULL). */
struct member {
	const char *key;         /* not NUL-terminated: key_len bytes */
	uint32_t key_len;
	struct conn_jv v;
};

/*
 * The parse stack holds the children of every open container, innermost
 * last, until the container closes and they are copied into the arena at
 * their exact size. It is malloc'd, grown by doubling and freed before
 * conn_jv_parse returns (the one malloc of this module): in the arena every
 * outgrown copy would stay until the page ends, and an 8 MiB body of
 * "[1,1,…" would then need ~0.5 GiB of arena instead of ~130 MiB.
 */
struct parser {
	struct arena *a;
	const char *p, *end;
	struct member *stack;
	size_t top, cap;
	int depth;
	bool nomem;
};

static bool value(struct parser *ps, struct conn_jv *out);

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

/* a new slot on top of the parse stack, or NULL (ps->nomem) when malloc fails */
static struct member *
push(struct parser *ps)
{
	if (ps->top == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 256;
		struct member *ns = realloc(ps->stack, nc * sizeof *ns);
		if (ns == NULL) {
			ps->nomem = true;
			return NULL;
		}
		ps->stack = ns;
		ps->cap = nc;
	}
	return &ps->stack[ps->top++];
}

/* four hex digits at s (at least 4 bytes before end) → value, or -1 */
static long
hex4(const char *s, const char *end)
{
	if (end - s < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = lex_hexval((unsigned char)s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/*
 * Decode the escaped string body s[0..n) (its closing quote excluded) into o,
 * which has room for n bytes (decoding never grows). *at gets the offset of a
 * bad escape. Returns the end of the output, or NULL.
 */
static char *
unescape(const char *s, size_t n, char *o, size_t *at)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		*at = (size_t)(p - s);
		if (p + 1 >= end)
			return NULL;
		char c = p[1];
		p += 2;
		switch (c) {
		case '"': case '\\': case '/':
			*o++ = c;
			continue;
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'u':
			break;
		default:
			return NULL;
		}
		long cp = hex4(p, end);
		if (cp < 0)
			return NULL;
		p += 4;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, end) : -1;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else {
				cp = 0xFFFD;
			}
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		}
		o = put_utf8(o, (uint32_t)cp);
	}
	return o;
}

/* A string at ps->p (its opening quote): its bytes in the document, or decoded into the arena when it has escapes. */
static bool
string(struct parser *ps, const char **out, uint32_t *len)
{
	const char *s = ++ps->p, *p = s, *end = ps->end;
	bool esc = false;
	for (;;) {
		while (p < end && *p != '"' && *p != '\\' && *p != '\0')
			p++;
		if (p >= end || *p == '\0') {
			ps->p = p;
			return false;
		}
		if (*p == '"')
			break;
		esc = true;
		p += 2;   /* the escaped byte, whatever it is; checked by unescape */
		if (p > end) {
			ps->p = end;
			return false;
		}
	}
	size_t n = (size_t)(p - s);
	ps->p = p + 1;
	if (!esc) {
		*out = s;
		*len = (uint32_t)n;
		return true;
	}
	char *o = arena_alloc(ps->a, n);
	size_t at = 0;
	char *e = unescape(s, n, o, &at);
	if (e == NULL) {
		ps->p = s + at;
		return false;
	}
	*out = o;
	*len = (uint32_t)(e - o);
	return true;
}

static bool
digits(struct parser *ps)
{
	const char *p = ps->p;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
number(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (!digits(ps))
		return false;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!digits(ps))
			return false;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!digits(ps))
			return false;
	}
	/* a number runs into nothing that could continue a token */
	return ps->p >= ps->end || !((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' ||
				     *ps->p == 'e' || *ps->p == 'E');
}

static bool
literal(struct parser *ps, const char *word, size_t n)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return false;
	ps->p += n;
	return true;
}

/* the children stack[base..top) as the container's own array */
static void
close_container(struct parser *ps, size_t base, struct conn_jv *out)
{
	size_t n = ps->top - base;
	out->n = (uint32_t)n;
	if (out->type == CONN_JV_OBJECT) {
		struct member *m = arena_alloc(ps->a, (n ? n : 1) * sizeof *m);
		if (n > 0)
			memcpy(m, ps->stack + base, n * sizeof *m);
		out->u.members = m;
	} else {
		struct conn_jv *items = arena_alloc(ps->a, (n ? n : 1) * sizeof *items);
		for (size_t i = 0; i < n; i++)
			items[i] = ps->stack[base + i].v;
		out->u.items = items;
	}
	ps->top = base;
}

static bool
container(struct parser *ps, struct conn_jv *out)
{
	bool obj = *ps->p == '{';
	char close = obj ? '}' : ']';
	if (++ps->depth > CONN_JV_MAX_DEPTH)
		return false;
	out->type = obj ? CONN_JV_OBJECT : CONN_JV_ARRAY;
	size_t base = ps->top;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		close_container(ps, base, out);
		ps->depth--;
		return true;
	}
	for (;;) {
		const char *key = NULL;
		uint32_t klen = 0;
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"' || !string(ps, &key, &klen))
				return false;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return false;
			ps->p++;
			skip_ws(ps);
		}
		struct conn_jv v;
		if (!value(ps, &v))
			return false;
		struct member *m = push(ps);
		if (m == NULL)
			return false;
		m->key = key;
		m->key_len = klen;
		m->v = v;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return false;
		if (*ps->p == close) {
			ps->p++;
			break;
		}
		if (*ps->p != ',')
			return false;
		ps->p++;
		skip_ws(ps);
	}
	close_container(ps, base, out);
	ps->depth--;
	return true;
}

/* one value at ps->p (no whitespace before it) */
static bool
value(struct parser *ps, struct conn_jv *out)
{
	memset(out, 0, sizeof *out);
	if (ps->p >= ps->end)
		return false;
	const char *s = ps->p;
	bool ok;
	switch (*s) {
	case '{':
	case '[':
		ok = container(ps, out);
		break;
	case '"':
		out->type = CONN_JV_STRING;
		ok = string(ps, &out->u.text, &out->n);
		break;
	case 't':
	case 'f':
		out->type = CONN_JV_BOOL;
		ok = *s == 't' ? literal(ps, "true", 4) : literal(ps, "false", 5);
		break;
	case 'n':
		out->type = CONN_JV_NULL;
		ok = literal(ps, "null", 4);
		break;
	default:
		out->type = CONN_JV_NUMBER;
		ok = number(ps);
		break;
	}
	if (!ok)
		return false;
	out->src = s;
	out->src_len = (uint32_t)(ps->p - s);
	if (out->type == CONN_JV_NUMBER || out->type == CONN_JV_BOOL) {
		out->u.text = s;
		out->n = out->src_len;
	}
	return true;
}

int
conn_jv_parse(struct arena *a, const char *body, size_t len, const char *what,
	      const struct conn_jv **out, struct buf *msg)
{
	*out = NULL;
	if (body == NULL || len == 0) {
		if (msg != NULL)
			buf_printf(msg, "%sが空です", what);
		return -ERR_UPSTREAM;
	}
	if (len > UINT32_MAX) {
		if (msg != NULL)
			buf_printf(msg, "%sが大きすぎます", what);
		return -ERR_UPSTREAM;
	}
	struct parser ps = { .a = a, .p = body, .end = body + len };
	struct conn_jv *root = arena_alloc(a, sizeof *root);
	skip_ws(&ps);
	bool ok = value(&ps, root);
	if (ok) {
		skip_ws(&ps);
		ok = ps.p == ps.end;
	}
	free(ps.stack);
	if (ps.nomem)
		return -ERR_NOMEM;
	if (!ok) {
		if (msg != NULL)
			buf_printf(msg, "%sの JSON が不正です（位置 %zu）", what, (size_t)(ps.p - body));
		return -ERR_UPSTREAM;
	}
	*out = root->type == CONN_JV_NULL ? NULL : root;
	return 0;
}

enum conn_jv_type
conn_jv_type(const struct conn_jv *v)
{
	return v != NULL ? (enum conn_jv_type)v->type : CONN_JV_NULL;
}

bool
conn_jv_is(const struct conn_jv *v, enum conn_jv_type t)
{
	return v != NULL && v->type == t;
}

size_t
conn_jv_len(const struct conn_jv *v)
{
	return v != NULL && (v->type == CONN_JV_ARRAY || v->type == CONN_JV_OBJECT) ? v->n : 0;
}

static const struct conn_jv *
nonnull(const struct conn_jv *v)
{
	return v->type == CONN_JV_NULL ? NULL : v;
}

const struct conn_jv *
conn_jv_idx(const struct conn_jv *v, size_t i)
{
	if (v == NULL || v->type != CONN_JV_ARRAY || i >= v->n)
		return NULL;
	return nonnull(&v->u.items[i]);
}

/* member key[0..n) of object v, the last of its name */
static const struct conn_jv *
member(const struct conn_jv *v, const char *key, size_t n)
{
	if (v == NULL || v->type != CONN_JV_OBJECT)
		return NULL;
	for (size_t i = v->n; i-- > 0;) {
		const struct member *m = &v->u.members[i];
		if (m->key_len == n && memcmp(m->key, key, n) == 0)
			return nonnull(&m->v);
	}
	return NULL;
}

const struct conn_jv *
conn_jv_get(const struct conn_jv *v, const char *key)
{
	return member(v, key, strlen(key));
}

const struct conn_jv *
conn_jv_at(const struct conn_jv *v, const char *path)
{
	const char *p = path;
	while (v != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= 96)
			return NULL;
		if (v->type == CONN_JV_OBJECT) {
			v = member(v, p, n);
		} else if (v->type == CONN_JV_ARRAY) {
			char seg[96], *end;
			memcpy(seg, p, n);
			seg[n] = '\0';
			errno = 0;
			unsigned long i = strtoul(seg, &end, 10);
			if (*end != '\0' || seg[0] < '0' || seg[0] > '9' || errno != 0)
				return NULL;
			v = conn_jv_idx(v, i);
		} else {
			return NULL;
		}
		p += n;
		if (*p == '.')
			p++;
	}
	return v;
}

const char *
conn_jv_text(const struct conn_jv *v, size_t *len)
{
	*len = 0;
	if (v == NULL || (v->type != CONN_JV_STRING && v->type != CONN_JV_NUMBER && v->type != CONN_JV_BOOL))
		return NULL;
	*len = v->n;
	return v->u.text;
}

const char *
conn_jv_raw(struct arena *a, const struct conn_jv *v, size_t *len)
{
	const char *s = v != NULL ? v->src : "null";
	size_t n = v != NULL ? v->src_len : 4;
	if (len != NULL)
		*len = n;
	return arena_memdup(a, s, n);
}

void
conn_jv_quote(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_append(b, e, sizeof e);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}
