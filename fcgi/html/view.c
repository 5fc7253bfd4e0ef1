/* view.c: the arena-backed value tree that templates render (a view model, not a JSON DOM). */
#include "view.h"

#include <stdio.h>
#include <string.h>

/*
 * Objects keep their members in an insertion-ordered array. Small objects
 * (the usual case: a page row has a handful of keys) are searched linearly,
 * comparing lengths first. Once an object holds more than INDEX_MIN keys it
 * also gets an open-addressing hash index of member positions, so a large
 * process-lifetime object such as the message catalog answers lookups in
 * O(1). Everything lives in the arena the object was built in; growth
 * abandons the old arrays there (no free).
 */
#define INDEX_MIN 8

struct member {
	const char *key;
	size_t klen;
	uint32_t hash;
	struct view *val;
};

struct view {
	enum view_type type;
	union {
		bool b;
		int64_t i;
		struct {
			const char *s;
			size_t n;
		} str;
		struct {
			struct view **items;
			size_t len, cap;
		} list;
		struct {
			struct member *m;
			size_t len, cap;
			uint32_t *index; /* slot -> member position + 1; 0 = empty */
			size_t icap;     /* power of two, or 0 without index */
		} obj;
	} u;
};

static uint32_t
hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct view *
new_view(struct arena *a, enum view_type t)
{
	struct view *v = arena_calloc(a, 1, sizeof *v);
	v->type = t;
	return v;
}

struct view *
view_null(struct arena *a)
{
	return new_view(a, VIEW_NULL);
}

struct view *
view_bool(struct arena *a, bool b)
{
	struct view *v = new_view(a, VIEW_BOOL);
	v->u.b = b;
	return v;
}

struct view *
view_int(struct arena *a, int64_t i)
{
	struct view *v = new_view(a, VIEW_INT);
	v->u.i = i;
	return v;
}

struct view *
view_strn(struct arena *a, const char *s, size_t n)
{
	struct view *v = new_view(a, VIEW_STR);
	v->u.str.s = arena_memdup(a, s != NULL ? s : "", s != NULL ? n : 0);
	v->u.str.n = s != NULL ? n : 0;
	return v;
}

struct view *
view_str(struct arena *a, const char *s)
{
	return view_strn(a, s, s != NULL ? strlen(s) : 0);
}

struct view *
view_safe_html(struct arena *a, const char *html, size_t n)
{
	struct view *v = view_strn(a, html, n);
	v->type = VIEW_SAFE;
	return v;
}

struct view *
view_list(struct arena *a)
{
	return new_view(a, VIEW_LIST);
}

struct view *
view_obj(struct arena *a)
{
	return new_view(a, VIEW_OBJ);
}

/* find: position of key in obj, or -1. */
static long
find(const struct view *obj, const char *key, size_t n, uint32_t h)
{
	if (obj->u.obj.icap != 0) {
		size_t mask = obj->u.obj.icap - 1;
		for (size_t s = h & mask;; s = (s + 1) & mask) {
			uint32_t pos = obj->u.obj.index[s];
			if (pos == 0)
				return -1;
			const struct member *m = &obj->u.obj.m[pos - 1];
			if (m->hash == h && m->klen == n && memcmp(m->key, key, n) == 0)
				return (long)(pos - 1);
		}
	}
	for (size_t i = 0; i < obj->u.obj.len; i++) {
		const struct member *m = &obj->u.obj.m[i];
		if (m->klen == n && m->hash == h && memcmp(m->key, key, n) == 0)
			return (long)i;
	}
	return -1;
}

/* reindex: rebuild the hash index with room for at least twice len keys. */
static void
reindex(struct arena *a, struct view *obj)
{
	size_t icap = 16;
	while (icap < obj->u.obj.len * 2 + 2)
		icap *= 2;
	obj->u.obj.index = arena_calloc(a, icap, sizeof *obj->u.obj.index);
	obj->u.obj.icap = icap;
	for (size_t i = 0; i < obj->u.obj.len; i++) {
		size_t s = obj->u.obj.m[i].hash & (icap - 1);
		while (obj->u.obj.index[s] != 0)
			s = (s + 1) & (icap - 1);
		obj->u.obj.index[s] = (uint32_t)(i + 1);
	}
}

