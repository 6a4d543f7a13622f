/* store/postmeta.h - the packed field `v` of a post's hash (store/keys.h).
 *
 * A post's hash keeps apart only what the scripts test or index on every
 * call (d, s, t, m and the tombstone's x, xb, xw, xt) and packs the rest
 * into one field `v`: content hash, id, source, url, author, lang,
 * updated, title, text, themes, sessions. Every field of a hash costs
 * Redis about the same at each write whatever its size: arguments to
 * parse and turn into Lua strings and back, a listpack insert (a
 * realloc), an AOF entry. The rarer scripts that change one of the
 * packed values (an edit, a tombstone, a re-tag) unpack and pack again
 * (POST_META_LUA). Measured with callgrind of redis-server on 20k bench
 * posts (bench/ingest), at 32 posts a script call: 198k instructions a
 * post with thirteen fields, 172k with six of them packed, 144k with
 * all eleven (with the stream's one pair per change, keys.h P x).
 *
 * The form: each value as its length in decimal, ':', its bytes, in the
 * order of enum post_meta_field; an absent value is "0:". Any byte may be
 * in a value.
 *
 * Nothing here allocates but post_meta_pack's growth of out; a struct
 * post_meta points into the string it was unpacked from. */
#ifndef RP_STORE_POSTMETA_H
#define RP_STORE_POSTMETA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "store/redis.h"

enum post_meta_field {
	POST_META_HASH = 0, /* 16 hex of the content (title, text, url): an edit changes it.
	                       First: a re-fetch compares only it, and reads no further */
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
/* The same for r, a reply to an HGET or an element of an HMGET of v:
 * false, with *ret all empty, when r is not a string (no such post) or
 * not a packed form. */
bool post_meta_from_reply(const redisReply *r, struct post_meta *ret);

/* A copy of field f of m, or NULL when it is empty. The caller frees it
 * (rp_free). */
char *post_meta_dup(const struct post_meta *m, enum post_meta_field f);

/* For Lua scripts: the field numbers (1-based, in the order above) as
 * locals PM_ID ... PM_SE, and
 *   post_meta(v, k)      field k of packed v ("" when absent, when v is
 *                        not a packed form, or when v is nil or false);
 *   post_meta_all(v)     all fields, a table 1..PM_N of strings;
 *   post_meta_pack(t)    the packed form of table t (nil or "": absent). */
#define POST_META_LUA \
"local PM_HASH, PM_ID, PM_SRC, PM_URL, PM_AUTHOR, PM_LANG, PM_UP, PM_TITLE, PM_TEXT, PM_TH,\n" \
"  PM_SE, PM_N = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11\n" \
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
