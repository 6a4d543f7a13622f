/* tagger/casing.c - the most used spelling of a tag (see casing.h). */
#include "tagger/casing.h"

#include <string.h>

#include <utf8proc.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "tagger/strmap.h"

int casing_class(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	bool upper = false, lower = false;
	while (p < end) {
		int32_t cp = utf8_decode(&p, end);
		if (cp < 0)
			continue;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
			upper = true;
		else if (cat == UTF8PROC_CATEGORY_LL)
			lower = true;
	}
	return upper ? (lower ? 2 : 1) : 0;
}

bool casing_prefer(uint64_t na, const char *a, size_t la, uint64_t nb, const char *b, size_t lb)
{
	if (na != nb)
		return na > nb;
	return casing_class(a, la) > casing_class(b, lb);
}

struct spelling {
	char *s;
	size_t len;
	uint64_t n;
};

struct form {
	struct spelling v[CASINGS_MAX_SPELLINGS];  /* in the order first seen */
	size_t n;
	size_t best;                               /* index in v of the one to show */
};

struct casings {
	struct strmap keys;     /* folded form -> index in forms */
	struct form *forms;
	size_t n_forms, cap_forms;
	struct buf fold;
};

struct casings *casings_new(void)
{
	struct casings *c = rp_calloc(1, sizeof *c);
	strmap_init(&c->keys);
	return c;
}

void casings_free(struct casings *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_forms; i++)
		for (size_t j = 0; j < c->forms[i].n; j++)
			rp_free(c->forms[i].v[j].s);
	rp_free(c->forms);
	strmap_done(&c->keys);
	buf_done(&c->fold);
	rp_free(c);
}

static struct form *lookup(struct casings *c, const char *s, size_t n, bool add)
{
	buf_reset(&c->fold);
	utf8_fold(&c->fold, s, n);
	uint32_t idx = strmap_get(&c->keys, buf_str(&c->fold), c->fold.len);
	if (idx != STRMAP_NONE)
		return &c->forms[idx];
	if (!add || c->n_forms >= CASINGS_MAX_TAGS)
		return NULL;
	c->forms = rp_grow(c->forms, sizeof *c->forms, c->n_forms + 1, &c->cap_forms);
	idx = (uint32_t)c->n_forms++;
	memset(&c->forms[idx], 0, sizeof c->forms[idx]);
	strmap_put(&c->keys, buf_str(&c->fold), c->fold.len, idx);
	return &c->forms[idx];
}

const char *casings_add(struct casings *c, const char *s, size_t n, size_t *ret_len)
{
	struct form *f = lookup(c, s, n, true);
	*ret_len = n;
	if (!f)
		return s;
	size_t i = 0;
	while (i < f->n && !(f->v[i].len == n && memcmp(f->v[i].s, s, n) == 0))
		i++;
	if (i == f->n) {
		if (f->n == CASINGS_MAX_SPELLINGS)
			goto best;   /* a ninth spelling of one tag: not worth showing */
		f->v[f->n++] = (struct spelling){ rp_strndup(s, n), n, 0 };
	}
	f->v[i].n++;
	/* Only the spelling just counted can overtake the best; a full tie
	 * goes to the first seen (the lower index). */
	const struct spelling *a = &f->v[i], *b = &f->v[f->best];
	if (i != f->best && (casing_prefer(a->n, a->s, a->len, b->n, b->s, b->len) ||
	                     (i < f->best && !casing_prefer(b->n, b->s, b->len, a->n, a->s, a->len))))
		f->best = i;
best:
	*ret_len = f->v[f->best].len;
	return f->v[f->best].s;
}

const char *casings_best(struct casings *c, const char *s, size_t n, size_t *ret_len)
{
	struct form *f = lookup(c, s, n, false);
	if (!f || f->n == 0)
		return NULL;
	*ret_len = f->v[f->best].len;
	return f->v[f->best].s;
}
