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
#include "store/layout.h"
#include "store/postmeta.h"

/* ingest_lua's arguments a post (its PA); ingest_add writes them. */
#define INGEST_POST_ARGS 10
#define INGEST_STR_(x) #x
#define INGEST_STR(x) INGEST_STR_(x)

/* One script text; longer than the 4095 bytes C99 promises, which GCC
 * and Clang both handle. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const char ingest_lua[] =
"#!lua\n"
"-- rapporteur ingest (store/ingest.c; keys: store/keys.h). KEYS[1] = P..'posts'.\n"
"-- Runs in the MULTI/EXEC of its batch, after the records were written\n"
"-- without overwriting: one MSETNX for the posts the importer meets for\n"
"-- the first time (none of them written when any key existed), a `SET\n"
"-- P p:PID record NX` for each of the others. A new post's record is\n"
"-- there already, a known one's was left as it is.\n"
"-- ARGV: P, stream maxlen, score half-life, then per post (PA of them)\n"
"--   pid, orig, ku, kt, d, s, t, th, se, hash\n"
"--   (the record's values the script tests or indexes on);\n"
"-- then per story the batch touched: sid, name, n, nd, na, nr, f, l, rep;\n"
"-- last, the number of stories.\n"
"-- Returns one code per post: 0 new, 1 copy, 2 same, 4 tombstoned, 5\n"
"-- for a known post whose content changed: its record is not here, so\n"
"-- the importer sends it to ingest_edit_lua (an edit is rare; a new\n"
"-- post's record never passes through Lua), and 6 for a new post whose\n"
"-- record is missing (the MSETNX met a key that existed): nothing of it\n"
"-- is written, and the importer sends it again with a SET of its own.\n"
"-- Cost matters here (bench/ingest): each redis.call costs several us on\n"
"-- top of the command itself (more with AOF), so the calls are per batch\n"
"-- where Redis has a multi-key form: one ZMSCORE says which posts are new,\n"
"-- one MGET reads the known ones, one HMGET and one HSET make every\n"
"-- dedupe claim, one ZADD indexes the new posts. Per story and per index\n"
"-- touched, and for the stream: one write each at the end.\n"
"local ARGV = ARGV            -- a local: a global is a hash lookup at every use\n"
"local P = ARGV[1]\n"
"local MAXLEN = ARGV[2]\n"
"local HALF = tonumber(ARGV[3])\n"
"local LN2 = math.log(2)\n"
STORE_STORY_SCORE_LUA
POST_META_LUA
"local call, log, floor, sub, gmatch, unpack = redis.call, math.log, math.floor, string.sub,\n"
"  string.gmatch, unpack\n"
"local PA = " INGEST_STR(INGEST_POST_ARGS) "   -- arguments a post\n"
"local POSTS = KEYS[1]                                        -- P posts\n"
"local PP, PS, PX, PN, PK = P..'p:', P..'s:', P..'x', P..'n', P..'k' -- P p:PID, s:SID, x, n, k\n"
"local NA = #ARGV\n"
"local NS = tonumber(ARGV[NA])\n"
"local S0 = NA - 9 * NS       -- the first story argument\n"
"local out = {}\n"
"local EV, evk = {}, {}       -- the stream entry: kind -> its changes, kinds in order\n"
"local ST, stk, nst = {}, {}, 0   -- SID -> story state, touched stories in order\n"
"local SUM = {}               -- SID -> index of its summary in ARGV\n"
"for j = S0, NA - 1, 9 do SUM[ARGV[j]] = j end\n"
"\n"
"local function change(e, pid, sid)                -- keys.h P x: e, 'PID SID'\n"
"  local l = EV[e]\n"
"  if not l then l = {}; EV[e] = l; evk[#evk+1] = e end\n"
"  l[#l+1] = sid ~= '' and pid..' '..sid or pid\n"
"end\n"
"\n"
"-- Pass 1: where each post starts, and which are new (P posts).\n"
"local at, pids, np = {}, {}, 0\n"
"local i = 4\n"
"while i < S0 do\n"
"  np = np + 1; at[np] = i; pids[np] = ARGV[i]\n"
"  i = i + PA\n"
"end\n"
"if np == 0 then return out end\n"
"local known = call('ZMSCORE', POSTS, unpack(pids, 1, np))\n"
"\n"
"-- Pass 2: the dedupe keys of the new posts (P k), read at once, and the\n"
"-- records of the known ones (P p:PID). A post seen twice in the batch\n"
"-- is new only the first time; its record is then that first one's.\n"
"local fresh, seen = {}, {}\n"
"local kf, nkf = {}, 0\n"
"local kr, nkr = {}, 0\n"
"for k = 1, np do\n"
"  local pid = pids[k]\n"
"  local j = at[k]\n"
"  if not known[k] and not seen[pid] then\n"
"    seen[pid] = true; fresh[k] = true\n"
"    if ARGV[j+2] ~= '' then nkf = nkf + 1; kf[nkf] = ARGV[j+2] end\n"
"    if ARGV[j+3] ~= '' then nkf = nkf + 1; kf[nkf] = ARGV[j+3] end\n"
"  else\n"
"    nkr = nkr + 1; kr[nkr] = PP..pid                          -- P p:PID\n"
"  end\n"
"end\n"
"local CL = {}                -- claim field -> holder PID (false: free)\n"
"if nkf > 0 then\n"
"  local h = call('HMGET', PK, unpack(kf, 1, nkf))\n"
"  for k = 1, nkf do CL[kf[k]] = h[k] end\n"
"end\n"
"local REC = nkr > 0 and call('MGET', unpack(kr, 1, nkr)) or {}\n"
"-- The new posts' records, counted at once; looked for one by one only\n"
"-- when some are missing (an MSETNX that wrote nothing).\n"
"local fk, nfk = {}, 0\n"
"for k = 1, np do\n"
"  if fresh[k] then nfk = nfk + 1; fk[nfk] = PP..pids[k] end\n"
"end\n"
"if nfk > 0 and call('EXISTS', unpack(fk, 1, nfk)) ~= nfk then\n"
"  local j = 0\n"
"  for k = 1, np do\n"
"    if fresh[k] then\n"
"      j = j + 1\n"
"      if call('EXISTS', fk[j]) == 0 then fresh[k] = nil; out[k] = 6 end\n"
"    end\n"
"  end\n"
"end\n"
"local claims, ncl = {}, 0    -- new claims, for one HSET\n"
"local ND, NSD = {}, {}       -- PID -> d, s of the posts stored by this call\n"
"\n"
"-- The {d, s} of post q, stored by this call or before; nil when none.\n"
"-- Read once per call: a repost's original usually holds its URL and\n"
"-- text keys too.\n"
"local HOLD = {}\n"
"local function holder(q)\n"
"  if ND[q] then return { ND[q], NSD[q] } end\n"
"  local h = HOLD[q]\n"
"  if h == nil then\n"
"    local r = call('GET', PP..q)                              -- P p:PID\n"
"    h = r and { post_meta(r, PM_D), post_meta(r, PM_S) } or false\n"
"    HOLD[q] = h\n"
"  end\n"
"  return h or nil\n"
"end\n"
"\n"
"-- An exact-dedupe key: claim it for pid, or (when want) find the post\n"
"-- that holds it. Returns that post's {d, s} when it is another.\n"
"local function claim(f, pid, want)\n"
"  if f == '' then return nil end\n"
"  local q = CL[f]\n"
"  if not q then\n"
"    CL[f] = pid; claims[ncl+1] = f; claims[ncl+2] = pid; ncl = ncl + 2\n"
"    return nil\n"
"  end\n"
"  if q == pid or not want then return nil end\n"
"  return holder(q)\n"
"end\n"
"\n"
"-- The story SID as stored (T, ls, n), read once per call.\n"
"local function story(s)\n"
"  local x = ST[s]\n"
"  if x then return x end\n"
"  local r = call('HMGET', PS..s, 'T', 'ls', 'n')              -- P s:SID\n"
"  local T = r[1] or ''\n"
"  x = { T = T, ls = tonumber(r[2]) or 0, n0 = tonumber(r[3]) or 0, ins = nil,\n"
"        newT = false, added = {}, m = {}, nm = 0, copies = 0, sum = nil,\n"
"        ['th:'] = {}, ['se:'] = {} }\n"
"  ST[s] = x\n"
"  nst = nst + 1; stk[nst] = s\n"
"  return x\n"
"end\n"
"\n"
"-- Posts per index list (th or se ids, 'a,b'), in order of first use\n"
"-- (P n); x[kind][list]: the lists story x has met in this call.\n"
"local CNT = { ['th:'] = {}, ['se:'] = {} }     -- kind -> list -> posts\n"
"local cntk, cntl, ncnt = {}, {}, 0\n"
"local function own(x, kind, list)\n"
"  if list == '' then return end\n"
"  local ct = CNT[kind]\n"
"  local c = ct[list]\n"
"  if c then ct[list] = c + 1 else ct[list] = 1; ncnt = ncnt + 1; cntk[ncnt] = kind; cntl[ncnt] = list end\n"
"  local xo = x[kind]\n"
"  if xo[list] then return end\n"
"  xo[list] = true\n"
"  local ins = x.ins          -- kind -> id -> true: the story's T as sets, made once\n"
"  if not ins then\n"
"    ins = { ['th:'] = {}, ['se:'] = {} }\n"
"    for ix in gmatch(x.T, '[^,]+') do\n"
"      local t = ins[sub(ix, 1, 3)]\n"
"      if t then t[sub(ix, 4)] = true end\n"
"    end\n"
"    x.ins = ins\n"
"  end\n"
"  local set = ins[kind]\n"
"  for id in gmatch(list, '[^,]+') do\n"
"    if not set[id] then\n"
"      set[id] = true\n"
"      local k = kind..id\n"
"      x.T = x.T == '' and k or x.T..','..k\n"
"      x.added[#x.added+1] = k\n"
"      x.newT = true\n"
"    end\n"
"  end\n"
"end\n"
"\n"
"-- Pass 3: each post in order.\n"
"local zp, nzp = {}, 0\n"
"local r = 0                  -- records read (REC)\n"
"for k = 1, np do\n"
"  local j = at[k]\n"
"  local pid, orig, ku, kt, d, s, t, th, se, hash = unpack(ARGV, j, j + PA - 1)\n"
"  if out[k] == 6 then\n"
"    -- no record: sent again by the importer\n"
"  elseif not fresh[k] then\n"
"    -- A post we hold: a re-fetch, an edit, or a tombstone.\n"
"    r = r + 1\n"
"    local cur = REC[r]\n"
"    if cur and post_meta(cur, PM_X) ~= '' then\n"
"      out[k] = 4\n"
"    elseif cur and post_meta(cur, PM_HASH) ~= hash then\n"
"      out[k] = 5             -- an edit: ingest_edit_lua with its record\n"
"    else\n"
"      out[k] = 2\n"
"    end\n"
"  else\n"
"    -- A new post. Exact dedupe in issue 4's order: repost, URL, text;\n"
"    -- every key is claimed even when an earlier one matched.\n"
"    local found, m = nil, 0\n"
"    if orig ~= '' and orig ~= pid then\n"
"      found = holder(orig)\n"
"      if found then m = 1 end\n"
"    end\n"
"    local q = claim(ku, pid, not found)\n"
"    if q then found = q; m = 2 end\n"
"    q = claim(kt, pid, not found)\n"
"    if q then found = q; m = 3 end\n"
"    local res = 0\n"
"    if found and (found[1] ~= d or found[2] ~= s) then\n"
"      -- Another process decided first: Redis's record wins; an exact\n"
"      -- copy keeps no second text. The record, written by the SET\n"
"      -- before this call, is rewritten (rare: two importers at once).\n"
"      res = 1\n"
"      d, s = found[1], found[2]\n"
"      local pk = PP..pid                                      -- P p:PID\n"
"      local rec = post_meta_all(call('GET', pk))\n"
"      rec[PM_D], rec[PM_S], rec[PM_M] = d, s, tostring(m)\n"
"      if m ~= 2 then rec[PM_TEXT] = '' end\n"
"      call('SET', pk, post_meta_pack(rec))\n"
"    end\n"
"    ND[pid] = d; NSD[pid] = s\n"
"    nzp = nzp + 2; zp[nzp-1] = t; zp[nzp] = pid\n"
"\n"
"    local x = story(s)\n"
"    own(x, 'th:', th)\n"
"    own(x, 'se:', se)\n"
"    x.nm = x.nm + 1; x.m[x.nm] = pid\n"
"    if res == 0 then\n"
"      x.sum = SUM[s]   -- the engine's summary as of its last post in the batch\n"
"      change('new', pid, s)\n"
"    else\n"
"      x.copies = x.copies + 1\n"
"      change('copy', pid, s)\n"
"    end\n"
"    out[k] = res\n"
"  end\n"
"end\n"
"if nzp > 0 then call('ZADD', POSTS, 'NX', unpack(zp, 1, nzp)) end\n"
"if ncl > 0 then call('HSET', PK, unpack(claims, 1, ncl)) end   -- P k\n"
"\n"
"-- The stories this call touched: members, summary; scores per index.\n"
"local IX, ixk, nix = {}, {}, 0\n"
"local function add_ix(ix, score, sid)                -- P th:ID:s / se:ID:s\n"
"  local z = IX[ix]\n"
"  if not z then z = {}; IX[ix] = z; nix = nix + 1; ixk[nix] = ix end\n"
"  z[#z+1] = score; z[#z+1] = sid\n"
"end\n"
"for j = 1, nst do\n"
"  local s = stk[j]\n"
"  local x = ST[s]\n"
"  local sk = PS..s                                            -- P s:SID\n"
"  -- Each post is here once: only the call that stores it adds it.\n"
"  call('APPEND', sk..':m', table.concat(x.m, '', 1, x.nm))   -- P s:SID:m, PIDs end to end\n"
"  local sset, k = {}, 0\n"
"  local cur = false            -- the engine's summary is not older than the stored one\n"
"  if x.sum then\n"
"    -- The engine's summary. keys.h STORY_SCORE goes to every index of\n"
"    -- the story (T) when the story is new, has crossed a power of two in\n"
"    -- size or moved on by HALF/16 since it last did (keys.h: bounded\n"
"    -- staleness, a few ZADDs per story, not per post); to the indexes a\n"
"    -- member brought it into, when that is all. A summary older than the\n"
"    -- stored one (its batch sent again after newer ones ran: a replay\n"
"    -- after a reconnect, or code 6) changes none of the story's fields:\n"
"    -- only a new index gets the story, with its score.\n"
"    local _, sname, n, nd, na, nr, f, l, rep = unpack(ARGV, x.sum, x.sum + 8)\n"
"    local nn, ll = tonumber(n), tonumber(l)\n"
"    cur = nn >= x.n0\n"
"    if cur then\n"
"      sset = {'n', n, 'nd', nd, 'na', na, 'nr', nr, 'l', l, 'rep', rep}\n"
"      k = 12\n"
"      if x.n0 == 0 then sset[k+1] = 'id'; sset[k+2] = sname; sset[k+3] = 'f'; sset[k+4] = f; k = k + 4 end\n"
"    end\n"
"    local all = cur and (x.n0 == 0 or ll - x.ls >= HALF / 16\n"
"       or floor(log(nn) / LN2) ~= floor(log(x.n0 > 0 and x.n0 or 1) / LN2))\n"
"    if all or x.newT then\n"
"      local score = story_score(nn, nd, na, nr, ll, HALF)      -- keys.h STORY_SCORE\n"
"      if all then\n"
"        for ix in gmatch(x.T, '[^,]+') do add_ix(ix, score, s) end\n"
"        sset[k+1] = 'ls'; sset[k+2] = l; k = k + 2\n"
"      else\n"
"        for _, ix in ipairs(x.added) do add_ix(ix, score, s) end\n"
"      end\n"
"    end\n"
"    if cur and x.copies > 0 then\n"
"      -- Members another importer's record put here: counted on top.\n"
"      sset[2] = tostring(nn + x.copies)\n"
"    end\n"
"  end\n"
"  if not cur and (x.sum or x.copies > 0) then\n"
"    -- No newer summary: another importer's members are counted, and a\n"
"    -- new index is rescored everywhere at the next engine member (ls = 0).\n"
"    if x.copies > 0 then call('HINCRBY', sk, 'n', x.copies) end\n"
"    if x.newT then sset = {'ls', 0}; k = 2 end\n"
"  end\n"
"  if x.newT then sset[k+1] = 'T'; sset[k+2] = x.T; k = k + 2 end\n"
"  if k > 0 then call('HSET', sk, unpack(sset, 1, k)) end\n"
"end\n"
"for j = 1, nix do\n"
"  call('ZADD', P..ixk[j]..':s', unpack(IX[ixk[j]]))          -- P th:ID:s / se:ID:s\n"
"end\n"
"-- Posts per theme and session (P n): one read and one write per call.\n"
"if ncnt > 0 then\n"
"  local c, nc = {}, 0\n"
"  for j = 1, ncnt do\n"
"    local kind, list = cntk[j], cntl[j]\n"
"    local m = CNT[kind][list]\n"
"    for id in gmatch(list, '[^,]+') do\n"
"      local f = kind..id\n"
"      if c[f] then c[f] = c[f] + m else c[f] = m; nc = nc + 1; c[nc] = f end\n"
"    end\n"
"  end\n"
"  local cur = call('HMGET', PN, unpack(c, 1, nc))\n"
"  local set = {}\n"
"  for j = 1, nc do set[2*j-1] = c[j]; set[2*j] = (tonumber(cur[j]) or 0) + c[c[j]] end\n"
"  call('HSET', PN, unpack(set))\n"
"end\n"
"-- One stream entry for the changes of this call (P x).\n"
"if #evk > 0 then\n"
"  local ev = {}\n"
"  for j, e in ipairs(evk) do ev[2*j-1] = e; ev[2*j] = table.concat(EV[e], ',') end\n"
"  call('XADD', PX, 'MAXLEN', '~', MAXLEN, '*', unpack(ev))\n"
"end\n"
"return out\n";

/* An edit: the known posts whose content hash differed from the one
 * stored (ingest_lua's code 5), each with its new record. Apart from
 * ingest_lua so that a new post's record never passes through Lua; the
 * same tests are made again, since anything may have happened since. */
