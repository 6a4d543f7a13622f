/* core/utf8.c - UTF-8 validation, repair, matching forms and safe cuts.
 *
 * The decoder is strict (RFC 3629): no overlongs, no surrogates, nothing
 * past U+10FFFF, so "valid" here means what every other tool means by it.
 * Folding is utf8proc's NFKC + case folding + default-ignorable removal;
 * it runs on every post the tagger and the dedupe engine see, so most
 * characters are folded from a table and only the rare awkward piece
 * reaches utf8proc (see utf8_fold). */
#include "core/utf8.h"

#include <pthread.h>
#include <string.h>

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/scan.h"

static const char replacement[3] = {'\xEF', '\xBF', '\xBD'};

int32_t utf8_decode(const char **pp, const char *end)
{
	const unsigned char *p = (const unsigned char *)*pp;
	const unsigned char *e = (const unsigned char *)end;
	unsigned c = p[0];
	int32_t cp;
	size_t len;

	if (c < 0x80) {
		*pp += 1;
		return (int32_t)c;
	}
	/* Lead bytes C0, C1 and F5..FF can only start overlongs or values past
	 * U+10FFFF; the second-byte ranges below exclude the rest (E0 80..9F
	 * overlong, ED A0..BF surrogates, F0 80..8F overlong, F4 90.. > 10FFFF). */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = (int32_t)(c & 0x1F);
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = (int32_t)(c & 0x0F);
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = (int32_t)(c & 0x07);
	} else {
		goto bad;
	}
	if ((size_t)(e - p) < len)
		goto bad;
	unsigned lo = 0x80, hi = 0xBF;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (int32_t)(p[i] & 0x3F);
	}
	*pp += len;
	return cp;
bad:
	*pp += 1;
	return -1;
}

size_t utf8_encode(int32_t cp, char out[4])
{
	if (cp < 0)
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* Length of the leading run of ASCII bytes other than NUL: feed text is
 * mostly ASCII and this is on the parser's hot path. */
static size_t ascii_prefix(const char *s, size_t n)
{
	return scan_find(s, n, 1, true, SCAN_NO_BYTE, SCAN_NO_BYTE);
}

/* Length of the leading run of ASCII bytes (NUL included), for
 * utf8_is_valid. A whole document goes through here before it is
 * parsed, so with SSE2 sixty-four bytes are tested a step with one
 * branch: with scan_find (sixteen bytes and a NUL test a step) the
 * 10 MB Atom bench took 8.0M instructions here, now 3.4M (callgrind). */
static size_t ascii_run(const char *s, size_t n)
{
	size_t i = 0;
#if defined(__SSE2__)
	for (; i + 64 <= n; i += 64) {
		const __m128i *v = (const __m128i *)(const void *)(s + i);
		__m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
		                           _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
		if (_mm_movemask_epi8(any))
			break;
	}
#endif
	return i + scan_find(s + i, n - i, 0, true, SCAN_NO_BYTE, SCAN_NO_BYTE);
}

bool utf8_is_valid(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		/* NUL is valid UTF-8 (only repair refuses it): no stop for it */
		p += ascii_run(p, (size_t)(end - p));
		if (p >= end)
			break;
		if (utf8_decode(&p, end) < 0)
			return false;
	}
	return true;
}

