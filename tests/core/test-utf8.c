/* tests/core/test-utf8.c - core/utf8.c: decoding, repair, cuts, folding.
 *
 * One table per function; each loop prints the failing rows with their
 * input (bytes in \x form) and fails once at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

/* The bytes of s as C escapes, for failure messages (static buffer). */
static const char *show(const char *s, size_t n)
{
	static char out[1024];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < sizeof out; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, sizeof out - k, "\\x%02X", c);
	}
	out[k] = '\0';
	return out;
}

static void test_decode(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		int32_t cp;     /* -1: invalid */
		size_t advance;
	} rows[] = {
		{"A", 1, 0x41, 1},
		{"\x7F", 1, 0x7F, 1},
		{"\xC2\x80", 2, 0x80, 2},
		{"\xC2\xA9", 2, 0xA9, 2},
		{"\xDF\xBF", 2, 0x7FF, 2},
		{"\xE0\xA0\x80", 3, 0x800, 3},
		{"\xE2\x82\xAC", 3, 0x20AC, 3},
		{"\xED\x9F\xBF", 3, 0xD7FF, 3},          /* last before the surrogates */
		{"\xEE\x80\x80", 3, 0xE000, 3},          /* first after them */
		{"\xEF\xBF\xBD", 3, 0xFFFD, 3},
		{"\xEF\xBF\xBF", 3, 0xFFFF, 3},          /* a noncharacter, but valid UTF-8 */
		{"\xF0\x90\x80\x80", 4, 0x10000, 4},
		{"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
		{"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},
		/* overlongs */
		{"\xC0\x80", 2, -1, 1},
		{"\xC1\xBF", 2, -1, 1},
		{"\xE0\x80\x80", 3, -1, 1},
		{"\xE0\x9F\xBF", 3, -1, 1},
		{"\xF0\x80\x80\x80", 4, -1, 1},
		{"\xF0\x8F\xBF\xBF", 4, -1, 1},
		/* surrogates */
		{"\xED\xA0\x80", 3, -1, 1},
		{"\xED\xBF\xBF", 3, -1, 1},
		/* past U+10FFFF */
		{"\xF4\x90\x80\x80", 4, -1, 1},
		{"\xF5\x80\x80\x80", 4, -1, 1},
		{"\xF7\xBF\xBF\xBF", 4, -1, 1},
		{"\xF8\x88\x80\x80\x80", 5, -1, 1},
		{"\xFE", 1, -1, 1},
		{"\xFF", 1, -1, 1},
		/* lone continuation bytes and truncated sequences */
		{"\x80", 1, -1, 1},
		{"\xBF", 1, -1, 1},
		{"\xC2", 1, -1, 1},
		{"\xC2" "A", 2, -1, 1},
		{"\xE2\x82", 2, -1, 1},
		{"\xE2\x82" "A", 3, -1, 1},
		{"\xF0\x9F\x98", 3, -1, 1},
		{"\xF0\x9F\x98" "A", 4, -1, 1},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *p = rows[i].in;
		int32_t cp = utf8_decode(&p, rows[i].in + rows[i].n);
		size_t adv = (size_t)(p - rows[i].in);
		if (cp != rows[i].cp || adv != rows[i].advance) {
			print_error("row %zu: utf8_decode(\"%s\") = %d advancing %zu, want %d advancing %zu\n",
			            i, show(rows[i].in, rows[i].n), cp, adv, rows[i].cp, rows[i].advance);
			failures++;
		}
		bool valid = utf8_is_valid(rows[i].in, rows[i].advance);
		if (valid != (rows[i].cp >= 0)) {
			print_error("row %zu: utf8_is_valid(\"%s\") = %d\n", i,
			            show(rows[i].in, rows[i].advance), valid);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_encode(void **state)
{
	(void)state;
	static const struct {
		int32_t cp;
		const char *out;
		size_t n;        /* 0: not encodable */
	} rows[] = {
		{0x00, "\0", 1},
		{0x41, "A", 1},
		{0x7F, "\x7F", 1},
		{0x80, "\xC2\x80", 2},
		{0x7FF, "\xDF\xBF", 2},
		{0x800, "\xE0\xA0\x80", 3},
		{0xFFFD, "\xEF\xBF\xBD", 3},
		{0x10000, "\xF0\x90\x80\x80", 4},
		{0x10FFFF, "\xF4\x8F\xBF\xBF", 4},
		{0xD800, "", 0},
		{0xDFFF, "", 0},
		{0x110000, "", 0},
		{-1, "", 0},
		{INT32_MAX, "", 0},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[4] = {0};
		size_t n = utf8_encode(rows[i].cp, out);
		if (n != rows[i].n || memcmp(out, rows[i].out, n) != 0) {
			print_error("row %zu: utf8_encode(U+%04X) = \"%s\" (%zu bytes), want %zu bytes\n",
			            i, (unsigned)rows[i].cp, show(out, n), n, rows[i].n);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_is_valid(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		bool valid;
	} rows[] = {
		{"", 0, true},
		{"plain ascii, long enough for the 8-byte loop", 45, true},
		{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14, true},
		{"nul \0 inside", 12, true},                     /* valid UTF-8; only repair refuses NUL */
		{"01234567\xFF", 9, false},                      /* after a full 8-byte word */
		{"0123456\xC3\xA9" "89abcdef", 17, true},        /* a character across the word edge */
		{"0123456\xC3", 8, false},
		{"\xED\xA0\x80\xED\xB0\x80", 6, false},          /* CESU-8 surrogate pair */
		{"\xC0\xAF", 2, false},                          /* overlong '/' */
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (utf8_is_valid(rows[i].in, rows[i].n) != rows[i].valid) {
			print_error("row %zu: utf8_is_valid(\"%s\") != %d\n", i,
			            show(rows[i].in, rows[i].n), rows[i].valid);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* utf8_stream's verdict on s[0..n) fed in the pieces cut at
 * cuts[0..n_cuts) (in order, each <= n). */
static bool stream_valid(const char *s, size_t n, const size_t *cuts, size_t n_cuts)
{
	struct utf8_stream st;
	utf8_stream_init(&st);
	size_t at = 0;
	for (size_t i = 0; i <= n_cuts; i++) {
		size_t end = i < n_cuts ? cuts[i] : n;
		utf8_stream_add(&st, s + at, end - at);
		at = end;
	}
	return utf8_stream_end(&st);
}

/* The next of a fixed sequence of pseudo-random numbers (an LCG's high
 * bits), so that the random cases are the same in every run. */
static unsigned next_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* utf8_stream over every way of cutting a text in two and three pieces
 * agrees with utf8_is_valid on the whole; and on random texts of
 * characters, stray and cut-short bytes, cut at random. */
static void test_stream(void **state)
{
	(void)state;
	static const struct { const char *in; size_t n; } rows[] = {
		{"", 0},
		{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80!", 15},
		{"\xE2\x82", 2},                      /* cut short at the end */
		{"\xE2\x82" "A", 3},                  /* cut short in the middle */
		{"\x80" "abc", 4},                     /* a stray continuation byte first */
		{"ab\xF0\x9F\x98\x80\x80" "c", 8},    /* one continuation byte too many */
		{"\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 8},
		{"\xC0\xAF", 2},
		{"\xED\xA0\x80", 3},
		{"a\xFF", 2},
		{"\xC3\xA9\xC3", 3},
	};
	int failures = 0;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const char *s = rows[r].in;
		size_t n = rows[r].n;
		bool want = utf8_is_valid(s, n);
		for (size_t a = 0; a <= n; a++)
			for (size_t b = a; b <= n; b++) {
				size_t cuts[2] = { a, b };
				if (stream_valid(s, n, cuts, 2) != want) {
					print_error("row %zu: \"%s\" cut at %zu,%zu: %d\n", r, show(s, n), a, b,
					            !want);
					failures++;
				}
			}
	}
	static const char *const parts[] = { "a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
	                                     "\x80", "\xE2\x82", "\xFF", "\xED\xA0\x80", " " };
	unsigned seed = 12345;
	int n_valid = 0;
	for (int t = 0; t < 3000; t++) {
		char s[256];
		size_t n = 0;
		unsigned k = next_random(&seed) % 24;
		for (unsigned i = 0; i < k; i++) {
			/* mostly valid characters, so that valid texts are common */
			unsigned pi = next_random(&seed) % 40;
			const char *pp = parts[pi < 36 ? pi % 4 : 4 + (pi - 36) % 5];
			size_t pl = strlen(pp);
			memcpy(s + n, pp, pl);
			n += pl;
		}
		size_t cuts[5];
		for (int i = 0; i < 5; i++)
			cuts[i] = next_random(&seed) % (n + 1);
		for (int i = 1; i < 5; i++)   /* in order */
			for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t x = cuts[j];
				cuts[j] = cuts[j - 1];
				cuts[j - 1] = x;
			}
		bool want = utf8_is_valid(s, n);
		n_valid += want;
		if (stream_valid(s, n, cuts, 5) != want) {
			print_error("random text %d: \"%s\": %d\n", t, show(s, n), !want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_true(n_valid > 300 && n_valid < 2700);   /* both verdicts were tried */
}

#define FFFD "\xEF\xBF\xBD"

static void test_repair(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
		size_t fixes;
	} rows[] = {
		{"", 0, "", 0},
		{"abc", 3, "abc", 0},
		{"caf\xC3\xA9", 5, "caf\xC3\xA9", 0},
		{"a\xFF" "b", 3, "a" FFFD "b", 1},
		{"\xC0\x80", 2, FFFD FFFD, 2},                   /* each byte of an overlong */
		{"\xED\xA0\x80", 3, FFFD FFFD FFFD, 3},          /* each byte of a surrogate */
		{"\xE2\x82", 2, FFFD FFFD, 2},                   /* truncated at the end */
		{"\xE2\x82" "A", 3, FFFD FFFD "A", 2},
		{"\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD, 4},
		{"a\0b", 3, "a" FFFD "b", 1},                    /* NUL cannot live in a C string */
		{"\x80\x80\x80", 3, FFFD FFFD FFFD, 3},
		{"caf\xE9 latin-1", 12, "caf" FFFD " latin-1", 1},
		{"\xEF\xBB\xBF" "bom", 6, "\xEF\xBB\xBF" "bom", 0}, /* a BOM is valid; it stays */
		{"01234567\xFF" "9abcdef\xC3\xA9", 18, "01234567" FFFD "9abcdef\xC3\xA9", 1},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct buf b = {0};
		buf_adds(&b, "[");
		size_t fixes = utf8_repair(&b, rows[i].in, rows[i].n);
		size_t want_len = strlen(rows[i].out);
		if (fixes != rows[i].fixes || b.len != want_len + 1 ||
		    memcmp(b.data + 1, rows[i].out, want_len) != 0 || !utf8_is_valid(b.data, b.len)) {
			print_error("row %zu: utf8_repair(\"%s\") = \"%s\" with %zu fixes, want %zu fixes\n",
			            i, show(rows[i].in, rows[i].n), show(b.data + 1, b.len - 1), fixes,
			            rows[i].fixes);
			failures++;
		}
		buf_done(&b);
	}
	assert_int_equal(failures, 0);
}

/* utf8_truncate at every byte of strings with 1- to 4-byte characters:
 * the result is at most max, on a character boundary, and the longest
 * such prefix. Boundaries are found here without the decoder. */
static void test_truncate(void **state)
{
	(void)state;
	static const char *const rows[] = {
		"",
		"ascii",
		"caf\xC3\xA9",
		"\xE2\x82\xAC\xE2\x82\xAC",
		"\xF0\x9F\x98\x80",
		"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z",
		"\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9",   /* Arabic */
		"\xE6\x9D\xB1\xE4\xBA\xAC",                                   /* CJK */
		"e\xCC\x81",                                                  /* e + combining acute */
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *s = rows[i];
		size_t n = strlen(s);
		for (size_t max = 0; max <= n + 2; max++) {
			size_t want = max >= n ? n : max;
			while (want > 0 && want < n && ((unsigned char)s[want] & 0xC0) == 0x80)
				want--;
			size_t got = utf8_truncate(s, n, max);
			if (got != want || !utf8_is_valid(s, got)) {
				print_error("row %zu: utf8_truncate(\"%s\", max %zu) = %zu, want %zu\n", i,
				            show(s, n), max, got, want);
				failures++;
			}
		}
	}
	assert_int_equal(failures, 0);
}

static void test_fold(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
		const char *why;
	} rows[] = {
		{"#IGF2012", "#igf2012", "ASCII fast path"},
		{"#igf2012", "#igf2012", "already folded"},
		{"\xEF\xBC\x83\xEF\xBC\xA9\xEF\xBC\xA7\xEF\xBC\xA6\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92",
		 "#igf2012", "full-width #IGF2012 (NFKC)"},
		{"Stra\xC3\x9F" "e", "strasse", "German sharp s folds to ss"},
		{"STRASSE", "strasse", "and matches the capital form"},
		{"\xE1\xBA\x9E", "ss", "capital sharp s U+1E9E"},
		{"\xC4\xB0stanbul", "i\xCC\x87stanbul", "Turkish dotted capital I: i + U+0307 (no locale)"},
		{"ISTANBUL", "istanbul", "plain I folds to i, not dotless"},
		{"\xC4\xB1", "\xC4\xB1", "dotless i stays"},
		{"\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3", "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83", "Greek capitals"},
		{"\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82", "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83", "Greek final sigma = sigma"},
		{"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "Arabic unchanged"},
		{"\xEF\xBB\xA3\xEF\xBA\xAE\xEF\xBA\xA3\xEF\xBA\x92\xEF\xBA\x8E",
		 "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "Arabic presentation forms (NFKC)"},
		{"\xE6\x9D\xB1\xE4\xBA\xAC", "\xE6\x9D\xB1\xE4\xBA\xAC", "CJK unchanged"},
		{"\xEF\xBD\xB6\xEF\xBE\x80\xEF\xBD\xB6\xEF\xBE\x85", "\xE3\x82\xAB\xE3\x82\xBF\xE3\x82\xAB\xE3\x83\x8A",
		 "half-width katakana (NFKC)"},
		{"\xEF\xAC\x81le", "file", "fi ligature"},
		{"\xE2\x85\xAB", "xii", "Roman numeral twelve"},
		{"\xE2\x91\xA0", "1", "circled one"},
		{"\xE2\x84\xAA", "k", "Kelvin sign"},
		{"\xC7\x85", "d\xC5\xBE", "titlecase dz: NFKC splits it, then folds"},
		{"e\xCC\x81", "\xC3\xA9", "combining acute composes"},
		{"\xC3\x89T\xC3\x89", "\xC3\xA9t\xC3\xA9", "precomposed capitals"},
		{"ab\xC2\xAD" "c", "abc", "soft hyphen is default-ignorable"},
		{"a\xE2\x80\x8B" "b", "ab", "zero-width space is default-ignorable"},
		{"a\xE2\x81\xA0" "b", "ab", "word joiner is default-ignorable"},
		{"\xEF\xBB\xBF" "x", "x", "BOM / ZWNBSP is default-ignorable"},
		{"a\xFF" "b", "a" FFFD "b", "invalid byte repaired"},
		{"", "", "empty"},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct buf b = {0};
		utf8_fold(&b, rows[i].in, strlen(rows[i].in));
		if (strcmp(buf_str(&b), rows[i].out) != 0) {
			print_error("row %zu (%s): utf8_fold(\"%s\")", i, rows[i].why,
			            show(rows[i].in, strlen(rows[i].in)));
			print_error(" = \"%s\"\n", show(buf_str(&b), b.len));
			failures++;
		}
		buf_done(&b);
	}
	/* Folding appends. */
	struct buf b = {0};
	buf_adds(&b, "x:");
	utf8_fold(&b, "AB", 2);
	utf8_fold(&b, "\xC3\x89", 2);
	assert_string_equal(buf_str(&b), "x:ab\xC3\xA9");
	buf_done(&b);
	assert_int_equal(failures, 0);
}

/* utf8_fold folds most characters alone from a table; it must give
 * utf8_fold_reference's bytes exactly, whatever surrounds them: combining
 * marks after table letters, ignorables, invalid bytes, NUL,
 * compatibility forms. Every triple of these pieces, then random strings
 * drawn from them. */
static const char *const fold_pieces[] = {
	"a", "Z", " ", "e", "E", "\xCC\x81" /* U+0301 */, "\xCC\xA3" /* U+0323 */,
	"\xC3\xA9" /* é */, "\xC3\x89" /* É */, "\xC3\x9F" /* ß */, "\xC4\xB0" /* İ */,
	"\xC7\x84" /* Ǆ */, "\xC5\x89" /* ŉ */, "\xC2\xB4" /* ´ */, "\xC2\xA0" /* nbsp */,
	"\xD0\x98" /* И */, "\xD0\x99" /* Й */, "\xCC\x86" /* U+0306 */, "\xD1\x8F" /* я */,
	"\xD8\xA7" /* alef */, "\xD9\x93" /* U+0653 */, "\xD9\x94" /* U+0654 */, "\xD9\xA3" /* ٣ */,
	"\xE3\x81\x8B" /* か */, "\xE3\x82\x99" /* U+3099 */, "\xE3\x82\xAB" /* カ */,
	"\xEF\xBD\xB6" /* half-width ｶ */, "\xEF\xBE\x9E" /* half-width dakuten */,
	"\xE4\xBA\x92" /* 互 */, "\xEF\xA4\x80" /* U+F900 */, "\xE2\x80\x8B" /* ZWSP */,
	"\xC2\xAD" /* soft hyphen */, "\xE2\x80\xA6" /* … */, "\xEF\xBC\xA9" /* Ｉ */,
	"\xE1\x84\x80" /* jamo L */, "\xE1\x85\xA1" /* jamo V */, "\xEA\xB0\x80" /* 가 */,
	"\xE1\x86\xA8" /* jamo T */, "\xFF", "\xC3", "\xE2\x80", "\xF0\x9F\x98\x80" /* emoji */,
	"\xCE\x91" /* Α */, "\xE1\xBA\x9E" /* ẞ */, "\xC7\xB0" /* ǰ */, "1",
};

static int check_fold(const char *s, size_t n)
{
	/* after some text already in the buffer, as the tagger appends */
	struct buf want = {0}, got = {0};
	buf_adds(&want, "x:");
	buf_adds(&got, "x:");
	utf8_fold_reference(&want, s, n);
	utf8_fold(&got, s, n);
	int bad = got.len != want.len || memcmp(got.data, want.data, want.len) != 0;
	if (bad) {   /* show() lends one static buffer: one call per line */
		print_error("fold differs on \"%s\":", show(s, n));
		print_error(" \"%s\"", show(got.data, got.len));
		print_error(" want \"%s\"\n", show(want.data, want.len));
	}
	buf_done(&want);
	buf_done(&got);
	return bad;
}

static void test_fold_table(void **state)
{
	(void)state;
	int failures = 0;
	size_t np = sizeof fold_pieces / sizeof fold_pieces[0];
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < np; j++)
			for (size_t k = 0; k < np; k++) {
				char s[64];
				int len = snprintf(s, sizeof s, "%s%s%s", fold_pieces[i], fold_pieces[j],
				                   fold_pieces[k]);
				failures += check_fold(s, (size_t)len);
			}
	failures += check_fold("a\0\xCC\x81" "b", 5);   /* NUL */
	failures += check_fold("a\0b", 3);
	char ascii[128];   /* every ASCII byte, at every offset of the 8-byte steps */
	for (int i = 0; i < 127; i++)
		ascii[i] = (char)(i + 1);
	for (size_t off = 0; off < 8; off++)
		failures += check_fold(ascii + off, 127 - off);
	/* every character of the table, alone and after ASCII */
	for (int32_t cp = 0x80; cp < 0x3100; cp++) {
		char s[8] = "Ab";
		size_t n = utf8_encode(cp, s + 2);
		if (n) {
			failures += check_fold(s + 2, n);
			failures += check_fold(s, n + 2);
		}
	}
	uint64_t x = 88172645463325252ull;
	for (int r = 0; r < 20000; r++) {
		char s[256];
		size_t len = 0;
		int parts = 1 + (int)(r % 24);
		for (int k = 0; k < parts; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			const char *pc = fold_pieces[x % np];
			size_t pl = strlen(pc);
			memcpy(s + len, pc, pl);
			len += pl;
		}
		failures += check_fold(s, len);
	}
	assert_int_equal(failures, 0);
}

/* A long non-ASCII text is folded past the stack buffer of utf8proc's
 * code points, by either path. */
static void test_fold_long(void **state)
{
	(void)state;
	struct buf in = {0}, want = {0}, got = {0}, ref = {0};
	for (int i = 0; i < 3000; i++) {
		buf_adds(&in, "\xC3\x89" "A" "\xCC\x81");
		buf_adds(&want, "\xC3\xA9" "\xC3\xA1");
	}
	utf8_fold(&got, in.data, in.len);
	utf8_fold_reference(&ref, in.data, in.len);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	assert_int_equal(ref.len, want.len);
	assert_memory_equal(ref.data, want.data, want.len);
	buf_done(&in);
	buf_done(&want);
	buf_done(&got);
	buf_done(&ref);
}

static void test_classes(void **state)
{
	(void)state;
	static const struct {
		int32_t cp;
		bool letter, digit, space, forbidden;
	} rows[] = {
		{'a', 1, 0, 0, 0},
		{'Z', 1, 0, 0, 0},
		{0xE9, 1, 0, 0, 0},      /* é */
		{0x0301, 1, 0, 0, 0},    /* combining acute: marks join words */
		{0x0639, 1, 0, 0, 0},    /* Arabic ain */
		{0x4E2D, 1, 0, 0, 0},    /* CJK */
		{0x0915, 1, 0, 0, 0},    /* Devanagari ka */
		{0x093F, 1, 0, 0, 0},    /* Devanagari vowel sign (Mc) */
		{'5', 0, 1, 0, 0},
		{0x0663, 0, 1, 0, 0},    /* Arabic-Indic three */
		{0xFF15, 0, 1, 0, 0},    /* full-width five */
		{0x2163, 0, 0, 0, 0},    /* Roman numeral four is Nl, not Nd */
		{'_', 0, 0, 0, 0},
		{'#', 0, 0, 0, 0},
		{' ', 0, 0, 1, 0},
		{'\t', 0, 0, 1, 1},
		{'\n', 0, 0, 1, 1},
		{0xA0, 0, 0, 1, 0},      /* no-break space */
		{0x3000, 0, 0, 1, 0},    /* ideographic space */
		{0x2028, 0, 0, 1, 0},    /* line separator */
		{0x2029, 0, 0, 1, 0},
		{0x200B, 0, 0, 0, 1},    /* zero-width space: Cf, not a space */
		{0x200D, 0, 0, 0, 1},    /* zero-width joiner */
		{0x200E, 0, 0, 0, 1},    /* left-to-right mark */
		{0x2060, 0, 0, 0, 1},
		{0xFEFF, 0, 0, 0, 1},
		{0x202A, 0, 0, 0, 1},
		{0x202E, 0, 0, 0, 1},    /* right-to-left override */
		{0x2066, 0, 0, 0, 1},
		{0x2069, 0, 0, 0, 1},
		{0x00, 0, 0, 0, 1},
		{0x7F, 0, 0, 0, 1},
		{0x85, 0, 0, 0, 1},      /* C1 */
		{0x9F, 0, 0, 0, 1},
		{0x1F600, 0, 0, 0, 0},   /* emoji: allowed, not a letter */
		{-1, 0, 0, 0, 1},        /* an invalid byte */
		{0xD800, 0, 0, 0, 1},
		{0x110000, 0, 0, 0, 1},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int32_t cp = rows[i].cp;
		bool l = utf8_is_letter(cp), d = utf8_is_digit(cp), s = utf8_is_space(cp);
		bool f = utf8_is_forbidden_in_tag(cp);
		if (l != rows[i].letter || d != rows[i].digit || s != rows[i].space || f != rows[i].forbidden) {
			print_error("row %zu: U+%04X letter %d digit %d space %d forbidden %d, want %d %d %d %d\n",
			            i, (unsigned)cp, l, d, s, f, rows[i].letter, rows[i].digit,
			            rows[i].space, rows[i].forbidden);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_space_len(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t want;
	} rows[] = {
		{" ", 1}, {"\t", 1}, {"\r", 1}, {"\x1C", 1}, {"\x1F", 1}, {"x", 0}, {"", 0},
		{"\xC2\xA0", 2}, {"\xC2\x85", 2}, {"\xC2\xA9", 0},
		{"\xE1\x9A\x80", 3}, {"\xE2\x80\x80", 3}, {"\xE2\x80\x8A", 3}, {"\xE2\x80\x8B", 0},
		{"\xE2\x80\xA8", 3}, {"\xE2\x80\xAF", 3}, {"\xE2\x81\x9F", 3}, {"\xE3\x80\x80", 3},
		{"\xE3\x80", 0},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		size_t n = strlen(rows[i].in);
		size_t got = utf8_space_len(rows[i].in, rows[i].in + n);
		if (got != rows[i].want) {
			print_error("row %zu: utf8_space_len(\"%s\") = %zu, want %zu\n", i,
			            show(rows[i].in, n), got, rows[i].want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_is_valid),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_repair),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_table),
		cmocka_unit_test(test_fold_long),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_space_len),
	};
	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
