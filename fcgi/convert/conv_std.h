/* conv_std.h: the standard templates shipped with the product (definitions following public specifications). */
#ifndef ECC_CONV_STD_H
#define ECC_CONV_STD_H

#include <stddef.h>

/*
 * A standard template: a stored definition (the canonical JSON of
 * conv_def.h, exactly what conv_def_json writes for it) with its key
 * (conv_templates.standard_key, [a-z0-9_]{1,40}), Japanese name, kind
 * (conv_kind_name spelling) and a Japanese description naming the public
 * specification its columns follow and what the operator may still have to
 * fill in. Everything is static data; every definition compiles with
 * conv_def_parse (tests/unit/convert/test_conv_std.c).
 */
struct conv_std {
	const char *key;
	const char *name;
	const char *kind;
	const char *description;
	const char *definition;
};

/* conv_std_get: the i-th standard template (0-based), or NULL past the
 * last one. Loop from 0 until NULL to list them. */
const struct conv_std *conv_std_get(size_t i);

/* conv_std_find: the standard template with this key, or NULL (also for
 * NULL). */
const struct conv_std *conv_std_find(const char *key);

#endif
