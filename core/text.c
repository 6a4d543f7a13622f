/* core/text.c - feed text normalisation (FEED_SCHEMA.md section 4).
 *
 * The rules are the oracle's html_to_text and collapse (tools/
 * feed_oracle.py) byte for byte, because the agreement score is measured
 * against it. This is on the feed parser's hot path, so:
 *  - tag stripping is one forward pass that appends to the caller's buf;
 *  - character references and whitespace are then handled in one second
 *    pass *in place* in that buf (no reference is shorter than its UTF-8:
 *    4-byte names like "&lt;" give at most 3 bytes, 4-byte characters need
 *    at least "&#65536;"), so no scratch buffer and no per-character
 *    allocation;
 *  - text without '<' skips the first pass, text without '&' the reference
 *    decoding.
 * References are decoded after tags are removed, as the oracle does, so
 * "&am<b></b>p;" is "&". */
#include "core/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Byte classes for the collapse/decode pass. */
enum { C_TEXT = 0, C_SPACE, C_C2, C_AMP };

static const unsigned char byte_class[256] = {
	['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
	['\r'] = C_SPACE, [' '] = C_SPACE, [0xC2] = C_C2, ['&'] = C_AMP,
};

/* Windows-1252 for 0x80..0x9F; 0 where cp1252 has no character, which the
 * oracle (Python's cp1252 codec) then leaves as the C1 control itself. */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int hex_value(unsigned char c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Parse the reference at s[0] == '&' exactly as the oracle's regex
 * &(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});
 * On success *cp is the code point to emit and the length is returned. */
static size_t parse_reference(const char *s, size_t n, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 1;
	if (n < 4)
		return 0;
	if (u[1] == '#') {
		int32_t v = 0;
		size_t start;
		if (u[2] == 'x' || u[2] == 'X') {
			start = i = 3;
			int h;
			while (i < n && i - start < 7 && (h = hex_value(u[i])) >= 0) {
				v = v * 16 + h;
				i++;
			}
			if (i == start || i - start > 6)
				return 0;
		} else {
			start = i = 2;
			while (i < n && i - start < 8 && ascii_is_digit(u[i])) {
				v = v * 10 + (u[i] - '0');
				i++;
			}
			if (i == start || i - start > 7)
				return 0;
		}
		if (i >= n || u[i] != ';')
			return 0;
		if (v >= 0x80 && v <= 0x9F)
			v = cp1252[v - 0x80] ? cp1252[v - 0x80] : v;
		else if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = UTF8_REPLACEMENT;
		*cp = v;
		return i + 1;
	}
	if (!ascii_is_alpha(u[1]))
		return 0;
	i = 2;
	while (i < n && i < 33 && (ascii_is_alpha(u[i]) || ascii_is_digit(u[i])))
		i++;
	if (i >= n || u[i] != ';')
		return 0;
	int32_t v = text_entity_lookup(s + 1, i - 1);
	if (v < 0)
		return 0; /* unknown names are left as written */
	*cp = v;
	return i + 1;
}

size_t text_decode_entity(struct buf *out, const char *s, size_t n)
{
	int32_t cp;
	size_t used = parse_reference(s, n, &cp);
	if (used) {
		char enc[4];
		buf_add(out, enc, utf8_encode(cp, enc));
	}
	return used;
}

/* The first index at or after i where src may hold a byte that is not
 * C_TEXT (n when none), for collapse; r is where collapse's run began.
 * With SSE2, sixteen bytes a step, and a lone ' ' (C_TEXT on both sides,
 * and not the first byte of the run) does not stop the scan: collapse
 * keeps it as it is. The bytes on either side of the block decide for
 * its first and last byte: when the edges counted as stops, a space
 * there (two blocks in seven of English text) cost a return to collapse
 * and back: deciding them took 174K of 5.3M simulated branch
 * mispredictions off the 10 MB Atom bench (cachegrind). (A byte-at-a-
 * time loop was 54M of 843M instructions on the 10 MB RSS bench.) May
 * stop early at a byte collapse then takes as text; never late. */
static size_t text_run_end(const char *src, size_t i, size_t n, size_t r)
{
#if defined(__SSE2__)
	const __m128i nine = _mm_set1_epi8(9), four = _mm_set1_epi8(4);
	const __m128i sp = _mm_set1_epi8(' '), c2 = _mm_set1_epi8((char)0xC2);
	const __m128i amp = _mm_set1_epi8('&');
	/* is the byte before the block one a space cannot be kept after? */
	unsigned before = i == r || byte_class[(unsigned char)src[i - 1]] != C_TEXT;
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
		__m128i ctl = _mm_sub_epi8(v, nine); /* 0..4 for \t \n \v \f \r */
		__m128i is_sp = _mm_cmpeq_epi8(v, sp);
		__m128i special = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(ctl, four), ctl), is_sp),
			_mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, amp)));
		unsigned m = (unsigned)_mm_movemask_epi8(special);
		unsigned after = i + 16 == n || byte_class[(unsigned char)src[i + 16]] != C_TEXT;
		unsigned left = (m << 1) | before, right = (m >> 1) | (after << 15);
		unsigned lone = (unsigned)_mm_movemask_epi8(is_sp) & ~left & ~right;
		unsigned stop = m & ~lone;
		if (stop)
			return i + (size_t)__builtin_ctz(stop);
		before = m >> 15;
		i += 16;
	}
