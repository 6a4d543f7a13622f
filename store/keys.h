/* store/keys.h - THE key layout of rapporteur in Redis, and nowhere else.
 *
 * Every key of one event starts with `rap:{EVENT}:` (P below). The braces
 * are a Redis Cluster hash tag: the whole event is one hash slot, so the
 * multi-key ingest script stays atomic on a cluster while different events
 * spread over its shards. EVENT is the ontology's event id (tags.yaml
 * `event.id`), [A-Za-z0-9_.-] only. Code builds keys with the macros and
 * helpers here; the ingest Lua script (store/ingest.c) spells the same
 * suffixes and says so beside each one.
 *
 * Names used below:
 *   PID   16 lowercase hex digits: the first 64 bits of the post's identity
 *         key (store/cluster.h cluster_keys.identity: the URI form of its
 *         id, else source + id). One post = one PID = one `p:` record.
 *   SID   a story: the PID of the story's first post.
 *   GID   a dup group (reposts, cross-posts, copies, near-copies): the PID
 *         of the group's first post.
 *   t     UTC seconds since the epoch (the post's published time, or the
 *         time of ingest when the source gave none).
 *
 * ## Posts
 *   P p:PID              string, one per post (every sighting with its own
 *                        identity is a post; a re-fetch is not): the
 *                        post's record, all its values packed in one
 *                        string (store/postmeta.h, which says why), in
 *                        this order:
 *       content hash (16 hex of title, text, url: an edit changes it);
 *       x   tombstone: "deleted" or "hidden". A later fetch never clears
 *           it nor rewrites the post (issue 4);
 *       xb  who hid (or deleted) it, xw why, xt when: t of the call (all
 *           set by store/tombstone.c; xb and xw always on "hidden");
 *       d   GID;  s   SID;  t   published t;
 *       m   how d was decided: 1 identity/repost, 2 same canonical URL,
 *           3 same normalised text, 4 near-copy (cluster.h enum
 *           cluster_match order, minus "same"); empty: first of its group;
 *       the id as the source gave it, source, url, author, lang, updated
 *       t, title, text (absent on exact copies, repost/boost or same
 *       text: the group's first post has it), theme ids and session ids
 *       (comma-separated).
 *   An edit rewrites the content but keeps the place (d, s, t, m), the
 *   tombstone and the themes and sessions (a re-tag's, store/retag.h); a
 *   delete empties title and text. The importer writes a new post's
 *   record with MSETNX or SET NX in the MULTI/EXEC of its batch's script
 *   call (store/ingest.c): only a post absent before gets it.
 *   P posts              zset: score t, member PID. Every post; its ZCARD
 *                        is the number of posts of the event (tombstoned
 *                        posts included).
 * Tombstones (store/tombstone.c; one script call sets or clears one): a
 * tombstoned post stays in P posts (a re-fetch must find it) and keeps
 * its d, s and dedupe claims, but leaves its story's members s:SID:m;
 * the story's summary (n nd na nr f l rep), T, ls and its scores in the
 * indexes are recomputed from the members left, by the engine's rules
 * (authors folded by ASCII case only; rep among members with a text or
 * title of their own when there is one), an index no member is in any
 * more drops the story, and a story left empty keeps its hash with n = 0,
 * T = "" and no rep. Its themes and sessions lose one post in P n (a
 * field may so reach 0; it stays).
 * "deleted" also empties the title and text of its record, and is final;
 * "hidden" can be cleared (unhide), which puts the post back the same
 * way. Readers (store/digest.c) still skip tombstoned posts they meet,
 * since a later ingest may write a summary its engine made with the post
 * in it.
 *
 *   P layout             string: the key layout the event is in ("3"; store/
 *                        layout.h). Writers and readers refuse an event in
 *                        another one, with what to do.
 *
 * ## Deduplication index (exact keys; near-copies are the engine's)
 *   P k                  hash: field = kind + KEY, value = PID of the
 *                        first post with that key; kind `u` for the
 *                        canonical URL (cluster_keys.url), `t` for the
 *                        normalised text (cluster_keys.text); KEY = the
 *                        first 64 bits of that key in 13 base-32 digits
 *                        (STORE_CLAIM_DIGITS, most significant first).
 * One hash, so the script claims the keys of a whole batch with one
 * HMGET and one HSET, where 4096 listpack buckets took two HSETNX calls a
 * post (with the other per-batch writes: 2.3 Redis commands a post
 * instead of 5.3, bench/ingest). The price is memory: too big to stay a
 * listpack, it costs about 80 bytes an entry against 30 in a bucket;
 * bench/ingest measured +97 bytes a post (1,069 -> 1,166). The base-32
 * field (14 bytes: one 16-byte allocation, where kind + 16 hex would
 * take 32) keeps it there.
 * Identity needs no index: the post is new when its PID is not in
 * P posts (one ZMSCORE for the batch; its record and its ZADD are
 * written in the same MULTI/EXEC);
 * a repost looks up `P p:` + the first 16 hex of cluster_keys.original.
 *
 * ## Stories
 * The engine (store/cluster.h) decides which story a post joins and keeps
 * the story's summary; the script writes that summary with each new
 * member, so the numbers below are the engine's as of the latest member.
 *   P s:SID              hash, one per story (always a few small fields):
 *       id  the story's first post's id (the engine's story name)
 *       n   posts (every sighting)      nd  dup groups (pieces of content)
 *       na  distinct authors            nr  distinct sources
 *       f   first t                     l   last t
 *       rep GID of the representative post: the first post of the story's
 *           largest dup group (the most shared), the earliest on a tie
 *       T   the index keys the story is in, "th:ID,se:ID" (for rescoring)
 *       ls  l at the last rescoring of every index in T
 *   P s:SID:m            string: the story's posts (tombstoned ones
 *                        aside), their PIDs end to end, STORE_PID_HEX
 *                        bytes each, in the order they joined (an import
 *                        is in time order; live, nearly so). Each post
 *                        once: only the script call that stores a post
 *                        adds it. Why not a zset by time: a new member
 *                        of a zset of up to 128 (a listpack) is looked
 *                        for in the whole listpack and then walked to
 *                        its place from the front, every time; with
 *                        about 70 stories touched per batch of 512 that
 *                        was 18k of Redis's 112k instructions a post
 *                        (callgrind, bench/ingest), and 86 more bytes a
 *                        post. One APPEND a story per batch costs
 *                        neither; readers take t from the records.
 *                        STORE_MEMBERS_LUA reads and edits it.
 * A post that Redis found to be an exact copy of a post another importer
 * stored first joins that post's story: it is appended to `s:SID:m` and
 * `n` is incremented, the rest of the summary waits for the next member
 * (a new index in T sets `ls` to 0, so that member rescores everywhere).
 *
 * ## Per theme and per session (ids from tags.yaml)
 *   P th:THEME:s         zset: score STORY_SCORE, member SID (stories by score)
 *   P se:SESSION:s       zset, as th:THEME:s
 *   P n                  hash: field "th:THEME" or "se:SESSION", value =
 *                        posts of that theme or session (HINCRBY once per
 *                        script call; a field exists once it has a post)
 * Posts of a theme or session by time are derived, not stored again:
 * they are the members (s:SID:m) of its stories (th:THEME:s) whose themes
 * (sessions; in their records) list it, since every post's story is in
 * every index the post is in (T below). A zset of posts per theme and per session cost two
 * ZADDs and about 200 bytes a post (bench/ingest), for a list only the
 * count of which the digest reads.
 * STORY_SCORE = log2(W) + l / H, stored in millionths, rounded to an
 * integer (STORE_SCORE_UNIT), with W = ln(1 + na) + 1.5 ln(1 + nr)
 * + 0.5 ln(1 + nd) + 0.25 ln(1 + n): independent voices (distinct authors
 * and sources) count most, repeats little, all log-damped, the weight of
 * store/cluster.c's cluster_story_score; H = STORE_SCORE_HALF_LIFE_S, the
 * engine's default half-life. Ranking by it at any time `now` is ranking
 * by W * 2^-((now - l) / H): the highlight weight decayed by half every H
 * after the story's last post, without rewriting scores as the clock
 * moves. store_story_weight_now turns a score back into that weight.
 * Why an integer: a small index is a listpack, whose ZADD reads the
 * score of every entry it passes; a fractional score is kept as text and
 * parsed with strtod at each (30% of Redis's instructions in an import,
 * callgrind), an integer is kept as an integer. A millionth of a log2 is
 * far below anything a ranking can tell apart.
 * A story is rescored in every index it is in (T) when it is new, when it
 * has crossed a power of two in size, or when its last time has moved by
 * H/16 since it was last rescored (field `ls` of P s:SID: the l of that
 * rescoring); at most once per script call (a batch of posts). A member
 * that brings it into a new index adds it there with the fresh score and
 * leaves the others (and `ls`) as they are: they are within the bounds
 * already. So a big story costs a few ZADDs per batch, not several per
 * post, a stored score is never above the fresh one and never below it
 * by more than those bounds; readers
 * (store/digest.c) fetch several candidates per story shown and re-rank
 * them with store_story_score of the summary.
 *
 * ## The event stream
 *   P x                  stream, capped with XADD MAXLEN ~ STORE_STREAM_MAXLEN.
 *                        One entry per ingest script call that changed
 *                        anything (a batch of posts): one field-value pair
 *                        per kind of change (new | copy | edit), in the
 *                        order the kinds first occur, the value the
 *                        changes of that kind in order, comma-separated,
 *                        each "PID SID" ("PID" when the post has no
 *                        story). The web turns entries into Server-Sent
 *                        Events whose ids are the stream ids. (One entry
 *                        per change cost one XADD per post; a pair per
 *                        change cost Redis 2 arguments a post to make,
 *                        copy into the entry and log: 2.9k instructions
 *                        a post, callgrind.) store/tombstone.c adds one
 *                        entry per tombstone change: the field hide |
 *                        delete | unhide, the value "PID SID" or "PID".
 *
 * ## Server settings the layout is sized for
 * Stories are small hashes meant to stay listpack-encoded (a few dozen
 * bytes of overhead instead of a hashtable's hundreds): the managed
 * server (store/server.c) runs with hash-max-listpack-entries 256 and
 * hash-max-listpack-value 4096. Another server (--redis) works the same
 * with its own settings; with the defaults (128 / 64) a story's T may
 * make its hash a hashtable and take more memory. A post is a string
 * whatever the settings.
 *
 * (The tagger engineers add the curation keys in their own marked section
 * below; nothing above this line is theirs, nothing in it is ours.)
 */
