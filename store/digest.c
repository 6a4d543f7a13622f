/* store/digest.c - reads for digests (see digest.h). Three pipelined
 * rounds: the index (and the post count of P n), the stories, then their
 * posts (one MGET of records a story); a fourth, rare, when a
 * representative turns out tombstoned. Tombstoned posts (store/keys.h
 * `x`) are never shown nor counted, even where a summary or an index is
 * stale (see live_story). */
#include "store/digest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "store/keys.h"
#include "store/layout.h"
#include "store/postmeta.h"

const char *digest_kind_name(enum digest_kind kind)
{
	return kind == DIGEST_SESSION ? "session" : "theme";
}

static void post_free(struct digest_post *p)
{
	rp_free(p->pid);
	rp_free(p->id);
	rp_free(p->source);
	rp_free(p->url);
	rp_free(p->author);
	rp_free(p->title);
	rp_free(p->text);
	rp_free(p->lang);
	memset(p, 0, sizeof *p);
}

void digest_done(struct digest *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct digest_story *s = &d->stories[i];
		rp_free(s->sid);
		rp_free(s->id);
		post_free(&s->rep);
		strv_done(&s->sources);
	}
	rp_free(d->stories);
	rp_free(d->id);
	memset(d, 0, sizeof *d);
}

static char *rep_str(const redisReply *r)
{
	if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS) || r->len == 0)
		return NULL;
	return rp_strndup(r->str, r->len);
}

