/* store/retag.c - re-applying curation decisions to past posts (see
 * retag.h; keys in store/keys.h). */
#include "store/retag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/post.h"
#include "store/keys.h"
#include "store/layout.h"
#include "store/postmeta.h"
#include "tagger/match.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
/* KEYS[1] = P..'posts' (names the slot). ARGV: P, half-life, then six per
 * post: PID, h, th and se as matched from, th and se wanted. Replies one
 * number per post: 0 already so, 1 changed, 2 changed meanwhile (h, th
 * or se differ from what was matched) or gone, 3 tombstoned. Then, for
 * every story a changed post is in, T is recomputed from its members'
 * th/se (keys.h: a story is in every index one of its posts is in); an
 * index it left loses it (ZREM), and when T changed it is scored again
 * in every index of T with keys.h STORY_SCORE of its summary, as the
 * ingest script does for a new index (ls = l). The last reply element is
 * the number of stories whose T changed. */
/* (A story's members are read only when one of its posts left an index:
 * a big story costs one read per member then, and nothing more when
 * indexes are only added, as an approved alias does.) */
static const char retag_lua[] =
"#!lua\n"
"-- rapporteur retag (store/retag.c; keys: store/keys.h)\n"
"local P = ARGV[1]\n"
"local HALF = tonumber(ARGV[2])\n"
STORE_STORY_SCORE_LUA
STORE_MEMBERS_LUA
POST_META_LUA
"local call, gmatch = redis.call, string.gmatch\n"
/* the suffixes are keys.h's macros, pasted in */
"local PP, PS, PN = P..'" STORE_K_POST "', P..'" STORE_K_STORY "', P..'" STORE_K_COUNTS "'\n"
"-- P p:PID, P s:SID, P n\n"
"local out, delta, dk, nd = {}, {}, {}, 0\n"
"local ST, stk, nst = {}, {}, 0\n"
"local function bump(k, v)\n"
"  if delta[k] then delta[k] = delta[k] + v else delta[k] = v; nd = nd + 1; dk[nd] = k end\n"
"end\n"
"-- x: the story's changes (indexes added; whether one was left)\n"
"local function diff(kind, old, new, x)\n"
"  local o, n = {}, {}\n"
"  for id in gmatch(old, '[^,]+') do o[id] = true end\n"
"  for id in gmatch(new, '[^,]+') do n[id] = true end\n"
"  for id in gmatch(old, '[^,]+') do\n"
"    if not n[id] then bump(kind..id, -1); x.rm = true end\n"
"  end\n"
"  for id in gmatch(new, '[^,]+') do\n"
"    if not o[id] then bump(kind..id, 1); x.add[kind..id] = true end\n"
"  end\n"
"end\n"
"local i = 3\n"
"while i + 5 <= #ARGV do\n"
"  local pid, h, oth, ose, nth, nse = unpack(ARGV, i, i + 5)\n"
"  i = i + 6\n"
"  local pk = PP..pid                                          -- P p:PID\n"
"  local v = post_meta_all(call('GET', pk))                    -- its record, postmeta.h\n"
"  if v[PM_X] ~= '' then\n"
"    out[#out+1] = 3\n"
"  elseif v[PM_HASH] == '' or v[PM_HASH] ~= h or v[PM_TH] ~= oth or v[PM_SE] ~= ose then\n"
"    out[#out+1] = 2\n"
"  elseif oth == nth and ose == nse then\n"
"    out[#out+1] = 0\n"
"  else\n"
"    v[PM_TH], v[PM_SE] = nth, nse\n"
"    call('SET', pk, post_meta_pack(v))\n"
"    local s = v[PM_S] ~= '' and v[PM_S] or nil\n"
"    local x = s and ST[s]\n"
"    if not x then\n"
"      x = { add = {}, rm = false }\n"
"      if s then ST[s] = x; nst = nst + 1; stk[nst] = s end\n"
"    end\n"
"    diff('th:', oth, nth, x)\n"
"    diff('se:', ose, nse, x)\n"
"    out[#out+1] = 1\n"
"  end\n"
"end\n"
"for j = 1, nd do                                             -- P n\n"
"  if delta[dk[j]] ~= 0 then call('HINCRBY', PN, dk[j], delta[dk[j]]) end\n"
"end\n"
"local moved = 0\n"
"for j = 1, nst do\n"
"  local s = stk[j]\n"
"  local sk = PS..s                                            -- P s:SID\n"
"  local st = call('HMGET', sk, 'T', 'n', 'nd', 'na', 'nr', 'l')\n"
"  local oldT = st[1] or ''\n"
"  local want, list, x = {}, {}, ST[s]\n"
"  if x.rm then\n"
"    -- a post left an index: is another member still in it? (read all)\n"
"    for _, m in ipairs(members_of(sk..':m')) do              -- P s:SID:m\n"
"      local r = post_meta_all(call('GET', PP..m))               -- P p:PID\n"
"      for id in gmatch(r[PM_TH], '[^,]+') do want['th:'..id] = true end\n"
"      for id in gmatch(r[PM_SE], '[^,]+') do want['se:'..id] = true end\n"
"    end\n"
"  else\n"
"    -- only additions (the common case, an approved tag): no member read\n"
"    for ix in gmatch(oldT, '[^,]+') do want[ix] = true end\n"
"    for ix in pairs(x.add) do want[ix] = true end\n"
"  end\n"
"  -- T keeps its order; new indexes follow in sorted order\n"
"  local had = {}\n"
"  for ix in gmatch(oldT, '[^,]+') do\n"
"    had[ix] = true\n"
"    if want[ix] then list[#list+1] = ix else call('ZREM', P..ix..':s', s) end\n"
"  end\n"
"  local added = {}\n"
"  for ix in pairs(want) do if not had[ix] then added[#added+1] = ix end end\n"
"  table.sort(added)\n"
"  for _, ix in ipairs(added) do list[#list+1] = ix end\n"
"  local T = table.concat(list, ',')\n"
"  if T ~= oldT then\n"
"    moved = moved + 1\n"
"    local n, ndd, na, nr = tonumber(st[2]) or 1, tonumber(st[3]) or 1, tonumber(st[4]) or 0,\n"
"      tonumber(st[5]) or 0\n"
"    local l = tonumber(st[6]) or 0\n"
"    local score = story_score(n, ndd, na, nr, l, HALF)\n"
"    for _, ix in ipairs(list) do\n"
"      call('ZADD', P..ix..':s', score, s)                     -- P th:ID:s / se:ID:s\n"
"    end\n"
"    call('HSET', sk, 'T', T, 'ls', st[6] or '0')\n"
"  end\n"
"end\n"
"out[#out+1] = moved\n"
"return out\n";
#pragma GCC diagnostic pop

