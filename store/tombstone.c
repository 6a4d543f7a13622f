/* store/tombstone.c - hiding and deleting posts (see tombstone.h).
 *
 * One script does the whole change, so readers never see a post hidden
 * but still counted, and a concurrent ingest batch (itself one script)
 * runs wholly before or after it. The script's keys and fields are
 * store/keys.h's; it is declared with `#!lua` and no flags, so Redis 7
 * refuses it with -OOM before it runs when maxmemory is reached. */
#include "store/tombstone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/post.h"
#include "core/utf8.h"
#include "store/cluster.h"
#include "store/ingest.h"
#include "store/layout.h"
#include "store/postmeta.h"

/* The story summary is recomputed from the members left rather than
 * adjusted: na, nr and nd cannot be decremented without knowing whether
 * another member shares the author, source or dup group, and a curator's
 * action is rare enough to read a story's members (one GET each).
 * The rules are the engine's (store/cluster.h cluster_story), with two
 * differences: authors are told apart by ASCII case folding only (Lua has
 * no Unicode folding; the engine's full folding may count fewer), and the
 * representative is taken among members that hold a text or a title when
 * there is one (an exact copy keeps no text of its own, and its group's
 * first post may be the one hidden). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const char tombstone_lua[] =
"#!lua\n"
"-- rapporteur tombstone (store/tombstone.c; keys: store/keys.h). KEYS[1] = P p:PID.\n"
"-- ARGV: P, PID, op (hide | delete | unhide), by, why, now, stream maxlen, half-life.\n"
"-- Returns {code, sid, was, left}: code 1 changed, 0 already so, -1 no such\n"
"-- post, -2 a deleted post cannot be unhidden; was = x before; left =\n"
"-- posts left in the story.\n"
"local P, pid, op, by, why, now, MAXLEN = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5],\n"
"  ARGV[6], ARGV[7]\n"
"local HALF = tonumber(ARGV[8])\n"
STORE_STORY_SCORE_LUA
STORE_MEMBERS_LUA
POST_META_LUA
"local call, gmatch, lower = redis.call, string.gmatch, string.lower\n"
"local pk = KEYS[1]                                            -- P p:PID\n"
"local pv = post_meta_all(call('GET', pk))                     -- its record, read once\n"
"if pv[PM_T] == '' then return {-1, '', '', 0} end             -- every post has t\n"
"local was, sid = pv[PM_X], pv[PM_S]\n"
"local mine = {}                                               -- the post's indexes\n"
"for id in gmatch(pv[PM_TH], '[^,]+') do mine[#mine+1] = 'th:'..id end\n"
"for id in gmatch(pv[PM_SE], '[^,]+') do mine[#mine+1] = 'se:'..id end\n"
"local mk = P..'s:'..sid..':m'                                  -- P s:SID:m\n"
"\n"
"local function left()\n"
"  if sid == '' then return 0 end\n"
"  return call('STRLEN', mk) / 16                             -- P s:SID:m, 16 bytes a PID\n"
"end\n"
"\n"
"-- Story s's summary, score and indexes, from the members it has now.\n"
"local function summarise(s)\n"
"  local sk = P..'s:'..s                                       -- P s:SID\n"
"  local m = members_of(sk..':m')                              -- P s:SID:m\n"
"  local oldT = call('HGET', sk, 'T') or ''\n"
"  local n = #m\n"
"  local T, inT, groups, authors, sources, post = {}, {}, {}, {}, {}, {}\n"
"  local nd, na, nr, f, l, anytext = 0, 0, 0, nil, nil, false\n"
"  for j = 1, n do\n"
"    local q = m[j]\n"
"    local v = post_meta_all(call('GET', P..'p:'..q))            -- P p:PID\n"
"    local tq = tonumber(v[PM_T]) or 0\n"
"    local d = v[PM_D] ~= '' and v[PM_D] or q\n"
"    local a, src = v[PM_AUTHOR], v[PM_SRC]\n"
"    if not groups[d] then groups[d] = 0; nd = nd + 1 end\n"
"    groups[d] = groups[d] + 1\n"
"    if a ~= '' then\n"
"      local k = lower(a)\n"
"      if not authors[k] then authors[k] = true; na = na + 1 end\n"
"    end\n"
"    if src ~= '' and not sources[src] then sources[src] = true; nr = nr + 1 end\n"
"    for id in gmatch(v[PM_TH], '[^,]+') do\n"
"      local k = 'th:'..id\n"
"      if not inT[k] then inT[k] = true; T[#T+1] = k end\n"
"    end\n"
"    for id in gmatch(v[PM_SE], '[^,]+') do\n"
"      local k = 'se:'..id\n"
"      if not inT[k] then inT[k] = true; T[#T+1] = k end\n"
"    end\n"
"    if not f or tq < f then f = tq end\n"
"    if not l or tq > l then l = tq end\n"
"    local has = v[PM_TEXT] ~= '' or v[PM_TITLE] ~= ''\n"
"    if has then anytext = true end\n"
"    post[#post+1] = {q, d, has, tq}\n"
"  end\n"
"  -- An index none of the members is in any more drops the story.\n"
"  for ix in gmatch(oldT, '[^,]+') do\n"
"    if not inT[ix] then call('ZREM', P..ix..':s', s) end      -- P th:ID:s / se:ID:s\n"
"  end\n"
"  if n == 0 then\n"
"    call('HSET', sk, 'n', 0, 'nd', 0, 'na', 0, 'nr', 0, 'T', '', 'ls', 0)\n"
"    call('HDEL', sk, 'rep')\n"
"    return 0\n"
"  end\n"
"  -- rep: the earliest member of the largest dup group, among members\n"
"  -- with a text or title of their own when there is one.\n"
"  local rep, bn, bt = nil, -1, nil\n"
"  for _, x in ipairs(post) do\n"
"    local g = groups[x[2]]\n"
"    if (x[3] or not anytext) and (g > bn or (g == bn and x[4] < bt)) then\n"
"      rep = x[1]; bn = g; bt = x[4]\n"
"    end\n"
"  end\n"
"  local score = story_score(n, nd, na, nr, l, HALF)\n"
"  for _, ix in ipairs(T) do call('ZADD', P..ix..':s', score, s) end\n"
"  call('HSET', sk, 'n', n, 'nd', nd, 'na', na, 'nr', nr, 'f', f, 'l', l, 'rep', rep,\n"
"       'T', table.concat(T, ','), 'ls', l)\n"
"  return n\n"
"end\n"
"\n"
"-- An exact copy keeps no text of its own (ingest): when the post that\n"
"-- holds its dup group's text goes, the group's earliest copy left in\n"
"-- the story takes it (the same normalised text), so the story keeps\n"
"-- an excerpt.\n"
"local function hand_text()\n"
"  if sid == '' or (pv[PM_TEXT] == '' and pv[PM_TITLE] == '') then return end\n"
"  local d = pv[PM_D] ~= '' and pv[PM_D] or pid\n"
"  local bk, bv, bt = nil, nil, nil\n"
"  for _, q in ipairs(members_of(mk)) do                        -- P s:SID:m\n"
"    local qk = P..'p:'..q                                      -- P p:PID\n"
"    local qv = q ~= pid and post_meta_all(call('GET', qk))\n"
"    if qv and qv[PM_D] == d and qv[PM_TEXT] == '' and qv[PM_TITLE] == '' then\n"
"      local tq = tonumber(qv[PM_T]) or 0\n"
"      if not bt or tq < bt then bk, bv, bt = qk, qv, tq end\n"
"    end\n"
"  end\n"
"  if bk then\n"
"    if pv[PM_TEXT] ~= '' then bv[PM_TEXT] = pv[PM_TEXT] end\n"
"    if pv[PM_TITLE] ~= '' then bv[PM_TITLE] = pv[PM_TITLE] end\n"
"    call('SET', bk, post_meta_pack(bv))\n"
"  end\n"
"end\n"
"\n"
"if op == 'hide' then\n"
"  if was ~= '' then return {0, sid, was, left()} end\n"
"  pv[PM_X], pv[PM_XB], pv[PM_XW], pv[PM_XT] = 'hidden', by, why, now\n"
"  hand_text()\n"
"elseif op == 'delete' then\n"
"  if was == 'deleted' then return {0, sid, was, left()} end\n"
"  -- The source's delete replaces a curator's hide: who and why are the\n"
"  -- delete's (or none).\n"
"  if was == '' then hand_text() end                             -- a hide handed it already\n"
"  pv[PM_X], pv[PM_XB], pv[PM_XW], pv[PM_XT] = 'deleted', by, why, now\n"
"  pv[PM_TEXT], pv[PM_TITLE] = '', ''\n"
"elseif op == 'unhide' then\n"
"  if was == 'deleted' then return {-2, sid, was, left()} end\n"
"  if was == '' then return {0, sid, was, left()} end\n"
"  pv[PM_X], pv[PM_XB], pv[PM_XW], pv[PM_XT] = '', '', '', ''\n"
"else\n"
"  return redis.error_reply('ERR tombstone: unknown op ' .. op)\n"
"end\n"
"call('SET', pk, post_meta_pack(pv))                            -- P p:PID, its record\n"
"\n"
"-- Out of (or back into) its story; the counts move only when the\n"
"-- membership did, so a delete after a hide counts once.\n"
"local n = 0\n"
"if sid ~= '' then\n"
"  local moved\n"
"  if op == 'unhide' then moved = member_add(mk, pid) else moved = member_remove(mk, pid) end\n"
"  if moved == 1 then\n"
"    local delta = op == 'unhide' and 1 or -1\n"
"    for _, ix in ipairs(mine) do call('HINCRBY', P..'n', ix, delta) end  -- P n\n"
"    n = summarise(sid)\n"
"  else\n"
"    n = left()\n"
"  end\n"
"end\n"
"call('XADD', P..'x', 'MAXLEN', '~', MAXLEN, '*', op, sid ~= '' and pid..' '..sid or pid)  -- P x\n"
"return {1, sid, was, n}\n";
#pragma GCC diagnostic pop

const char *tombstone_op_str(enum tombstone_op op)
{
	switch (op) {
	case TOMBSTONE_HIDE:   return "hide";
	case TOMBSTONE_DELETE: return "delete";
	case TOMBSTONE_UNHIDE: return "unhide";
	}
	return "?";
}

/* Whether P p:pid, the post's record, exists: 1 yes, 0 no, -1 error
 * (reason in err). */
