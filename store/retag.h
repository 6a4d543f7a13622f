/* store/retag.h - re-applying curation decisions to past posts.
 *
 * New posts are matched with the decisions as they are when the post is
 * imported; a decision made later (an approved alias, a new concept, a
 * blocked tag or account) applies to the posts already stored only when
 * asked: retag_run matches every stored post of the event again (the
 * caller gives the ontology after curation_apply) and updates what its
 * themes and sessions decide (store/keys.h): the post's themes and
 * sessions (in its record), the counts of P n, and for each story
 * touched its `T`, its place in the per-theme and per-session story
 * zsets (P th:ID:s, P se:ID:s, added with keys.h STORY_SCORE of its
 * summary, removed when no member is in that index any more) and `ls`.
 *
 * A post is matched on what its record keeps (id, source, author, title,
 * text; an exact copy's text is its group's first post's) and on its
 * structured tags as discovery kept them (keys.h P cur:pt:BBB). A post
 * stored before those were kept (an import older than discovery) is
 * matched without them: a theme it had only from a feed category that
 * its text does not repeat is dropped. Tombstoned posts are left as they
 * are.
 *
 * Safe beside a running import and idempotent: posts are read in pages
 * (ZSCAN of P posts, pipelined reads), matched here, and each page's
 * changes are written by one Lua script call that first checks, post by
 * post, that the content hash and the themes and sessions are still the
 * ones matched (else the post is skipped: counted, and a second run
 * takes it), so a run writes nothing a concurrent import or edit has
 * changed meanwhile, and a second run changes nothing. Posts imported
 * while it runs are tagged by their importer (with the decisions it
 * loaded).
 *
 * The caller lends a connected hiredis context (store/curation.h
 * curation_connect) and the ontology. Owned by the tagger engineers. */
#ifndef RP_STORE_RETAG_H
#define RP_STORE_RETAG_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "core/buf.h"
#include "core/err.h"
#include "tagger/ontology.h"

#define RETAG_PAGE   500   /* ZSCAN COUNT: about the posts read, then written by one
                              script call, per page */

struct retag_stats {
	size_t scanned;     /* posts read (ZSCAN may return one twice: counted twice) */
	size_t changed;     /* posts whose themes or sessions changed */
	size_t skipped;     /* changed or tombstoned meanwhile: left for the next run */
	size_t tombstoned;  /* hidden or deleted: left as they are */
	size_t stories;     /* stories whose indexes were recomputed */
};

/* Match every stored post of o's event again and update what depends
 * on its themes and sessions (see above). RP_ERR_REDIS (reason appended
 * to err) when Redis fails; what earlier pages wrote stays (each page is
 * atomic, and a run again completes it). *ret is filled in either case. */
RP_MUST_CHECK rp_err retag_run(redisContext *c, const struct ontology *o, struct retag_stats *ret,
                               struct buf *err);

#endif
