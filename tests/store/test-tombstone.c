/* tests/store/test-tombstone.c - store/tombstone.h against a real
 * redis-server: hide, delete and unhide change the post, its story's
 * members, summary, score and indexes, the per-theme counts and the
 * event stream at once; each is idempotent; a later ingest of the post
 * leaves it tombstoned; the digest never shows or counts a tombstoned
 * post, even when a summary or a member list is stale (issue 4). */
#include "tests/store/helpers.h"
#include "tests/store/tposts.h"

#include <math.h>

#include "core/alloc.h"
#include "core/post.h"
#include "core/strv.h"
#include "store/cluster.h"
#include "store/digest.h"
#include "store/ingest.h"
#include "store/keys.h"
#include "store/layout.h"
#include "store/postmeta.h"
#include "store/tombstone.h"

#define EV "testev"
#define P  "rap:{" EV "}:"
#define NOW 1352300000

/* Posts through a fresh engine into Redis, as `rapporteur import` does. */
static struct ingest_stats run(struct redis *r, const struct tpost *ts, size_t n)
{
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct ingest_stats st = tposts_run(r, EV, e, ts, n, NULL);
	cluster_engine_free(e);
	return st;
}

static void assert_field(struct redis *r, const char *key, const char *field, const char *want)
{
	char *v = hget(r, key, field);
	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/* Field f of the record of post key (store/postmeta.h) is want (NULL:
 * empty). */
static void assert_meta(struct redis *r, const char *key, enum post_meta_field f, const char *want)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "GET", key, (char *)NULL), RP_OK);
	struct post_meta m;
	assert_true(post_meta_from_reply(rep, &m));   /* every post has a record */
	if (!want) {
		assert_int_equal(m.n[f], 0);
	} else {
		assert_int_equal(m.n[f], strlen(want));
		assert_memory_equal(m.v[f], want, m.n[f]);
	}
	freeReplyObject(rep);
}

/* The tombstone of a hidden post: by whom, why, when. */
static void assert_hidden(struct redis *r, const char *key, const char *by, const char *why,
                          const char *when)
{
	assert_meta(r, key, POST_META_X, "hidden");
	assert_meta(r, key, POST_META_XB, by);
	assert_meta(r, key, POST_META_XW, why);
	assert_meta(r, key, POST_META_XT, when);
}

static void pid_of(struct redis *r, const struct tpost *t, char out[STORE_PID_HEX_BUF])
{
	struct buf err;
	buf_init(&err);
	rp_err e = tombstone_find(r, EV, t->id, t->source, out, &err);
	if (e)
		fprintf(stderr, "# %s\n", buf_str(&err));
	assert_int_equal(e, RP_OK);
	buf_done(&err);
}

/* The PID of t's post, its key P p:PID, and its story's SID (malloc'd). */
static char *post_of(struct redis *r, const struct tpost *t, char pid[STORE_PID_HEX_BUF],
                     char key[64])
{
	pid_of(r, t, pid);
	snprintf(key, 64, P "p:%s", pid);
	char *sid = hget_meta(r, key, POST_META_S);
	assert_non_null(sid);
	return sid;
}

static struct tombstone_result apply(struct redis *r, const char *pid, enum tombstone_op op,
                                     const char *by, const char *why)
{
	struct tombstone_result res;
	struct buf err;
	buf_init(&err);
	rp_err e = tombstone_apply(r, EV, pid, op, by, why, NOW, &res, &err);
	if (e)
		fprintf(stderr, "# %s\n", buf_str(&err));
	assert_int_equal(e, RP_OK);
	buf_done(&err);
	return res;
}

/* The last entry of the event stream: its e, p, s. */
static void last_change(struct redis *r, char e[16], char p[STORE_PID_HEX_BUF],
                        char s[STORE_PID_HEX_BUF])
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "XREVRANGE", P "x", "+", "-", "COUNT", "1",
	                             (char *)NULL), RP_OK);
	assert_int_equal(rep->elements, 1);
	const redisReply *f = rep->element[0]->element[1];
	assert_int_equal(f->elements, 2);   /* one change: kind, "PID SID" (SID when it has one) */
	snprintf(e, 16, "%s", f->element[0]->str);
	const char *v = f->element[1]->str;
	assert_true(strlen(v) == STORE_PID_HEX || (strlen(v) == 2 * STORE_PID_HEX + 1 && v[STORE_PID_HEX] == ' '));
	snprintf(p, STORE_PID_HEX_BUF, "%.*s", STORE_PID_HEX, v);
	snprintf(s, STORE_PID_HEX_BUF, "%s", strlen(v) > STORE_PID_HEX ? v + STORE_PID_HEX + 1 : "");
	freeReplyObject(rep);
}