void
view_set(struct arena *a, struct view *obj, const char *key, struct view *val)
{
	if (obj == NULL || obj->type != VIEW_OBJ || key == NULL)
		return;
	if (val == NULL)
		val = view_null(a);
	size_t n = strlen(key);
	uint32_t h = hash_key(key, n);
	long at = find(obj, key, n, h);
	if (at >= 0) {
		obj->u.obj.m[at].val = val;
		return;
	}
	if (obj->u.obj.len == obj->u.obj.cap) {
		size_t ncap = obj->u.obj.cap ? obj->u.obj.cap * 2 : 4;
		obj->u.obj.m = arena_realloc(a, obj->u.obj.m, obj->u.obj.cap * sizeof *obj->u.obj.m,
		    ncap * sizeof *obj->u.obj.m);
		obj->u.obj.cap = ncap;
	}
	struct member *m = &obj->u.obj.m[obj->u.obj.len++];
	m->key = arena_memdup(a, key, n);
	m->klen = n;
	m->hash = h;
	m->val = val;
	if (obj->u.obj.len > INDEX_MIN) {
		if (obj->u.obj.icap == 0 || obj->u.obj.len * 2 > obj->u.obj.icap) {
			reindex(a, obj);
		} else {
			size_t mask = obj->u.obj.icap - 1, s = h & mask;
			while (obj->u.obj.index[s] != 0)
				s = (s + 1) & mask;
			obj->u.obj.index[s] = (uint32_t)obj->u.obj.len;
		}
	}
}

void
view_set_str(struct arena *a, struct view *obj, const char *key, const char *s)
{
	view_set(a, obj, key, view_str(a, s));
}

void
view_set_int(struct arena *a, struct view *obj, const char *key, int64_t i)
{
	view_set(a, obj, key, view_int(a, i));
}

void
view_set_bool(struct arena *a, struct view *obj, const char *key, bool b)
{
	view_set(a, obj, key, view_bool(a, b));
}

void
view_push(struct arena *a, struct view *list, struct view *val)
{
	if (list == NULL || list->type != VIEW_LIST)
		return;
	if (val == NULL)
		val = view_null(a);
	if (list->u.list.len == list->u.list.cap) {
		size_t ncap = list->u.list.cap ? list->u.list.cap * 2 : 4;
		list->u.list.items = arena_realloc(a, list->u.list.items,
		    list->u.list.cap * sizeof *list->u.list.items, ncap * sizeof *list->u.list.items);
		list->u.list.cap = ncap;
	}
	list->u.list.items[list->u.list.len++] = val;
}

enum view_type
view_type(const struct view *v)
{
	return v != NULL ? v->type : VIEW_NULL;
}

struct view *
view_getn(const struct view *obj, const char *key, size_t n)
{
	if (obj == NULL || obj->type != VIEW_OBJ || key == NULL || obj->u.obj.len == 0)
		return NULL;
	long at = find(obj, key, n, hash_key(key, n));
	return at >= 0 ? obj->u.obj.m[at].val : NULL;
}

struct view *
view_get(const struct view *obj, const char *key)
{
	return key != NULL ? view_getn(obj, key, strlen(key)) : NULL;
}

size_t
view_len(const struct view *v)
{
	if (v == NULL)
		return 0;
	if (v->type == VIEW_LIST)
		return v->u.list.len;
	if (v->type == VIEW_OBJ)
		return v->u.obj.len;
	return 0;
}

struct view *
view_at(const struct view *list, size_t i)
{
	if (list == NULL || list->type != VIEW_LIST || i >= list->u.list.len)
		return NULL;
	return list->u.list.items[i];
}

const char *
view_key_at(const struct view *obj, size_t i)
{
	if (obj == NULL || obj->type != VIEW_OBJ || i >= obj->u.obj.len)
		return NULL;
	return obj->u.obj.m[i].key;
}

bool
view_truthy(const struct view *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case VIEW_NULL:
		return false;
	case VIEW_BOOL:
		return v->u.b;
	case VIEW_STR:
	case VIEW_SAFE:
		return v->u.str.n != 0;
	case VIEW_LIST:
		return v->u.list.len != 0;
	case VIEW_INT:
	case VIEW_OBJ:
		return true;
	}
	return false;
}

/* text_of: the text of a non-int scalar (in the view or static). */
static const char *
text_of(const struct view *v, size_t *n)
{
	*n = 0;
	if (v == NULL)
		return "";
	switch (v->type) {
	case VIEW_STR:
	case VIEW_SAFE:
		*n = v->u.str.n;
		return v->u.str.s;
	case VIEW_BOOL:
		*n = v->u.b ? 4 : 5;
		return v->u.b ? "true" : "false";
	case VIEW_INT:
	case VIEW_NULL:
	case VIEW_LIST:
	case VIEW_OBJ:
		break;
	}
	return "";
}

const char *
view_scalar(const struct view *v, char tmp[VIEW_SCALAR_MAX], size_t *n)
{
	if (view_type(v) != VIEW_INT)
		return text_of(v, n);
	int k = snprintf(tmp, VIEW_SCALAR_MAX, "%lld", (long long)v->u.i);
	*n = k > 0 ? (size_t)k : 0;
	return tmp;
}

const char *
view_text(struct arena *a, const struct view *v, size_t *n)
{
	size_t len;
	const char *s;
	if (view_type(v) == VIEW_INT) {
		s = arena_printf(a, "%lld", (long long)v->u.i);
		len = strlen(s);
	} else {
		s = text_of(v, &len);
	}
	if (n != NULL)
		*n = len;
	return s;
}
