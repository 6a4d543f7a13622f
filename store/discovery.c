/* store/discovery.c - live discovery during import (see discovery.h;
 * keys in store/keys.h, section "curation").
 *
 * Posts wait in `pending` (in ingest order) from discovery_add until
 * their ack; a post stored counts into `aggs` (one per folded tag), and
 * discovery_write sends the sums and forgets them. discovery_count
 * (`tags mine`) skips the wait: its post counts at once. */
#include "store/discovery.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "store/curation.h"
#include "store/keys.h"
#include "store/redis.h"
#include "tagger/strmap.h"

/* One post between discovery_add and its ack. */
struct pending {
	uint64_t seq;
	bool done;                     /* acked (and freed): skipped by the scan */
	bool in_event;
	int64_t published;             /* 0 when the source gave none */
	char pid[STORE_PID_HEX_BUF];
	char *author;                  /* owned; NULL when none */
	char *ptags;                   /* structured tags joined by \x1f; owned; NULL when none */
	char **tags;                   /* n_tags display forms of unknown tags; owned */
	size_t n_tags;
	const struct concept **co;     /* n_co themes and sessions; lent from the ontology */
	size_t n_co;
};

struct spelling {
	char *s;                       /* owned */
	uint32_t n;
};

struct co_count {
	const struct concept *c;
	uint32_t n;
};

/* The sums of one tag since the last write. */
struct agg {
	char *key;                     /* utf8_fold form; owned */
	uint32_t uses, with_event;
	int64_t first, last;           /* 0: no post had a time */
	struct spelling *sp;
	size_t n_sp, cap_sp;
	char **authors;                /* for PFADD (repeats are harmless there); owned */
	size_t n_authors, cap_authors;
	struct co_count *co;
	size_t n_co, cap_co;
};

struct discovery {
	struct redis *r;               /* its own connection */
	const struct ontology *o;
	struct buf prefix;             /* P */
	struct buf fold;
	struct pending *pend;          /* [head, n_pend) live, seq ascending */
	size_t head, n_pend, cap_pend;
	struct strmap keys;            /* folded tag -> index in aggs; cleared on write */
	struct agg *aggs;
	size_t n_aggs, cap_aggs;
	struct { char pid[STORE_PID_HEX_BUF]; char *tags; } *pt; /* stored posts' tags to write */
	size_t n_pt, cap_pt;
	int64_t last_write_ns;
	size_t written_tags;
	rp_err failed;                 /* a write from the ack callback failed */
	struct buf failure;
};

rp_err discovery_open(const char *url, const struct ontology *o, struct discovery **ret,
                      struct buf *err)
{
	const char *event = ontology_event_id(o);
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\" is not a usable event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	struct redis *r = NULL;
	rp_err e = redis_open(url, &r, err);
	if (e)
		return e;
	struct discovery *d = rp_calloc(1, sizeof *d);
	d->r = r;
	d->o = o;
	store_prefix(&d->prefix, event);
	strmap_init(&d->keys);
	d->last_write_ns = clock_mono_ns();
	*ret = d;
	return RP_OK;
}

static void pending_free(struct pending *p)
{
	rp_free(p->author);
	rp_free(p->ptags);
	for (size_t i = 0; i < p->n_tags; i++)
		rp_free(p->tags[i]);
	rp_free(p->tags);
	rp_free(p->co);
	uint64_t seq = p->seq;   /* kept: the binary search needs it */
	memset(p, 0, sizeof *p);
	p->seq = seq;
	p->done = true;
}

static void aggs_clear(struct discovery *d)
{
	for (size_t i = 0; i < d->n_aggs; i++) {
		struct agg *a = &d->aggs[i];
		rp_free(a->key);
		for (size_t j = 0; j < a->n_sp; j++)
			rp_free(a->sp[j].s);
		rp_free(a->sp);
		for (size_t j = 0; j < a->n_authors; j++)
			rp_free(a->authors[j]);
		rp_free(a->authors);
		rp_free(a->co);
	}
	d->n_aggs = 0;
	strmap_done(&d->keys);
	strmap_init(&d->keys);
	for (size_t i = 0; i < d->n_pt; i++)
		rp_free(d->pt[i].tags);
	d->n_pt = 0;
}

