/* tests/store/test-redis.c - store/redis.h: URLs, commands, pipelining,
 * error classes and reconnect against a real redis-server. */
#include "tests/store/helpers.h"

#include <signal.h>
#include <sys/wait.h>

#include "core/alloc.h"

struct url_case {
	const char *url;
	rp_err want;
	const char *host;  /* NULL for unix */
	int port;
	const char *path;  /* NULL for tcp */
};

static const struct url_case url_cases[] = {
	{ "redis://127.0.0.1:6380", RP_OK, "127.0.0.1", 6380, NULL },
	{ "redis://localhost", RP_OK, "localhost", 6379, NULL },
	{ "redis://localhost/0", RP_OK, "localhost", 6379, NULL },
	{ "redis://[::1]:6379", RP_ERR_USAGE, NULL, 0, NULL },     /* IPv6 literals: not yet */
	{ "redis://h:0", RP_ERR_USAGE, NULL, 0, NULL },
	{ "redis://h:70000", RP_ERR_USAGE, NULL, 0, NULL },
	{ "redis://h:12x", RP_ERR_USAGE, NULL, 0, NULL },
	{ "redis://h/3", RP_ERR_USAGE, NULL, 0, NULL },
	{ "redis://user:pw@h:1", RP_ERR_USAGE, NULL, 0, NULL },
	{ "redis://:6379", RP_ERR_USAGE, NULL, 0, NULL },
	{ "unix:/tmp/r.sock", RP_OK, NULL, 0, "/tmp/r.sock" },
	{ "unix:///tmp/r.sock", RP_OK, NULL, 0, "/tmp/r.sock" },
	{ "unix:r.sock", RP_ERR_USAGE, NULL, 0, NULL },
	{ "http://h:1", RP_ERR_USAGE, NULL, 0, NULL },
	{ "", RP_ERR_USAGE, NULL, 0, NULL },
};

static void test_url_table(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		const struct url_case *c = &url_cases[i];
		struct redis_addr a = { 0 };
		struct buf err;
		buf_init(&err);
		rp_err e = redis_addr_parse(c->url, &a, &err);
		bool ok = e == c->want;
		if (ok && e == RP_OK) {
			ok = (c->host ? a.host && strcmp(a.host, c->host) == 0 : !a.host) &&
			     a.port == c->port &&
			     (c->path ? a.path && strcmp(a.path, c->path) == 0 : !a.path);
		}
		if (ok && e != RP_OK)
			ok = err.len > 0;   /* a refusal says why */
		if (!ok) {
			fprintf(stderr, "# row %zu \"%s\": got %s (%s)\n", i, c->url, rp_err_str(e),
			        buf_str(&err));
			failed++;
		}
		redis_addr_done(&a);
		buf_done(&err);
	}
	assert_int_equal(failed, 0);
}

static void test_open_refused(void **state)
{
	(void)state;
	struct redis *r = NULL;
	struct buf err;
	buf_init(&err);
	assert_int_equal(redis_open("unix:/nonexistent/redis.sock", &r, &err), RP_ERR_REDIS);
	assert_null(r);
	assert_non_null(strstr(buf_str(&err), "/nonexistent/redis.sock"));
	buf_reset(&err);
	assert_int_equal(redis_open("nonsense", &r, &err), RP_ERR_USAGE);
	buf_done(&err);
}

