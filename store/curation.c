/* store/curation.c - suggestions, votes, rate limits and the decision log
 * in Redis (see curation.h; keys in store/keys.h, section "curation"). */
#include "store/curation.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "store/keys.h"
#include "store/redis.h"
#include "tagger/casing.h"
#include "tagger/suggest.h"

#define ARGS_MAX 24

/* One command's arguments; numbers are formatted into nums. */
struct args {
	const char *v[ARGS_MAX];
	size_t l[ARGS_MAX];
	int n;
	char nums[ARGS_MAX][24];
};

static void arg(struct args *a, const char *s)
{
	a->v[a->n] = s ? s : "";
	a->l[a->n] = s ? strlen(s) : 0;
	a->n++;
}

static void argi(struct args *a, int64_t v)
{
	snprintf(a->nums[a->n], sizeof a->nums[a->n], "%" PRId64, v);
	arg(a, a->nums[a->n]);
}

/* Run a command; *ret (may be NULL) gets the reply. An error reply or a
 * connection error is RP_ERR_REDIS with the text in err. */
static rp_err run(redisContext *c, struct args *a, redisReply **ret, struct buf *err)
{
	redisReply *r = redisCommandArgv(c, a->n, a->v, a->l);
	if (!r) {
		buf_printf(err, "redis: %s", c->errstr[0] ? c->errstr : "no reply");
		return RP_ERR_REDIS;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		buf_printf(err, "redis: %s", r->str);
		freeReplyObject(r);
		return RP_ERR_REDIS;
	}
	if (ret)
		*ret = r;
	else
		freeReplyObject(r);
	return RP_OK;
}

static rp_err key_of(struct buf *k, const char *event, const char *suffix, const char *id,
                     struct buf *err)
{
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\" is not a usable event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	buf_reset(k);
	store_prefix(k, event);
	buf_adds(k, suffix);
	if (id)
		buf_adds(k, id);
	return RP_OK;
}

static void hex_of(const char *s, size_t n, char out[33])
{
	hash128_hex(s, n, out);
}

const char *curation_action_name(enum curation_action a)
{
	switch (a) {
	case CURATION_APPROVE_ALIAS: return "approve-alias";
	case CURATION_APPROVE_CONCEPT: return "approve-concept";
	case CURATION_MERGE: return "merge";
	case CURATION_REJECT: return "reject";
	case CURATION_BLOCK_TAG: return "block-tag";
	case CURATION_BLOCK_ACCOUNT: return "block-account";
	}
	return "?";
}

static int action_of(const char *s)
{
	for (int a = CURATION_APPROVE_ALIAS; a <= CURATION_BLOCK_ACCOUNT; a++)
		if (strcmp(s, curation_action_name((enum curation_action)a)) == 0)
			return a;
	return -1;
}

/* The client's hash, counted against the window; RP_ERR_LIMIT past it. */
static rp_err rate_limit(redisContext *c, const char *event, const char *client,
                         char chash[33], struct buf *err)
{
	struct buf k = {0};
	rp_err e;
	if (!client || !*client) {
		buf_adds(err, "a suggestion needs a client id (for the rate limit)");
		return RP_ERR_USAGE;
	}
	hex_of(client, strlen(client), chash);
	if ((e = key_of(&k, event, STORE_K_CUR_RATE, chash, err)))
		goto out;
	struct args a = {0};
	arg(&a, "INCR");
	arg(&a, k.data);
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	long long used = r->integer;
	freeReplyObject(r);
	if (used == 1) {
		struct args x = {0};
		arg(&x, "EXPIRE");
		arg(&x, k.data);
		argi(&x, CURATION_RATE_WINDOW_S);
		if ((e = run(c, &x, NULL, err)))
			goto out;
	}
	if (used > CURATION_RATE_MAX) {
		buf_printf(err, "too many suggestions: at most %d a %d s", CURATION_RATE_MAX,
		           CURATION_RATE_WINDOW_S);
		e = RP_ERR_LIMIT;
	}
out:
	buf_done(&k);
	return e;
}

