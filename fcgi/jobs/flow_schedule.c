/* flow_schedule.c: when a flow runs next — every N minutes, or at JST times on chosen days of the week. */
#include "flow_schedule.h"

#include <string.h>

#include "core/buf.h"
#include "core/err.h"

#define JST_OFFSET (9 * 3600)
#define DAY 86400

int
flow_schedule_kind_parse(const char *s, enum flow_schedule_kind *out)
{
	if (s == NULL)
		return -ERR_INVALID;
	if (strcmp(s, "interval") == 0)
		*out = FLOW_SCHEDULE_INTERVAL;
	else if (strcmp(s, "times") == 0)
		*out = FLOW_SCHEDULE_TIMES;
	else if (strcmp(s, "manual") == 0)
		*out = FLOW_SCHEDULE_MANUAL;
	else
		return -ERR_INVALID;
	return 0;
}

const char *
flow_schedule_kind_name(enum flow_schedule_kind k)
{
	switch (k) {
	case FLOW_SCHEDULE_INTERVAL:
		return "interval";
	case FLOW_SCHEDULE_TIMES:
		return "times";
	case FLOW_SCHEDULE_MANUAL:
		return "manual";
	}
	return "";
}

/* one_time: "H:MM" or "HH:MM" at s[0..n) as minutes after midnight, or -1. */
static int
one_time(const char *s, size_t n)
{
	if (n != 4 && n != 5)
		return -1;
	size_t colon = n - 3;
	if (s[colon] != ':')
		return -1;
	int h = 0, m = 0;
	for (size_t i = 0; i < colon; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		h = h * 10 + (s[i] - '0');
	}
	for (size_t i = colon + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		m = m * 10 + (s[i] - '0');
	}
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* separator: the length of the separator at s (',', ' ', "、"), or 0. */
static size_t
separator(const char *s)
{
	if (*s == ',' || *s == ' ')
		return 1;
	if (strncmp(s, "、", strlen("、")) == 0)
		return strlen("、");
	return 0;
}

/* insert: t into the sorted set times[0..*n); -1 when the set is full. */
static int
insert(unsigned short *times, size_t *n, int t)
{
	size_t i = 0;
	while (i < *n && times[i] < t)
		i++;
	if (i < *n && times[i] == t)
		return 0;
	if (*n == FLOW_SCHEDULE_MAX_TIMES)
		return -1;
	memmove(times + i + 1, times + i, (*n - i) * sizeof *times);
	times[i] = (unsigned short)t;
	(*n)++;
	return 0;
}

int
flow_schedule_parse_times(const char *s, struct flow_schedule *out)
{
	unsigned short times[FLOW_SCHEDULE_MAX_TIMES];
	size_t n = 0;
	out->ntimes = 0;
	if (s == NULL)
		return -ERR_INVALID;
	while (*s != '\0') {
		size_t sep = separator(s);
		if (sep > 0) {
			s += sep;
			continue;
		}
		size_t len = 0;
		while (s[len] != '\0' && separator(s + len) == 0)
			len++;
		int t = one_time(s, len);
		if (t < 0 || insert(times, &n, t) != 0)
			return -ERR_INVALID;
		s += len;
	}
	if (n == 0)
		return -ERR_INVALID;
	memcpy(out->times, times, n * sizeof *times);
	out->ntimes = n;
	return 0;
}

int
flow_schedule_from(struct flow_schedule *out, const char *kind, unsigned interval_min, const char *times,
		   unsigned days)
{
	memset(out, 0, sizeof *out);
	enum flow_schedule_kind k;
	if (flow_schedule_kind_parse(kind, &k) != 0)
		return -ERR_INVALID;
	out->kind = k;
	out->interval_min = interval_min;
	out->days = days;
	if (k == FLOW_SCHEDULE_TIMES && flow_schedule_parse_times(times, out) != 0)
		out->ntimes = 0;
	if (flow_schedule_check(out) != 0) {
		memset(out, 0, sizeof *out);
		return -ERR_INVALID;
	}
	return 0;
}

char *
flow_schedule_times_text(struct arena *a, const struct flow_schedule *s)
{
	struct buf b;
	buf_init(&b, a, 6 * (s->ntimes + 1));
	for (size_t i = 0; i < s->ntimes && i < FLOW_SCHEDULE_MAX_TIMES; i++)
		buf_printf(&b, "%s%02u:%02u", i ? "," : "", s->times[i] / 60u, s->times[i] % 60u);
	buf_cstr(&b);
	return b.data;
}

int
flow_schedule_check(const struct flow_schedule *s)
{
	switch (s->kind) {
	case FLOW_SCHEDULE_MANUAL:
		return 0;
	case FLOW_SCHEDULE_INTERVAL:
		return s->interval_min >= FLOW_SCHEDULE_MIN_INTERVAL && s->interval_min <= FLOW_SCHEDULE_MAX_INTERVAL
			       ? 0
			       : -ERR_INVALID;
	case FLOW_SCHEDULE_TIMES:
		if (s->ntimes == 0 || s->ntimes > FLOW_SCHEDULE_MAX_TIMES || s->days == 0 ||
		    (s->days & ~FLOW_SCHEDULE_ALL_DAYS) != 0)
			return -ERR_INVALID;
		for (size_t i = 0; i < s->ntimes; i++)
			if (s->times[i] >= 24 * 60 || (i > 0 && s->times[i] <= s->times[i - 1]))
				return -ERR_INVALID;
		return 0;
	}
	return -ERR_INVALID;
}

/* floor division for days before 1970 as well */
static int64_t
jst_day(int64_t t)
{
	int64_t x = t + JST_OFFSET;
	return x >= 0 ? x / DAY : -((-x + DAY - 1) / DAY);
}

int
flow_schedule_jst_weekday(int64_t t)
{
	int64_t w = (jst_day(t) + 4) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

int64_t
flow_schedule_next(const struct flow_schedule *s, int64_t now)
{
	if (s->kind == FLOW_SCHEDULE_MANUAL || flow_schedule_check(s) != 0)
		return 0;
	if (s->kind == FLOW_SCHEDULE_INTERVAL)
		return now + (int64_t)s->interval_min * 60;
	int64_t day = jst_day(now);
	for (int64_t d = day; d <= day + 7; d++) {
		int64_t w = (d + 4) % 7;
		if (w < 0)
			w += 7;
		if ((s->days & (1u << w)) == 0)
			continue;
		for (size_t i = 0; i < s->ntimes; i++) {
			int64_t at = d * DAY + (int64_t)s->times[i] * 60 - JST_OFFSET;
			if (at > now)
				return at;
		}
	}
	return 0; /* unreachable: some chosen day comes within a week */
}
