/* tests/tagger/test-curation.c - suggestions, votes, rate limits and
 * decisions against a real redis-server (started here on a unix socket in
 * a temporary directory, stopped at the end; never a mock).
 *
 * The decision rows run in order on one ontology (tests/data/tags/
 * test.yaml) and one Redis; each says what it must return and which
 * concept owns its tag afterwards. Then a fresh ontology replays the log
 * (curation_apply) and must agree. */
#include "tests/tagger/table.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "core/buf.h"
#include "core/post.h"
#include "core/hash.h"
#include "store/curation.h"
#include "store/discovery.h"
#include "store/ingest.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

static char dir[] = "/tmp/rp-test-curation-XXXXXX";
static char sock[256];
static pid_t server;
static redisContext *rc;
static struct ontology *onto;

static bool start_redis(void)
{
	if (!mkdtemp(dir))
		return false;
	snprintf(sock, sizeof sock, "%s/r.sock", dir);
	server = fork();
	if (server == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		execlp("redis-server", "redis-server", "--port", "0", "--unixsocket", sock,
		       "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir,
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		rc = redisConnectUnix(sock);
		if (rc && !rc->err)
			return true;
		redisFree(rc);
		rc = NULL;
		usleep(20000);
	}
	return false;
}

static void stop_redis(void)
{
	redisFree(rc);
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	char path[512];
	snprintf(path, sizeof path, "%s/r.sock", dir);
	unlink(path);
	rmdir(dir);
}

static struct ontology *load(void)
{
	char path[1024];
	struct buf err = {0};
	struct ontology *o = NULL;
	snprintf(path, sizeof path, "%s/tests/data/tags/test.yaml", test_srcdir());
	if (ontology_load(path, &o, &err) != RP_OK)
		fputs(buf_str(&err), stderr);
	buf_done(&err);
	return o;
}

/* ---- public side ---------------------------------------------------- */

static void test_suggest_vote_list(void **state)
{
	(void)state;
	struct buf err = {0};
	char id1[CURATION_ID_HEX + 1], id2[CURATION_ID_HEX + 1], again[CURATION_ID_HEX + 1];
	assert_int_equal(curation_suggest(rc, "conf", "10.0.0.1", "#NetNeutrality", "privacy", NULL,
	                                  "often \xE2\x80\xAE" "with privacy", id1, &err), RP_OK);
	assert_int_equal(curation_suggest(rc, "conf", "10.0.0.2", "#selfie", NULL, "post-9", NULL,
	                                  id2, &err), RP_OK);
	/* the same suggestion again, from a third client, is a vote */
	assert_int_equal(curation_suggest(rc, "conf", "10.0.0.3", "netneutrality", "privacy", NULL,
	                                  NULL, again, &err), RP_OK);
	assert_string_equal(id1, again);
	assert_int_equal(curation_vote(rc, "conf", "10.0.0.4", id1, &err), RP_OK);
	/* a second vote of the same client changes nothing */
	assert_int_equal(curation_vote(rc, "conf", "10.0.0.4", id1, &err), RP_OK);
	assert_int_equal(curation_vote(rc, "conf", "10.0.0.4", "0123456789abcdef0123456789abcdef",
	                               &err), RP_ERR_NOTFOUND);
	assert_int_equal(curation_vote(rc, "conf", "10.0.0.4", "../../etc", &err), RP_ERR_INPUT);
	assert_int_equal(curation_suggest(rc, "conf", "10.0.0.1", "not a tag", NULL, NULL, NULL, id2,
	                                  &err), RP_ERR_INPUT);

	struct curation_item *v = NULL;
	size_t n = 0;
	assert_int_equal(curation_list(rc, "conf", 10, &v, &n, &err), RP_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, id1);
	assert_int_equal(v[0].votes, 3);
	assert_string_equal(v[0].tag, "NetNeutrality");
	assert_string_equal(v[0].concept, "privacy");
	assert_string_equal(v[0].note, "often with privacy"); /* bidi override stripped */
	assert_int_equal(v[0].first, 1352282400);
	assert_string_equal(v[1].tag, "selfie");
	assert_string_equal(v[1].post, "post-9");
	assert_null(v[1].concept);
	curation_items_free(v, n);
	buf_done(&err);
}

static void test_rate_limit(void **state)
{
	(void)state;
	struct buf err = {0};
	char id[CURATION_ID_HEX + 1];
	int ok = 0, limited = 0;
	for (int i = 0; i < CURATION_RATE_MAX + 3; i++) {
		char tag[32];
		snprintf(tag, sizeof tag, "flood%d", i);
		rp_err e = curation_suggest(rc, "conf", "flooder", tag, NULL, NULL, NULL, id, &err);
		ok += e == RP_OK;
		limited += e == RP_ERR_LIMIT;
	}
	assert_int_equal(ok, CURATION_RATE_MAX);
	assert_int_equal(limited, 3);
	/* another client is not limited */
	assert_int_equal(curation_suggest(rc, "conf", "calm", "calm1", NULL, NULL, NULL, id, &err),
	                 RP_OK);
	/* the window expires */
	redisReply *r = redisCommand(rc, "KEYS rap:{conf}:cur:rl:*");
	assert_non_null(r);
	assert_true(r->elements >= 2);
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *t = redisCommand(rc, "TTL %s", r->element[i]->str);
		assert_true(t->integer > 0 && t->integer <= CURATION_RATE_WINDOW_S);
		freeReplyObject(t);
	}
	freeReplyObject(r);
	buf_done(&err);
}