static const char edit_lua[] =
"#!lua\n"
"-- rapporteur ingest edit (store/ingest.c; keys: store/keys.h). KEYS[1] = P..'x'.\n"
"-- ARGV: P, stream maxlen, then per post: pid, record (store/postmeta.h).\n"
"-- Returns one code per post: 2 same, 3 edited, 4 tombstoned.\n"
"-- An edit takes the new content and keeps the stored place (d, s, t, m),\n"
"-- tombstone, themes and sessions (a re-tag's, store/retag.h).\n"
POST_META_LUA
"local call, P, MAXLEN = redis.call, ARGV[1], ARGV[2]\n"
"local KEEP = { PM_X, PM_XB, PM_XW, PM_XT, PM_D, PM_S, PM_T, PM_M, PM_TH, PM_SE }\n"
"local out, ev = {}, {}\n"
"for j = 3, #ARGV - 1, 2 do\n"
"  local pid, rec = ARGV[j], ARGV[j+1]\n"
"  local pk = P..'p:'..pid                                      -- P p:PID\n"
"  local cur = call('GET', pk)\n"
"  local old = post_meta_all(cur)\n"
"  local code = 2\n"
"  if not cur then\n"
"    code = 2                 -- gone (never here: posts are not removed)\n"
"  elseif old[PM_X] ~= '' then\n"
"    code = 4\n"
"  elseif old[PM_HASH] ~= post_meta(rec, PM_HASH) then\n"
"    local new = post_meta_all(rec)\n"
"    for _, f in ipairs(KEEP) do new[f] = old[f] end\n"
"    call('SET', pk, post_meta_pack(new))\n"
"    ev[#ev+1] = old[PM_S] ~= '' and pid..' '..old[PM_S] or pid\n"
"    code = 3\n"
"  end\n"
"  out[#out+1] = code\n"
"end\n"
"if #ev > 0 then\n"
"  call('XADD', KEYS[1], 'MAXLEN', '~', MAXLEN, '*', 'edit', table.concat(ev, ','))  -- P x\n"
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

