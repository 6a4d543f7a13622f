/* store/cluster.h - the in-memory dedupe and story engine.
 *
 * One engine per event. Posts go in one at a time (cluster_engine_add);
 * each comes out with the dedupe keys it was looked up by, its duplicate
 * group (reposts, cross-posts, copies and near-copies: the "dup" of
 * `rapporteur cluster`) and its story (posts about the same thing in other
 * words: the "cluster"). Both are named by the id of their first post.
 *
 * Deduplication follows issue 4, in this order, first match wins:
 *   1. identity: the id within its source; an id or repost_of that is a
 *      URI (Mastodon status uri, Bluesky at-uri, a permalink) is global,
 *      so one status seen on many servers, and every boost of it, is one;
 *   2. canonical URL of the post (core/url.h url_canonical);
 *   3. the same normalised text (store/textnorm.h);
 *   4. near-duplicates: simhash candidates (store/simhash.h band index)
 *      and the newest members of the best stories, verified by Jaccard
 *      similarity over content-word shingles.
 * Stories: incremental group-average clustering over TF-IDF vectors
 * within a time window (not single link, and not the cosine to a centroid,
 * which drifts). A post joins the story of its dup group; otherwise the
 * live story with the highest average cosine between the post and its
 * members, when that is at least cluster_params.story_min_average
 * (IDF counted among the posts of the post's language when it names one)
 * (candidates from an inverted index of terms to recent stories;
 * canonical outbound links are heavy terms, so posts sharing a link in
 * other words meet); otherwise it starts one.
 *
 * The engine holds no I/O and no clock: time is the posts' published time
 * (a post without one takes the newest time seen). It is not thread-safe;
 * one ingest thread owns it. Live ingest (store/ingest.c) runs the engine
 * first, sends the keys and decision to Redis, and, when the atomic script
 * finds that another process decided otherwise (or on start, to rebuild
 * state from stored posts), tells the engine with cluster_engine_restore.
 *
 * Strings in the structs filled here are lent: valid until the next call
 * that changes the engine (add, restore, expire, free). Copy what you
 * keep. */
#ifndef RP_STORE_CLUSTER_H
#define RP_STORE_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/post.h"

struct cluster_params {
	int64_t story_window_s;   /* a story takes new members while its newest post is at most this old (s) */
	int64_t dup_window_s;     /* near-duplicate lookup reaches this far back (s); exact keys never expire */
	double story_min_average; /* mean TF-IDF cosine of the post to a story's members needed
	                             to join it (group-average link), 0..1 */
	int64_t story_time_scale_s; /* that mean is divided by 1 + gap/scale, gap = time from the
	                               story's newest post (s); 0: no time penalty */
	double near_min_jaccard;  /* shingle Jaccard needed to call a post a near-duplicate, 0..1 */
	unsigned near_max_hamming; /* simhash distance for a near-duplicate candidate, 0..64 */
	size_t text_key_min_tokens; /* shorter normalised texts get no text key ("+1", "great talk"),
	                               and fewer content words are never a near-duplicate */
	double score_half_life_s; /* highlight score recency decay half-life (s) */
};

/* Fill p with the defaults chosen by measurement on the labelled set
 * tests/data/stories (figures and sweeps: tests/cluster/README.md). */
void cluster_params_default(struct cluster_params *p);

/* How a post's dup group was decided; the first rule that matched. */
enum cluster_match {
	CLUSTER_MATCH_NONE = 0,  /* first of its dup group */
	CLUSTER_MATCH_SAME,      /* this very post again (same id): a re-fetch; nothing changed */
	CLUSTER_MATCH_IDENTITY,  /* same status uri / at-uri / id, or repost_of points at a known post */
	CLUSTER_MATCH_URL,       /* same canonical URL */
	CLUSTER_MATCH_TEXT,      /* same normalised text */
	CLUSTER_MATCH_NEAR,      /* near-duplicate: simhash candidate, Jaccard verified */
	CLUSTER_MATCH_RESTORED,  /* set by cluster_engine_restore */
};

/* Name of m for logs and JSON ("none", "same", "identity", "url", "text",
 * "near", "restored"). Never NULL. */
const char *cluster_match_str(enum cluster_match m);

/* The dedupe keys of one post. Each key is 32 lowercase hex digits of the
 * 128-bit XXH3 of a typed key string (so key spaces never collide), or ""
 * when the post has no such key. These are what Redis should index
 * (e.g. rap:{EVENT}:key:HEX -> post id), in this order of precedence.
 * cluster_engine_add leaves text and simhash empty for a post it
 * recognised by identity (a boost: its original holds them);
 * cluster_engine_keys always fills every key the post has. */
