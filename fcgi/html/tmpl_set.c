/* tmpl_set.c: the named template set: add, load a directory tree, link partials and parents. */
#include "tmpl_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

#define FILE_MAX (1024u * 1024u)
#define DIR_DEPTH_MAX 16

static uint32_t
hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct tmpl_set *
tmpl_set_new(struct arena *a, int flags)
{
	struct tmpl_set *s = arena_calloc(a, 1, sizeof *s);
	s->a = a;
	s->flags = flags;
	s->max_steps = 10000000;
	s->max_output = 64u * 1024u * 1024u;
	return s;
}

void
tmpl_set_limits(struct tmpl_set *s, size_t max_steps, size_t max_output)
{
	if (max_steps != 0)
		s->max_steps = max_steps;
	if (max_output != 0)
		s->max_output = max_output;
}

const struct tmpl *
tmpl_set_find(const struct tmpl_set *s, const char *name, size_t n)
{
	if (s->tcap == 0)
		return NULL;
	size_t mask = s->tcap - 1;
	for (size_t i = hash_name(name, n) & mask;; i = (i + 1) & mask) {
		const struct tmpl *t = s->tab[i];
		if (t == NULL)
			return NULL;
		if (strlen(t->name) == n && memcmp(t->name, name, n) == 0)
			return t;
	}
}

static void
insert(struct tmpl_set *s, struct tmpl *t)
{
	if ((s->n + 1) * 2 > s->tcap) {
		size_t ncap = s->tcap ? s->tcap * 2 : 32;
		s->tab = arena_calloc(s->a, ncap, sizeof *s->tab);
		s->tcap = ncap;
		for (size_t k = 0; k < s->n; k++) {
			size_t i = hash_name(s->list[k]->name, strlen(s->list[k]->name)) & (ncap - 1);
			while (s->tab[i] != NULL)
				i = (i + 1) & (ncap - 1);
			s->tab[i] = s->list[k];
		}
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		s->list = arena_realloc(s->a, s->list, s->cap * sizeof *s->list, ncap * sizeof *s->list);
		s->cap = ncap;
	}
	s->list[s->n++] = t;
	size_t i = hash_name(t->name, strlen(t->name)) & (s->tcap - 1);
	while (s->tab[i] != NULL)
		i = (i + 1) & (s->tcap - 1);
	s->tab[i] = t;
}

int
tmpl_set_add(struct tmpl_set *s, const char *name, const char *src, size_t len, struct buf *err)
{
	if (name == NULL || name[0] == '\0') {
		tmpl_errf(err, "(template)", 0, "empty template name");
		return -ERR_INVALID;
	}
	if (tmpl_set_find(s, name, strlen(name)) != NULL) {
		tmpl_errf(err, name, 0, "duplicate template name");
		return -ERR_CONFLICT;
	}
	const char *nm = arena_strdup(s->a, name);
	struct tmpl *t;
	int rc = tmpl_compile(s->a, nm, src, len, &t, err);
	if (rc != 0)
		return rc;
	insert(s, t);
	return 0;
}

/* ---------------------------------------------------------------- directories */

static int
io_fail(struct buf *err, const char *path, const char *what, int e)
{
	if (err != NULL) {
		char eb[128];
		const char *m = strerror_r(e, eb, sizeof eb);
		if (err->len > 0 && err->data[err->len - 1] != '\n')
			buf_putc(err, '\n');
		buf_printf(err, "%s: %s: %s", path, what, m);
	}
	return -ERR_IO;
}

/* read_file: the whole file in scratch (NUL-terminated), at most FILE_MAX. */
static int
read_file(struct arena *scratch, const char *path, char **data, size_t *len, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(err, path, "cannot open", errno);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return io_fail(err, path, "cannot stat", e);
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > FILE_MAX) {
		close(fd);
		if (err != NULL) {
			if (err->len > 0 && err->data[err->len - 1] != '\n')
				buf_putc(err, '\n');
			buf_printf(err, "%s: template larger than %u bytes", path, FILE_MAX);
		}
		return -ERR_TOO_LARGE;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *p = arena_alloc(scratch, cap);
	for (;;) {
		if (n == cap - 1) {
			/* the file grew while we read it: give up at the limit */
			if (cap - 1 >= FILE_MAX) {
				close(fd);
				return io_fail(err, path, "file keeps growing", EFBIG);
			}
			p = arena_realloc(scratch, p, cap, cap * 2);
			cap *= 2;
		}
		ssize_t r = read(fd, p + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return io_fail(err, path, "cannot read", e);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* walk: add the templates of root/rel (rel "" is root itself). */
static int
walk(struct tmpl_set *s, struct arena *scratch, const char *root, const char *rel, int depth,
    struct buf *err)
{
	const char *dir = rel[0] ? arena_printf(scratch, "%s/%s", root, rel) : root;
	if (depth > DIR_DEPTH_MAX)
		return io_fail(err, dir, "directory tree too deep", ELOOP);
	DIR *d = opendir(dir);
	if (d == NULL)
		return io_fail(err, dir, "cannot open directory", errno);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			names = arena_realloc(scratch, names, cap * sizeof *names, ncap * sizeof *names);
			cap = ncap;
		}
		names[n++] = arena_strdup(scratch, e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		const char *sub = rel[0] ? arena_printf(scratch, "%s/%s", rel, names[i]) : names[i];
		const char *path = arena_printf(scratch, "%s/%s", root, sub);
		struct stat st;
		if (stat(path, &st) != 0)
			return io_fail(err, path, "cannot stat", errno);
		int rc = 0;
		if (S_ISDIR(st.st_mode)) {
			rc = walk(s, scratch, root, sub, depth + 1, err);
		} else if (S_ISREG(st.st_mode) && (ends_with(sub, ".html") || ends_with(sub, ".txt"))) {
			char *src;
			size_t len;
			rc = read_file(scratch, path, &src, &len, err);
			if (rc == 0) {
				const char *name = ends_with(sub, ".html") ?
				    arena_strndup(scratch, sub, strlen(sub) - 5) : sub;
				rc = tmpl_set_add(s, name, src, len, err);
			}
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
tmpl_set_load_dir(struct tmpl_set *s, const char *dir, struct buf *err)
{
	if (dir == NULL || dir[0] == '\0')
		return io_fail(err, "(null)", "no template directory", ENOENT);
	struct arena *scratch = arena_new(0);
	int rc = walk(s, scratch, dir, "", 0, err);
	arena_free(scratch);
	return rc;
}

int
tmpl_set_link(struct tmpl_set *s, struct buf *err)
{
	int rc = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct tmpl *t = s->list[i];
		for (size_t k = 0; k < t->nrefs; k++) {
			struct tmpl_node *x = t->refs[k];
			x->target = tmpl_set_find(s, x->text, x->len);
			if (x->target == NULL && (s->flags & TMPL_STRICT_PARTIALS)) {
				tmpl_errf(err, x->tname, x->line, "missing %s ",
				    x->kind == TK_PARENT ? "parent" : "partial");
				tmpl_quote(err, x->text, x->len);
				rc = -ERR_INVALID;
			}
		}
	}
	return rc;
}
