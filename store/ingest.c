/* store/ingest.c - posts into Redis: the ingest script and its pipeline.
 *
 * The script's keys and fields are store/keys.h's; each key it builds
 * carries the keys.h name in a comment. It is declared with a `#!lua`
 * shebang and no flags, so Redis 7 treats it as a script that may write
 * and refuses it with -OOM before it runs when maxmemory is reached:
 * a post is never half written. */
#include "store/ingest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"

/* One script text; longer than the 4095 bytes C99 promises, which GCC
 * and Clang both handle. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const char ingest_lua[] =
"#!lua\n"
"-- rapporteur ingest (store/ingest.c; keys: store/keys.h). KEYS[1] = P..'posts'.\n"
"-- ARGV: P, stream maxlen, score half-life, then 27 values per post.\n"
"-- Cost matters here (bench/ingest): each redis.call costs several us on\n"
"-- top of the command itself, so the script makes as few as it can. Per\n"
"-- post: ZADD NX to P posts, the dedupe claims, the post's hash. Per story\n"
"-- and per index touched by the batch, and for the stream: one write each\n"
"-- at the end of the call (the call is atomic, so nothing else sees the\n"
"-- batch half done, and state read once is kept in Lua tables).\n"
"local P = ARGV[1]\n"
"local MAXLEN = ARGV[2]\n"
"local HALF = tonumber(ARGV[3])\n"
"local LN2 = math.log(2)\n"
"local call, log, floor, find, sub, gmatch = redis.call, math.log, math.floor, string.find,\n"
"  string.sub, string.gmatch\n"
"local POSTS = KEYS[1]                                        -- P posts\n"
"local PP, PS, PX, PN = P..'p:', P..'s:', P..'x', P..'n'      -- P p:PID, P s:SID, P x, P n\n"
"local PKU, PKT = P..'ku:', P..'kt:'                          -- P ku:BBB, P kt:BBB\n"
"local out = {}\n"
"local ev, nev = {}, 0      -- the stream entry: e, p, s per change\n"
"local cnt = {}             -- index id ('th:ID') -> new posts in this call (P n)\n"
"local cntk, ncnt = {}, 0\n"
"local ST, stk, nst = {}, {}, 0   -- SID -> story state, touched stories in order\n"
"\n"
"local function change(e, pid, sid)\n"
"  ev[nev+1] = 'e'; ev[nev+2] = e; ev[nev+3] = 'p'; ev[nev+4] = pid\n"
"  ev[nev+5] = 's'; ev[nev+6] = sid; nev = nev + 6\n"
"end\n"
"\n"
"-- The story SID as stored (T, ls, n), read once per call.\n"
"local function story(s)\n"
"  local x = ST[s]\n"
"  if x then return x end\n"
"  local r = call('HMGET', PS..s, 'T', 'ls', 'n')              -- P s:SID\n"
"  local T = r[1] or ''\n"
"  x = { T = T, TT = ','..T..',', ls = tonumber(r[2]) or 0, n0 = tonumber(r[3]) or 0,\n"
"        newT = false, m = {}, nm = 0, copies = 0, sum = nil }\n"
"  ST[s] = x\n"
"  nst = nst + 1; stk[nst] = s\n"
"  return x\n"
"end\n"
"\n"
"-- An exact-dedupe key (P ku:BBB / P kt:BBB): claim it for pid, or find\n"
"-- the post that holds it. Returns that post's {d, s} when it is another.\n"
"local function claim(prefix, k, pid)\n"
"  if k == '' then return nil end\n"
"  local b, f = prefix..sub(k, 1, 3), sub(k, 4)\n"
"  if call('HSETNX', b, f, pid) == 1 then return nil end\n"
"  local q = call('HGET', b, f)\n"
"  if not q or q == pid then return nil end\n"
"  local r = call('HMGET', PP..q, 'd', 's')\n"
"  if r[1] then return r end\n"
"  return nil\n"
"end\n"
"\n"
"local function own(x, kind, list)\n"
"  for id in gmatch(list, '[^,]+') do\n"
"    local k = kind..id\n"
"    local c = cnt[k]\n"
"    if c then cnt[k] = c + 1 else cnt[k] = 1; ncnt = ncnt + 1; cntk[ncnt] = k end\n"
"    if not find(x.TT, ','..k..',', 1, true) then\n"
"      x.T = x.T == '' and k or x.T..','..k\n"
"      x.TT = x.TT..k..','\n"
"      x.newT = true\n"
"    end\n"
"  end\n"
"end\n"
"\n"
"local i = 4\n"
"while i + 26 <= #ARGV do\n"
"  local pid, orig, ku, kt, d, s, sname, how, t, up, h, th, se,\n"
"        id, src, u, a, ti, tx, la,\n"
"        n, nd, na, nr, f, l, rep = unpack(ARGV, i, i + 26)\n"
"  i = i + 27\n"
"  local pk = PP..pid                                          -- P p:PID\n"
"  -- The index of all posts says whether it is new.\n"
"  if call('ZADD', POSTS, 'NX', t, pid) == 0 then\n"
"    -- A post we hold: a re-fetch, an edit, or a tombstone.\n"
"    local cur = call('HMGET', pk, 'h', 'x', 's')\n"
"    if cur[2] then\n"
"      out[#out+1] = 4\n"
"    elseif cur[1] ~= h then\n"
"      local set, del = {'h', h}, {}\n"
"      if u ~= '' then set[#set+1] = 'u'; set[#set+1] = u else del[#del+1] = 'u' end\n"
"      if ti ~= '' then set[#set+1] = 'ti'; set[#set+1] = ti else del[#del+1] = 'ti' end\n"
"      if tx ~= '' then set[#set+1] = 'tx'; set[#set+1] = tx else del[#del+1] = 'tx' end\n"
"      if up ~= '' then set[#set+1] = 'up'; set[#set+1] = up else del[#del+1] = 'up' end\n"
"      call('HSET', pk, unpack(set))\n"
"      if #del > 0 then call('HDEL', pk, unpack(del)) end\n"
"      change('edit', pid, cur[3] or '')\n"
"      out[#out+1] = 3\n"
"    else\n"
"      out[#out+1] = 2\n"
"    end\n"
"  else\n"
"    -- A new post. Exact dedupe in issue 4's order: repost, URL, text;\n"
"    -- every key is claimed even when an earlier one matched.\n"
"    local found, m = nil, 0\n"
"    if orig ~= '' and orig ~= pid then\n"
"      local q = call('HMGET', PP..orig, 'd', 's')\n"
"      if q[1] then found = q; m = 1 end\n"
"    end\n"
"    local q = claim(PKU, ku, pid)\n"
"    if q and not found then found = q; m = 2 end\n"
"    q = claim(PKT, kt, pid)\n"
"    if q and not found then found = q; m = 3 end\n"
"    local res = 0\n"
"    if found and (found[1] ~= d or found[2] ~= s) then\n"
"      -- Another process decided first: Redis's record wins.\n"
"      res = 1\n"
"      d, s, how = found[1], found[2], tostring(m)\n"
"      if m ~= 2 then tx = '' end   -- an exact copy keeps no second text\n"
"    end\n"
"    local set = {'h', h, 't', t, 'd', d, 's', s}\n"
"    local ns = 8\n"
"    if how ~= '0' then set[ns+1] = 'm'; set[ns+2] = how; ns = ns + 2 end\n"
"    if id ~= '' then set[ns+1] = 'i'; set[ns+2] = id; ns = ns + 2 end\n"
"    if src ~= '' then set[ns+1] = 'src'; set[ns+2] = src; ns = ns + 2 end\n"
"    if u ~= '' then set[ns+1] = 'u'; set[ns+2] = u; ns = ns + 2 end\n"
"    if a ~= '' then set[ns+1] = 'a'; set[ns+2] = a; ns = ns + 2 end\n"
"    if ti ~= '' then set[ns+1] = 'ti'; set[ns+2] = ti; ns = ns + 2 end\n"
"    if tx ~= '' then set[ns+1] = 'tx'; set[ns+2] = tx; ns = ns + 2 end\n"
"    if la ~= '' then set[ns+1] = 'la'; set[ns+2] = la; ns = ns + 2 end\n"
"    if up ~= '' then set[ns+1] = 'up'; set[ns+2] = up; ns = ns + 2 end\n"
"    if th ~= '' then set[ns+1] = 'th'; set[ns+2] = th; ns = ns + 2 end\n"
"    if se ~= '' then set[ns+1] = 'se'; set[ns+2] = se; ns = ns + 2 end\n"
"    call('HSET', pk, unpack(set, 1, ns))\n"
"\n"
"    local x = story(s)\n"
"    own(x, 'th:', th)\n"
"    own(x, 'se:', se)\n"
"    x.m[x.nm+1] = t; x.m[x.nm+2] = pid; x.nm = x.nm + 2\n"
"    if res == 0 then\n"
"      x.sum = { n, nd, na, nr, f, l, rep, sname }   -- the engine's latest\n"
"      change('new', pid, s)\n"
"    else\n"
"      x.copies = x.copies + 1\n"
"      change('copy', pid, s)\n"
"    end\n"
"    out[#out+1] = res\n"
"  end\n"
"end\n"
"\n"
"-- The stories this call touched: members, summary, score.\n"
"for j = 1, nst do\n"
"  local s = stk[j]\n"
"  local x = ST[s]\n"
"  local sk = PS..s                                            -- P s:SID\n"
"  call('ZADD', sk..':m', unpack(x.m, 1, x.nm))                -- P s:SID:m\n"
"  local sset, k = {}, 0\n"
"  if x.sum then\n"
"    -- The engine's summary. keys.h STORY_SCORE goes to every index of\n"
"    -- the story (T) when the story is new, is in a new index, has crossed\n"
"    -- a power of two in size or moved on by HALF/16 since it last did\n"
"    -- (keys.h: bounded staleness, a few ZADDs per story, not per post).\n"
"    local n, nd, na, nr, f, l, rep, sname = unpack(x.sum)\n"
"    local nn, ll = tonumber(n), tonumber(l)\n"
"    sset = {'n', n, 'nd', nd, 'na', na, 'nr', nr, 'l', l, 'rep', rep}\n"
"    k = 12\n"
"    if x.n0 == 0 then sset[k+1] = 'id'; sset[k+2] = sname; sset[k+3] = 'f'; sset[k+4] = f; k = k + 4 end\n"
"    if x.newT or x.n0 == 0 or ll - x.ls >= HALF / 16\n"
"       or floor(log(nn) / LN2) ~= floor(log(x.n0 > 0 and x.n0 or 1) / LN2) then\n"
"      local w = log(1 + na) + 1.5 * log(1 + nr) + 0.5 * log(1 + nd) + 0.25 * log(1 + nn)\n"
"      if w <= 0 then w = 1e-9 end\n"
"      local score = log(w) / LN2 + ll / HALF\n"
"      for ix in gmatch(x.T, '[^,]+') do\n"
"        call('ZADD', P..ix..':s', score, s)                   -- P th:ID:s / se:ID:s\n"
"      end\n"
"      sset[k+1] = 'ls'; sset[k+2] = l; k = k + 2\n"
"    end\n"
"    if x.copies > 0 then\n"
"      -- Members another importer's record put here: counted on top.\n"
"      sset[2] = tostring(nn + x.copies)\n"
"    end\n"
"  elseif x.copies > 0 then\n"
"    -- Only another importer's members: count them; a new index waits\n"
"    -- for the next engine member (ls = 0 rescores it everywhere).\n"
"    call('HINCRBY', sk, 'n', x.copies)\n"
"    if x.newT then sset = {'ls', 0}; k = 2 end\n"
"  end\n"
"  if x.newT then sset[k+1] = 'T'; sset[k+2] = x.T; k = k + 2 end\n"
"  if k > 0 then call('HSET', sk, unpack(sset, 1, k)) end\n"
"end\n"
"-- Posts per theme and session (P n).\n"
"if ncnt > 0 then\n"
"  for j = 1, ncnt do\n"
"    call('HINCRBY', PN, cntk[j], cnt[cntk[j]])\n"
"  end\n"
"end\n"
"-- One stream entry for the changes of this call (P x).\n"
"if nev > 0 then\n"
"  call('XADD', PX, 'MAXLEN', '~', MAXLEN, '*', unpack(ev, 1, nev))\n"
"end\n"
"return out\n";
#pragma GCC diagnostic pop

/* ---- a small map from post id to PID ------------------------------- */