/* Ids joined by commas, as the ingest does (an id with a comma is left
 * out; ontology ids never have one). */
static void join(struct buf *out, const struct strv *sv)
{
	buf_reset(out);
	for (size_t i = 0; i < sv->n; i++) {
		if (strchr(sv->v[i], ','))
			continue;
		if (out->len)
			buf_addc(out, ',');
		buf_adds(out, sv->v[i]);
	}
	buf_adds(out, "");   /* data is never NULL */
}

static rp_err fail(struct buf *err, redisContext *c, const redisReply *r)
{
	if (r && r->type == REDIS_REPLY_ERROR)
		buf_printf(err, "redis: %s", r->str);
	else
		buf_printf(err, "redis: %s", c->errstr[0] ? c->errstr : "unexpected reply");
	return RP_ERR_REDIS;
}

/* Pipelined: send n commands (argv built per i by fn), read n replies
 * into rep[0..n). */
static rp_err get_all(redisContext *c, redisReply **rep, size_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++) {
		void *r = NULL;
		if (redisGetReply(c, &r) != REDIS_OK) {
			for (size_t j = i; j < n; j++)
				rep[j] = NULL;
			return fail(err, c, NULL);
		}
		rep[i] = r;
	}
	return RP_OK;
}

struct page {
	char (*pid)[STORE_PID_HEX_BUF];
	size_t n;
	redisReply **post, **ptags, **group;
};