static double zscore(struct redis *r, const char *key, const char *member)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "ZSCORE", key, member, (char *)NULL), RP_OK);
	/* keys.h: a stored STORY_SCORE is in millionths, an integer. */
	double v = rep->type == REDIS_REPLY_STRING ? strtod(rep->str, NULL) / STORE_SCORE_UNIT : -1;
	freeReplyObject(rep);
	return v;
}

static struct digest read_digest(struct redis *r, enum digest_kind kind, const char *id)
{
	struct digest d;
	struct buf err;
	buf_init(&err);
	assert_int_equal(digest_read(r, EV, kind, id, 10, NOW, &d, &err), RP_OK);
	buf_done(&err);
	return d;
}

/* A boost seen on two servers (one dup group: the second keeps no text)
 * and a blog post in a story of its own. */
static const struct tpost three[] = {
	{ "https://m.social/users/x/statuses/1", "mastodon:m.social", "https://m.social/@x/1", "Xu",
	  "Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
	  "2012-11-06T09:30:00Z", "access", "ws165" },
	{ "https://o.social/users/y/statuses/2", "mastodon:o.social", "https://o.social/@y/2", "Yara",
	  "Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
	  "2012-11-06T09:35:00Z", "access", "ws165" },
	{ "filtering-1", "https://blog.example/feed", "https://blog.example/filtering",
	  "Zoe", "The workshop on blocking and filtering discussed DNS filtering at length.",
	  "2012-11-07T10:00:00Z", "openness", "ws80" },
};

