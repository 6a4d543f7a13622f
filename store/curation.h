/* store/curation.h - the Redis side of tag curation: public suggestions
 * and votes, rate limits, staff decisions and their audit log.
 *
 * Anyone may suggest a tag for a post or an alias for a concept
 * (curation_suggest, cleaned by tagger/suggest.h) and vote for a
 * suggestion (curation_vote); both are rate-limited per client, and votes
 * only rank the queue, they decide nothing. Staff decide
 * (curation_decide): approve a tag as an alias of a concept or as a new
 * concept, merge it into a concept, reject it, block a tag or an account;
 * each decision names who, when and why and is appended to the event's
 * decision log, which is both the audit log and what curation_apply
 * replays onto an ontology loaded from tags.yaml - so a decision applies
 * at once to the process that made it, and to every other process at
 * its next curation_apply (the version counter tells them when). Past
 * posts are re-tagged on request (store/retag.h, `rapporteur tags
 * retag`, after curation_apply). `rapporteur tags export` then writes
 * the reviewed tags.yaml.
 *
 * Every function takes a connected hiredis context lent by the caller and
 * an event id (store_event_valid); keys are documented in store/keys.h,
 * section "curation". Errors: RP_ERR_REDIS (connection or server),
 * RP_ERR_INPUT (a bad tag, id or missing who/why), RP_ERR_LIMIT (rate
 * limit), RP_ERR_NOTFOUND; the reason is appended to err. Owned by the
 * tagger engineers. */
#ifndef RP_STORE_CURATION_H
#define RP_STORE_CURATION_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/strv.h"
#include "tagger/mine.h"
#include "tagger/ontology.h"

#define CURATION_RATE_MAX       10   /* suggestions + votes per client per window */
#define CURATION_RATE_WINDOW_S  60   /* the rate-limit window, seconds */
#define CURATION_LIST_MAX       1000 /* suggestions returned by one curation_list */
#define CURATION_LOG_MAX        100000 /* decisions replayed by curation_apply */
#define CURATION_ID_HEX         32   /* hex digits of a suggestion id */

enum curation_action {
	CURATION_APPROVE_ALIAS,     /* tag becomes an alias of concept */
	CURATION_APPROVE_CONCEPT,   /* tag becomes the hashtag of a new theme, or session under concept */
	CURATION_MERGE,             /* tag merged into concept (concept: an id or one of its tags) */
	CURATION_REJECT,            /* the suggestion is closed; nothing changes */
	CURATION_BLOCK_TAG,         /* tag is never matched nor shown */
	CURATION_BLOCK_ACCOUNT,     /* account's posts match nothing */
};

struct curation_decision {
	enum curation_action action;
	const char *tag;       /* all but BLOCK_ACCOUNT: the tag decided on */
	const char *concept;   /* ALIAS, MERGE: the target; CONCEPT: the parent theme or NULL */
	const char *id;        /* CONCEPT: the new concept's id */
	const char *label;     /* CONCEPT: its display label (default language) */
	const char *account;   /* BLOCK_ACCOUNT */
	const char *by;        /* who decided; required */
	const char *why;       /* why; required */
};

/* Record a suggestion of tag (for concept and/or post, both optional)
 * from client (any stable id: address, session; only its hash is kept).
 * The same suggestion again counts as a vote. On success ret_id receives
 * the suggestion id (32 hex + NUL). */
RP_MUST_CHECK rp_err curation_suggest(redisContext *c, const char *event, const char *client,
                                      const char *tag, const char *concept, const char *post,
                                      const char *note, char ret_id[CURATION_ID_HEX + 1],
                                      struct buf *err);

/* One vote of client for suggestion id (a second vote of the same client
 * changes nothing). RP_ERR_NOTFOUND for an unknown or closed id. */
RP_MUST_CHECK rp_err curation_vote(redisContext *c, const char *event, const char *client,
                                   const char *id, struct buf *err);

struct curation_item {
	char id[CURATION_ID_HEX + 1];
	char *tag;        /* display form as suggested (cleaned) */
	char *key;        /* folded form */
	char *concept;    /* suggested concept id, or NULL */
	char *post;       /* post id, or NULL */
	char *note;       /* the suggester's note, or NULL */
	int64_t votes;    /* distinct clients that suggested or voted */
	int64_t first, last; /* UTC seconds */
};

/* The open suggestions, most votes first, at most max (<= CURATION_LIST_MAX).
 * *ret is owned by the caller (curation_items_free). */
RP_MUST_CHECK rp_err curation_list(redisContext *c, const char *event, size_t max,
                                   struct curation_item **ret, size_t *ret_n, struct buf *err);
void curation_items_free(struct curation_item *v, size_t n);

/* Apply d to o (the ontology of event, which changes at once) and, when it
 * applies, append it with who/when/why to the decision log, bump the
 * version and close the open suggestions of that tag. Nothing is written
 * when it does not apply. */
RP_MUST_CHECK rp_err curation_decide(redisContext *c, struct ontology *o,
                                     const struct curation_decision *d, struct buf *err);

/* Replay the decision log onto o (loaded from tags.yaml): decisions
 * already in it are skipped; one that no longer applies is noted in err
 * (a line each) and skipped, and the rest still applied. *ret_version is
 * the log's version, to compare with curation_version later. */
RP_MUST_CHECK rp_err curation_apply(redisContext *c, struct ontology *o, uint64_t *ret_version,
                                    struct buf *err);

/* The version counter of the event's decisions (0 before the first). */
RP_MUST_CHECK rp_err curation_version(redisContext *c, const char *event, uint64_t *ret,
                                      struct buf *err);

/* The last max decisions of the log, oldest first, as JSON objects
 * {"action","tag","concept","id","label","account","by","why","when"}
 * pushed to ret (the caller's strv). */
RP_MUST_CHECK rp_err curation_log(redisContext *c, const char *event, size_t max,
                                  struct strv *ret, struct buf *err);

const char *curation_action_name(enum curation_action a);  /* "approve-alias", ... */

/* The tags counted by store/discovery.h (import, and `rapporteur tags
 * mine`), used in min_uses posts or more and still not in o (nor
 * blocked), judged by tagger/mine.h (mine_judge), best first, at most
 * max. *ret is owned by the caller (mine_suggestions_free). */
RP_MUST_CHECK rp_err curation_discovered(redisContext *c, const struct ontology *o,
                                         uint32_t min_uses, size_t max,
                                         struct mine_suggestion **ret, size_t *ret_n,
                                         struct buf *err);

/* Connect to a --redis URL (redis://host:port or unix:/path, parsed by
 * store/redis.h) and return a plain hiredis context for the functions
 * above, owned by the caller (redisFree). RP_ERR_USAGE for a bad URL,
 * RP_ERR_REDIS when it cannot connect; the reason is appended to err. */
RP_MUST_CHECK rp_err curation_connect(const char *url, redisContext **ret, struct buf *err);

#endif
