/* tests/fuzz/fuzz-url.c - libFuzzer target for core/url.c.
 *
 * The input is split at its first newline into a base and a reference
 * (no newline: the whole input is both). Invariants checked:
 *  - url_resolve never crashes; an absolute reference comes back as
 *    written (trimmed); a result is never longer than RP_URL_MAX_BYTES;
 *  - resolution against an absolute base gives an absolute URL, and
 *    resolving that result again against the base gives it back;
 *  - url_canonical is a fixpoint: canonical(canonical(x)) == canonical(x),
 *    and a key is an http(s) URL with no fragment and no whitespace. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const char *url)
{
	char *key = NULL;
	if (url_canonical(url, &key) != RP_OK)
		return;
	if (strncmp(key, "http://", 7) != 0 && strncmp(key, "https://", 8) != 0)
		abort();
	if (strchr(key, '#') || strpbrk(key, " \t\r\n\v\f") || strlen(key) > RP_URL_MAX_BYTES)
		abort();
	if (!url_is_http(key))
		abort();
	char *again = NULL;
	if (url_canonical(key, &again) != RP_OK || strcmp(again, key) != 0)
		abort();
	free(again);
	free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* A NUL inside ends both strings early, as it would for a caller. */
	char *nl = memchr(buf, '\n', size);
	const char *base = buf, *ref = buf;
	if (nl) {
		*nl = '\0';
		ref = nl + 1;
	}

	char *r = NULL;
	if (url_resolve(base, ref, &r) == RP_OK) {
		if (strlen(r) > RP_URL_MAX_BYTES)
			abort();
		if (url_is_absolute(base) && !url_is_absolute(r))
			abort();
		if (url_is_absolute(r)) {
			char *again = NULL;
			if (url_resolve(base, r, &again) != RP_OK || strcmp(again, r) != 0)
				abort();
			free(again);
		}
		check_canonical(r);
		free(r);
	}
	check_canonical(base);
	if (nl)
		check_canonical(ref);
	free(buf);
	return 0;
}
