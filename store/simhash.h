/* store/simhash.h - 64-bit simhash fingerprints and a band index to find
 * fingerprints within a small Hamming distance.
 *
 * A fingerprint is the simhash (Charikar) of the word shingles of a text:
 * each shingle is hashed with XXH3 and votes on every bit; the bit is set
 * where most shingles have it set. Texts sharing most shingles get
 * fingerprints a few bits apart. The vote is counted eight bits at a time
 * through a 256-entry table of packed byte counters (PERFORMANCE.md
 * finding 5: 2.6x the bit-by-bit loop).
 *
 * The band index cuts each fingerprint into SIMHASH_BANDS bands of
 * 64/SIMHASH_BANDS bits; two fingerprints within SIMHASH_BANDS-1 bits
 * share at least one band exactly (pigeonhole), and farther ones often
 * still do. The index owns its buckets; values are the caller's (e.g. a
 * post's slot), each held under one fingerprint at a time (add a value
 * again only after removing it), and the caller removes what it evicts. */
#ifndef RP_STORE_SIMHASH_H
#define RP_STORE_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIMHASH_BANDS 4

/* The simhash of the k-token shingles of the n token hashes tok (k >= 1);
 * fewer than k tokens give one shingle of all of them; n == 0 gives 0. */
uint64_t simhash_tokens(const uint64_t *tok, size_t n, size_t k);
/* The simhash of n precomputed feature hashes (each votes once). */
uint64_t simhash_features(const uint64_t *h, size_t n);

/* Bits that differ. Counted in registers (SWAR): without -mpopcnt, which
 * the build cannot assume, __builtin_popcountll is a call into libgcc's
 * table walk, and this runs 3 million times per 100k posts. */
static inline unsigned simhash_distance(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

struct simhash_index;

struct simhash_index *simhash_index_new(void);      /* never NULL */
void simhash_index_free(struct simhash_index *ix);  /* NULL is a no-op */
void simhash_index_add(struct simhash_index *ix, uint64_t fp, uint32_t value);
/* Remove one (fp, value) entry; nothing when absent. */
void simhash_index_remove(struct simhash_index *ix, uint64_t fp, uint32_t value);
/* Write to out (at most max) the distinct values whose fingerprint shares
 * a band with fp and lies within max_dist bits of it, and to dist (when
 * not NULL) their distances; returns the number written. The order is
 * fixed (the engine's tie-breaks depend on it): band by band, each band's
 * entries newest first. */
size_t simhash_index_query(const struct simhash_index *ix, uint64_t fp, unsigned max_dist,
                           uint32_t *out, unsigned *dist, size_t max);
size_t simhash_index_size(const struct simhash_index *ix); /* entries held */

#endif
