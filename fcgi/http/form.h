/* form.h: an ordered list of (name, value) pairs from a query string or a request body. */
#ifndef ECC_FORM_H
#define ECC_FORM_H

#include <stddef.h>

#include "core/arena.h"

/* FORM_MAX_PAIRS: the default limit on pairs per form (query or body). */
#define FORM_MAX_PAIRS 1000

/*
 * One pair. name and value are NUL-terminated and their lengths are given
 * as well (a value decoded from "%00" may contain NUL bytes; lookups by a C
 * string name simply never match such a name). Parsers in this directory
 * store valid UTF-8 only.
 */
struct form_pair {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/*
 * A form is filled by urlenc_parse or multipart_parse and read with
 * form_get / form_get_all / form_count. Its array lives in arena and dies
 * with it; the strings are whatever the filler stored (also arena memory).
 * Pairs keep their order of appearance. A zeroed struct form is a valid
 * empty form for reading (form_get gives -ERR_NOT_FOUND); it needs
 * form_init before form_add.
 */
struct form {
	struct arena *arena;
	struct form_pair *pairs;
	size_t count;
	size_t cap;
	size_t max;      /* form_add refuses pair number max + 1 */
};

/* form_init: empty form whose array comes from a, holding at most max
 * pairs (0 means FORM_MAX_PAIRS). */
void form_init(struct form *f, struct arena *a, size_t max);

/*
 * form_add: append a pair. The strings are not copied: they must be
 * NUL-terminated at name[name_len] / value[value_len] and outlive the form
 * (normally they are in the same arena). Returns 0, or -ERR_TOO_LARGE when
 * the form already holds max pairs (nothing is added).
 */
int form_add(struct form *f, const char *name, size_t name_len,
	     const char *value, size_t value_len);

/*
 * form_get: the single value of name. Returns 0 and sets *val (and *len if
 * len is not NULL) when name occurs exactly once; -ERR_NOT_FOUND when it does
 * not occur; -ERR_CONFLICT when it occurs more than once (*val is then the
 * first value; the router answers 400). *val points into the form's storage.
 */
int form_get(const struct form *f, const char *name, const char **val, size_t *len);

/*
 * form_get_all: every value of name, in order, for multi-valued fields
 * (check boxes, multi-selects). Returns the count; when it is not 0, *vals
 * (and *lens if lens is not NULL) are set to arrays of that many entries
 * allocated in a. With count 0 *vals is set to NULL.
 */
size_t form_get_all(const struct form *f, struct arena *a, const char *name,
		    const char ***vals, size_t **lens);

/* form_count: number of pairs (all names). */
size_t form_count(const struct form *f);

#endif
