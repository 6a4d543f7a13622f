/* tests/store/test-ingest.c - store/ingest.h and store/digest.h against a
 * real redis-server: the key layout of store/keys.h, idempotence, edits,
 * tombstones, dedupe decided in Redis, OOM, a server killed mid-ingest,
 * and the digest reads. */
#include "tests/store/helpers.h"
#include "tests/store/tposts.h"

#include <math.h>
#include <signal.h>

#include "core/post.h"
#include "core/strv.h"
#include "store/cluster.h"
#include "store/digest.h"
#include "store/ingest.h"
#include "store/keys.h"
#include "store/layout.h"
#include "store/tombstone.h"

#define EV "testev"
#define P  "rap:{" EV "}:"

/* Run posts through an engine into Redis; returns the stats. */
static struct ingest_stats run(struct redis *r, struct cluster_engine *e, const struct tpost *ts,
                               size_t n, const struct ingest_opts *o)
{
	return tposts_run(r, EV, e, ts, n, o);
}

/* Changes recorded in the event stream (keys.h P x) over all entries:
 * each entry one pair per kind, the value that kind's changes,
 * comma-separated, each "PID SID". */
static long long stream_changes(struct redis *r)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "XRANGE", P "x", "-", "+", (char *)NULL), RP_OK);
	long long n = 0;
	for (size_t i = 0; i < rep->elements; i++) {
		const redisReply *fields = rep->element[i]->element[1];
		assert_int_equal(fields->elements % 2, 0);
		for (size_t j = 0; j < fields->elements; j += 2) {
			const char *e = fields->element[j]->str, *v = fields->element[j + 1]->str;
			assert_true(!strcmp(e, "new") || !strcmp(e, "copy") || !strcmp(e, "edit"));
			for (size_t k = j + 2; k < fields->elements; k += 2)
				assert_string_not_equal(e, fields->element[k]->str);   /* a kind once */
			/* every ingest change has a story */
			size_t len = strlen(v), one = 2 * STORE_PID_HEX + 1;
			assert_int_equal((len + 1) % (one + 1), 0);
			for (size_t at = 0; at < len; at += one + 1) {
				assert_int_equal(v[at + STORE_PID_HEX], ' ');
				assert_true(at + one == len || v[at + one] == ',');
				n++;
			}
		}
	}
	freeReplyObject(rep);
	return n;
}

/* The post key of id, through the engine's identity key. */
static void post_key(const struct tpost *t, char out[64])
{
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct post p;
	make_post(t, &p);
	struct cluster_keys k;
	assert_int_equal(cluster_engine_keys(e, &p, &k), RP_OK);
	char pid[STORE_PID_HEX_BUF];
	ingest_pid(k.identity, pid);
	snprintf(out, 64, P "p:%s", pid);
	post_done(&p);
	cluster_engine_free(e);
}

/* Set field f of the record of post key (store/postmeta.h) to value, as
 * store/tombstone.c would. */
static void set_meta(struct redis *r, const char *key, enum post_meta_field f, const char *value)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "GET", key, (char *)NULL), RP_OK);
	struct post_meta m;
	assert_true(post_meta_from_reply(rep, &m));
	char *v[POST_META_N];
	for (int i = 0; i < POST_META_N; i++)
		v[i] = m.n[i] ? strndup(m.v[i], m.n[i]) : NULL;
	freeReplyObject(rep);
	free(v[f]);
	v[f] = strdup(value);
	struct buf b;
	buf_init(&b);
	post_meta_pack(&b, (const char *const *)v);
	const char *argv[] = { "SET", key, b.data };
	size_t lens[] = { 3, strlen(key), b.len };
	assert_int_equal(redis_call(r, &rep, 3, argv, lens), RP_OK);
	freeReplyObject(rep);
	buf_done(&b);
	for (int i = 0; i < POST_META_N; i++)
		free(v[i]);
}

static const struct tpost three[] = {
	{ "https://m.social/users/x/statuses/1", "mastodon:m.social", "https://m.social/@x/1", "Xu",
	  "Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
	  "2012-11-06T09:30:00Z", "access", "ws165" },
	{ "https://o.social/users/y/statuses/2", "mastodon:o.social", "https://o.social/@y/2", "Yara",
	  "Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
	  "2012-11-06T09:35:00Z", "access", "ws165" },
	{ "https://blog.example/filtering", "https://blog.example/feed", "https://blog.example/filtering",
	  "Zoe", "The workshop on blocking and filtering discussed DNS filtering at length. "
	  "Speakers disagreed. A third sentence. And a fourth one.",
	  "2012-11-07T10:00:00Z", "openness", "ws80" },
};

