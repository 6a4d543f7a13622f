/* store/simhash.c - simhash fingerprints and their band index. */
#include "store/simhash.h"

#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"

/* byte_votes[b] has, in byte j, bit j of b: adding it to a packed
 * accumulator counts, per bit, the shingles that set it. */
static uint64_t byte_votes[256];
static int votes_ready;

static void votes_init(void)
{
	for (unsigned b = 0; b < 256; b++) {
		uint64_t v = 0;
		for (unsigned j = 0; j < 8; j++)
			if (b & (1u << j))
				v |= (uint64_t)1 << (8 * j);
		byte_votes[b] = v;
	}
	votes_ready = 1;
}

struct votes {
	uint64_t packed[8];   /* packed[i] byte j: shingles with bit 8i+j set, since the last flush */
	uint32_t count[64];   /* per bit, flushed totals */
	uint32_t pending;     /* additions since the last flush; a byte holds at most 255 */
	uint32_t total;
};

static void votes_flush(struct votes *v)
{
	for (unsigned i = 0; i < 8; i++) {
		uint64_t p = v->packed[i];
		for (unsigned j = 0; j < 8; j++)
			v->count[8 * i + j] += (uint32_t)((p >> (8 * j)) & 0xff);
		v->packed[i] = 0;
	}
	v->pending = 0;
}

static inline void votes_add(struct votes *v, uint64_t h)
{
	for (unsigned i = 0; i < 8; i++)
		v->packed[i] += byte_votes[(h >> (8 * i)) & 0xff];
	v->total++;
	if (++v->pending == 255)
		votes_flush(v);
}

static uint64_t votes_result(struct votes *v)
{
	votes_flush(v);
	uint64_t fp = 0;
	for (unsigned b = 0; b < 64; b++)
		if (2 * v->count[b] > v->total)
			fp |= (uint64_t)1 << b;
	return fp;
}

/* Count the votes of n <= 255 hashes into v, with the eight packed
 * accumulators in registers (the loop over v->packed in memory was not
 * unrolled at -O2 and cost a load and a store per byte). */
static void votes_add_block(struct votes *v, const uint64_t *h, size_t n)
{
	uint64_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = h[i];
		p0 += byte_votes[x & 0xff];
		p1 += byte_votes[(x >> 8) & 0xff];
		p2 += byte_votes[(x >> 16) & 0xff];
		p3 += byte_votes[(x >> 24) & 0xff];
		p4 += byte_votes[(x >> 32) & 0xff];
		p5 += byte_votes[(x >> 40) & 0xff];
		p6 += byte_votes[(x >> 48) & 0xff];
		p7 += byte_votes[x >> 56];
	}
	v->packed[0] = p0;
	v->packed[1] = p1;
	v->packed[2] = p2;
	v->packed[3] = p3;
	v->packed[4] = p4;
	v->packed[5] = p5;
	v->packed[6] = p6;
	v->packed[7] = p7;
	v->total += (uint32_t)n;
	votes_flush(v);
}

uint64_t simhash_features(const uint64_t *h, size_t n)
{
	if (n == 0)
		return 0;
	if (!votes_ready)
		votes_init();
	struct votes v;
	memset(&v, 0, sizeof v);
	for (size_t i = 0; i < n; i += 255)
		votes_add_block(&v, h + i, n - i < 255 ? n - i : 255);
	return votes_result(&v);
}

uint64_t simhash_tokens(const uint64_t *tok, size_t n, size_t k)
{
	if (n == 0)
		return 0;
	if (!votes_ready)
		votes_init();
	if (k == 0)
		k = 1;
	struct votes v;
	memset(&v, 0, sizeof v);
	size_t m = n < k ? 1 : n - k + 1;
	size_t w = n < k ? n : k;
	for (size_t i = 0; i < m; i++)
		votes_add(&v, hash64(tok + i, w * sizeof *tok));
	return votes_result(&v);
}

/* The band index: for each band, 2^BAND_BITS chains addressed by the
 * band's bits directly (they are already uniform). Chain links live in
 * one pool, four per fingerprint, with a free list: adding a fingerprint
 * allocates nothing once the pool has grown, and a chain is a few
 * neighbouring cache lines rather than a heap block per bucket. */
#define BAND_BITS (64 / SIMHASH_BANDS)
#define BAND_BUCKETS ((size_t)1 << BAND_BITS)
#define NIL UINT32_MAX

struct link {
	uint64_t fp;
	uint32_t value;
	uint32_t next;      /* next link in the chain, or in the free list; NIL ends */
};

struct simhash_index {
	uint32_t *head[SIMHASH_BANDS];   /* BAND_BUCKETS chain heads each */
	struct link *pool;
	size_t n_pool, cap_pool;
	uint32_t free;                   /* free list of links */
	size_t size;
};

static inline size_t band_of(uint64_t fp, unsigned b)
{
	return (size_t)((fp >> (b * BAND_BITS)) & (BAND_BUCKETS - 1));
}

struct simhash_index *simhash_index_new(void)
{
	struct simhash_index *ix = rp_calloc(1, sizeof *ix);
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		ix->head[b] = rp_malloc(BAND_BUCKETS * sizeof *ix->head[b]);
		memset(ix->head[b], 0xff, BAND_BUCKETS * sizeof *ix->head[b]);   /* NIL */
	}
	ix->free = NIL;
	return ix;
}

void simhash_index_free(struct simhash_index *ix)
{
	if (!ix)
		return;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++)
		rp_free(ix->head[b]);
	rp_free(ix->pool);
	rp_free(ix);
}

static uint32_t link_new(struct simhash_index *ix)
{
	if (ix->free != NIL) {
		uint32_t l = ix->free;
		ix->free = ix->pool[l].next;
		return l;
	}
	ix->pool = rp_grow(ix->pool, sizeof *ix->pool, ix->n_pool + 1, &ix->cap_pool);
	return (uint32_t)ix->n_pool++;
}

void simhash_index_add(struct simhash_index *ix, uint64_t fp, uint32_t value)
{
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		uint32_t l = link_new(ix);
		uint32_t *h = &ix->head[b][band_of(fp, b)];
		ix->pool[l] = (struct link){ fp, value, *h };
		*h = l;
	}
	ix->size++;
}

void simhash_index_remove(struct simhash_index *ix, uint64_t fp, uint32_t value)
{
	int found = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		uint32_t *at = &ix->head[b][band_of(fp, b)];
		while (*at != NIL) {
			struct link *k = &ix->pool[*at];
			if (k->fp == fp && k->value == value) {
				uint32_t l = *at;
				*at = k->next;
				k->next = ix->free;
				ix->free = l;
				found = 1;
				break;
			}
			at = &k->next;
		}
	}
	if (found)
		ix->size--;
}

size_t simhash_index_query(const struct simhash_index *ix, uint64_t fp, unsigned max_dist,
                           uint32_t *out, unsigned *dist, size_t max)
{
	size_t n = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		for (uint32_t l = ix->head[b][band_of(fp, b)]; l != NIL && n < max;
		     l = ix->pool[l].next) {
			const struct link *k = &ix->pool[l];
			unsigned d = simhash_distance(fp, k->fp);
			if (d > max_dist)
				continue;
			/* A value found through an earlier band is a duplicate. */
			int seen = 0;
			for (size_t j = 0; j < n; j++)
				if (out[j] == k->value) {
					seen = 1;
					break;
				}
			if (!seen) {
				if (dist)
					dist[n] = d;
				out[n++] = k->value;
			}
		}
	}
	return n;
}

size_t simhash_index_size(const struct simhash_index *ix)
{
	return ix->size;
}
