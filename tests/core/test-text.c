/* tests/core/test-text.c - core/text.c against FEED_SCHEMA.md section 4.
 *
 * One table per rule. Every expected value is what the oracle's
 * html_to_text / collapse (tools/feed_oracle.py) returns for the input:
 * the tables were checked against it, and core/text.c was also compared
 * with it on random fragments (see the report of the core engineer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

struct row {
	const char *in;
	const char *out;
	const char *why;
};

static const struct row plain_rows[] = {
	{"", "", "empty"},
	{"   \t\n ", "", "whitespace only"},
	{"a  b", "a b", "two spaces"},
	{" a\tb\nc\x0D" "d\x0B" "e\x0C" "f ", "a b c d e f", "each ASCII space character, trimmed"},
	{"a\xC2\xA0\xC2\xA0" "b", "a b", "no-break spaces collapse"},
	{"\xC2\xA0" "a\xC2\xA0", "a", "no-break spaces trimmed"},
	{"a\xE2\x80\x83" "b", "a\xE2\x80\x83" "b", "em space is not collapsed"},
	{"a\xE3\x80\x80" "b", "a\xE3\x80\x80" "b", "ideographic space is not collapsed"},
	{"<b>x</b> &amp;", "<b>x</b> &amp;", "no tag stripping, no references"},
	{"caf\xC3\xA9\xC2\xA9", "caf\xC3\xA9\xC2\xA9", "Latin-1 letters, C2 A9 is no space"},
};

static const struct row comment_rows[] = {
	{"a<!-- c -->b", "ab", "comment"},
	{"a<!-- <p> -->b", "ab", "markup inside a comment"},
	{"a<!-- never closed", "a", "unterminated comment runs to the end"},
	{"a<!---->b", "ab", "empty comment"},
	{"a<!-->b-->c", "ac", "<!--> is not closed by its own dashes"},
	{"a<!-- x --!>b -->c", "ac", "only --> closes"},
};

static const struct row decl_rows[] = {
	{"<!DOCTYPE html>a", "a", "doctype"},
	{"a<![CDATA[x]]>b", "ab", "<![CDATA[ up to the first >"},
	{"a<?xml version=\"1.0\"?>b", "ab", "processing instruction"},
	{"a<?php echo 1; ?>b", "ab", "PHP"},
	{"a<!x", "a", "unterminated <! runs to the end"},
	{"a<?", "a", "unterminated <? runs to the end"},
};

static const struct row raw_rows[] = {
	{"a<script>var x = '<p>';</script>b", "ab", "script content dropped"},
	{"a<SCRIPT type=\"x\">1</ScRiPt >b", "ab", "case-insensitive, space before >"},
	{"a<style>p{}</style>b", "ab", "style"},
	{"a<applet code=x>no</applet>b", "ab", "applet"},
	{"a<script>never closed", "a", "to the end if never closed"},
	{"a<script src=\"x.js\"/>b", "ab", "self-closing script keeps what follows"},
	{"a<script src=x / >b", "ab", "self-closing with spaces"},
	{"a<script>x</style>y</script>b", "ab", "only the matching end tag"},
	{"a</script>b", "ab", "a stray end tag is just a tag"},
	{"a<scripts>x</scripts>b", "axb", "another element name"},
	{"a<script>x</script\xE2\x80\x83>b", "ab", "any Unicode space before >"},
	{"a<script>x</\xC5\xBF" "cript>b", "ab", "long s matches s, as Python's re.I"},
};

static const struct row tag_rows[] = {
	{"<p>a</p><p>b</p>", "a b", "block tags become a space"},
	{"a<br>b<br/>c<BR />d", "a b c d", "br in every spelling"},
	{"a<b>b</b>c", "abc", "inline tags vanish"},
	{"x<h1>T</h1><h6>U</h6><hr>y", "x T U y", "headings and hr"},
	{"<ul><li>one<li>two</ul>", "one two", "lists"},
	{"<table><tr><td>1</td><td>2</td></tr></table>", "1 2", "tables"},
	{"a<div\nclass=\"x\">b", "a b", "attributes across lines"},
	{"a<a href=\"x>y\">b</a>c", "abc", "> inside a double-quoted value"},
	{"a<a title='x>y'>b", "ab", "> inside a single-quoted value"},
	{"a<a title=\"it's\">b", "ab", "the other quote inside a value"},
	{"a<a href=\"x>b", "a<a href=\"x>b", "unterminated quote: not a tag"},
	{"a < b", "a < b", "< and a space"},
	{"I <3 you", "I <3 you", "< and a digit"},
	{"a<>b", "a<>b", "<>"},
	{"a</>b", "a</>b", "</>"},
	{"x<_y>z", "x<_y>z", "< and an underscore"},
	{"a<x:y z>b", "ab", "namespaced name"},
	{"a<my-el>b", "ab", "custom element"},
	{"a<p", "a<p", "no closing >"},
	{"a<b c=\"d\"", "a<b c=\"d\"", "no closing > after an attribute"},
	{"a<P>b", "a b", "upper-case block tag"},
	{"a<section>b</section>c<details>d<summary>e", "a b c d e", "HTML5 block elements"},
	{"a<span>b</span>c", "abc", "span is inline"},
	{"a<pre>  b  </pre>c", "a b c", "pre is collapsed too"},
};

static const struct row ref_rows[] = {
	{"&lt;p&gt;", "<p>", "escaped markup stays text"},
	{"&amp;lt;", "&lt;", "decoded once"},
	{"&#65;&#x42;&#X43;", "ABC", "decimal and hex"},
	{"&#0065;", "A", "leading zeros"},
	{"&#128;&#x80;", "\xE2\x82\xAC\xE2\x82\xAC", "0x80 is the euro sign (Windows-1252)"},
	{"&#150;&#151;&#153;", "\xE2\x80\x93\xE2\x80\x94\xE2\x84\xA2", "en dash, em dash, trade mark (Windows-1252)"},
	{"&#129;&#x8D;", "\xC2\x81\xC2\x8D", "undefined in Windows-1252: the C1 control stays"},
	{"&#0;", "\xEF\xBF\xBD", "NUL gives U+FFFD"},
	{"&#xD800;&#xDFFF;", "\xEF\xBF\xBD\xEF\xBF\xBD", "surrogates give U+FFFD"},
	{"&#x110000;", "\xEF\xBF\xBD", "past U+10FFFF gives U+FFFD"},
	{"&#1114111;", "\xF4\x8F\xBF\xBF", "U+10FFFF itself"},
	{"&#12345678;", "&#12345678;", "8 digits: not a reference"},
	{"&#x1234567;", "&#x1234567;", "7 hex digits: not a reference"},
	{"&#65", "&#65", "no semicolon: left as is"},
	{"&amp", "&amp", "named, no semicolon"},
	{"&eacute;&Eacute;", "\xC3\xA9\xC3\x89", "case matters"},
	{"&EACUTE;", "&EACUTE;", "unknown case variant left as is"},
	{"&nbsp;x&nbsp;", "x", "nbsp collapses and trims"},
	{"a&#32;&#32;b", "a b", "a decoded space collapses"},
	{"&apos;", "'", "apos (not in HTML 4.01 but accepted)"},
	{"&thetasym;&hellip;&euro;&trade;", "\xCF\x91\xE2\x80\xA6\xE2\x82\xAC\xE2\x84\xA2", "long and common names"},
	{"&unknown; &foo;", "&unknown; &foo;", "unknown names left"},
	{"AT&T", "AT&T", "bare ampersand"},
	{"&;&#;&#x;", "&;&#;&#x;", "empty references"},
	{"&am<b></b>p;", "&", "references are decoded after tags go"},
	{"&&amp;", "&&", "an ampersand before a reference"},
	{"&#9;tab&#10;", "tab", "decoded whitespace collapses and trims"},
};

static const struct row collapse_rows[] = {
	{"  <p>  a  </p>  <p> b </p>  ", "a b", "collapse and trim"},
	{"a\xC2\xA0<br>\xC2\xA0" "b", "a b", "nbsp around a block tag"},
	{"", "", "empty"},
	{"<p></p>", "", "nothing left"},
	{"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "non-ASCII passes through"},
	{"no markup at all", "no markup at all", "fast path"},
	{"x &amp; y", "x & y", "fast path with a reference"},
};


static const char *show(const char *s)
{
	static char out[2][1024];
	static int which;
	char *o = out[which ^= 1];
	size_t k = 0;
	for (; *s && k + 5 < sizeof out[0]; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7F && c != '\\')
			o[k++] = (char)c;
		else
			k += (size_t)snprintf(o + k, sizeof out[0] - k, "\\x%02X", c);
	}
	o[k] = '\0';
	return o;
}

/* Run rows through fn, appending after a prefix: the prefix must stay and
 * the trim must apply to this call's text only. */