static int64_t rep_int(const redisReply *r)
{
	if (!r)
		return 0;
	if (r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	if (r->type == REDIS_REPLY_STRING)
		return strtoll(r->str, NULL, 10);
	return 0;
}

/* Fill p (its pid aside) from m, a post's record (all empty when there
 * is none); true, with nothing filled, when the post is tombstoned
 * (store/keys.h `x`). */
static bool read_post(const struct post_meta *m, struct digest_post *p)
{
	if (m->n[POST_META_X])
		return true;
	p->id = post_meta_dup(m, POST_META_ID);
	p->source = post_meta_dup(m, POST_META_SOURCE);
	p->url = post_meta_dup(m, POST_META_URL);
	p->author = post_meta_dup(m, POST_META_AUTHOR);
	p->title = post_meta_dup(m, POST_META_TITLE);
	p->text = post_meta_dup(m, POST_META_TEXT);
	p->lang = post_meta_dup(m, POST_META_LANG);
	p->published = post_meta_int(m, POST_META_T);
	return false;
}

/* Add the key P p:PID of post pid (n bytes) to c; k is scratch. */
static void post_key(struct redis_cmd *c, struct buf *k, const char *prefix, const char *pid,
                     size_t n)
{
	buf_reset(k);
	buf_printf(k, "%s" STORE_K_POST "%.*s", prefix, (int)n, pid);
	redis_cmd_add(c, k->data, k->len);
}

/* Whether value f of record m is s. */
static bool meta_is(const struct post_meta *m, enum post_meta_field f, const char *s)
{
	return m->n[f] == strlen(s) && memcmp(m->v[f], s, m->n[f]) == 0;
}

/* A story's members as read (GETRANGE of P s:SID:m, store/keys.h: PIDs
 * end to end, STORE_PID_HEX bytes each, in the order they joined): how
 * many, and the PID of member j (not NUL-terminated). */
static size_t members_n(const redisReply *m)
{
	return m && m->type == REDIS_REPLY_STRING ? m->len / STORE_PID_HEX : 0;
}

static const char *member_pid(const redisReply *m, size_t j)
{
	return m->str + j * STORE_PID_HEX;
}

/* The dup group (GID) of member j, *ret_n bytes: its `d`, else its own
 * PID (the first post of its group). pm is its record, m the members. */
static const char *member_group(const struct post_meta *pm, const redisReply *m, size_t j,
                                size_t *ret_n)
{
	if (pm->n[POST_META_D]) {
		*ret_n = pm->n[POST_META_D];
		return pm->v[POST_META_D];
	}
	*ret_n = STORE_PID_HEX;
	return member_pid(m, j);
}

/* The index of g (n bytes) in groups; groups->n when it is not there. */
static size_t group_index(const struct strv *groups, const char *g, size_t n)
{
	size_t gi = 0;
	while (gi < groups->n &&
	       (strlen(groups->v[gi]) != n || memcmp(groups->v[gi], g, n) != 0))
		gi++;
	return gi;
}

/* Story s as its live (not tombstoned) members show it. m holds its
 * first members (nm of them, members_n), mp[j] the record of member j
 * (all empty when it has none). The tombstone script keeps tombstoned posts out of members
 * and summaries; this guards the reader against what it did not reach
 * (a summary the engine rewrote from its own memory since, an index in
 * between). When a member is tombstoned, or all members were read and
 * the summary counts more posts than are live, the counts and span are taken from
 * the live members (when all were read; else the tombstoned ones are
 * only subtracted), with the engine's rules: authors told apart after
 * utf8_fold, sources by name. The sources listed are always the live
 * members'. Returns true when the representative must be read again:
 * it was tombstoned, and s->rep.pid now names the earliest live member
 * of the largest live dup group, among members with a text of their own
 * (store/keys.h `m` absent, 2 or 4) when there is one; s->rep.pid is
 * NULL when no member is live. */
static bool live_story(struct digest_story *s, const redisReply *m, const struct post_meta *mp,
                       size_t nm, bool rep_dead, bool sid_dead)
{
	size_t live = 0, dead = 0;
	struct strv authors, groups;
	strv_init(&authors);
	strv_init(&groups);
	size_t *gn = rp_calloc(nm ? nm : 1, sizeof *gn);   /* live members per group, by groups.v index */
	struct buf fold;
	buf_init(&fold);
	int64_t first = 0, last = 0;
	for (size_t j = 0; j < nm; j++) {
		const struct post_meta *pm = &mp[j];
		if (pm->n[POST_META_X]) {
			dead++;
			continue;
		}
		live++;
		int64_t t = post_meta_int(pm, POST_META_T);
		if (live == 1 || t < first)
			first = t;
		if (live == 1 || t > last)
			last = t;
		char *src = post_meta_dup(pm, POST_META_SOURCE);
		if (src && !strv_contains(&s->sources, src))
			strv_take(&s->sources, src);
		else
			rp_free(src);
		if (pm->n[POST_META_AUTHOR]) {
			buf_reset(&fold);
			utf8_fold(&fold, pm->v[POST_META_AUTHOR], pm->n[POST_META_AUTHOR]);
			strv_push_unique(&authors, buf_str(&fold));
		}
		size_t gl;
		const char *g = member_group(pm, m, j, &gl);
		size_t gi = group_index(&groups, g, gl);
		if (gi == groups.n)
			strv_take(&groups, rp_strndup(g, gl));
		gn[gi]++;
	}
	bool complete = nm < DIGEST_MEMBERS_MAX;
	if (dead || (complete && live < s->n_posts)) {
		if (complete) {
			s->n_posts = live;
			s->n_dups = groups.n;
			s->n_authors = authors.n;
			s->n_sources = s->sources.n;
			s->first = first;
			s->last = last;
		} else {
			s->n_posts = s->n_posts > dead ? s->n_posts - dead : live;
		}
	}
	bool again = false;
	if (rep_dead) {
		again = true;
		const char *best = NULL;
		size_t bn = 0;
		int64_t bt = 0;
		for (int pass = 0; pass < 2 && !best; pass++) {
			for (size_t j = 0; j < nm; j++) {
				const struct post_meta *pm = &mp[j];
				if (pm->n[POST_META_X])
					continue;
				/* Pass 0: members with a text of their own (not an exact copy). */
				if (pass == 0 && (meta_is(pm, POST_META_M, "1") || meta_is(pm, POST_META_M, "3")))
					continue;
				size_t gl;
				const char *g = member_group(pm, m, j, &gl);
				size_t gi = group_index(&groups, g, gl);
				int64_t t = post_meta_int(pm, POST_META_T);
				if (gi < groups.n && (gn[gi] > bn || (gn[gi] == bn && t < bt))) {
					bn = gn[gi];
					bt = t;
					best = member_pid(m, j);
				}
			}
		}
		post_free(&s->rep);
		s->rep.pid = best ? rp_strndup(best, STORE_PID_HEX) : NULL;
	}
	/* The story is named by its first post's id: not shown when that
	 * post is tombstoned. */
	if (sid_dead) {
		rp_free(s->id);
		s->id = NULL;
	}
	if (!live && complete)
		s->n_posts = 0;
	strv_done(&authors);
	strv_done(&groups);
	rp_free(gn);
	buf_done(&fold);
	return again;
}

/* Drop the stories left with no live post (store/keys.h: a story whose
 * every member is tombstoned). */
static void drop_empty(struct digest *d)
{
	size_t o = 0;
	for (size_t i = 0; i < d->n; i++) {
		struct digest_story *s = &d->stories[i];
		if (s->n_posts == 0 || !s->rep.pid) {
			rp_free(s->sid);
			rp_free(s->id);
			post_free(&s->rep);
			strv_done(&s->sources);
			continue;
		}
		d->stories[o++] = *s;
	}
	d->n = o;
}

/* Send cmd (words), without waiting. */
static rp_err send(struct redis *r, struct redis_cmd *c)
{
	return redis_append(r, (int)c->n, redis_cmd_argv(c), c->len);
}

/* Read one reply; error replies become RP_ERR_REDIS with their text. */
static rp_err recv(struct redis *r, redisReply **ret, struct buf *err)
{
	redisReply *rep;
	if (redis_get_reply(r, &rep) != RP_OK) {
		buf_adds(err, redis_errstr(r));
		return RP_ERR_REDIS;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		buf_printf(err, "%.*s", (int)rep->len, rep->str);
		freeReplyObject(rep);
		return RP_ERR_REDIS;
	}
	*ret = rep;
	return RP_OK;
}

/* Read and drop n replies (to keep the connection in step after an
 * error). */
static void drain(struct redis *r, size_t n)
{
	redisReply *rep;
	for (size_t i = 0; i < n && redis_connected(r); i++)
		if (redis_get_reply(r, &rep) == RP_OK)
			freeReplyObject(rep);
}

rp_err digest_read(struct redis *r, const char *event, enum digest_kind kind, const char *id,
                   size_t limit, int64_t now, struct digest *ret, struct buf *err)
{
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\": not an event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	if (limit == 0)
		limit = DIGEST_LIMIT_DEFAULT;
	if (limit > DIGEST_LIMIT_MAX)
		limit = DIGEST_LIMIT_MAX;
	struct digest d = { 0 };
	d.kind = kind;
	d.id = rp_strdup(id);
	d.now = now;
	rp_err e = RP_OK;
	struct buf P, k;
	buf_init(&P);
	buf_init(&k);
	store_prefix(&P, event);
	rp_err layout = store_layout_check(r, buf_str(&P), false, err);
	if (layout) {
		digest_done(&d);
		buf_done(&P);
		buf_done(&k);
		return layout;
	}
	const char *ix = kind == DIGEST_SESSION ? STORE_K_SESSION : STORE_K_THEME;
	struct redis_cmd c;
	redis_cmd_init(&c);
	redisReply *rep = NULL, *top = NULL;
	/* Round 1: the index. */
	buf_printf(&k, "%s%s%s:s", buf_str(&P), ix, id);
	redis_cmd_adds(&c, "ZREVRANGE");
	redis_cmd_adds(&c, buf_str(&k));
	redis_cmd_adds(&c, "0");
	redis_cmd_addi(&c, (int64_t)(limit * DIGEST_CANDIDATES) - 1);
	redis_cmd_adds(&c, "WITHSCORES");
	e = send(r, &c);
	redis_cmd_reset(&c);
	redis_cmd_adds(&c, "ZCARD");
	redis_cmd_adds(&c, buf_str(&k));
	if (!e)
		e = send(r, &c);
	buf_reset(&k);
	buf_printf(&k, "%s" STORE_K_COUNTS, buf_str(&P));
	redis_cmd_reset(&c);
	redis_cmd_adds(&c, "HGET");
	redis_cmd_adds(&c, buf_str(&k));
	buf_reset(&k);
	buf_printf(&k, "%s%s", ix, id);
	redis_cmd_adds(&c, buf_str(&k));
	if (!e)
		e = send(r, &c);
	if (e) {
		buf_adds(err, redis_errstr(r));
		goto done;
	}
	if ((e = recv(r, &top, err))) {
		drain(r, 2);
		goto done;
	}
	if ((e = recv(r, &rep, err))) {
		drain(r, 1);
		goto done;
	}
	d.total = (size_t)rep_int(rep);
	freeReplyObject(rep);
	if ((e = recv(r, &rep, err)))
		goto done;
	d.posts = (size_t)rep_int(rep);
	freeReplyObject(rep);
	rep = NULL;
	if (top->type != REDIS_REPLY_ARRAY) {
		buf_adds(err, "ZREVRANGE: not an array");
		e = RP_ERR_REDIS;
		goto done;
	}
	d.n = top->elements / 2;
	d.stories = rp_calloc(d.n ? d.n : 1, sizeof *d.stories);
	for (size_t i = 0; i < d.n; i++) {
		d.stories[i].sid = rep_str(top->element[2 * i]);
		d.stories[i].score = strtod(top->element[2 * i + 1]->str, NULL) / STORE_SCORE_UNIT;
		d.stories[i].weight = store_story_weight_now(d.stories[i].score, (double)now,
		                                             STORE_SCORE_HALF_LIFE_S);
		strv_init(&d.stories[i].sources);
	}

	/* Round 2: each story's summary and members. */
	size_t sent = 0;
	for (size_t i = 0; i < d.n && !e; i++) {
		buf_reset(&k);
		buf_printf(&k, "%s" STORE_K_STORY "%s", buf_str(&P), d.stories[i].sid);
		redis_cmd_reset(&c);
		const char *f[] = { "HMGET", buf_str(&k), "id", "n", "nd", "na", "nr", "f", "l", "rep" };
		for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
			redis_cmd_adds(&c, f[j]);
		if ((e = send(r, &c)))
			break;
		sent++;
		buf_adds(&k, ":m");
		redis_cmd_reset(&c);
		redis_cmd_adds(&c, "GETRANGE");
		redis_cmd_adds(&c, buf_str(&k));
		redis_cmd_adds(&c, "0");
		redis_cmd_addi(&c, DIGEST_MEMBERS_MAX * STORE_PID_HEX - 1);
		if ((e = send(r, &c)))
			break;
		sent++;
	}
	if (e) {
		buf_adds(err, redis_errstr(r));
		goto done;
	}
	size_t n_members = d.n;
	redisReply **members = rp_calloc(d.n ? d.n : 1, sizeof *members);
	for (size_t i = 0; i < d.n; i++) {
		struct digest_story *s = &d.stories[i];
		if ((e = recv(r, &rep, err))) {
			drain(r, sent - 2 * i - 1);
			break;
		}
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 8) {
			s->id = rep_str(rep->element[0]);
			s->n_posts = (size_t)rep_int(rep->element[1]);
			s->n_dups = (size_t)rep_int(rep->element[2]);
			s->n_authors = (size_t)rep_int(rep->element[3]);
			s->n_sources = (size_t)rep_int(rep->element[4]);
			s->first = rep_int(rep->element[5]);
			s->last = rep_int(rep->element[6]);
			s->rep.pid = rep_str(rep->element[7]);
		}
		freeReplyObject(rep);
		if ((e = recv(r, &members[i], err))) {
			drain(r, sent - 2 * i - 2);
			break;
		}
		if (!s->rep.pid && members_n(members[i]))
			s->rep.pid = rp_strndup(member_pid(members[i], 0), STORE_PID_HEX);
		if (!s->rep.pid)
			s->rep.pid = rp_strdup(s->sid);
	}

	/* Rank the candidates by their score as of their summaries (the index
	 * of a big story may lag: keys.h), keep the best `limit`. */
	if (!e) {
		for (size_t i = 0; i < d.n; i++) {
			struct digest_story *s = &d.stories[i];
			double fresh = store_story_score(s->n_posts, s->n_dups, s->n_authors,
			                                 s->n_sources, s->last);
			if (s->n_posts && fresh > s->score)
				s->score = fresh;
			s->weight = store_story_weight_now(s->score, (double)now, STORE_SCORE_HALF_LIFE_S);
		}
		for (size_t i = 1; i < d.n; i++) {   /* insertion sort: a few dozen */
			struct digest_story tmp = d.stories[i];
			redisReply *tm = members[i];
			size_t j = i;
			for (; j > 0 && d.stories[j - 1].score < tmp.score; j--) {
				d.stories[j] = d.stories[j - 1];
				members[j] = members[j - 1];
			}
			d.stories[j] = tmp;
			members[j] = tm;
		}
		while (d.n > limit) {
			struct digest_story *s = &d.stories[--d.n];
			rp_free(s->sid);
			rp_free(s->id);
			post_free(&s->rep);
			strv_done(&s->sources);
			if (members[d.n])
				freeReplyObject(members[d.n]);
			members[d.n] = NULL;
		}
	}

	/* Round 3: one MGET a story of the records of its representative, its
	 * first post (is it tombstoned?) and its members (their sources and
	 * tombstones). */
	sent = 0;
	for (size_t i = 0; i < d.n && !e; i++) {
		redis_cmd_reset(&c);
		redis_cmd_adds(&c, "MGET");
		post_key(&c, &k, buf_str(&P), d.stories[i].rep.pid, strlen(d.stories[i].rep.pid));
		post_key(&c, &k, buf_str(&P), d.stories[i].sid, strlen(d.stories[i].sid));
		const redisReply *m = members[i];
		for (size_t j = 0; j < members_n(m); j++)
			post_key(&c, &k, buf_str(&P), member_pid(m, j), STORE_PID_HEX);
		if ((e = send(r, &c)))
			break;
		sent++;
	}
	if (e && !err->len)
		buf_adds(err, redis_errstr(r));
	size_t got = 0;
	bool *need = rp_calloc(d.n ? d.n : 1, sizeof *need);   /* the representative must be read again */
	for (size_t i = 0; i < d.n && !e; i++) {
		struct digest_story *s = &d.stories[i];
		e = recv(r, &rep, err);
		got++;   /* read, even when an error reply */
		if (e)
			break;
		const redisReply *m = members[i];
		size_t nm = members_n(m);
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 + nm) {
			freeReplyObject(rep);
			buf_adds(err, "MGET: not an array of the records asked");
			e = RP_ERR_REDIS;
			break;
		}
		struct post_meta pm;
		(void)post_meta_from_reply(rep->element[0], &pm);   /* none: all empty */
		bool rep_dead = read_post(&pm, &s->rep);
		(void)post_meta_from_reply(rep->element[1], &pm);
		bool sid_dead = pm.n[POST_META_X] > 0;
		struct post_meta *mp = rp_calloc(nm ? nm : 1, sizeof *mp);
		for (size_t j = 0; j < nm; j++)
			(void)post_meta_from_reply(rep->element[2 + j], &mp[j]);
		need[i] = live_story(s, m, mp, nm, rep_dead, sid_dead);
		rp_free(mp);
		freeReplyObject(rep);
	}
	if (e && got < sent)
		drain(r, sent - got);
	/* Round 4, rare: a new representative for the stories whose stored
	 * one is tombstoned (an index or summary the tombstone script did
	 * not reach, or one the engine wrote again since). */
	for (size_t i = 0; i < d.n && !e; i++) {
		struct digest_story *s = &d.stories[i];
		if (!need[i] || !s->rep.pid)
			continue;
		redis_cmd_reset(&c);
		redis_cmd_adds(&c, "GET");
		post_key(&c, &k, buf_str(&P), s->rep.pid, strlen(s->rep.pid));
		if ((e = send(r, &c))) {
			buf_adds(err, redis_errstr(r));
			break;
		}
		if ((e = recv(r, &rep, err)))
			break;
		struct post_meta pm;
		(void)post_meta_from_reply(rep, &pm);   /* none: all empty */
		if (read_post(&pm, &s->rep)) {
			/* Tombstoned since round 3: show nothing of it. */
			char *pid = s->rep.pid;
			s->rep.pid = NULL;
			post_free(&s->rep);
			s->rep.pid = pid;
		}
		freeReplyObject(rep);
	}
	rp_free(need);
	/* Stories all of whose posts are tombstoned are not shown. */
	if (!e)
		drop_empty(&d);
	for (size_t i = 0; i < n_members; i++)
		if (members[i])
			freeReplyObject(members[i]);
	rp_free(members);