#else
	(void)r;
#endif
	while (i < n && byte_class[(unsigned char)src[i]] == C_TEXT)
		i++;
	return i;
}

/* Collapse whitespace (U+0009-000D, U+0020, U+00A0) in src into dst and
 * trim, decoding references first when decode is set. dst may equal src:
 * the write position never passes the read position. Returns the bytes
 * written. */
static size_t collapse(char *dst, const char *src, size_t n, bool decode)
{
	size_t w = 0, r = 0;
	bool pending = false; /* whitespace seen since the last character */
	while (r < n) {
		/* The run of ordinary bytes starting at r. */
		size_t run = r;
		for (;;) {
			run = text_run_end(src, run, n, r);
			if (run >= n)
				break;
			unsigned char c = (unsigned char)src[run];
			if (c == 0xC2 && !(run + 1 < n && (unsigned char)src[run + 1] == 0xA0)) {
				run++;
				continue;
			}
			if (c == '&' && !decode) {
				run++;
				continue;
			}
			/* A lone ' ' between two text bytes collapses to itself:
			 * keep it in the run, so a sentence is one copy instead of
			 * one per word (collapse was 79M of 1,017M instructions on
			 * the 10 MB RSS bench, most of it memmove calls per word). */
			if (c == ' ' && run > r && run + 1 < n &&
			    byte_class[(unsigned char)src[run + 1]] == C_TEXT) {
				run += 2;
				continue;
			}
			break;
		}
		if (run > r) {
			if (pending && w > 0)
				dst[w++] = ' ';
			pending = false;
			if (dst + w != src + r)
				memmove(dst + w, src + r, run - r);
			w += run - r;
			r = run;
		}
		if (r >= n)
			break;
		unsigned char c = (unsigned char)src[r];
		if (c == '&') {
			int32_t cp;
			size_t used = parse_reference(src + r, n - r, &cp);
			if (!used) {
				if (pending && w > 0)
					dst[w++] = ' ';
				pending = false;
				dst[w++] = '&';
				r++;
				continue;
			}
			r += used;
			if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0) {
				pending = true;
				continue;
			}
			if (pending && w > 0)
				dst[w++] = ' ';
			pending = false;
			w += utf8_encode(cp, dst + w);
			continue;
		}
		/* whitespace: one ASCII byte or C2 A0 */
		r += (c == 0xC2) ? 2 : 1;
		pending = true;
	}
	return w;
}

