/* core/post.h - one item taken from a feed or a social API.
 *
 * Fetchers (and the feed parser) make posts, the tagger adds its result
 * (event, themes, sessions, matched tags), the store takes them. A post
 * owns every string it points to; a `const char *` returned by a function
 * here is lent until the post changes or is freed. Strings are valid
 * UTF-8 (repaired on the way in: see core/utf8.h). */
#ifndef RP_POST_H
#define RP_POST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/strv.h"

struct post_media {
	char *url;        /* absolute http(s) URL; never NULL */
	char *type;       /* MIME type ("image/jpeg") or a medium ("image", "video"); may be NULL */
	char *thumbnail;  /* preview image URL; may be NULL */
	char *alt;        /* alternative text for screen readers; may be NULL */
	int64_t length;   /* bytes; -1 when unknown */
};

struct post {
	char *id;         /* required: stable id within its source (GUID, status uri, at-uri) */
	char *source;     /* where it came from: feed URL, "mastodon:host", "bluesky"; may be NULL */
	char *url;        /* link to the post on the web; may be NULL */
	char *author;     /* display name or handle; may be NULL */
	char *title;      /* plain text; may be NULL */
	char *text;       /* plain text (HTML already reduced to text); may be NULL */
	char *lang;       /* BCP 47 tag ("en", "pt-BR"); may be NULL */
	char *repost_of;  /* for a boost/repost/cross-post: the original's id or URL; may be NULL */
	int64_t published; /* UTC seconds since the epoch; 0 when the source gave none */
	int64_t updated;   /* UTC seconds; 0 when none */
	struct strv tags;  /* hashtags/categories as the source gave them, without '#' */
	struct strv links; /* outbound links found in the text (absolute URLs) */
	struct post_media *media; /* n_media items, owned */
	size_t n_media;
	size_t cap_media;

	/* Filled by the tagger (tagger/match.h); empty until then. */
	bool in_event;         /* carries an event hashtag, or its source is trusted */
	struct strv themes;    /* theme ids, in ontology order */
	struct strv sessions;  /* session ids, in ontology order */
};

void post_init(struct post *p);
void post_done(struct post *p);            /* frees everything; p is empty after */
/* Add a media item; url is copied, the others may be NULL. */
void post_add_media(struct post *p, const char *url, const char *type,
                    const char *thumbnail, const char *alt, int64_t length);

/* Read one posts.jsonl object (DESIGN.md). Unknown keys are ignored;
 * wrong types, a missing id, or none of text/title/url are RP_ERR_INPUT
 * with the reason in *err (appended). On success *ret is filled (the
 * caller owns it and calls post_done). Invalid UTF-8 never reaches here:
 * jansson refuses it, and the caller reports the line. */
RP_MUST_CHECK rp_err post_from_json(const json_t *obj, struct post *ret, struct buf *err);

/* Parse one line of posts.jsonl (len bytes, no newline needed). Errors
 * name the column: "column 17: expected ..." appended to *err. */
RP_MUST_CHECK rp_err post_parse_line(const char *line, size_t len, struct post *ret,
                                     struct buf *err);

/* The JSON form of p (the posts.jsonl keys, plus the tagger's result when
 * with_tagging). New reference owned by the caller. */
json_t *post_to_json(const struct post *p, bool with_tagging);

/* A JSON array of v's strings, as post_to_json writes a list. New
 * reference owned by the caller. */
json_t *strv_to_json(const struct strv *v);

#endif