/* Add client's vote to suggestion id; ZINCRBY only for a new voter. */
static rp_err add_vote(redisContext *c, const char *event, const char *chash, const char *id,
                       struct buf *err)
{
	struct buf vk = {0}, qk = {0};
	rp_err e;
	if ((e = key_of(&vk, event, STORE_K_CUR_VOTERS, id, err)) || (e = key_of(&qk, event, STORE_K_CUR_QUEUE, NULL, err)))
		goto out;
	struct args a = {0};
	arg(&a, "SADD");
	arg(&a, vk.data);
	arg(&a, chash);
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	bool fresh = r->integer == 1;
	freeReplyObject(r);
	if (fresh) {
		struct args z = {0};
		arg(&z, "ZINCRBY");
		arg(&z, qk.data);
		arg(&z, "1");
		arg(&z, id);
		e = run(c, &z, NULL, err);
	}
out:
	buf_done(&vk);
	buf_done(&qk);
	return e;
}

rp_err curation_suggest(redisContext *c, const char *event, const char *client, const char *tag,
                        const char *concept, const char *post, const char *note,
                        char ret_id[CURATION_ID_HEX + 1], struct buf *err)
{
	struct buf disp = {0}, key = {0}, ident = {0}, sk = {0}, kk = {0}, cnote = {0},
	           cconcept = {0}, cpost = {0};
	char chash[33], id[33];
	rp_err e = suggest_clean_tag(tag ? tag : "", tag ? strlen(tag) : 0, &disp, &key, err);
	if (e)
		goto out;
	if (concept)
		suggest_clean_text(concept, strlen(concept), 64, &cconcept);
	if (post)
		suggest_clean_text(post, strlen(post), 1024, &cpost);
	if (note)
		suggest_clean_text(note, strlen(note), SUGGEST_MAX_NOTE_BYTES, &cnote);
	if ((e = rate_limit(c, event, client, chash, err)))
		goto out;
	/* one suggestion per (tag, concept, post) */
	buf_add(&ident, key.data, key.len);
	buf_addc(&ident, '\x1f');
	buf_adds(&ident, buf_str(&cconcept));
	buf_addc(&ident, '\x1f');
	buf_adds(&ident, buf_str(&cpost));
	hex_of(ident.data, ident.len, id);
	if ((e = key_of(&sk, event, STORE_K_CUR_SUGG, id, err)))
		goto out;
	char kh[33];
	hex_of(key.data, key.len, kh);
	if ((e = key_of(&kk, event, STORE_K_CUR_BYTAG, kh, err)))
		goto out;
	int64_t now = clock_now();
	struct args h = {0};
	arg(&h, "HSETNX");
	arg(&h, sk.data);
	arg(&h, "f");
	argi(&h, now);
	redisReply *r = NULL;
	if ((e = run(c, &h, &r, err)))
		goto out;
	bool created = r->integer == 1;
	freeReplyObject(r);
	struct args s = {0};
	arg(&s, "HSET");
	arg(&s, sk.data);
	arg(&s, "l");
	argi(&s, now);
	if (created) {
		arg(&s, "tag");
		arg(&s, disp.data);
		arg(&s, "key");
		arg(&s, key.data);
		arg(&s, "concept");
		arg(&s, buf_str(&cconcept));
		arg(&s, "post");
		arg(&s, buf_str(&cpost));
		arg(&s, "note");
		arg(&s, buf_str(&cnote));
		arg(&s, "st");
		arg(&s, "open");
	}
	if ((e = run(c, &s, NULL, err)))
		goto out;
	struct args n = {0};
	arg(&n, "HINCRBY");
	arg(&n, sk.data);
	arg(&n, "n");
	arg(&n, "1");
	if ((e = run(c, &n, NULL, err)))
		goto out;
	struct args x = {0};
	arg(&x, "SADD");
	arg(&x, kk.data);
	arg(&x, id);
	if ((e = run(c, &x, NULL, err)))
		goto out;
	if ((e = add_vote(c, event, chash, id, err)))
		goto out;
	memcpy(ret_id, id, sizeof id);
out:
	buf_done(&disp);
	buf_done(&key);
	buf_done(&ident);
	buf_done(&sk);
	buf_done(&kk);
	buf_done(&cnote);
	buf_done(&cconcept);
	buf_done(&cpost);
	return e;
}