void text_plain(struct buf *out, const char *s, size_t n)
{
	buf_reserve(out, n);
	out->len += collapse(out->data + out->len, s, n, false);
	out->data[out->len] = '\0';
}

static size_t py_space_len(const unsigned char *p, const unsigned char *end)
{
	return utf8_space_len((const char *)p, (const char *)end);
}

/* Does the attribute text a..b, with trailing Python whitespace removed,
 * end in '/'? (A self-closing <script/> has no content to drop.) */
static bool ends_with_slash(const unsigned char *a, const unsigned char *b)
{
	while (b > a) {
		/* Step back over one whitespace character, if the text ends in one. */
		size_t k;
		bool stripped = false;
		for (k = 1; k <= 3 && k <= (size_t)(b - a); k++) {
			if (py_space_len(b - k, b) == k) {
				b -= k;
				stripped = true;
				break;
			}
		}
		if (!stripped)
			break;
	}
	return b > a && b[-1] == '/';
}

static bool is_name_char(unsigned char c)
{
	return ascii_is_alpha(c) || ascii_is_digit(c) || c == ':' || c == '_' || c == '.' || c == '-';
}

/* The block elements of FEED_SCHEMA.md section 4 step 4, by first
 * letter. Every tag goes through here, so the name is lowercased once
 * and compared with the few names of its letter only (a linear scan of
 * all cost 70% of the time once; bsearch with a strcmp callback still
 * 10M more of 843M instructions on the 10 MB RSS bench, where every <p>
 * and <a> asks). Names are zero-padded to TAG_NAME_BUF bytes and
 * compared whole, which the compiler does without a call: a strcmp
 * call per candidate was 136K calls on the 10 MB Atom bench, most of
 * the 3.6% of its run time in strcmp (perf). */
#define TAG_NAME_MAX 10 /* "blockquote", "figcaption": longer names are neither block nor raw */
#define TAG_NAME_BUF 16 /* a lowercased name, zero-padded */

static const char block_elements[26][8][TAG_NAME_BUF] = {
	['a' - 'a'] = { "address", "article", "aside" },
	['b' - 'a'] = { "blockquote", "br" },
	['c' - 'a'] = { "caption" },
	['d' - 'a'] = { "dd", "details", "div", "dl", "dt" },
	['f' - 'a'] = { "fieldset", "figcaption", "figure", "footer", "form" },
	['h' - 'a'] = { "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr" },
	['l' - 'a'] = { "li" },
	['m' - 'a'] = { "main" },
	['n' - 'a'] = { "nav" },
	['o' - 'a'] = { "ol" },
	['p' - 'a'] = { "p", "pre" },
	['s' - 'a'] = { "section", "summary" },
	['t' - 'a'] = { "table", "tbody", "td", "tfoot", "th", "thead", "tr" },
	['u' - 'a'] = { "ul" },
};

/* Lowercase name into out (TAG_NAME_BUF bytes, zeroed by the caller);
 * false when too long. */
