/* tests/cluster/test-textnorm.c - store/textnorm.c: the dedupe normal
 * form (folding, URLs, mentions, hashtags, unspaced scripts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/textnorm.h"

static const struct {
	const char *in;
	const char *norm;       /* tokens joined by one space */
	const char *norm_tail;  /* after textnorm_drop_tail_tags */
	size_t n_urls;
} rows[] = {
	{"Hello, World!", "hello world", "hello world", 0},
	{"RT @alice: Great talk #IGF2012 http://t.co/x", "great talk igf2012", "great talk", 1},
	{"rt @alice@mastodon.social great talk", "great talk", "great talk", 0},
	{"Vint Cerf @vint@mastodon.social said so", "vint cerf said so", "vint cerf said so", 0},
	{"art @bob", "art", "art", 0},                       /* only a lone "rt" goes */
	{"\xEF\xBC\xA9\xEF\xBC\xA7\xEF\xBC\xA6\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92", "igf2012", "igf2012", 0}, /* full width */
	{"互联网治理", "互联 联网 网治 治理", "互联 联网 网治 治理", 0},
	{"论坛 IGF", "论坛 igf", "论坛 igf", 0},
	{"网", "网", "网", 0},
	{"Правозащитники на IGF", "правозащитники на igf", "правозащитники на igf", 0},
	{"منتدى حوكمة الإنترنت", "منتدى حوكمة الإنترنت", "منتدى حوكمة الإنترنت", 0},
	{"see www.example.com/x, it is good", "see it is good", "see it is good", 1},
	{"(https://a.example/p?q=1) read", "read", "read", 1},
	{"l'Internet s'ouvre à Bakou", "l internet s ouvre à bakou", "l internet s ouvre à bakou", 0},
	{"#a #b", "a b", "a b", 0},                         /* all tags: nothing to drop */
	{"talk #ws165 room 2 #igf2012 #ws165", "talk ws165 room 2 igf2012 ws165", "talk ws165 room 2", 0},
	{"WCIT-12 in Dubai", "wcit 12 in dubai", "wcit 12 in dubai", 0},
	{"", "", "", 0},
	{"!!! ... ???", "", "", 0},
	{"bad \xff byte", "bad byte", "bad byte", 0},      /* repaired to U+FFFD, a separator */
};

static void test_rows(void **state)
{
	(void)state;
	struct textnorm t;
	textnorm_init(&t);
	int failed = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		textnorm_reset(&t);
		textnorm_add(&t, rows[i].in, strlen(rows[i].in));
		const char *got = t.norm.data ? t.norm.data : "";
		if (strcmp(got, rows[i].norm) != 0 || t.urls.n != rows[i].n_urls) {
			printf("# row %zu: \"%s\" -> \"%s\" (%zu urls), want \"%s\" (%zu urls)\n", i,
			       rows[i].in, got, t.urls.n, rows[i].norm, rows[i].n_urls);
			failed++;
			continue;
		}
		textnorm_drop_tail_tags(&t);
		got = t.norm.data ? t.norm.data : "";
		if (strcmp(got, rows[i].norm_tail) != 0) {
			printf("# row %zu: tail \"%s\", want \"%s\"\n", i, got, rows[i].norm_tail);
			failed++;
		}
		/* The token table agrees with the normal form. */
		for (size_t k = 0; k < t.n_tok; k++) {
			if (t.tok[k].off + t.tok[k].len > t.norm.len) {
				printf("# row %zu: token %zu out of range\n", i, k);
				failed++;
			}
		}
	}
	textnorm_done(&t);
	assert_int_equal(failed, 0);
}

/* Title and text are separate words, and the URL keeps its case. */
static void test_two_parts(void **state)
{
	(void)state;
	struct textnorm t;
	textnorm_init(&t);
	textnorm_add(&t, "Title", 5);
	textnorm_add(&t, "Text https://Example.org/CaseKept", 33);
	assert_string_equal(t.norm.data, "title text");
	assert_int_equal(t.n_tok, 2);
	assert_int_equal(t.urls.n, 1);
	assert_string_equal(t.urls.v[0], "https://Example.org/CaseKept");
	textnorm_done(&t);
}

/* A huge text is cut at TEXTNORM_MAX_TOKENS. */
static void test_limit(void **state)
{
	(void)state;
	size_t n = (TEXTNORM_MAX_TOKENS + 100) * 2;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i += 2) {
		s[i] = 'a' + (char)(i % 26);
		s[i + 1] = ' ';
	}
	s[n] = '\0';
	struct textnorm t;
	textnorm_init(&t);
	textnorm_add(&t, s, n);
	assert_int_equal(t.n_tok, TEXTNORM_MAX_TOKENS);
	textnorm_done(&t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_two_parts),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
