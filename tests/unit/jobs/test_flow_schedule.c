/* test_flow_schedule.c: a flow's next run — intervals, JST times on chosen weekdays, midnight, week ends, parsing. */
#include "core/arena.h"
#include "core/err.h"
#include "jobs/flow_schedule.h"
#include "t.h"

/* JST wall times as epoch seconds (JST is UTC+9 all year) */
#define FRI_2359_30 1767365970 /* 2026-01-02 23:59:30 JST, Friday */
#define SAT_0000 1767366000    /* 2026-01-03 00:00:00 JST */
#define FRI_1800 1767344400    /* 2026-01-02 18:00 JST */
#define MON_0900 1767571200    /* 2026-01-05 09:00 JST */
#define MON_1730 1767601800    /* 2026-01-05 17:30 JST */
#define SUN_0900 1767484800    /* 2026-01-04 09:00 JST */
#define SUN_1000 1767488400    /* 2026-01-04 10:00 JST */
#define SUN2_0900 1768089600   /* 2026-01-11 09:00 JST */
#define SAT_2359_59 1767452399 /* 2026-01-03 23:59:59 JST */
#define SUN_0000 1767452400    /* 2026-01-04 00:00 JST */
#define NYE_2330 1798727400    /* 2026-12-31 23:30 JST, Thursday */
#define NY_0015 1798730100     /* 2027-01-01 00:15 JST, Friday */

#define WEEKDAYS 0x3eu /* 月〜金 */

static struct flow_schedule
times(const char *list, unsigned days)
{
	struct flow_schedule s;
	memset(&s, 0, sizeof s);
	s.kind = FLOW_SCHEDULE_TIMES;
	s.days = days;
	T_OK(flow_schedule_parse_times(list, &s) == 0, "parse \"%s\"", list);
	return s;
}

static void
test_parse(struct arena *a)
{
	struct flow_schedule s;
	memset(&s, 0, sizeof s);
	T_INTEQ(flow_schedule_parse_times("9:00, 13:30、09:00,,00:05", &s), 0);
	T_INTEQ(s.ntimes, 3);
	T_STREQ(flow_schedule_times_text(a, &s), "00:05,09:00,13:30");
	T_INTEQ(flow_schedule_parse_times("23:59", &s), 0);
	T_STREQ(flow_schedule_times_text(a, &s), "23:59");
	const char *bad[] = { "", " , ", "24:00", "12:60", "9:0", "0900", "12:00:00", "１２:００", "ab:cd",
			      "9:00;10:00", "-1:00", "123:00" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s.ntimes = 7;
		T_OK(flow_schedule_parse_times(bad[i], &s) == -ERR_INVALID, "\"%s\" is refused", bad[i]);
		T_INTEQ(s.ntimes, 0);
	}
	T_OK(flow_schedule_parse_times(NULL, &s) == -ERR_INVALID, "NULL is refused");
	/* 24 different times fit, 25 do not; repeats do not count */
	char many[400];
	size_t used = 0;
	for (int h = 0; h < 24; h++)
		used += (size_t)snprintf(many + used, sizeof many - used, "%02d:00,", h);
	T_INTEQ(flow_schedule_parse_times(many, &s), 0);
	T_INTEQ(s.ntimes, 24);
	used += (size_t)snprintf(many + used, sizeof many - used, "%s", "00:00,23:00");
	T_INTEQ(flow_schedule_parse_times(many, &s), 0);
	snprintf(many + used, sizeof many - used, "%s", ",12:30");
	T_INTEQ(flow_schedule_parse_times(many, &s), -ERR_INVALID);
	struct flow_schedule none;
	memset(&none, 0, sizeof none);
	T_STREQ(flow_schedule_times_text(a, &none), "");
}

