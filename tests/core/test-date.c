/* tests/core/test-date.c - core/date.c against the date forms real feeds use.
 *
 * The expected values agree with the oracle (feedparser's _parse_date,
 * FEED_SCHEMA.md section 6) except the rows marked DIFFERS, where core/
 * date.c reads the date the plausible way on purpose. RAPPORTEUR_NOW is
 * not needed: no row depends on today's date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"

static const struct {
	const char *in;
	const char *utc;
} good[] = {
	{"Sun, 19 May 2002 15:21:36 GMT", "2002-05-19T15:21:36Z"},
	{"Tue, 3 Jun 2008 11:05 PDT", "2008-06-03T18:05:00Z"}, /* 1-digit day, no seconds */
	{"2003-12-13T18:30:02.25+01:00", "2003-12-13T17:30:02Z"},
	{"2012-11-07", "2012-11-07T00:00:00Z"},
	{"Wed Nov  7 09:30:00 2012", "2012-11-07T09:30:00Z"},
	{"Mon, 06 Oct 2025 09:05:00 +0000", "2025-10-06T09:05:00Z"},
	{"Mon, 6 Oct 2025 09:05:00 -0700", "2025-10-06T16:05:00Z"},
	{"Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"},
	{"Tue, 10 Jun 2003 09:41:01 GMT", "2003-06-10T09:41:01Z"},
	{"Fri, 13 Apr 2007 14:01:32 EDT", "2007-04-13T18:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 EST", "2007-04-13T19:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 CDT", "2007-04-13T19:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 CST", "2007-04-13T20:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 MDT", "2007-04-13T20:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 MST", "2007-04-13T21:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 PST", "2007-04-13T22:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 UT", "2007-04-13T14:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 UTC", "2007-04-13T14:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 Z", "2007-04-13T14:01:32Z"},
	{"Fri, 13 Apr 2007 14:01:32 CEST", "2007-04-13T14:01:32Z"}, /* unknown zone name = UTC */
	{"Sat, 07 Sep 2002 00:00:01 +05:30", "2002-09-06T18:30:01Z"},
	{"Sat, 07 Sep 2002 00:00:01 -03:30", "2002-09-07T03:30:01Z"},
	{"Sat, 07 Sep 2002 00:00:01 +0545", "2002-09-06T18:15:01Z"},
	{"Sat, 07 Sep 02 00:00:01 GMT", "2002-09-07T00:00:01Z"}, /* 2-digit year 00-89 -> 20xx */
	{"Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"},
	{"Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z"}, /* 2-digit year 90-99 -> 19xx */
	{"Wed, 02 Oct 2002 08:00:00 EST", "2002-10-02T13:00:00Z"},
	{"Wed, 02 Oct 2002 13:00:00 GMT", "2002-10-02T13:00:00Z"},
	{"Wed, 02 Oct 2002 15:00:00 +0200", "2002-10-02T13:00:00Z"},
	{"Mon, 15 Aug 2005 15:52:01 +0000", "2005-08-15T15:52:01Z"},
	{"Sun, 6 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"},
	{"Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z"},
	{"Mon Oct  6 09:05:00 2025", "2025-10-06T09:05:00Z"},
	{"Thu Jan  1 00:00:00 1970", "1970-01-01T00:00:00Z"},
	{"Tue, 3 June 2008 11:05:30 GMT", "2008-06-03T11:05:30Z"},
	{"Tue, 03 JUN 2008 11:05:30 GMT", "2008-06-03T11:05:30Z"},
	{"tue, 03 jun 2008 11:05:30 gmt", "2008-06-03T11:05:30Z"},
	{"Wed, 03 Jun 2008 11:05:30 GMT", "2008-06-03T11:05:30Z"}, /* wrong weekday is ignored */
	{"03 Jun 2008 11:05:30 GMT", "2008-06-03T11:05:30Z"},
	{"3 Jun 2008 11:05 +0100", "2008-06-03T10:05:00Z"},
	{"Jun 3 2008 11:05:30 GMT", "2008-06-03T11:05:30Z"}, /* month before day */
	{"Tue, 03 Jun 2008", "2008-06-03T00:00:00Z"},
	{"03 Jun 2008", "2008-06-03T00:00:00Z"},
	{"Tue, 03 Jun 2008 11:05:30 GMT+01:00", "2008-06-03T10:05:30Z"},
	{"Tue, 03 Jun 2008 11:05:30 Etc/GMT", "2008-06-03T11:05:30Z"},
	{"2003-12-13T18:30:02Z", "2003-12-13T18:30:02Z"},
	{"2003-12-13T18:30:02.25Z", "2003-12-13T18:30:02Z"},
	{"2003-12-13T18:30:02-05:00", "2003-12-13T23:30:02Z"},
	{"2003-12-13T18:30:02+0100", "2003-12-13T17:30:02Z"},
	{"2003-12-13T18:30Z", "2003-12-13T18:30:00Z"},
	{"2003-12-13T18:30:02", "2003-12-13T18:30:02Z"},
	{"2003-12-13 18:30:02", "2003-12-13T18:30:02Z"},
	{"2003-12-13 18:30:02Z", "2003-12-13T18:30:02Z"},
	{"2003-12-13t18:30:02z", "2003-12-13T18:30:02Z"},
	{"2003-12-13T24:00:00Z", "2003-12-14T00:00:00Z"}, /* 24:00 is the next day */
	{"2003-12-13T18:30:02.123456789+09:00", "2003-12-13T09:30:02Z"},
	{"2002-10-02T10:00:00-05:00", "2002-10-02T15:00:00Z"},
	{"2002-10-02T15:00:00.05Z", "2002-10-02T15:00:00Z"},
	{"1996-12-19T16:39:57-08:00", "1996-12-20T00:39:57Z"},
	{"1937-01-01T12:00:27.87+00:20", "1937-01-01T11:40:27Z"},
	{"2003-12", "2003-12-01T00:00:00Z"},
	{"2003", "2003-01-01T00:00:00Z"},
	{"20031213", "2003-12-13T00:00:00Z"},
	{"20031213T183002Z", "2003-12-13T00:00:00Z"}, /* as the oracle: basic-format times are not read */
	{"2004-02-29T12:00:00Z", "2004-02-29T12:00:00Z"},
	{"2024-02-29", "2024-02-29T00:00:00Z"},
	{"2003-02-30", "2003-03-02T00:00:00Z"}, /* rolls over as the oracle (mktime) */
	{"2003-13-01", "2004-01-01T00:00:00Z"}, /* rolls over as the oracle (mktime) */
	{"1990-12-31T23:59:60Z", "1991-01-01T00:00:00Z"}, /* leap second rolls over */
	{"2003-001", "2003-01-01T00:00:00Z"},
	{"2003-365", "2003-12-31T00:00:00Z"},
	{"2016-01-01T00:00:00+14:00", "2015-12-31T10:00:00Z"},
	{"2016-01-01T00:00:00-12:00", "2016-01-01T12:00:00Z"},
	{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
	{"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
	{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
	{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
	{"  2003-12-13T18:30:02Z  ", "2003-12-13T18:30:02Z"},
	{"Mon, 06 Oct 2025 09:05:00", "2025-10-06T09:05:00Z"}, /* DIFFERS from the oracle (null): weekday, no zone = UTC */
	{"2003-12-13 10:00:00 EST", "2003-12-13T15:00:00Z"}, /* DIFFERS from the oracle (midnight): the t of EST is no separator */
	{"2003-12-13T18:30:02+0530", "2003-12-13T13:00:02Z"}, /* DIFFERS from the oracle (+05:00): +hhmm keeps its minutes */
};

/* Forms no reader takes (the oracle gives null for each as well). */
static const char *const rejects[] = {
	"",
	"   ",
	"garbage",
	"not a date 2003",
	"13/12/2003",
	"Sun, 31 Feb 2002 10:00:00 GMT",      /* RFC 822 dates must exist */
	"Tue, 10 Jun 2003 25:00:00 GMT",
	"Tue, 10 Jun 2003 09:41:01.123 GMT",  /* fractions only in ISO forms */
	"Sunday, 06-Nov-94 08:49:37 GMT",     /* RFC 850: the oracle has no reader */
	"Thursday, 05-Apr-12 10:00:00 GMT",
	"0000-01-01",                         /* year 0 cannot be printed */
	"9999-12-31T23:00:00-05:00",          /* past 9999 in UTC */
	"Mon, 32 Jan 2005 10:00:00 GMT",
	"Jan 2005",
};

static void test_good(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t t = 0;
		char out[DATE_ISO_LEN] = "";
		rp_err e = date_parse(good[i].in, &t);
		if (e == RP_OK)
			date_format(t, out);
		if (e != RP_OK || strcmp(out, good[i].utc) != 0) {
			print_error("row %zu: date_parse(\"%s\") = %s, want %s\n", i, good[i].in,
			            e == RP_OK ? out : "error", good[i].utc);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_rejects(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		int64_t t = 12345;
		rp_err e = date_parse(rejects[i], &t);
		if (e != RP_ERR_INPUT || t != 12345) {
			print_error("row %zu: date_parse(\"%s\") = %d (t %lld), want RP_ERR_INPUT and t untouched\n",
			            i, rejects[i], (int)e, (long long)t);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	int64_t t;
	assert_int_equal(date_parse(NULL, &t), RP_ERR_INPUT);
}

/* date_from_civil against known epoch seconds, with the roll-overs the
 * header promises. */
static void test_civil(void **state)
{
	(void)state;
	static const struct {
		int64_t y;
		int mo, d, h, mi, s;
		int64_t want;
	} rows[] = {
		{1970, 1, 1, 0, 0, 0, 0},
		{1969, 12, 31, 23, 59, 59, -1},
		{2000, 2, 29, 0, 0, 0, 951782400},
		{2000, 3, 1, 0, 0, 0, 951868800},
		{2038, 1, 19, 3, 14, 8, 2147483648LL},
		{2003, 13, 1, 0, 0, 0, 1072915200},     /* month 13 = January 2004 */
		{2004, 0, 1, 0, 0, 0, 1070236800},      /* month 0 = December 2003 */
		{2004, 1, 0, 0, 0, 0, 1072828800},      /* day 0 = 31 December 2003 */
		{2003, 12, 13, 24, 0, 0, 1071360000},   /* 24:00 = next day */
		{2003, 12, 13, 0, -30, 0, 1071271800},  /* negative minutes borrow */
		{1, 1, 1, 0, 0, 0, -62135596800LL},
		{9999, 12, 31, 23, 59, 59, 253402300799LL},
		{1600, 3, 1, 0, 0, 0, -11670912000LL},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t got = date_from_civil(rows[i].y, rows[i].mo, rows[i].d, rows[i].h, rows[i].mi, rows[i].s);
		if (got != rows[i].want) {
			print_error("row %zu: date_from_civil(%lld-%d-%d %d:%d:%d) = %lld, want %lld\n", i,
			            (long long)rows[i].y, rows[i].mo, rows[i].d, rows[i].h, rows[i].mi,
			            rows[i].s, (long long)got, (long long)rows[i].want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* Every day from 1600 to 2400 formats and parses back to itself. */
static void test_round_trip(void **state)
{
	(void)state;
	int failures = 0;
	for (int64_t t = -11670912000LL; t < 13574563200LL; t += 86400 + 3661) {
		char out[DATE_ISO_LEN];
		int64_t back = 0;
		date_format(t, out);
		if (date_parse(out, &back) != RP_OK || back != t) {
			if (failures++ < 10)
				print_error("t %lld: formatted %s, parsed back %lld\n", (long long)t, out,
				            (long long)back);
		}
	}
	assert_int_equal(failures, 0);
}

static void test_format_clamps(void **state)
{
	(void)state;
	char out[DATE_ISO_LEN];
	date_format(INT64_MIN, out);
	assert_string_equal(out, "0001-01-01T00:00:00Z");
	date_format(INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	date_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_clamps),
	};
	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