/* ---- staff decisions ------------------------------------------------- */

struct row {
	const char *name;
	struct curation_decision d;
	rp_err want;
	const char *owner;    /* concept owning d.tag afterwards; "" none; NULL unchecked */
};

static const struct row rows[] = {
	{ "approve alias", { CURATION_APPROVE_ALIAS, "#NetNeutrality", "privacy", NULL, NULL, NULL,
	  "ana", "used with privacy all week" }, RP_OK, "privacy" },
	{ "approve alias again is a no-op", { CURATION_APPROVE_ALIAS, "netneutrality", "privacy", NULL,
	  NULL, NULL, "ana", "twice" }, RP_OK, "privacy" },
	{ "alias claimed by another concept", { CURATION_APPROVE_ALIAS, "netneutrality", "access",
	  NULL, NULL, NULL, "ben", "wrong" }, RP_ERR_INPUT, "privacy" },
	{ "alias of unknown concept", { CURATION_APPROVE_ALIAS, "x1", "nowhere", NULL, NULL, NULL,
	  "ben", "oops" }, RP_ERR_NOTFOUND, "" },
	{ "no reason", { CURATION_APPROVE_ALIAS, "x2", "privacy", NULL, NULL, NULL, "ben", "" },
	  RP_ERR_USAGE, "" },
	{ "no who", { CURATION_APPROVE_ALIAS, "x3", "privacy", NULL, NULL, NULL, NULL, "because" },
	  RP_ERR_USAGE, "" },
	{ "approve as a new session", { CURATION_APPROVE_CONCEPT, "#Filtering", "access", "filtering",
	  "Filtering", NULL, "cai", "its own workshop" }, RP_OK, "filtering" },
	{ "approve as a new theme", { CURATION_APPROVE_CONCEPT, "selfie", NULL, "selfies",
	  "Selfies", NULL, "cai", "popular" }, RP_OK, "selfies" },
	{ "merge into a concept by its tag", { CURATION_MERGE, "ConfAZ", "#Conf2012", NULL, NULL, NULL,
	  "dee", "same event" }, RP_OK, "conf" },
	{ "reject", { CURATION_REJECT, "random", NULL, NULL, NULL, NULL, "eve", "noise" }, RP_OK, "" },
	{ "block a tag", { CURATION_BLOCK_TAG, "followme", NULL, NULL, NULL, NULL, "eve", "spam" },
	  RP_OK, "" },
	{ "block an account", { CURATION_BLOCK_ACCOUNT, NULL, NULL, NULL, NULL, "troll@x.example",
	  "eve", "abuse" }, RP_OK, NULL },
	{ "bad tag", { CURATION_BLOCK_TAG, "two words", NULL, NULL, NULL, NULL, "eve", "x" },
	  RP_ERR_INPUT, NULL },
};

static void test_decision(void **state)
{
	const struct row *r = *state;
	struct buf err = {0};
	rp_err e = curation_decide(rc, onto, &r->d, &err);
	if (e != r->want)
		print_message("# %s: got %d: %s\n", r->name, e, buf_str(&err));
	assert_int_equal(e, r->want);
	if (r->owner) {
		const struct concept *c = ontology_tag_owner(onto, r->d.tag, NULL);
		if (*r->owner) {
			assert_non_null(c);
			assert_string_equal(c->id, r->owner);
		} else {
			assert_null(c);
		}
	}
	buf_done(&err);
}