static void test_layout_and_idempotence(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest_stats st = run(f->r, e, three, 3, NULL);
	assert_int_equal(st.acked, 3);
	assert_int_equal(st.result[INGEST_NEW], 3);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), 3);
	/* One stream entry per script call: the three changes of the batch. */
	assert_int_equal(call_int(f->r, "XLEN", P "x", (char *)NULL), 1);
	assert_int_equal(stream_changes(f->r), 3);
	char k0[64], k1[64], k2[64];
	post_key(&three[0], k0);
	post_key(&three[1], k1);
	post_key(&three[2], k2);
	/* The copy keeps no second text and points at the first. */
	char *tx0 = hget_meta(f->r, k0, POST_META_TEXT), *tx1 = hget_meta(f->r, k1, POST_META_TEXT);
	assert_non_null(tx0);
	assert_null(tx1);
	char *d1 = hget_meta(f->r, k1, POST_META_D), *s1 = hget_meta(f->r, k1, POST_META_S), *s0 = hget_meta(f->r, k0, POST_META_S);
	assert_string_equal(d1, k0 + strlen(P "p:"));
	assert_string_equal(s1, s0);
	char sk[80];
	snprintf(sk, sizeof sk, P "s:%s", s0);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 2);
	assert_int_equal(call_int(f->r, "HGET", sk, "na", (char *)NULL), 2);
	snprintf(sk, sizeof sk, P "s:%s:m", s0);
	assert_int_equal(story_members(f->r, sk), 2);
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 2);
	assert_int_equal(call_int(f->r, "HGET", P "n", "se:ws80", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "ZCARD", P "th:access:s", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "ZCARD", P "se:ws80:s", (char *)NULL), 1);
	/* keys.h: the score is stored as an integer, in millionths (a
	 * fractional one is text in a listpack, parsed at every ZADD). */
	redisReply *rep;
	assert_int_equal(redis_callv(f->r, &rep, "ZSCORE", P "th:access:s", s0, (char *)NULL), RP_OK);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	assert_int_equal(strspn(rep->str, "0123456789"), strlen(rep->str));
	snprintf(sk, sizeof sk, P "s:%s", s0);
	double want = store_story_score((size_t)call_int(f->r, "HGET", sk, "n", (char *)NULL),
	                                (size_t)call_int(f->r, "HGET", sk, "nd", (char *)NULL),
	                                (size_t)call_int(f->r, "HGET", sk, "na", (char *)NULL),
	                                (size_t)call_int(f->r, "HGET", sk, "nr", (char *)NULL),
	                                call_int(f->r, "HGET", sk, "l", (char *)NULL));
	assert_true(fabs(strtod(rep->str, NULL) / STORE_SCORE_UNIT - want) <= 0.5 / STORE_SCORE_UNIT + 1e-9);
	freeReplyObject(rep);
	/* Every key of the event is under the prefix: one hash slot. */
	assert_int_equal(redis_callv(f->r, &rep, "KEYS", "*", (char *)NULL), RP_OK);
	for (size_t i = 0; i < rep->elements; i++)
		assert_int_equal(strncmp(rep->element[i]->str, P, strlen(P)), 0);
	freeReplyObject(rep);
	long long keys = call_int(f->r, "DBSIZE", (char *)NULL);

	/* Again, with the same engine and with a fresh one: nothing changes. */
	st = run(f->r, e, three, 3, NULL);
	assert_int_equal(st.result[INGEST_SAME], 3);
	cluster_engine_free(e);
	e = cluster_engine_new(NULL);
	st = run(f->r, e, three, 3, &(struct ingest_opts){ .batch = 1, .window = 1 });
	assert_int_equal(st.result[INGEST_SAME], 3);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), 3);
	assert_int_equal(stream_changes(f->r), 3);
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 2);
	assert_int_equal(call_int(f->r, "DBSIZE", (char *)NULL), keys);
	free(tx0);
	free(tx1);
	free(d1);
	free(s1);
	free(s0);
	cluster_engine_free(e);
}

static void test_edit_and_tombstone(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 3, NULL);
	struct tpost edited = three[2];
	edited.text = "The workshop on blocking and filtering: corrected notes.";
	struct ingest_stats st = run(f->r, e, &edited, 1, NULL);
	assert_int_equal(st.result[INGEST_EDIT], 1);
	char k2[64];
	post_key(&three[2], k2);
	char *tx = hget_meta(f->r, k2, POST_META_TEXT);
	assert_string_equal(tx, edited.text);
	free(tx);
	assert_int_equal(stream_changes(f->r), 4);
	/* A tombstone: a later fetch neither clears nor rewrites it. */
	set_meta(f->r, k2, POST_META_X, "deleted");
	st = run(f->r, e, &three[2], 1, NULL);
	assert_int_equal(st.result[INGEST_TOMBSTONE], 1);
	tx = hget_meta(f->r, k2, POST_META_TEXT);
	assert_string_equal(tx, edited.text);
	free(tx);
	char *x = hget_meta(f->r, k2, POST_META_X);
	assert_string_equal(x, "deleted");
	free(x);
	cluster_engine_free(e);
}

/* An edit goes to edit_lua with the post's record (ingest.h): it keeps
 * the stored place (d, s, t), themes and sessions (a re-tag's) and takes
 * the new content; it is reported once, as an edit, through the acked
 * callback too. A post twice in one batch with two contents: stored
 * once, then edited, in the same run. */
struct edit_seen {
	size_t n[INGEST_N_RESULTS];
	uint64_t seq_edit;
};

static void edit_acked(void *ctx, uint64_t seq, enum ingest_result r)
{
	struct edit_seen *c = ctx;
	c->n[r]++;
	if (r == INGEST_EDIT)
		c->seq_edit = seq;
}

