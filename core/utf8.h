/* core/utf8.h - UTF-8 validation, repair, matching forms and safe cuts.
 *
 * Every string that enters a post passes utf8_repair: invalid bytes become
 * U+FFFD, so nothing is dropped silently and everything after is valid
 * UTF-8. Matching (tags, keywords, dedupe) compares utf8_fold forms:
 * NFKC + Unicode case folding (utf8proc), so #IGF2012, #igf2012 and the
 * full-width forms are one. */
#ifndef RP_UTF8_H
#define RP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define UTF8_REPLACEMENT 0xFFFD

/* Decode one code point at *p (p < end), advancing *p by its length.
 * Invalid or truncated sequences, overlongs, surrogates and values past
 * U+10FFFF give -1 and advance *p by exactly one byte. */
int32_t utf8_decode(const char **p, const char *end);
/* Encode cp (0..0x10FFFF, not a surrogate) into out; returns bytes (1-4),
 * 0 when cp is not encodable. */
size_t utf8_encode(int32_t cp, char out[4]);

bool utf8_is_valid(const char *s, size_t n);

/* utf8_is_valid of a text seen in pieces, in order, cut anywhere (a
 * character may be split between two): init, add each piece, then end
 * gives the verdict on the whole. The struct holds the few bytes of a
 * character cut short; nothing else is kept. */
struct utf8_stream {
	char carry[4];      /* the last piece's tail from its last lead byte */
	size_t n_carry;
	bool bad;           /* found invalid: the rest is not looked at */
};
void utf8_stream_init(struct utf8_stream *st);
void utf8_stream_add(struct utf8_stream *st, const char *p, size_t n);
bool utf8_stream_end(struct utf8_stream *st);
/* Append s (n bytes) to out with every invalid byte replaced by U+FFFD.
 * NUL bytes are replaced too (a C string cannot carry them). Returns the
 * number of replacements made. */
size_t utf8_repair(struct buf *out, const char *s, size_t n);

/* The longest prefix of s (n bytes, valid UTF-8) that is at most max bytes
 * and does not cut a character: the length to keep. */
size_t utf8_truncate(const char *s, size_t n, size_t max);

/* Append the matching form of s (n bytes): NFKC, Unicode case folding,
 * default-ignorable code points removed. Invalid bytes are treated as by
 * utf8_repair. Most characters are folded from a table (utf8.c says
 * when that is exact); thread-safe. */
void utf8_fold(struct buf *out, const char *s, size_t n);
/* The same by utf8proc on the whole text: the definition utf8_fold is
 * tested against, slower. */
void utf8_fold_reference(struct buf *out, const char *s, size_t n);

/* Unicode character classes used for hashtags and word boundaries. */
bool utf8_is_letter(int32_t cp);     /* general category L* or M* (marks join words) */
bool utf8_is_digit(int32_t cp);      /* general category Nd */
bool utf8_is_space(int32_t cp);      /* Zs, Zl, Zp, or ASCII whitespace */
/* The byte length of the whitespace character at p (p < end), 0 when
 * there is none. Whitespace is Python's str.isspace() set (ASCII
 * U+0009-000D, U+001C-001F, U+0020, U+0085, U+00A0, U+1680, U+2000-200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000): the oracle's split() and strip()
 * use it, and text and date parsing must cut where it cuts.
 * Inline for ASCII: the date and text readers ask for every byte, and the
 * call was 17M of 881M instructions on the 10 MB RSS bench. */
size_t utf8_space_len_wide(const char *p, const char *end); /* the non-ASCII part */

static inline size_t utf8_space_len(const char *p, const char *end)
{
	if (p >= end)
		return 0;
	unsigned c = (unsigned char)*p;
	if (c >= 0x80)
		return utf8_space_len_wide(p, end);
	return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

/* Characters never allowed in a stored tag or suggestion: C0/C1 controls,
 * bidi overrides and isolates (U+202A-202E, U+2066-2069), zero-width
 * characters (U+200B-200F, U+2060, U+FEFF). */
bool utf8_is_forbidden_in_tag(int32_t cp);

#endif
