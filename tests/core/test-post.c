/* tests/core/test-post.c - core/post.c: reading posts.jsonl lines.
 *
 * Good lines are compared through post_to_json (compact, sorted keys);
 * bad lines by their rp_err and message. Messages of our own are matched
 * whole; jansson's syntax messages are matched by their column and a key
 * phrase, as their wording belongs to jansson.
 *
 * A 20-digit numeric id (past int64) is refused by jansson itself ("too
 * big integer") and the whole line is bad input: such ids must be given
 * as strings. Ids up to 2^63-1 keep their decimal form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "core/post.h"

static const struct {
	const char *line;
	const char *json;   /* post_to_json(p, false), compact, sorted keys */
} good[] = {
	{"{\"id\":\"a1\",\"text\":\"hello #IGF2012\"}",
	 "{\"id\":\"a1\",\"tags\":[],\"text\":\"hello #IGF2012\"}"},
	{"{\"id\":123,\"text\":\"numeric id\"}",
	 "{\"id\":\"123\",\"tags\":[],\"text\":\"numeric id\"}"},
	{"{\"id\":9223372036854775807,\"text\":\"max int64\"}",
	 "{\"id\":\"9223372036854775807\",\"tags\":[],\"text\":\"max int64\"}"},
	{"{\"id\":-5,\"title\":\"negative\"}",
	 "{\"id\":\"-5\",\"tags\":[],\"title\":\"negative\"}"},
	{"{\"id\":\"a\",\"url\":\"http://x/\",\"published\":\"Sun, 19 May 2002 15:21:36 GMT\",\"updated\":1700000000,\"tags\":[\"a\",\"a\",\"b\",\"\"],\"media\":[{\"url\":\"http://x/i.jpg\",\"type\":\"image/jpeg\",\"length\":12}],\"unknown\":{\"x\":1}}",
	 "{\"id\":\"a\",\"media\":[{\"length\":12,\"type\":\"image/jpeg\",\"url\":\"http://x/i.jpg\"}],\"published\":\"2002-05-19T15:21:36Z\",\"tags\":[\"a\",\"b\"],\"updated\":\"2023-11-14T22:13:20Z\",\"url\":\"http://x/\"}"},
	{"{\"id\":\"x\",\"text\":null,\"title\":\"t\",\"author\":null}",
	 "{\"id\":\"x\",\"tags\":[],\"title\":\"t\"}"},
	{"{\"id\":\"x\",\"text\":\"t\",\"lang\":\"pt-BR\",\"repost_of\":\"y\",\"source\":\"bluesky\",\"author\":\"Jane\"}",
	 "{\"author\":\"Jane\",\"id\":\"x\",\"lang\":\"pt-BR\",\"repost_of\":\"y\",\"source\":\"bluesky\",\"tags\":[],\"text\":\"t\"}"},
};

