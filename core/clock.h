/* core/clock.h - the one place time is read.
 *
 * Tests pin the clock with the environment variable RAPPORTEUR_NOW
 * (seconds since the epoch, UTC), so digests, decay and expiry are
 * deterministic (curl's CURL_TIME). */
#ifndef RP_CLOCK_H
#define RP_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);          /* seconds since the epoch, UTC */
int64_t clock_now_ms(void);       /* milliseconds since the epoch, UTC */
int64_t clock_mono_ns(void);      /* monotonic, for durations; never pinned */

/* Sleep ms milliseconds, whatever signals arrive meanwhile. */
void clock_sleep_ms(int64_t ms);

/* Make tz (an IANA name such as "Europe/Paris"; NULL: UTC) the zone of
 * localtime and mktime, and return the previous TZ for clock_tz_restore
 * (owned by the caller through that call; may be NULL). setenv and tzset
 * are process-wide and not thread-safe: for the CLI's single-threaded
 * moments only (ontology loading, listing). */
char *clock_tz_switch(const char *tz);
void clock_tz_restore(char *old);   /* puts the previous TZ back; frees old */

#endif