static int run(const char *table, const struct row *rows, size_t n,
               void (*fn)(struct buf *, const char *, size_t))
{
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		struct buf b = {0};
		buf_adds(&b, "> ");
		fn(&b, rows[i].in, strlen(rows[i].in));
		if (b.len < 2 || memcmp(b.data, "> ", 2) != 0 || strcmp(b.data + 2, rows[i].out) != 0 ||
		    strlen(b.data) != b.len) {
			print_error("%s row %zu (%s): \"%s\"", table, i, rows[i].why, show(rows[i].in));
			print_error(" -> \"%s\", want \"%s\"\n", show(b.data + 2), show(rows[i].out));
			failures++;
		}
		buf_done(&b);
	}
	return failures;
}

#define RUN(rows, fn) run(#rows, rows, sizeof rows / sizeof rows[0], fn)

static void test_plain(void **state)
{
	(void)state;
	assert_int_equal(RUN(plain_rows, text_plain), 0);
	/* plain() is also step 6 of html_to_text: the same rows hold there
	 * when they contain no markup or reference. */
	assert_int_equal(RUN(collapse_rows, text_from_html), 0);
}

static void test_comments(void **state)
{
	(void)state;
	assert_int_equal(RUN(comment_rows, text_from_html), 0);
}

static void test_declarations(void **state)
{
	(void)state;
	assert_int_equal(RUN(decl_rows, text_from_html), 0);
}

