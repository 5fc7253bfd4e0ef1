/* i18n.c: loads and checks the <lang>.txt message catalogs; lookups for pages and templates. */
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

#define MAX_LANGS 8
#define MAX_KEYS 4096
#define MAX_FILE (1024 * 1024)
#define KEY_MAX 64

struct entry {
	const char *key;
	const char *val;
	int line;
};

struct cat {
	char lang[4];
	const char *path;        /* as given to i18n_load, for messages */
	struct entry *byline;    /* file order */
	struct entry *sorted;    /* by key, for bsearch */
	size_t n;
	struct view *obj;        /* only in the published state */
};

struct catalogs {
	struct cat cats[MAX_LANGS];
	size_t n;
};

/* The published, process-lifetime state (see i18n.h). */
static struct catalogs state;

static int lang_name(const char *file, char lang[4]);
static int read_file(struct arena *a, const char *path, char **data, size_t *len, struct buf *err);
static bool utf8_ok(const unsigned char *s, size_t n);
static int parse(struct arena *a, struct cat *c, char *data, size_t len, struct buf *err);
static int cmp_entry(const void *x, const void *y);
static const struct entry *find(const struct cat *c, const char *key);
static const struct cat *cat_of(const struct catalogs *s, const char *lang);
static int check_same_keys(const struct cat *ref, const struct cat *c, struct buf *err);
static int scan_dir(struct arena *a, const char *dir, struct catalogs *out, struct buf *err);
static int cmp_name(const void *x, const void *y);
static void publish(struct arena *app, const struct catalogs *tmp);

/* lang_name: "ja.txt" -> "ja". 1 = a catalog file, 0 = not *.txt, -1 = bad name. */
static int
lang_name(const char *file, char lang[4])
{
	size_t n = strlen(file);
	if (file[0] == '.' || n < 4 || strcmp(file + n - 4, ".txt") != 0)
		return 0;
	n -= 4;
	if (n < 2 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (file[i] < 'a' || file[i] > 'z')
			return -1;
	memcpy(lang, file, n);
	lang[n] = '\0';
	return 1;
}

static int
read_file(struct arena *a, const char *path, char **data, size_t *len, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return -ERR_IO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		buf_printf(err, "%s: not a regular file", path);
		close(fd);
		return -ERR_IO;
	}
	if (st.st_size > MAX_FILE) {
		buf_printf(err, "%s: larger than %d bytes", path, MAX_FILE);
		close(fd);
		return -ERR_TOO_LARGE;
	}
	size_t cap = (size_t)st.st_size, n = 0;
	char *p = arena_alloc(a, cap + 1);
	for (;;) {
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buf_printf(err, "%s: read error: %s", path, strerror(errno));
			close(fd);
			return -ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			/* The file may have grown since fstat: make sure it did not. */
			char extra;
			if (read(fd, &extra, 1) > 0) {
				buf_printf(err, "%s: file changed while reading", path);
				close(fd);
				return -ERR_IO;
			}
			break;
		}
	}
	close(fd);
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}