void discovery_close(struct discovery *d)
{
	if (!d)
		return;
	for (size_t i = d->head; i < d->n_pend; i++)
		pending_free(&d->pend[i]);
	rp_free(d->pend);
	aggs_clear(d);
	rp_free(d->aggs);
	rp_free(d->pt);
	strmap_done(&d->keys);
	buf_done(&d->prefix);
	buf_done(&d->fold);
	buf_done(&d->failure);
	redis_close(d->r);
	rp_free(d);
}

/* True when s carries "#tag" as a whole hashtag, by a conservative test
 * (ASCII case only; the '#' after a space or at the start, the tag not
 * followed by a word byte): false when unsure, which only keeps a record
 * that was not needed. */
static bool in_text(const char *s, const char *tag)
{
	size_t n = strlen(tag);
	if (!s || n == 0)
		return false;
	for (const char *h = strchr(s, '#'); h; h = strchr(h + 1, '#')) {
		if (h > s && h[-1] != ' ' && h[-1] != '\n' && h[-1] != '\t')
			continue;
		if (strncasecmp(h + 1, tag, n) != 0)
			continue;
		unsigned char after = (unsigned char)h[1 + n];
		if (!(after >= 0x80 || after == '_' || (after >= '0' && after <= '9') ||
		      ((after | 0x20) >= 'a' && (after | 0x20) <= 'z')))
			return true;
	}
	return false;
}

/* Whether retag needs p's structured tags kept: one of them is not a
 * hashtag of its title or text (a feed category, say). Mastodon's and
 * Bluesky's tags repeat the text's, so most posts need no record. */
static bool needs_tags(const struct post *p)
{
	for (size_t i = 0; i < p->tags.n; i++) {
		const char *t = p->tags.v[i][0] == '#' ? p->tags.v[i] + 1 : p->tags.v[i];
		if (!in_text(p->text, t) && !in_text(p->title, t))
			return true;
	}
	return false;
}

/* Fill e (zeroed by the caller) from p: its unknown tags and
 * co-occurring concepts, and, when keep_tags, its structured tags under
 * pid. */
static void pending_fill(struct discovery *d, struct pending *e, const struct post *p,
                         const struct strv *unknown, bool keep_tags, const char *pid)
{
	e->in_event = p->in_event;
	e->published = p->published;
	if (pid)
		memcpy(e->pid, pid, sizeof e->pid);
	e->author = p->author ? rp_strdup(p->author) : NULL;
	if (keep_tags) {
		struct buf b = {0};
		for (size_t i = 0; i < p->tags.n; i++) {
			if (i)
				buf_addc(&b, '\x1f');
			for (const char *s = p->tags.v[i]; *s; s++)
				if (*s != '\x1f')
					buf_addc(&b, *s);
		}
		e->ptags = buf_detach(&b);
	}
	if (unknown->n) {
		e->tags = rp_calloc(unknown->n, sizeof *e->tags);
		for (size_t t = 0; t < unknown->n; t++)
			e->tags[e->n_tags++] = rp_strdup(unknown->v[t]);
		size_t nc = p->themes.n + p->sessions.n;
		e->co = rp_calloc(nc ? nc : 1, sizeof *e->co);
		const struct strv *lists[] = { &p->themes, &p->sessions };
		for (size_t l = 0; l < 2; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				const struct concept *c = ontology_find(d->o, lists[l]->v[i]);
				if (c)
					e->co[e->n_co++] = c;
			}
	}
}

void discovery_add(struct discovery *d, const struct post *p, const struct strv *unknown,
                   const struct cluster_assign *as, uint64_t seq)
{
	/* An add that ingest refused took no number: this one replaces it. */
	while (d->n_pend > d->head && d->pend[d->n_pend - 1].seq >= seq)
		pending_free(&d->pend[--d->n_pend]);
	if (d->n_pend - d->head >= DISCOVERY_MAX_PENDING)
		return;
	bool keep_tags = p->tags.n > 0 && needs_tags(p);
	if (unknown->n == 0 && !keep_tags)
		return;   /* nothing to count or keep: no entry; its ack finds none */
	if (d->head > 0 && d->head == d->n_pend)
		d->head = d->n_pend = 0;
	d->pend = rp_grow(d->pend, sizeof *d->pend, d->n_pend + 1, &d->cap_pend);
	struct pending *e = &d->pend[d->n_pend++];
	memset(e, 0, sizeof *e);
	e->seq = seq;
	char pid[STORE_PID_HEX_BUF];
	ingest_pid(as->keys.identity, pid);
	pending_fill(d, e, p, unknown, keep_tags, pid);
}