static void test_after(void **state)
{
	(void)state;
	struct buf err = {0};
	/* the approved suggestion left the queue; the other is still open */
	struct curation_item *v = NULL;
	size_t n = 0;
	assert_int_equal(curation_list(rc, "conf", 100, &v, &n, &err), RP_OK);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(v[i].tag, "NetNeutrality");
	curation_items_free(v, n);
	/* the audit log: who, when, why for each applied decision */
	struct strv log;
	strv_init(&log);
	assert_int_equal(curation_log(rc, "conf", 100, &log, &err), RP_OK);
	assert_int_equal(log.n, 8);
	assert_non_null(strstr(log.v[0], "\"action\":\"approve-alias\""));
	assert_non_null(strstr(log.v[0], "\"by\":\"ana\""));
	assert_non_null(strstr(log.v[0], "\"why\":\"used with privacy all week\""));
	assert_non_null(strstr(log.v[0], "\"when\":1352282400"));
	assert_non_null(strstr(log.v[7], "\"account\":\"troll@x.example\""));
	strv_done(&log);
	uint64_t ver = 0;
	assert_int_equal(curation_version(rc, "conf", &ver, &err), RP_OK);
	assert_int_equal(ver, 8);

	/* a fresh ontology from tags.yaml replays the log to the same state */
	struct ontology *fresh = load();
	assert_non_null(fresh);
	assert_int_equal(curation_apply(rc, fresh, &ver, &err), RP_OK);
	if (err.len)
		print_message("# %s", buf_str(&err));
	assert_int_equal(err.len, 0);
	assert_string_equal(ontology_tag_owner(fresh, "netneutrality", NULL)->id, "privacy");
	assert_string_equal(ontology_tag_owner(fresh, "filtering", NULL)->id, "filtering");
	assert_string_equal(ontology_find(fresh, "filtering")->parent->id, "access");
	assert_string_equal(ontology_tag_owner(fresh, "confaz", NULL)->id, "conf");
	assert_true(ontology_tag_blocked(fresh, "FollowMe"));
	assert_true(ontology_account_blocked(fresh, "troll@x.example"));
	struct buf a = {0}, b = {0};
	ontology_export(onto, &a);
	ontology_export(fresh, &b);
	assert_string_equal(a.data, b.data);
	/* replaying twice changes nothing */
	assert_int_equal(curation_apply(rc, fresh, &ver, &err), RP_OK);
	buf_reset(&b);
	ontology_export(fresh, &b);
	assert_string_equal(a.data, b.data);
	buf_done(&a);
	buf_done(&b);
	ontology_free(fresh);
	buf_done(&err);
}

/* A discovery on the test's server. */
static struct discovery *discovery_here(const struct ontology *o)
{
	char url[300];
	snprintf(url, sizeof url, "unix:%s", sock);
	struct buf err = {0};
	struct discovery *d = NULL;
	rp_err e = discovery_open(url, o, &d, &err);
	if (e)
		fprintf(stderr, "# %s\n", buf_str(&err));
	buf_done(&err);
	assert_int_equal(e, RP_OK);
	return d;
}

/* How many posts used tag (as the suggestions count them), -1 when none. */
static long long tag_uses(const char *tag)
{
	char kh[33];
	hash128_hex(tag, strlen(tag), kh);
	redisReply *r = redisCommand(rc, "ZSCORE rap:{conf}:" STORE_K_CUR_USED " %s", kh);
	assert_non_null(r);
	long long v = r->type == REDIS_REPLY_STRING ? atoll(r->str) : -1;
	freeReplyObject(r);
	return v;
}

/* The hashtags of p not in o, as import's reader finds them
 * (matcher_match, then match_why_unknown); p is not changed. */
static void unknown_of(const struct ontology *o, const struct post *p, struct strv *out)
{
	struct matcher *m = matcher_new(o);
	struct match_why why;
	match_why_init(&why);
	struct post q = { .author = p->author, .title = p->title, .text = p->text, .tags = p->tags };
	matcher_match(m, &q, &why);
	match_why_unknown(&why, out);
	strv_done(&q.themes);
	strv_done(&q.sessions);
	match_why_done(&why);
	matcher_free(m);
}

