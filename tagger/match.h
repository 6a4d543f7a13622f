/* tagger/match.h - matching posts to the ontology.
 *
 * A matcher is built once from an ontology (its tag table and its keyword
 * automaton) and then matches any number of posts, one at a time:
 * hashtags from the structured fields (post->tags: Mastodon tags[],
 * Bluesky facets and tags, feed categories) first, then those found in
 * the title and the text; keywords and phrases on whole words of the
 * folded title and text, in one pass for all concepts. A session's match
 * implies its theme; a theme's or session's hashtag implies the event (a
 * narrower concept implies its broader one); a blocked account matches
 * nothing and a blocked tag is neither matched nor shown.
 *
 * matcher_match is allocation-light (its scratch space is reused) and
 * its cost per post does not grow with the number of concepts. A matcher
 * is not thread-safe (the scratch space); build one per thread. It lends
 * from the ontology, which must outlive it and not change under it:
 * after a curation change (ontology_version differs from
 * matcher_version) build a new one. Owned by the tagger engineers; the
 * store calls it in `rapporteur import`. */
#ifndef RP_TAGGER_MATCH_H
#define RP_TAGGER_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "tagger/ontology.h"

enum match_by {
	MATCH_HASHTAG,      /* one of the concept's hashtags */
	MATCH_ALIAS,        /* one of its aliases */
	MATCH_HIDDEN,       /* a hidden label (misspelling), as tag or words */
	MATCH_KEYWORD,      /* a keyword or phrase in the title or text */
	MATCH_NARROWER,     /* implied by a matched session (theme) or concept tag (event) */
	MATCH_SOURCE,       /* the post's source is trusted (event) */
	MATCH_BLOCKED,      /* the author is blocked: nothing else matched */
};

enum match_field {
	FIELD_TAGS,         /* post->tags (structured) */
	FIELD_TITLE,
	FIELD_TEXT,
	FIELD_NONE,         /* implied, source or author */
};

/* One reason: token matched concept. Strings are lent from the post, the
 * ontology or the matcher, until any of them changes. */
struct match_reason {
	const struct concept *concept;  /* event, theme or session; NULL for MATCH_BLOCKED */
	enum match_by by;
	enum match_field field;
	const char *token;              /* the hashtag (without '#') as the post wrote it,
	                                   the keyword as the ontology has it, the narrower
	                                   concept's id, the source, or the author */
	size_t token_len;
};

/* One hashtag of the post, once (compared folded). */
struct match_tag {
	const char *display;            /* what to show: the curator's form for known tags
	                                   (a hidden label shows its concept's tag), else
	                                   the first form the post used */
	size_t display_len;
	const struct concept *concept;  /* its concept, or NULL for a tag not in the ontology */
	enum match_by how;              /* MATCH_HASHTAG, MATCH_ALIAS or MATCH_HIDDEN when known */
	enum match_field field;         /* where it was first seen */
};

/* The why of one post: the caller owns the struct (match_why_init/done);
 * matcher_match resets and fills it. */
struct match_why {
	struct match_reason *reasons;   /* n_reasons, in the order found */
	size_t n_reasons, cap_reasons;
	struct match_tag *tags;         /* n_tags hashtags, blocked ones left out */
	size_t n_tags, cap_tags;
};

void match_why_init(struct match_why *w);
void match_why_done(struct match_why *w);
const char *match_by_name(enum match_by by);        /* "hashtag", "keyword", ... */
const char *match_field_name(enum match_field f);   /* "tags", "title", "text", "" */

struct matcher;

/* Build a matcher for o (lent; must outlive the matcher). Never NULL. */
struct matcher *matcher_new(const struct ontology *o);
void matcher_free(struct matcher *m);
/* The ontology_version the matcher was built from. */
uint64_t matcher_version(const struct matcher *m);

/* Match p: sets p->in_event, replaces p->themes and p->sessions (ids in
 * ontology order; a session implies its theme). When why is not NULL it
 * receives the matched tags and every reason. */
void matcher_match(struct matcher *m, struct post *p, struct match_why *why);

/* Append to out the display form of each hashtag of why (after
 * matcher_match) that is not in the ontology, in why's order: what
 * discovery (store/discovery.h) counts. */
void match_why_unknown(const struct match_why *why, struct strv *out);

/* Append the `rapporteur tag` line of p (after matcher_match with why)
 * to out, without the newline: {"id","event","themes","sessions","tags",
 * "why"}. "event" is the event id when p->in_event, else null; "tags" the
 * display forms of the post's hashtags; "why" one object per reason
 * ({"concept","kind","by","field","token"}). No allocation beyond out. */
void match_write_json(const struct ontology *o, const struct post *p,
                      const struct match_why *why, struct buf *out);

#endif