static struct agg *agg_of(struct discovery *d, const char *tag)
{
	buf_reset(&d->fold);
	utf8_fold(&d->fold, tag, strlen(tag));
	uint32_t i = strmap_get(&d->keys, buf_str(&d->fold), d->fold.len);
	if (i != STRMAP_NONE)
		return &d->aggs[i];
	d->aggs = rp_grow(d->aggs, sizeof *d->aggs, d->n_aggs + 1, &d->cap_aggs);
	i = (uint32_t)d->n_aggs++;
	struct agg *a = &d->aggs[i];
	memset(a, 0, sizeof *a);
	a->key = rp_strndup(buf_str(&d->fold), d->fold.len);
	strmap_put(&d->keys, buf_str(&d->fold), d->fold.len, i);
	return a;
}

/* Sum a stored post into aggs; take its structured tags. */
static void count(struct discovery *d, struct pending *e)
{
	for (size_t t = 0; t < e->n_tags; t++) {
		struct agg *a = agg_of(d, e->tags[t]);
		a->uses++;
		a->with_event += e->in_event;
		if (e->published) {
			if (!a->first || e->published < a->first)
				a->first = e->published;
			if (e->published > a->last)
				a->last = e->published;
		}
		size_t j = 0;
		while (j < a->n_sp && strcmp(a->sp[j].s, e->tags[t]) != 0)
			j++;
		if (j == a->n_sp) {
			a->sp = rp_grow(a->sp, sizeof *a->sp, a->n_sp + 1, &a->cap_sp);
			a->sp[a->n_sp++] = (struct spelling){ rp_strdup(e->tags[t]), 0 };
		}
		a->sp[j].n++;
		if (e->author && (a->n_authors == 0 ||
		                  strcmp(a->authors[a->n_authors - 1], e->author) != 0)) {
			a->authors = rp_grow(a->authors, sizeof *a->authors, a->n_authors + 1,
			                     &a->cap_authors);
			a->authors[a->n_authors++] = rp_strdup(e->author);
		}
		for (size_t i = 0; i < e->n_co; i++) {
			size_t k = 0;
			while (k < a->n_co && a->co[k].c != e->co[i])
				k++;
			if (k == a->n_co) {
				a->co = rp_grow(a->co, sizeof *a->co, a->n_co + 1, &a->cap_co);
				a->co[a->n_co++] = (struct co_count){ e->co[i], 0 };
			}
			a->co[k].n++;
		}
	}
	if (e->ptags) {
		d->pt = rp_grow(d->pt, sizeof *d->pt, d->n_pt + 1, &d->cap_pt);
		memcpy(d->pt[d->n_pt].pid, e->pid, sizeof e->pid);
		d->pt[d->n_pt++].tags = e->ptags;
		e->ptags = NULL;
	}
}

/* ---- writing -------------------------------------------------------- */

#define ARGS_MAX 8

struct w {
	struct discovery *d;
	size_t queued;                 /* commands appended, replies to read */
	rp_err e;
	struct buf *err;
};

static void w_send(struct w *w, int argc, const char **argv, const size_t *lens)
{
	if (w->e)
		return;
	if (redis_append(w->d->r, argc, argv, lens) != RP_OK) {
		buf_printf(w->err, "redis: %s", redis_errstr(w->d->r));
		w->e = RP_ERR_REDIS;
		return;
	}
	w->queued++;
}

/* A command of up to ARGS_MAX C strings. */
static void w_cmd(struct w *w, int argc, ...)
{
	const char *v[ARGS_MAX];
	size_t l[ARGS_MAX];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++) {
		v[i] = va_arg(ap, const char *);
		l[i] = strlen(v[i]);
	}
	va_end(ap);
	w_send(w, argc, v, l);
}