static bool continues(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

void utf8_stream_init(struct utf8_stream *st)
{
	st->n_carry = 0;
	st->bad = false;
}

/* A cut before a byte that does not continue a character leaves every
 * verdict as it was: a character begun before it ends there (or is
 * invalid either way). So each piece is checked up to its last lead
 * byte, and the bytes from there (at most 4) wait for the next. */
void utf8_stream_add(struct utf8_stream *st, const char *p, size_t n)
{
	if (st->bad)
		return;
	size_t i = 0;
	if (st->n_carry) {
		while (i < n && st->n_carry < 4 && continues(p[i]))
			st->carry[st->n_carry++] = p[i++];
		if (i == n && st->n_carry < 4)
			return;   /* the character may go on in the next piece */
		if (!utf8_is_valid(st->carry, st->n_carry)) {
			st->bad = true;
			return;
		}
		st->n_carry = 0;
	}
	if (i == n)
		return;
	/* the last byte that does not continue a character, 4 back at most */
	size_t last = n;
	for (int back = 0; back < 4 && last > i; back++)
		if (!continues(p[--last]))
			break;
	if (continues(p[last]) || (unsigned char)p[last] < 0x80) {
		/* no lead byte to wait on: all of it now (stray continuation
		 * bytes are invalid wherever the cut) */
		st->bad = !utf8_is_valid(p + i, n - i);
		return;
	}
	if (!utf8_is_valid(p + i, last - i)) {
		st->bad = true;
		return;
	}
	memcpy(st->carry, p + last, n - last);
	st->n_carry = n - last;
}

bool utf8_stream_end(struct utf8_stream *st)
{
	if (!st->bad && st->n_carry)
		st->bad = !utf8_is_valid(st->carry, st->n_carry);
	st->n_carry = 0;
	return !st->bad;
}

size_t utf8_repair(struct buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t fixes = 0;
	buf_reserve(out, n);
	while (p < end) {
		const char *run = p;
		/* Copy the longest valid run in one go. */
		for (;;) {
			p += ascii_prefix(p, (size_t)(end - p));
			if (p >= end || *p == '\0')
				break;
			const char *q = p;
			if (utf8_decode(&q, end) < 0)
				break;
			p = q;
		}
		buf_add(out, run, (size_t)(p - run));
		if (p < end) {
			buf_add(out, replacement, sizeof replacement);
			fixes++;
			p++;
		}
	}
	if (!out->data)
		buf_add(out, "", 0);
	return fixes;
}

size_t utf8_truncate(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	/* s[max] is the first byte dropped: if it continues a character, that
	 * character would be cut, so drop its lead bytes too. */
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* Enough for most posts without touching the heap. */
#define FOLD_STACK_CPS 1024

void utf8_fold_reference(struct buf *out, const char *s, size_t n)
{
	size_t ascii = ascii_prefix(s, n);
	if (ascii == n) {
		/* NFKC is the identity on ASCII, no ASCII character is default
		 * ignorable, and case folding is A-Z -> a-z. */
		buf_reserve(out, n);
		char *d = out->data + out->len;
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			d[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		out->len += n;
		out->data[out->len] = '\0';
		return;
	}

	struct buf fixed = {0};
	const char *src = s;
	size_t srclen = n;
	if (!utf8_is_valid(s + ascii, n - ascii) || memchr(s + ascii, '\0', n - ascii)) {
		utf8_repair(&fixed, s, n);
		src = fixed.data;
		srclen = fixed.len;
	}

	const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT |
		UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	utf8proc_int32_t stack[FOLD_STACK_CPS];
	utf8proc_int32_t *cps = stack;
	utf8proc_ssize_t cap = FOLD_STACK_CPS;
	utf8proc_ssize_t got = utf8proc_decompose((const utf8proc_uint8_t *)src,
		(utf8proc_ssize_t)srclen, cps, cap, opts);
	if (got > cap) {
		cap = got;
		cps = rp_malloc((size_t)cap * sizeof *cps);
		got = utf8proc_decompose((const utf8proc_uint8_t *)src,
			(utf8proc_ssize_t)srclen, cps, cap, opts);
	}
	if (got < 0) {
		/* Cannot happen on repaired input; keep the text rather than lose it. */
		buf_add(out, src, srclen);
		goto done;
	}
	got = utf8proc_normalize_utf32(cps, got, opts);
	if (got < 0) {
		buf_add(out, src, srclen);
		goto done;
	}
	buf_reserve(out, (size_t)got * 4);
	for (utf8proc_ssize_t i = 0; i < got; i++)
		out->len += utf8_encode(cps[i], out->data + out->len);
	out->data[out->len] = '\0';
done:
	if (cps != stack)
		rp_free(cps);
	buf_done(&fixed);
}

/* Folding through utf8proc costs tens of instructions per character, so
 * utf8_fold (run on every post by the tagger and by the dedupe engine)
 * folds a character at a time wherever that gives what utf8proc gives on
 * the whole text. NFKC + case folding maps characters one by one except
 * where a character composes with or reorders against its neighbours; a
 * character that is a starter, never the second of a composition, and
 * folds to a starter cannot do that with what precedes it. The characters
 * below are such (ASCII other than NUL; Latin-1 and Latin Extended-A/B
 * letters; Cyrillic letters; Arabic letters and digits; kana; CJK
 * ideographs, which fold to themselves), so a text is cut before each of
 * them, a piece holding one of them alone is folded from a table (filled
 * once by utf8_fold_reference of each character alone), and a piece with
 * anything else after its first character (combining marks, ignorables,
 * invalid bytes, other scripts) goes to utf8_fold_reference whole.
 * tests/core/test-utf8.c compares the two on every triple of awkward
 * pieces and on random strings of them. */
static bool fold_alone(int32_t cp)
{
	return (cp >= 0x00C0 && cp <= 0x024F) ||
	       (cp >= 0x0400 && cp <= 0x0482) || (cp >= 0x048A && cp <= 0x04FF) ||
	       (cp >= 0x0621 && cp <= 0x064A) || (cp >= 0x0660 && cp <= 0x0669) ||
	       (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF);
}

struct fold_one {
	uint8_t len;         /* bytes of the fold; 0: none usable (folds to nothing or longer) */
	char b[7];
};

/* Table slots of the fold_alone code points below the ideographs. */
#define FOLD_TABLE_LATIN 0x0250   /* U+0000..U+024F */
#define FOLD_TABLE_CYR   0x0100   /* U+0400..U+04FF */
#define FOLD_TABLE_AR    0x0050   /* U+0620..U+066F */
#define FOLD_TABLE_KANA  0x00C0   /* U+3040..U+30FF */
#define FOLD_TABLE_SIZE (FOLD_TABLE_LATIN + FOLD_TABLE_CYR + FOLD_TABLE_AR + FOLD_TABLE_KANA)

static size_t fold_slot(int32_t cp)
{
	if (cp < 0x0250)
		return (size_t)cp;
	if (cp < 0x0500)
		return FOLD_TABLE_LATIN + (size_t)(cp - 0x0400);
	if (cp < 0x0670)
		return FOLD_TABLE_LATIN + FOLD_TABLE_CYR + (size_t)(cp - 0x0620);
	return FOLD_TABLE_LATIN + FOLD_TABLE_CYR + FOLD_TABLE_AR + (size_t)(cp - 0x3040);
}

/* Filled once for the whole process (threads fold at the same time: the
 * reader thread of `import` tags while the engine folds). */
static struct fold_one fold_table[FOLD_TABLE_SIZE];
static pthread_once_t fold_table_once = PTHREAD_ONCE_INIT;

static void fold_table_fill(void)
{
	static const int32_t ranges[][2] = {
		{0x00C0, 0x024F}, {0x0400, 0x04FF}, {0x0620, 0x066F}, {0x3040, 0x30FF},
	};
	struct buf one = {0};
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
		for (int32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
			if (!fold_alone(cp))
				continue;
			char enc[4];
			size_t n = utf8_encode(cp, enc);
			buf_reset(&one);
			utf8_fold_reference(&one, enc, n);
			struct fold_one *f = &fold_table[fold_slot(cp)];
			if (one.len > 0 && one.len <= sizeof f->b) {
				memcpy(f->b, one.data, one.len);
				f->len = (uint8_t)one.len;
			}
		}
	}
	buf_done(&one);
}

void utf8_fold(struct buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	buf_reserve(out, n);
	/* The leading ASCII run (all of most texts), lowercased eight bytes
	 * at a time. */
	char *d = out->data + out->len;
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		if ((w & 0x8080808080808080ull) ||
		    ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
			break;   /* a non-ASCII or NUL byte */
		/* Bytes are < 0x80, so the adds carry into no neighbour. */
		uint64_t ge_a = w + 0x3f3f3f3f3f3f3f3full;       /* high bit: byte >= 'A' */
		uint64_t gt_z = w + 0x2525252525252525ull;       /* high bit: byte > 'Z' */
		w |= ((ge_a & ~gt_z) & 0x8080808080808080ull) >> 2;
		memcpy(d, &w, 8);
		d += 8;
		p += 8;
	}
	for (; p < end && (unsigned char)*p < 0x80 && *p != '\0'; p++)
		*d++ = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
	if (p == end)
		return;
	pthread_once(&fold_table_once, fold_table_fill);
	/* piece: start of the piece being read; plain: it is one character
	 * folded alone so far, whose fold starts at out_mark in out. */
	const char *piece = p;
	size_t out_mark = out->len;
	bool plain = false;
	if (p > s) {
		piece = p - 1;
		out_mark = out->len - 1;
		plain = true;
	}
	while (p < end) {
		const char *at = p;
		unsigned char c = (unsigned char)*p;
		int32_t cp;
		if (c < 0x80 && c != 0) {
			cp = c;
			p++;
		} else {
			cp = utf8_decode(&p, end);
		}
		bool alone = (cp > 0 && cp < 0x80) || fold_alone(cp);
		if (!alone) {
			if (plain) {      /* the piece is no longer one character */
				out->len = out_mark;
				plain = false;
			}
			continue;
		}
		if (!plain && at > piece)
			utf8_fold_reference(out, piece, (size_t)(at - piece));
		piece = at;
		out_mark = out->len;
		plain = true;
		if (cp < 0x80) {
			buf_reserve(out, 1);
			out->data[out->len++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else if (cp >= 0x4E00) {
			buf_add(out, at, (size_t)(p - at));   /* ideographs fold to themselves */
		} else {
			const struct fold_one *f = &fold_table[fold_slot(cp)];
			if (f->len == 0)    /* let utf8_fold_reference have it */
				plain = false;
			else
				buf_add(out, f->b, f->len);
		}
	}
	if (!plain && end > piece)
		utf8_fold_reference(out, piece, (size_t)(end - piece));
	out->data[out->len] = '\0';
}

static utf8proc_category_t category(int32_t cp)
{
	if (cp < 0 || !utf8proc_codepoint_valid(cp))
		return UTF8PROC_CATEGORY_CN;
	return utf8proc_category(cp);
}

bool utf8_is_letter(int32_t cp)
{
	switch (category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return true;
	default:
		return false;
	}
}

bool utf8_is_digit(int32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return true;
	return cp >= 0x80 && category(cp) == UTF8PROC_CATEGORY_ND;
}

bool utf8_is_space(int32_t cp)
{
	if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D))
		return true;
	if (cp < 0x80)
		return false;
	utf8proc_category_t c = category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

size_t utf8_space_len_wide(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t left = (size_t)(end - p);
	if (left == 0)
		return 0;
	unsigned c = u[0];
	if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F))
		return 1;
	if (c < 0x80)
		return 0;
	if (c == 0xC2 && left >= 2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (left < 3)
		return 0;
	if (c == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3;                                   /* U+1680 */
	if (c == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) ||
	    u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3;                                   /* U+2000-200A, 2028, 2029, 202F */
	if (c == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3;                                   /* U+205F */
	if (c == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;                                   /* U+3000 */
	return 0;
}

bool utf8_is_forbidden_in_tag(int32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;           /* C0, DEL, C1; also -1 (an invalid byte) */
	if (cp >= 0x202A && cp <= 0x202E)
		return true;           /* bidi embeddings and overrides */
	if (cp >= 0x2066 && cp <= 0x2069)
		return true;           /* bidi isolates */
	if ((cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF)
		return true;           /* zero-width characters and marks */
	return cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
}
