/* tests/store/helpers.h - a real redis-server per test group.
 *
 * Each group starts its own redis-server (the managed server of
 * store/server.h) on a unix socket in a fresh temporary directory and
 * stops it at the end; no test touches a server it did not start. */
#ifndef RP_TESTS_STORE_HELPERS_H
#define RP_TESTS_STORE_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "store/keys.h"
#include "store/postmeta.h"
#include "store/redis.h"
#include "store/server.h"

struct fixture {
	char dir[64];
	struct server *srv;
	struct redis *r;
};

static inline void rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
}

static inline int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/rap-store-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	struct buf err;
	buf_init(&err);
	if (server_start(f->dir, &f->srv, &err) != RP_OK ||
	    redis_open(server_url(f->srv), &f->r, &err) != RP_OK) {
		fprintf(stderr, "# %s\n", buf_str(&err));
		buf_done(&err);
		return -1;
	}
	buf_done(&err);
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	redis_close(f->r);
	struct buf err;
	buf_init(&err);
	int rc = server_stop(f->srv, &err) == RP_OK ? 0 : -1;
	buf_done(&err);
	rm_rf(f->dir);
	free(f);
	return rc;
}

/* The integer reply of a command of words, or -1. */
static inline long long call_int(struct redis *r, ...)
{
	const char *argv[32];
	size_t lens[32];
	int n = 0;
	va_list ap;
	va_start(ap, r);
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL && n < 32) {
		argv[n] = s;
		lens[n] = strlen(s);
		n++;
	}
	va_end(ap);
	redisReply *rep;
	if (redis_call(r, &rep, n, argv, lens) != RP_OK)
		return -1;
	long long v = rep->type == REDIS_REPLY_INTEGER ? rep->integer
	            : rep->type == REDIS_REPLY_STRING ? atoll(rep->str) : -1;
	freeReplyObject(rep);
	return v;
}

/* The members of a story, its key P s:SID:m (store/keys.h: PIDs end to
 * end, STORE_PID_HEX bytes each): how many; fails the test unless the
 * value is whole PIDs, each once. 0 when there is no such key. */
static inline long long story_members(struct redis *r, const char *key)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "GET", key, (char *)NULL), RP_OK);
	long long n = 0;
	if (rep->type == REDIS_REPLY_STRING) {
		assert_int_equal(rep->len % STORE_PID_HEX, 0);
		n = (long long)(rep->len / STORE_PID_HEX);
		for (long long i = 0; i < n; i++) {
			assert_int_equal(strspn(rep->str + i * STORE_PID_HEX, "0123456789abcdef") >= STORE_PID_HEX, 1);
			for (long long j = 0; j < i; j++)
				assert_int_not_equal(memcmp(rep->str + i * STORE_PID_HEX,
				                            rep->str + j * STORE_PID_HEX, STORE_PID_HEX), 0);
		}
	} else {
		assert_int_equal(rep->type, REDIS_REPLY_NIL);
	}
	freeReplyObject(rep);
	return n;
}

/* The string value of a hash field, malloc'd (free it), or NULL. */
static inline char *hget(struct redis *r, const char *key, const char *field)
{
	redisReply *rep;
	if (redis_callv(r, &rep, "HGET", key, field, (char *)NULL) != RP_OK)
		return NULL;
	char *v = rep->type == REDIS_REPLY_STRING ? strdup(rep->str) : NULL;
	freeReplyObject(rep);
	return v;
}

/* Field f of the record of a post, its key P p:PID (store/postmeta.h),
 * malloc'd (free it), or NULL when it is empty or there is no record. */
static inline char *hget_meta(struct redis *r, const char *key, enum post_meta_field f)
{
	redisReply *rep;
	if (redis_callv(r, &rep, "GET", key, (char *)NULL) != RP_OK)
		return NULL;
	struct post_meta m;
	char *got = post_meta_from_reply(rep, &m) && m.n[f] ? strndup(m.v[f], m.n[f]) : NULL;
	freeReplyObject(rep);
	return got;
}

#endif
