/* tests/store/tposts.h - the test posts of the store tests: a table row
 * (struct tpost, all strings lent) turned into a struct post the way
 * `rapporteur import` reads one, through posts.jsonl's parser, with the
 * tagger's result (one theme, one session) filled in; and pushed through
 * an engine into Redis as `rapporteur import` does. */
#ifndef RP_TESTS_STORE_TPOSTS_H
#define RP_TESTS_STORE_TPOSTS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/post.h"
#include "core/strv.h"
#include "store/cluster.h"
#include "store/ingest.h"

struct tpost {
	const char *id, *source, *url, *author, *text, *published, *theme, *session;
};

/* p gets the post (post_done is the caller's); the test fails when the
 * row does not parse. */
static inline void make_post(const struct tpost *t, struct post *p)
{
	struct buf err;
	buf_init(&err);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(t->id));
	if (t->source)
		json_object_set_new(o, "source", json_string(t->source));
	if (t->url)
		json_object_set_new(o, "url", json_string(t->url));
	if (t->author)
		json_object_set_new(o, "author", json_string(t->author));
	if (t->text)
		json_object_set_new(o, "text", json_string(t->text));
	if (t->published)
		json_object_set_new(o, "published", json_string(t->published));
	char *s = json_dumps(o, JSON_COMPACT);
	assert_int_equal(post_parse_line(s, strlen(s), p, &err), RP_OK);
	free(s);
	json_decref(o);
	if (t->theme)
		strv_push(&p->themes, t->theme);
	if (t->session)
		strv_push(&p->sessions, t->session);
	p->in_event = true;
	buf_done(&err);
}

/* The post of t through engine e, queued on in: with the engine's
 * summary of its story when with_story (as `rapporteur import`), else
 * none. Returns ingest_add's result; the test fails when the engine
 * refuses the post. */
static inline rp_err tpost_ingest(struct ingest *in, struct cluster_engine *e,
                                  const struct tpost *t, bool with_story)
{
	struct post p;
	make_post(t, &p);
	struct cluster_assign as;
	assert_int_equal(cluster_engine_add(e, &p, &as), RP_OK);
	struct cluster_story cs;
	bool have = with_story && cluster_engine_story(e, as.story, &cs) == RP_OK;
	rp_err res = ingest_add(in, &p, &as, have ? &cs : NULL);
	post_done(&p);
	return res;
}

/* The n posts of ts through e into Redis (event ev, options o; NULL:
 * the defaults), with their story summaries, flushed; the test fails on
 * any error. Returns the ingest's stats. */
static inline struct ingest_stats tposts_run(struct redis *r, const char *ev,
                                             struct cluster_engine *e, const struct tpost *ts,
                                             size_t n, const struct ingest_opts *o)
{
	struct ingest *in;
	struct buf err;
	buf_init(&err);
	assert_int_equal(ingest_open(r, ev, o, &in, &err), RP_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(tpost_ingest(in, e, &ts[i], true), RP_OK);
	assert_int_equal(ingest_flush(in), RP_OK);
	struct ingest_stats st;
	ingest_get_stats(in, &st);
	ingest_close(in);
	buf_done(&err);
	return st;
}

#endif