rp_err curation_vote(redisContext *c, const char *event, const char *client, const char *id,
                     struct buf *err)
{
	struct buf qk = {0};
	char chash[33];
	rp_err e;
	if (!id || strlen(id) != CURATION_ID_HEX || strspn(id, "0123456789abcdef") != CURATION_ID_HEX) {
		buf_adds(err, "a suggestion id is 32 hex digits");
		return RP_ERR_INPUT;
	}
	if ((e = key_of(&qk, event, STORE_K_CUR_QUEUE, NULL, err)))
		goto out;
	struct args a = {0};
	arg(&a, "ZSCORE");
	arg(&a, qk.data);
	arg(&a, id);
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	bool open = r->type != REDIS_REPLY_NIL;
	freeReplyObject(r);
	if (!open) {
		buf_printf(err, "no open suggestion %s", id);
		e = RP_ERR_NOTFOUND;
		goto out;
	}
	if ((e = rate_limit(c, event, client, chash, err)))
		goto out;
	e = add_vote(c, event, chash, id, err);
out:
	buf_done(&qk);
	return e;
}

void curation_items_free(struct curation_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rp_free(v[i].tag);
		rp_free(v[i].key);
		rp_free(v[i].concept);
		rp_free(v[i].post);
		rp_free(v[i].note);
	}
	rp_free(v);
}

static char *nonempty(const redisReply *r)
{
	if (!r || r->type != REDIS_REPLY_STRING || r->len == 0)
		return NULL;
	return rp_strndup(r->str, r->len);
}

rp_err curation_list(redisContext *c, const char *event, size_t max, struct curation_item **ret,
                     size_t *ret_n, struct buf *err)
{
	struct buf qk = {0}, sk = {0};
	struct curation_item *v = NULL;
	size_t n = 0;
	rp_err e;
	if (max > CURATION_LIST_MAX)
		max = CURATION_LIST_MAX;
	if ((e = key_of(&qk, event, STORE_K_CUR_QUEUE, NULL, err)))
		goto out;
	if (max == 0)
		goto done;
	struct args a = {0};
	arg(&a, "ZREVRANGE");
	arg(&a, qk.data);
	arg(&a, "0");
	argi(&a, (int64_t)max - 1);
	arg(&a, "WITHSCORES");
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	v = rp_calloc(r->elements / 2 + 1, sizeof *v);
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *idr = r->element[i];
		if (idr->type != REDIS_REPLY_STRING || idr->len != CURATION_ID_HEX)
			continue;
		struct curation_item *it = &v[n];
		memcpy(it->id, idr->str, CURATION_ID_HEX);
		it->id[CURATION_ID_HEX] = '\0';
		it->votes = strtoll(r->element[i + 1]->str, NULL, 10);
		if ((e = key_of(&sk, event, STORE_K_CUR_SUGG, it->id, err)))
			break;
		struct args h = {0};
		arg(&h, "HMGET");
		arg(&h, sk.data);
		arg(&h, "tag");
		arg(&h, "key");
		arg(&h, "concept");
		arg(&h, "post");
		arg(&h, "note");
		arg(&h, "f");
		arg(&h, "l");
		redisReply *hr = NULL;
		if ((e = run(c, &h, &hr, err)))
			break;
		if (hr->type == REDIS_REPLY_ARRAY && hr->elements == 7 && hr->element[0]->type ==
		    REDIS_REPLY_STRING) {
			it->tag = nonempty(hr->element[0]);
			it->key = nonempty(hr->element[1]);
			it->concept = nonempty(hr->element[2]);
			it->post = nonempty(hr->element[3]);
			it->note = nonempty(hr->element[4]);
			it->first = hr->element[5]->str ? strtoll(hr->element[5]->str, NULL, 10) : 0;
			it->last = hr->element[6]->str ? strtoll(hr->element[6]->str, NULL, 10) : 0;
			if (it->tag)
				n++;
		}
		freeReplyObject(hr);
	}
	freeReplyObject(r);
	if (e)
		goto out;