static void test_edit_keeps_place(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 3, NULL);
	char k2[64];
	post_key(&three[2], k2);
	/* as a re-tag would have left it */
	set_meta(f->r, k2, POST_META_THEMES, "openness,access");
	char *d0 = hget_meta(f->r, k2, POST_META_D), *s0 = hget_meta(f->r, k2, POST_META_S);
	char *t0 = hget_meta(f->r, k2, POST_META_T);
	struct tpost edited = three[2];
	edited.text = "The workshop on blocking and filtering: second version of the notes.";
	edited.published = "2012-11-07T11:00:00Z";
	struct edit_seen seen = { 0 };
	struct ingest_opts o = { .acked = edit_acked, .acked_ctx = &seen };
	struct tpost two[] = { three[0], edited };
	struct ingest_stats st = run(f->r, e, two, 2, &o);
	assert_int_equal(st.acked, 2);
	assert_int_equal(st.result[INGEST_SAME], 1);
	assert_int_equal(st.result[INGEST_EDIT], 1);
	assert_int_equal(seen.n[INGEST_SAME], 1);
	assert_int_equal(seen.n[INGEST_EDIT], 1);
	assert_int_equal(seen.seq_edit, 1);
	char *tx = hget_meta(f->r, k2, POST_META_TEXT), *th = hget_meta(f->r, k2, POST_META_THEMES);
	char *d1 = hget_meta(f->r, k2, POST_META_D), *s1 = hget_meta(f->r, k2, POST_META_S);
	char *t1 = hget_meta(f->r, k2, POST_META_T);
	assert_string_equal(tx, edited.text);
	assert_string_equal(th, "openness,access");
	assert_string_equal(d1, d0);
	assert_string_equal(s1, s0);
	assert_string_equal(t1, t0);
	free(tx), free(th), free(d0), free(d1), free(s0), free(s1), free(t0), free(t1);

	/* One batch, one new post twice: the first content stored, the
	 * second an edit of it. */
	const struct tpost a = { "https://blog.example/twice", "https://blog.example/feed",
		"https://blog.example/twice", "Zoe", "First words on the twice-seen post.",
		"2012-11-07T12:00:00Z", "openness", NULL };
	struct tpost b = a;
	b.text = "Second words on the twice-seen post, corrected.";
	struct tpost pair[] = { a, b };
	struct cluster_engine *e2 = cluster_engine_new(NULL);
	st = run(f->r, e2, pair, 2, NULL);
	assert_int_equal(st.acked, 2);
	assert_int_equal(st.result[INGEST_NEW], 1);
	assert_int_equal(st.result[INGEST_EDIT], 1);
	char ka[64];
	post_key(&a, ka);
	tx = hget_meta(f->r, ka, POST_META_TEXT);
	assert_string_equal(tx, b.text);
	free(tx);
	/* the stream: new, new, new, then edit, new, edit */
	assert_int_equal(stream_changes(f->r), 6);
	cluster_engine_free(e2);
	cluster_engine_free(e);
}

/* Two importers, each with its own engine: the second does not know the
 * first's post, but Redis does (same canonical URL): a copy, in the
 * first's story. */
static void test_dedupe_in_redis(void **state)
{
	struct fixture *f = *state;
	const struct tpost a = { "a-1", "feed-a", "https://news.example/story?utm_source=x", "Ann",
		"Ministers met civil society in Baku for the first time at this forum.",
		"2012-11-06T10:00:00Z", "access", NULL };
	const struct tpost b = { "b-1", "feed-b", "https://news.example/story", "Bob",
		"A completely different wording about something else entirely here.",
		"2012-11-06T10:05:00Z", "access", NULL };
	struct cluster_engine *ea = cluster_engine_new(NULL), *eb = cluster_engine_new(NULL);
	(void)run(f->r, ea, &a, 1, NULL);
	struct ingest_stats st = run(f->r, eb, &b, 1, NULL);
	assert_int_equal(st.result[INGEST_COPY], 1);
	char ka[64], kb[64];
	post_key(&a, ka);
	post_key(&b, kb);
	char *sa = hget_meta(f->r, ka, POST_META_S), *sb = hget_meta(f->r, kb, POST_META_S), *db = hget_meta(f->r, kb, POST_META_D);
	char *m = hget_meta(f->r, kb, POST_META_M);
	assert_string_equal(sa, sb);
	assert_string_equal(db, ka + strlen(P "p:"));
	assert_string_equal(m, "2");
	char *tx = hget_meta(f->r, kb, POST_META_TEXT);   /* same link, other words: text kept */
	assert_non_null(tx);
	free(tx);
	free(sa);
	free(sb);
	free(db);
	free(m);
	cluster_engine_free(ea);
	cluster_engine_free(eb);
}

/* Every post in the index has its whole hash, and every post hash is in
 * the index: nothing half written. */
static void assert_complete(struct redis *r)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "ZRANGE", P "posts", "0", "-1", (char *)NULL), RP_OK);
	for (size_t i = 0; i < rep->elements; i++) {
		char k[80];
		snprintf(k, sizeof k, P "p:%s", rep->element[i]->str);
		char *d = hget_meta(r, k, POST_META_D), *t = hget_meta(r, k, POST_META_T), *h = hget_meta(r, k, POST_META_HASH);
		assert_non_null(d);
		assert_non_null(t);
		assert_non_null(h);
		free(d);
		free(t);
		free(h);
	}
	size_t n = rep->elements;
	freeReplyObject(rep);
	long long hashes = 0;
	assert_int_equal(redis_callv(r, &rep, "KEYS", P "p:*", (char *)NULL), RP_OK);
	hashes = (long long)rep->elements;
	freeReplyObject(rep);
	assert_int_equal(hashes, (long long)n);
}

static struct tpost *many(size_t n, const char *prefix)
{
	struct tpost *ts = calloc(n, sizeof *ts);
	for (size_t i = 0; i < n; i++) {
		char *id, *text, *url;
		if (asprintf(&id, "https://m.example/%s/%zu", prefix, i) < 0 ||
		    asprintf(&url, "https://m.example/@%s/%zu", prefix, i) < 0 ||
		    asprintf(&text, "Report %zu from %s: speaker %zu said topic %zu matters a great deal "
		             "for access and for the people in the room and online %s.",
		             i, prefix, i % 37, i % 101, prefix) < 0)
			abort();
		ts[i] = (struct tpost){ id, "mastodon:m.example", url, "Someone", text,
		                        "2012-11-06T10:00:00Z", "access", "ws165" };
	}
	return ts;
}

static void free_many(struct tpost *ts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ts[i].id);
		free((char *)ts[i].url);
		free((char *)ts[i].text);
	}
	free(ts);
}

