/* tagger/hashtag.c - hashtag extraction (see hashtag.h). */
#include "tagger/hashtag.h"

#include <string.h>

#include <utf8proc.h>

#include "core/limits.h"
#include "core/utf8.h"

/* ASCII classes: 1 letter/underscore, 2 digit, 0 other. */
static const unsigned char ascii_class[128] = {
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
	['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
	['_'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* 1 for the bytes hashtag_extract must look at: '#', the first letters
 * of "http", "www." (any case) and every non-ASCII byte (U+FF03, the
 * full-width '#', and the letters that decide prev). */
#define ONES16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char tag_start_byte[256] = {
	['#'] = 1, ['h'] = 1, ['H'] = 1, ['w'] = 1, ['W'] = 1,
	[0x80] = ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16,
};
#undef ONES16

/* 0 not a word character, 1 letter or underscore, 2 digit, 3 a mark
 * (joins a word but is no letter: "#" U+FE0F U+20E3, the keycap emoji,
 * is not a tag). */
static int cp_class(int32_t cp)
{
	if (cp < 0)
		return 0;
	if (cp < 128)
		return ascii_class[cp];
	if (utf8_is_digit(cp))
		return 2;
	if (!utf8_is_letter(cp))
		return 0;
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	       c == UTF8PROC_CATEGORY_ME ? 3 : 1;
}

bool hashtag_is_word_cp(int32_t cp)
{
	return cp_class(cp) != 0;
}

/* "http://", "https://" or "www." at p, any case. */
static bool starts_url(const char *p, const char *end)
{
	size_t left = (size_t)(end - p);
	unsigned char c1 = left > 1 ? (unsigned char)p[1] | 0x20 : 0;
	if ((*p | 0x20) == 'w')
		return c1 == 'w' && left >= 4 && ((unsigned char)p[2] | 0x20) == 'w' && p[3] == '.';
	if (c1 != 't')
		return false;
	return (left >= 7 && strncasecmp(p, "http://", 7) == 0) ||
	       (left >= 8 && strncasecmp(p, "https://", 8) == 0);
}

/* Scan a tag body starting at p; returns its end, and sets *letters when
 * a non-digit word character was seen. */
static const char *scan_body(const char *p, const char *end, bool *letters)
{
	*letters = false;
	while (p < end) {
		const char *q = p;
		int c = cp_class(utf8_decode(&q, end));
		if (!c)
			break;
		if (c == 1)
			*letters = true;
		p = q;
	}
	return p;
}

size_t hashtag_extract(const char *s, size_t n, struct hashtag_span *out, size_t max)
{
	/* No '#' and no full-width one (EF BC 83): no tag. */
	if (!memchr(s, '#', n) && !memmem(s, n, "\xEF\xBC\x83", 3))
		return 0;
	const char *p = s, *end = s + n;
	size_t got = 0;
	int32_t prev = ' ';   /* the character before p; start of text acts as a space */

	while (p < end && got < max) {
		/* Most bytes start neither a tag nor a URL: step over the run
		 * of them; prev is then the last one. */
		const char *run = p;
		while (p < end && !tag_start_byte[(unsigned char)*p])
			p++;
		if (p != run)
			prev = (unsigned char)p[-1];
		if (p >= end)
			break;
		unsigned char b = (unsigned char)*p;
		/* Skip whole URLs (to the next space) when one starts a word. */
		if ((b == 'h' || b == 'H' || b == 'w' || b == 'W') && !hashtag_is_word_cp(prev) &&
		    starts_url(p, end)) {
			while (p < end && !(*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
				p++;
			prev = ' ';
			continue;
		}
		int32_t cp = utf8_decode(&p, end);
		if ((cp == '#' || cp == 0xFF03) && !hashtag_is_word_cp(prev) && prev != '/' &&
		    prev != ')') {
			bool letters;
			const char *body_end = scan_body(p, end, &letters);
			size_t len = (size_t)(body_end - p);
			if (len > 0 && letters && len <= RP_TAG_MAX_BYTES) {
				out[got].off = (size_t)(p - s);
				out[got].len = len;
				got++;
			}
			if (len > 0) {
				p = body_end;
				/* the last character of the body is a word character */
				prev = 'a';
				continue;
			}
		}
		prev = cp;
	}
	return got;
}

bool hashtag_is_valid(const char *s, size_t n)
{
	if (n == 0 || n > RP_TAG_MAX_BYTES)
		return false;
	bool letters;
	const char *end = scan_body(s, s + n, &letters);
	return end == s + n && letters;
}
