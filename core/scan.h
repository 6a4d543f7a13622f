/* core/scan.h - the first byte of a small set in a span of bytes.
 *
 * Feed text is mostly plain ASCII, and the parser's hot loops (UTF-8
 * validation, JSON string output, markup repair) each want the first byte
 * that needs a closer look. One scanner serves them all: sixteen bytes a
 * step with SSE2 (baseline on x86-64), a byte at a time elsewhere. The
 * set is given by constants, so the inlined code keeps only the tests a
 * caller asks for. Nothing is owned; s is only read. */
#ifndef RP_SCAN_H
#define RP_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SCAN_NO_BYTE (-1) /* for a or b of scan_find: no such byte */

static inline bool scan_hit(unsigned char c, unsigned below, bool high, int a, int b)
{
	return c < below || (high && c >= 0x80) || c == a || c == b;
}

#if defined(__SSE2__)
/* A bit per byte of v that scan_hit would take (for a caller that
 * also stores v, as feed_json.c's put_str). */
static inline unsigned scan_mask_v(__m128i v, unsigned below, bool high, int a, int b)
{
	__m128i hit = _mm_setzero_si128();
	if (below) /* v <= below - 1, unsigned */
		hit = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8((char)(below - 1))), v);
	if (a >= 0)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)a)));
	if (b >= 0)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)b)));
	unsigned m = (unsigned)_mm_movemask_epi8(hit);
	if (high)
		m |= (unsigned)_mm_movemask_epi8(v);
	return m;
}

/* A bit per byte of the sixteen at p that scan_hit would take. */
static inline unsigned scan_mask16(const char *p, unsigned below, bool high, int a, int b)
{
	return scan_mask_v(_mm_loadu_si128((const __m128i *)(const void *)p), below, high, a, b);
}
#endif

/* The index of the first byte c of s[0..n) with c < below (0: no such
 * test), c >= 0x80 when high, c == a or c == b (SCAN_NO_BYTE: no such
 * test); n when there is none. */
static inline size_t scan_find(const char *s, size_t n, unsigned below, bool high, int a, int b)
{
	size_t i = 0;
#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = scan_mask16(s + i, below, high, a, b);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i != n && n >= 16) {
		/* the last block overlaps bytes already found clean */
		unsigned m = scan_mask16(s + n - 16, below, high, a, b);
		return m ? n - 16 + (size_t)__builtin_ctz(m) : n;
	}
#endif
	while (i < n && !scan_hit((unsigned char)s[i], below, high, a, b))
		i++;
	return i;
}

#endif