struct oom_ctx {
	struct redis *other;   /* a second connection, as a curator would free memory */
	int notes_oom, notes_resumed;
};

static void oom_note(void *ctx, const char *msg)
{
	struct oom_ctx *c = ctx;
	if (strstr(msg, "out of memory")) {
		c->notes_oom++;
		/* Reads keep working while ingest is paused. */
		assert_true(call_int(c->other, "ZCARD", P "posts", (char *)NULL) > 0);
		/* Free memory: ingest resumes by itself. */
		assert_int_equal(redis_callv(c->other, NULL, "CONFIG", "SET", "maxmemory", "0",
		                             (char *)NULL), RP_OK);
	}
	if (strstr(msg, "resumed"))
		c->notes_resumed++;
}

static void test_oom(void **state)
{
	struct fixture *f = *state;
	enum { N = 3000 };
	struct tpost *ts = many(N, "oom");
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, ts, 100, NULL);
	/* maxmemory just above what is used now: the next posts hit -OOM. */
	long long used = 0;
	redisReply *rep;
	assert_int_equal(redis_callv(f->r, &rep, "MEMORY", "STATS", (char *)NULL), RP_OK);
	for (size_t i = 0; i + 1 < rep->elements; i += 2)
		if (strcmp(rep->element[i]->str, "total.allocated") == 0)
			used = rep->element[i + 1]->integer;
	freeReplyObject(rep);
	char lim[32];
	snprintf(lim, sizeof lim, "%lld", used + 200 * 1024);
	assert_int_equal(redis_callv(f->r, NULL, "CONFIG", "SET", "maxmemory", lim, (char *)NULL),
	                 RP_OK);

	/* 1. With a short retry budget: a clear error, nothing half written. */
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &(struct ingest_opts){ .retry_ms = 300 }, &in, &err),
	                 RP_OK);
	rp_err res = RP_OK;
	for (size_t i = 100; i < N && res == RP_OK; i++)
		res = tpost_ingest(in, e, &ts[i], false);
	if (res == RP_OK)
		res = ingest_flush(in);
	assert_int_equal(res, RP_ERR_REDIS);
	assert_non_null(strstr(ingest_errstr(in), "OOM"));
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	assert_true(st.oom_pauses >= 1);
	ingest_close(in);
	assert_complete(f->r);
	long long stored = call_int(f->r, "ZCARD", P "posts", (char *)NULL);
	assert_true(stored >= 100 && stored < N);

	/* 2. With the default budget: paused, memory freed, resumed. */
	struct redis *other;
	assert_int_equal(redis_open(server_url(f->srv), &other, &err), RP_OK);
	struct oom_ctx c = { other, 0, 0 };
	cluster_engine_free(e);
	e = cluster_engine_new(NULL);
	st = run(f->r, e, ts, N, &(struct ingest_opts){ .note = oom_note, .note_ctx = &c });
	assert_int_equal(c.notes_oom, 1);
	assert_int_equal(c.notes_resumed, 1);
	assert_int_equal(st.acked, N);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N);
	assert_complete(f->r);
	redis_close(other);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
}

/* kill -9 of the managed server in the middle of a pipelined ingest: the
 * ingest restarts it, reconnects, sends again what was not acknowledged,
 * and every post is there exactly once. */
struct kill_ctx {
	struct fixture *f;
	int notes_lost, notes_back;
};

static void kill_note(void *ctx, const char *msg)
{
	struct kill_ctx *k = ctx;
	if (strstr(msg, "connection lost"))
		k->notes_lost++;
	if (strstr(msg, "reconnected"))
		k->notes_back++;
}

static void test_server_killed(void **state)
{
	struct fixture *f = *state;
	enum { N = 4000 };
	struct tpost *ts = many(N, "kill");
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct kill_ctx k = { f, 0, 0 };
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	struct ingest_opts o = { .batch = 16, .window = 8, .server = f->srv,
	                         .note = kill_note, .note_ctx = &k };
	assert_int_equal(ingest_open(f->r, EV, &o, &in, &err), RP_OK);
	for (size_t i = 0; i < N; i++) {
		if (i == N / 2) {
			struct ingest_stats st;
			ingest_get_stats(in, &st);
			assert_true(st.acked > 0);
			kill(server_pid(f->srv), SIGKILL);
		}
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
	}
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	assert_true(k.notes_lost >= 1);
	assert_true(k.notes_back >= 1);
	assert_true(st.reconnects >= 1);
	assert_int_equal(st.acked, N);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N);
	assert_complete(f->r);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
}

/* The acked callback (ingest.h): once per post, in ingest_add order, seq
 * counting from 0 over the struct ingest's life, with the post's result;
 * a batch sent again after a kill is still reported once. */
struct acked_ctx {
	uint64_t next;                 /* the seq expected next */
	size_t calls, bad_order;
	size_t result[INGEST_N_RESULTS];
};

static void acked_cb(void *ctx, uint64_t seq, enum ingest_result r)
{
	struct acked_ctx *c = ctx;
	if (seq != c->next)
		c->bad_order++;
	c->next = seq + 1;
	c->calls++;
	if ((unsigned)r < INGEST_N_RESULTS)
		c->result[r]++;
}