#ifndef RP_STORE_KEYS_H
#define RP_STORE_KEYS_H

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "core/buf.h"

#define STORE_KEY_PREFIX        "rap:{"      /* + EVENT + "}:" */
#define STORE_EVENT_MAX_BYTES   64           /* longest event id accepted */
#define STORE_PID_HEX           16           /* hex digits of a PID, SID or GID */
#define STORE_PID_HEX_BUF       17           /* with its NUL */
#define STORE_STREAM_MAXLEN     100000       /* entries kept (approximately) in P x */
#define STORE_SCORE_HALF_LIFE_S 21600.0      /* H: 6 hours */
#define STORE_SCORE_UNIT 1e6                 /* stored STORY_SCORE per unit of log2(W) + l/H */

/* Suffixes after P; the Lua script in store/ingest.c uses the same. */
#define STORE_K_POST      "p:"      /* + PID */
#define STORE_K_POSTS     "posts"
#define STORE_K_CLAIMS    "k"       /* fields STORE_CLAIM_URL / _TEXT + KEY */
#define STORE_CLAIM_URL   'u'
#define STORE_CLAIM_TEXT  't'
#define STORE_CLAIM_DIGITS "0123456789abcdefghjkmnpqrstvwxyz" /* base 32, Crockford's */
#define STORE_CLAIM_FIELD_LEN 14    /* kind + 13 digits */
#define STORE_CLAIM_FIELD_BUF 15    /* with its NUL */
#define STORE_K_STORY     "s:"      /* + SID; + SID + ":m" for members */
#define STORE_K_THEME     "th:"     /* + THEME + ":s"; + THEME: a field of P n */
#define STORE_K_SESSION   "se:"     /* + SESSION + ":s"; + SESSION: a field of P n */
#define STORE_K_COUNTS    "n"
#define STORE_K_STREAM    "x"