static rp_err discovery_write(struct discovery *d, struct buf *err)
{
	struct w w = { d, 0, RP_OK, err };
	d->last_write_ns = clock_mono_ns();
	if (d->n_aggs == 0 && d->n_pt == 0)
		return RP_OK;
	/* A connection lost at an earlier write (Redis restarted, say) is
	 * made again, with one try and no wait: these counts only advise,
	 * and the import must not stall on them. */
	if (!redis_connected(d->r) && redis_reconnect(d->r, 0) != RP_OK) {
		buf_printf(err, "redis: %s", redis_errstr(d->r));
		aggs_clear(d);
		return RP_ERR_REDIS;
	}
	struct buf used = {0}, fk = {0}, lk = {0}, uk = {0}, ak = {0}, f = {0}, pk = {0};
	buf_printf(&used, "%s" STORE_K_CUR_USED, buf_str(&d->prefix));
	buf_printf(&fk, "%s" STORE_K_CUR_FIRST, buf_str(&d->prefix));
	buf_printf(&lk, "%s" STORE_K_CUR_LAST, buf_str(&d->prefix));
	w_cmd(&w, 1, "MULTI");
	for (size_t i = 0; i < d->n_aggs && !w.e; i++) {
		const struct agg *a = &d->aggs[i];
		char kh[33], n[24], t[24];
		hash128_hex(a->key, strlen(a->key), kh);
		buf_reset(&uk);
		buf_printf(&uk, "%s" STORE_K_CUR_USAGE "%s", buf_str(&d->prefix), kh);
		buf_reset(&ak);
		buf_printf(&ak, "%s" STORE_K_CUR_AUTHORS "%s", buf_str(&d->prefix), kh);
		snprintf(n, sizeof n, "%" PRIu32, a->uses);
		w_cmd(&w, 4, "ZINCRBY", used.data, n, kh);
		w_cmd(&w, 4, "HSET", uk.data, "key", a->key);
		for (size_t j = 0; j < a->n_sp; j++) {
			buf_reset(&f);
			buf_printf(&f, "c:%s", a->sp[j].s);
			snprintf(n, sizeof n, "%" PRIu32, a->sp[j].n);
			w_cmd(&w, 4, "HINCRBY", uk.data, f.data, n);
		}
		if (a->with_event) {
			snprintf(n, sizeof n, "%" PRIu32, a->with_event);
			w_cmd(&w, 4, "HINCRBY", uk.data, "e", n);
		}
		for (size_t j = 0; j < a->n_co; j++) {
			buf_reset(&f);
			buf_printf(&f, "t:%s", a->co[j].c->id);
			snprintf(n, sizeof n, "%" PRIu32, a->co[j].n);
			w_cmd(&w, 4, "HINCRBY", uk.data, f.data, n);
		}
		if (a->n_authors) {
			const char **v = rp_calloc(a->n_authors + 2, sizeof *v);
			size_t *l = rp_calloc(a->n_authors + 2, sizeof *l);
			v[0] = "PFADD";
			v[1] = ak.data;
			for (size_t j = 0; j < a->n_authors; j++)
				v[j + 2] = a->authors[j];
			for (size_t j = 0; j < a->n_authors + 2; j++)
				l[j] = strlen(v[j]);
			w_send(&w, (int)a->n_authors + 2, v, l);
			rp_free(v);
			rp_free(l);
		}
		if (a->first) {
			snprintf(t, sizeof t, "%" PRId64, a->first);
			w_cmd(&w, 5, "ZADD", fk.data, "LT", t, kh);
			snprintf(t, sizeof t, "%" PRId64, a->last);
			w_cmd(&w, 5, "ZADD", lk.data, "GT", t, kh);
		}
	}
	for (size_t i = 0; i < d->n_pt && !w.e; i++) {
		buf_reset(&pk);
		store_ptags_key(&pk, buf_str(&d->prefix), d->pt[i].pid);
		w_cmd(&w, 4, "HSET", pk.data, d->pt[i].pid + STORE_CUR_PTAGS_HEX, d->pt[i].tags);
	}
	size_t tags = d->n_aggs;
	if (!w.e)
		w_cmd(&w, 1, "EXEC");
	else
		w_cmd(&w, 1, "DISCARD");
	/* Read every reply, even after an error, to stay in step. */
	for (size_t i = 0; i < w.queued; i++) {
		redisReply *rr = NULL;
		if (redis_get_reply(d->r, &rr) != RP_OK) {
			if (!w.e)
				buf_printf(err, "redis: %s", redis_errstr(d->r));
			w.e = RP_ERR_REDIS;
			break;
		}
		if (!w.e && rr && rr->type == REDIS_REPLY_ERROR) {
			buf_printf(err, "redis: %s", rr->str);
			w.e = RP_ERR_REDIS;
		}
		if (!w.e && rr && i + 1 == w.queued) {
			/* EXEC: nil when aborted; an error inside is reported */
			if (rr->type != REDIS_REPLY_ARRAY) {
				buf_adds(err, "redis: the discovery transaction was aborted");
				w.e = RP_ERR_REDIS;
			} else {
				for (size_t j = 0; j < rr->elements && !w.e; j++)
					if (rr->element[j]->type == REDIS_REPLY_ERROR) {
						buf_printf(err, "redis: %s", rr->element[j]->str);
						w.e = RP_ERR_REDIS;
					}
			}
		}
		freeReplyObject(rr);
	}
	if (!w.e)
		d->written_tags += tags;
	aggs_clear(d);
	buf_done(&used);
	buf_done(&fk);
	buf_done(&lk);
	buf_done(&uk);
	buf_done(&ak);
	buf_done(&f);
	buf_done(&pk);
	return w.e;
}

