/* flow_schedule.h: when a flow runs next — every N minutes, or at JST times on chosen days of the week. */
#ifndef ECC_FLOW_SCHEDULE_H
#define ECC_FLOW_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/*
 * A flow's schedule (flows.schedule_kind, interval_min, schedule_times,
 * schedule_days). Japan has had no daylight saving time since 1951, so JST
 * is always UTC+9 and "09:00 JST" is always 00:00 UTC: no time-zone
 * database is involved. Times are epoch seconds UTC.
 *
 *  interval: every interval_min minutes (5..1440) counted from the end of
 *            the previous run (or from when the schedule was saved);
 *  times:    at each "HH:MM" JST of times[] on the days of the week whose
 *            bit is set in days (bit 0 = 日曜 … bit 6 = 土曜);
 *  manual:   never by itself (今すぐ実行 only).
 */
enum flow_schedule_kind {
	FLOW_SCHEDULE_MANUAL = 0,
	FLOW_SCHEDULE_INTERVAL = 1,
	FLOW_SCHEDULE_TIMES = 2,
};

#define FLOW_SCHEDULE_MIN_INTERVAL 5
#define FLOW_SCHEDULE_MAX_INTERVAL 1440
#define FLOW_SCHEDULE_MAX_TIMES 24
#define FLOW_SCHEDULE_ALL_DAYS 0x7fu
#define FLOW_SCHEDULE_TIMES_TEXT_MAX 200   /* flows.schedule_times */

struct flow_schedule {
	enum flow_schedule_kind kind;
	unsigned interval_min;
	unsigned short times[FLOW_SCHEDULE_MAX_TIMES]; /* minutes after 00:00 JST, ascending, no repeats */
	size_t ntimes;
	unsigned days;
};

/*
 * flow_schedule_kind_parse / flow_schedule_kind_name: "interval", "times",
 * "manual" (the schema's ENUM spelling) ⇔ the enum. parse returns 0 or
 * -ERR_INVALID; name returns static text ("" for an unknown value).
 */
int flow_schedule_kind_parse(const char *s, enum flow_schedule_kind *out);
const char *flow_schedule_kind_name(enum flow_schedule_kind k);

/*
 * flow_schedule_parse_times: s as a list of JST times "H:MM" or "HH:MM"
 * (00:00..23:59) separated by commas, "、" or spaces, into out->times
 * (sorted, repeats removed) and out->ntimes; the other members of out are
 * untouched. Returns 0; -ERR_INVALID for an empty list, a malformed or
 * out-of-range time, or more than FLOW_SCHEDULE_MAX_TIMES different times
 * (out->ntimes is then 0).
 */
int flow_schedule_parse_times(const char *s, struct flow_schedule *out);

/*
 * flow_schedule_from: the schedule stored in a flow's columns (kind name,
 * interval_min, schedule_times text or NULL, schedule_days) into *out.
 * Returns 0, or -ERR_INVALID when they do not make a schedule
 * flow_schedule_check accepts (*out is then MANUAL: never by itself).
 */
int flow_schedule_from(struct flow_schedule *out, const char *kind, unsigned interval_min, const char *times,
    unsigned days);

/* flow_schedule_times_text: the canonical stored form of s's times,
 * "09:00,13:30" (in a; "" when there are none). */
char *flow_schedule_times_text(struct arena *a, const struct flow_schedule *s);

/*
 * flow_schedule_check: s is usable: interval 5..1440 for INTERVAL; 1..24
 * sorted distinct times below 24:00 and days a non-empty subset of
 * FLOW_SCHEDULE_ALL_DAYS for TIMES. Returns 0 or -ERR_INVALID.
 */
int flow_schedule_check(const struct flow_schedule *s);

/*
 * flow_schedule_next: the first moment strictly after now (epoch seconds
 * UTC) at which s runs: now + interval for INTERVAL, the next listed JST
 * time on a chosen day for TIMES. Returns 0 for MANUAL and for a schedule
 * flow_schedule_check refuses (not scheduled).
 */
int64_t flow_schedule_next(const struct flow_schedule *s, int64_t now);

/* flow_schedule_jst_weekday: the JST day of the week of t (0 = 日曜). */
int flow_schedule_jst_weekday(int64_t t);

#endif