/* True when event is a usable event id: 1..STORE_EVENT_MAX_BYTES of
 * [A-Za-z0-9_.-]. */
static inline bool store_event_valid(const char *event)
{
	size_t n = event ? strlen(event) : 0;
	if (n == 0 || n > STORE_EVENT_MAX_BYTES)
		return false;
	return strspn(event, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                     "0123456789_.-") == n;
}

/* True when s is a PID (SID, GID): STORE_PID_HEX lowercase hex digits. */
static inline bool store_pid_valid(const char *s)
{
	return strlen(s) == STORE_PID_HEX && strspn(s, "0123456789abcdef") == STORE_PID_HEX;
}

/* Append P, "rap:{EVENT}:", to out. event must be store_event_valid. */
static inline void store_prefix(struct buf *out, const char *event)
{
	buf_printf(out, STORE_KEY_PREFIX "%s}:", event);
}

/* STORY_SCORE of a story summary (the same formula as the ingest script),
 * in units: a stored score is this times STORE_SCORE_UNIT, rounded. */
static inline double store_story_score(size_t n, size_t nd, size_t na, size_t nr, int64_t last)
{
	double w = log1p((double)na) + 1.5 * log1p((double)nr) + 0.5 * log1p((double)nd) +
	           0.25 * log1p((double)n);
	if (w <= 0)
		w = 1e-9;
	return log2(w) + (double)last / STORE_SCORE_HALF_LIFE_S;
}