static bool idmap_put(struct idmap *m, uint64_t k, uint64_t v);

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

/* k -> v; returns whether k is new to m. */
static bool idmap_put(struct idmap *m, uint64_t k, uint64_t v)
{
	if (k == 0)
		k = 1;
	if ((m->n + 1) * 2 > m->cap)
		idmap_grow(m);
	size_t i = k & (m->cap - 1);
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	bool fresh = !m->key[i];
	if (fresh)
		m->n++;
	m->key[i] = k;
	m->val[i] = v;
	return fresh;
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

/* The engine's summary of one story touched by a batch, as of the
 * batch's last post in it: sent once per story, not as 8 more arguments
 * with every post (Redis parses each argument and makes it a Lua string:
 * several hundred instructions each). */
struct batch_story {
	char sid[STORE_PID_HEX_BUF];
	char rep[STORE_PID_HEX_BUF];
	char *name;                      /* the engine's story name; owned */
	int64_t n, nd, na, nr, first, last;
};

/* One post of a batch: its ingest_add number, its PID, and where its
 * record and its script arguments are in the batch's bytes, for an edit
 * (ingest_lua's code 5) and a post sent again (code 6). */
struct batch_post {
	uint64_t seq;
	char pid[STORE_PID_HEX_BUF];
	bool in_recs;            /* its record goes in the MSETNX (else a SET NX) */
	size_t rec_at, rec_len;  /* in wire (in sets until batch_finish); edit batch: unused */
	size_t args_at, args_len; /* its INGEST_POST_ARGS script arguments, in args
	                             (from batch->args_at in wire after batch_finish) */
	size_t st;               /* its story in batch->st */
};

/* One batch: the RESP bytes hiredis would send, built once, in place (no
 * argv array, no second formatting pass by hiredis), and sent again as
 * they are after a loss. With this packing, ingest_add went from 34k to
 * 8k instructions a post (callgrind, 20k bench posts): hiredis's
 * redisFormatSdsCommandArgv and snprintf were most of it.
 *
 * An ingest batch is MULTI, the records, the EVALSHA of ingest_lua,
 * EXEC: Redis runs it whole or not at all, with nothing between (an
 * -OOM, even at EXEC, discards it all). The records go to Redis as plain
 * writes that never overwrite: passed through the script they cost it
 * 16k more instructions a post (store/postmeta.h). The posts this
 * ingest meets for the first time go in one `MSETNX key record ...`:
 * one command instead of a `SET P p:PID record NX` each halved what
 * Redis spends on the records (13.5k to 6.9k instructions a post,
 * callgrind, 20k bench posts: one command to queue, run and log instead
 * of 512). MSETNX writes nothing when any of its keys exists (a post
 * Redis has from an earlier run or another process); the script then
 * answers 6 for each new post whose record is missing, and those go
 * again in a later batch, with a SET NX each, as do the posts this
 * ingest sent before (a re-fetch, an edit). An edit batch is one
 * EVALSHA of edit_lua. */
struct batch {
	struct buf wire;         /* what is sent (complete after batch_finish) */
	struct buf args;         /* the script call's arguments, as RESP */
	size_t nargs;
	size_t args_at;          /* where args went in wire (batch_finish) */
	size_t head;             /* wire[head..] is what is sent: an ingest batch
	                            begins with a gap of BATCH_GAP bytes that
	                            batch_finish fills, from its end, with MULTI
	                            and the MSETNX's header (its length known
	                            only then), so the records are written once,
	                            in place */
	size_t n_recs;           /* posts whose record is in the MSETNX */
	struct buf sets;         /* the SET NX commands of the others, as RESP; they go
	                            after the MSETNX, so that of two posts with one PID
	                            the first one's record is the one written */
	size_t sha_in_args;      /* offset of the 40 hex of the sha in args */
	size_t sha_at;           /* and in wire, after batch_finish */
	bool edit;               /* an edit_lua call */
	bool probe;              /* an INFO persistence of the AOF probe (below), no posts */
	uint64_t ack_no;         /* in->acks when it was acknowledged (kept batches) */
	size_t n_posts;
	struct batch_post *post; /* n_posts of them */
	size_t cap_post;
	int64_t acked_ns;        /* clock_mono_ns when its reply was read (kept batches) */
	bool replay;             /* acknowledged before, sent again after a reconnect */
	struct batch_story *st;  /* stories touched, in order of first touch */
	size_t n_st, cap_st;
};

/* A FIFO of batches: a ring of pointers. */
struct bq {
	struct batch **v;
	size_t head, n, cap;     /* cap a power of two (or 0) */
};

static void bq_push(struct bq *q, struct batch *b)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct batch **v = rp_calloc(cap, sizeof *v);
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) & (q->cap - 1)];
		rp_free(q->v);
		q->v = v;
		q->head = 0;
		q->cap = cap;
	}
	q->v[(q->head + q->n) & (q->cap - 1)] = b;
	q->n++;
}

static struct batch *bq_at(const struct bq *q, size_t i)
{
	return q->v[(q->head + i) & (q->cap - 1)];
}

static struct batch *bq_pop(struct bq *q)
{
	struct batch *b = q->v[q->head];
	q->head = (q->head + 1) & (q->cap - 1);
	q->n--;
	return b;
}