static void test_acked(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct acked_ctx c = { 0 };
	struct ingest_opts o = { .batch = 2, .window = 2, .acked = acked_cb, .acked_ctx = &c };
	/* Three new posts, then the same three again in the same ingest:
	 * seq goes on from 3, and all three are known. */
	struct tpost six[6] = { three[0], three[1], three[2], three[0], three[1], three[2] };
	struct ingest_stats st = run(f->r, e, six, 6, &o);
	assert_int_equal(c.calls, 6);
	assert_int_equal(c.bad_order, 0);
	assert_int_equal(c.next, 6);
	assert_int_equal(c.result[INGEST_NEW], 3);
	assert_int_equal(c.result[INGEST_SAME], 3);
	for (int r = 0; r < INGEST_N_RESULTS; r++)
		assert_int_equal(c.result[r], st.result[r]);
	cluster_engine_free(e);

	/* Over a kill -9 of the server: still once per post, in order. */
	enum { N = 3000 };
	struct tpost *ts = many(N, "acked");
	e = cluster_engine_new(NULL);
	memset(&c, 0, sizeof c);
	struct kill_ctx k = { f, 0, 0 };
	o = (struct ingest_opts){ .batch = 16, .window = 8, .server = f->srv, .note = kill_note,
	                          .note_ctx = &k, .acked = acked_cb, .acked_ctx = &c };
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &o, &in, &err), RP_OK);
	for (size_t i = 0; i < N; i++) {
		if (i == N / 2)
			kill(server_pid(f->srv), SIGKILL);
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
	}
	assert_int_equal(ingest_flush(in), RP_OK);
	ingest_get_stats(in, &st);
	ingest_close(in);
	assert_true(st.reconnects >= 1);
	assert_int_equal(c.calls, N);
	assert_int_equal(c.bad_order, 0);
	assert_int_equal(c.next, N);
	assert_int_equal(c.result[INGEST_NEW] + c.result[INGEST_SAME], N);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
}

/* The script cache emptied between batches (SCRIPT FLUSH, or a failover
 * to a server that never loaded it): a batch's EXEC runs its SETs and
 * answers NOSCRIPT for the script. The ingest loads the scripts again and
 * sends the batch again, which finds the records there, indexes them, and
 * reports each post once, as new; nothing is left half written. */
static void test_noscript_mid_run(void **state)
{
	struct fixture *f = *state;
	enum { N = 40 };
	struct tpost *ts = many(N, "noscript");
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest_opts o = { .batch = 8, .window = 2 };
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &o, &in, &err), RP_OK);
	for (size_t i = 0; i < N; i++) {
		if (i == 16 || i == 32) {
			assert_int_equal(ingest_flush(in), RP_OK);
			assert_int_equal(redis_callv(f->r, NULL, "SCRIPT", "FLUSH", (char *)NULL), RP_OK);
		}
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
	}
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	assert_int_equal(st.acked, N);
	assert_int_equal(st.result[INGEST_NEW], N);
	assert_true(st.resent >= 2);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N);
	assert_complete(f->r);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
}

/* The AOF probe (store/ingest.c): with AOF on, kept batches are let go
 * once Redis's AOF has grown past them, long before keep_ms; with AOF
 * off nothing tells that they are on disk, and all stay for keep_ms. */
static void set_aof(struct fixture *f, const char *aof)
{
	assert_int_equal(redis_callv(f->r, NULL, "CONFIG", "SET", "appendonly", aof, (char *)NULL),
	                 RP_OK);
	/* Turned on, Redis first writes the whole AOF (and refuses to shut
	 * down meanwhile): wait for it. */
	for (int i = 0; i < 500; i++) {
		redisReply *rep;
		assert_int_equal(redis_callv(f->r, &rep, "INFO", "persistence", (char *)NULL), RP_OK);
		bool busy = strstr(rep->str, "aof_rewrite_in_progress:1") ||
		            strstr(rep->str, "aof_rewrite_scheduled:1") ||
		            (!strcmp(aof, "yes") && !strstr(rep->str, "aof_enabled:1"));
		freeReplyObject(rep);
		if (!busy)
			return;
		usleep(10000);
	}
	fail_msg("the AOF rewrite did not end");
}

static size_t kept_after(struct fixture *f, const char *aof, const char *prefix)
{
	enum { N = 200 };
	set_aof(f, aof);
	struct tpost *ts = many(N, prefix);
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest_opts o = { .batch = 8, .window = 2, .keep_ms = 600000 };
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &o, &in, &err), RP_OK);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
		if (i % 40 == 39)
			usleep(20000);   /* time for the AOF writes of everysec */
	}
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	assert_int_equal(st.acked, N);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
	return st.kept;
}

static void test_aof_probe(void **state)
{
	struct fixture *f = *state;
	size_t off = kept_after(f, "no", "probe-off");
	size_t on = kept_after(f, "yes", "probe-on");
	assert_int_equal(off, 25);           /* 200 posts, 8 a batch: all kept */
	assert_true(on < 25 - 4);            /* at least one probe's batches let go */
}

/* The durability gap (RELIABILITY R1, ingest.h): Redis may acknowledge a
 * batch whose AOF write it has postponed (appendfsync everysec on a slow
 * disk, up to 2 s), and a kill -9 then loses it. The server here is made
 * to lose every acknowledged write on a kill, deterministically: AOF off
 * at run time (its restart by the ingest turns it on again, on an AOF
 * that holds none of them). Acknowledged batches kept by the ingest
 * (keep_ms) are replayed after the reconnect: every acknowledged post is
 * in Redis after the restart. With keep_ms < 0 (the control) they are
 * lost, which shows the loss is real. keep_ms is far longer than the run,
 * so no assertion depends on timing. */
