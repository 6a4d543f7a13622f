/* store/simhash.c - simhash fingerprints and their band index. */
#include "store/simhash.h"

#include <string.h>

#include "core/alloc.h"
#include "core/bigmem.h"
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
	if (v->pending)   /* votes_add_block flushes as it goes */
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

/* The band index: for each band, 2^BAND_BITS buckets addressed by the
 * band's bits directly (they are already uniform). A bucket is one array
 * of its entries, oldest first, read newest first. Chained links, one per
 * entry in a shared pool, made every entry of a query a dependent cache
 * miss: at 100k posts a query walks about 17 entries, and the walk was a
 * tenth of the importer's time (perf). An array is a line or two, and the
 * four bands' arrays are fetched at once.
 *
 * A bucket's block holds a power of two of entries (its class). Blocks
 * come from slabs, with one free list per class: a bucket that grows
 * moves to a block of the next class and leaves its old one for the next
 * bucket that grows into that size. Through malloc, the quarter million
 * reallocations of small blocks per 100k posts kept glibc sorting and
 * merging its bins (perf: 8% of the main thread of an import that
 * rebuilt the engine from Redis). Blocks over SLAB_BLOCK_MAX are
 * malloc'd alone. Slabs and the bucket heads are huge pages
 * (core/bigmem.h): both are touched at random, once per band per post. */
#define BAND_BITS (64 / SIMHASH_BANDS)
#define BAND_BUCKETS ((size_t)1 << BAND_BITS)
#define CLASS_MIN 1                  /* a new bucket has 2 entries */
#define CLASSES 32                   /* classes 0..31: up to 2^31 entries */
#define SLAB_BYTES BIGMEM_HUGE
#define SLAB_BLOCK_MAX ((size_t)64 << 10) /* larger blocks are malloc'd alone */

struct entry {
	uint64_t fp;
	uint32_t value;
};

struct bucket {
	uint32_t n, cap;     /* entries held, room */
	struct entry v[];    /* oldest first */
};

struct simhash_index {
	struct bucket **head[SIMHASH_BANDS];  /* BAND_BUCKETS each; NULL: empty */
	size_t size;
	struct bucket *free[CLASSES];  /* slab blocks by class, linked through their first bytes */
	char **slabs;
	size_t n_slabs, cap_slabs;
	char *bump;                    /* unused end of the newest slab */
	size_t bump_left;              /* bytes */
};

static size_t block_bytes(unsigned cls)
{
	return sizeof(struct bucket) + ((size_t)1 << cls) * sizeof(struct entry);
}

static unsigned class_of(uint32_t cap)
{
	return (unsigned)__builtin_ctz(cap);
}

/* A block of class cls, its n and cap set for an empty bucket. */
static struct bucket *block_new(struct simhash_index *ix, unsigned cls)
{
	size_t bytes = block_bytes(cls);
	struct bucket *k;
	if (bytes > SLAB_BLOCK_MAX) {
		k = rp_malloc(bytes);
	} else if (ix->free[cls]) {
		k = ix->free[cls];
		memcpy(&ix->free[cls], k, sizeof k);
	} else {
		if (ix->bump_left < bytes) {
			ix->slabs = rp_grow(ix->slabs, sizeof *ix->slabs, ix->n_slabs + 1, &ix->cap_slabs);
			ix->bump = ix->slabs[ix->n_slabs++] = bigmem_alloc(SLAB_BYTES);
			ix->bump_left = SLAB_BYTES;
		}
		k = (struct bucket *)(void *)ix->bump;
		ix->bump += bytes;
		ix->bump_left -= bytes;
	}
	k->n = 0;
	k->cap = (uint32_t)1 << cls;
	return k;
}

static void block_free(struct simhash_index *ix, struct bucket *k)
{
	unsigned cls = class_of(k->cap);
	if (block_bytes(cls) > SLAB_BLOCK_MAX) {
		rp_free(k);
		return;
	}
	memcpy(k, &ix->free[cls], sizeof k);
	ix->free[cls] = k;
}

