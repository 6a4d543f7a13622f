/* cli/args.c - option values. */
#include "cli/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

bool args_size(const char *s, size_t lo, size_t hi, size_t *ret)
{
	char *end;
	errno = 0;
	if (*s == '-')
		return false; /* strtoull would wrap a negative number around */
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*ret = (size_t)v;
	return true;
}

int args_bad(const char *a, const char *v, const char *usage)
{
	log_error(NULL, "bad argument \"%s\"%s", a, v ? "" : " (missing value?)");
	fputs(usage, stderr);
	return 2;
}
