/* tests/cluster/test-simhash.c - store/simhash.c: the table accumulator
 * against the textbook bit loop, distances, and the band index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"
#include "store/simhash.h"

static uint64_t rng_state = 0x2012;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Charikar's simhash, one bit at a time: the reference. */
static uint64_t reference(const uint64_t *h, size_t n)
{
	if (n == 0)
		return 0;
	long v[64] = {0};
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 64; b++)
			v[b] += (h[i] >> b) & 1 ? 1 : -1;
	uint64_t fp = 0;
	for (int b = 0; b < 64; b++)
		if (v[b] > 0)
			fp |= (uint64_t)1 << b;
	return fp;
}

/* Sizes around the 255-vote flush of the packed counters. */
static void test_matches_reference(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 17, 254, 255, 256, 511, 1000, 5000};
	static uint64_t h[5000];
	int failed = 0;
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		for (int round = 0; round < 20; round++) {
			for (size_t i = 0; i < sizes[s]; i++)
				h[i] = rnd();
			uint64_t want = reference(h, sizes[s]);
			uint64_t got = simhash_features(h, sizes[s]);
			if (want != got) {
				printf("# n=%zu round %d: %016llx want %016llx\n", sizes[s], round,
				       (unsigned long long)got, (unsigned long long)want);
				failed++;
			}
		}
	}
	assert_int_equal(failed, 0);
}

static void words(const char *s, uint64_t *out, size_t *n)
{
	*n = 0;
	while (*s) {
		size_t k = strcspn(s, " ");
		out[(*n)++] = hash64(s, k);
		s += k;
		while (*s == ' ')
			s++;
	}
}

static void test_distances(void **state)
{
	(void)state;
	const char *a = "the internet governance forum opens in baku with sixteen hundred participants from one hundred and twenty eight countries under the theme of sustainable development";
	const char *b = "the internet governance forum opened in baku with sixteen hundred participants from one hundred and twenty eight countries under the theme of sustainable development";
	const char *c = "lunch is served in hall b and the azerbaijani plov is very good according to everyone who tried it today at the venue near the sea";
	uint64_t ha[64], hb[64], hc[64];
	size_t na, nb, nc;
	words(a, ha, &na);
	words(b, hb, &nb);
	words(c, hc, &nc);
	uint64_t fa = simhash_tokens(ha, na, 2), fb = simhash_tokens(hb, nb, 2),
	         fc = simhash_tokens(hc, nc, 2);
	assert_int_equal(simhash_distance(fa, fa), 0);
	printf("# near %u far %u\n", simhash_distance(fa, fb), simhash_distance(fa, fc));
	assert_true(simhash_distance(fa, fb) < 16);
	assert_true(simhash_distance(fa, fc) > 16);
	assert_int_equal(simhash_tokens(ha, 0, 2), 0);
	/* Fewer tokens than k: one shingle of all of them, not nothing. */
	assert_true(simhash_tokens(ha, 1, 3) != 0);
}

/* A new index holding n random fingerprints, fps[i] with value i; the
 * bits of set are set in each and only the bits of keep are random. */
static struct simhash_index *index_filled(uint64_t *fps, uint32_t n, uint64_t keep, uint64_t set)
{
	struct simhash_index *ix = simhash_index_new();
	for (uint32_t i = 0; i < n; i++) {
		fps[i] = (rnd() & keep) | set;
		simhash_index_add(ix, fps[i], i);
	}
	return ix;
}

