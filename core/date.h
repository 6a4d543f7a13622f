/* core/date.h - the date forms feeds and APIs use, to UTC.
 *
 * RFC 822/1123/2822 with the usual sins (named zones EST..PDT, missing
 * seconds, 1-digit days, 2-digit years, wrong weekday), RFC 3339 / ISO
 * 8601 / W3C-DTF (fractions, offsets, date only, 24:00), asctime. The
 * rules are FEED_SCHEMA.md section 6. */
#ifndef RP_DATE_H
#define RP_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define DATE_ISO_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Parse s (NUL-terminated; surrounding whitespace allowed) into seconds
 * since the epoch, UTC. RP_ERR_INPUT when no form matches. */
RP_MUST_CHECK rp_err date_parse(const char *s, int64_t *ret);

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out. */
void date_format(int64_t t, char out[DATE_ISO_LEN]);

/* Civil date to seconds since the epoch (proleptic Gregorian, UTC), with
 * out-of-range fields normalised (month 13 is January of the next year). */
int64_t date_from_civil(int64_t year, int month, int day, int hour, int min, int sec);

#endif