struct ingest {
	struct redis *r;
	struct ingest_opts o;
	char *prefix;          /* P */
	char *posts_key;       /* P posts */
	char *stream_key;      /* P x */
	char sha[41];          /* ingest_lua's */
	char edit_sha[41];     /* edit_lua's */
	struct batch *edit;    /* edits waiting to be sent (ingest_lua's code 5); NULL: none */
	struct batch *retry;   /* new posts to send again with a SET each (code 6); NULL: none */
	size_t wire_hint, args_hint; /* the largest wire and args of a batch so far */
	struct bq fl;          /* in flight, oldest first (replays first after a reconnect) */
	struct bq kept;        /* acknowledged in the last keep_ms, for a replay; oldest first */
	size_t kept_bytes;     /* RESP bytes of the kept batches */
	uint64_t acks;         /* ingest and edit batches acknowledged so far */
	unsigned since_probe;  /* ingest batches sent since the last AOF probe */
	size_t probes_fl;      /* probes in flight (in fl) */
	/* AOF probes answered with data not yet written: the batches
	 * acknowledged before (acks) are on disk once the AOF has grown to
	 * need bytes. Oldest first; a full ring forgets the oldest (its
	 * batches then wait for a later mark or keep_ms). */
	struct aof_mark { uint64_t acks; long long need; } marks[8];
	size_t n_marks;
	struct batch **spare;  /* batches to reuse */
	size_t n_spare;
	struct batch *cur;     /* being filled; NULL when none */
	struct idmap ids;      /* hash64_str(id) -> PID value, of every post this ingest sent or restored */
	struct buf jth, jse;   /* scratch: th and se of the post being added */
	struct buf meta;       /* scratch: its packed v (store/postmeta.h) */
	struct buf scratch;    /* scratch: what its content hash is taken of */
	struct ingest_stats st;
	char errstr[512];
	bool oom_noted;
};

#define INGEST_SPARE_MAX(in) ((in)->o.window + 2)

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

/* SCRIPT LOAD text into sha[41]. */
static rp_err load_one(struct ingest *in, const char *text, size_t len, char sha[41])
{
	redisReply *rep;
	const char *argv[] = { "SCRIPT", "LOAD", text };
	size_t lens[] = { 6, 4, len };
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
	memcpy(sha, rep->str, 40);
	sha[40] = '\0';
	freeReplyObject(rep);
	return RP_OK;
}

