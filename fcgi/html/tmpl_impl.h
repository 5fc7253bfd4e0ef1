/* tmpl_impl.h: internals shared by the template compiler, set and renderer (not a public API). */
#ifndef ECC_TMPL_IMPL_H
#define ECC_TMPL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/tmpl.h"

/*
 * A compiled template is a tree of nodes in the set's arena. Whitespace
 * rules (standalone lines, block re-indentation) are applied at compile time:
 * text nodes hold exactly the bytes to emit, and nodes that change the
 * indentation carry the string to add. The renderer only walks the tree.
 */
enum tmpl_kind {
	TK_TEXT,     /* text/len: literal bytes */
	TK_VAR,      /* name: escaped interpolation */
	TK_RAW,      /* name: {{{name}}} / {{&name}} */
	TK_SECTION,  /* name, kids */
	TK_INVERTED, /* name, kids */
	TK_PARTIAL,  /* text/len = partial name; indent if standalone */
	TK_PARENT,   /* text/len = parent name; kids = argument blocks only */
	TK_BLOCK,    /* text/len = block name; kids = default content */
};

/* A tag name split at compile time: "a.b.c" -> 3 segments; "." -> 0. */
struct tmpl_name {
	const char *full;        /* as written, NUL-terminated, for messages */
	const char *const *seg;  /* segment starts (not NUL-terminated) */
	const size_t *seglen;
	size_t nseg;
};

struct tmpl_node {
	enum tmpl_kind kind;
	/* partial/parent: the tag line was standalone, so the output is at the
	 * start of a line and indent is added to every line of the partial.
	 * block: the opening tag was standalone (content starts a new line). */
	bool standalone;
	unsigned line;             /* 1-based line of the tag in its template */
	const char *tname;         /* name of the template this node is in */
	const char *text;          /* text bytes, or partial/parent/block name */
	size_t len;
	struct tmpl_name name;     /* var/raw/section/inverted */
	const char *indent;        /* partial/parent: indentation; block: the
	                            * intrinsic indentation its content was
	                            * stripped of (added back for the default) */
	size_t nindent;
	const char *site;          /* block: indentation added to an override */
	size_t nsite;
	struct tmpl_node *kids;
	size_t nkids;
	const struct tmpl *target; /* partial/parent: resolved by tmpl_set_link */
};

struct tmpl {
	const char *name;
	struct tmpl_node *kids;
	size_t nkids;
	struct tmpl_node **refs;   /* every partial and parent node, for linking */
	size_t nrefs;
};

struct tmpl_set {
	struct arena *a;
	int flags;
	size_t max_steps;
	size_t max_output;
	struct tmpl **list;        /* insertion order */
	size_t n, cap;
	struct tmpl **tab;         /* open addressing on the name hash */
	size_t tcap;
};

/*
 * tmpl_compile: compile src[0..len) named name into a tree allocated in dst
 * (name must already live in dst). Temporary data goes to an internal
 * scratch arena. Returns 0 and *out, or -ERR_INVALID with "name:line:
 * message" appended to err (may be NULL).
 */
int tmpl_compile(struct arena *dst, const char *name, const char *src, size_t len,
    struct tmpl **out, struct buf *err);

/* tmpl_set_find: the template called name[0..n), or NULL. */
const struct tmpl *tmpl_set_find(const struct tmpl_set *s, const char *name, size_t n);

/* tmpl_errf: append "tname:line: message" ("tname: message" for line 0) to
 * err (may be NULL), on a new line when err already holds text. fmt must be
 * a constant. */
void tmpl_errf(struct buf *err, const char *tname, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* tmpl_quote: append s[0..n) to b in double quotes for a message, at most
 * 60 bytes, control bytes and quotes replaced by '?'. */
void tmpl_quote(struct buf *b, const char *s, size_t n);

/* ------------------------------------------------------------ compiler only */

/* Token kinds of the compiler's flat token list (tmpl.c, tmpl_ws.c). */
enum tmpl_tok_kind { T_TEXT, T_VAR, T_RAW, T_SEC, T_INV, T_CLOSE, T_COMMENT, T_PARTIAL, T_PARENT,
	T_BLOCK, T_DELIM };

/* One token; offsets are into the template source. */
struct tmpl_tok {
	enum tmpl_tok_kind kind;
	bool sa;               /* standalone (block: its start tag) */
	bool inpar;            /* directly inside a parent pair */
	unsigned line;
	size_t s, e;           /* the whole token */
	size_t ns, ne;         /* tag: trimmed content (name) */
	size_t ts, te;         /* text: bytes kept after trimming standalone lines */
	size_t ls;             /* tag: start of the blanks before it on its line */
	size_t after;          /* tag with clear right side: start of the next line */
	size_t match;          /* opening <-> closing tag */
	size_t ind_s, ind_e;   /* partial/parent: indentation; block: intrinsic */
	size_t site_s, site_e; /* block: indentation for an override */
	const char *out;       /* text: final bytes (after indentation stripping) */
	size_t nout;
};

/* The compiler's state for one template. */
struct tmpl_cc {
	struct arena *dst, *tmp;   /* tree / scratch */
	const char *name, *src;
	size_t len;
	struct buf *err;
	struct tmpl_tok *t;
	size_t n, cap;
	struct tmpl_node **refs;
	size_t nrefs, refcap;
};

/*
 * tmpl_ws_apply (tmpl_ws.c): the whitespace passes over a tokenized and
 * paired template: mark standalone tags and trim the text around them, then
 * compute indentation strings and set every text token's final bytes
 * (out/nout, in c->tmp). Cannot fail.
 */
void tmpl_ws_apply(struct tmpl_cc *c);

#endif