done:
	*ret = v;
	*ret_n = n;
	v = NULL;
	n = 0;
out:
	curation_items_free(v, n);
	buf_done(&qk);
	buf_done(&sk);
	return e;
}

/* The concept a MERGE or ALIAS target names: an id, or a tag it owns. */
static const struct concept *target(const struct ontology *o, const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, ontology_event_id(o)) == 0)
		return ontology_event(o);
	const struct concept *c = ontology_find(o, name);
	return c ? c : ontology_tag_owner(o, name, NULL);
}

/* Apply d to o. *already is set when o has it already (a replay). */
static rp_err apply(struct ontology *o, const struct curation_decision *d, bool *already,
                    struct buf *err)
{
	*already = false;
	const struct concept *c;
	switch (d->action) {
	case CURATION_APPROVE_ALIAS:
	case CURATION_MERGE:
		c = target(o, d->concept);
		if (!c) {
			buf_printf(err, "no concept or tag \"%s\"", d->concept ? d->concept : "");
			return RP_ERR_NOTFOUND;
		}
		if (ontology_tag_owner(o, d->tag, NULL) == c) {
			*already = true;
			return RP_OK;
		}
		return ontology_add_alias(o, c->id, d->tag, err);
	case CURATION_APPROVE_CONCEPT:
		if (!d->id || !d->label) {
			buf_adds(err, "a new concept needs --id and --label");
			return RP_ERR_USAGE;
		}
		c = ontology_find(o, d->id);
		if (c && ontology_tag_owner(o, d->tag, NULL) == c) {
			*already = true;
			return RP_OK;
		}
		return ontology_add_concept(o, d->id, d->label, d->concept, d->tag, err);
	case CURATION_REJECT:
		return RP_OK;
	case CURATION_BLOCK_TAG:
		*already = ontology_tag_blocked(o, d->tag);
		return ontology_block_tag(o, d->tag, err);
	case CURATION_BLOCK_ACCOUNT:
		if (!d->account || !*d->account) {
			buf_adds(err, "which account?");
			return RP_ERR_USAGE;
		}
		*already = ontology_account_blocked(o, d->account);
		ontology_block_account(o, d->account);
		return RP_OK;
	}
	return RP_ERR_USAGE;
}