static rp_err load_script(struct ingest *in)
{
	rp_err e = load_one(in, ingest_lua, sizeof ingest_lua - 1, in->sha);
	return e ? e : load_one(in, edit_lua, sizeof edit_lua - 1, in->edit_sha);
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

/* ---- RESP, written in place ----------------------------------------- */

/* Decimal digits of v into end-backwards; returns the start. */
static char *udec(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static char *sdec(char *end, int64_t v)
{
	char *s = udec(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--s = '-';
	return s;
}

/* One RESP bulk string, p[0..n), appended to o. */
static void resp_put(struct buf *o, const void *p, size_t n)
{
	buf_reserve(o, n + 32);
	char *w = o->data + o->len;
	char num[24];
	char *s = udec(num + sizeof num, n);
	size_t k = (size_t)(num + sizeof num - s);
	*w++ = '$';
	memcpy(w, s, k);
	w += k;
	*w++ = '\r';
	*w++ = '\n';
	if (n)
		memcpy(w, p, n);
	w += n;
	*w++ = '\r';
	*w++ = '\n';
	o->len = (size_t)(w - o->data);
	o->data[o->len] = '\0';
}

/* An argument of b's script call. */
static void resp_arg(struct batch *b, const void *p, size_t n)
{
	resp_put(&b->args, p, n);
	b->nargs++;
}

static void resp_args(struct batch *b, const char *s)
{
	resp_arg(b, s ? s : "", s ? strlen(s) : 0);
}

/* Not snprintf("%lld"): about 1,000 instructions an argument. */
static void resp_argi(struct batch *b, int64_t v)
{
	char num[24];
	char *s = sdec(num + sizeof num, v);
	resp_arg(b, s, (size_t)(num + sizeof num - s));
}

#define RESP_MULTI "*1\r\n$5\r\nMULTI\r\n"
#define RESP_MSETNX "\r\n$6\r\nMSETNX\r\n"   /* after "*" and the count */
/* MULTI, then "*" and at most 20 digits, then RESP_MSETNX. */
#define BATCH_GAP (sizeof RESP_MULTI - 1 + 1 + 20 + sizeof RESP_MSETNX - 1)
#define RESP_EXEC  "*1\r\n$4\r\nEXEC\r\n"

/* b empty: no bytes, no posts, no stories, no flags. */
static void batch_reset(struct batch *b)
{
	buf_reset(&b->wire);
	buf_reset(&b->args);
	b->nargs = 0;
	b->head = b->n_recs = 0;
	buf_reset(&b->sets);
	b->edit = b->probe = b->replay = false;
	b->n_posts = 0;
	for (size_t i = 0; i < b->n_st; i++)
		rp_free(b->st[i].name);
	b->n_st = 0;
}

/* Start b as an ingest batch, or (edit) an edit batch. */
static void batch_start(struct ingest *in, struct batch *b, bool edit)
{
	batch_reset(b);
	b->edit = edit;
	if (!edit) {
		/* Room for a batch as large as the largest so far: growing from
		 * small, by doubling, copied and touched each batch about twice
		 * its size (perf: a tenth of the importer's cycles in realloc). */
		buf_reserve(&b->wire, in->wire_hint);
		buf_reserve(&b->args, in->args_hint);
		static const char gap[BATCH_GAP];
		buf_add(&b->wire, gap, BATCH_GAP);
	}
	resp_args(b, "EVALSHA");
	b->sha_in_args = b->args.len + 5;   /* after "$40\r\n" */
	resp_arg(b, edit ? in->edit_sha : in->sha, 40);
	resp_args(b, "1");
	if (edit) {
		resp_args(b, in->stream_key);
		resp_args(b, in->prefix);
		resp_argi(b, STORE_STREAM_MAXLEN);
	} else {
		resp_args(b, in->posts_key);
		resp_args(b, in->prefix);
		resp_argi(b, STORE_STREAM_MAXLEN);
		resp_argi(b, (int64_t)STORE_SCORE_HALF_LIFE_S);
	}
}

/* Room for one more post in b; returns it, seq and pid set. */
static struct batch_post *batch_post_new(struct batch *b, uint64_t seq, const char *pid)
{
	if (b->n_posts == b->cap_post)
		b->post = rp_grow(b->post, sizeof *b->post, b->n_posts + 1, &b->cap_post);
	struct batch_post *bp = &b->post[b->n_posts++];
	bp->seq = seq;
	memcpy(bp->pid, pid, STORE_PID_HEX_BUF);
	bp->in_recs = false;
	bp->rec_at = bp->rec_len = bp->args_at = bp->args_len = bp->st = 0;
	return bp;
}

static struct batch_story *batch_story_for(struct batch *b, const char *sid)
{
	for (size_t i = b->n_st; i-- > 0;)
		if (memcmp(b->st[i].sid, sid, STORE_PID_HEX) == 0)
			return &b->st[i];
	if (b->n_st == b->cap_st)
		b->st = rp_grow(b->st, sizeof *b->st, b->n_st + 1, &b->cap_st);
	struct batch_story *s = &b->st[b->n_st++];
	memset(s, 0, sizeof *s);
	memcpy(s->sid, sid, STORE_PID_HEX_BUF);
	return s;
}

/* Post bp's record into b: into the MSETNX (written in wire, whose
 * header batch_finish puts in front), or as a SET NX of its own (sets,
 * which go after it). */
static void put_record(struct ingest *in, struct batch *b, struct batch_post *bp,
                       const char *pid, const char *rec, size_t rec_len, bool in_recs)
{
	struct buf *k = &in->scratch;
	buf_reset(k);
	buf_adds(k, in->prefix);
	buf_adds(k, STORE_K_POST);
	buf_add(k, pid, STORE_PID_HEX);
	struct buf *o = in_recs ? &b->wire : &b->sets;
	if (!in_recs) {
		static const char set_head[] = "*4\r\n$3\r\nSET\r\n";
		buf_add(o, set_head, sizeof set_head - 1);
	}
	resp_put(o, k->data, k->len);                  /* P p:PID */
	resp_put(o, rec, rec_len);                     /* the record */
	bp->rec_at = o->len - 2 - rec_len;
	bp->rec_len = rec_len;
	bp->in_recs = in_recs;
	if (in_recs)
		b->n_recs++;
	else
		resp_put(o, "NX", 2);
}

/* The story section and the count (an ingest batch), then the script
 * call and EXEC into wire. args is freed: a batch kept for a replay
 * needs only wire. */
static void batch_finish(struct ingest *in, struct batch *b)
{
	if (!b->edit) {
		for (size_t i = 0; i < b->n_st; i++) {
			const struct batch_story *s = &b->st[i];
			resp_arg(b, s->sid, STORE_PID_HEX);
			resp_args(b, s->name);
			resp_argi(b, s->n);
			resp_argi(b, s->nd);
			resp_argi(b, s->na);
			resp_argi(b, s->nr);
			resp_argi(b, s->first);
			resp_argi(b, s->last);
			resp_arg(b, s->rep, STORE_PID_HEX);
		}
		resp_argi(b, (int64_t)b->n_st);
	}
	char num[24];
	char *s;
	if (!b->edit) {
		/* MULTI and the MSETNX's header, ending where the records begin */
		char hd[BATCH_GAP];
		size_t k = 0;
		memcpy(hd, RESP_MULTI, sizeof RESP_MULTI - 1);
		k += sizeof RESP_MULTI - 1;
		if (b->n_recs) {
			s = udec(num + sizeof num, 2 * b->n_recs + 1);
			hd[k++] = '*';
			memcpy(hd + k, s, (size_t)(num + sizeof num - s));
			k += (size_t)(num + sizeof num - s);
			memcpy(hd + k, RESP_MSETNX, sizeof RESP_MSETNX - 1);
			k += sizeof RESP_MSETNX - 1;
		}
		b->head = BATCH_GAP - k;
		memcpy(b->wire.data + b->head, hd, k);
	}
	if (b->sets.len) {
		size_t base = b->wire.len;
		buf_add(&b->wire, b->sets.data, b->sets.len);
		for (size_t i = 0; i < b->n_posts; i++)
			if (!b->post[i].in_recs)
				b->post[i].rec_at += base;
	}
	s = udec(num + sizeof num, b->nargs);
	buf_addc(&b->wire, '*');
	buf_add(&b->wire, s, (size_t)(num + sizeof num - s));
	buf_add(&b->wire, "\r\n", 2);
	b->sha_at = b->wire.len + b->sha_in_args;
	b->args_at = b->wire.len;
	buf_add(&b->wire, b->args.data, b->args.len);
	if (!b->edit) {
		buf_add(&b->wire, RESP_EXEC, sizeof RESP_EXEC - 1);
		if (b->wire.len > in->wire_hint)
			in->wire_hint = b->wire.len;
		if (b->args.len > in->args_hint)
			in->args_hint = b->args.len;
	}
	buf_done(&b->args);
	buf_done(&b->sets);
}

/* The commands in an ingest batch's MULTI: the MSETNX when there is
 * one, a SET for each post not in it, the script. */
static size_t batch_queued(const struct batch *b)
{
	return b->n_posts - b->n_recs + (b->n_recs ? 1 : 0) + 1;
}

/* The replies a batch gets: +OK for MULTI, +QUEUED for each command
 * queued, EXEC's array; an edit batch, the script's. */
static size_t batch_replies(const struct batch *b)
{
	return b->edit || b->probe ? 1 : batch_queued(b) + 2;
}

static struct batch *batch_new(struct ingest *in)
{
	if (in->n_spare)
		return in->spare[--in->n_spare];
	struct batch *b = rp_calloc(1, sizeof *b);
	buf_init(&b->wire);
	buf_init(&b->args);
	buf_init(&b->sets);
	return b;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_st; i++)
		rp_free(b->st[i].name);
	rp_free(b->st);
	rp_free(b->post);
	buf_done(&b->wire);
	buf_done(&b->args);
	buf_done(&b->sets);
	rp_free(b);
}

static void batch_release(struct ingest *in, struct batch *b)
{
	if (in->n_spare < INGEST_SPARE_MAX(in))
		in->spare[in->n_spare++] = b;
	else
		batch_free(b);
}

static size_t batch_bytes(const struct batch *b)
{
	return b->wire.len - b->head;
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
	if (in->o.keep_ms == 0)
		in->o.keep_ms = INGEST_KEEP_MS_DEFAULT;
	struct buf b;
	buf_init(&b);
	store_prefix(&b, event);
	in->prefix = buf_detach(&b);
	buf_printf(&b, "%s" STORE_K_POSTS, in->prefix);
	in->posts_key = buf_detach(&b);
	buf_printf(&b, "%s" STORE_K_STREAM, in->prefix);
	in->stream_key = buf_detach(&b);
	in->spare = rp_calloc(INGEST_SPARE_MAX(in), sizeof *in->spare);
	buf_init(&in->jth);
	buf_init(&in->meta);
	buf_init(&in->jse);
	buf_init(&in->scratch);
	if (load_script(in) != RP_OK) {
		buf_adds(err, in->errstr);
		ingest_close(in);
		return RP_ERR_REDIS;
	}
	rp_err e = store_layout_check(r, in->prefix, true, err);
	if (e) {
		ingest_close(in);
		return e;
	}
	*ret = in;
	return RP_OK;
}

void ingest_close(struct ingest *in)
{
	if (!in)
		return;
	while (in->fl.n)
		batch_free(bq_pop(&in->fl));
	while (in->kept.n)
		batch_free(bq_pop(&in->kept));
	rp_free(in->fl.v);
	rp_free(in->kept.v);
	for (size_t i = 0; i < in->n_spare; i++)
		batch_free(in->spare[i]);
	rp_free(in->spare);
	batch_free(in->cur);
	batch_free(in->edit);
	batch_free(in->retry);
	buf_done(&in->jth);
	buf_done(&in->meta);
	buf_done(&in->jse);
	buf_done(&in->scratch);
	idmap_done(&in->ids);
	rp_free(in->prefix);
	rp_free(in->posts_key);
	rp_free(in->stream_key);
	rp_free(in);
}

static rp_err send_batch(struct ingest *in, struct batch *b)
{
	/* The sha is the SHA1 of the text, the same on every server; keep
	 * the bytes honest all the same. */
	if (!b->probe)
		memcpy(b->wire.data + b->sha_at, b->edit ? in->edit_sha : in->sha, 40);
	return redis_append_formatted(in->r, b->wire.data + b->head, batch_bytes(b));
}

/* Send every batch in flight, oldest first. */
static rp_err send_flight(struct ingest *in)
{
	for (size_t i = 0; i < in->fl.n; i++)
		if (send_batch(in, bq_at(&in->fl, i)) != RP_OK)
			return RP_ERR_REDIS;
	return RP_OK;
}

/* Forget every kept batch: Redis has written them (ingest_settle). */
static void drop_kept(struct ingest *in)
{
	while (in->kept.n)
		batch_release(in, bq_pop(&in->kept));
	in->kept_bytes = 0;
}

/* Forget kept batches older than keep_ms, and the oldest beyond
 * INGEST_KEEP_MAX_BYTES. */
static void prune_kept(struct ingest *in, int64_t now)
{
	int64_t keep_ns = in->o.keep_ms > 0 ? in->o.keep_ms * 1000000 : -1;
	while (in->kept.n) {
		struct batch *b = bq_at(&in->kept, 0);
		if (keep_ns >= 0 && now - b->acked_ns <= keep_ns &&
		    in->kept_bytes <= INGEST_KEEP_MAX_BYTES)
			break;
		bq_pop(&in->kept);
		in->kept_bytes -= batch_bytes(b);
		batch_release(in, b);
	}
}

/* Forget the kept batches acknowledged as the acks-th batch or before. */
static void drop_kept_upto(struct ingest *in, uint64_t acks)
{
	while (in->kept.n && bq_at(&in->kept, 0)->ack_no <= acks) {
		struct batch *b = bq_pop(&in->kept);
		in->kept_bytes -= batch_bytes(b);
		batch_release(in, b);
	}
}

/* ---- the AOF probe ----------------------------------------------------
 * Kept batches (ingest.h) cover the time Redis may take to write what it
 * acknowledged; held the whole keep_ms, they were most of what an import
 * allocates, every byte fresh memory (bench/ingest, 100k posts: importer
 * task-clock 1,850 ms with them, 1,460 without; page faults 22k, 5k). So
 * every INGEST_PROBE_EVERY batches an INFO persistence goes down the
 * pipeline, and its answer tells which kept batches are on disk: every
 * command Redis ran before it is within the first aof_current_size +
 * aof_buffer_length bytes of the AOF (written, plus in the buffer), so
 * the batches acknowledged before its reply are written once
 * aof_current_size has reached that sum (at once when the buffer was
 * empty). A later probe shows when. Without AOF (aof_enabled:0), or when
 * a rewrite has made the file smaller, nothing is dropped early:
 * keep_ms decides, as before. */
#define INGEST_PROBE_EVERY 4

/* What an INFO persistence reply says of the AOF; -1 for a field it
 * does not have (all -1 when rep is not one: INFO renamed, ACL). */
struct aof_info {
	long long enabled, size, pending;   /* aof_enabled, aof_current_size, aof_buffer_length */
};

static long long info_field(const char *txt, const char *name)
{
	const char *p = strstr(txt, name);
	return p ? atoll(p + strlen(name)) : -1;
}

static struct aof_info aof_info(const redisReply *rep)
{
	struct aof_info a = { -1, -1, -1 };
	if (rep && rep->type == REDIS_REPLY_STRING) {
		a.enabled = info_field(rep->str, "aof_enabled:");
		a.size = info_field(rep->str, "aof_current_size:");
		a.pending = info_field(rep->str, "aof_buffer_length:");
	}
	return a;
}

/* Probe b, taken off the flight, was answered rep: let go of what it
 * shows written, and of b. */
static void on_probe(struct ingest *in, struct batch *b, const redisReply *rep)
{
	in->probes_fl--;
	batch_release(in, b);
	struct aof_info a = aof_info(rep);
	if (a.enabled != 1 || a.size < 0 || a.pending < 0)
		return;   /* no AOF, or INFO refused: keep_ms decides */
	long long size = a.size, pending = a.pending;
	while (in->n_marks && in->marks[0].need <= size) {
		drop_kept_upto(in, in->marks[0].acks);
		memmove(in->marks, in->marks + 1, --in->n_marks * sizeof in->marks[0]);
	}
	if (pending == 0) {
		drop_kept_upto(in, in->acks);
		in->n_marks = 0;
		return;
	}
	if (in->n_marks == sizeof in->marks / sizeof in->marks[0])
		memmove(in->marks, in->marks + 1, --in->n_marks * sizeof in->marks[0]);
	in->marks[in->n_marks].acks = in->acks;
	in->marks[in->n_marks].need = size + pending;
	in->n_marks++;
}

/* After a connection loss: restart the managed server if it died,
 * reconnect with backoff, load the script, then send again, in order,
 * the batches acknowledged in the last keep_ms (a server killed before
 * its AOF write lost them: ingest.h) and every batch in flight. */
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
		/* AOF marks were of the old connection's server. */
		in->n_marks = 0;
		/* The kept batches go first in the flight, as replays: the
		 * flight is appended to them and they become the flight. */
		size_t replays = in->kept.n;
		if (replays) {
			for (size_t i = 0; i < replays; i++)
				bq_at(&in->kept, i)->replay = true;
			while (in->fl.n)
				bq_push(&in->kept, bq_pop(&in->fl));
			struct bq t = in->fl;
			in->fl = in->kept;
			in->kept = t;
			in->kept_bytes = 0;
		}
		if (send_flight(in) != RP_OK)
			continue;
		in->st.reconnects++;
		in->st.resent += in->fl.n - replays;
		in->st.replayed += replays;
		note(in, "reconnected after %lld ms; %zu batches sent again, %zu acknowledged ones replayed",
		     (long long)((clock_mono_ns() - start) / 1000000), in->fl.n - replays, replays);
		return RP_OK;
	}
}