static int post_exists(struct redis *r, const char *event, const char *pid, struct buf *err)
{
	struct buf k;
	buf_init(&k);
	store_prefix(&k, event);
	buf_printf(&k, STORE_K_POST "%s", pid);
	redisReply *rep;
	int res = -1;
	if (redis_callv(r, &rep, "EXISTS", buf_str(&k), (char *)NULL) == RP_OK) {
		res = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
		freeReplyObject(rep);
	} else {
		buf_adds(err, redis_errstr(r));
	}
	buf_done(&k);
	return res;
}

rp_err tombstone_find(struct redis *r, const char *event, const char *id, const char *source,
                      char ret_pid[STORE_PID_HEX_BUF], struct buf *err)
{
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\": not an event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	if (!id || !*id) {
		buf_adds(err, "an empty post id");
		return RP_ERR_USAGE;
	}
	int found;
	if (store_pid_valid(id)) {
		if ((found = post_exists(r, event, id, err)) < 0)
			return RP_ERR_REDIS;
		if (found) {
			memcpy(ret_pid, id, STORE_PID_HEX_BUF);
			return RP_OK;
		}
	}
	/* The identity key of store/cluster.h, as the import computed it. */
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct post p;
	post_init(&p);
	p.id = rp_strdup(id);
	p.source = source && *source ? rp_strdup(source) : NULL;
	struct cluster_keys keys;
	rp_err res = cluster_engine_keys(e, &p, &keys);
	char pid[STORE_PID_HEX_BUF];
	if (res) {
		buf_printf(err, "\"%s\": not a post id", id);
		goto done;
	}
	ingest_pid(keys.identity, pid);
	if ((found = post_exists(r, event, pid, err)) < 0) {
		res = RP_ERR_REDIS;
		goto done;
	}
	if (!found) {
		buf_printf(err, "no post \"%s\"%s%s%s in event %s", id, p.source ? " of source \"" : "",
		           p.source ? p.source : "", p.source ? "\"" : "", event);
		if (!p.source && !strstr(id, ":"))
			buf_adds(err, " (an id that is not a URI is known within its source: "
			              "give the source, or the PID)");
		res = RP_ERR_NOTFOUND;
		goto done;
	}
	memcpy(ret_pid, pid, STORE_PID_HEX_BUF);