static long long replay_run(struct fixture *f, int64_t keep_ms, struct ingest_stats *ret)
{
	enum { N1 = 400, N2 = 80 };
	assert_int_equal(redis_callv(f->r, NULL, "FLUSHALL", (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "CONFIG", "SET", "appendonly", "no", (char *)NULL),
	                 RP_OK);
	struct tpost *ts = many(N1 + N2, keep_ms > 0 ? "replay" : "control");
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct acked_ctx c = { 0 };
	struct kill_ctx k = { f, 0, 0 };
	struct ingest_opts o = { .batch = 16, .window = 4, .server = f->srv, .keep_ms = keep_ms,
	                         .note = kill_note, .note_ctx = &k,
	                         .acked = acked_cb, .acked_ctx = &c };
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &o, &in, &err), RP_OK);
	for (size_t i = 0; i < N1 + N2; i++) {
		if (i == N1) {
			/* Every post so far is acknowledged, then the server dies. */
			assert_int_equal(ingest_flush(in), RP_OK);
			assert_int_equal(c.calls, N1);
			assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N1);
			pid_t pid = server_pid(f->srv);
			kill(pid, SIGKILL);
		}
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
	}
	assert_int_equal(ingest_flush(in), RP_OK);
	ingest_get_stats(in, ret);
	ingest_close(in);
	assert_true(k.notes_lost >= 1);
	assert_true(ret->reconnects >= 1);
	/* Replays are not acknowledged twice. */
	assert_int_equal(c.calls, N1 + N2);
	assert_int_equal(c.bad_order, 0);
	assert_int_equal(ret->acked, N1 + N2);
	long long stored = call_int(f->r, "ZCARD", P "posts", (char *)NULL);
	assert_complete(f->r);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N1 + N2);
	return stored;
}

static void test_replay_after_kill(void **state)
{
	struct fixture *f = *state;
	struct ingest_stats st;
	/* The control: nothing kept, the acknowledged posts are gone. */
	long long lost_run = replay_run(f, -1, &st);
	assert_int_equal(st.replayed, 0);
	assert_true(lost_run < 400 + 80);
	/* Kept and replayed: every acknowledged post is back. */
	long long kept_run = replay_run(f, 600000, &st);
	assert_true(st.replayed >= 400 / 16);
	fprintf(stderr, "# durability: %lld of 480 acknowledged posts after the kill without a "
	        "replay, %lld with %zu batches replayed\n", lost_run, kept_run, st.replayed);
	assert_int_equal(kept_run, 400 + 80);
}

/* ingest_settle at the end of a run: everything acknowledged is in the
 * AOF file, so a kill -9 right after it loses nothing (the server runs
 * AOF everysec, as managed). */
static void test_settle(void **state)
{
	struct fixture *f = *state;
	enum { N = 300 };
	struct tpost *ts = many(N, "settle");
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(f->r, EV, &(struct ingest_opts){ .batch = 16 }, &in, &err), RP_OK);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(tpost_ingest(in, e, &ts[i], false), RP_OK);
	assert_int_equal(ingest_settle(in, 10000), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	assert_int_equal(st.acked, N);
	ingest_close(in);
	pid_t old = server_pid(f->srv);
	kill(old, SIGKILL);
	/* Restarted (a new process, on its AOF) once the kill has landed. */
	bool back = false;
	for (int i = 0; i < 500 && !back; i++) {
		usleep(20000);
		assert_int_equal(server_check(f->srv, &err), RP_OK);
		back = server_pid(f->srv) != old && redis_reconnect(f->r, 200) == RP_OK &&
		       redis_callv(f->r, NULL, "PING", (char *)NULL) == RP_OK;
	}
	assert_true(back);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N);
	assert_complete(f->r);
	buf_done(&err);
	cluster_engine_free(e);
	free_many(ts, N);
}

/* A second import with a fresh engine, rebuilt from Redis: a copy of a
 * stored post is put in the stored post's story by the engine itself
 * (INGEST_NEW: Redis agrees), not only by Redis's dedupe (INGEST_COPY). */
/* A new ingest over r whose engine e (new) was given what Redis holds,
 * as `rapporteur import` does at start: want posts. */
static struct ingest *open_restored(struct redis *r, struct cluster_engine *e, size_t want)
{
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(r, EV, NULL, &in, &err), RP_OK);
	size_t n = 0;
	assert_int_equal(ingest_restore(in, e, 0, &n, &err), RP_OK);
	assert_int_equal(n, want);
	buf_done(&err);
	return in;
}

/* A batch with a post Redis has but this ingest never sent: the
 * batch's MSETNX writes nothing, the new posts come back as code 6 and
 * go again with a SET each; every post ends stored once, with its
 * record. */
static void test_msetnx_retry(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 3, NULL);
	cluster_engine_free(e);
	const struct tpost more[] = {
		three[2],
		{ "https://blog.example/cables", "https://blog.example/feed", "https://blog.example/cables",
		  "Ana", "Submarine cables and landing stations were the theme of the afternoon panel.",
		  "2012-11-08T15:00:00Z", "access", "ws124" },
		{ "https://n.social/users/q/statuses/9", "mastodon:n.social", "https://n.social/@q/9", "Quentin",
		  "Youth delegates asked for a seat at every table of the forum next year.",
		  "2012-11-08T16:00:00Z", "openness", "ws82" },
	};
	e = cluster_engine_new(NULL);
	struct ingest_stats st = run(f->r, e, more, 3, NULL);
	assert_int_equal(st.acked, 3);
	assert_int_equal(st.result[INGEST_SAME], 1);
	assert_int_equal(st.result[INGEST_NEW], 2);
	assert_int_equal(st.retried, 2);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), 5);
	for (size_t i = 1; i < 3; i++) {
		char k[64];
		post_key(&more[i], k);
		char *tx = hget_meta(f->r, k, POST_META_TEXT);
		assert_non_null(tx);
		assert_string_equal(tx, more[i].text);
		free(tx);
		char *sid = hget_meta(f->r, k, POST_META_S);
		char sk[128];
		snprintf(sk, sizeof sk, P "s:%s", sid);
		assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 1);
		free(sid);
	}
	/* 3 + 2 new, each once in the stream */
	assert_int_equal(stream_changes(f->r), 5);
	/* Again, all known: nothing new, nothing sent again. */
	cluster_engine_free(e);
	e = cluster_engine_new(NULL);
	st = run(f->r, e, more, 3, NULL);
	assert_int_equal(st.result[INGEST_SAME], 3);
	assert_int_equal(st.retried, 0);
	assert_int_equal(stream_changes(f->r), 5);
	cluster_engine_free(e);
}