#define CLUSTER_KEY_HEX 33
struct cluster_keys {
	char identity[CLUSTER_KEY_HEX];  /* the post's own identity: URI form of id, else source + id */
	char original[CLUSTER_KEY_HEX];  /* identity of what repost_of names; "" when not a repost */
	char url[CLUSTER_KEY_HEX];       /* canonical URL of post->url; "" when none or not http(s) */
	char text[CLUSTER_KEY_HEX];      /* normalised text; "" when too short (text_key_min_tokens) */
	uint64_t simhash;                /* 64-bit simhash of the normalised text; 0 when no text */
};

/* The engine's decision for one post. */
struct cluster_assign {
	struct cluster_keys keys;
	enum cluster_match match;  /* which rule put the post in its dup group */
	const char *dup;           /* id of the first post of its dup group (== post->id when match is NONE); lent */
	const char *story;         /* id of its story: the id of the story's first post; lent */
	bool new_story;            /* this post started the story */
	double similarity;         /* NEAR: Jaccard; story join: average link; else 1 or 0 */
};

/* A story's summary, for the store's indexes and the highlight score. */
struct cluster_story {
	const char *id;            /* id of its first post; lent */
	const char *representative; /* id of the post that shows the story: the first post of its
	                              largest dup group (most shared), earliest on a tie; lent */
	size_t n_posts;            /* every sighting, reposts included */
	size_t n_dups;             /* distinct dup groups (distinct pieces of content) */
	size_t n_authors;          /* distinct authors (case-folded); posts without one count as none */
	size_t n_sources;          /* distinct sources (post->source; mastodon:HOST counts per host) */
	int64_t first;             /* UTC seconds: earliest published time of a member */
	int64_t last;              /* UTC seconds: latest published time of a member */
};

struct cluster_engine;

/* A new engine with params p copied (NULL: the defaults). Never NULL
 * (out of memory aborts). Free with cluster_engine_free. */
struct cluster_engine *cluster_engine_new(const struct cluster_params *p);
void cluster_engine_free(struct cluster_engine *e);   /* NULL is a no-op */

/* Decide the dup group and story of p and remember it; p is only read
 * (the engine copies what it keeps). A post seen before (same identity
 * and id) is not added again: ret->match is CLUSTER_MATCH_SAME and its
 * earlier decision is returned. RP_ERR_INPUT when p has no id; *ret is
 * written only on success. */
RP_MUST_CHECK rp_err cluster_engine_add(struct cluster_engine *e, const struct post *p,
                                        struct cluster_assign *ret);

/* Only compute p's dedupe keys (no state read or changed): what Redis
 * needs to look the post up before the engine decides. */
RP_MUST_CHECK rp_err cluster_engine_keys(struct cluster_engine *e, const struct post *p,
                                         struct cluster_keys *ret);

/* Tell the engine that p belongs to dup group `dup` and story `story`
 * (post ids), as Redis recorded them. Used on start to rebuild state from
 * stored posts (in published order), and when the atomic ingest found the
 * post already known under another group or story than the engine had
 * proposed. A post the engine knows is moved; an unknown one is added
 * with that decision. dup or story may name posts the engine has never
 * seen: they are created. ret (may be NULL) gets the result, with match
 * CLUSTER_MATCH_RESTORED. */
RP_MUST_CHECK rp_err cluster_engine_restore(struct cluster_engine *e, const struct post *p,
                                            const char *dup, const char *story,
                                            struct cluster_assign *ret);

/* Summary of the story with id story_id. RP_ERR_NOTFOUND when unknown. */
RP_MUST_CHECK rp_err cluster_engine_story(const struct cluster_engine *e, const char *story_id,
                                          struct cluster_story *ret);

/* Highlight score of s at time now (UTC seconds): grows with distinct
 * authors, sources and dup groups (log-damped, so one author posting ten
 * times is not ten reports), decays by half every half_life_s after the
 * story's last post. Always >= 0. */
double cluster_story_score(const struct cluster_story *s, int64_t now, double half_life_s);

/* Drop near-duplicate and story state older than the windows, counted
 * back from now (UTC seconds); exact keys are kept. The engine does this
 * by itself as time advances; call it to bound memory on a quiet stream. */
void cluster_engine_expire(struct cluster_engine *e, int64_t now);

/* Counters, for logs and benchmarks. */
struct cluster_stats {
	size_t posts;       /* posts known (added or restored) */
	size_t dups;        /* dup groups */
	size_t stories;     /* stories */
	size_t live_stories; /* stories still inside the window */
	size_t near_checks; /* Jaccard verifications run so far */
};
void cluster_engine_stats(const struct cluster_engine *e, struct cluster_stats *ret);

#endif
