/* store/digest.h - reads for digests: the best stories of a theme or a
 * session, each with its representative post, size, sources and span.
 *
 * Only reads (store/keys.h: th:/se: story indexes, s:SID, s:SID:m, p:PID),
 * pipelined, so a digest works while ingest is paused on -OOM and on a
 * replica. Tombstoned posts (hidden or deleted) are never shown and
 * never counted, even where a summary or an index is stale. The caller
 * owns the struct digest (digest_read fills it, digest_done frees it);
 * the digest owns every string in it. */
#ifndef RP_STORE_DIGEST_H
#define RP_STORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/strv.h"
#include "store/redis.h"

#define DIGEST_LIMIT_DEFAULT   10     /* stories in a digest */
#define DIGEST_LIMIT_MAX       1000
#define DIGEST_MEMBERS_MAX     500    /* members read per story to name its sources */
#define DIGEST_CANDIDATES      3      /* stories read per story shown, re-ranked by fresh score */
#define DIGEST_EXCERPT_SENTENCES 3    /* issue 4: at most three sentences */
#define DIGEST_EXCERPT_MAX_BYTES 600  /* and never longer than this */

enum digest_kind {
	DIGEST_THEME,     /* P th:ID:s */
	DIGEST_SESSION,   /* P se:ID:s */
};

/* One post as a digest shows it. Strings may be NULL when not stored. */
struct digest_post {
	char *pid;        /* store/keys.h PID; never NULL */
	char *id, *source, *url, *author, *title, *text, *lang;
	int64_t published; /* UTC seconds */
};

struct digest_story {
	char *sid;          /* store/keys.h SID */
	char *id;           /* the story's name: its first post's id; NULL when that post is tombstoned */
	double score;       /* STORY_SCORE (ranking key): the stored one / STORE_SCORE_UNIT */
	double weight;      /* the highlight weight decayed to `now` */
	size_t n_posts, n_dups, n_authors, n_sources;
	int64_t first, last; /* UTC seconds */
	struct digest_post rep;  /* the representative post */
	struct strv sources;     /* distinct source names, by first member time */
};

struct digest {
	enum digest_kind kind;
	char *id;                /* the theme or session id */
	int64_t now;             /* the time weights were decayed to */
	size_t total;            /* stories in the index (the digest shows at most limit) */
	size_t posts;            /* posts in the theme or session */
	struct digest_story *stories; /* n, best first */
	size_t n;
};

/* The best `limit` stories of theme or session `id` of `event`, decayed
 * to `now` (UTC seconds). An unknown id gives an empty digest (RP_OK).
 * RP_ERR_REDIS with the reason appended to *err when a read fails. On
 * RP_OK *ret is filled; the caller calls digest_done. */
RP_MUST_CHECK rp_err digest_read(struct redis *r, const char *event, enum digest_kind kind,
                                 const char *id, size_t limit, int64_t now,
                                 struct digest *ret, struct buf *err);
void digest_done(struct digest *d);

/* "theme" or "session". */
const char *digest_kind_name(enum digest_kind kind);

/* Append to out the first DIGEST_EXCERPT_SENTENCES sentences of text (a
 * sentence ends at . ! ? or their full-width forms followed by a space
 * or the end), cut at a character to DIGEST_EXCERPT_MAX_BYTES with "…"
 * when longer. NULL text appends nothing. */
void digest_excerpt(struct buf *out, const char *text);

#endif