/* The engine names dup groups and stories by post id; Redis by PID. The
 * map remembers the PID of every post added (open addressing on the
 * 64-bit hash of the id; 0 marks an empty slot). */
struct idmap {
	uint64_t *key;
	uint64_t *val;
	size_t n, cap;   /* cap a power of two */
};

static void idmap_done(struct idmap *m)
{
	rp_free(m->key);
	rp_free(m->val);
	memset(m, 0, sizeof *m);
}

static void idmap_put(struct idmap *m, uint64_t k, uint64_t v);

static void idmap_grow(struct idmap *m)
{
	struct idmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->key = rp_calloc(m->cap, sizeof *m->key);
	m->val = rp_calloc(m->cap, sizeof *m->val);
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.key[i])
			idmap_put(m, old.key[i], old.val[i]);
	rp_free(old.key);
	rp_free(old.val);
}

static void idmap_put(struct idmap *m, uint64_t k, uint64_t v)
{
	if (k == 0)
		k = 1;
	if ((m->n + 1) * 2 > m->cap)
		idmap_grow(m);
	size_t i = k & (m->cap - 1);
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	if (!m->key[i])
		m->n++;
	m->key[i] = k;
	m->val[i] = v;
}

static bool idmap_get(const struct idmap *m, uint64_t k, uint64_t *v)
{
	if (k == 0)
		k = 1;
	if (!m->cap)
		return false;
	size_t i = k & (m->cap - 1);
	while (m->key[i]) {
		if (m->key[i] == k) {
			*v = m->val[i];
			return true;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return false;
}

/* ---- the pipeline --------------------------------------------------- */

struct batch {
	struct redis_cmd cmd;  /* EVALSHA sha 1 key P maxlen half posts... */
	size_t n_posts;
	bool failed;           /* got an error reply; to be sent again */
};

struct ingest {
	struct redis *r;
	struct ingest_opts o;
	char *event;
	char *prefix;          /* P */
	char *posts_key;       /* P posts */
	char sha[41];
	struct batch *pool;    /* window + 1 batches */
	struct batch **fl;     /* in flight, oldest first */
	size_t n_fl;
	struct batch *cur;     /* being filled; NULL when none */
	struct idmap ids;
	struct ingest_stats st;
	char errstr[512];
	bool oom_noted;
};

static void set_err(struct ingest *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct ingest *in, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(in->errstr, sizeof in->errstr, fmt, ap);
	va_end(ap);
}

static void note(struct ingest *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ingest *in, const char *fmt, ...)
{
	if (!in->o.note)
		return;
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	in->o.note(in->o.note_ctx, msg);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static rp_err load_script(struct ingest *in)
{
	redisReply *rep;
	const char *argv[] = { "SCRIPT", "LOAD", ingest_lua };
	size_t lens[] = { 6, 4, sizeof ingest_lua - 1 };
	rp_err e = redis_call(in->r, &rep, 3, argv, lens);
	if (e) {
		set_err(in, "SCRIPT LOAD: %s", redis_errstr(in->r));
		return e;
	}
	if (rep->type != REDIS_REPLY_STRING || rep->len != 40) {
		set_err(in, "SCRIPT LOAD: unexpected reply");
		freeReplyObject(rep);
		return RP_ERR_REDIS;
	}
	memcpy(in->sha, rep->str, 40);
	in->sha[40] = '\0';
	freeReplyObject(rep);
	return RP_OK;
}

const char *ingest_result_str(enum ingest_result r)
{
	static const char *const names[INGEST_N_RESULTS] = {
		"new", "copy", "same", "edit", "tombstone",
	};
	return (unsigned)r < INGEST_N_RESULTS ? names[r] : "?";
}

void ingest_pid(const char *identity_hex, char out[STORE_PID_HEX_BUF])
{
	size_t n = strlen(identity_hex);
	if (n > STORE_PID_HEX)
		n = STORE_PID_HEX;
	memcpy(out, identity_hex, n);
	out[n] = '\0';
}

static void batch_start(struct ingest *in, struct batch *b)
{
	redis_cmd_reset(&b->cmd);
	redis_cmd_adds(&b->cmd, "EVALSHA");
	redis_cmd_adds(&b->cmd, in->sha);
	redis_cmd_adds(&b->cmd, "1");
	redis_cmd_adds(&b->cmd, in->posts_key);
	redis_cmd_adds(&b->cmd, in->prefix);
	redis_cmd_addi(&b->cmd, STORE_STREAM_MAXLEN);
	redis_cmd_addi(&b->cmd, (int64_t)STORE_SCORE_HALF_LIFE_S);
	b->n_posts = 0;
	b->failed = false;
}

/* The sha may have changed on a new connection (it does not: it is the
 * SHA1 of the text), but keep argv[1] honest. */
static void batch_set_sha(struct ingest *in, struct batch *b)
{
	memcpy(b->cmd.arena.data + b->cmd.off[1], in->sha, 40);
}

rp_err ingest_open(struct redis *r, const char *event, const struct ingest_opts *opts,
                   struct ingest **ret, struct buf *err)
{
	if (!store_event_valid(event)) {
		buf_printf(err, "\"%s\": an event id is 1 to %d of [A-Za-z0-9_.-]",
		           event ? event : "", STORE_EVENT_MAX_BYTES);
		return RP_ERR_USAGE;
	}
	struct ingest *in = rp_calloc(1, sizeof *in);
	in->r = r;
	if (opts)
		in->o = *opts;
	if (!in->o.batch)
		in->o.batch = INGEST_BATCH_DEFAULT;
	if (in->o.batch > INGEST_BATCH_MAX)
		in->o.batch = INGEST_BATCH_MAX;
	if (!in->o.window)
		in->o.window = INGEST_WINDOW_DEFAULT;
	if (in->o.window > INGEST_WINDOW_MAX)
		in->o.window = INGEST_WINDOW_MAX;
	if (in->o.retry_ms <= 0)
		in->o.retry_ms = INGEST_RETRY_MS_DEFAULT;
	in->event = rp_strdup(event);
	struct buf b;
	buf_init(&b);
	store_prefix(&b, event);
	in->prefix = buf_detach(&b);
	buf_printf(&b, "%s" STORE_K_POSTS, in->prefix);
	in->posts_key = buf_detach(&b);
	in->pool = rp_calloc(in->o.window + 1, sizeof *in->pool);
	for (size_t i = 0; i <= in->o.window; i++)
		redis_cmd_init(&in->pool[i].cmd);
	in->fl = rp_calloc(in->o.window + 1, sizeof *in->fl);
	if (load_script(in) != RP_OK) {
		buf_adds(err, in->errstr);
		ingest_close(in);
		return RP_ERR_REDIS;
	}
	*ret = in;
	return RP_OK;
}

void ingest_close(struct ingest *in)
{
	if (!in)
		return;
	for (size_t i = 0; i <= in->o.window; i++)
		redis_cmd_done(&in->pool[i].cmd);
	rp_free(in->pool);
	rp_free(in->fl);
	idmap_done(&in->ids);
	rp_free(in->event);
	rp_free(in->prefix);
	rp_free(in->posts_key);
	rp_free(in);
}

/* A batch not in flight and not being filled. */
static struct batch *free_batch(struct ingest *in)
{
	for (size_t i = 0; i <= in->o.window; i++) {
		struct batch *b = &in->pool[i];
		if (b == in->cur)
			continue;
		bool busy = false;
		for (size_t j = 0; j < in->n_fl; j++)
			if (in->fl[j] == b)
				busy = true;
		if (!busy)
			return b;
	}
	return NULL;   /* cannot happen: n_fl < window + 1 while filling */
}

static rp_err send_batch(struct ingest *in, struct batch *b)
{
	batch_set_sha(in, b);
	return redis_append(in->r, (int)b->cmd.n, redis_cmd_argv(&b->cmd), b->cmd.len);
}

/* After a connection loss: restart the managed server if it died,
 * reconnect with backoff, load the script, send every batch in flight
 * again, in order. */
static rp_err recover(struct ingest *in)
{
	int64_t start = clock_mono_ns();
	note(in, "connection lost (%s) with %zu posts acknowledged; reconnecting",
	     redis_errstr(in->r), in->st.acked);
	for (;;) {
		int64_t left = in->o.retry_ms - (clock_mono_ns() - start) / 1000000;
		if (left <= 0) {
			set_err(in, "Redis unreachable for %lld ms: %s", (long long)in->o.retry_ms,
			        redis_errstr(in->r));
			return RP_ERR_REDIS;
		}
		if (in->o.server) {
			struct buf err;
			buf_init(&err);
			if (server_check(in->o.server, &err) != RP_OK)
				note(in, "managed redis-server: %s", buf_str(&err));
			buf_done(&err);
		}
		if (redis_reconnect(in->r, left < 1000 ? left : 1000) != RP_OK)
			continue;
		if (load_script(in) != RP_OK)
			continue;
		bool ok = true;
		for (size_t i = 0; i < in->n_fl && ok; i++)
			ok = send_batch(in, in->fl[i]) == RP_OK;
		if (!ok)
			continue;
		in->st.reconnects++;
		in->st.resent += in->n_fl;
		note(in, "reconnected after %lld ms; %zu batches sent again",
		     (long long)((clock_mono_ns() - start) / 1000000), in->n_fl);
		return RP_OK;
	}
}

static void ack(struct ingest *in, struct batch *b, const redisReply *rep)
{
	for (size_t i = 0; i < rep->elements && i < b->n_posts; i++) {
		const redisReply *x = rep->element[i];
		long long v = x->type == REDIS_REPLY_INTEGER ? x->integer : 0;
		if (v >= 0 && v < INGEST_N_RESULTS)
			in->st.result[v]++;
	}
	in->st.acked += b->n_posts;
	in->st.batches++;
}

/* Read the reply of the oldest batch in flight. On an error reply that
 * can be waited out (OOM, LOADING, BUSY, NOSCRIPT), read the rest of the
 * flight (acking what succeeded), wait or reload, and send the failed
 * batches again. */
static rp_err read_one(struct ingest *in)
{
	int64_t wait_start = 0;
	int64_t wait = 20;
	for (;;) {
		redisReply *rep;
		if (redis_get_reply(in->r, &rep) != RP_OK) {
			rp_err e = recover(in);
			if (e)
				return e;
			continue;
		}
		struct batch *b = in->fl[0];
		if (rep->type == REDIS_REPLY_ARRAY) {
			ack(in, b, rep);
			freeReplyObject(rep);
			memmove(in->fl, in->fl + 1, (in->n_fl - 1) * sizeof *in->fl);
			in->n_fl--;
			if (in->oom_noted) {
				in->oom_noted = false;
				note(in, "memory available again; ingest resumed");
			}
			return RP_OK;
		}
		/* An error reply for b. */
		bool oom = redis_reply_is_oom(rep), noscript = redis_reply_is_noscript(rep);
		bool waitable = oom || noscript || redis_reply_is_loading(rep) || redis_reply_is_busy(rep);
		char text[256];
		if (rep->type == REDIS_REPLY_ERROR)
			snprintf(text, sizeof text, "%.*s", (int)rep->len, rep->str);
		else
			snprintf(text, sizeof text, "unexpected reply type %d", rep->type);
		freeReplyObject(rep);
		if (!waitable) {
			set_err(in, "ingest script: %s", text);
			/* Drain the rest so the connection stays in step. */
			for (size_t i = 1; i < in->n_fl; i++)
				if (redis_get_reply(in->r, &rep) == RP_OK)
					freeReplyObject(rep);
			in->n_fl = 0;
			return RP_ERR_REDIS;
		}
		b->failed = true;
		/* Read the others in flight; keep only the failed ones. */
		size_t keep = 1;
		for (size_t i = 1; i < in->n_fl; i++) {
			struct batch *o = in->fl[i];
			if (redis_get_reply(in->r, &rep) != RP_OK) {
				/* Everything from here on is unacknowledged. */
				for (size_t j = i; j < in->n_fl; j++)
					in->fl[keep++] = in->fl[j];
				in->n_fl = keep;
				rp_err e = recover(in);
				if (e)
					return e;
				goto again;
			}
			if (rep->type == REDIS_REPLY_ARRAY)
				ack(in, o, rep);
			else
				in->fl[keep++] = o;
			freeReplyObject(rep);
		}
		in->n_fl = keep;
		if (oom && !in->oom_noted) {
			in->oom_noted = true;
			in->st.oom_pauses++;
			note(in, "Redis is out of memory (maxmemory reached: %s); ingest paused with "
			     "%zu posts acknowledged, retrying", text, in->st.acked);
		}
		if (!wait_start)
			wait_start = clock_mono_ns();
		if ((clock_mono_ns() - wait_start) / 1000000 > in->o.retry_ms) {
			set_err(in, "gave up after %lld ms: %s", (long long)in->o.retry_ms, text);
			return RP_ERR_REDIS;
		}
		if (noscript) {
			if (load_script(in) != RP_OK) {
				rp_err e = recover(in);
				if (e)
					return e;
				goto again;
			}
		} else {
			sleep_ms(wait);
			wait = wait * 2 > 500 ? 500 : wait * 2;
		}
		for (size_t i = 0; i < in->n_fl; i++) {
			if (send_batch(in, in->fl[i]) != RP_OK) {
				rp_err e = recover(in);
				if (e)
					return e;
				break;
			}
		}
		in->st.resent += in->n_fl;
again:
		if (in->n_fl == 0)
			return RP_OK;
	}
}

static rp_err push_cur(struct ingest *in)
{
	struct batch *b = in->cur;
	if (!b || b->n_posts == 0)
		return RP_OK;
	in->cur = NULL;
	in->fl[in->n_fl++] = b;
	if (send_batch(in, b) != RP_OK) {
		rp_err e = recover(in);   /* sends every batch in flight, b included */
		if (e)
			return e;
	}
	while (in->n_fl >= in->o.window) {
		rp_err e = read_one(in);
		if (e)
			return e;
	}
	return RP_OK;
}

static void hex16(uint64_t v, char out[STORE_PID_HEX_BUF])
{
	snprintf(out, STORE_PID_HEX_BUF, "%016llx", (unsigned long long)v);
}

static uint64_t pid_value(const char *hex)
{
	uint64_t v = 0;
	for (int i = 0; i < STORE_PID_HEX && hex[i]; i++) {
		char c = hex[i];
		v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

/* The PID of the post named id: from the map when this ingest added it,
 * else a stable stand-in derived from the id. */
static void id_pid(const struct ingest *in, const char *id, char out[STORE_PID_HEX_BUF])
{
	uint64_t v;
	if (!idmap_get(&in->ids, hash64_str(id), &v))
		v = hash64_str(id);
	hex16(v, out);
}

static void add_join(struct redis_cmd *c, const struct strv *sv)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < sv->n; i++) {
		if (strchr(sv->v[i], ','))
			continue;   /* ontology ids never carry one; refuse to split */
		if (b.len)
			buf_addc(&b, ',');
		buf_adds(&b, sv->v[i]);
	}
	redis_cmd_add(c, b.data ? b.data : "", b.len);
	buf_done(&b);
}

static void add_key16(struct redis_cmd *c, const char *hex)
{
	redis_cmd_add(c, hex, strnlen(hex, STORE_PID_HEX));
}

rp_err ingest_add(struct ingest *in, const struct post *p, const struct cluster_assign *as,
                  const struct cluster_story *story)
{
	if (!p->id) {
		set_err(in, "a post without an id");
		return RP_ERR_INPUT;
	}
	if (!in->cur) {
		in->cur = free_batch(in);
		batch_start(in, in->cur);
	}
	struct redis_cmd *c = &in->cur->cmd;
	char pid[STORE_PID_HEX_BUF], d[STORE_PID_HEX_BUF], s[STORE_PID_HEX_BUF];
	char rep[STORE_PID_HEX_BUF];
	ingest_pid(as->keys.identity, pid);
	idmap_put(&in->ids, hash64_str(p->id), pid_value(pid));
	id_pid(in, as->dup ? as->dup : p->id, d);
	id_pid(in, as->story ? as->story : p->id, s);

	int64_t t = p->published ? p->published : clock_now();
	/* How the engine grouped it, in keys.h's `m` numbering. */
	int how = 0;
	switch (as->match) {
	case CLUSTER_MATCH_IDENTITY: how = 1; break;
	case CLUSTER_MATCH_URL:      how = 2; break;
	case CLUSTER_MATCH_TEXT:     how = 3; break;
	case CLUSTER_MATCH_NEAR:     how = 4; break;
	default:                     how = 0; break;
	}
	/* Content hash: what an edit changes. */
	struct buf h;
	buf_init(&h);
	buf_adds(&h, p->title ? p->title : "");
	buf_addc(&h, '\x1f');
	buf_adds(&h, p->text ? p->text : "");
	buf_addc(&h, '\x1f');
	buf_adds(&h, p->url ? p->url : "");
	char hh[STORE_PID_HEX_BUF];
	hex16(hash64(h.data, h.len), hh);
	buf_done(&h);

	redis_cmd_adds(c, pid);                       /* pid */
	add_key16(c, as->keys.original);              /* orig */
	add_key16(c, as->keys.url);                   /* ku */
	add_key16(c, as->keys.text);                  /* kt */
	redis_cmd_adds(c, d);                         /* d */
	redis_cmd_adds(c, s);                         /* s */
	redis_cmd_adds(c, as->story ? as->story : p->id); /* sname */
	redis_cmd_addi(c, how);                       /* how */
	redis_cmd_addi(c, t);                         /* t */
	if (p->updated)
		redis_cmd_addi(c, p->updated);            /* up */
	else
		redis_cmd_adds(c, "");
	redis_cmd_adds(c, hh);                        /* h */
	add_join(c, &p->themes);                      /* th */
	add_join(c, &p->sessions);                    /* se */
	redis_cmd_adds(c, p->id);                     /* id */
	redis_cmd_adds(c, p->source);                 /* src */
	redis_cmd_adds(c, p->url);                    /* u */
	redis_cmd_adds(c, p->author);                 /* a */
	redis_cmd_adds(c, p->title);                  /* ti */
	/* An exact copy (repost, same text) keeps no second text. */
	redis_cmd_adds(c, how == 1 || how == 3 ? "" : p->text); /* tx */
	redis_cmd_adds(c, p->lang);                   /* la */
	/* The story summary: the engine's, else this post alone. */
	struct cluster_story one = { 0 };
	if (!story) {
		one.n_posts = one.n_dups = 1;
		one.n_authors = p->author ? 1 : 0;
		one.n_sources = p->source ? 1 : 0;
		one.first = one.last = t;
		one.representative = as->dup ? as->dup : p->id;
		story = &one;
	}
	id_pid(in, story->representative ? story->representative : p->id, rep);
	redis_cmd_addi(c, (int64_t)story->n_posts);   /* n */
	redis_cmd_addi(c, (int64_t)story->n_dups);    /* nd */
	redis_cmd_addi(c, (int64_t)story->n_authors); /* na */
	redis_cmd_addi(c, (int64_t)story->n_sources); /* nr */
	redis_cmd_addi(c, story->first ? story->first : t); /* f */
	redis_cmd_addi(c, story->last ? story->last : t);   /* l */
	redis_cmd_adds(c, rep);                       /* rep */
	in->cur->n_posts++;
	in->st.queued++;
	if (in->cur->n_posts >= in->o.batch)
		return push_cur(in);
	return RP_OK;
}

rp_err ingest_flush(struct ingest *in)
{
	rp_err e = push_cur(in);
	if (e)
		return e;
	while (in->n_fl > 0) {
		e = read_one(in);
		if (e)
			return e;
	}
	return RP_OK;
}

/* ---- rebuilding the engine from Redis ------------------------------ */

#define RESTORE_PAGE 1000

static char *dup_reply(const redisReply *r)
{
	if (!r || r->type != REDIS_REPLY_STRING || r->len == 0)
		return NULL;
	return rp_strndup(r->str, r->len);
}

rp_err ingest_restore(struct ingest *in, struct cluster_engine *e, int64_t since,
                      size_t *ret_n, struct buf *err)
{
	size_t n = 0, offset = 0;
	rp_err res = RP_OK;
	struct redis_cmd c;
	redis_cmd_init(&c);
	struct buf k;
	buf_init(&k);
	for (;;) {
		redisReply *page;
		redis_cmd_reset(&c);
		redis_cmd_adds(&c, "ZRANGEBYSCORE");
		redis_cmd_adds(&c, in->posts_key);
		redis_cmd_addi(&c, since);
		redis_cmd_adds(&c, "+inf");
		redis_cmd_adds(&c, "LIMIT");
		redis_cmd_addi(&c, (int64_t)offset);
		redis_cmd_addi(&c, RESTORE_PAGE);
		if (redis_call(in->r, &page, (int)c.n, redis_cmd_argv(&c), c.len) != RP_OK) {
			buf_adds(err, redis_errstr(in->r));
			res = RP_ERR_REDIS;
			break;
		}
		size_t m = page->type == REDIS_REPLY_ARRAY ? page->elements : 0;
		/* Round 1: the posts. */
		for (size_t i = 0; i < m && !res; i++) {
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_POST "%s", in->prefix, page->element[i]->str);
			redis_cmd_reset(&c);
			const char *f[] = { "HMGET", buf_str(&k), "i", "src", "u", "a", "ti", "tx", "la",
			                    "t", "d", "s" };
			for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
				redis_cmd_adds(&c, f[j]);
			res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
		}
		redisReply **posts = rp_calloc(m ? m : 1, sizeof *posts);
		for (size_t i = 0; i < m && !res; i++)
			res = redis_get_reply(in->r, &posts[i]);
		/* Round 2: the names of their dup groups and stories. */
		for (size_t i = 0; i < m && !res; i++) {
			const redisReply *r = posts[i];
			bool ok = r->type == REDIS_REPLY_ARRAY && r->elements == 10 &&
			          r->element[8]->type == REDIS_REPLY_STRING &&
			          r->element[9]->type == REDIS_REPLY_STRING;
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_POST "%s", in->prefix,
			           ok ? r->element[8]->str : "-");
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "HGET");
			redis_cmd_adds(&c, buf_str(&k));
			redis_cmd_adds(&c, "i");
			res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
			/* An exact copy keeps no text: the engine gets its group's. */
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "HGET");
			redis_cmd_adds(&c, buf_str(&k));
			redis_cmd_adds(&c, "tx");
			if (!res)
				res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_STORY "%s", in->prefix,
			           ok ? r->element[9]->str : "-");
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "HGET");
			redis_cmd_adds(&c, buf_str(&k));
			redis_cmd_adds(&c, "id");
			if (!res)
				res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
		}
		for (size_t i = 0; i < m && !res; i++) {
			redisReply *dn = NULL, *gt = NULL, *sn = NULL;
			res = redis_get_reply(in->r, &dn);
			if (!res)
				res = redis_get_reply(in->r, &gt);
			if (!res)
				res = redis_get_reply(in->r, &sn);
			const redisReply *r = posts[i];
			if (!res && r->type == REDIS_REPLY_ARRAY && r->elements == 10 &&
			    r->element[0]->type == REDIS_REPLY_STRING) {
				struct post p;
				post_init(&p);
				p.id = dup_reply(r->element[0]);
				p.source = dup_reply(r->element[1]);
				p.url = dup_reply(r->element[2]);
				p.author = dup_reply(r->element[3]);
				p.title = dup_reply(r->element[4]);
				p.text = dup_reply(r->element[5]);
				if (!p.text)
					p.text = dup_reply(gt);
				p.lang = dup_reply(r->element[6]);
				p.published = r->element[7]->str ? strtoll(r->element[7]->str, NULL, 10) : 0;
				char *dup_id = dup_reply(dn), *story_id = dup_reply(sn);
				idmap_put(&in->ids, hash64_str(p.id), pid_value(page->element[i]->str));
				if (cluster_engine_restore(e, &p, dup_id ? dup_id : p.id,
				                           story_id ? story_id : p.id, NULL) == RP_OK)
					n++;
				rp_free(dup_id);
				rp_free(story_id);
				post_done(&p);
			}
			if (dn)
				freeReplyObject(dn);
			if (gt)
				freeReplyObject(gt);
			if (sn)
				freeReplyObject(sn);
		}
		for (size_t i = 0; i < m; i++)
			if (posts[i])
				freeReplyObject(posts[i]);
		rp_free(posts);
		freeReplyObject(page);
		if (res) {
			buf_adds(err, redis_errstr(in->r));
			break;
		}
		if (m < RESTORE_PAGE)
			break;
		offset += m;
	}
	redis_cmd_done(&c);
	buf_done(&k);
	if (!res && ret_n)
		*ret_n = n;
	return res;
}

void ingest_get_stats(const struct ingest *in, struct ingest_stats *ret)
{
	*ret = in->st;
}

const char *ingest_errstr(const struct ingest *in)
{
	return in->errstr;
}
