/* tests/fuzz/fuzz-date.c - libFuzzer target for core/date.c.
 *
 * Any input: date_parse must not crash, and a date it accepts must be in
 * the printable range and survive date_format -> date_parse unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t t = 0;
	if (date_parse(s, &t) == RP_OK) {
		/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
		if (t < -62135596800LL || t > 253402300799LL)
			abort();
		char out[DATE_ISO_LEN];
		date_format(t, out);
		if (strlen(out) != DATE_ISO_LEN - 1)
			abort();
		int64_t back = 0;
		if (date_parse(out, &back) != RP_OK || back != t)
			abort();
	}
	free(s);
	return 0;
}