/* discovery_add of p with its unknown tags. */
static void add(struct discovery *d, const struct ontology *o, const struct post *p,
                const struct cluster_assign *as, uint64_t seq)
{
	struct strv unknown = { 0 };
	unknown_of(o, p, &unknown);
	discovery_add(d, p, &unknown, as, seq);
	strv_done(&unknown);
}

/* Match p with m and count it at once, as `tags mine` does. */
static rp_err count(struct discovery *d, struct matcher *m, struct post *p, struct buf *err)
{
	struct match_why why;
	match_why_init(&why);
	matcher_match(m, p, &why);
	struct strv unknown = { 0 };
	match_why_unknown(&why, &unknown);
	rp_err e = discovery_count(d, p, &unknown, err);
	strv_done(&unknown);
	match_why_done(&why);
	return e;
}

/* Count one post of text at once and write it: discovery_flush's result. */
static rp_err count_one(struct discovery *d, struct matcher *m, const char *id, const char *text)
{
	char line[256];
	snprintf(line, sizeof line, "{\"id\":\"%s\",\"text\":\"%s\"}", id, text);
	struct buf err = {0};
	struct post p;
	assert_int_equal(post_parse_line(line, strlen(line), &p, &err), RP_OK);
	rp_err e = count(d, m, &p, &err);
	if (!e)
		e = discovery_flush(d, NULL, &err);
	post_done(&p);
	buf_done(&err);
	return e;
}

/* Redis drops discovery's connection (a restart, say): the write that
 * finds it lost fails and says so, and the next one connects again, so
 * the counts of a long import do not stop at the first loss. */
static void test_discovery_reconnect(void **state)
{
	(void)state;
	struct ontology *o = load();
	assert_non_null(o);
	struct matcher *m = matcher_new(o);
	struct buf err = {0};
	struct discovery *d = discovery_here(o);
	assert_int_equal(count_one(d, m, "rc-1", "hello #conf12 #recona"), RP_OK);
	assert_int_equal(tag_uses("recona"), 1);
	redisReply *r = redisCommand(rc, "CLIENT KILL TYPE normal SKIPME yes");
	assert_non_null(r);
	assert_true(r->type == REDIS_REPLY_INTEGER && r->integer >= 1);
	freeReplyObject(r);
	assert_int_equal(count_one(d, m, "rc-2", "hello #conf12 #reconb"), RP_ERR_REDIS);
	assert_int_equal(count_one(d, m, "rc-3", "hello #conf12 #reconc"), RP_OK);
	assert_int_equal(tag_uses("reconc"), 1);
	assert_int_equal(tag_uses("recona"), 1);
	discovery_close(d);
	matcher_free(m);
	ontology_free(o);
	buf_done(&err);
}

/* `tags mine`'s discovery (discovery_count: counted at once, no ingest):
 * the posts of mine.jsonl counted in Redis give the same verdicts as the
 * in-memory miner (tests/tagger/test-mine.c). */