/* A story summary older than the stored one (a batch sent again after
 * newer ones ran) leaves the story's fields as they are; its post is
 * still a member. */
static void test_old_summary(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 2, NULL);     /* one story of 2 */
	char k0[64];
	post_key(&three[0], k0);
	char *sid = hget_meta(f->r, k0, POST_META_S);
	char sk[128], mk[140];
	snprintf(sk, sizeof sk, P "s:%s", sid);
	snprintf(mk, sizeof mk, P "s:%s:m", sid);
	free(sid);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 2);
	const struct tpost late = { "https://p.social/users/z/statuses/3", "mastodon:p.social",
		"https://p.social/@z/3", "Zed",
		"Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
		"2012-11-06T09:40:00Z", "access", "ws165" };
	/* a new engine and ingest that know what Redis holds, as `import` */
	cluster_engine_free(e);
	e = cluster_engine_new(NULL);
	struct ingest *in = open_restored(f->r, e, 2);
	struct post p;
	make_post(&late, &p);
	struct cluster_assign as;
	assert_int_equal(cluster_engine_add(e, &p, &as), RP_OK);
	struct cluster_story cs;
	assert_int_equal(cluster_engine_story(e, as.story, &cs), RP_OK);
	assert_int_equal(cs.n_posts, 3);
	cs.n_posts = 1;                          /* as an old batch had it */
	assert_int_equal(ingest_add(in, &p, &as, &cs), RP_OK);
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	post_done(&p);
	assert_int_equal(st.result[INGEST_NEW], 1);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 2);   /* not taken back */
	assert_int_equal(story_members(f->r, mk), 3);
	cluster_engine_free(e);
}

/* The largest batch: every value the script unpacks into one Redis
 * call fits Redis's Lua (--batch 4096 once failed with "too many
 * results to unpack"). */
static void test_batch_max(void **state)
{
	struct fixture *f = *state;
	enum { N = 2 * INGEST_BATCH_MAX + 100 };
	struct tpost *ts = calloc(N, sizeof *ts);
	char (*txt)[4][160] = calloc(N, sizeof *txt);
	assert_non_null(ts);
	assert_non_null(txt);
	for (int i = 0; i < N; i++) {
		snprintf(txt[i][0], 160, "https://m%d.social/users/u/statuses/%d", i % 7, i);
		snprintf(txt[i][1], 160, "mastodon:m%d.social", i % 7);
		snprintf(txt[i][2], 160, "https://m%d.social/@u/%d", i % 7, i);
		snprintf(txt[i][3], 160, "Report %d from the room: speaker %d on topic %d said thing %d.",
		         i, i % 13, i % 17, i * 7919 % 10007);
		ts[i] = (struct tpost){ txt[i][0], txt[i][1], txt[i][2], "Una", txt[i][3],
		                        "2012-11-07T10:00:00Z", "access", "ws165" };
	}
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest_opts o = { .batch = INGEST_BATCH_MAX };
	struct ingest_stats st = run(f->r, e, ts, N, &o);
	assert_int_equal(st.acked, N);
	assert_int_equal(st.batches, 3);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), N);
	cluster_engine_free(e);
	free(txt);
	free(ts);
}

static void test_restore(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 1, NULL);
	cluster_engine_free(e);
	e = cluster_engine_new(NULL);
	struct ingest *in = open_restored(f->r, e, 1);
	assert_int_equal(tpost_ingest(in, e, &three[1], false), RP_OK);
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	assert_int_equal(st.result[INGEST_NEW], 1);
	char k0[64], k1[64];
	post_key(&three[0], k0);
	post_key(&three[1], k1);
	char *s0 = hget_meta(f->r, k0, POST_META_S), *s1 = hget_meta(f->r, k1, POST_META_S), *d1 = hget_meta(f->r, k1, POST_META_D);
	assert_string_equal(s0, s1);
	assert_string_equal(d1, k0 + strlen(P "p:"));
	free(s0);
	free(s1);
	free(d1);
	cluster_engine_free(e);
}

/* An event in another key layout (store/layout.h) is refused by the
 * writer and the readers, with the reason; an empty one is claimed. */
