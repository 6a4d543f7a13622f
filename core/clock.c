/* core/clock.c - wall clock with a test pin, monotonic clock. */
#include "core/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

static int pinned(int64_t *ret_ms)
{
	const char *s = getenv("RAPPORTEUR_NOW");
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return 0;
	*ret_ms = (int64_t)v * 1000;
	return 1;
}

int64_t clock_now_ms(void)
{
	int64_t ms;
	if (pinned(&ms))
		return ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now(void)
{
	return clock_now_ms() / 1000;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

char *clock_tz_switch(const char *tz)
{
	const char *cur = getenv("TZ");
	char *old = cur ? rp_strdup(cur) : NULL;   /* aborts on OOM: TZ is always put back */
	/* ":NAME": a zoneinfo file, never a POSIX rule string */
	char *want = rp_malloc(strlen(tz ? tz : "UTC") + 2);
	want[0] = ':';
	strcpy(want + 1, tz ? tz : "UTC");
	setenv("TZ", want, 1);
	tzset();
	rp_free(want);
	return old;
}

void clock_tz_restore(char *old)
{
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	rp_free(old);
}
