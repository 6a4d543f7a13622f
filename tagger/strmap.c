/* tagger/strmap.c - open-addressing string map (see strmap.h). */
#include "tagger/strmap.h"

#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_done(struct strmap *m)
{
	rp_free(m->slots);
	rp_free(m->arena);
	strmap_init(m);
}

/* The slot index comes from the low bits of the hash, the tag from the
 * high bits, so they are independent. */
static inline uint32_t hash_tag(uint64_t h)
{
	uint32_t t = (uint32_t)(h >> 32);
	return t ? t : 1;
}

static inline size_t find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	uint32_t tag = hash_tag(h);
	size_t i = (size_t)h & m->mask;
	for (;;) {
		const struct strmap_slot *s = &m->slots[i];
		if (s->tag == 0)
			return i;
		if (s->tag == tag && s->len == len && memcmp(m->arena + s->off, key, len) == 0)
			return i;
		i = (i + 1) & m->mask;
	}
}

uint32_t strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	if (!m->slots)
		return STRMAP_NONE;
	const struct strmap_slot *s = &m->slots[find(m, key, len, h)];
	return s->tag ? s->val : STRMAP_NONE;
}

uint32_t strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->slots)
		return STRMAP_NONE;
	return strmap_get_hashed(m, key, len, hash64(key, len));
}

static void grow(struct strmap *m)
{
	size_t ncap = m->slots ? (m->mask + 1) * 2 : 16;
	struct strmap_slot *old = m->slots;
	size_t oldn = m->slots ? m->mask + 1 : 0;
	m->slots = rp_calloc(ncap, sizeof *m->slots);
	m->mask = ncap - 1;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].tag)
			continue;
		uint64_t h = hash64(m->arena + old[i].off, old[i].len);
		size_t j = (size_t)h & m->mask;
		while (m->slots[j].tag)
			j = (j + 1) & m->mask;
		m->slots[j] = old[i];
	}
	rp_free(old);
}

static uint32_t put(struct strmap *m, const char *key, size_t len, uint32_t val, bool replace)
{
	/* at most half full: a miss then probes about two slots */
	if (!m->slots || (m->n + 1) * 2 > m->mask + 1)
		grow(m);
	uint64_t h = hash64(key, len);
	struct strmap_slot *s = &m->slots[find(m, key, len, h)];
	if (s->tag) {
		uint32_t prev = s->val;
		if (replace)
			s->val = val;
		return prev;
	}
	size_t need = m->arena_len + len + 1;
	if (need > UINT32_MAX)
		rp_malloc(SIZE_MAX); /* cannot happen within the named limits; abort like OOM */
	/* A key may point into the arena itself; copy before it moves. */
	char *copy = NULL;
	if (m->arena && key >= m->arena && key < m->arena + m->arena_cap) {
		copy = rp_strndup(key, len);
		key = copy;
	}
	m->arena = rp_grow(m->arena, 1, need, &m->arena_cap);
	memcpy(m->arena + m->arena_len, key, len);
	m->arena[m->arena_len + len] = '\0';
	rp_free(copy);
	s->tag = hash_tag(h);
	s->off = (uint32_t)m->arena_len;
	s->len = (uint32_t)len;
	s->val = val;
	m->arena_len = need;
	m->n++;
	return STRMAP_NONE;
}

uint32_t strmap_put(struct strmap *m, const char *key, size_t len, uint32_t val)
{
	return put(m, key, len, val, true);
}

uint32_t strmap_intern(struct strmap *m, const char *key, size_t len, uint32_t val)
{
	uint32_t prev = put(m, key, len, val, false);
	return prev == STRMAP_NONE ? val : prev;
}

const char *strmap_slot_key(const struct strmap *m, size_t i, size_t *len, uint32_t *val)
{
	if (!m->slots || i > m->mask || !m->slots[i].tag)
		return NULL;
	*len = m->slots[i].len;
	if (val)
		*val = m->slots[i].val;
	return m->arena + m->slots[i].off;
}
