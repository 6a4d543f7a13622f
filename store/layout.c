/* store/layout.c - which key layout an event's keys were written in
 * (see layout.h). */
#include "store/layout.h"

#include <string.h>

#include "store/keys.h"

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
	/* both keys in one round trip: digests read this on every request */
	const char *get[] = { "GET", buf_str(&k) }, *exists[] = { "EXISTS", buf_str(&p) };
	redisReply *lv = NULL, *lp = NULL;
	rp_err e = redis_append(r, 2, get, NULL);
	if (!e)
		e = redis_append(r, 2, exists, NULL);
	if (!e)
		e = redis_get_reply(r, &lv);
	if (!e)
		e = redis_get_reply(r, &lp);
	if (e) {
		buf_adds(err, redis_errstr(r));
	} else {
		const char *have = lv->type == REDIS_REPLY_STRING ? lv->str : NULL;
		bool posts = lp->type == REDIS_REPLY_INTEGER && lp->integer > 0;
		e = store_layout_verdict(prefix, have, posts, err);
		if (!e && !have && !posts && claim) {
			redisReply *rep;
			if (redis_callv(r, &rep, "SET", buf_str(&k), STORE_LAYOUT, "NX", (char *)NULL) != RP_OK) {
				buf_adds(err, redis_errstr(r));
				e = RP_ERR_REDIS;
			} else {
				freeReplyObject(rep);
			}
		}
	}
	if (lv)
		freeReplyObject(lv);
	if (lp)
		freeReplyObject(lp);
	buf_done(&k);
	buf_done(&p);
	return e;
}
