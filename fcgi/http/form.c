/* form.c: an ordered list of (name, value) pairs from a query string or a request body. */
#include "form.h"

#include <stdbool.h>
#include <string.h>

#include "core/err.h"

static bool name_is(const struct form_pair *p, const char *name, size_t n);

static bool
name_is(const struct form_pair *p, const char *name, size_t n)
{
	return p->name_len == n && memcmp(p->name, name, n) == 0;
}

void
form_init(struct form *f, struct arena *a, size_t max)
{
	memset(f, 0, sizeof *f);
	f->arena = a;
	f->max = max ? max : FORM_MAX_PAIRS;
}

int
form_add(struct form *f, const char *name, size_t name_len,
	 const char *value, size_t value_len)
{
	if (f->count >= f->max)
		return -ERR_TOO_LARGE;
	if (f->count == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 8;
		if (ncap > f->max)
			ncap = f->max;
		f->pairs = arena_realloc(f->arena, f->pairs,
		    f->cap * sizeof *f->pairs, ncap * sizeof *f->pairs);
		f->cap = ncap;
	}
	struct form_pair *p = &f->pairs[f->count++];
	p->name = name;
	p->name_len = name_len;
	p->value = value;
	p->value_len = value_len;
	return 0;
}

int
form_get(const struct form *f, const char *name, const char **val, size_t *len)
{
	size_t n = strlen(name);
	const struct form_pair *hit = NULL;
	for (size_t i = 0; i < f->count; i++) {
		if (!name_is(&f->pairs[i], name, n))
			continue;
		if (hit != NULL)
			return -ERR_CONFLICT;
		hit = &f->pairs[i];
		*val = hit->value;
		if (len != NULL)
			*len = hit->value_len;
	}
	return hit != NULL ? 0 : -ERR_NOT_FOUND;
}

size_t
form_get_all(const struct form *f, struct arena *a, const char *name,
	     const char ***vals, size_t **lens)
{
	size_t n = strlen(name), count = 0;
	for (size_t i = 0; i < f->count; i++)
		if (name_is(&f->pairs[i], name, n))
			count++;
	*vals = NULL;
	if (lens != NULL)
		*lens = NULL;
	if (count == 0)
		return 0;
	const char **v = arena_calloc(a, count, sizeof *v);
	size_t *l = lens != NULL ? arena_calloc(a, count, sizeof *l) : NULL;
	size_t k = 0;
	for (size_t i = 0; i < f->count; i++) {
		if (!name_is(&f->pairs[i], name, n))
			continue;
		v[k] = f->pairs[i].value;
		if (l != NULL)
			l[k] = f->pairs[i].value_len;
		k++;
	}
	*vals = v;
	if (lens != NULL)
		*lens = l;
	return count;
}

size_t
form_count(const struct form *f)
{
	return f->count;
}