static void test_raw_text_elements(void **state)
{
	(void)state;
	assert_int_equal(RUN(raw_rows, text_from_html), 0);
}

static void test_tags(void **state)
{
	(void)state;
	assert_int_equal(RUN(tag_rows, text_from_html), 0);
}

static void test_references(void **state)
{
	(void)state;
	assert_int_equal(RUN(ref_rows, text_from_html), 0);
}

static void test_decode_entity(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t used;     /* 0: not a reference, nothing appended */
		const char *out;
	} rows[] = {
		{"&amp;rest", 5, "&"},
		{"&lt;", 4, "<"},
		{"&#38;", 5, "&"},
		{"&#x26;", 6, "&"},
		{"&#x20ac;", 8, "\xE2\x82\xAC"},
		{"&#147;", 6, "\xE2\x80\x9C"},     /* Windows-1252 left double quote */
		{"&#0;", 4, "\xEF\xBF\xBD"},
		{"&amp", 0, ""},
		{"&amp ;", 0, ""},
		{"&nosuch;", 0, ""},
		{"& amp;", 0, ""},
		{"&#;", 0, ""},
		{"&#x;", 0, ""},
		{"&#xG;", 0, ""},
		{"&", 0, ""},
		{"&abcdefghijabcdefghijabcdefghijab;", 0, ""},  /* 32 letters, unknown */
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct buf b = {0};
		size_t used = text_decode_entity(&b, rows[i].in, strlen(rows[i].in));
		if (used != rows[i].used || strcmp(buf_str(&b), rows[i].out) != 0) {
			print_error("row %zu: text_decode_entity(\"%s\") used %zu -> \"%s\"\n", i,
			            rows[i].in, used, show(buf_str(&b)));
			failures++;
		}
		buf_done(&b);
	}
	assert_int_equal(failures, 0);
}

static void test_entity_lookup(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int32_t cp;
	} rows[] = {
		{"AElig", 0xC6}, {"Aacute", 0xC1}, {"amp", 0x26}, {"apos", 0x27}, {"lt", 0x3C},
		{"gt", 0x3E}, {"quot", 0x22}, {"nbsp", 0xA0}, {"copy", 0xA9}, {"eacute", 0xE9},
		{"Eacute", 0xC9}, {"euro", 0x20AC}, {"thetasym", 0x3D1}, {"zwnj", 0x200C},
		{"zwj", 0x200D}, {"yuml", 0xFF}, {"Yuml", 0x178}, {"rsaquo", 0x203A},
		{"lrm", 0x200E}, {"rlm", 0x200F}, {"diams", 0x2666}, {"alefsym", 0x2135},
		{"Mu", 0x39C}, {"mu", 0x3BC}, {"xi", 0x3BE}, {"Xi", 0x39E},
		{"AMP", -1}, {"Amp", -1}, {"eacut", -1}, {"eacutes", -1}, {"", -1}, {"a", -1},
		{"zzzz", -1}, {"AAAA", -1}, {"thetasymx", -1},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int32_t cp = text_entity_lookup(rows[i].name, strlen(rows[i].name));
		if (cp != rows[i].cp) {
			print_error("row %zu: text_entity_lookup(\"%s\") = %d, want %d\n", i, rows[i].name,
			            cp, rows[i].cp);
			failures++;
		}
	}
	/* A name is read to its length, not to a NUL. */
	assert_int_equal(text_entity_lookup("ltx", 2), 0x3C);
	assert_int_equal(failures, 0);
}

/* Inputs of a few hundred KB of tags that never close: each must stay
 * linear. "<a '>' " repeated made every '<' rescan to the end (the
 * oracle's own regex is quadratic there); this test took minutes then. */
static void test_many_open_brackets(void **state)
{
	(void)state;
	static const char *const units[] = {
		"<a ", "a < b ", "<!", "<p", "<a '>' ", "<a '\"' ", "<script>", "<!--",
	};
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		struct buf in = {0}, out = {0};
		for (int i = 0; i < 100000; i++)
			buf_adds(&in, units[u]);
		text_from_html(&out, in.data, in.len);
		assert_true(out.len <= in.len);
		buf_done(&in);
		buf_done(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_raw_text_elements),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_decode_entity),
		cmocka_unit_test(test_entity_lookup),
		cmocka_unit_test(test_many_open_brackets),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
