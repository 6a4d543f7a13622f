/* core/clock.c - wall clock with a test pin, monotonic clock. */
#include "core/clock.h"

#include <stdlib.h>
#include <time.h>

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