static void test_hide_unhide(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char p0[STORE_PID_HEX_BUF], p1[STORE_PID_HEX_BUF], k0[64], sk[64], mk[64];
	char *sid = post_of(f->r, &three[0], p0, k0);
	pid_of(f->r, &three[1], p1);
	snprintf(sk, sizeof sk, P "s:%s", sid);
	snprintf(mk, sizeof mk, P "s:%s:m", sid);
	char k1[64];
	snprintf(k1, sizeof k1, P "p:%s", p1);
	long long xlen = call_int(f->r, "XLEN", P "x", (char *)NULL);
	assert_meta(f->r, k1, POST_META_TEXT, NULL);   /* the exact copy keeps no text */

	/* Hide the first post: the group's text holder, the story's
	 * representative and its first post. */
	struct tombstone_result res = apply(f->r, p0, TOMBSTONE_HIDE, "ann", "spam account");
	assert_true(res.changed);
	assert_string_equal(res.was, "");
	assert_string_equal(res.sid, sid);
	assert_int_equal(res.story_posts, 1);
	assert_hidden(f->r, k0, "ann", "spam account", "1352300000");
	assert_meta(f->r, k0, POST_META_TEXT, three[0].text);   /* a hide keeps the content */
	assert_meta(f->r, k1, POST_META_TEXT, three[1].text);   /* the copy left takes the text */
	assert_int_equal(story_members(f->r, mk), 1);
	assert_int_equal(call_int(f->r, "ZCARD", P "posts", (char *)NULL), 3);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "HGET", sk, "nd", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "HGET", sk, "na", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "HGET", sk, "nr", (char *)NULL), 1);
	assert_field(f->r, sk, "rep", p1);
	assert_field(f->r, sk, "f", "1352194500");
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "HGET", P "n", "se:ws165", (char *)NULL), 1);
	double want = store_story_score(1, 1, 1, 1, 1352194500);
	assert_true(fabs(zscore(f->r, P "th:access:s", sid) - want) < 1e-6);
	assert_true(fabs(zscore(f->r, P "se:ws165:s", sid) - want) < 1e-6);
	assert_int_equal(call_int(f->r, "XLEN", P "x", (char *)NULL), xlen + 1);
	char e[16], sp[STORE_PID_HEX_BUF], ss[STORE_PID_HEX_BUF];
	last_change(f->r, e, sp, ss);
	assert_string_equal(e, "hide");
	assert_string_equal(sp, p0);
	assert_string_equal(ss, sid);

	/* The digest neither shows nor counts it. */
	struct digest d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.posts, 1);
	assert_int_equal(d.stories[0].n_posts, 1);
	assert_int_equal(d.stories[0].sources.n, 1);
	assert_string_equal(d.stories[0].sources.v[0], "mastodon:o.social");
	assert_string_equal(d.stories[0].rep.pid, p1);
	assert_string_equal(d.stories[0].rep.id, three[1].id);
	assert_non_null(d.stories[0].rep.text);
	assert_string_equal(d.stories[0].rep.text, three[1].text);
	assert_null(d.stories[0].id);   /* the story's name is the hidden post's id */
	digest_done(&d);

	/* Hiding twice changes nothing. */
	long long keys = call_int(f->r, "DBSIZE", (char *)NULL);
	res = apply(f->r, p0, TOMBSTONE_HIDE, "bob", "again");
	assert_false(res.changed);
	assert_string_equal(res.was, "hidden");
	assert_int_equal(res.story_posts, 1);
	assert_meta(f->r, k0, POST_META_XB, "ann");
	assert_int_equal(call_int(f->r, "XLEN", P "x", (char *)NULL), xlen + 1);
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "DBSIZE", (char *)NULL), keys);

	/* A later import of the same posts leaves it hidden. */
	struct ingest_stats st = run(f->r, three, 3);
	assert_int_equal(st.result[INGEST_TOMBSTONE], 1);
	assert_int_equal(st.result[INGEST_SAME], 2);
	assert_meta(f->r, k0, POST_META_X, "hidden");
	assert_int_equal(story_members(f->r, mk), 1);
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 1);

	/* Unhide puts it back as it was. */
	res = apply(f->r, p0, TOMBSTONE_UNHIDE, "ann", NULL);
	assert_true(res.changed);
	assert_string_equal(res.was, "hidden");
	assert_int_equal(res.story_posts, 2);
	assert_meta(f->r, k0, POST_META_X, NULL);
	assert_meta(f->r, k0, POST_META_XB, NULL);
	assert_int_equal(story_members(f->r, mk), 2);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 2);
	assert_int_equal(call_int(f->r, "HGET", sk, "na", (char *)NULL), 2);
	assert_field(f->r, sk, "rep", p0);
	assert_field(f->r, sk, "f", "1352194200");
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 2);
	last_change(f->r, e, sp, ss);
	assert_string_equal(e, "unhide");
	d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 2);
	assert_string_equal(d.stories[0].rep.id, three[0].id);
	assert_string_equal(d.stories[0].rep.text, three[0].text);
	assert_string_equal(d.stories[0].id, three[0].id);
	digest_done(&d);
	res = apply(f->r, p0, TOMBSTONE_UNHIDE, "ann", NULL);
	assert_false(res.changed);
	assert_string_equal(res.was, "");

	/* A story emptied by a hide comes back whole with the unhide. */
	char p2[STORE_PID_HEX_BUF], k2[64];
	char *sid2 = post_of(f->r, &three[2], p2, k2);
	double before = zscore(f->r, P "se:ws80:s", sid2);
	res = apply(f->r, p2, TOMBSTONE_HIDE, "ann", "test");
	assert_int_equal(res.story_posts, 0);
	assert_true(zscore(f->r, P "se:ws80:s", sid2) < 0);
	assert_true(zscore(f->r, P "th:openness:s", sid2) < 0);
	res = apply(f->r, p2, TOMBSTONE_UNHIDE, "ann", NULL);
	assert_int_equal(res.story_posts, 1);
	assert_true(fabs(zscore(f->r, P "se:ws80:s", sid2) - before) < 1e-6);
	assert_true(fabs(zscore(f->r, P "th:openness:s", sid2) - before) < 1e-6);
	assert_int_equal(call_int(f->r, "HGET", P "n", "se:ws80", (char *)NULL), 1);
	d = read_digest(f->r, DIGEST_SESSION, "ws80");
	assert_int_equal(d.n, 1);
	assert_string_equal(d.stories[0].rep.text, three[2].text);
	digest_done(&d);
	free(sid2);
	free(sid);
}