static void test_index(void **state)
{
	(void)state;
	enum { N = 20000 };
	static uint64_t fps[N];
	struct simhash_index *ix = index_filled(fps, N, ~(uint64_t)0, 0);
	assert_int_equal(simhash_index_size(ix), N);
	uint32_t out[64];
	unsigned dist[64];
	int failed = 0;
	/* Up to SIMHASH_BANDS-1 flipped bits anywhere: always found. */
	for (uint32_t i = 0; i < 500; i++) {
		uint64_t q = fps[i];
		unsigned flips = i % SIMHASH_BANDS;
		for (unsigned f = 0; f < flips; f++)
			q ^= (uint64_t)1 << (rnd() % 64);
		size_t n = simhash_index_query(ix, q, SIMHASH_BANDS - 1, out, dist, 64);
		int found = 0;
		for (size_t k = 0; k < n; k++)
			if (out[k] == i && dist[k] == simhash_distance(q, fps[i]))
				found = 1;
		if (!found) {
			printf("# entry %u with %u flips not found\n", i, flips);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
	/* Distances beyond max_dist are filtered out; values are distinct. */
	size_t n = simhash_index_query(ix, fps[7], 0, out, NULL, 64);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 7);
	simhash_index_remove(ix, fps[7], 7);
	assert_int_equal(simhash_index_query(ix, fps[7], 0, out, NULL, 64), 0);
	assert_int_equal(simhash_index_size(ix), N - 1);
	simhash_index_remove(ix, fps[7], 7);          /* absent: nothing */
	assert_int_equal(simhash_index_size(ix), N - 1);
	simhash_index_free(ix);
	simhash_index_free(NULL);
}

/* The order of a query's answer decides the engine's ties, so it is
 * checked against the definition: band by band, the entries of the band
 * newest first, each value once, at most max. Fingerprints share a few
 * band values so that buckets hold many entries; entries come and go. */
enum { REF_N = 3000 };
static struct { uint64_t fp; uint32_t value; } ref[REF_N];
static size_t ref_n;

static size_t ref_query(uint64_t fp, unsigned max_dist, uint32_t *out, unsigned *dist, size_t max)
{
	size_t n = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++) {
		unsigned shift = b * (64 / SIMHASH_BANDS);
		uint64_t mask = ((uint64_t)1 << (64 / SIMHASH_BANDS)) - 1;
		for (size_t i = ref_n; i > 0 && n < max; i--) {
			if (((ref[i - 1].fp ^ fp) >> shift & mask) != 0)
				continue;
			unsigned d = simhash_distance(fp, ref[i - 1].fp);
			size_t j = 0;
			while (j < n && out[j] != ref[i - 1].value)
				j++;
			if (d > max_dist || j < n)
				continue;
			dist[n] = d;
			out[n++] = ref[i - 1].value;
		}
	}
	return n;
}

static uint64_t clustered_fp(void)
{
	uint64_t fp = 0;
	for (unsigned b = 0; b < SIMHASH_BANDS; b++)
		fp |= (rnd() % 3) << (b * (64 / SIMHASH_BANDS));
	return fp ^ (rnd() & rnd() & 0x0f0f0f0f0f0f0f0full);
}

static void test_index_order(void **state)
{
	(void)state;
	struct simhash_index *ix = simhash_index_new();
	uint32_t got[40], want[40];
	unsigned gd[40], wd[40];
	int failed = 0;
	for (uint32_t v = 0; v < 20000; v++) {
		if (ref_n == REF_N || (ref_n > 0 && rnd() % 3 == 0)) {
			/* mostly the oldest, as the engine evicts, sometimes any */
			size_t i = rnd() % 4 ? 0 : rnd() % ref_n;
			simhash_index_remove(ix, ref[i].fp, ref[i].value);
			memmove(&ref[i], &ref[i + 1], (ref_n - i - 1) * sizeof ref[0]);
			ref_n--;
		}
		ref[ref_n].fp = clustered_fp();
		ref[ref_n].value = v;
		simhash_index_add(ix, ref[ref_n].fp, v);
		ref_n++;
		uint64_t q = clustered_fp();
		unsigned max_dist = (unsigned)(rnd() % 24);
		size_t max = 1 + rnd() % 40;
		size_t ng = simhash_index_query(ix, q, max_dist, got, gd, max);
		size_t nw = ref_query(q, max_dist, want, wd, max);
		if (ng != nw || memcmp(got, want, nw * sizeof *got) != 0 ||
		    memcmp(gd, wd, nw * sizeof *gd) != 0) {
			if (failed++ < 5)
				printf("# query %u: %zu values, want %zu\n", v, ng, nw);
		}
	}
	assert_int_equal(failed, 0);
	assert_int_equal(simhash_index_size(ix), ref_n);
	simhash_index_free(ix);
}

/* One band value shared by many fingerprints: a bucket grows past the
 * blocks kept in slabs, then empties again as its entries go. */
static void test_big_bucket(void **state)
{
	(void)state;
	enum { N = 9000 };
	static uint64_t fps[N];
	/* band 0 always 0x2012 */
	struct simhash_index *ix = index_filled(fps, N, ~(uint64_t)0xffff, 0x2012);
	uint32_t out[16];
	unsigned dist[16];
	for (uint32_t i = 0; i < N; i += 997) {
		size_t n = simhash_index_query(ix, fps[i], 0, out, dist, 16);
		assert_int_equal(n, 1);   /* the only one at distance 0 */
		assert_int_equal(out[0], i);
	}
	for (uint32_t i = 0; i < N; i++)
		simhash_index_remove(ix, fps[i], i);
	assert_int_equal(simhash_index_size(ix), 0);
	assert_int_equal(simhash_index_query(ix, fps[5], 64, out, dist, 16), 0);
	for (uint32_t i = 0; i < 100; i++)   /* blocks come back from the free lists */
		simhash_index_add(ix, fps[i], i);
	assert_int_equal(simhash_index_size(ix), 100);
	simhash_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_reference),
		cmocka_unit_test(test_distances),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_index_order),
		cmocka_unit_test(test_big_bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