done:
	if (top)
		freeReplyObject(top);
	redis_cmd_done(&c);
	buf_done(&P);
	buf_done(&k);
	if (e) {
		digest_done(&d);
		return e;
	}
	*ret = d;
	return RP_OK;
}

/* The bytes of a sentence end at s[i]: '.', '!', '?', or U+3002, U+FF01,
 * U+FF1F; 0 when none. */
static size_t sentence_end(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (c == '.' || c == '!' || c == '?')
		return 1;
	if (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82)
		return 3;
	if (c == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
	    ((unsigned char)s[i + 2] == 0x81 || (unsigned char)s[i + 2] == 0x9F))
		return 3;
	return 0;
}

void digest_excerpt(struct buf *out, const char *text)
{
	if (!text)
		return;
	size_t n = strlen(text);
	size_t cut = n, sentences = 0;
	for (size_t i = 0; i < n; i++) {
		size_t e = sentence_end(text, i);
		if (!e)
			continue;
		size_t after = i + e;
		/* Runs like "..." or "?!" end one sentence. */
		while (after < n && sentence_end(text, after))
			after += sentence_end(text, after);
		bool wide = e == 3;
		if (after == n || text[after] == ' ' || text[after] == '\n' || wide) {
			if (++sentences == DIGEST_EXCERPT_SENTENCES) {
				cut = after;
				break;
			}
		}
		i = after - 1;
	}
	bool cut_short = false;
	if (cut > DIGEST_EXCERPT_MAX_BYTES) {
		cut = utf8_truncate(text, cut, DIGEST_EXCERPT_MAX_BYTES - 3);
		cut_short = true;
	}
	while (cut > 0 && text[cut - 1] == ' ')
		cut--;
	buf_add(out, text, cut);
	if (cut_short)
		buf_adds(out, "\xe2\x80\xa6");
}
