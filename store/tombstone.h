/* store/tombstone.h - hiding and deleting posts (issue 4's tombstones).
 *
 * A tombstone is value `x` of a post's record (store/keys.h,
 * store/postmeta.h): "hidden" (a curator hid it; who, when and why are
 * kept beside it) or "deleted" (its source deleted it; its text and
 * title are dropped). The ingest script never rewrites a post that
 * carries one, so a later fetch does not undo it. Setting or clearing a
 * tombstone is one atomic script call: the post leaves (or rejoins) its
 * story's members, the story's summary and score are recomputed from the
 * members left, the per-theme and per-session counts move by one, and
 * the change goes to the event stream.
 *
 * Posts are named as `rapporteur import` names them: by their id (a URI
 * id is global; any other id is known within its source, so the source
 * is needed too), or by their PID. Every function takes a struct redis
 * lent by the caller; nothing here keeps it. Strings given are only read. */
#ifndef RP_STORE_TOMBSTONE_H
#define RP_STORE_TOMBSTONE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/keys.h"
#include "store/redis.h"

#define TOMBSTONE_BY_MAX_BYTES  256    /* --by: who hid the post */
#define TOMBSTONE_WHY_MAX_BYTES 2048   /* --why: the reason given */

enum tombstone_op {
	TOMBSTONE_HIDE,     /* a curator hides the post: x = "hidden" */
	TOMBSTONE_DELETE,   /* its source deleted it: x = "deleted", text and title dropped */
	TOMBSTONE_UNHIDE,   /* a curator's hide undone; a delete is never undone */
};

/* What one tombstone_apply did. */
struct tombstone_result {
	char pid[STORE_PID_HEX_BUF];   /* the post */
	char sid[STORE_PID_HEX_BUF];   /* its story; "" when it has none */
	bool changed;                  /* false: it was already so; nothing was written */
	char was[8];                   /* x before the call: "", "hidden" or "deleted" */
	int64_t story_posts;           /* posts left in its story after the call */
};

/* The PID of the post named id in event (store_event_valid). id is a PID
 * (16 lowercase hex digits) when a post has that PID; otherwise a post id
 * as imported, with source the post's source (NULL or "" when it was
 * imported without one; ignored for a URI id). RP_ERR_NOTFOUND when no
 * such post is stored, RP_ERR_USAGE for a bad event id or an empty id,
 * RP_ERR_REDIS when a read fails; the reason is appended to *err. On
 * RP_OK ret_pid gets 17 bytes. */
RP_MUST_CHECK rp_err tombstone_find(struct redis *r, const char *event, const char *id,
                                    const char *source, char ret_pid[STORE_PID_HEX_BUF],
                                    struct buf *err);

/* Apply op to post pid of event at time now (UTC seconds, kept as `xt`).
 * by and why (may be NULL) are kept as `xb` and `xw`: required for
 * TOMBSTONE_HIDE, optional otherwise, each valid UTF-8 within its limit.
 * Idempotent: a post already in the state asked for is left untouched
 * (ret->changed false). Hiding a deleted post changes nothing; deleting a
 * hidden one turns it into a delete. RP_ERR_NOTFOUND for an unknown pid,
 * RP_ERR_USAGE for unhiding a deleted post or a missing by/why,
 * RP_ERR_LIMIT / RP_ERR_INPUT for by/why too long or not UTF-8,
 * RP_ERR_REDIS when the script fails; the reason is appended to *err.
 * *ret (may be NULL) is written on RP_OK only. */
RP_MUST_CHECK rp_err tombstone_apply(struct redis *r, const char *event, const char *pid,
                                     enum tombstone_op op, const char *by, const char *why,
                                     int64_t now, struct tombstone_result *ret,
                                     struct buf *err);

/* "hide", "delete", "unhide": the stream's `e` of op. */
const char *tombstone_op_str(enum tombstone_op op);

#endif
