/* pwpolicy.c: the password policy: length in code points, blocklist, context words, optional composition, reuse. */
#include "pwpolicy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "core/utf8.h"
#include "crypto/pwhash.h"

#define FOLD_CAP 2048		/* folded password or context word, bytes */
#define ENTRY_MAX 256		/* longer blocklist lines are ignored */
#define LIST_FILE_MAX (64u << 20)

/* The process-wide blocklist: entries NUL-separated in pool, an open
 * addressing table of (offset + 1) into it, 0 = empty. */
struct blset {
	char *pool;
	size_t pool_len;
	uint32_t *slots;
	size_t mask;
	size_t count;
};

static struct blset list;

static const char *const builtin_words[] = {
	"ecconnector", "ec connector", "ec-connector", "ECコネクター", "ecc",
};

static int fold(const char *s, size_t n, char *out, size_t cap, size_t *len);
static uint64_t hash(const char *s, size_t n);
static bool set_has(const struct blset *b, const char *s, size_t n);
static void set_add(struct blset *b, const char *s, size_t n);
static bool word_hit(const char *pwf, size_t pwn, const char *w, size_t wn);
static bool context_hit(const char *pwf, size_t pwn, const char *c);
static bool is_sep(const char *s, size_t n, size_t *len);
static bool trivial(const char *f, size_t n);
static bool valid_chars(const char *pw, size_t n);
static int classes(const char *pw, size_t n);

void
pwpolicy_default(struct pwpolicy *p)
{
	p->min_length = PWPOLICY_FLOOR;
	p->history = 0;
	p->composition = false;
	p->expiry_days = 0;
}

/* full-width ASCII → ASCII, U+3000 → space, ASCII lower case; -1 if s is
 * not valid UTF-8 or out is too small */
static int
fold(const char *s, size_t n, char *out, size_t cap, size_t *len)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp;
		size_t l;
		if (utf8_decode_one(s + i, n - i, &cp, &l) != 0)
			return -1;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		else if (cp == 0x3000)
			cp = ' ';
		if (cp < 0x80) {
			if (o + 1 > cap)
				return -1;
			out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else {
			if (o + l > cap)
				return -1;
			memcpy(out + o, s + i, l);
			o += l;
		}
		i += l;
	}
	*len = o;
	return 0;
}

/* FNV-1a, 64 bits */
static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static bool
set_has(const struct blset *b, const char *s, size_t n)
{
	if (b->slots == NULL)
		return false;
	for (size_t i = hash(s, n) & b->mask;; i = (i + 1) & b->mask) {
		uint32_t v = b->slots[i];
		if (v == 0)
			return false;
		const char *e = b->pool + v - 1;
		if (strncmp(e, s, n) == 0 && e[n] == '\0' && memchr(s, '\0', n) == NULL)
			return true;
	}
}

/* insert (the caller sized pool and slots for every line) */
static void
set_add(struct blset *b, const char *s, size_t n)
{
	if (n == 0 || memchr(s, '\0', n) != NULL || set_has(b, s, n))
		return;
	size_t i = hash(s, n) & b->mask;
	while (b->slots[i] != 0)
		i = (i + 1) & b->mask;
	memcpy(b->pool + b->pool_len, s, n);
	b->pool[b->pool_len + n] = '\0';
	b->slots[i] = (uint32_t)(b->pool_len + 1);
	b->pool_len += n + 1;
	b->count++;
}

