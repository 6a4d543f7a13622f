/* tests/store/tposts.h - the test posts of the store tests: a table row
 * (struct tpost, all strings lent) turned into a struct post the way
 * `rapporteur import` reads one, through posts.jsonl's parser, with the
 * tagger's result (one theme, one session) filled in. */
#ifndef RP_TESTS_STORE_TPOSTS_H
#define RP_TESTS_STORE_TPOSTS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/post.h"
#include "core/strv.h"

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

#endif