done:
	post_done(&p);
	cluster_engine_free(e);
	return res;
}

/* A curator's text: present when required, within max, valid UTF-8. */
static rp_err check_text(const char *what, const char *s, size_t max, bool required,
                         struct buf *err)
{
	size_t n = s ? strlen(s) : 0;
	if (required && n == 0) {
		buf_printf(err, "%s is required", what);
		return RP_ERR_USAGE;
	}
	if (n > max) {
		buf_printf(err, "%s is %zu bytes, more than %zu", what, n, max);
		return RP_ERR_LIMIT;
	}
	if (n && !utf8_is_valid(s, n)) {
		buf_printf(err, "%s is not valid UTF-8", what);
		return RP_ERR_INPUT;
	}
	return RP_OK;
}

static void copy_str(const redisReply *x, char *out, size_t size)
{
	size_t n = 0;
	if (x && x->type == REDIS_REPLY_STRING) {
		n = x->len < size - 1 ? x->len : size - 1;
		memcpy(out, x->str, n);
	}
	out[n] = '\0';
}

rp_err tombstone_apply(struct redis *r, const char *event, const char *pid, enum tombstone_op op,
                       const char *by, const char *why, int64_t now,
                       struct tombstone_result *ret, struct buf *err)
{
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\": not an event id", event ? event : "");
		return RP_ERR_USAGE;
	}
	if (!pid || !store_pid_valid(pid)) {
		buf_printf(err, "\"%s\": not a PID (16 lowercase hex digits)", pid ? pid : "");
		return RP_ERR_USAGE;
	}
	if ((unsigned)op > TOMBSTONE_UNHIDE) {
		buf_adds(err, "unknown tombstone operation");
		return RP_ERR_USAGE;
	}
	rp_err res;
	if ((res = check_text("who (--by)", by, TOMBSTONE_BY_MAX_BYTES, op == TOMBSTONE_HIDE, err)) ||
	    (res = check_text("why (--why)", why, TOMBSTONE_WHY_MAX_BYTES, op == TOMBSTONE_HIDE, err)))
		return res;

	struct buf P, key;
	buf_init(&P);
	buf_init(&key);
	store_prefix(&P, event);
	if ((res = store_layout_check(r, buf_str(&P), false, err))) {
		buf_done(&P);
		buf_done(&key);
		return res;
	}
	buf_printf(&key, "%s" STORE_K_POST "%s", buf_str(&P), pid);
	struct redis_cmd c;
	redis_cmd_init(&c);
	/* EVAL: one round trip (a SCRIPT LOAD per call sent the script too) */
	redis_cmd_adds(&c, "EVAL");
	redis_cmd_add(&c, tombstone_lua, sizeof tombstone_lua - 1);
	redis_cmd_adds(&c, "1");
	redis_cmd_adds(&c, buf_str(&key));
	redis_cmd_adds(&c, buf_str(&P));
	redis_cmd_adds(&c, pid);
	redis_cmd_adds(&c, tombstone_op_str(op));
	redis_cmd_adds(&c, by ? by : "");
	redis_cmd_adds(&c, why ? why : "");
	redis_cmd_addi(&c, now);
	redis_cmd_addi(&c, STORE_STREAM_MAXLEN);
	redis_cmd_addi(&c, (int64_t)STORE_SCORE_HALF_LIFE_S);
	redisReply *rep = NULL;
	if (redis_call(r, &rep, (int)c.n, redis_cmd_argv(&c), c.len) != RP_OK) {
		buf_printf(err, "tombstone script: %s", redis_errstr(r));
		res = RP_ERR_REDIS;
		goto done;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 4 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[3]->type != REDIS_REPLY_INTEGER) {
		buf_adds(err, "tombstone script: unexpected reply");
		res = RP_ERR_REDIS;
		goto done;
	}
	long long code = rep->element[0]->integer;
	if (code == -1) {
		buf_printf(err, "no post %s in event %s", pid, event);
		res = RP_ERR_NOTFOUND;
		goto done;
	}
	if (code == -2) {
		buf_printf(err, "post %s was deleted by its source: a delete cannot be undone", pid);
		res = RP_ERR_USAGE;
		goto done;
	}
	if (ret) {
		memcpy(ret->pid, pid, STORE_PID_HEX_BUF);
		copy_str(rep->element[1], ret->sid, sizeof ret->sid);
		copy_str(rep->element[2], ret->was, sizeof ret->was);
		ret->changed = code == 1;
		ret->story_posts = rep->element[3]->integer;
	}
done:
	if (rep)
		freeReplyObject(rep);
	redis_cmd_done(&c);
	buf_done(&P);
	buf_done(&key);
	return res;
}
