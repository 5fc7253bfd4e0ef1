/* conn_fixture.h: what the connector parser tests share — the test arena, a platform's fixture file, JSON text parsed. */
#ifndef ECC_TEST_CONN_FIXTURE_H
#define ECC_TEST_CONN_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "connectors/conn_json.h"
#include "core/file.h"
#include "t.h"

/* The including test defines CONN_FIXTURE_PLATFORM ("shopify" …) first and sets `a` in main(). */
static struct arena *a;

/* fixture: tests/fixtures/connectors/<platform>/<name> in a (*len its size); "" and a failed check if unreadable. */
static inline const char *
fixture(const char *name, size_t *len)
{
	char *p = NULL;
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/connectors/%s/%s", CONN_FIXTURE_PLATFORM, name);
	if (file_read(a, path, 1 << 20, 0, &p, len, NULL) != 0) {
		T_OK(0, "cannot read %s", path);
		*len = 0;
		return "";
	}
	return p;
}

/* json: s parsed (released with a); NULL when it is not JSON. */
static inline struct json_object *
json(const char *s)
{
	struct json_object *o = NULL;
	conn_json_parse(a, s, strlen(s), "t", &o, NULL);
	return o;
}

#endif