/* Post i of ingest batch b came back with code 5 (its content changed):
 * queue its record for edit_lua. */
static void edit_add(struct ingest *in, const struct batch *b, size_t i)
{
	if (!in->edit) {
		in->edit = batch_new(in);
		batch_start(in, in->edit, true);
	}
	const struct batch_post *bp = &b->post[i];
	batch_post_new(in->edit, bp->seq, bp->pid);
	resp_arg(in->edit, bp->pid, STORE_PID_HEX);
	resp_arg(in->edit, b->wire.data + bp->rec_at, bp->rec_len);
}

/* Post i of b, new but without its record in Redis (ingest_lua's code
 * 6: its batch's MSETNX wrote nothing), into the batch that sends such
 * posts again, with a SET NX of its own, the same script arguments and
 * its story's summary as b had it. The script leaves a summary older
 * than the stored one as it is, so one sent after newer batches ran
 * does not take the story back. */
static void retry_add(struct ingest *in, const struct batch *b, size_t i)
{
	if (!in->retry) {
		in->retry = batch_new(in);
		batch_start(in, in->retry, false);
	}
	struct batch *r = in->retry;
	const struct batch_post *bp = &b->post[i];
	struct batch_post *np = batch_post_new(r, bp->seq, bp->pid);
	put_record(in, r, np, bp->pid, b->wire.data + bp->rec_at, bp->rec_len, false);
	np->args_at = r->args.len;
	buf_add(&r->args, b->wire.data + b->args_at + bp->args_at, bp->args_len);
	np->args_len = bp->args_len;
	r->nargs += INGEST_POST_ARGS;
	const struct batch_story *os = &b->st[bp->st];
	struct batch_story *ns = batch_story_for(r, os->sid);
	np->st = (size_t)(ns - r->st);
	if (!ns->name) {
		char *name = ns->name = rp_strdup(os->name);
		*ns = *os;
		ns->name = name;
	}
	in->st.retried++;
}

/* b's script reply rep (an array) was read: count and report its posts
 * (not for a replay: they were the first time; nor a post to edit: it
 * is when its edit is), then keep b for a replay. */
static void ack(struct ingest *in, struct batch *b, const redisReply *rep)
{
	if (!b->replay) {
		for (size_t i = 0; i < b->n_posts; i++) {
			const redisReply *x = i < rep->elements ? rep->element[i] : NULL;
			long long v = x && x->type == REDIS_REPLY_INTEGER ? x->integer : -1;
			if (v == 5 && !b->edit) {
				edit_add(in, b, i);
				continue;
			}
			if (v == 6 && !b->edit) {
				retry_add(in, b, i);
				continue;
			}
			if (v >= 0 && v < INGEST_N_RESULTS) {
				in->st.result[v]++;
				if (in->o.acked)
					in->o.acked(in->o.acked_ctx, b->post[i].seq, (enum ingest_result)v);
			}
			in->st.acked++;
		}
		in->st.batches++;
	}
	b->replay = false;
	in->acks++;
	int64_t now = clock_mono_ns();
	if (in->o.keep_ms > 0) {
		b->acked_ns = now;
		b->ack_no = in->acks;
		bq_push(&in->kept, b);
		in->kept_bytes += batch_bytes(b);
	} else {
		batch_release(in, b);
	}
	prune_kept(in, now);
}

/* Read the replies of batch b. *top is what to free, *res the script's
 * reply (an array) or the error that stopped the batch: for an ingest
 * batch, the first error among its queued commands (an -OOM, -LOADING
 * or -BUSY refuses them one by one, and EXEC then says EXECABORT), else
 * EXEC's (EXECABORT because of OOM when memory ran out at EXEC), else
 * the script's element in EXEC's array (NOSCRIPT: the SETs then ran,
 * and the batch sent again finds the records there and indexes them).
 * RP_ERR_REDIS when the connection failed (nothing to free). */
static rp_err batch_reply(struct ingest *in, const struct batch *b, redisReply **top,
                          const redisReply **res)
{
	size_t n = batch_replies(b);
	redisReply *err = NULL, *rep = NULL;
	for (size_t i = 0; i < n; i++) {
		if (redis_get_reply(in->r, &rep) != RP_OK) {
			if (err)
				freeReplyObject(err);
			return RP_ERR_REDIS;
		}
		if (i + 1 == n)
			break;
		if (rep->type == REDIS_REPLY_ERROR && !err)
			err = rep;
		else
			freeReplyObject(rep);
	}
	if (err) {
		freeReplyObject(rep);
		*top = err;
		*res = err;
	} else if (!b->edit && rep->type == REDIS_REPLY_ARRAY && rep->elements == batch_queued(b)) {
		*top = rep;
		*res = rep->element[rep->elements - 1];
	} else {
		*top = rep;
		*res = rep;
	}
	return RP_OK;
}

/* The edit batch and the batch of posts sent again (code 6) that ack
 * queued, finished and put at the end of the flight (not sent); returns
 * how many. */
