/* pwhash.c: password hashing with Argon2id (libargon2), parameter checks and a dummy verification. */
#include "pwhash.h"

#include <string.h>

#include <argon2.h>

#include "core/err.h"
#include "core/rand.h"

/* A hash with the current parameters of 32 random bytes nobody kept. */
static const char dummy_hash[] = 
	"$argon2id$v=19$m=19456,t=2,p=1$EBGfNPG0h5TBfIK1JByy2Q$hb83YdGfx2fni4iXrPVPlfLGGqp8+ePNmb/WjkyGqdw";

static int map_err(int rc);
static const char *number(const char *s, uint32_t *out);
static const char *b64field(const char *s, size_t *bytes);

static int
map_err(int rc)
{
	switch (rc) {
	case ARGON2_OK:
		return 0;
	case ARGON2_VERIFY_MISMATCH:
		return -ERR_FORBIDDEN;
	case ARGON2_MEMORY_ALLOCATION_ERROR:
		return -ERR_NOMEM;
	default:
		return -ERR_INVALID;
	}
}

/* a decimal without sign or leading zero, at most 10 digits, <= UINT32_MAX */
static const char *
number(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return NULL;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 10)
			return NULL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || v > UINT32_MAX)
		return NULL;
	*out = (uint32_t)v;
	return s + i;
}

/* a run of standard base64 characters (no padding); its decoded length */
static const char *
b64field(const char *s, size_t *bytes)
{
	size_t i = 0;
	while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
	       (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/') {
		if (i > 128)
			return NULL;
		i++;
	}
	if (i % 4 == 1)
		return NULL;
	*bytes = i / 4 * 3 + (i % 4 ? i % 4 - 1 : 0);
	return s + i;
}

int
pwhash_parse(const char *encoded, struct pwhash_params *out)
{
	static const char prefix[] = "$argon2id$v=19$m=";
	struct pwhash_params p;
	const char *s = encoded;
	if (s == NULL || out == NULL || strncmp(s, prefix, sizeof prefix - 1) != 0)
		return -ERR_INVALID;
	s += sizeof prefix - 1;
	if ((s = number(s, &p.m_kib)) == NULL || strncmp(s, ",t=", 3) != 0)
		return -ERR_INVALID;
	if ((s = number(s + 3, &p.t)) == NULL || strncmp(s, ",p=", 3) != 0)
		return -ERR_INVALID;
	if ((s = number(s + 3, &p.p)) == NULL || *s != '$')
		return -ERR_INVALID;
	if ((s = b64field(s + 1, &p.salt_len)) == NULL || *s != '$')
		return -ERR_INVALID;
	if ((s = b64field(s + 1, &p.hash_len)) == NULL || *s != '\0')
		return -ERR_INVALID;
	if (p.salt_len < 8 || p.salt_len > 64 || p.hash_len < 16 || p.hash_len > 64)
		return -ERR_INVALID;
	*out = p;
	return 0;
}

bool
pwhash_params_ok(const struct pwhash_params *p)
{
	static const struct {
		uint32_t m, t;
	} floor[] = { { 47104, 1 }, { 19456, 2 }, { 12288, 3 }, { 9216, 4 }, { 7168, 5 } };
	if (p == NULL || p->m_kib > PWHASH_MAX_M_KIB || p->t > PWHASH_MAX_T || p->p < 1 ||
	    p->p > PWHASH_MAX_P)
		return false;
	for (size_t i = 0; i < sizeof floor / sizeof floor[0]; i++)
		if (p->m_kib >= floor[i].m && p->t >= floor[i].t)
			return true;
	return false;
}

int
pwhash_hash(struct arena *a, const char *pw, size_t n, char **encoded)
{
	if (a == NULL || pw == NULL || encoded == NULL || n > PWHASH_MAX_PW)
		return -ERR_INVALID;
	unsigned char salt[PWHASH_SALT_LEN];
	rand_bytes(salt, sizeof salt);
	size_t len = argon2_encodedlen(PWHASH_T, PWHASH_M_KIB, PWHASH_P, PWHASH_SALT_LEN,
				       PWHASH_HASH_LEN, Argon2_id);
	char *out = arena_alloc(a, len + 1);
	int rc = argon2id_hash_encoded(PWHASH_T, PWHASH_M_KIB, PWHASH_P, pw, n, salt, sizeof salt,
				       PWHASH_HASH_LEN, out, len + 1);
	if (rc != ARGON2_OK)
		return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? -ERR_NOMEM : -ERR_INVALID;
	*encoded = out;
	return 0;
}

int
pwhash_verify(const char *encoded, const char *pw, size_t n)
{
	struct pwhash_params p;
	if (pwhash_parse(encoded, &p) != 0 || !pwhash_params_ok(&p))
		return -ERR_INVALID;
	if (pw == NULL || n > PWHASH_MAX_PW)
		return -ERR_FORBIDDEN;
	return map_err(argon2id_verify(encoded, pw, n));
}

void
pwhash_dummy(const char *pw, size_t n)
{
	if (pw == NULL || n > PWHASH_MAX_PW)
		n = 0;
	(void)argon2id_verify(dummy_hash, pw ? pw : "", n);
}

bool
pwhash_needs_rehash(const char *encoded)
{
	struct pwhash_params p;
	if (pwhash_parse(encoded, &p) != 0)
		return true;
	return p.m_kib != PWHASH_M_KIB || p.t != PWHASH_T || p.p != PWHASH_P ||
	       p.salt_len < PWHASH_SALT_LEN || p.hash_len != PWHASH_HASH_LEN;
}