static void test_delete(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char p2[STORE_PID_HEX_BUF], k2[64], sk[64];
	char *sid = post_of(f->r, &three[2], p2, k2);
	snprintf(sk, sizeof sk, P "s:%s", sid);
	assert_int_equal(call_int(f->r, "ZCARD", P "se:ws80:s", (char *)NULL), 1);

	/* The only post of its story: the story leaves every index. */
	struct tombstone_result res = apply(f->r, p2, TOMBSTONE_DELETE, NULL, NULL);
	assert_true(res.changed);
	assert_int_equal(res.story_posts, 0);
	assert_meta(f->r, k2, POST_META_X, "deleted");
	assert_meta(f->r, k2, POST_META_TEXT, NULL);
	assert_meta(f->r, k2, POST_META_TITLE, NULL);
	assert_meta(f->r, k2, POST_META_XB, NULL);
	assert_meta(f->r, k2, POST_META_AUTHOR, three[2].author);   /* who, where, when stay */
	assert_meta(f->r, k2, POST_META_URL, three[2].url);
	assert_int_equal(call_int(f->r, "ZCARD", P "se:ws80:s", (char *)NULL), 0);
	assert_int_equal(call_int(f->r, "ZCARD", P "th:openness:s", (char *)NULL), 0);
	assert_int_equal(call_int(f->r, "HGET", P "n", "se:ws80", (char *)NULL), 0);
	assert_int_equal(call_int(f->r, "HGET", sk, "n", (char *)NULL), 0);
	assert_field(f->r, sk, "rep", NULL);
	assert_field(f->r, sk, "T", "");
	char e[16], sp[STORE_PID_HEX_BUF], ss[STORE_PID_HEX_BUF];
	last_change(f->r, e, sp, ss);
	assert_string_equal(e, "delete");
	assert_string_equal(sp, p2);
	struct digest d = read_digest(f->r, DIGEST_SESSION, "ws80");
	assert_int_equal(d.n, 0);
	assert_int_equal(d.posts, 0);
	digest_done(&d);

	/* Idempotent; a hide does not soften it; it cannot be unhidden. */
	long long xlen = call_int(f->r, "XLEN", P "x", (char *)NULL);
	res = apply(f->r, p2, TOMBSTONE_DELETE, NULL, NULL);
	assert_false(res.changed);
	res = apply(f->r, p2, TOMBSTONE_HIDE, "ann", "why not");
	assert_false(res.changed);
	assert_string_equal(res.was, "deleted");
	assert_meta(f->r, k2, POST_META_X, "deleted");
	struct buf err;
	buf_init(&err);
	assert_int_equal(tombstone_apply(f->r, EV, p2, TOMBSTONE_UNHIDE, "ann", NULL, NOW, &res, &err),
	                 RP_ERR_USAGE);
	assert_non_null(strstr(buf_str(&err), "deleted"));
	assert_int_equal(call_int(f->r, "XLEN", P "x", (char *)NULL), xlen);
	buf_done(&err);

	/* A later fetch does not bring the text back. */
	struct ingest_stats st = run(f->r, &three[2], 1);
	assert_int_equal(st.result[INGEST_TOMBSTONE], 1);
	assert_meta(f->r, k2, POST_META_TEXT, NULL);
	assert_int_equal(call_int(f->r, "ZCARD", P "se:ws80:s", (char *)NULL), 0);

	/* A hidden post deleted by its source: counted out once. */
	char p1[STORE_PID_HEX_BUF], k1[64];
	pid_of(f->r, &three[1], p1);
	snprintf(k1, sizeof k1, P "p:%s", p1);
	res = apply(f->r, p1, TOMBSTONE_HIDE, "ann", "off topic");
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 1);
	res = apply(f->r, p1, TOMBSTONE_DELETE, NULL, NULL);
	assert_true(res.changed);
	assert_string_equal(res.was, "hidden");
	assert_meta(f->r, k1, POST_META_X, "deleted");
	assert_meta(f->r, k1, POST_META_XB, NULL);
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:access", (char *)NULL), 1);
	free(sid);
}

/* The source deletes the post that holds its dup group's text: the text
 * goes from it, and the exact copy left takes it, so the story keeps an
 * excerpt. */
static void test_delete_text_holder(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 2);
	char p0[STORE_PID_HEX_BUF], p1[STORE_PID_HEX_BUF], k0[64], k1[64];
	char *sid = post_of(f->r, &three[0], p0, k0);
	pid_of(f->r, &three[1], p1);
	snprintf(k1, sizeof k1, P "p:%s", p1);
	assert_meta(f->r, k1, POST_META_TEXT, NULL);
	struct tombstone_result res = apply(f->r, p0, TOMBSTONE_DELETE, NULL, NULL);
	assert_true(res.changed);
	assert_int_equal(res.story_posts, 1);
	assert_meta(f->r, k0, POST_META_TEXT, NULL);
	assert_meta(f->r, k1, POST_META_TEXT, three[1].text);
	struct digest d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_string_equal(d.stories[0].rep.pid, p1);
	assert_non_null(d.stories[0].rep.text);
	assert_string_equal(d.stories[0].rep.text, three[1].text);
	digest_done(&d);
	free(sid);
}

/* A story in two themes: hiding the only post of one theme takes the
 * story out of that theme's index, not the other's. */