static inline size_t band_of(uint64_t fp, unsigned b)
{
	return (size_t)((fp >> (b * BAND_BITS)) & (BAND_BUCKETS - 1));
}

struct simhash_index *simhash_index_new(void)
{
	struct simhash_index *ix = rp_calloc(1, sizeof *ix);
	/* the bands' heads in one block */
	struct bucket **heads = bigmem_alloc(SIMHASH_BANDS * BAND_BUCKETS * sizeof *heads);
	for (unsigned b = 0; b < SIMHASH_BANDS; b++)
		ix->head[b] = heads + b * BAND_BUCKETS;
	return ix;
}

void simhash_index_free(struct simhash_index *ix)
{
	if (!ix)
		return;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		for (size_t i = 0; i < BAND_BUCKETS; i++) {
			struct bucket *k = ix->head[b][i];
			if (k && block_bytes(class_of(k->cap)) > SLAB_BLOCK_MAX)
				rp_free(k);
		}
	}
	bigmem_free(ix->head[0], SIMHASH_BANDS * BAND_BUCKETS * sizeof *ix->head[0]);
	for (size_t i = 0; i < ix->n_slabs; i++)
		bigmem_free(ix->slabs[i], SLAB_BYTES);
	rp_free(ix->slabs);
	rp_free(ix);
}

void simhash_index_add(struct simhash_index *ix, uint64_t fp, uint32_t value)
{
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		struct bucket **at = &ix->head[b][band_of(fp, b)];
		struct bucket *k = *at;
		if (!k) {
			k = *at = block_new(ix, CLASS_MIN);
		} else if (k->n == k->cap) {
			struct bucket *g = block_new(ix, class_of(k->cap) + 1);
			memcpy(g->v, k->v, k->n * sizeof k->v[0]);
			g->n = k->n;
			block_free(ix, k);
			k = *at = g;
		}
		k->v[k->n++] = (struct entry){ fp, value };
	}
	ix->size++;
}

void simhash_index_remove(struct simhash_index *ix, uint64_t fp, uint32_t value)
{
	int found = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		struct bucket **at = &ix->head[b][band_of(fp, b)];
		struct bucket *k = *at;
		/* Evictions take the oldest entries: look from the front. The
		 * rest keep their order, which queries answer in. */
		for (uint32_t i = 0; k && i < k->n; i++) {
			if (k->v[i].fp == fp && k->v[i].value == value) {
				memmove(&k->v[i], &k->v[i + 1], (k->n - i - 1) * sizeof k->v[0]);
				if (--k->n == 0) {
					block_free(ix, k);
					*at = NULL;
				}
				found = 1;
				break;
			}
		}
	}
	if (found)
		ix->size--;
}

size_t simhash_index_query(const struct simhash_index *ix, uint64_t fp, unsigned max_dist,
                           uint32_t *out, unsigned *dist, size_t max)
{
	const struct bucket *bk[SIMHASH_BANDS];
	for (unsigned b = 0; b < SIMHASH_BANDS; b++)
		bk[b] = ix->head[b][band_of(fp, b)];
	for (unsigned b = 0; b < SIMHASH_BANDS; b++)
		if (bk[b])
			__builtin_prefetch(bk[b]);
	size_t n = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS && n < max; b++) {
		const struct bucket *k = bk[b];
		for (uint32_t i = k ? k->n : 0; i > 0 && n < max; i--) {
			const struct entry *x = &k->v[i - 1];
			unsigned d = simhash_distance(fp, x->fp);
			if (d > max_dist)
				continue;
			/* An entry sharing an earlier band with fp was found there
			 * (a value is held under one fingerprint). */
			unsigned e = 0;
			while (e < b && band_of(x->fp, e) != band_of(fp, e))
				e++;
			if (e < b)
				continue;
			if (dist)
				dist[n] = d;
			out[n++] = x->value;
		}
	}
	return n;
}

size_t simhash_index_size(const struct simhash_index *ix)
{
	return ix->size;
}
