/* clock.c: the one source of "now"; a settable test clock exists only in ECC_TEST builds. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t
offset_s(void)
{
#ifdef ECC_TEST
	const char *v = getenv("ECC_TEST_CLOCK_OFFSET");
	if (v != NULL && *v != '\0')
		return strtoll(v, NULL, 10);
#endif
	return 0;
}

int64_t
clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_s() * 1000;
}

time_t
clock_now(void)
{
	return (time_t)(clock_now_ms() / 1000);
}

int64_t
clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *
clock_jst(int64_t epoch_ms, char out[32])
{
	time_t t = (time_t)(epoch_ms / 1000) + 9 * 3600;
	int ms = (int)(epoch_ms % 1000);
	if (ms < 0) {
		ms += 1000;
		t -= 1;
	}
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+09:00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	memcpy(out, tmp, 31);
	out[31] = '\0';
	return out;
}

char *
clock_jst_minute(time_t t, char out[20])
{
	t += 9 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min);
	memcpy(out, tmp, 19);
	out[19] = '\0';
	return out;
}