/* STORY_SCORE in Lua, for the scripts that score a story from its
 * summary (store/ingest.c, store/tombstone.c, store/retag.c): pasted into
 * a script, it defines story_score(n, nd, na, nr, l, half), the score to
 * store: store_story_score in millionths, rounded. */
#define STORE_STORY_SCORE_LUA \
"local function story_score(n, nd, na, nr, l, half)\n" \
"  local log = math.log\n" \
"  local w = log(1 + na) + 1.5 * log(1 + nr) + 0.5 * log(1 + nd) + 0.25 * log(1 + n)\n" \
"  if w <= 0 then w = 1e-9 end\n" \
"  return math.floor((log(w) / log(2) + l / half) * 1e6 + 0.5)\n" \
"end\n"

/* P s:SID:m in Lua, for the scripts that read or edit a story's members
 * (store/tombstone.c, store/retag.c): pasted into a script, it defines
 * members_of(key) (the PIDs, in order), member_add(key, pid) and
 * member_remove(key, pid) (1 when it changed the list, else 0). */
#define STORE_MEMBERS_LUA \
"local function members_of(key)\n" \
"  local s, m = redis.call('GET', key) or '', {}\n" \
"  for j = 1, #s, 16 do m[#m+1] = string.sub(s, j, j + 15) end\n" \
"  return m\n" \
"end\n" \
"local function member_at(s, pid)        -- 16-aligned offset of pid in s, or nil\n" \
"  local j = string.find(s, pid, 1, true)\n" \
"  while j and (j - 1) % 16 ~= 0 do j = string.find(s, pid, j + 1, true) end\n" \
"  return j\n" \
"end\n" \
"local function member_add(key, pid)\n" \
"  if member_at(redis.call('GET', key) or '', pid) then return 0 end\n" \
"  redis.call('APPEND', key, pid)\n" \
"  return 1\n" \
"end\n" \
"local function member_remove(key, pid)\n" \
"  local s = redis.call('GET', key) or ''\n" \
"  local j = member_at(s, pid)\n" \
"  if not j then return 0 end\n" \
"  s = string.sub(s, 1, j - 1) .. string.sub(s, j + 16)\n" \
"  if s == '' then redis.call('DEL', key) else redis.call('SET', key, s) end\n" \
"  return 1\n" \
"end\n"
_Static_assert(STORE_PID_HEX == 16, "STORE_MEMBERS_LUA cuts P s:SID:m in 16-byte PIDs");

/* The decayed highlight weight of a story whose STORY_SCORE is score (in
 * units: a stored one divided by STORE_SCORE_UNIT), at time now (UTC
 * seconds). */
static inline double store_story_weight_now(double score, double now, double half_life_s)
{
	return exp2(score - now / half_life_s);
}