int
pwpolicy_load_blocklist(const char *paths, struct buf *err)
{
	if (paths == NULL || *paths == '\0') {
		buf_puts(err, "password blocklist: no file given");
		return -ERR_INVALID;
	}
	struct arena *a = arena_new(0);
	struct {
		char *data;
		size_t len;
	} files[16];
	size_t nfiles = 0, total = 0, lines = 0;
	int rc = 0;
	const char *p = paths;
	while (rc == 0 && *p) {
		const char *colon = strchr(p, ':');
		size_t plen = colon ? (size_t)(colon - p) : strlen(p);
		if (plen > 0) {
			if (nfiles == sizeof files / sizeof files[0]) {
				buf_puts(err, "password blocklist: more than 16 files");
				rc = -ERR_INVALID;
				break;
			}
			char *path = arena_strndup(a, p, plen);
			rc = file_read(a, path, LIST_FILE_MAX, 0, &files[nfiles].data,
				       &files[nfiles].len, err);
			if (rc == 0) {
				total += files[nfiles].len;
				for (size_t i = 0; i < files[nfiles].len; i++)
					lines += files[nfiles].data[i] == '\n';
				lines++;
				nfiles++;
			}
		}
		p += plen + (colon != NULL);
	}
	if (rc == 0 && nfiles == 0) {
		buf_puts(err, "password blocklist: no file given");
		rc = -ERR_INVALID;
	}
	if (rc != 0) {
		arena_free(a);
		return rc;
	}
	struct blset b = { 0 };
	size_t cap = 1024;
	while (cap < 2 * lines)
		cap <<= 1;
	b.pool = malloc(total + lines + 1);
	b.slots = calloc(cap, sizeof *b.slots);
	if (b.pool == NULL || b.slots == NULL) {
		free(b.pool);
		free(b.slots);
		arena_free(a);
		buf_puts(err, "password blocklist: out of memory");
		return -ERR_NOMEM;
	}
	b.mask = cap - 1;
	char tmp[ENTRY_MAX + 1];
	for (size_t f = 0; f < nfiles; f++) {
		const char *s = files[f].data, *end = s + files[f].len;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
			const char *line = s;
			s += n + 1;
			if (n > 0 && line[n - 1] == '\r')
				n--;
			if (n == 0 || n > ENTRY_MAX || strncmp(line, "#!comment", 9) == 0)
				continue;
			size_t fl;
			if (fold(line, n, tmp, sizeof tmp, &fl) != 0) {
				/* not UTF-8 (a legacy 8-bit line): ASCII lower case only */
				for (size_t i = 0; i < n; i++)
					tmp[i] = (char)(line[i] >= 'A' && line[i] <= 'Z' ? line[i] + 32
											 : line[i]);
				fl = n;
			}
			set_add(&b, tmp, fl);
		}
	}
	arena_free(a);
	if (b.count == 0) {
		free(b.pool);
		free(b.slots);
		buf_puts(err, "password blocklist: the files hold no entry");
		return -ERR_INVALID;
	}
	free(list.pool);
	free(list.slots);
	list = b;
	return 0;
}

size_t
pwpolicy_blocklist_size(void)
{
	return list.count;
}

bool
pwpolicy_blocked(const char *pw, size_t n)
{
	char f[FOLD_CAP];
	size_t fl;
	if (pw == NULL || list.count == 0 || fold(pw, n, f, sizeof f, &fl) != 0)
		return false;
	if (set_has(&list, f, fl))
		return true;
	size_t k = fl;
	while (k > 0) {
		unsigned char c = (unsigned char)f[k - 1];
		bool strip = (c >= '0' && c <= '9') || c == ' ' ||
			     (c >= 0x21 && c <= 0x7E && !((c >= 'a' && c <= 'z')));
		if (!strip)
			break;
		k--;
	}
	return k < fl && utf8_codepoints(f, k) >= 4 && set_has(&list, f, k);
}

/* w (wn bytes) as a context word against the folded password */
static bool
word_hit(const char *pwf, size_t pwn, const char *w, size_t wn)
{
	char f[FOLD_CAP];
	size_t fl;
	if (wn == 0 || fold(w, wn, f, sizeof f, &fl) != 0 || fl == 0)
		return false;
	if (utf8_codepoints(f, fl) >= 4)
		return fl <= pwn && memmem(pwf, pwn, f, fl) != NULL;
	return fl == pwn && memcmp(pwf, f, fl) == 0;
}

/* a word separator at s: ASCII whitespace, . _ - @ + or U+3000 */
static bool
is_sep(const char *s, size_t n, size_t *len)
{
	*len = 1;
	if (strchr(" \t\r\n\v\f._-@+", *s) != NULL && *s != '\0')
		return true;
	if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
		*len = 3;
		return true;
	}
	return false;
}

