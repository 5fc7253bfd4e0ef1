/* conn.c: the platform registry, stream and status names, and the exact-decimal money check. */
#include "conn.h"

#include <string.h>

#include "connectors/conn_amazon.h"
#include "connectors/conn_rakuten.h"
#include "connectors/conn_shopify.h"
#include "core/err.h"

/* display order of the connection screens */
static const struct conn_ops *const all_ops[] = {
	&conn_shopify_ops,
	&conn_rakuten_ops,
	&conn_amazon_ops,
};

static const char *const stream_names[] = {
	[CONN_ORDERS] = "orders",
	[CONN_PRODUCTS] = "products",
	[CONN_STOCK] = "stock",
};

static const char *const status_names[] = {
	[CONN_ST_PENDING] = "pending",
	[CONN_ST_PAID] = "paid",
	[CONN_ST_SHIPPED] = "shipped",
	[CONN_ST_CANCELLED] = "cancelled",
	[CONN_ST_REFUNDED] = "refunded",
	[CONN_ST_OTHER] = "other",
};

const struct conn_ops *
conn_find(const char *platform)
{
	if (platform == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof all_ops / sizeof all_ops[0]; i++)
		if (strcmp(all_ops[i]->platform, platform) == 0)
			return all_ops[i];
	return NULL;
}

const struct conn_ops *const *
conn_all(size_t *n)
{
	*n = sizeof all_ops / sizeof all_ops[0];
	return all_ops;
}

const char *
conn_stream_name(enum conn_stream s)
{
	if ((unsigned)s >= sizeof stream_names / sizeof stream_names[0])
		return "unknown";
	return stream_names[s];
}

int
conn_stream_parse(const char *name, enum conn_stream *out)
{
	for (size_t i = 0; name != NULL && i < sizeof stream_names / sizeof stream_names[0]; i++)
		if (strcmp(stream_names[i], name) == 0) {
			*out = (enum conn_stream)i;
			return 0;
		}
	return -ERR_INVALID;
}

const char *
conn_status_name(enum conn_order_status s)
{
	if ((unsigned)s >= sizeof status_names / sizeof status_names[0])
		return "other";
	return status_names[s];
}

bool
conn_money_ok(const char *s)
{
	if (s == NULL)
		return false;
	if (*s == '-')
		s++;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n < 1 || n > 14)
		return false;
	s += n;
	if (*s == '\0')
		return true;
	if (*s++ != '.')
		return false;
	n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n >= 1 && n <= 4 && s[n] == '\0';
}