static void page_free_replies(struct page *pg)
{
	for (size_t i = 0; i < pg->n; i++) {
		if (pg->post[i])
			freeReplyObject(pg->post[i]);
		if (pg->ptags[i])
			freeReplyObject(pg->ptags[i]);
		if (pg->group[i])
			freeReplyObject(pg->group[i]);
		pg->post[i] = pg->ptags[i] = pg->group[i] = NULL;
	}
}

/* Whether post pid, its record r (a GET reply) unpacked into *pm, is an
 * exact copy whose text is its group's first post's (d, not pid): then
 * that post's record is read too. Tombstoned posts are not matched. */
static bool needs_group(const redisReply *r, const char *pid, struct post_meta *pm)
{
	if (!post_meta_from_reply(r, pm) || pm->n[POST_META_TEXT] || pm->n[POST_META_X] ||
	    !pm->n[POST_META_D])
		return false;
	return pm->n[POST_META_D] != STORE_PID_HEX ||
	       memcmp(pm->v[POST_META_D], pid, STORE_PID_HEX) != 0;
}

/* Match one page of posts and write the changes. */
static rp_err do_page(redisContext *c, struct matcher *m, const char *prefix,
                      const char *posts_key, const char *sha, struct page *pg,
                      struct retag_stats *st, struct buf *err)
{
	struct buf k = {0}, th = {0}, se = {0};
	rp_err e = RP_OK;
	/* Round 1: the posts and their kept structured tags. */
	for (size_t i = 0; i < pg->n; i++) {
		buf_reset(&k);
		buf_printf(&k, "%s" STORE_K_POST "%s", prefix, pg->pid[i]);
		const char *a[] = { "GET", k.data };
		/* appending fails only out of memory, which aborts elsewhere */
		redisAppendCommandArgv(c, 2, a, NULL);
		buf_reset(&k);
		store_ptags_key(&k, prefix, pg->pid[i]);
		const char *b[] = { "HGET", k.data, pg->pid[i] + STORE_CUR_PTAGS_HEX };
		redisAppendCommandArgv(c, 3, b, NULL);
	}
	for (size_t i = 0; i < pg->n && !e; i++) {
		redisReply *two[2];
		e = get_all(c, two, 2, err);
		if (!e) {
			pg->post[i] = two[0];
			pg->ptags[i] = two[1];
		}
	}
	if (e)
		goto out;
	/* Round 2: an exact copy keeps no text; its group's first post has it. */
	bool *ask = rp_calloc(pg->n ? pg->n : 1, sizeof *ask);
	for (size_t i = 0; i < pg->n; i++) {
		struct post_meta pm;
		ask[i] = needs_group(pg->post[i], pg->pid[i], &pm);
		if (ask[i]) {
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_POST "%.*s", prefix, (int)pm.n[POST_META_D],
			           pm.v[POST_META_D]);
			const char *a[] = { "GET", k.data };
			redisAppendCommandArgv(c, 2, a, NULL);
		}
	}
	for (size_t i = 0; i < pg->n && !e; i++)
		if (ask[i])
			e = get_all(c, &pg->group[i], 1, err);
	rp_free(ask);
	if (e)
		goto out;

	/* Match; the changes go to the script, RETAG_PAGE posts a call. */
	const char **argv = rp_calloc(4 + pg->n * 6, sizeof *argv);
	char **owned = rp_calloc(pg->n * 5 + 1, sizeof *owned);
	size_t argc = 0, n_owned = 0, n_posts = 0;
	char half[32];
	snprintf(half, sizeof half, "%.0f", STORE_SCORE_HALF_LIFE_S);
	argv[argc++] = "EVALSHA";
	argv[argc++] = sha;
	argv[argc++] = "1";
	argv[argc++] = posts_key;
	argv[argc++] = prefix;
	argv[argc++] = half;
	for (size_t i = 0; i < pg->n; i++) {
		const redisReply *r = pg->post[i];
		st->scanned++;
		struct post_meta pm;
		if (!post_meta_from_reply(r, &pm) || !pm.n[POST_META_HASH] || !pm.n[POST_META_ID])
			continue;   /* gone since the scan, or not a post's record */
		if (pm.n[POST_META_X]) {
			st->tombstoned++;
			continue;
		}
		struct post p;
		post_init(&p);
		p.id = post_meta_dup(&pm, POST_META_ID);
		p.source = post_meta_dup(&pm, POST_META_SOURCE);
		p.author = post_meta_dup(&pm, POST_META_AUTHOR);
		p.title = post_meta_dup(&pm, POST_META_TITLE);
		p.text = post_meta_dup(&pm, POST_META_TEXT);
		struct post_meta gm;
		const redisReply *g = pg->group[i];
		if (!p.text && post_meta_from_reply(g, &gm))
			p.text = post_meta_dup(&gm, POST_META_TEXT);
		const redisReply *pt = pg->ptags[i];
		if (pt && pt->type == REDIS_REPLY_STRING) {
			char *save = NULL, *all = rp_strdup(pt->str);
			for (char *t = strtok_r(all, "\x1f", &save); t; t = strtok_r(NULL, "\x1f", &save))
				strv_push(&p.tags, t);
			rp_free(all);
		}
		matcher_match(m, &p, NULL);
		join(&th, &p.themes);
		join(&se, &p.sessions);
		/* what the post was matched from, as stored; copies: the
		 * record's values are not NUL-terminated */
		char *oh = rp_strndup(pm.v[POST_META_HASH], pm.n[POST_META_HASH]);
		char *oth = rp_strndup(pm.n[POST_META_THEMES] ? pm.v[POST_META_THEMES] : "",
		                       pm.n[POST_META_THEMES]);
		char *ose = rp_strndup(pm.n[POST_META_SESSIONS] ? pm.v[POST_META_SESSIONS] : "",
		                       pm.n[POST_META_SESSIONS]);
		if (strcmp(th.data, oth) != 0 || strcmp(se.data, ose) != 0) {
			argv[argc++] = pg->pid[i];
			argv[argc++] = owned[n_owned++] = oh;
			argv[argc++] = owned[n_owned++] = oth;
			argv[argc++] = owned[n_owned++] = ose;
			argv[argc++] = owned[n_owned++] = rp_strdup(th.data);
			argv[argc++] = owned[n_owned++] = rp_strdup(se.data);
			n_posts++;
		} else {
			rp_free(oh);
			rp_free(oth);
			rp_free(ose);
		}
		post_done(&p);
	}
	if (n_posts) {
		redisReply *rep = redisCommandArgv(c, (int)argc, argv, NULL);
		if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != n_posts + 1) {
			e = fail(err, c, rep);
		} else {
			for (size_t i = 0; i < n_posts; i++) {
				long long v = rep->element[i]->integer;
				if (v == 1)
					st->changed++;
				else if (v == 2)
					st->skipped++;
				else if (v == 3)
					st->tombstoned++;
			}
			st->stories += (size_t)rep->element[n_posts]->integer;
		}
		if (rep)
			freeReplyObject(rep);
	}
	for (size_t i = 0; i < n_owned; i++)
		rp_free(owned[i]);
	rp_free(owned);
	rp_free(argv);
