/* tests/tagger/test-postline.c - post_parse_line's fast path against
 * jansson.
 *
 * core/post.c reads plain posts.jsonl lines without jansson (the tagger's
 * speed target: bench/tag) and hands everything else to json_loadb and
 * post_from_json. Here every line goes both ways, through
 * post_parse_line and through json_loadb + post_from_json (the reference),
 * and the two must agree: the same rp_err, the same message, and for good
 * lines the same post (compared through post_to_json). First a table of
 * lines on the edges of the grammar (escapes, surrogates, invalid UTF-8,
 * numbers, duplicates, types), then seeded random edits of good lines.
 * It lives with the tagger tests because the tagger engineers own the
 * fast path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/post.h"

static const char *lines[] = {
	"{\"id\":\"a\",\"text\":\"plain\"}",
	"  {\"id\":\"a\" , \"text\" :\"ws\"\t}\r\n ",
	"{\"id\":\"a\",\"text\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\"}",
	"{\"id\":\"a\",\"text\":\"\\u00e9\\u00C9 \\u20ac \\ud83d\\ude00\"}",
	"{\"id\":\"a\",\"text\":\"\\u0000\"}",
	"{\"id\":\"a\",\"text\":\"\\ud800\"}",
	"{\"id\":\"a\",\"text\":\"\\udc00\"}",
	"{\"id\":\"a\",\"text\":\"\\ud800\\u0041\"}",
	"{\"id\":\"a\",\"text\":\"\\ud800x\"}",
	"{\"id\":\"a\",\"text\":\"\\u12\"}",
	"{\"id\":\"a\",\"text\":\"\\x\"}",
	"{\"id\":\"a\",\"text\":\"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80\"}",
	"{\"id\":\"a\",\"text\":\"bad \xc3\"}",
	"{\"id\":\"a\",\"text\":\"bad \xc0\xaf\"}",
	"{\"id\":\"a\",\"text\":\"bad \xed\xa0\x80\"}",
	"{\"id\":\"a\",\"text\":\"bad \xf4\x90\x80\x80\"}",
	"{\"id\":\"a\",\"text\":\"ctl \x01\"}",
	"{\"id\":\"a\",\"text\":\"tab \t\"}",
	"{\"id\":\"a\",\"text\":\"x\"} x",
	"{\"id\":\"a\",\"text\":\"x\",}",
	"{\"id\":\"a\",\"text\":\"x\"",
	"{\"id\":\"a\",\"text\":\"x",
	"{\"id\":\"a\" \"text\":\"x\"}",
	"[{\"id\":\"a\",\"text\":\"x\"}]",
	"\"a\"",
	"{}",
	"",
	"{\"id\":\"a\",\"id\":\"b\",\"text\":\"dup\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"x\":1,\"x\":2}",
	"{\"id\":\"a\",\"text\":\"x\",\"\\u0069d\":\"b\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"i\\u0064\":\"b\"}",
	"{\"id\":0,\"text\":\"x\"}",
	"{\"id\":-0,\"text\":\"x\"}",
	"{\"id\":01,\"text\":\"x\"}",
	"{\"id\":-,\"text\":\"x\"}",
	"{\"id\":123456789012345678,\"text\":\"x\"}",
	"{\"id\":1234567890123456789,\"text\":\"x\"}",
	"{\"id\":-9223372036854775808,\"text\":\"x\"}",
	"{\"id\":1e3,\"text\":\"x\"}",
	"{\"id\":1.0,\"text\":\"x\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"n\":1.5,\"m\":-0.25,\"e\":1e400,\"f\":1.,\"b\":true}",
	"{\"id\":\"a\",\"text\":\"x\",\"n\":.5}",
	"{\"id\":\"a\",\"text\":\"x\",\"b\":tru}",
	"{\"id\":\"a\",\"text\":\"x\",\"b\":truex}",
	"{\"id\":\"a\",\"text\":\"x\",\"b\":nulls}",
	"{\"id\":\"a\",\"text\":\"x\",\"o\":{\"a\":[1,{\"b\":null}]}}",
	"{\"id\":\"a\",\"text\":\"x\",\"o\":{\"a\":1,\"a\":2}}",
	"{\"id\":\"a\",\"text\":\"x\",\"l\":[1,\"2\",null,true,[3]]}",
	"{\"id\":\"a\",\"text\":\"x\",\"l\":[1,]}",
	"{\"id\":\"a\",\"text\":\"x\",\"tags\":[\"a\",\"A\",\"a\",\"\",\"b\\u00e9\"],\"links\":[]}",
	"{\"id\":\"a\",\"text\":\"x\",\"tags\":[\"a\",1]}",
	"{\"id\":\"a\",\"text\":\"x\",\"tags\":\"a\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"tags\":null,\"links\":null,\"media\":null}",
	"{\"id\":\"a\",\"text\":\"x\",\"media\":[{\"url\":\"http://x/y.jpg\",\"alt\":\"y\"}]}",
	"{\"id\":\"a\",\"text\":\"x\",\"media\":[]}",
	"{\"id\":\"a\",\"text\":\"x\",\"published\":\"2012-11-06T10:00:00Z\",\"updated\":1700000000}",
	"{\"id\":\"a\",\"text\":\"x\",\"published\":\"yesterday\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"published\":\"\"}",
	"{\"id\":\"a\",\"text\":\"x\",\"published\":1.5}",
	"{\"id\":\"a\",\"text\":\"x\",\"published\":null,\"updated\":-1}",
	"{\"id\":\"a\",\"url\":\"http://x/\",\"title\":\"t\",\"author\":\"me\",\"lang\":\"en\","
	"\"source\":\"bluesky\",\"repost_of\":\"b\"}",
	"{\"id\":\"a\",\"text\":\"\",\"title\":\"\",\"url\":\"\"}",
	"{\"id\":\"a\",\"text\":null}",
	"{\"id\":\"\",\"text\":\"x\"}",
	"{\"id\":true,\"text\":\"x\"}",
	"{\"id\":\"a\",\"text\":[\"x\"]}",
	"{\"id\":\"a\",\"text\":{}}",
	"{\"id\":\"a\",\"title\":5}",
	"{\"id\":\"a\",\"text\":\"x\",\"\":1}",
	"{\"id\":\"a\",\"text\":\"x\",\"k\xc3\xa9\":1}",
	"{\"id\":\"a\",\"text\":\"x\",\"k\xc3\":1}",
};

/* The result of one line as text: "ERR n: message" or the post's JSON. */
static char *outcome(rp_err e, struct post *p, struct buf *err)
{
	if (e) {
		char *s;
		if (asprintf(&s, "ERR %d: %s", (int)e, buf_str(err)) < 0)
			abort();
		return s;
	}
	json_t *j = post_to_json(p, false);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	post_done(p);
	return s;
}