static size_t queue_edits(struct ingest *in)
{
	size_t n = 0;
	struct batch **w[] = { &in->edit, &in->retry };
	for (size_t i = 0; i < 2; i++) {
		struct batch *b = *w[i];
		if (b) {
			*w[i] = NULL;
			batch_finish(in, b);
			bq_push(&in->fl, b);
			n++;
		}
	}
	return n;
}

/* Send what queue_edits put in flight. */
static rp_err push_edits(struct ingest *in)
{
	size_t n = queue_edits(in);
	for (size_t i = in->fl.n - n; i < in->fl.n; i++)
		if (send_batch(in, bq_at(&in->fl, i)) != RP_OK)
			return recover(in);   /* sends every batch in flight, these included */
	return RP_OK;
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
		redisReply *top;
		const redisReply *rep;
		struct batch *b = bq_at(&in->fl, 0);
		if (batch_reply(in, b, &top, &rep) != RP_OK) {
			rp_err e = recover(in);
			if (e)
				return e;
			continue;
		}
		if (b->probe) {
			on_probe(in, bq_pop(&in->fl), rep);
			freeReplyObject(top);
			return RP_OK;
		}
		if (rep->type == REDIS_REPLY_ARRAY) {
			bq_pop(&in->fl);
			ack(in, b, rep);
			freeReplyObject(top);
			if (in->oom_noted) {
				in->oom_noted = false;
				note(in, "memory available again; ingest resumed");
			}
			return push_edits(in);
		}
		/* An error reply for b. */
		bool oom = redis_reply_is_oom(rep), noscript = redis_reply_is_noscript(rep);
		bool waitable = oom || noscript || redis_reply_is_loading(rep) || redis_reply_is_busy(rep);
		char text[256];
		if (rep->type == REDIS_REPLY_ERROR)
			snprintf(text, sizeof text, "%.*s", (int)rep->len, rep->str);
		else
			snprintf(text, sizeof text, "unexpected reply type %d", rep->type);
		freeReplyObject(top);
		if (!waitable) {
			set_err(in, "ingest script: %s", text);
			/* Drain the rest so the connection stays in step. */
			for (size_t i = 1; i < in->fl.n; i++)
				if (batch_reply(in, bq_at(&in->fl, i), &top, &rep) == RP_OK)
					freeReplyObject(top);
			while (in->fl.n)
				batch_release(in, bq_pop(&in->fl));
			in->probes_fl = 0;
			return RP_ERR_REDIS;
		}
		/* Read the others in flight; keep only the failed ones, in order
		 * (each is taken off the front and put back at the end). */
		size_t n_fl = in->fl.n;
		bq_push(&in->fl, bq_pop(&in->fl));
		bool lost = false;
		for (size_t i = 1; i < n_fl; i++) {
			struct batch *o = bq_pop(&in->fl);
			/* After a lost connection, everything is unacknowledged. */
			lost = lost || batch_reply(in, o, &top, &rep) != RP_OK;
			if (lost) {
				bq_push(&in->fl, o);
				continue;
			}
			if (o->probe)
				on_probe(in, o, rep);
			else if (rep->type == REDIS_REPLY_ARRAY)
				ack(in, o, rep);
			else
				bq_push(&in->fl, o);
			freeReplyObject(top);
		}
		/* Edits the acked ones asked for go with the batches sent again. */
		(void)queue_edits(in);
		if (lost) {
			rp_err e = recover(in);
			if (e)
				return e;
			goto again;
		}
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
			clock_sleep_ms(wait);
			wait = wait * 2 > 500 ? 500 : wait * 2;
		}
		if (send_flight(in) != RP_OK) {
			rp_err e = recover(in);   /* counts its own resends */
			if (e)
				return e;
		} else {
			in->st.resent += in->fl.n;
		}
again:
		if (in->fl.n == 0)
			return RP_OK;
	}
}

static rp_err push_cur(struct ingest *in)
{
	struct batch *b = in->cur;
	if (!b || b->n_posts == 0)
		return RP_OK;
	in->cur = NULL;
	batch_finish(in, b);
	bq_push(&in->fl, b);
	bool sent = send_batch(in, b) == RP_OK;
	if (sent && in->o.keep_ms > 0 && ++in->since_probe >= INGEST_PROBE_EVERY) {
		in->since_probe = 0;
		struct batch *pb = batch_new(in);
		batch_reset(pb);
		static const char info[] = "*2\r\n$4\r\nINFO\r\n$11\r\npersistence\r\n";
		buf_add(&pb->wire, info, sizeof info - 1);
		pb->probe = true;
		bq_push(&in->fl, pb);
		in->probes_fl++;
		sent = send_batch(in, pb) == RP_OK;
	}
	if (!sent) {
		rp_err e = recover(in);   /* sends every batch in flight, b included */
		if (e)
			return e;
	}
	/* probes take no place in the window: their replies come at once */
	while (in->fl.n - in->probes_fl >= in->o.window) {
		rp_err e = read_one(in);
		if (e)
			return e;
	}
	return RP_OK;
}

static void hex16(uint64_t v, char out[STORE_PID_HEX_BUF])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = STORE_PID_HEX - 1; i >= 0; i--) {
		out[i] = hx[v & 15];
		v >>= 4;
	}
	out[STORE_PID_HEX] = '\0';
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

/* The ids of sv joined with commas into b. */
static void join_ids(struct buf *b, const struct strv *sv)
{
	buf_reset(b);
	for (size_t i = 0; i < sv->n; i++) {
		if (strchr(sv->v[i], ','))
			continue;   /* ontology ids never carry one; refuse to split */
		if (b->len)
			buf_addc(b, ',');
		buf_adds(b, sv->v[i]);
	}
}

/* The P k field of a dedupe key (keys.h): kind, then the first 64 bits
 * of key_hex in 13 base-32 digits; "" when there is no key. */
static size_t claim_field(char kind, const char *key_hex, char out[STORE_CLAIM_FIELD_BUF])
{
	if (!key_hex[0]) {
		out[0] = '\0';
		return 0;
	}
	static const char b32[] = STORE_CLAIM_DIGITS;
	uint64_t v = pid_value(key_hex);
	out[0] = kind;
	for (int i = STORE_CLAIM_FIELD_LEN - 1; i >= 1; i--) {
		out[i] = b32[v & 31];
		v >>= 5;
	}
	out[STORE_CLAIM_FIELD_LEN] = '\0';
	return STORE_CLAIM_FIELD_LEN;
}

