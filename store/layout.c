/* store/layout.c - which key layout an event's keys were written in
 * (see layout.h). */
#include "store/layout.h"

#include <string.h>

#include "core/alloc.h"
#include "store/keys.h"

static rp_err fail(struct redis *r, struct buf *err)
{
	buf_adds(err, redis_errstr(r));
	return RP_ERR_REDIS;
}

rp_err store_layout_verdict(const char *prefix, const char *have, bool posts, struct buf *err)
{
	if (!have && posts)
		have = "1";   /* written before the mark existed */
	if (!have || strcmp(have, STORE_LAYOUT) == 0)
		return RP_OK;
	buf_printf(err, "the event's keys in Redis (%s*) were written in key layout %s, "
	           "and this rapporteur reads layout " STORE_LAYOUT ": import the posts again "
	           "into an empty Redis (a new --data directory, or after deleting those keys)",
	           prefix, have);
	return RP_ERR_INPUT;
}

rp_err store_layout_check(struct redis *r, const char *prefix, bool claim, struct buf *err)
{
	struct buf k, p;
	buf_init(&k);
	buf_init(&p);
	buf_printf(&k, "%s" STORE_K_LAYOUT, prefix);
	buf_printf(&p, "%s" STORE_K_POSTS, prefix);
	rp_err e = RP_OK;
	redisReply *rep = NULL;
	char *have = NULL;
	if (redis_callv(r, &rep, "GET", buf_str(&k), (char *)NULL) != RP_OK) {
		e = fail(r, err);
		goto out;
	}
	if (rep->type == REDIS_REPLY_STRING)
		have = rp_strndup(rep->str, rep->len);
	freeReplyObject(rep);
	if (!have) {
		/* No mark: an empty event, or one written before the mark. */
		if (redis_callv(r, &rep, "EXISTS", buf_str(&p), (char *)NULL) != RP_OK) {
			e = fail(r, err);
			goto out;
		}
		bool old = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
		freeReplyObject(rep);
		if (old) {
			have = rp_strdup("1");
		} else if (claim) {
			if (redis_callv(r, &rep, "SET", buf_str(&k), STORE_LAYOUT, "NX", (char *)NULL) != RP_OK) {
				e = fail(r, err);
				goto out;
			}
			freeReplyObject(rep);
		}
	}
	if (have)
		e = store_layout_verdict(prefix, have, true, err);
out:
	rp_free(have);
	buf_done(&k);
	buf_done(&p);
	return e;
}
