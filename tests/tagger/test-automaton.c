/* tests/tagger/test-automaton.c - the word-level Aho-Corasick automaton.
 * Each row: patterns ("|"-joined, value = position), a folded text, and
 * the matches expected as "value@start-end" joined by " ". */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "tagger/automaton.h"

struct row {
	const char *name;
	const char *patterns;
	const char *text;
	const char *want;
};

static const struct row rows[] = {
	{ "one word", "privacy", "on privacy today", "0@3-10" },
	{ "whole words only", "privacy", "privacyrights and unprivacy", "" },
	{ "phrase", "digital divide", "the digital divide now", "0@4-18" },
	{ "phrase across punctuation", "digital divide", "digital, divide", "0@0-15" },
	{ "phrase needs order", "digital divide", "divide digital", "" },
	{ "overlap and suffix", "internet governance|governance|internet governance forum",
	  "internet governance forum", "0@0-19 1@9-19 2@0-25" },
	{ "failure link", "a b c|b c d", "a b c d", "0@0-5 1@2-7" },
	{ "failure to shorter", "x y z|y", "x y q", "1@2-3" },
	{ "repeat", "ab", "ab ab", "0@0-2 0@3-5" },
	{ "cyrillic", "цифровой разрыв", "это цифровой разрыв.", "0@7-36" },
	{ "arabic", "الفجوة الرقمية", "عن الفجوة الرقمية", "0@5-32" },
	{ "chinese without spaces", "数字鸿沟", "关于数字鸿沟的讨论", "0@6-18" },
	{ "japanese", "デジタルデバイド", "これはデジタルデバイドです", "0@9-33" },
	{ "no pattern", "", "anything at all", "" },
	{ "digits and underscore", "ws_165|2012", "at ws_165 in 2012", "0@3-9 1@13-17" },
	{ "apostrophe splits", "droits de l homme", "les droits de l'homme", "0@4-21" },
	{ "same pattern twice", "ipv6|ipv6", "ipv6", "0@0-4 1@0-4" },
};

struct collect {
	struct buf out;
};

static void on_hit(void *ctx, uint32_t value, size_t start, size_t end)
{
	struct collect *c = ctx;
	if (c->out.len)
		buf_addc(&c->out, ' ');
	buf_printf(&c->out, "%u@%zu-%zu", value, start, end);
}

static void test_row(void **state)
{
	const struct row *r = *state;
	struct automaton *a = automaton_new();
	uint32_t v = 0;
	for (const char *p = r->patterns; *p;) {
		size_t len = strcspn(p, "|");
		assert_true(automaton_add(a, p, len, v++));
		p += len;
		if (*p == '|')
			p++;
	}
	automaton_build(a);
	struct collect c = { {0} };
	automaton_scan(a, r->text, strlen(r->text), on_hit, &c);
	if (strcmp(buf_str(&c.out), r->want) != 0)
		print_message("# %s: got \"%s\", want \"%s\"\n", r->name, buf_str(&c.out), r->want);
	assert_string_equal(buf_str(&c.out), r->want);
	buf_done(&c.out);
	automaton_free(a);
}

static void test_refused(void **state)
{
	(void)state;
	struct automaton *a = automaton_new();
	assert_false(automaton_add(a, "...", 3, 0));
	struct buf long_phrase = {0};
	for (int i = 0; i < AUTOMATON_MAX_WORDS + 1; i++)
		buf_adds(&long_phrase, "w ");
	assert_false(automaton_add(a, long_phrase.data, long_phrase.len, 1));
	size_t states, words, patterns;
	automaton_stats(a, &states, &words, &patterns);
	assert_int_equal(states, 1);
	assert_int_equal(patterns, 0);
	buf_done(&long_phrase);
	automaton_free(a);
}

int main(void)
{
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	table_add(&tb, "refused patterns", test_refused);
	return table_run(&tb, "automaton");
}