rp_err ingest_add(struct ingest *in, const struct post *p, const struct cluster_assign *as,
                  const struct cluster_story *story)
{
	if (!p->id) {
		set_err(in, "a post without an id");
		return RP_ERR_INPUT;
	}
	if (!in->cur) {
		in->cur = batch_new(in);
		batch_start(in, in->cur, false);
	}
	struct batch *b = in->cur;
	char pid[STORE_PID_HEX_BUF], d[STORE_PID_HEX_BUF], s[STORE_PID_HEX_BUF];
	ingest_pid(as->keys.identity, pid);
	uint64_t pv = pid_value(pid);
	/* New to this ingest: its record goes in the batch's MSETNX
	 * (put_record). Keyed by id, not by PID: an id met again from another
	 * source (another PID) only goes by SET NX, which is always safe. */
	bool first = idmap_put(&in->ids, hash64_str(p->id), pv);
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
	struct buf *hb = &in->scratch;
	buf_reset(hb);
	buf_adds(hb, p->title ? p->title : "");
	buf_addc(hb, '\x1f');
	buf_adds(hb, p->text ? p->text : "");
	buf_addc(hb, '\x1f');
	buf_adds(hb, p->url ? p->url : "");
	char hh[STORE_PID_HEX_BUF];
	hex16(hash64(hb->data, hb->len), hh);

	char ku[STORE_CLAIM_FIELD_BUF], kt[STORE_CLAIM_FIELD_BUF];
	size_t kul = claim_field(STORE_CLAIM_URL, as->keys.url, ku);
	size_t ktl = claim_field(STORE_CLAIM_TEXT, as->keys.text, kt);
	char ts[24], up[24];
	ts[sizeof ts - 1] = up[sizeof up - 1] = '\0';   /* strings: values of the record */
	char *tse = sdec(ts + sizeof ts - 1, t);
	char *upe = p->updated ? sdec(up + sizeof up - 1, p->updated) : NULL;

	/* The post's record (store/postmeta.h), written by the batch's
	 * MSETNX or a SET NX (put_record). An exact copy (repost, same text) keeps no second
	 * text. */
	join_ids(&in->jth, &p->themes);
	join_ids(&in->jse, &p->sessions);
	const char *text = how != 1 && how != 3 ? p->text : NULL;
	char hws[2] = { (char)('0' + how), '\0' };
	const char *mv[POST_META_N] = {
		[POST_META_HASH] = hh,          [POST_META_D] = d,
		[POST_META_S] = s,              [POST_META_T] = tse,
		[POST_META_M] = how ? hws : NULL,
		[POST_META_ID] = p->id,         [POST_META_SOURCE] = p->source,
		[POST_META_URL] = p->url,       [POST_META_AUTHOR] = p->author,
		[POST_META_LANG] = p->lang,     [POST_META_UPDATED] = upe,
		[POST_META_TITLE] = p->title,   [POST_META_TEXT] = text,
		[POST_META_THEMES] = in->jth.data,
		[POST_META_SESSIONS] = in->jse.data,
	};
	buf_reset(&in->meta);
	post_meta_pack(&in->meta, mv);
	struct batch_post *bp = batch_post_new(b, in->st.queued, pid);
	put_record(in, b, bp, pid, in->meta.data, in->meta.len, first);

	bp->args_at = b->args.len;
	resp_arg(b, pid, STORE_PID_HEX);                              /* pid */
	resp_arg(b, as->keys.original, strnlen(as->keys.original, STORE_PID_HEX)); /* orig */
	resp_arg(b, ku, kul);                                         /* ku */
	resp_arg(b, kt, ktl);                                         /* kt */
	resp_arg(b, d, STORE_PID_HEX);                                /* d */
	resp_arg(b, s, STORE_PID_HEX);                                /* s */
	resp_arg(b, tse, (size_t)(ts + sizeof ts - 1 - tse));         /* t */
	resp_arg(b, in->jth.data, in->jth.len);                       /* th */
	resp_arg(b, in->jse.data, in->jse.len);                       /* se */
	resp_arg(b, hh, STORE_PID_HEX);                               /* hash */
	bp->args_len = b->args.len - bp->args_at;

	/* The story summary: the engine's, else this post alone; the latest
	 * one of each story goes with the batch. */
	struct cluster_story one = { 0 };
	if (!story) {
		one.n_posts = one.n_dups = 1;
		one.n_authors = p->author ? 1 : 0;
		one.n_sources = p->source ? 1 : 0;
		one.first = one.last = t;
		one.representative = as->dup ? as->dup : p->id;
		story = &one;
	}
	struct batch_story *bs = batch_story_for(b, s);
	bp->st = (size_t)(bs - b->st);
	const char *sname = as->story ? as->story : p->id;
	if (!bs->name || strcmp(bs->name, sname) != 0) {
		rp_free(bs->name);
		bs->name = rp_strdup(sname);
	}
	id_pid(in, story->representative ? story->representative : p->id, bs->rep);
	bs->n = (int64_t)story->n_posts;
	bs->nd = (int64_t)story->n_dups;
	bs->na = (int64_t)story->n_authors;
	bs->nr = (int64_t)story->n_sources;
	bs->first = story->first ? story->first : t;
	bs->last = story->last ? story->last : t;
	in->st.queued++;
	if (b->n_posts >= in->o.batch)
		return push_cur(in);
	return RP_OK;
}

rp_err ingest_flush(struct ingest *in)
{
	rp_err e = push_cur(in);
	if (e)
		return e;
	while (in->fl.n > 0) {
		e = read_one(in);
		if (e)
			return e;
	}
	return RP_OK;
}

rp_err ingest_settle(struct ingest *in, int64_t timeout_ms)
{
	rp_err e = ingest_flush(in);
	if (e)
		return e;
	int64_t start = clock_mono_ns();
	for (;;) {
		redisReply *rep = NULL;
		if (redis_callv(in->r, &rep, "INFO", "persistence", (char *)NULL) != RP_OK) {
			if (redis_connected(in->r))
				return RP_OK;   /* INFO refused (renamed, ACL): nothing to wait on */
			/* Lost: reconnect, replay what is kept, and look again. */
			e = recover(in);
			if (!e)
				e = ingest_flush(in);
			if (e)
				return e;
			continue;
		}
		struct aof_info a = aof_info(rep);
		freeReplyObject(rep);
		long long pending = a.pending > 0 ? a.pending : 0;
		if (a.enabled != 1 || pending == 0) {
			/* In the AOF file (or no AOF to wait for): a replay can
			 * bring nothing back any more. */
			drop_kept(in);
			return RP_OK;
		}
		if ((clock_mono_ns() - start) / 1000000 >= timeout_ms) {
			note(in, "Redis has not written its AOF after %lld ms (%lld bytes pending); "
			     "the last posts may not survive a crash of redis-server",
			     (long long)timeout_ms, pending);
			return RP_OK;
		}
		clock_sleep_ms(10);
	}
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
		/* Round 1: the posts' records, one MGET. */
		redisReply *posts = NULL;
		struct post_meta *pm = rp_calloc(m ? m : 1, sizeof *pm);
		if (m) {
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "MGET");
			for (size_t i = 0; i < m; i++) {
				buf_reset(&k);
				buf_printf(&k, "%s" STORE_K_POST "%s", in->prefix, page->element[i]->str);
				redis_cmd_add(&c, k.data, k.len);
			}
			res = redis_call(in->r, &posts, (int)c.n, redis_cmd_argv(&c), c.len);
			for (size_t i = 0; !res && posts->type == REDIS_REPLY_ARRAY &&
			                   i < m && i < posts->elements; i++)
				(void)post_meta_from_reply(posts->element[i], &pm[i]);   /* none: skipped below */
		}
		/* Round 2: the records of their dup groups' first posts and the
		 * names of their stories. */
		for (size_t i = 0; i < m && !res; i++) {
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_POST "%.*s", in->prefix, (int)pm[i].n[POST_META_D],
			           pm[i].n[POST_META_D] ? pm[i].v[POST_META_D] : "-");
			/* The group's name (its first post's id) and text: an exact
			 * copy keeps no text, the engine gets its group's. */
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "GET");
			redis_cmd_adds(&c, buf_str(&k));
			res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
			buf_reset(&k);
			buf_printf(&k, "%s" STORE_K_STORY "%.*s", in->prefix, (int)pm[i].n[POST_META_S],
			           pm[i].n[POST_META_S] ? pm[i].v[POST_META_S] : "-");
			redis_cmd_reset(&c);
			redis_cmd_adds(&c, "HGET");
			redis_cmd_adds(&c, buf_str(&k));
			redis_cmd_adds(&c, "id");
			if (!res)
				res = redis_append(in->r, (int)c.n, redis_cmd_argv(&c), c.len);
		}
		for (size_t i = 0; i < m && !res; i++) {
			redisReply *dv = NULL, *sn = NULL;
			res = redis_get_reply(in->r, &dv);
			if (!res)
				res = redis_get_reply(in->r, &sn);
			/* A hidden or deleted post stays out of the engine: otherwise
			 * the summaries it writes for later members would count it
			 * again (store/tombstone.h takes it out of its story). */
			const struct post_meta *q = &pm[i];
			struct post_meta dm;
			(void)post_meta_from_reply(dv, &dm);   /* none: the group's values stay empty */
			if (!res && q->n[POST_META_ID] && q->n[POST_META_D] && q->n[POST_META_S] &&
			    !q->n[POST_META_X]) {
				struct post p;
				post_init(&p);
				p.id = post_meta_dup(q, POST_META_ID);
				p.source = post_meta_dup(q, POST_META_SOURCE);
				p.url = post_meta_dup(q, POST_META_URL);
				p.author = post_meta_dup(q, POST_META_AUTHOR);
				p.title = post_meta_dup(q, POST_META_TITLE);
				p.text = post_meta_dup(q, POST_META_TEXT);
				if (!p.text)
					p.text = post_meta_dup(&dm, POST_META_TEXT);
				p.lang = post_meta_dup(q, POST_META_LANG);
				p.published = post_meta_int(q, POST_META_T);
				char *dup_id = post_meta_dup(&dm, POST_META_ID);
				char *story_id = dup_reply(sn);
				idmap_put(&in->ids, hash64_str(p.id), pid_value(page->element[i]->str));
				if (cluster_engine_restore(e, &p, dup_id ? dup_id : p.id,
				                           story_id ? story_id : p.id, NULL) == RP_OK)
					n++;
				rp_free(dup_id);
				rp_free(story_id);
				post_done(&p);
			}
			if (dv)
				freeReplyObject(dv);
			if (sn)
				freeReplyObject(sn);
		}
		rp_free(pm);
		if (posts)
			freeReplyObject(posts);
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
	ret->kept = in->kept.n;
}

const char *ingest_errstr(const struct ingest *in)
{
	return in->errstr;
}
