/* store/discovery.h - live discovery during `rapporteur import`: the
 * hashtags people use beside the agreed ones, counted as posts are
 * stored.
 *
 * For every tag not in the ontology: posts that used it, its spellings,
 * distinct authors, first and last seen, posts in the event, co-occurring
 * themes and sessions - the counters `rapporteur tags suggestions --redis`
 * reads (store/curation.h curation_discovered; keys in store/keys.h,
 * section "curation"). Also, for every stored post with a structured tag
 * (post->tags) that its title or text does not carry as a hashtag (a
 * feed category, say; Mastodon's tags repeat the text's), its structured
 * tags, so that `rapporteur tags retag` can match the post again as
 * import did (the post's hash keeps its text, not them).
 *
 * Idempotent for import: a post counts only once Redis has stored it (ingest's
 * acked callback with INGEST_NEW, or INGEST_COPY: stored as its own post,
 * an exact copy another importer found first), so importing the same
 * file twice changes no count. Cheap: nothing is sent per post; counts
 * are summed in memory and written in one MULTI/EXEC pipeline about once
 * a second (DISCOVERY_FLUSH_MS) and at the end, on a connection of its
 * own. A flush that fails writes nothing (MULTI/EXEC) and is reported;
 * its counts are dropped, the import goes on (discovery only advises).
 * A connection lost that way is made again at the next write (never
 * retried within one: an EXEC that ran but whose reply was lost would
 * count twice).
 *
 * `rapporteur tags mine` counts a file's posts, which are never stored,
 * through the same sums and writes (discovery_count: each post at once,
 * without ingest, so a file counted twice counts twice).
 *
 * Who owns what: the caller owns the struct discovery
 * (discovery_open/discovery_close) and must keep the ontology it was
 * given alive and unchanged while it is open; discovery owns its Redis
 * connection and copies of what it keeps of each post. The unknown tags
 * come from the caller, who has matched the post already
 * (tagger/match.h match_why_unknown), so no post is scanned twice. Not thread-safe: call it
 * from the thread that calls ingest_add. Owned by the tagger engineers. */
#ifndef RP_STORE_DISCOVERY_H
#define RP_STORE_DISCOVERY_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/post.h"
#include "store/cluster.h"
#include "store/ingest.h"
#include "tagger/ontology.h"

#define DISCOVERY_FLUSH_MS     1000    /* counts are written about this often */
#define DISCOVERY_MAX_TAGS     20000   /* distinct tags summed between flushes; more flush early */
#define DISCOVERY_MAX_PENDING  100000  /* posts waiting for their ack; more are not counted */

struct discovery;

/* Connect to url (a --redis URL, store/redis.h) for the event of o.
 * RP_ERR_USAGE / RP_ERR_REDIS with the reason appended to err. */
RP_MUST_CHECK rp_err discovery_open(const char *url, const struct ontology *o,
                                    struct discovery **ret, struct buf *err);
/* Frees d without flushing (call discovery_flush first). NULL: no-op. */
void discovery_close(struct discovery *d);

/* Note p (matched: in_event, themes and sessions set; unknown its tags
 * not in the ontology, match_why_unknown) and its engine
 * decision as, just before ingest_add(p) with ingest sequence number
 * seq (ingest_stats.queued before the call). Only read; what counts is
 * copied. A later add with the same seq replaces this one (an
 * ingest_add that refused its post took no number). */
void discovery_add(struct discovery *d, const struct post *p, const struct strv *unknown,
                   const struct cluster_assign *as, uint64_t seq);

/* ingest_opts.acked, with ctx the struct discovery: counts post seq when
 * r says it was stored, and writes the counts when DISCOVERY_FLUSH_MS
 * have passed (a failure then is kept for discovery_flush to report). */
void discovery_acked(void *ctx, uint64_t seq, enum ingest_result r);

/* Count p (matched as for discovery_add, unknown its unknown tags) at once, as if
 * Redis had stored it: for `rapporteur tags mine`, whose posts come from
 * a file and are never stored, so no ack will come. Summed and written
 * like import's counts (nothing sent per post; a write about every
 * DISCOVERY_FLUSH_MS); no structured-tags record is kept for retag, as
 * there is no stored post to match again. Not idempotent: a file counted
 * twice counts twice. Returns the error of a write it made (with its
 * reason appended to err; that write's counts are dropped), else RP_OK;
 * call discovery_flush at the end. */
RP_MUST_CHECK rp_err discovery_count(struct discovery *d, const struct post *p,
                                     const struct strv *unknown, struct buf *err);

/* Write what is counted now. The first error since the last call, if
 * any (a flush from discovery_acked that failed), is returned with its
 * reason appended to err. *ret_tags (may be NULL) receives the number of
 * tags whose counts were written since open (a tag once per write). */
RP_MUST_CHECK rp_err discovery_flush(struct discovery *d, size_t *ret_tags, struct buf *err);

#endif