/* utf8_ok: strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static bool
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static int
cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* parse: fill c->byline / c->sorted from data (modified in place). */
static int
parse(struct arena *a, struct cat *c, char *data, size_t len, struct buf *err)
{
	size_t cap = 64;
	c->byline = arena_alloc(a, cap * sizeof *c->byline);
	c->n = 0;
	char *p = data, *end = data + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (int line = 1; p < end; line++) {
		char *e = memchr(p, '\n', (size_t)(end - p));
		char *next = e ? e + 1 : end;
		if (e == NULL)
			e = end;
		if (memchr(p, '\0', (size_t)(e - p)) != NULL) {
			buf_printf(err, "%s:%d: NUL byte", c->path, line);
			return -ERR_CONFIG;
		}
		if (!utf8_ok((const unsigned char *)p, (size_t)(e - p))) {
			buf_printf(err, "%s:%d: invalid UTF-8", c->path, line);
			return -ERR_CONFIG;
		}
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#') {
			p = next;
			continue;
		}
		char *k = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
			p++;
		size_t klen = (size_t)(p - k);
		if (klen == 0) {
			buf_printf(err, "%s:%d: expected a key made of a-z, 0-9 and _", c->path, line);
			return -ERR_CONFIG;
		}
		if (klen > KEY_MAX) {
			buf_printf(err, "%s:%d: key longer than %d bytes", c->path, line, KEY_MAX);
			return -ERR_CONFIG;
		}
		char *after = p;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=') {
			buf_printf(err, "%s:%d: expected '=' after key \"%.*s\"", c->path, line,
			    (int)klen, k);
			return -ERR_CONFIG;
		}
		*after = '\0';
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0') {
			buf_printf(err, "%s:%d: empty value for key \"%s\"", c->path, line, k);
			return -ERR_CONFIG;
		}
		for (const unsigned char *q = (const unsigned char *)p; *q; q++) {
			if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
				buf_printf(err, "%s:%d: control character in value of \"%s\"",
				    c->path, line, k);
				return -ERR_CONFIG;
			}
		}
		if (c->n == MAX_KEYS) {
			buf_printf(err, "%s:%d: more than %d keys", c->path, line, MAX_KEYS);
			return -ERR_TOO_LARGE;
		}
		if (c->n == cap) {
			c->byline = arena_realloc(a, c->byline, cap * sizeof *c->byline,
			    2 * cap * sizeof *c->byline);
			cap *= 2;
		}
		c->byline[c->n++] = (struct entry){ k, p, line };
		p = next;
	}
	c->sorted = arena_alloc(a, (c->n ? c->n : 1) * sizeof *c->sorted);
	if (c->n > 0)
		memcpy(c->sorted, c->byline, c->n * sizeof *c->sorted);
	qsort(c->sorted, c->n, sizeof *c->sorted, cmp_entry);
	for (size_t i = 1; i < c->n; i++) {
		if (strcmp(c->sorted[i - 1].key, c->sorted[i].key) == 0) {
			buf_printf(err, "%s:%d: duplicate key \"%s\" (first defined at line %d)",
			    c->path, c->sorted[i].line, c->sorted[i].key, c->sorted[i - 1].line);
			return -ERR_CONFIG;
		}
	}
	return 0;
}

static const struct entry *
find(const struct cat *c, const char *key)
{
	struct entry probe = { key, NULL, 0 };
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(probe.key, c->sorted[mid].key);
		if (r == 0)
			return &c->sorted[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct cat *
cat_of(const struct catalogs *s, const char *lang)
{
	if (lang != NULL)
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->cats[i].lang, lang) == 0)
				return &s->cats[i];
	return NULL;
}

