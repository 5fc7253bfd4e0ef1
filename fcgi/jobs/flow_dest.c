/* flow_dest.c: a flow's destination — its stored JSON (settings and the sealed secret) ⇔ a delivery target. */
#include "flow_dest.h"

#include <string.h>

#include <json-c/json.h>

#include "core/err.h"

static void
put_json(void *p)
{
	json_object_put(p);
}

/* parse: text as a JSON object owned by a (released with it); NULL when it is not one. */
static struct json_object *
parse(struct arena *a, const char *text)
{
	if (text == NULL)
		return NULL;
	struct json_object *o = json_tokener_parse(text);
	if (o == NULL)
		return NULL;
	arena_defer(a, put_json, o);
	return json_object_is_type(o, json_type_object) ? o : NULL;
}

/* str: the string member key of o copied into a, NULL when absent or not a non-empty string. */
static const char *
str(struct arena *a, struct json_object *o, const char *key)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	const char *s = json_object_get_string(v);
	return s != NULL && *s != '\0' ? arena_strdup(a, s) : NULL;
}

int
flow_dest_target(struct arena *a, const char *destination, const char *settings_json, const char *secret_json,
		 struct delivery_target *t)
{
	memset(t, 0, sizeof *t);
	if (destination == NULL || (strcmp(destination, "sftp") != 0 && strcmp(destination, "http") != 0))
		return -ERR_INVALID;
	struct json_object *s = parse(a, settings_json);
	struct json_object *x = secret_json != NULL && *secret_json != '\0' ? parse(a, secret_json) : NULL;
	if (s == NULL || (secret_json != NULL && *secret_json != '\0' && x == NULL))
		return -ERR_INVALID;
	if (strcmp(destination, "http") == 0) {
		t->kind = DELIVERY_HTTP;
		t->url = str(a, s, "url");
		t->bearer_token = str(a, x, "token");
		return 0;
	}
	t->kind = DELIVERY_SFTP;
	t->host = str(a, s, "host");
	struct json_object *port;
	if (json_object_object_get_ex(s, "port", &port) && json_object_is_type(port, json_type_int))
		t->port = json_object_get_int(port);
	t->user = str(a, s, "user");
	t->dir = str(a, s, "dir");
	t->hostkey_sha256 = str(a, s, "hostkey");
	const char *auth = str(a, s, "auth");
	t->auth = auth != NULL && strcmp(auth, "key") == 0 ? DELIVERY_AUTH_KEY : DELIVERY_AUTH_PASSWORD;
	if (t->auth == DELIVERY_AUTH_KEY) {
		t->private_key = str(a, x, "private_key");
		t->key_passphrase = str(a, x, "key_passphrase");
	} else {
		t->password = str(a, x, "password");
	}
	return 0;
}

static void
add(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_object_add(o, key, json_object_new_string(v));
}

/* text: o as compact JSON in a; o is released. */
static char *
text(struct arena *a, struct json_object *o)
{
	char *s = arena_strdup(a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

char *
flow_dest_settings_json(struct arena *a, const struct delivery_target *t)
{
	struct json_object *o = json_object_new_object();
	if (t->kind == DELIVERY_HTTP) {
		add(o, "url", t->url);
	} else if (t->kind == DELIVERY_SFTP) {
		add(o, "host", t->host);
		json_object_object_add(o, "port", json_object_new_int(t->port > 0 ? t->port : DELIVERY_SFTP_PORT));
		add(o, "user", t->user);
		add(o, "dir", t->dir);
		add(o, "hostkey", t->hostkey_sha256);
		add(o, "auth", t->auth == DELIVERY_AUTH_KEY ? "key" : "password");
	}
	return text(a, o);
}

char *
flow_dest_secret_json(struct arena *a, const struct delivery_target *t)
{
	struct json_object *o = json_object_new_object();
	if (t->kind == DELIVERY_HTTP) {
		add(o, "token", t->bearer_token);
	} else if (t->kind == DELIVERY_SFTP && t->auth == DELIVERY_AUTH_KEY) {
		add(o, "private_key", t->private_key);
		add(o, "key_passphrase", t->key_passphrase);
	} else if (t->kind == DELIVERY_SFTP) {
		add(o, "password", t->password);
	}
	if (json_object_object_length(o) == 0) {
		json_object_put(o);
		return arena_strdup(a, "");
	}
	return text(a, o);
}