static const struct {
	const char *line;
	rp_err err;
	const char *msg;    /* the whole message, or for jansson's a part after "column N: " */
	int column;         /* -1: our own message, matched whole */
} bad[] = {
	{"{\"id\":12345678901234567890,\"text\":\"20-digit id\"}", RP_ERR_INPUT, "too big integer", 26},
	{"{\"id\":1.5,\"text\":\"float id\"}", RP_ERR_INPUT, "\"id\" must be a string", -1},
	{"{\"id\":true,\"text\":\"t\"}", RP_ERR_INPUT, "\"id\" must be a string", -1},
	{"{\"text\":\"no id\"}", RP_ERR_INPUT, "missing \"id\"", -1},
	{"{\"id\":null,\"text\":\"null id\"}", RP_ERR_INPUT, "missing \"id\"", -1},
	{"{\"id\":\"\",\"text\":\"empty id\"}", RP_ERR_INPUT, "missing \"id\"", -1},
	{"{\"id\":\"x\"}", RP_ERR_INPUT, "a post needs one of \"text\", \"title\" or \"url\"", -1},
	{"{\"id\":\"x\",\"text\":\"\"}", RP_ERR_INPUT, "a post needs one of \"text\", \"title\" or \"url\"", -1},
	{"{\"id\":\"x\",\"text\":5}", RP_ERR_INPUT, "\"text\" must be a string", -1},
	{"{\"id\":\"x\",\"url\":[\"a\"]}", RP_ERR_INPUT, "\"url\" must be a string", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"published\":\"yesterday\"}", RP_ERR_INPUT,
	 "\"published\": cannot read date \"yesterday\"", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"updated\":\"\"}", RP_ERR_INPUT, "\"updated\": cannot read date \"\"", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"published\":true}", RP_ERR_INPUT, "\"published\" must be a date string", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"tags\":\"notarray\"}", RP_ERR_INPUT, "\"tags\" must be an array of strings", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"tags\":[\"a\",1]}", RP_ERR_INPUT, "\"tags\"[1] must be a string", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"links\":{}}", RP_ERR_INPUT, "\"links\" must be an array of strings", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"media\":{}}", RP_ERR_INPUT, "\"media\" must be an array of objects", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"media\":[{\"type\":\"image/png\"}]}", RP_ERR_INPUT,
	 "\"media\"[0] must be an object with a \"url\" string", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"media\":[\"http://x\"]}", RP_ERR_INPUT,
	 "\"media\"[0] must be an object with a \"url\" string", -1},
	{"[1,2]", RP_ERR_INPUT, "a post must be a JSON object", -1},
	{"{\"id\":\"x\",\"text\":\"t\",\"id\":\"y\"}", RP_ERR_INPUT, "duplicate object key", 25},
	{"{\"id\":\"x\",\"text\":\"t\"} trailing", RP_ERR_INPUT, "end of file expected", 30},
	{"", RP_ERR_INPUT, "'[' or '{' expected", 0},
	{"not json", RP_ERR_INPUT, "'[' or '{' expected", 3},
	{"{\"id\":\"x\",\"text\":\"t\",", RP_ERR_INPUT, "string or '}' expected", 21},
	{"{\"id\":\"x\",\"text\":\"a\\u0000b\"}", RP_ERR_INPUT, "\\u0000 is not allowed", 27},
	{"{\"id\":\"x\",\"text\":\"\\ud800\"}", RP_ERR_INPUT, "invalid Unicode", 25},
	{"{\"id\":\"x\",\"text\":\"caf\xE9\"}", RP_ERR_INPUT, "unable to decode byte 0xe9", 21},
};

static void test_good_lines(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct post p;
		struct buf err = {0};
		rp_err e = post_parse_line(good[i].line, strlen(good[i].line), &p, &err);
		char *got = NULL;
		if (e == RP_OK) {
			json_t *j = post_to_json(&p, false);
			got = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
			json_decref(j);
			post_done(&p);
		}
		if (e != RP_OK || strcmp(got, good[i].json) != 0) {
			print_error("row %zu: %s\n  gave %s%s\n  want %s\n", i, good[i].line,
			            got ? got : "error: ", got ? "" : buf_str(&err), good[i].json);
			failures++;
		}
		free(got);
		buf_done(&err);
	}
	assert_int_equal(failures, 0);
}

static void test_bad_lines(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct post p;
		struct buf err = {0};
		rp_err e = post_parse_line(bad[i].line, strlen(bad[i].line), &p, &err);
		bool ok = e == bad[i].err;
		if (bad[i].column < 0) {
			ok = ok && strcmp(buf_str(&err), bad[i].msg) == 0;
		} else {
			char prefix[32];
			snprintf(prefix, sizeof prefix, "column %d: ", bad[i].column);
			ok = ok && strncmp(buf_str(&err), prefix, strlen(prefix)) == 0 &&
			     strstr(buf_str(&err), bad[i].msg) != NULL;
		}
		if (!ok) {
			print_error("row %zu: %s\n  gave %d \"%s\"\n  want %d \"%s\" (column %d)\n", i,
			            bad[i].line, (int)e, buf_str(&err), (int)bad[i].err, bad[i].msg,
			            bad[i].column);
			failures++;
		}
		if (e == RP_OK)
			post_done(&p);
		buf_done(&err);
	}
	assert_int_equal(failures, 0);
}

