/* tests/store/test-server.c - store/server.h: the managed redis-server. */
#include "tests/store/helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *config_get(struct redis *r, const char *name)
{
	redisReply *rep;
	if (redis_callv(r, &rep, "CONFIG", "GET", name, (char *)NULL) != RP_OK)
		return NULL;
	char *v = rep->type == REDIS_REPLY_ARRAY && rep->elements == 2
	        ? strdup(rep->element[1]->str) : NULL;
	freeReplyObject(rep);
	return v;
}

/* The shipped durability settings (RELIABILITY.md 1.6: AOF everysec
 * loses no acknowledged write when either process is killed). */
static void test_config(void **state)
{
	struct fixture *f = *state;
	const char *want[][2] = {
		{ "appendonly", "yes" }, { "appendfsync", "everysec" }, { "port", "0" },
		{ "unixsocketperm", "700" }, { "disable-thp", "no" },
		{ "zset-max-listpack-entries", "16" }, { "hash-max-listpack-entries", "256" },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *v = config_get(f->r, want[i][0]);
		assert_non_null(v);
		assert_string_equal(v, want[i][1]);
		free(v);
	}
	char *dir = config_get(f->r, "dir");
	char real[4096];
	assert_non_null(realpath(f->dir, real));
	assert_string_equal(dir, real);
	free(dir);
	char sock[4200];
	snprintf(sock, sizeof sock, "unix:%s/" SERVER_SOCKET_NAME, real);
	assert_string_equal(server_url(f->srv), sock);

	/* jemalloc is told to use huge pages (server.c says why), unless
	 * the user chose a MALLOC_CONF of their own. /proc/PID/environ
	 * cannot tell: Redis writes its process title over it. */
	if (!getenv("MALLOC_CONF")) {
		redisReply *rep;
		assert_int_equal(redis_callv(f->r, &rep, "MEMORY", "MALLOC-STATS", (char *)NULL), RP_OK);
		assert_true(rep->type == REDIS_REPLY_STRING || rep->type == REDIS_REPLY_STATUS);
		assert_non_null(strstr(rep->str, "opt.thp: \"always\""));
		freeReplyObject(rep);
	}
}

/* A second start on the same data uses the running server. */
static void test_reuse(void **state)
{
	struct fixture *f = *state;
	struct server *again = NULL;
	struct buf err;
	buf_init(&err);
	assert_int_equal(server_start(f->dir, &again, &err), RP_OK);
	assert_int_equal(server_pid(again), 0);
	assert_string_equal(server_url(again), server_url(f->srv));
	assert_int_equal(server_stop(again, &err), RP_OK);   /* not ours: left running */
	assert_true(server_alive(f->srv));
	assert_int_equal(call_int(f->r, "DBSIZE", (char *)NULL), 0);
	buf_done(&err);
}

/* SHUTDOWN leaves the AOF complete: a new server on the data has it all. */
static void test_stop_restart(void **state)
{
	(void)state;
	char dir[] = "/tmp/rap-store-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct buf err;
	buf_init(&err);
	struct server *s;
	struct redis *r;
	assert_int_equal(server_start(dir, &s, &err), RP_OK);
	assert_true(server_pid(s) > 0);
	assert_int_equal(redis_open(server_url(s), &r, &err), RP_OK);
	for (int i = 0; i < 1000; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		assert_int_equal(redis_callv(r, NULL, "SET", k, "v", (char *)NULL), RP_OK);
	}
	redis_close(r);
	pid_t pid = server_pid(s);
	assert_int_equal(server_stop(s, &err), RP_OK);
	assert_int_equal(kill(pid, 0), -1);   /* gone */
	assert_int_equal(server_start(dir, &s, &err), RP_OK);
	assert_int_equal(redis_open(server_url(s), &r, &err), RP_OK);
	assert_int_equal(call_int(r, "DBSIZE", (char *)NULL), 1000);
	redis_close(r);
	assert_int_equal(server_stop(s, &err), RP_OK);
	buf_done(&err);
	rm_rf(dir);
}

/* rapporteur killed with SIGKILL: its redis-server does not outlive it. */
static void test_no_orphan(void **state)
{
	(void)state;
	char dir[] = "/tmp/rap-store-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct buf err;
		buf_init(&err);
		struct server *s;
		pid_t p = 0;
		if (server_start(dir, &s, &err) == RP_OK)
			p = server_pid(s);
		if (write(fds[1], &p, sizeof p) != sizeof p)
			_exit(1);
		pause();
		_exit(0);
	}
	pid_t srv = 0;
	assert_int_equal(read(fds[0], &srv, sizeof srv), (ssize_t)sizeof srv);
	assert_true(srv > 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* The server gets SIGTERM (a clean shutdown) and exits; bounded wait. */
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		if (kill(srv, 0) == -1 && errno == ESRCH)
			gone = 1;
		else
			usleep(10000);
	}
	if (!gone)
		kill(srv, SIGKILL);
	assert_true(gone);
	close(fds[0]);
	close(fds[1]);
	rm_rf(dir);
}

static void test_bad_dir(void **state)
{
	(void)state;
	struct server *s = NULL;
	struct buf err;
	buf_init(&err);
	assert_int_equal(server_start("/proc/rapporteur-cannot", &s, &err), RP_ERR_IO);
	assert_null(s);
	assert_true(err.len > 0);
	/* A path too long for a unix socket is refused by name. */
	char longdir[200];
	memset(longdir, 'x', sizeof longdir - 1);
	longdir[0] = '/';
	memcpy(longdir, "/tmp/", 5);
	longdir[sizeof longdir - 1] = '\0';
	buf_reset(&err);
	assert_int_equal(server_start(longdir, &s, &err), RP_ERR_IO);
	assert_non_null(strstr(buf_str(&err), "too long"));
	rmdir(longdir);
	buf_done(&err);
	assert_string_equal(server_data_dir("x"), "x");
	setenv("RAPPORTEUR_DATA", "/tmp/elsewhere", 1);
	assert_string_equal(server_data_dir(NULL), "/tmp/elsewhere");
	unsetenv("RAPPORTEUR_DATA");
	assert_string_equal(server_data_dir(NULL), SERVER_DEFAULT_DATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reuse, fixture_setup, fixture_teardown),
		cmocka_unit_test(test_stop_restart),
		cmocka_unit_test(test_no_orphan),
		cmocka_unit_test(test_bad_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