static void test_layout_version(void **state)
{
	struct fixture *f = *state;
	struct buf err;
	buf_init(&err);
	struct ingest *in = NULL;
	assert_int_equal(ingest_open(f->r, EV, NULL, &in, &err), RP_OK);
	ingest_close(in);
	redisReply *rep;
	assert_int_equal(redis_callv(f->r, &rep, "GET", P "layout", (char *)NULL), RP_OK);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	assert_string_equal(rep->str, STORE_LAYOUT);
	freeReplyObject(rep);
	/* An event of layout 3 (members a zset: APPEND would meet WRONGTYPE)
	 * is refused by the writer and the readers, saying what to do. */
	assert_int_equal(redis_callv(f->r, &rep, "SET", P "layout", "3", (char *)NULL), RP_OK);
	freeReplyObject(rep);
	assert_int_equal(ingest_open(f->r, EV, NULL, &in, &err), RP_ERR_INPUT);
	assert_non_null(strstr(buf_str(&err), "layout 3"));
	assert_non_null(strstr(buf_str(&err), "import the posts again"));
	buf_reset(&err);
	assert_int_equal(redis_callv(f->r, &rep, "SET", P "layout", STORE_LAYOUT, (char *)NULL), RP_OK);
	freeReplyObject(rep);

	/* Posts written before the mark existed: layout 1. */
	assert_int_equal(redis_callv(f->r, &rep, "DEL", P "layout", (char *)NULL), RP_OK);
	freeReplyObject(rep);
	assert_int_equal(redis_callv(f->r, &rep, "ZADD", P "posts", "1", "0123456789abcdef",
	                             (char *)NULL), RP_OK);
	freeReplyObject(rep);
	assert_int_equal(redis_callv(f->r, &rep, "HSET", P "p:0123456789abcdef", "i", "old",
	                             "t", "1", (char *)NULL), RP_OK);
	freeReplyObject(rep);
	in = NULL;
	assert_int_equal(ingest_open(f->r, EV, NULL, &in, &err), RP_ERR_INPUT);
	assert_null(in);
	assert_non_null(strstr(buf_str(&err), "layout 1"));
	buf_reset(&err);
	struct digest d;
	assert_int_equal(digest_read(f->r, EV, DIGEST_THEME, "access", 10, 0, &d, &err), RP_ERR_INPUT);
	assert_non_null(strstr(buf_str(&err), "import the posts again"));
	buf_reset(&err);
	struct tombstone_result res;
	assert_int_equal(tombstone_apply(f->r, EV, "0123456789abcdef", TOMBSTONE_HIDE, "ana", "spam",
	                                 1, &res, &err), RP_ERR_INPUT);
	/* A layout from a newer rapporteur: refused too, nothing written. */
	assert_int_equal(redis_callv(f->r, &rep, "SET", P "layout", "5", (char *)NULL), RP_OK);
	freeReplyObject(rep);
	buf_reset(&err);
	assert_int_equal(ingest_open(f->r, EV, NULL, &in, &err), RP_ERR_INPUT);
	assert_non_null(strstr(buf_str(&err), "layout 5"));
	assert_int_equal(call_int(f->r, "HEXISTS", P "p:0123456789abcdef", "x", (char *)NULL), 0);
	buf_done(&err);
}

static void test_digest(void **state)
{
	struct fixture *f = *state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	(void)run(f->r, e, three, 3, NULL);
	struct digest d;
	struct buf err;
	buf_init(&err);
	int64_t now = 1352282400 + 3600;
	assert_int_equal(digest_read(f->r, EV, DIGEST_THEME, "access", 10, now, &d, &err), RP_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.total, 1);
	assert_int_equal(d.posts, 2);
	const struct digest_story *s = &d.stories[0];
	assert_int_equal(s->n_posts, 2);
	assert_int_equal(s->n_authors, 2);
	assert_int_equal(s->n_sources, 2);
	assert_int_equal(s->sources.n, 2);
	assert_string_equal(s->sources.v[0], "mastodon:m.social");
	assert_string_equal(s->rep.id, three[0].id);
	assert_string_equal(s->rep.text, three[0].text);
	assert_int_equal(s->first, 1352194200);
	assert_int_equal(s->last, 1352194500);
	assert_true(s->weight > 0);
	digest_done(&d);
	assert_int_equal(digest_read(f->r, EV, DIGEST_SESSION, "ws80", 10, now, &d, &err), RP_OK);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.stories[0].rep.id, three[2].id);
	digest_done(&d);
	assert_int_equal(digest_read(f->r, EV, DIGEST_THEME, "nosuch", 10, now, &d, &err), RP_OK);
	assert_int_equal(d.n, 0);
	digest_done(&d);
	buf_done(&err);
	cluster_engine_free(e);
}

struct excerpt_case {
	const char *text, *want;
};

static const struct excerpt_case excerpt_cases[] = {
	{ "One. Two. Three. Four.", "One. Two. Three." },
	{ "One! Two? Three... Four.", "One! Two? Three..." },
	{ "No end at all", "No end at all" },
	{ "Version 2.0 is out. Really. Yes. No.", "Version 2.0 is out. Really. Yes." },
	{ "第一句。第二句。第三句。第四句。", "第一句。第二句。第三句。" },
	{ "Trailing space.   ", "Trailing space." },
	{ "", "" },
};

static void test_excerpt(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof excerpt_cases / sizeof excerpt_cases[0]; i++) {
		struct buf b;
		buf_init(&b);
		digest_excerpt(&b, excerpt_cases[i].text);
		if (strcmp(buf_str(&b), excerpt_cases[i].want) != 0) {
			fprintf(stderr, "# row %zu: got \"%s\"\n", i, buf_str(&b));
			failed++;
		}
		buf_done(&b);
	}
	/* A long sentence is cut at a character, with an ellipsis. */
	char longtext[2000];
	for (size_t i = 0; i + 2 < sizeof longtext; i += 2)
		memcpy(longtext + i, "\xc3\xa9", 2);   /* é */
	longtext[sizeof longtext - 2] = '\0';
	struct buf b;
	buf_init(&b);
	digest_excerpt(&b, longtext);
	assert_true(b.len <= DIGEST_EXCERPT_MAX_BYTES);
	assert_int_equal(strcmp(b.data + b.len - 3, "\xe2\x80\xa6"), 0);
	buf_done(&b);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_and_idempotence, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_edit_keeps_place, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_noscript_mid_run, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_aof_probe, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_edit_and_tombstone, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dedupe_in_redis, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_oom, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_killed, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_acked, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_replay_after_kill, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_settle, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_restore, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_msetnx_retry, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_batch_max, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_old_summary, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_digest, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_layout_version, fixture_setup, fixture_teardown),
		cmocka_unit_test(test_excerpt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
