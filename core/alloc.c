/* core/alloc.c - abort-on-OOM allocation (see alloc.h for why). */
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void rp_oom(size_t n)
{
	fprintf(stderr, "rapporteur: out of memory allocating %zu bytes\n", n);
	abort();
}

void *rp_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		rp_oom(n);
	return p;
}

void *rp_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		rp_oom(count * size);
	return p;
}

void *rp_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		rp_oom(n);
	return q;
}

size_t rp_grow_cap(size_t cap, size_t size, size_t need)
{
	size_t c = cap ? cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			rp_oom(SIZE_MAX);
		c *= 2;
	}
	if (size && c > SIZE_MAX / size)
		rp_oom(SIZE_MAX);
	return c;
}

void *rp_grow(void *p, size_t size, size_t need, size_t *cap)
{
	if (need <= *cap)
		return p;
	size_t c = rp_grow_cap(*cap, size, need);
	p = rp_realloc(p, c * size);
	*cap = c;
	return p;
}

char *rp_strdup(const char *s)
{
	return s ? rp_strndup(s, strlen(s)) : NULL;
}

char *rp_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, n);
	char *d = rp_malloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void rp_free(void *p)
{
	free(p);
}