/* The limits of core/limits.h: tags and media counted after dropping
 * empty and repeated tags; a line past RP_POST_MAX_LINE is refused unread. */
static void test_limits(void **state)
{
	(void)state;
	struct buf line = {0}, err = {0};
	struct post p;

	/* 64 distinct tags plus repeats and empties: fine. */
	buf_adds(&line, "{\"id\":\"x\",\"text\":\"t\",\"tags\":[");
	for (int i = 0; i < RP_POST_MAX_TAGS; i++)
		buf_printf(&line, "\"t%d\",", i);
	buf_adds(&line, "\"t0\",\"\",\"t1\"]}");
	assert_int_equal(post_parse_line(line.data, line.len, &p, &err), RP_OK);
	assert_int_equal(p.tags.n, RP_POST_MAX_TAGS);
	post_done(&p);

	/* 65 distinct: the limit. */
	buf_reset(&line);
	buf_adds(&line, "{\"id\":\"x\",\"text\":\"t\",\"tags\":[");
	for (int i = 0; i <= RP_POST_MAX_TAGS; i++)
		buf_printf(&line, "%s\"t%d\"", i ? "," : "", i);
	buf_adds(&line, "]}");
	assert_int_equal(post_parse_line(line.data, line.len, &p, &err), RP_ERR_LIMIT);
	assert_string_equal(buf_str(&err), "\"tags\" has more than 64 items");

	buf_reset(&line);
	buf_reset(&err);
	buf_adds(&line, "{\"id\":\"x\",\"text\":\"t\",\"media\":[");
	for (int i = 0; i <= RP_POST_MAX_MEDIA; i++)
		buf_printf(&line, "%s{\"url\":\"http://x/%d\"}", i ? "," : "", i);
	buf_adds(&line, "]}");
	assert_int_equal(post_parse_line(line.data, line.len, &p, &err), RP_ERR_LIMIT);
	assert_string_equal(buf_str(&err), "\"media\" has more than 32 items");

	buf_reset(&err);
	assert_int_equal(post_parse_line("{}", (size_t)RP_POST_MAX_LINE + 1, &p, &err), RP_ERR_LIMIT);
	assert_string_equal(buf_str(&err), "line is longer than 4194304 bytes");

	buf_done(&line);
	buf_done(&err);
}

/* post_to_json and post_parse_line round-trip, tagging fields included. */
static void test_round_trip(void **state)
{
	(void)state;
	const char *line = "{\"id\":\"at://did:plc:x/app.bsky.feed.post/1\",\"source\":\"bluesky\","
	                   "\"text\":\"caf\xC3\xA9 #IGF2012\",\"published\":\"2012-11-07T09:30:00Z\","
	                   "\"tags\":[\"IGF2012\"],\"links\":[\"http://x/\"],"
	                   "\"media\":[{\"url\":\"http://x/a.jpg\",\"alt\":\"a cat\"}]}";
	struct post p;
	struct buf err = {0};
	assert_int_equal(post_parse_line(line, strlen(line), &p, &err), RP_OK);
	assert_int_equal(p.published, 1352280600);
	assert_int_equal(p.media[0].length, -1);
	strv_push(&p.themes, "access");
	p.in_event = true;
	json_t *j = post_to_json(&p, true);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s,
		"{\"id\":\"at://did:plc:x/app.bsky.feed.post/1\",\"in_event\":true,"
		"\"links\":[\"http://x/\"],\"media\":[{\"alt\":\"a cat\",\"url\":\"http://x/a.jpg\"}],"
		"\"published\":\"2012-11-07T09:30:00Z\",\"sessions\":[],\"source\":\"bluesky\","
		"\"tags\":[\"IGF2012\"],\"text\":\"caf\xC3\xA9 #IGF2012\",\"themes\":[\"access\"]}");
	struct post q;
	assert_int_equal(post_from_json(j, &q, &err), RP_OK);
	assert_string_equal(q.text, p.text);
	assert_int_equal(q.published, p.published);
	free(s);
	json_decref(j);
	post_done(&p);
	post_done(&q);
	buf_done(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests_name("post", tests, NULL, NULL);
}