static void test_call_and_errors(void **state)
{
	struct fixture *f = *state;
	redisReply *rep;
	assert_int_equal(redis_callv(f->r, NULL, "SET", "k", "v w", (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, &rep, "GET", "k", (char *)NULL), RP_OK);
	assert_string_equal(rep->str, "v w");   /* a space inside an argument stays */
	freeReplyObject(rep);
	/* An error reply: RP_ERR_REDIS from redis_call, text kept, still connected. */
	assert_int_equal(redis_callv(f->r, NULL, "HGET", "k", "f", (char *)NULL), RP_ERR_REDIS);
	assert_non_null(strstr(redis_errstr(f->r), "WRONGTYPE"));
	assert_true(redis_connected(f->r));
	/* Error classes, as Redis words them. */
	const char *argv[] = { "EVALSHA", "0000000000000000000000000000000000000000", "0" };
	size_t lens[] = { 7, 40, 1 };
	assert_int_equal(redis_append(f->r, 3, argv, lens), RP_OK);
	assert_int_equal(redis_get_reply(f->r, &rep), RP_OK);
	assert_true(redis_reply_is_noscript(rep));
	assert_false(redis_reply_is_oom(rep));
	freeReplyObject(rep);
	/* An EXEC refused because of an error is classed by that error
	 * (store/ingest.c sends its batches in MULTI/EXEC). */
	assert_int_equal(redis_callv(f->r, NULL, "CONFIG", "SET", "maxmemory", "1", (char *)NULL), RP_OK);
	const char *tx[][3] = { { "MULTI" }, { "SET", "k2", "x" }, { "EXEC" } };
	size_t txn[] = { 1, 3, 1 };
	for (size_t i = 0; i < 3; i++) {
		size_t l[3];
		for (size_t j = 0; j < txn[i]; j++)
			l[j] = strlen(tx[i][j]);
		assert_int_equal(redis_append(f->r, (int)txn[i], tx[i], l), RP_OK);
	}
	redisReply *rs[3];
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(redis_get_reply(f->r, &rs[i]), RP_OK);
	assert_true(redis_reply_is_oom(rs[1]));            /* refused when queued */
	assert_int_equal(rs[2]->type, REDIS_REPLY_ERROR);
	assert_non_null(strstr(rs[2]->str, "EXECABORT"));
	assert_false(redis_reply_is_noscript(rs[2]));
	for (size_t i = 0; i < 3; i++)
		freeReplyObject(rs[i]);
	/* and EXEC's own refusal, as Redis words it */
	redisReply fake = { .type = REDIS_REPLY_ERROR };
	char text[] = "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.";
	fake.str = text;
	fake.len = strlen(text);
	assert_true(redis_reply_is_oom(&fake));
	assert_false(redis_reply_is_loading(&fake));
	char other[] = "EXECABORT Transaction discarded because of previous errors.";
	fake.str = other;
	fake.len = strlen(other);
	assert_false(redis_reply_is_oom(&fake));
	assert_int_equal(redis_callv(f->r, NULL, "CONFIG", "SET", "maxmemory", "0", (char *)NULL), RP_OK);
}

static void test_pipeline(void **state)
{
	struct fixture *f = *state;
	enum { N = 5000 };
	struct redis_cmd c;
	redis_cmd_init(&c);
	for (int i = 0; i < N; i++) {
		redis_cmd_reset(&c);
		redis_cmd_adds(&c, "RPUSH");
		redis_cmd_adds(&c, "pipe");
		redis_cmd_addi(&c, i);
		assert_int_equal(redis_append(f->r, (int)c.n, redis_cmd_argv(&c), c.len), RP_OK);
	}
	for (int i = 0; i < N; i++) {
		redisReply *rep;
		assert_int_equal(redis_get_reply(f->r, &rep), RP_OK);
		assert_int_equal(rep->integer, i + 1);   /* replies in order */
		freeReplyObject(rep);
	}
	redis_cmd_done(&c);
	assert_int_equal(call_int(f->r, "LLEN", "pipe", (char *)NULL), N);
}

/* kill -9 of the server: the call fails once with RP_ERR_REDIS, the
 * context is dropped; the server comes back (supervision) and
 * redis_reconnect makes a new one, with the data of the AOF. */
static void test_reconnect(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(redis_callv(f->r, NULL, "SET", "durable", "1", (char *)NULL), RP_OK);
	pid_t pid = server_pid(f->srv);
	assert_true(pid > 0);
	kill(pid, SIGKILL);
	/* The next command sees the loss. */
	rp_err e = redis_callv(f->r, NULL, "PING", (char *)NULL);
	assert_int_equal(e, RP_ERR_REDIS);
	assert_false(redis_connected(f->r));
	assert_int_equal(redis_append(f->r, 1, (const char *[]){ "PING" }, (size_t[]){ 4 }),
	                 RP_ERR_REDIS);
	/* Nothing there yet: a short reconnect budget runs out. */
	while (server_alive(f->srv))
		usleep(1000);
	assert_int_equal(redis_reconnect(f->r, 50), RP_ERR_REDIS);
	assert_non_null(strstr(redis_errstr(f->r), "gave up"));
	struct buf err;
	buf_init(&err);
	assert_int_equal(server_check(f->srv, &err), RP_OK);
	buf_done(&err);
	assert_int_equal(redis_reconnect(f->r, 5000), RP_OK);
	assert_true(redis_connected(f->r));
	assert_int_equal(call_int(f->r, "GET", "durable", (char *)NULL), 1);
	assert_true(redis_connects(f->r) >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_table),
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test_setup_teardown(test_call_and_errors, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pipeline, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
