/* store/layout.h - which key layout an event's keys were written in.
 *
 *   P layout             string: the layout of store/keys.h the event's
 *                        keys follow (STORE_LAYOUT). The first ingest of
 *                        an event sets it.
 * A reader that met keys of another layout would show posts without
 * their fields, and a writer would mix two layouts in one event; both
 * refuse such an event instead, saying what to do. An event with posts
 * and no layout key was written before the key existed (layout 1: each
 * post value in a field of its own). */
#ifndef RP_STORE_LAYOUT_H
#define RP_STORE_LAYOUT_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/redis.h"

#define STORE_K_LAYOUT "layout"
#define STORE_LAYOUT   "4"   /* 4: a story's members (s:SID:m) are a string of PIDs,
                                a STORY_SCORE is an integer in millionths (keys.h);
                                3: members a zset by time, scores fractional;
                                3 and up: a post is one string, its record
                                (store/postmeta.h); 2: a hash with its values
                                packed in field v */

/* Check that the event with key prefix P (store_prefix) is in this
 * layout, or empty; when claim, an empty event is marked as this
 * layout. RP_ERR_INPUT (reason appended to *err) for another layout,
 * RP_ERR_REDIS when Redis fails. */
RP_MUST_CHECK rp_err store_layout_check(struct redis *r, const char *prefix, bool claim,
                                        struct buf *err);

/* The verdict of store_layout_check for callers that read the two keys
 * themselves: have is the value of P layout (NULL when absent), posts
 * whether P posts exists. RP_OK, or RP_ERR_INPUT with the reason
 * appended to *err. */
RP_MUST_CHECK rp_err store_layout_verdict(const char *prefix, const char *have, bool posts,
                                          struct buf *err);

#endif