static struct pending *find(struct discovery *d, uint64_t seq)
{
	size_t lo = d->head, hi = d->n_pend;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->pend[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n_pend && d->pend[lo].seq == seq ? &d->pend[lo] : NULL;
}

/* Whether the sums are due to be written: DISCOVERY_FLUSH_MS since the
 * last write, or DISCOVERY_MAX_TAGS distinct tags summed. */
static bool write_due(const struct discovery *d)
{
	return d->n_aggs >= DISCOVERY_MAX_TAGS ||
	       (d->n_aggs + d->n_pt > 0 &&
	        (clock_mono_ns() - d->last_write_ns) / 1000000 >= DISCOVERY_FLUSH_MS);
}

void discovery_acked(void *ctx, uint64_t seq, enum ingest_result r)
{
	struct discovery *d = ctx;
	struct pending *e = find(d, seq);
	if (e && !e->done) {
		if (r == INGEST_NEW || r == INGEST_COPY)
			count(d, e);
		pending_free(e);
		while (d->head < d->n_pend && d->pend[d->head].done)
			d->head++;
		if (d->head > 1024 && d->head * 2 > d->n_pend) {
			memmove(d->pend, d->pend + d->head, (d->n_pend - d->head) * sizeof *d->pend);
			d->n_pend -= d->head;
			d->head = 0;
		}
	}
	if (write_due(d)) {
		struct buf why = {0};
		rp_err e2 = discovery_write(d, &why);
		if (e2 && !d->failed) {
			d->failed = e2;
			buf_adds(&d->failure, buf_str(&why));
		}
		buf_done(&why);
	}
}

rp_err discovery_count(struct discovery *d, const struct post *p, const struct strv *unknown,
                       struct buf *err)
{
	if (unknown->n) {
		struct pending e;
		memset(&e, 0, sizeof e);
		pending_fill(d, &e, p, unknown, false, NULL);
		count(d, &e);
		pending_free(&e);
	}
	return write_due(d) ? discovery_write(d, err) : RP_OK;
}

rp_err discovery_flush(struct discovery *d, size_t *ret_tags, struct buf *err)
{
	rp_err e = discovery_write(d, err);
	if (d->failed) {
		if (!e)
			buf_adds(err, buf_str(&d->failure));
		else
			buf_printf(err, " (and earlier: %s)", buf_str(&d->failure));
		e = d->failed;
		d->failed = RP_OK;
		buf_reset(&d->failure);
	}
	if (ret_tags)
		*ret_tags = d->written_tags;
	return e;
}