/* check_same_keys: every key of ref is in c and the other way round. */
static int
check_same_keys(const struct cat *ref, const struct cat *c, struct buf *err)
{
	for (size_t i = 0; i < ref->n; i++) {
		const struct entry *e = &ref->byline[i];
		if (find(c, e->key) == NULL) {
			buf_printf(err, "%s:%d: key \"%s\" is missing in %s", ref->path, e->line,
			    e->key, c->path);
			return -ERR_CONFIG;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct entry *e = &c->byline[i];
		if (find(ref, e->key) == NULL) {
			buf_printf(err, "%s:%d: key \"%s\" is missing in %s", c->path, e->line,
			    e->key, ref->path);
			return -ERR_CONFIG;
		}
	}
	return 0;
}

static int
cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* scan_dir: parse every catalog of dir into out (memory from scratch arena a). */
static int
scan_dir(struct arena *a, const char *dir, struct catalogs *out, struct buf *err)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		buf_printf(err, "%s: cannot open directory: %s", dir, strerror(errno));
		return -ERR_IO;
	}
	char *names[MAX_LANGS];
	size_t nnames = 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char lang[4];
		int k = lang_name(de->d_name, lang);
		if (k == 0)
			continue;
		if (k < 0) {
			buf_printf(err, "%s/%s: catalog files are named <lang>.txt with a 2 or "
			    "3 letter lower-case language code", dir, de->d_name);
			rc = -ERR_CONFIG;
		} else if (nnames == MAX_LANGS) {
			buf_printf(err, "%s: more than %d catalogs", dir, MAX_LANGS);
			rc = -ERR_TOO_LARGE;
		} else {
			names[nnames++] = arena_strdup(a, de->d_name);
		}
	}
	closedir(d);
	if (rc != 0)
		return rc;
	qsort(names, nnames, sizeof names[0], cmp_name);
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < nnames; i++) {
		struct cat *c = &out->cats[out->n++];
		lang_name(names[i], c->lang);
		c->path = arena_printf(a, "%s/%s", dir, names[i]);
		char *data;
		size_t len;
		if ((rc = read_file(a, c->path, &data, &len, err)) != 0)
			return rc;
		if ((rc = parse(a, c, data, len, err)) != 0)
			return rc;
	}
	static const char *const required[] = { "ja", "en" };
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		if (cat_of(out, required[i]) == NULL) {
			buf_printf(err, "%s/%s.txt: missing (required catalog)", dir, required[i]);
			return -ERR_CONFIG;
		}
	}
	const struct cat *ref = cat_of(out, I18N_DEFAULT_LANG);
	for (size_t i = 0; i < out->n; i++)
		if (&out->cats[i] != ref && (rc = check_same_keys(ref, &out->cats[i], err)) != 0)
			return rc;
	return 0;
}

/* publish: copy the checked catalogs into app and make them the state. */
static void
publish(struct arena *app, const struct catalogs *tmp)
{
	struct catalogs next;
	memset(&next, 0, sizeof next);
	for (size_t i = 0; i < tmp->n; i++) {
		const struct cat *src = &tmp->cats[i];
		struct cat *c = &next.cats[next.n++];
		memcpy(c->lang, src->lang, sizeof c->lang);
		c->path = arena_strdup(app, src->path);
		c->n = src->n;
		c->byline = arena_calloc(app, c->n ? c->n : 1, sizeof *c->byline);
		c->obj = view_obj(app);
		for (size_t j = 0; j < src->n; j++) {
			c->byline[j].key = arena_strdup(app, src->byline[j].key);
			c->byline[j].val = arena_strdup(app, src->byline[j].val);
			c->byline[j].line = src->byline[j].line;
			view_set_str(app, c->obj, c->byline[j].key, c->byline[j].val);
		}
		c->sorted = arena_calloc(app, c->n ? c->n : 1, sizeof *c->sorted);
		if (c->n > 0)
			memcpy(c->sorted, c->byline, c->n * sizeof *c->sorted);
		qsort(c->sorted, c->n, sizeof *c->sorted, cmp_entry);
	}
	state = next;
}

int
i18n_load(struct arena *app, const char *dir, struct buf *err)
{
	struct arena *scratch = arena_new(0);
	struct catalogs tmp;
	int rc = scan_dir(scratch, dir, &tmp, err);
	if (rc == 0)
		publish(app, &tmp);
	arena_free(scratch);
	return rc;
}

const struct view *
i18n_catalog(const char *lang)
{
	const struct cat *c = cat_of(&state, lang);
	if (c == NULL)
		c = cat_of(&state, I18N_DEFAULT_LANG);
	return c != NULL ? c->obj : NULL;
}

const char *
i18n_get(const char *lang, const char *key)
{
	const struct cat *c = cat_of(&state, lang);
	if (c == NULL)
		c = cat_of(&state, I18N_DEFAULT_LANG);
	const struct entry *e = c != NULL ? find(c, key) : NULL;
	return e != NULL ? e->val : key;
}

bool
i18n_lang_ok(const char *lang)
{
	return cat_of(&state, lang) != NULL;
}