static void
test_kinds(void)
{
	enum flow_schedule_kind k;
	T_INTEQ(flow_schedule_kind_parse("interval", &k), 0);
	T_INTEQ(k, FLOW_SCHEDULE_INTERVAL);
	T_INTEQ(flow_schedule_kind_parse("times", &k), 0);
	T_INTEQ(k, FLOW_SCHEDULE_TIMES);
	T_INTEQ(flow_schedule_kind_parse("manual", &k), 0);
	T_INTEQ(k, FLOW_SCHEDULE_MANUAL);
	T_INTEQ(flow_schedule_kind_parse("Interval", &k), -ERR_INVALID);
	T_INTEQ(flow_schedule_kind_parse(NULL, &k), -ERR_INVALID);
	T_STREQ(flow_schedule_kind_name(FLOW_SCHEDULE_TIMES), "times");
	T_STREQ(flow_schedule_kind_name((enum flow_schedule_kind)9), "");
}

static void
test_check(void)
{
	struct flow_schedule s;
	memset(&s, 0, sizeof s);
	T_INTEQ(flow_schedule_check(&s), 0); /* manual */
	s.kind = FLOW_SCHEDULE_INTERVAL;
	unsigned ok[] = { 5, 6, 60, 1440 }, no[] = { 0, 4, 1441, 100000 };
	for (size_t i = 0; i < 4; i++) {
		s.interval_min = ok[i];
		T_OK(flow_schedule_check(&s) == 0, "interval %u is fine", ok[i]);
		s.interval_min = no[i];
		T_OK(flow_schedule_check(&s) == -ERR_INVALID, "interval %u is refused", no[i]);
		T_INTEQ(flow_schedule_next(&s, 1000), 0);
	}
	s = times("09:00", 0);
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID); /* no day */
	s.days = 0x80;
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID);
	s.days = 0xff;
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID);
	s.days = FLOW_SCHEDULE_ALL_DAYS;
	T_INTEQ(flow_schedule_check(&s), 0);
	s.ntimes = 0;
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID);
	T_INTEQ(flow_schedule_next(&s, SUN_1000), 0);
	s = times("10:00,09:00", FLOW_SCHEDULE_ALL_DAYS);
	s.times[0] = 24 * 60; /* damaged in memory */
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID);
	s.kind = (enum flow_schedule_kind)7;
	T_INTEQ(flow_schedule_check(&s), -ERR_INVALID);
}

static void
test_interval(void)
{
	struct flow_schedule s;
	memset(&s, 0, sizeof s);
	s.kind = FLOW_SCHEDULE_INTERVAL;
	s.interval_min = 15;
	T_INTEQ(flow_schedule_next(&s, FRI_2359_30), FRI_2359_30 + 900);
	s.interval_min = 1440;
	T_INTEQ(flow_schedule_next(&s, SAT_2359_59), SAT_2359_59 + 86400);
	s.days = 0; /* days play no part in an interval */
	s.interval_min = 5;
	T_INTEQ(flow_schedule_next(&s, 0), 300);
	memset(&s, 0, sizeof s); /* manual */
	T_INTEQ(flow_schedule_next(&s, SUN_1000), 0);
}