out:
	page_free_replies(pg);
	buf_done(&k);
	buf_done(&th);
	buf_done(&se);
	return e;
}

rp_err retag_run(redisContext *c, const struct ontology *o, struct retag_stats *ret,
                 struct buf *err)
{
	const char *event = ontology_event_id(o);
	memset(ret, 0, sizeof *ret);
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\" is not a usable event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	struct buf prefix = {0}, posts = {0};
	store_prefix(&prefix, event);
	buf_printf(&posts, "%s" STORE_K_POSTS, prefix.data);
	/* store/layout.h: an event in another key layout is refused */
	redisReply *lv = redisCommand(c, "GET %s" STORE_K_LAYOUT, prefix.data);
	redisReply *lp = lv ? redisCommand(c, "EXISTS %s", posts.data) : NULL;
	rp_err le = !lv || !lp || lv->type == REDIS_REPLY_ERROR || lp->type != REDIS_REPLY_INTEGER
	          ? fail(err, c, lv && lv->type == REDIS_REPLY_ERROR ? lv : lp)
	          : store_layout_verdict(prefix.data, lv->type == REDIS_REPLY_STRING ? lv->str : NULL,
	                                 lp->integer > 0, err);
	if (lv)
		freeReplyObject(lv);
	if (lp)
		freeReplyObject(lp);
	if (le) {
		buf_done(&prefix);
		buf_done(&posts);
		return le;
	}
	struct matcher *m = matcher_new(o);
	struct page pg = {0};
	size_t cap = 0;
	rp_err e = RP_OK;
	char sha[41];
	redisReply *r = redisCommand(c, "SCRIPT LOAD %b", retag_lua, sizeof retag_lua - 1);
	if (!r || r->type != REDIS_REPLY_STRING || r->len != 40) {
		e = fail(err, c, r);
		if (r)
			freeReplyObject(r);
		goto out;
	}
	memcpy(sha, r->str, 41);
	freeReplyObject(r);
	char cursor[32] = "0";
	do {
		char count[16];
		snprintf(count, sizeof count, "%d", RETAG_PAGE);
		const char *a[] = { "ZSCAN", posts.data, cursor, "COUNT", count };
		r = redisCommandArgv(c, 5, a, NULL);
		if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			e = fail(err, c, r);
			if (r)
				freeReplyObject(r);
			break;
		}
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		const redisReply *items = r->element[1];
		/* members and scores; a member twice in one page is taken once.
		 * COUNT is a hint: a page has what ZSCAN gave. */
		size_t want = items->elements / 2 + 1;
		if (want > cap) {
			cap = want;
			pg.pid = rp_realloc(pg.pid, cap * sizeof *pg.pid);
			rp_free(pg.post);
			rp_free(pg.ptags);
			rp_free(pg.group);
			pg.post = rp_calloc(cap, sizeof *pg.post);
			pg.ptags = rp_calloc(cap, sizeof *pg.ptags);
			pg.group = rp_calloc(cap, sizeof *pg.group);
		}
		pg.n = 0;
		for (size_t i = 0; i + 1 < items->elements; i += 2) {
			const char *pid = items->element[i]->str;
			if (!pid || !store_pid_valid(pid))
				continue;
			bool seen = false;
			for (size_t j = 0; j < pg.n && !seen; j++)
				seen = strcmp(pg.pid[j], pid) == 0;
			if (seen)
				continue;
			memcpy(pg.pid[pg.n++], pid, STORE_PID_HEX_BUF);
		}
		freeReplyObject(r);
		if (pg.n)
			e = do_page(c, m, prefix.data, posts.data, sha, &pg, ret, err);
	} while (!e && strcmp(cursor, "0") != 0);
out:
	matcher_free(m);
	rp_free(pg.pid);
	rp_free(pg.post);
	rp_free(pg.ptags);
	rp_free(pg.group);
	buf_done(&prefix);
	buf_done(&posts);
	return e;
}