static void test_index_drop(void **state)
{
	struct fixture *f = *state;
	const struct tpost two[] = {
		{ "a-1", "feed-a", "https://news.example/story", "Ann",
		  "Ministers met civil society in Baku for the first time at this forum.",
		  "2012-11-06T10:00:00Z", "access", NULL },
		{ "b-1", "feed-b", "https://news.example/story?utm_source=x", "Bob",
		  "A completely different wording about the ministers meeting here.",
		  "2012-11-06T10:05:00Z", "openness", NULL },
	};
	(void)run(f->r, two, 2);
	char pa[STORE_PID_HEX_BUF], pb[STORE_PID_HEX_BUF], kb[64];
	pid_of(f->r, &two[0], pa);
	char *sid = post_of(f->r, &two[1], pb, kb);
	assert_string_equal(sid, pa);
	assert_true(zscore(f->r, P "th:openness:s", sid) > 0);
	struct tombstone_result res = apply(f->r, pb, TOMBSTONE_HIDE, "ann", "duplicate");
	assert_int_equal(res.story_posts, 1);
	assert_true(zscore(f->r, P "th:openness:s", sid) < 0);   /* gone */
	double want = store_story_score(1, 1, 1, 1, 1352196000);
	assert_true(fabs(zscore(f->r, P "th:access:s", sid) - want) < 1e-6);
	char sk[64];
	snprintf(sk, sizeof sk, P "s:%s", sid);
	assert_field(f->r, sk, "T", "th:access");
	assert_int_equal(call_int(f->r, "HGET", P "n", "th:openness", (char *)NULL), 0);
	struct digest d = read_digest(f->r, DIGEST_THEME, "openness");
	assert_int_equal(d.n, 0);
	digest_done(&d);
	/* Unhidden: back in both. */
	res = apply(f->r, pb, TOMBSTONE_UNHIDE, "ann", NULL);
	assert_true(zscore(f->r, P "th:openness:s", sid) > 0);
	assert_field(f->r, sk, "T", "th:access,th:openness");
	free(sid);
}

/* The digest skips tombstoned posts even when what it reads is stale: a
 * summary written again with the post in it (as a later ingest's engine
 * may), a member list that still has it. */
static void test_digest_stale(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char p0[STORE_PID_HEX_BUF], p1[STORE_PID_HEX_BUF], k0[64], sk[64], mk[64];
	char *sid = post_of(f->r, &three[0], p0, k0);
	pid_of(f->r, &three[1], p1);
	snprintf(sk, sizeof sk, P "s:%s", sid);
	snprintf(mk, sizeof mk, P "s:%s:m", sid);
	(void)apply(f->r, p0, TOMBSTONE_HIDE, "ann", "spam");
	assert_int_equal(redis_callv(f->r, NULL, "HSET", sk, "n", "2", "na", "2", "nr", "2", "rep", p0,
	                             "f", "1352194200", (char *)NULL), RP_OK);
	struct digest d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 1);
	assert_int_equal(d.stories[0].n_authors, 1);
	assert_int_equal(d.stories[0].n_sources, 1);
	assert_int_equal(d.stories[0].first, 1352194500);
	assert_string_equal(d.stories[0].rep.pid, p1);
	assert_string_equal(d.stories[0].rep.id, three[1].id);
	digest_done(&d);
	/* p0 listed again (a member list the hide did not reach). */
	assert_int_equal(call_int(f->r, "APPEND", mk, p0, (char *)NULL), 2 * STORE_PID_HEX);
	d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 1);
	assert_int_equal(d.stories[0].sources.n, 1);
	assert_string_equal(d.stories[0].sources.v[0], "mastodon:o.social");
	assert_string_equal(d.stories[0].rep.id, three[1].id);
	digest_done(&d);
	/* Every post tombstoned, the index stale: the story is not shown. */
	char p2[STORE_PID_HEX_BUF], k2[64];
	char *sid2 = post_of(f->r, &three[2], p2, k2);
	(void)apply(f->r, p2, TOMBSTONE_DELETE, NULL, NULL);
	char mk2[64];
	snprintf(mk2, sizeof mk2, P "s:%s:m", sid2);
	assert_int_equal(call_int(f->r, "ZADD", P "se:ws80:s", "1", sid2, (char *)NULL), 1);
	assert_int_equal(call_int(f->r, "APPEND", mk2, p2, (char *)NULL), STORE_PID_HEX);
	char sk2[64];
	snprintf(sk2, sizeof sk2, P "s:%s", sid2);
	assert_int_equal(redis_callv(f->r, NULL, "HSET", sk2, "n", "1", "rep", p2, (char *)NULL), RP_OK);
	d = read_digest(f->r, DIGEST_SESSION, "ws80");
	assert_int_equal(d.n, 0);
	digest_done(&d);
	free(sid);
	free(sid2);
}