static void
test_times(void)
{
	/* across JST midnight: 23:59:30 Friday → 00:00 Saturday (= 15:00 UTC the day before) */
	struct flow_schedule s = times("00:00", FLOW_SCHEDULE_ALL_DAYS);
	T_INTEQ(flow_schedule_next(&s, FRI_2359_30), SAT_0000);
	T_INTEQ(SAT_0000 % 86400, 15 * 3600);
	/* strictly after: at 00:00 itself the next is tomorrow's */
	T_INTEQ(flow_schedule_next(&s, SAT_0000), SAT_0000 + 86400);
	T_INTEQ(flow_schedule_next(&s, SAT_0000 - 1), SAT_0000);
	/* weekdays only: Friday evening → Monday morning, over the week end */
	s = times("09:00,17:30", WEEKDAYS);
	T_INTEQ(flow_schedule_next(&s, FRI_1800), MON_0900);
	T_INTEQ(flow_schedule_next(&s, MON_0900), MON_1730);
	T_INTEQ(flow_schedule_next(&s, MON_0900 - 1), MON_0900);
	T_INTEQ(flow_schedule_next(&s, SAT_2359_59), MON_0900);
	/* Saturday only, from the last second of Saturday: a week later */
	s = times("23:59", 1u << 6);
	T_INTEQ(flow_schedule_next(&s, SAT_2359_59), SAT_2359_59 - 59 + 7 * 86400);
	/* Sunday only: before 09:00 the same day, after it the next Sunday */
	s = times("09:00", 1u << 0);
	T_INTEQ(flow_schedule_next(&s, SUN_0000), SUN_0900);
	T_INTEQ(flow_schedule_next(&s, SUN_0900), SUN2_0900);
	T_INTEQ(flow_schedule_next(&s, SUN_1000), SUN2_0900);
	/* the year end: 31 Dec 23:30 (Thursday) → 1 Jan 00:15 (Friday) */
	s = times("00:15", 1u << 5);
	T_INTEQ(flow_schedule_next(&s, NYE_2330), NY_0015);
	/* every listed time of the day in order */
	s = times("06:00,12:00,18:00", FLOW_SCHEDULE_ALL_DAYS);
	int64_t t = SUN_0000, want[] = { SUN_0000 + 6 * 3600, SUN_0000 + 12 * 3600, SUN_0000 + 18 * 3600,
					  SUN_0000 + 30 * 3600 };
	for (size_t i = 0; i < 4; i++) {
		t = flow_schedule_next(&s, t);
		T_INTEQ(t, want[i]);
	}
}

static void
test_from(void)
{
	struct flow_schedule s;
	T_INTEQ(flow_schedule_from(&s, "interval", 30, NULL, 0), 0);
	T_INTEQ(s.kind, FLOW_SCHEDULE_INTERVAL);
	T_INTEQ(flow_schedule_next(&s, 100), 100 + 1800);
	T_INTEQ(flow_schedule_from(&s, "times", 0, "17:30,09:00", WEEKDAYS), 0);
	T_INTEQ(s.ntimes, 2);
	T_INTEQ(flow_schedule_next(&s, FRI_1800), MON_0900);
	T_INTEQ(flow_schedule_from(&s, "manual", 0, NULL, 127), 0);
	T_INTEQ(flow_schedule_next(&s, 100), 0);
	/* what the columns cannot make: MANUAL (never by itself) and an error */
	T_INTEQ(flow_schedule_from(&s, "interval", 2, NULL, 127), -ERR_INVALID);
	T_INTEQ(s.kind, FLOW_SCHEDULE_MANUAL);
	T_INTEQ(flow_schedule_from(&s, "times", 0, NULL, 127), -ERR_INVALID);
	T_INTEQ(flow_schedule_from(&s, "times", 0, "09:00", 0), -ERR_INVALID);
	T_INTEQ(flow_schedule_from(&s, "hourly", 60, NULL, 127), -ERR_INVALID);
	T_INTEQ(flow_schedule_from(&s, NULL, 60, NULL, 127), -ERR_INVALID);
	T_INTEQ(flow_schedule_next(&s, 100), 0);
}

static void
test_weekday(void)
{
	T_INTEQ(flow_schedule_jst_weekday(0), 4);          /* 1970-01-01 09:00 JST, Thursday */
	T_INTEQ(flow_schedule_jst_weekday(15 * 3600), 5); /* Friday 00:00 JST */
	T_INTEQ(flow_schedule_jst_weekday(-9 * 3600), 4); /* Thursday 00:00 JST */
	T_INTEQ(flow_schedule_jst_weekday(-9 * 3600 - 1), 3);
	T_INTEQ(flow_schedule_jst_weekday(SUN_0000), 0);
	T_INTEQ(flow_schedule_jst_weekday(SAT_2359_59), 6);
	T_INTEQ(flow_schedule_jst_weekday(MON_0900), 1);
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_parse(a);
	test_kinds();
	test_check();
	test_interval();
	test_times();
	test_from();
	test_weekday();
	arena_free(a);
	return t_done("flow_schedule");
}
