/* clock.h: the one source of "now"; a settable test clock exists only in ECC_TEST builds. */
#ifndef ECC_CLOCK_H
#define ECC_CLOCK_H

#include <stdint.h>
#include <time.h>

/* clock_now: seconds since the epoch (UTC). In ECC_TEST builds the
 * environment variable ECC_TEST_CLOCK_OFFSET (seconds, may be negative) is
 * added, so tests can move time forward; release builds have no such hook. */
time_t clock_now(void);

/* clock_now_ms: milliseconds since the epoch, with the same offset. */
int64_t clock_now_ms(void);

/* clock_mono_us: monotonic microseconds, for measuring latency only. */
int64_t clock_mono_us(void);

/* clock_jst: format epoch milliseconds as JST ISO 8601 with milliseconds,
 * e.g. "2026-11-26T09:00:00.123+09:00", independent of TZ. out needs 32
 * bytes; returns out. */
char *clock_jst(int64_t epoch_ms, char out[32]);

/* clock_jst_date: "2026-11-26 09:00" style JST minute text for pages; out
 * needs 20 bytes. */
char *clock_jst_minute(time_t t, char out[20]);

#endif