/* A later import brings a new member to the story of a hidden post.
 * Its engine is restored from Redis without the hidden post
 * (test_restore_skips_tombstones), so its summary leaves it out; the
 * digest neither counts nor shows it either way (a stale summary from an
 * engine that never saw the hide: test_digest_stale). */
static void test_import_after_hide(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char p0[STORE_PID_HEX_BUF], k0[64];
	char *sid = post_of(f->r, &three[0], p0, k0);
	(void)apply(f->r, p0, TOMBSTONE_HIDE, "ann", "spam");
	struct tpost four[4];
	memcpy(four, three, sizeof three);
	four[3] = (struct tpost){ "https://p.social/users/z/statuses/3", "mastodon:p.social",
		"https://p.social/@z/3", "Zed",
		"Opening of IGF 2012 in Baku with a record number of remote hubs online today.",
		"2012-11-06T09:40:00Z", "access", "ws165" };
	struct ingest_stats st = run(f->r, four, 4);
	assert_int_equal(st.result[INGEST_TOMBSTONE], 1);
	assert_int_equal(st.result[INGEST_NEW] + st.result[INGEST_COPY], 1);
	char p3[STORE_PID_HEX_BUF], k3[64];
	char *s3 = post_of(f->r, &four[3], p3, k3);
	assert_string_equal(s3, sid);   /* it joined the hidden post's story */
	struct digest d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 2);
	assert_int_equal(d.stories[0].n_authors, 2);
	assert_int_equal(d.stories[0].sources.n, 2);
	assert_string_not_equal(d.stories[0].rep.pid, p0);
	assert_true(d.stories[0].rep.id && strcmp(d.stories[0].rep.id, three[0].id) != 0);
	digest_done(&d);
	free(s3);
	free(sid);
}

