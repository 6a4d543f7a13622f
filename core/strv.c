/* core/strv.c - vector of owned strings. */
#include "core/strv.h"

#include <string.h>

#include "core/alloc.h"

void strv_init(struct strv *sv)
{
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

void strv_done(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		rp_free(sv->v[i]);
	rp_free(sv->v);
	strv_init(sv);
}

void strv_take(struct strv *sv, char *s)
{
	sv->v = rp_grow(sv->v, sizeof *sv->v, sv->n + 2, &sv->cap);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_take(sv, rp_strdup(s));
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

bool strv_push_unique(struct strv *sv, const char *s)
{
	if (strv_contains(sv, s))
		return false;
	strv_push(sv, s);
	return true;
}