static void test_discovery(void **state)
{
	(void)state;
	struct ontology *o = load();
	assert_non_null(o);
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/tags/mine.jsonl", test_srcdir());
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct matcher *m = matcher_new(o);
	struct buf err = {0};
	struct discovery *d = discovery_here(o);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		struct post p;
		if (post_parse_line(line, strlen(line), &p, &err) != RP_OK)
			continue;
		assert_int_equal(count(d, m, &p, &err), RP_OK);
		post_done(&p);
	}
	fclose(f);
	{   /* a structured tag the text lacks (used once: below min_uses) */
		static const char ptl[] = "{\"id\":\"pt-1\",\"text\":\"hello #conf12\",\"tags\":[\"FeedCategory\"]}";
		struct post p;
		assert_int_equal(post_parse_line(ptl, sizeof ptl - 1, &p, &err), RP_OK);
		assert_int_equal(count(d, m, &p, &err), RP_OK);
		post_done(&p);
	}
	size_t written = 0;
	assert_int_equal(discovery_flush(d, &written, &err), RP_OK);
	assert_true(written >= 4);
	discovery_close(d);
	/* a post from a file is not stored: no structured-tags record for retag */
	redisReply *r = redisCommand(rc, "KEYS rap:{conf}:cur:pt:*");
	assert_non_null(r);
	assert_int_equal(r->elements, 0);
	freeReplyObject(r);
	struct mine_suggestion *v = NULL;
	size_t n = 0;
	assert_int_equal(curation_discovered(rc, o, 2, 10, &v, &n, &err), RP_OK);
	static const struct { const char *tag; enum mine_verdict verdict; const char *concept;
	                      unsigned uses, authors; } want[] = {
		{ "ConfAZ", MINE_ALIAS_OF_EVENT, "conf", 4, 3 },
		{ "NetNeutrality", MINE_NEAR_CONCEPT, "privacy", 3, 3 },
		{ "Filtering", MINE_NEAR_CONCEPT, "ws165", 2, 2 },
		{ "selfie", MINE_UNPLACED, "conf", 2, 1 },
	};
	assert_int_equal(n, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct mine_suggestion *s = NULL;
		for (size_t j = 0; j < n; j++)
			if (strcmp(v[j].tag, want[i].tag) == 0)
				s = &v[j];
		if (!s)
			print_message("# missing %s\n", want[i].tag);
		assert_non_null(s);
		assert_int_equal(s->verdict, want[i].verdict);
		assert_string_equal(s->concept->id, want[i].concept);
		assert_int_equal(s->uses, want[i].uses);
		assert_int_equal(s->authors, want[i].authors);
	}
	mine_suggestions_free(v, n);
	/* once approved, a tag is no longer a suggestion */
	assert_int_equal(ontology_add_alias(o, "privacy", "netneutrality", &err), RP_OK);
	assert_int_equal(curation_discovered(rc, o, 2, 10, &v, &n, &err), RP_OK);
	assert_int_equal(n, 3);
	mine_suggestions_free(v, n);
	matcher_free(m);
	ontology_free(o);
	buf_done(&err);
}

/* Import's discovery (store/discovery.h): a post counts once its ack says
 * Redis stored it (new or copy), in whatever order acks come; a post
 * acked as already held counts nothing; an add with a number already
 * used replaces the first. */
static struct post *parse_all(const struct ontology *o, size_t *ret_n)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/tags/mine.jsonl", test_srcdir());
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct matcher *m = matcher_new(o);
	struct buf err = {0};
	struct post *v = calloc(64, sizeof *v);
	size_t n = 0;
	char line[4096];
	while (n < 64 && fgets(line, sizeof line, f))
		if (post_parse_line(line, strlen(line), &v[n], &err) == RP_OK)
			matcher_match(m, &v[n++], NULL);
	fclose(f);
	matcher_free(m);
	buf_done(&err);
	*ret_n = n;
	return v;
}

static void assign_of(const struct post *p, struct cluster_assign *as)
{
	memset(as, 0, sizeof *as);
	char hex[33];
	hash128_hex(p->id, strlen(p->id), hex);
	snprintf(as->keys.identity, sizeof as->keys.identity, "%s", hex);
}

static unsigned uses_of(const struct ontology *o, const char *tag, unsigned *ret_authors)
{
	struct mine_suggestion *v = NULL;
	size_t n = 0;
	struct buf err = {0};
	unsigned uses = 0;
	if (curation_discovered(rc, o, 1, 100, &v, &n, &err) == RP_OK)
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].tag, tag) == 0) {
				uses = v[i].uses;
				if (ret_authors)
					*ret_authors = v[i].authors;
			}
	mine_suggestions_free(v, n);
	buf_done(&err);
	return uses;
}