static char *via_fast(const char *line, size_t len)
{
	struct post p;
	struct buf err = {0};
	rp_err e = post_parse_line(line, len, &p, &err);
	char *s = outcome(e, &p, &err);
	buf_done(&err);
	return s;
}

static char *via_jansson(const char *line, size_t len)
{
	struct post p;
	struct buf err = {0};
	json_error_t jerr;
	rp_err e;
	json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		buf_printf(&err, "column %d: %s", jerr.column, jerr.text);
		e = RP_ERR_INPUT;
	} else {
		e = post_from_json(obj, &p, &err);
		json_decref(obj);
	}
	char *s = outcome(e, &p, &err);
	buf_done(&err);
	return s;
}

static int same(const char *line, size_t len)
{
	char *a = via_fast(line, len), *b = via_jansson(line, len);
	int ok = strcmp(a, b) == 0;
	if (!ok) {
		fprintf(stderr, "line: ");
		fwrite(line, 1, len, stderr);
		fprintf(stderr, "\n  fast:    %s\n  jansson: %s\n", a, b);
	}
	free(a);
	free(b);
	return ok;
}

static void test_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		bad += !same(lines[i], strlen(lines[i]));
	assert_int_equal(bad, 0);
}

/* Seeded random edits: insert, replace or delete a piece from a list of
 * the grammar's sharp edges, a few times per line. */
static void test_edits(void **state)
{
	(void)state;
	static const char *pieces[] = {
		"\"", "\\", "\\u", "\\ud83d", "\\ude00", "\\u0000", "00", "d8", "{", "}",
		"[", "]", ",", ":", " ", "\t", "\n", "\xc3", "\xa9", "\xc3\xa9", "\xed\xa0\x80",
		"\xf0\x9f\x98\x80", "\x01", "e", "E", ".", "-", "0", "1", "9", "null", "true",
		"\"id\"", "\"text\"", "\"tags\"", ":1", ":\"x\"", ":[]", ":{}", "\\n", "\\\"", "#",
	};
	const size_t np = sizeof pieces / sizeof pieces[0];
	const size_t nl = sizeof lines / sizeof lines[0];
	uint64_t rng = 0x9E3779B97F4A7C15ull;
	char buf[1024];
	int bad = 0;
	for (int round = 0; round < 60000 && bad < 5; round++) {
		const char *seed = lines[round % nl];
		size_t len = strlen(seed);
		memcpy(buf, seed, len);
		int edits = 1 + round % 3;
		for (int k = 0; k < edits; k++) {
			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			size_t at = len ? (size_t)(rng >> 8) % (len + 1) : 0;
			const char *pc = pieces[(rng >> 40) % np];
			size_t pl = strlen(pc);
			switch ((rng >> 60) % 3) {
			case 0: /* insert */
				if (len + pl >= sizeof buf)
					break;
				memmove(buf + at + pl, buf + at, len - at);
				memcpy(buf + at, pc, pl);
				len += pl;
				break;
			case 1: /* replace one byte */
				if (at < len)
					buf[at] = pc[0];
				break;
			default: /* delete up to 3 bytes */
				if (at < len) {
					size_t d = 1 + (rng >> 4) % 3;
					if (d > len - at)
						d = len - at;
					memmove(buf + at, buf + at + d, len - at - d);
					len -= d;
				}
			}
		}
		bad += !same(buf, len);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