static void test_find_and_errors(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char pid[STORE_PID_HEX_BUF], p0[STORE_PID_HEX_BUF];
	struct buf err;
	buf_init(&err);
	/* A URI id is global: no source needed. */
	assert_int_equal(tombstone_find(f->r, EV, three[0].id, NULL, p0, &err), RP_OK);
	/* A PID names itself. */
	assert_int_equal(tombstone_find(f->r, EV, p0, NULL, pid, &err), RP_OK);
	assert_string_equal(pid, p0);
	/* Any other id is known within its source. */
	assert_int_equal(tombstone_find(f->r, EV, three[2].id, three[2].source, pid, &err), RP_OK);
	buf_reset(&err);
	assert_int_equal(tombstone_find(f->r, EV, three[2].id, NULL, pid, &err), RP_ERR_NOTFOUND);
	assert_non_null(strstr(buf_str(&err), "source"));
	buf_reset(&err);
	assert_int_equal(tombstone_find(f->r, EV, "no-such-post", "feed", pid, &err), RP_ERR_NOTFOUND);
	assert_non_null(strstr(buf_str(&err), "no-such-post"));
	buf_reset(&err);
	assert_int_equal(tombstone_find(f->r, EV, "", NULL, pid, &err), RP_ERR_USAGE);
	assert_int_equal(tombstone_find(f->r, "bad event", "x", NULL, pid, &err), RP_ERR_USAGE);
	/* Unknown PID, bad PID, missing or bad who and why. */
	struct tombstone_result res;
	buf_reset(&err);
	assert_int_equal(tombstone_apply(f->r, EV, "0123456789abcdef", TOMBSTONE_HIDE, "ann", "x", NOW,
	                                 &res, &err), RP_ERR_NOTFOUND);
	assert_non_null(strstr(buf_str(&err), "0123456789abcdef"));
	assert_int_equal(tombstone_apply(f->r, EV, "xyz", TOMBSTONE_HIDE, "ann", "x", NOW, &res, &err),
	                 RP_ERR_USAGE);
	assert_int_equal(tombstone_apply(f->r, EV, p0, TOMBSTONE_HIDE, NULL, "x", NOW, &res, &err),
	                 RP_ERR_USAGE);
	assert_int_equal(tombstone_apply(f->r, EV, p0, TOMBSTONE_HIDE, "ann", "", NOW, &res, &err),
	                 RP_ERR_USAGE);
	assert_int_equal(tombstone_apply(f->r, EV, p0, TOMBSTONE_HIDE, "ann", "\xff\xfe", NOW, &res,
	                                 &err), RP_ERR_INPUT);
	char big[TOMBSTONE_WHY_MAX_BYTES + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(tombstone_apply(f->r, EV, p0, TOMBSTONE_HIDE, "ann", big, NOW, &res, &err),
	                 RP_ERR_LIMIT);
	/* None of them wrote anything. */
	char k0[64];
	snprintf(k0, sizeof k0, P "p:%s", p0);
	assert_meta(f->r, k0, POST_META_X, NULL);
	assert_int_equal(call_int(f->r, "EXISTS", P "p:0123456789abcdef", (char *)NULL), 0);
	buf_done(&err);
}

/* A later import's engine is rebuilt from Redis (ingest_restore) without
 * the hidden post, so the summaries it writes do not count it again. */
static void test_restore_skips_tombstones(void **state)
{
	struct fixture *f = *state;
	(void)run(f->r, three, 3);
	char p0[STORE_PID_HEX_BUF];
	pid_of(f->r, &three[0], p0);
	struct buf err;
	buf_init(&err);
	size_t n[2];
	for (int k = 0; k < 2; k++) {
		if (k == 1)
			(void)apply(f->r, p0, TOMBSTONE_HIDE, "ann", "spam");
		struct cluster_engine *e = cluster_engine_new(NULL);
		struct ingest *in;
		assert_int_equal(ingest_open(f->r, EV, NULL, &in, &err), RP_OK);
		assert_int_equal(ingest_restore(in, e, 0, &n[k], &err), RP_OK);
		ingest_close(in);
		cluster_engine_free(e);
	}
	assert_int_equal(n[0], 3);
	assert_int_equal(n[1], 2);
	buf_done(&err);
}

/* Post q of two in one story, written by hand as keys.h says (no
 * ingest): post 0 is its dup group's first and holds the text, post 1 an
 * exact copy (m 1) that keeps none. */
static void hand_record(struct buf *out, int q, const char *p0, const char *p1)
{
	const char *v[POST_META_N] = {
		[POST_META_HASH] = q ? "1111111111111111" : "0000000000000000",
		[POST_META_D] = p0, [POST_META_S] = p0, [POST_META_T] = q ? "1352194500" : "1352194200",
		[POST_META_M] = q ? "1" : NULL, [POST_META_ID] = q ? p1 : p0,
		[POST_META_SOURCE] = q ? "feed-b" : "feed-a", [POST_META_AUTHOR] = q ? "Bob" : "Ann",
		[POST_META_URL] = "https://news.example/1", [POST_META_LANG] = "en",
		[POST_META_TITLE] = q ? NULL : "Opening", [POST_META_TEXT] = q ? NULL : "Opening today.",
		[POST_META_THEMES] = "access", [POST_META_SESSIONS] = "ws165",
	};
	buf_reset(out);
	post_meta_pack(out, v);
}

/* The record of key, malloc'd with its length in *n (free it). */
static char *record(struct redis *r, const char *key, size_t *n)
{
	redisReply *rep;
	assert_int_equal(redis_callv(r, &rep, "GET", key, (char *)NULL), RP_OK);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	char *v = rp_strndup(rep->str, rep->len);
	*n = rep->len;
	freeReplyObject(rep);
	return v;
}

/* Layout 3 written by hand: a tombstone changes the post's record in
 * place (x, xb, xw, xt; a delete its text and title), hands the text to
 * the exact copy left as a string record too, and an unhide gives back
 * the very bytes the post had; the digest reads records. */
static void test_records_by_hand(void **state)
{
	struct fixture *f = *state;
	const char *p0 = "00000000000000a0", *p1 = "00000000000000b1";
	char k0[64], k1[64];
	snprintf(k0, sizeof k0, P "p:%s", p0);
	snprintf(k1, sizeof k1, P "p:%s", p1);
	struct buf b;
	buf_init(&b);
	assert_int_equal(redis_callv(f->r, NULL, "SET", P "layout", STORE_LAYOUT, (char *)NULL), RP_OK);
	hand_record(&b, 0, p0, p1);
	assert_int_equal(redis_callv(f->r, NULL, "SET", k0, buf_str(&b), (char *)NULL), RP_OK);
	char *orig0 = rp_strndup(b.data, b.len);
	size_t orig0_n = b.len;
	hand_record(&b, 1, p0, p1);
	assert_int_equal(redis_callv(f->r, NULL, "SET", k1, buf_str(&b), (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "ZADD", P "posts", "1352194200", p0, "1352194500", p1,
	                             (char *)NULL), RP_OK);
	char members[2 * STORE_PID_HEX + 1];
	snprintf(members, sizeof members, "%s%s", p0, p1);
	assert_int_equal(redis_callv(f->r, NULL, "SET", P "s:00000000000000a0:m", members, (char *)NULL),
	                 RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "HSET", P "s:00000000000000a0", "id", p0, "n", "2",
	                             "nd", "1", "na", "2", "nr", "2", "f", "1352194200", "l",
	                             "1352194500", "rep", p0, "T", "th:access,se:ws165", "ls",
	                             "1352194500", (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "ZADD", P "th:access:s", "1", p0, (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "ZADD", P "se:ws165:s", "1", p0, (char *)NULL), RP_OK);
	assert_int_equal(redis_callv(f->r, NULL, "HSET", P "n", "th:access", "2", "se:ws165", "2",
	                             (char *)NULL), RP_OK);

	char pid[STORE_PID_HEX_BUF];
	struct buf err;
	buf_init(&err);
	assert_int_equal(tombstone_find(f->r, EV, p1, NULL, pid, &err), RP_OK);   /* a PID */
	assert_string_equal(pid, p1);

	struct tombstone_result res = apply(f->r, p0, TOMBSTONE_HIDE, "ann", "spam");
	assert_true(res.changed);
	assert_string_equal(res.sid, p0);
	assert_int_equal(res.story_posts, 1);
	assert_hidden(f->r, k0, "ann", "spam", "1352300000");
	assert_meta(f->r, k0, POST_META_TEXT, "Opening today.");
	assert_meta(f->r, k0, POST_META_AUTHOR, "Ann");
	assert_meta(f->r, k1, POST_META_TEXT, "Opening today.");   /* handed to the copy */
	assert_meta(f->r, k1, POST_META_TITLE, "Opening");
	assert_meta(f->r, k1, POST_META_D, p0);
	assert_meta(f->r, k1, POST_META_M, "1");
	assert_meta(f->r, k1, POST_META_X, NULL);
	assert_field(f->r, P "s:00000000000000a0", "rep", p1);
	assert_field(f->r, P "s:00000000000000a0", "n", "1");
	assert_field(f->r, P "n", "th:access", "1");
	struct digest d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 1);
	assert_string_equal(d.stories[0].rep.pid, p1);
	assert_string_equal(d.stories[0].rep.id, p1);
	assert_string_equal(d.stories[0].rep.text, "Opening today.");
	assert_string_equal(d.stories[0].rep.lang, "en");
	assert_int_equal(d.stories[0].rep.published, 1352194500);
	assert_int_equal(d.stories[0].sources.n, 1);
	assert_string_equal(d.stories[0].sources.v[0], "feed-b");
	assert_null(d.stories[0].id);   /* its first post is hidden */
	digest_done(&d);

	res = apply(f->r, p0, TOMBSTONE_UNHIDE, "ann", NULL);
	assert_true(res.changed);
	assert_int_equal(res.story_posts, 2);
	size_t n;
	char *now0 = record(f->r, k0, &n);
	assert_int_equal(n, orig0_n);
	assert_memory_equal(now0, orig0, n);   /* the same bytes */
	rp_free(now0);
	d = read_digest(f->r, DIGEST_THEME, "access");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.stories[0].n_posts, 2);
	assert_int_equal(d.stories[0].sources.n, 2);
	assert_string_equal(d.stories[0].rep.pid, p0);
	assert_string_equal(d.stories[0].id, p0);
	digest_done(&d);

	res = apply(f->r, p1, TOMBSTONE_DELETE, NULL, NULL);
	assert_true(res.changed);
	assert_meta(f->r, k1, POST_META_X, "deleted");
	assert_meta(f->r, k1, POST_META_XB, NULL);
	assert_meta(f->r, k1, POST_META_XT, "1352300000");
	assert_meta(f->r, k1, POST_META_TEXT, NULL);
	assert_meta(f->r, k1, POST_META_TITLE, NULL);
	assert_meta(f->r, k1, POST_META_SOURCE, "feed-b");
	assert_meta(f->r, k0, POST_META_TEXT, "Opening today.");
	assert_field(f->r, P "n", "th:access", "1");
	buf_done(&err);
	buf_done(&b);
	rp_free(orig0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hide_unhide, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delete, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delete_text_holder, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_index_drop, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_digest_stale, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_import_after_hide, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_find_and_errors, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_restore_skips_tombstones, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_records_by_hand, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