static void test_import_discovery(void **state)
{
	(void)state;
	freeReplyObject(redisCommand(rc, "FLUSHALL"));
	struct ontology *o = load();
	assert_non_null(o);
	size_t n = 0;
	struct post *v = parse_all(o, &n);
	assert_non_null(v);
	assert_true(n >= 10);
	char url[300];
	snprintf(url, sizeof url, "unix:%s", sock);
	struct discovery *d = NULL;
	struct buf err = {0};
	assert_int_equal(discovery_open(url, o, &d, &err), RP_OK);
	struct cluster_assign as;
	/* first import: every post new, acks in reverse order */
	for (size_t i = 0; i < n; i++) {
		assign_of(&v[i], &as);
		add(d, o, &v[i], &as, i);
	}
	for (size_t i = n; i-- > 0;)
		discovery_acked(d, i, INGEST_NEW);
	size_t written = 0;
	assert_int_equal(discovery_flush(d, &written, &err), RP_OK);
	assert_true(written >= 4);
	unsigned authors = 0;
	assert_int_equal(uses_of(o, "ConfAZ", &authors), 4);
	assert_int_equal(authors, 3);
	assert_int_equal(uses_of(o, "Filtering", NULL), 2);
	/* the same file again: Redis holds every post, nothing counts */
	for (size_t i = 0; i < n; i++) {
		assign_of(&v[i], &as);
		add(d, o, &v[i], &as, n + i);
		discovery_acked(d, n + i, INGEST_SAME);
	}
	assert_int_equal(discovery_flush(d, NULL, &err), RP_OK);
	assert_int_equal(uses_of(o, "ConfAZ", NULL), 4);
	/* a refused add's number goes to the next post; a copy counts; the
	 * structured tags of a stored post are kept for retag */
	struct post x, y;
	assert_int_equal(post_parse_line("{\"id\":\"x\",\"text\":\"#Refused #conf2012\"}", 38, &x, &err),
	                 RP_OK);
	assert_int_equal(post_parse_line("{\"id\":\"y\",\"author\":\"zed\",\"text\":\"#ZZTop #conf2012\","
	                                 "\"tags\":[\"Stage\",\"Main hall\"]}", 80, &y, &err), RP_OK);
	x.in_event = y.in_event = true;
	assign_of(&x, &as);
	add(d, o, &x, &as, 2 * n);
	assign_of(&y, &as);
	add(d, o, &y, &as, 2 * n);
	discovery_acked(d, 2 * n, INGEST_COPY);
	assert_int_equal(discovery_flush(d, NULL, &err), RP_OK);
	assert_int_equal(uses_of(o, "Refused", NULL), 0);
	assert_int_equal(uses_of(o, "ZZTop", &authors), 1);
	assert_int_equal(authors, 1);
	char pid[STORE_PID_HEX_BUF];
	ingest_pid(as.keys.identity, pid);
	char key[64];
	snprintf(key, sizeof key, "rap:{conf}:cur:pt:%.3s", pid);
	redisReply *r = redisCommand(rc, "HGET %s %s", key, pid + 3);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	assert_string_equal(r->str, "Stage\x1f" "Main hall");
	freeReplyObject(r);
	/* tags that repeat the text's hashtags (Mastodon's) need no record */
	struct post z;
	const char *zl = "{\"id\":\"z\",\"text\":\"Hi #Echo, #conf2012\",\"tags\":[\"echo\",\"CONF2012\"]}";
	assert_int_equal(post_parse_line(zl, strlen(zl), &z, &err), RP_OK);
	z.in_event = true;
	assign_of(&z, &as);
	add(d, o, &z, &as, 2 * n + 1);
	discovery_acked(d, 2 * n + 1, INGEST_NEW);
	assert_int_equal(discovery_flush(d, NULL, &err), RP_OK);
	ingest_pid(as.keys.identity, pid);
	snprintf(key, sizeof key, "rap:{conf}:cur:pt:%.3s", pid);
	r = redisCommand(rc, "HEXISTS %s %s", key, pid + 3);
	assert_non_null(r);
	assert_int_equal(r->integer, 0);
	freeReplyObject(r);
	assert_int_equal(uses_of(o, "echo", NULL), 1);   /* the structured form comes first */
	post_done(&z);
	post_done(&x);
	post_done(&y);
	discovery_close(d);
	for (size_t i = 0; i < n; i++)
		post_done(&v[i]);
	free(v);
	ontology_free(o);
	buf_done(&err);
}

int main(void)
{
	setenv("RAPPORTEUR_NOW", "1352282400", 1); /* 2012-11-07T10:00:00Z */
	if (!start_redis()) {
		fputs("1..0 # SKIP cannot start redis-server\n", stdout);
		stop_redis();
		return 0;
	}
	onto = load();
	if (!onto) {
		stop_redis();
		return 1;
	}
	struct table tb = {0};
	table_add(&tb, "suggest, vote, list", test_suggest_vote_list);
	table_add(&tb, "rate limit", test_rate_limit);
	TABLE_ROWS(&tb, rows, test_decision);
	table_add(&tb, "queue, audit log, replay", test_after);
	table_add(&tb, "live discovery", test_discovery);
	table_add(&tb, "discovery connects again after a lost connection",
	          test_discovery_reconnect);
	table_add(&tb, "import discovery: stored posts count, once", test_import_discovery);
	int failed = table_run(&tb, "curation");
	ontology_free(onto);
	stop_redis();
	return failed;
}
