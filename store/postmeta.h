/* store/postmeta.h - a post's record: the packed string value of its key
 * P p:PID (store/keys.h).
 *
 * Every value of a post, its tombstone and its place (dup group, story,
 * time) included, is in one string. The importer writes it with a plain
 * `SET key record NX` beside the ingest script call, in one MULTI/EXEC
 * (store/ingest.c), so the record never passes through Lua: Redis parses
 * it once, stores it and logs it. The scripts that change a post (an
 * edit, a tombstone, a re-tag, an exact copy another importer stored
 * first) unpack it, change values and pack it again (POST_META_LUA).
 * Measured with callgrind of redis-server on 20k bench posts
 * (bench/ingest): a hash of thirteen fields written by the script cost
 * 198k instructions a post (32 posts a call), one packed field `v` beside
 * d, s, t, m 117k (128 posts a call); this record beside the script 104k
 * at 128 posts a call and 84k at 512, against 103k for the hash at 512:
 * Redis pays for every field and every argument that passes through Lua
 * (parsed, made a Lua string, copied back into an object, logged), about
 * the same whatever its size.
 *
 * The form: each value as its length in decimal, ':', its bytes, in the
 * order of enum post_meta_field; an absent value is "0:". Any byte may be
 * in a value. The content hash is first and the tombstone next, so a
 * re-fetch reads no further than the first few dozen bytes.
 *
 * Nothing here allocates but post_meta_pack's growth of out; a struct
 * post_meta points into the string it was unpacked from. */
#ifndef RP_STORE_POSTMETA_H
#define RP_STORE_POSTMETA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/redis.h"

enum post_meta_field {
	POST_META_HASH = 0, /* 16 hex of the content (title, text, url): an edit changes it.
	                       First: a re-fetch compares it and the tombstone only */
	POST_META_X,        /* tombstone: "deleted", "hidden" or "" (keys.h) */
	POST_META_XB,       /* who hid (or deleted) it */
	POST_META_XW,       /* why */
	POST_META_XT,       /* when: t of the tombstone call, decimal */
	POST_META_D,        /* GID: its dup group */
	POST_META_S,        /* SID: its story */
	POST_META_T,        /* published t, decimal */
	POST_META_M,        /* how d was decided, keys.h's digit; "" for a group's first post */
	POST_META_ID,       /* the id as the source gave it */
	POST_META_SOURCE,   /* source */
	POST_META_URL,      /* url */
	POST_META_AUTHOR,   /* author */
	POST_META_LANG,     /* lang */
	POST_META_UPDATED,  /* updated t, decimal; "" when none */
	POST_META_TITLE,    /* title */
	POST_META_TEXT,     /* text; absent on exact copies (keys.h) */
	POST_META_THEMES,   /* theme ids, comma-separated */
	POST_META_SESSIONS, /* session ids, comma-separated */
	POST_META_N
};

struct post_meta {
	const char *v[POST_META_N]; /* into the packed string; not NUL-terminated */
	size_t n[POST_META_N];      /* 0: absent or empty */
};

/* Append the packed form of the strings v[0..POST_META_N) (NULL or "":
 * absent) to out. */
void post_meta_pack(struct buf *out, const char *const v[POST_META_N]);

/* Split s[0..n) into *ret. false, with *ret all empty, when s is not a
 * packed form (then the post shows no such fields, rather than garbage). */
bool post_meta_unpack(const char *s, size_t n, struct post_meta *ret);
/* The same for r, a reply to a GET of P p:PID or an element of an MGET:
 * false, with *ret all empty, when r is not a string (no such post) or
 * not a packed form. */
bool post_meta_from_reply(const redisReply *r, struct post_meta *ret);

/* A copy of field f of m, or NULL when it is empty. The caller frees it
 * (rp_free). */
char *post_meta_dup(const struct post_meta *m, enum post_meta_field f);
/* Field f of m as a decimal number (t, xt, updated); 0 when it is empty
 * or not one. */
int64_t post_meta_int(const struct post_meta *m, enum post_meta_field f);

/* For Lua scripts: the field numbers (1-based, in the order above) as
 * locals PM_HASH ... PM_SE, and
 *   post_meta(v, k)      field k of packed v ("" when absent, when v is
 *                        not a packed form, or when v is nil or false);
 *   post_meta_all(v)     all fields, a table 1..PM_N of strings;
 *   post_meta_pack(t)    the packed form of table t (nil or "": absent). */
#define POST_META_LUA \
"local PM_HASH, PM_X, PM_XB, PM_XW, PM_XT, PM_D, PM_S, PM_T, PM_M, PM_ID, PM_SRC, PM_URL,\n" \
"  PM_AUTHOR, PM_LANG, PM_UP, PM_TITLE, PM_TEXT, PM_TH, PM_SE, PM_N =\n" \
"  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 19\n" \
"local function post_meta_all(v)\n" \
"  local r, pos = {}, 1\n" \
"  for q = 1, PM_N do\n" \
"    local c = v and string.find(v, ':', pos, true)\n" \
"    local n = c and tonumber(string.sub(v, pos, c - 1))\n" \
"    if not n then\n" \
"      for k = 1, PM_N do r[k] = '' end\n" \
"      return r\n" \
"    end\n" \
"    r[q] = string.sub(v, c + 1, c + n)\n" \
"    pos = c + 1 + n\n" \
"  end\n" \
"  return r\n" \
"end\n" \
"local function post_meta_pack(t)\n" \
"  local o = {}\n" \
"  for q = 1, PM_N do\n" \
"    local x = t[q] or ''\n" \
"    o[2 * q - 1] = #x .. ':'\n" \
"    o[2 * q] = x\n" \
"  end\n" \
"  return table.concat(o)\n" \
"end\n" \
"local function post_meta(v, k)\n" \
"  if not v then return '' end\n" \
"  local pos = 1\n" \
"  for q = 1, k do\n" \
"    local c = string.find(v, ':', pos, true)\n" \
"    if not c then return '' end\n" \
"    local n = tonumber(string.sub(v, pos, c - 1))\n" \
"    if not n then return '' end\n" \
"    if q == k then return string.sub(v, c + 1, c + n) end\n" \
"    pos = c + 1 + n\n" \
"  end\n" \
"  return ''\n" \
"end\n"

#endif