static bool lower_name(const unsigned char *name, size_t len, char *out)
{
	if (len > TAG_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(name[i] | 0x20); /* name chars: letters, digits, ":_.-" */
	return true;
}

static bool is_block(const char lower[TAG_NAME_BUF])
{
	unsigned c = (unsigned char)lower[0] - 'a';
	if (c >= 26)
		return false;
	for (size_t i = 0; i < 8 && block_elements[c][i][0]; i++)
		if (!memcmp(lower, block_elements[c][i], TAG_NAME_BUF))
			return true;
	return false;
}

/* Is lower script, style or applet, whose content is dropped? */
static bool is_raw(const char lower[TAG_NAME_BUF])
{
	static const char raw[3][TAG_NAME_BUF] = { "script", "style", "applet" };
	return !memcmp(lower, raw[0], TAG_NAME_BUF) || !memcmp(lower, raw[1], TAG_NAME_BUF) ||
	       !memcmp(lower, raw[2], TAG_NAME_BUF);
}

/* Does the character at p match the lowercase ASCII letter c as Python's
 * re.IGNORECASE matches it? Returns its length, 0 if not. Besides ASCII
 * case, Python folds U+017F (long s) with 's' and U+0130, U+0131 (dotted
 * capital I, dotless i) with 'i', so "</ſcript>" ends a script there. */
static size_t fold_match(const unsigned char *p, const unsigned char *end, unsigned char c)
{
	if (p >= end)
		return 0;
	if ((*p | 0x20) == c && ascii_is_alpha(*p))
		return 1;
	if (end - p >= 2 && p[0] == 0xC5 && p[1] == 0xBF && c == 's')
		return 2;
	if (end - p >= 2 && p[0] == 0xC4 && (p[1] == 0xB0 || p[1] == 0xB1) && c == 'i')
		return 2;
	return 0;
}

/* The end of the first `</name\s*>` (name case-insensitive) at or after
 * p, or end when there is none. */
static const unsigned char *skip_raw_element(const unsigned char *p, const unsigned char *end,
                                             const unsigned char *name, size_t len)
{
	while (p < end) {
		const unsigned char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			return end;
		p = lt + 1;
		if ((size_t)(end - p) < len + 2 || p[0] != '/')
			continue;
		const unsigned char *q = p + 1;
		size_t i;
		for (i = 0; i < len; i++) {
			size_t k = fold_match(q, end, name[i] | 0x20);
			if (!k)
				break;
			q += k;
		}
		if (i < len)
			continue;
		size_t sp;
		while ((sp = py_space_len(q, end)) > 0)
			q += sp;
		if (q < end && *q == '>')
			return q + 1;
	}
	return end;
}

/* The bitmap of positions j from which a tag's attribute scan (outside
 * quotes: up to '>', jumping over quoted values) runs off the end without
 * finding '>'. One right-to-left pass. Without it "<a '>' <a '>' ..."
 * rescans to the end from every '<' (quadratic; the oracle's regex is). */
static unsigned char *tag_fail_map(const unsigned char *s, size_t n)
{
	unsigned char *fail = rp_calloc(n / 8 + 1, 1);
	size_t next_sq = SIZE_MAX, next_dq = SIZE_MAX; /* next quote of each kind after j */
#define FAILS(j) ((j) >= n || (fail[(j) / 8] >> ((j) % 8) & 1))
	for (size_t j = n; j-- > 0;) {
		bool f;
		if (s[j] == '>') {
			f = false;
		} else if (s[j] == '\'' || s[j] == '"') {
			size_t close = s[j] == '\'' ? next_sq : next_dq;
			f = close == SIZE_MAX || FAILS(close + 1);
		} else {
			f = FAILS(j + 1);
		}
		if (f)
			fail[j / 8] |= (unsigned char)(1u << (j % 8));
		if (s[j] == '\'')
			next_sq = j;
		else if (s[j] == '"')
			next_dq = j;
	}
#undef FAILS
	return fail;
}

/* Copy s[0..n) up to the first '<' to d; returns the bytes copied (n
 * when there is no '<'), and sets *amp when they hold a '&' (so that
 * collapse knows whether to decode without a memchr over the text).
 * The text between tags is copied as it is scanned, sixteen bytes a
 * store (a memchr and then a memcpy call per piece: this took 290K of
 * 5.6M simulated branch mispredictions off the 10 MB Atom bench,
 * cachegrind --branch-sim=yes). A store covers bytes past the '<' too,
 * which the caller overwrites or leaves past its end: d must have room
 * for n bytes. */
static size_t copy_to_lt(char *d, const unsigned char *s, size_t n, bool *amp)
{
	size_t i = 0;
	unsigned seen = 0;
#if defined(__SSE2__)
	const __m128i lt = _mm_set1_epi8('<'), am = _mm_set1_epi8('&');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		_mm_storeu_si128((__m128i *)(void *)(d + i), v);
		unsigned a = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, am));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lt));
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*amp |= (seen | (a & ((1u << k) - 1))) != 0;
			return i + k;
		}
		seen |= a;
	}