/* ---- curation (tagger engineers) ------------------------------------
 * store/curation.c. SUG is a suggestion id: 32 hex of the XXH3-128 of
 * "KEY\x1fCONCEPT\x1fPOST" (KEY the utf8_fold form of the suggested tag,
 * CONCEPT and POST as suggested or empty). KH is 32 hex of the XXH3-128
 * of KEY; CH of the client id (its address or session: never stored as
 * such).
 *   P cur:q              zset: member SUG, score = votes (distinct clients
 *                        that suggested or voted). Open suggestions only;
 *                        votes rank, they decide nothing.
 *   P cur:s:SUG          hash: tag (display form, cleaned), key (KEY),
 *                        concept, post, note (may be ""), st (open |
 *                        approved | merged | rejected | blocked), n (times
 *                        suggested), f, l (first, last t)
 *   P cur:v:SUG          set of CH: who voted (one vote each)
 *   P cur:k:KH           set of SUG: the suggestions of one tag, closed
 *                        together by a decision on it
 *   P cur:rl:CH          string counter, EXPIRE CURATION_RATE_WINDOW_S:
 *                        suggestions + votes of one client in the window
 *   P cur:log            list of JSON decisions, oldest first (RPUSH):
 *                        {"action","tag","concept","id","label","account",
 *                        "by","why","when"}. The audit log, and what
 *                        curation_apply replays onto tags.yaml.
 *   P cur:ver            string counter: INCR per decision; a matcher
 *                        built at an older value is rebuilt.
 * Discovery (store/discovery.c / curation_discovered), per tag not in the
 * ontology, KH as above:
 *   P cur:used           zset: member KH, score = posts that used the tag
 *   P cur:u:KH           hash: key (KEY), e (posts in the event),
 *                        c:CASING (posts per spelling), t:ID (posts per
 *                        co-occurring theme or session id)
 *   P cur:ua:KH          HyperLogLog of its authors (distinct authors)
 *   P cur:uf, P cur:ul   zsets: member KH, score = first / last published t
 *                        (ZADD LT / GT)
 * Written by store/discovery.c, during import and by `tags mine`
 * (summed in memory, one MULTI/EXEC a second).
 * Re-tagging (store/retag.h; `rapporteur tags retag`):
 *   P cur:pt:BBB         hash: BBB = the first 3 hex of a PID (4096
 *                        buckets, so each stays a small listpack), field =
 *                        its other 13 hex, value = the post's structured
 *                        tags (post->tags) joined by "\x1f". Only posts
 *                        with a structured tag their title or text does
 *                        not carry as a hashtag (a feed category; not
 *                        Mastodon's tags, which repeat the text's);
 *                        written by store/discovery.c when the post is
 *                        stored, read by retag to match the post again as
 *                        import did. */
#define STORE_K_CUR_QUEUE   "cur:q"
#define STORE_K_CUR_SUGG    "cur:s:"    /* + SUG */
#define STORE_K_CUR_VOTERS  "cur:v:"    /* + SUG */
#define STORE_K_CUR_BYTAG   "cur:k:"    /* + KH */
#define STORE_K_CUR_RATE    "cur:rl:"   /* + CH */
#define STORE_K_CUR_LOG     "cur:log"
#define STORE_K_CUR_VERSION "cur:ver"
#define STORE_K_CUR_USED    "cur:used"
#define STORE_K_CUR_USAGE   "cur:u:"    /* + KH */
#define STORE_K_CUR_AUTHORS "cur:ua:"   /* + KH */
#define STORE_K_CUR_FIRST   "cur:uf"
#define STORE_K_CUR_LAST    "cur:ul"
#define STORE_K_CUR_PTAGS   "cur:pt:"   /* + BBB (first STORE_CUR_PTAGS_HEX hex of the PID) */
#define STORE_CUR_PTAGS_HEX 3

/* Append P cur:pt:BBB, the bucket of PID pid, to out; prefix is P. The
 * post's field in it is pid + STORE_CUR_PTAGS_HEX. */
static inline void store_ptags_key(struct buf *out, const char *prefix, const char *pid)
{
	buf_printf(out, "%s" STORE_K_CUR_PTAGS "%.*s", prefix, STORE_CUR_PTAGS_HEX, pid);
}

#endif
