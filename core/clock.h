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

#endif