static bool
context_hit(const char *pwf, size_t pwn, const char *c)
{
	size_t n = strlen(c);
	if (word_hit(pwf, pwn, c, n))
		return true;
	size_t i = 0, start = 0, sl;
	while (i <= n) {
		if (i == n || is_sep(c + i, n - i, &sl)) {
			if (i > start && !(start == 0 && i == n) && word_hit(pwf, pwn, c + start, i - start))
				return true;
			if (i == n)
				break;
			i += sl;
			start = i;
		} else {
			i++;
		}
	}
	return false;
}

/*
 * the folded password is one unit of 1..4 code points repeated ("aaaa…",
 * "abcabc…"), or an ASCII run where each byte is the previous one +1 or -1
 * throughout ("abcdef…", "9876…"; digits wrap 9→0 and 0→9)
 */
static bool
trivial(const char *f, size_t n)
{
	for (size_t unit = 1; unit <= 16 && unit < n; unit++) {
		/* unit in bytes; it must end on a code point boundary */
		if (((unsigned char)f[unit] & 0xC0) == 0x80 || utf8_codepoints(f, unit) > 4)
			continue;
		if (n % unit != 0)
			continue;
		size_t i = unit;
		while (i < n && f[i] == f[i - unit])
			i++;
		if (i == n)
			return true;
	}
	for (int dir = -1; dir <= 1; dir += 2) {
		size_t i = 1;
		for (; i < n; i++) {
			int prev = (unsigned char)f[i - 1], c = (unsigned char)f[i];
			if (prev >= 0x80 || c >= 0x80)
				break;
			bool step = c == prev + dir || (dir > 0 && prev == '9' && c == '0') ||
				    (dir < 0 && prev == '0' && c == '9');
			if (!step)
				break;
		}
		if (n > 1 && i == n)
			return true;
	}
	return false;
}

/* well-formed UTF-8 without C0/C1 control characters or DEL */
static bool
valid_chars(const char *pw, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l;
		if (utf8_decode_one(pw + i, n - i, &cp, &l) != 0)
			return false;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return false;
		i += l;
	}
	return true;
}

/* how many of: ASCII lower, ASCII upper, ASCII digit, anything else */
static int
classes(const char *pw, size_t n)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pw[i];
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	return lower + upper + digit + other;
}

int
pwpolicy_check(const struct pwpolicy *p, const char *pw, size_t n, const char *const *context,
	       size_t ncontext, const char **reason_key)
{
	struct pwpolicy def;
	const char *why = NULL;
	if (p == NULL) {
		pwpolicy_default(&def);
		p = &def;
	}
	size_t min = p->min_length > PWPOLICY_FLOOR ? (size_t)p->min_length : PWPOLICY_FLOOR;
	if (min > PWPOLICY_MAX)
		min = PWPOLICY_MAX;
	char f[FOLD_CAP];
	size_t fl = 0;
	if (pw == NULL || !valid_chars(pw, n)) {
		why = "pw_err_invalid";
	} else {
		size_t cps = utf8_codepoints(pw, n);
		if (cps < min)
			why = "pw_err_too_short";
		else if (cps > PWPOLICY_MAX || fold(pw, n, f, sizeof f, &fl) != 0)
			why = "pw_err_too_long";
	}
	for (size_t i = 0; why == NULL && i < sizeof builtin_words / sizeof builtin_words[0]; i++)
		if (word_hit(f, fl, builtin_words[i], strlen(builtin_words[i])))
			why = "pw_err_context";
	for (size_t i = 0; why == NULL && context != NULL && i < ncontext; i++)
		if (context[i] != NULL && context_hit(f, fl, context[i]))
			why = "pw_err_context";
	if (why == NULL && (trivial(f, fl) || pwpolicy_blocked(pw, n)))
		why = "pw_err_common";
	if (why == NULL && p->composition && classes(pw, n) < 3)
		why = "pw_err_composition";
	if (reason_key != NULL)
		*reason_key = why;
	return why == NULL ? 0 : -ERR_INVALID;
}

bool
pwpolicy_reuse(const char *pw, size_t n, const char *const *previous_hashes, size_t nprev)
{
	if (pw == NULL || previous_hashes == NULL)
		return false;
	for (size_t i = 0; i < nprev; i++)
		if (previous_hashes[i] != NULL && pwhash_verify(previous_hashes[i], pw, n) == 0)
			return true;
	return false;
}