#endif
	for (; i < n && s[i] != '<'; i++) {
		d[i] = (char)s[i];
		seen |= s[i] == '&';
	}
	*amp |= seen != 0;
	return i;
}

/* Steps 1-4: append s without comments, declarations, processing
 * instructions, script/style/applet elements and tags; block tags become
 * one space. *amp is set when what was appended holds a '&'. */
static void strip_tags(struct buf *out, const char *s, size_t n, bool *amp)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	/* Made on the first tag that does not close; NULL until then. */
	unsigned char *fail = NULL;

	/* Nothing below writes more bytes than it has read (a tag gives one
	 * space at most), so d stays within n bytes of where it began, as
	 * copy_to_lt needs. */
	buf_reserve(out, n);
	char *d = out->data + out->len;
	while (p < end) {
		size_t plain = copy_to_lt(d, p, (size_t)(end - p), amp);
		d += plain;
		p += plain;
		if (p == end)
			break;
		size_t left = (size_t)(end - p);

		if (left >= 4 && p[1] == '!' && p[2] == '-' && p[3] == '-') {
			/* The oracle searches for "-->" from after "<!--". */
			const unsigned char *k = memmem(p + 4, left - 4, "-->", 3);
			p = k ? k + 3 : end;
			continue;
		}
		if (left >= 2 && (p[1] == '!' || p[1] == '?')) {
			const unsigned char *k = memchr(p + 2, '>', left - 2);
			p = k ? k + 1 : end;
			continue;
		}

		/* A tag: "<" "/"? letter namechar* then up to '>' outside quotes. */
		const unsigned char *q = p + 1;
		bool closing = false;
		if (q < end && *q == '/') {
			closing = true;
			q++;
		}
		if (q >= end || !ascii_is_alpha(*q))
			goto not_a_tag;
		const unsigned char *name = q;
		while (q < end && is_name_char(*q))
			q++;
		size_t name_len = (size_t)(q - name);
		const unsigned char *attrs = q;
		size_t at = (size_t)(attrs - (const unsigned char *)s);
		if (fail && (at >= n || (fail[at / 8] >> (at % 8) & 1)))
			goto not_a_tag;
		while (q < end && *q != '>') {
			if (*q == '"' || *q == '\'') {
				const unsigned char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
				if (!close)
					break;
				q = close + 1;
			} else {
				q++;
			}
		}
		if (q >= end || *q != '>') {
			if (!fail)
				fail = tag_fail_map((const unsigned char *)s, n);
			goto not_a_tag;
		}
		const unsigned char *attrs_end = q;
		p = q + 1;
		char lname[TAG_NAME_BUF] = { 0 };
		if (!lower_name(name, name_len, lname))
			continue;
		if (!closing && is_raw(lname) && !ends_with_slash(attrs, attrs_end)) {
			p = skip_raw_element(p, end, name, name_len);
			continue;
		}
		if (is_block(lname))
			*d++ = ' ';
		continue;
not_a_tag:
		*d++ = '<';
		p++;
	}
	rp_free(fail);
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
}

void text_from_html(struct buf *out, const char *s, size_t n)
{
	if (!memchr(s, '<', n)) {
		buf_reserve(out, n);
		out->len += collapse(out->data + out->len, s, n, memchr(s, '&', n) != NULL);
		out->data[out->len] = '\0';
		return;
	}
	size_t start = out->len;
	bool amp = false;
	strip_tags(out, s, n, &amp);
	char *t = out->data + start;
	size_t tn = out->len - start;
	out->len = start + collapse(t, t, tn, amp);
	out->data[out->len] = '\0';
}