static void jset(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

/* Close the open suggestions of the tag whose folded form has hash kh. */
static rp_err close_suggestions(redisContext *c, const char *event, const char *kh,
                                const char *status, struct buf *err)
{
	struct buf kk = {0}, qk = {0}, sk = {0};
	rp_err e;
	if ((e = key_of(&kk, event, STORE_K_CUR_BYTAG, kh, err)) || (e = key_of(&qk, event, STORE_K_CUR_QUEUE, NULL, err)))
		goto out;
	struct args a = {0};
	arg(&a, "SMEMBERS");
	arg(&a, kk.data);
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	for (size_t i = 0; i < r->elements && !e; i++) {
		const char *id = r->element[i]->str;
		struct args z = {0};
		arg(&z, "ZREM");
		arg(&z, qk.data);
		arg(&z, id);
		if ((e = run(c, &z, NULL, err)) || (e = key_of(&sk, event, STORE_K_CUR_SUGG, id, err)))
			break;
		struct args h = {0};
		arg(&h, "HSET");
		arg(&h, sk.data);
		arg(&h, "st");
		arg(&h, status);
		e = run(c, &h, NULL, err);
	}
	freeReplyObject(r);
out:
	buf_done(&kk);
	buf_done(&qk);
	buf_done(&sk);
	return e;
}

rp_err curation_decide(redisContext *c, struct ontology *o, const struct curation_decision *d,
                       struct buf *err)
{
	const char *event = ontology_event_id(o);
	struct buf by = {0}, why = {0}, lk = {0}, vk = {0}, disp = {0}, key = {0};
	char *line = NULL;
	rp_err e = RP_OK;
	if (d->by)
		suggest_clean_text(d->by, strlen(d->by), 128, &by);
	if (d->why)
		suggest_clean_text(d->why, strlen(d->why), SUGGEST_MAX_NOTE_BYTES, &why);
	if (by.len == 0 || why.len == 0) {
		buf_adds(err, "a decision needs who (--by) and why (--reason)");
		e = RP_ERR_USAGE;
		goto out;
	}
	if ((e = key_of(&lk, event, STORE_K_CUR_LOG, NULL, err)) ||
	    (e = key_of(&vk, event, STORE_K_CUR_VERSION, NULL, err)))
		goto out;
	if (d->action != CURATION_BLOCK_ACCOUNT &&
	    (e = suggest_clean_tag(d->tag ? d->tag : "", d->tag ? strlen(d->tag) : 0, &disp, &key,
	                           err)))
		goto out;
	struct curation_decision clean = *d;
	if (d->action != CURATION_BLOCK_ACCOUNT)
		clean.tag = disp.data;
	bool already;
	if ((e = apply(o, &clean, &already, err)))
		goto out;

	json_t *j = json_object();
	json_object_set_new(j, "action", json_string(curation_action_name(d->action)));
	jset(j, "tag", clean.tag);
	jset(j, "concept", d->concept);
	jset(j, "id", d->id);
	jset(j, "label", d->label);
	jset(j, "account", d->account);
	jset(j, "by", by.data);
	jset(j, "why", why.data);
	json_object_set_new(j, "when", json_integer(clock_now()));
	line = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	struct args a = {0};
	arg(&a, "RPUSH");
	arg(&a, lk.data);
	arg(&a, line);
	if ((e = run(c, &a, NULL, err)))
		goto out;
	struct args v = {0};
	arg(&v, "INCR");
	arg(&v, vk.data);
	if ((e = run(c, &v, NULL, err)))
		goto out;
	if (d->action != CURATION_BLOCK_ACCOUNT) {
		char kh[33];
		hex_of(key.data, key.len, kh);
		const char *st = d->action == CURATION_REJECT ? "rejected" :
		                 d->action == CURATION_BLOCK_TAG ? "blocked" :
		                 d->action == CURATION_MERGE ? "merged" : "approved";
		e = close_suggestions(c, event, kh, st, err);
	}
out:
	free(line);
	buf_done(&by);
	buf_done(&why);
	buf_done(&lk);
	buf_done(&vk);
	buf_done(&disp);
	buf_done(&key);
	return e;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

rp_err curation_version(redisContext *c, const char *event, uint64_t *ret, struct buf *err)
{
	struct buf vk = {0};
	rp_err e;
	if ((e = key_of(&vk, event, STORE_K_CUR_VERSION, NULL, err)))
		goto out;
	struct args a = {0};
	arg(&a, "GET");
	arg(&a, vk.data);
	redisReply *r = NULL;
	if ((e = run(c, &a, &r, err)))
		goto out;
	*ret = r->type == REDIS_REPLY_STRING ? strtoull(r->str, NULL, 10) : 0;
	freeReplyObject(r);
out:
	buf_done(&vk);
	return e;
}

static rp_err read_log(redisContext *c, const char *event, int64_t from, redisReply **ret,
                       struct buf *err)
{
	struct buf lk = {0};
	rp_err e;
	if ((e = key_of(&lk, event, STORE_K_CUR_LOG, NULL, err)))
		goto out;
	struct args a = {0};
	arg(&a, "LRANGE");
	arg(&a, lk.data);
	argi(&a, from);
	arg(&a, "-1");
	e = run(c, &a, ret, err);
out:
	buf_done(&lk);
	return e;
}

rp_err curation_apply(redisContext *c, struct ontology *o, uint64_t *ret_version, struct buf *err)
{
	const char *event = ontology_event_id(o);
	uint64_t version;
	rp_err e = curation_version(c, event, &version, err);
	if (e)
		return e;
	redisReply *r = NULL;
	if ((e = read_log(c, event, -(int64_t)CURATION_LOG_MAX, &r, err)))
		return e;
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *el = r->element[i];
		json_t *j = el->type == REDIS_REPLY_STRING ? json_loadb(el->str, el->len, 0, NULL) : NULL;
		int action = j ? action_of(jstr(j, "action") ? jstr(j, "action") : "") : -1;
		if (action < 0) {
			buf_printf(err, "decision %zu: unreadable, skipped\n", i + 1);
			json_decref(j);
			continue;
		}
		struct curation_decision d = {
			.action = (enum curation_action)action, .tag = jstr(j, "tag"),
			.concept = jstr(j, "concept"), .id = jstr(j, "id"), .label = jstr(j, "label"),
			.account = jstr(j, "account"), .by = jstr(j, "by"), .why = jstr(j, "why"),
		};
		bool already;
		struct buf why = {0};
		if ((d.action != CURATION_BLOCK_ACCOUNT && !d.tag) || apply(o, &d, &already, &why) != RP_OK)
			buf_printf(err, "decision %zu (%s #%s): no longer applies: %s\n", i + 1,
			           curation_action_name(d.action), d.tag ? d.tag : "", buf_str(&why));
		buf_done(&why);
		json_decref(j);
	}
	freeReplyObject(r);
	*ret_version = version;
	return RP_OK;
}

rp_err curation_log(redisContext *c, const char *event, size_t max, struct strv *ret,
                    struct buf *err)
{
	redisReply *r = NULL;
	rp_err e = read_log(c, event, -(int64_t)(max ? max : 1), &r, err);
	if (e)
		return e;
	for (size_t i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			strv_push(ret, r->element[i]->str);
	freeReplyObject(r);
	return RP_OK;
}

rp_err curation_connect(const char *url, redisContext **ret, struct buf *err)
{
	struct redis_addr a;
	rp_err e = redis_addr_parse(url, &a, err);
	if (e)
		return e;
	struct timeval tv = { REDIS_CONNECT_TIMEOUT_MS / 1000, (REDIS_CONNECT_TIMEOUT_MS % 1000) * 1000 };
	redisContext *c = a.path ? redisConnectUnixWithTimeout(a.path, tv)
	                         : redisConnectWithTimeout(a.host, a.port, tv);
	redis_addr_done(&a);
	if (!c || c->err) {
		buf_printf(err, "cannot connect to %s: %s", url, c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return RP_ERR_REDIS;
	}
	struct timeval ctv = { REDIS_COMMAND_TIMEOUT_MS / 1000, (REDIS_COMMAND_TIMEOUT_MS % 1000) * 1000 };
	redisSetTimeout(c, ctv);
	*ret = c;
	return RP_OK;
}

/* ---- discovery ------------------------------------------------------ */

static int64_t zscore(redisContext *c, const char *zkey, const char *member, struct buf *err)
{
	struct args a = {0};
	arg(&a, "ZSCORE");
	arg(&a, zkey);
	arg(&a, member);
	redisReply *r = NULL;
	if (run(c, &a, &r, err))
		return 0;
	int64_t v = r->type == REDIS_REPLY_STRING ? (int64_t)strtod(r->str, NULL) : 0;
	freeReplyObject(r);
	return v;
}

rp_err curation_discovered(redisContext *c, const struct ontology *o, uint32_t min_uses,
                           size_t max, struct mine_suggestion **ret, size_t *ret_n,
                           struct buf *err)
{
	const char *event = ontology_event_id(o);
	struct buf used = {0}, uk = {0}, ak = {0}, fk = {0}, lk = {0};
	struct mine_suggestion *v = NULL;
	size_t n = 0, cap = 0;
	redisReply *top = NULL;
	rp_err e;
	if (max > CURATION_LIST_MAX)
		max = CURATION_LIST_MAX;
	if ((e = key_of(&used, event, STORE_K_CUR_USED, NULL, err)) ||
	    (e = key_of(&fk, event, STORE_K_CUR_FIRST, NULL, err)) ||
	    (e = key_of(&lk, event, STORE_K_CUR_LAST, NULL, err)))
		goto out;
	/* the most used first; judged and re-ranked below, so read a margin */
	struct args a = {0};
	arg(&a, "ZREVRANGEBYSCORE");
	arg(&a, used.data);
	arg(&a, "+inf");
	argi(&a, min_uses ? min_uses : 1);
	arg(&a, "WITHSCORES");
	arg(&a, "LIMIT");
	arg(&a, "0");
	argi(&a, (int64_t)(max * 4 + 16));
	if ((e = run(c, &a, &top, err)))
		goto out;
	for (size_t i = 0; i + 1 < top->elements; i += 2) {
		const char *kh = top->element[i]->str;
		uint32_t uses = (uint32_t)strtoul(top->element[i + 1]->str, NULL, 10);
		if ((e = key_of(&uk, event, STORE_K_CUR_USAGE, kh, err)) ||
		    (e = key_of(&ak, event, STORE_K_CUR_AUTHORS, kh, err)))
			break;
		struct args h = {0};
		arg(&h, "HGETALL");
		arg(&h, uk.data);
		redisReply *hr = NULL;
		if ((e = run(c, &h, &hr, err)))
			break;
		const char *key = NULL, *casing = NULL;
		long long best_case = -1;
		uint32_t with_event = 0;
		struct mine_co co[MINE_MAX_CONCEPTS];
		size_t n_co = 0;
		for (size_t j = 0; j + 1 < hr->elements; j += 2) {
			const char *f = hr->element[j]->str, *val = hr->element[j + 1]->str;
			long long num = strtoll(val, NULL, 10);
			if (strcmp(f, "key") == 0) {
				key = val;
			} else if (strcmp(f, "e") == 0) {
				with_event = (uint32_t)num;
			} else if (strncmp(f, "c:", 2) == 0) {
				/* tagger/casing.h's rule; on a full tie the first in
				 * HGETALL's order, which is the order first seen while
				 * the hash is listpack-encoded (a few casings: always) */
				if (!casing || casing_prefer((uint64_t)num, f + 2, strlen(f + 2),
				                             (uint64_t)best_case, casing, strlen(casing))) {
					best_case = num;
					casing = f + 2;
				}
			} else if (strncmp(f, "t:", 2) == 0 && n_co < MINE_MAX_CONCEPTS) {
				const struct concept *cc = ontology_find(o, f + 2);
				if (cc)
					co[n_co++] = (struct mine_co){ cc, (uint32_t)num };
			}
		}
		/* approved or blocked since it was counted: not a suggestion any more */
		if (key && casing && !ontology_tag_owner(o, key, NULL) && !ontology_tag_blocked(o, key)) {
			struct args pf = {0};
			arg(&pf, "PFCOUNT");
			arg(&pf, ak.data);
			redisReply *pr = NULL;
			uint32_t authors = 0;
			if ((e = run(c, &pf, &pr, err)) == RP_OK) {
				authors = (uint32_t)pr->integer;
				freeReplyObject(pr);
			}
			struct mine_counts in = { casing, key, uses, authors, with_event,
			                          zscore(c, fk.data, kh, err), zscore(c, lk.data, kh, err),
			                          co, n_co };
			v = rp_grow(v, sizeof *v, n + 1, &cap);
			mine_judge(o, &in, &v[n++]);
		}
		freeReplyObject(hr);
		if (e)
			break;
	}
	if (e)
		goto out;
	mine_sort(v, n);
	while (n > max) {
		struct mine_suggestion *last = &v[--n];
		rp_free(last->tag);
		rp_free(last->key);
		rp_free(last->text);
	}
	*ret = v;
	*ret_n = n;
	v = NULL;
	n = 0;
out:
	if (top)
		freeReplyObject(top);
	if (v)
		mine_suggestions_free(v, n);
	buf_done(&used);
	buf_done(&uk);
	buf_done(&ak);
	buf_done(&fk);
	buf_done(&lk);
	return e;
}
