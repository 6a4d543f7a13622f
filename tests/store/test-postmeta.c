/* tests/store/test-postmeta.c - a post's record, the string value of
 * its key P p:PID (store/postmeta.h): C pack and unpack agree with each
 * other on any bytes, refuse what is not a packed form, and the Lua
 * reader the scripts use (POST_META_LUA, run by a real redis-server)
 * reads the same fields as the C one. */
#include "tests/store/helpers.h"

#include "core/alloc.h"
#include "store/postmeta.h"

/* Values that would break a separator-based form: ':' and digits at the
 * start, NUL-free control bytes, UTF-8, empty and absent ones. */
static const char *const rows[][POST_META_N] = {
	{ [POST_META_HASH] = "7c9898c9b574eca7", [POST_META_D] = "7c9898c9b574eca7",
	  [POST_META_S] = "0123456789abcdef", [POST_META_T] = "1352178511",
	  [POST_META_ID] = "https://social.coop/users/u1/statuses/1",
	  [POST_META_SOURCE] = "mastodon:social.coop", [POST_META_URL] = "https://social.coop/@u1/1",
	  [POST_META_AUTHOR] = "Bilal Okafor", [POST_META_LANG] = "pt",
	  [POST_META_UPDATED] = "1352178511", [POST_META_TITLE] = "A title",
	  [POST_META_TEXT] = "Na sess\xc3\xa3o sobre critical internet resources. #igf2012",
	  [POST_META_THEMES] = "cir,access", [POST_META_SESSIONS] = "ws64" },
	{ "12:34", "hidden", "9:", ":", "0", "", "\x1f", "1", "3", "\x1f\x01 a", "", NULL, "0:",
	  "10:x", "", ",", NULL, "1:", "2:ab" },
	{ [POST_META_ID] = "id-only" },
	{ [POST_META_HASH] = "0000000000000000", [POST_META_X] = "deleted",
	  [POST_META_XB] = "\xe4\xbd\x9c\xe8\x80\x85", [POST_META_XW] = "0:",
	  [POST_META_XT] = "1352300000", [POST_META_ID] = "x",
	  [POST_META_SOURCE] = "\xd0\xa1\xd0\xb5\xd1\x80\xd0\xb3\xd0\xb5\xd0\xb9",
	  [POST_META_LANG] = "zh-Hant", [POST_META_UPDATED] = "0", [POST_META_M] = "4",
	  [POST_META_SESSIONS] = "ws1,ws2" },
};

/* rows[r] packed into *b (initialised here; buf_done it). */
static void pack_row(struct buf *b, size_t r)
{
	buf_init(b);
	post_meta_pack(b, rows[r]);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct buf b;
		pack_row(&b, r);
		struct post_meta m;
		assert_true(post_meta_unpack(b.data, b.len, &m));
		for (size_t i = 0; i < POST_META_N; i++) {
			char *got = post_meta_dup(&m, (enum post_meta_field)i);
			if (!rows[r][i] || !rows[r][i][0]) {
				assert_null(got);
			} else {
				assert_non_null(got);
				assert_string_equal(got, rows[r][i]);
			}
			rp_free(got);
		}
		buf_done(&b);
	}
}

static void test_refuses_malformed(void **state)
{
	(void)state;
#define Z6 "0:0:0:0:0:0:"
	static const char *const bad[] = {
		"",                              /* nothing */
		"2:id" Z6 Z6 "0:0:0:0:0:",       /* eighteen fields */
		"2:id" Z6 Z6 Z6 "x",             /* bytes after the last */
		"99:id" Z6 Z6 Z6,                /* a length past the end */
		"2id" Z6 Z6 Z6,                  /* no ':' */
		":" Z6 Z6 Z6,                    /* no digits */
		"99999999999:" Z6 Z6 Z6,         /* more than 10 digits */
		"2:id" Z6 "0:0:0:0:",            /* eleven fields: a v of layout 2 */
		"https://e.org/1",               /* an unpacked id (a hash of layout 1) */
	};
#undef Z6
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct post_meta m;
		assert_false(post_meta_unpack(bad[i], strlen(bad[i]), &m));
		for (size_t f = 0; f < POST_META_N; f++)
			assert_int_equal(m.n[f], 0);
	}
}

/* The Lua reader gives each field as C does. */
static void test_lua_agrees(void **state)
{
	struct fixture *f = *state;
	static const char script[] = POST_META_LUA
		"local out = {}\n"
		"for k = 1, PM_N do out[k] = post_meta(ARGV[1], k) end\n"
		"out[PM_N + 1] = post_meta(nil, 1)\n"
		"out[PM_N + 2] = post_meta('garbage', 2)\n"
		"-- all, then packed again: the same bytes\n"
		"out[PM_N + 3] = post_meta_pack(post_meta_all(ARGV[1]))\n"
		"return out\n";
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct buf b;
		pack_row(&b, r);
		const char *argv[] = { "EVAL", script, "0", b.data };
		size_t lens[] = { 4, sizeof script - 1, 1, b.len };
		redisReply *rep;
		assert_int_equal(redis_call(f->r, &rep, 4, argv, lens), RP_OK);
		assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
		assert_int_equal(rep->elements, POST_META_N + 3);
		for (size_t i = 0; i < POST_META_N; i++) {
			const char *want = rows[r][i] ? rows[r][i] : "";
			assert_int_equal(rep->element[i]->len, strlen(want));
			assert_memory_equal(rep->element[i]->str, want, strlen(want));
		}
		assert_int_equal(rep->element[POST_META_N]->len, 0);
		assert_int_equal(rep->element[POST_META_N + 1]->len, 0);
		assert_int_equal(rep->element[POST_META_N + 2]->len, b.len);
		assert_memory_equal(rep->element[POST_META_N + 2]->str, b.data, b.len);
		freeReplyObject(rep);
		buf_done(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refuses_malformed),
		cmocka_unit_test_setup_teardown(test_lua_agrees, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
