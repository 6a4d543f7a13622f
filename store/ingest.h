/* store/ingest.h - posts into Redis: atomic per post, pipelined across posts.
 *
 * The caller runs the dedupe/story engine (store/cluster.h) on each post
 * and hands the post with the engine's decision to ingest_add. Posts are
 * packed into batches; each batch is one MULTI/EXEC holding the posts'
 * records (each post's whole record, written only when the post is new:
 * one MSETNX for the posts this ingest meets first, a SET NX for each
 * other; store/ingest.c says why) and one EVALSHA of the ingest script (loaded
 * once with SCRIPT LOAD, loaded again on NOSCRIPT); up to `window`
 * batches are in flight at once. Redis runs a batch whole, with nothing
 * between its commands, or not at all, so a post is written completely
 * or not at all. The script enforces identity, repost, canonical-URL and
 * text dedupe inside Redis (two importers of one file store each post
 * once), keeps the story and its indexes, and XADDs the batch's changes
 * to the event stream (one entry per call). A known post whose content
 * changed (an edit) is sent again with its record to a second script,
 * edit_lua, right after its batch's reply: an edit is reported when that
 * call's reply is read, so it may come after later posts. Key layout:
 * store/keys.h.
 *
 * A post is acknowledged when the reply to its batch has been read; only
 * then is it counted in ingest_stats. On a lost connection every batch in
 * flight is sent again on a new connection (rebuilt with backoff, and the
 * managed server restarted when it is ours and has died); the script is
 * idempotent, so a batch that did commit before the loss changes nothing
 * the second time.
 *
 * Acknowledged is not yet durable: with `appendfsync everysec` a Redis
 * 7.0 whose disk is slow postpones its AOF write for up to 2 s and
 * replies all the same, so a kill -9 in that time loses batches it has
 * acknowledged (64 posts once in the 100k RELIABILITY R1 run). So the
 * batches acknowledged in the last keep_ms (INGEST_KEEP_MS_DEFAULT, 3 s:
 * the 2 s plus a margin; at most INGEST_KEEP_MAX_BYTES of them, the
 * oldest dropped first) stay in memory, but for those an AOF probe (an
 * INFO persistence in the pipeline, store/ingest.c) has shown written
 * already, and after any reconnect they are
 * sent again, in the order Redis ran them, before the batches in flight.
 * The script is idempotent, so a replay of a batch that survived changes
 * nothing, and one that was lost is written again. Replays are not
 * counted or reported again (ingest_stats.replayed counts them).
 * ingest_close drops what is kept; a run ends with ingest_settle, which
 * waits until Redis has written what it acknowledged. tests/store/test-ingest.c
 * test_replay_after_kill shows it: a server that loses every
 * acknowledged write on kill -9 has them all again after the replay.
 *
 * An -OOM reply (maxmemory reached) is reported through the note
 * callback, and ingest pauses and retries until memory is free;
 * -LOADING and -BUSY wait the same way. Nothing is half written: Redis
 * refuses a script that may write under OOM before it runs.
 *
 * The caller owns the struct ingest (ingest_open / ingest_close); the
 * struct redis and struct server it is given stay the caller's and must
 * outlive it. Not thread-safe. */
#ifndef RP_STORE_INGEST_H
#define RP_STORE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/post.h"
#include "store/cluster.h"
#include "store/keys.h"
#include "store/redis.h"
#include "store/server.h"

/* 512 posts a batch, 4 batches in flight. A batch has costs per story,
 * index and count it touches, whatever its size, so bigger batches cost
 * Redis less per post: callgrind of redis-server, 20k bench posts, 104k
 * instructions a post at 128, 93k at 256, 84k at 512 (layout 3; the
 * hash layout before it: 144k at 32, 117k at 128). A batch holds Redis
 * for about 10 ms at 512, which readers wait out. In wall time, before
 * the records left the script (bench/ingest, 100k posts, load 2-3),
 * 128/4 gave 29-35k posts/s, 128/8 28-35k, 64/8 26-32k and 32/8
 * 24-29k. */
#define INGEST_BATCH_DEFAULT   512      /* posts per batch (one MULTI/EXEC) */
/* The script unpacks up to 4 values a post into one Redis call (the
 * dedupe claims), and Redis's Lua unpacks at most about 8000: --batch
 * 4096 failed with "too many results to unpack". */
#define INGEST_BATCH_MAX       1024
#define INGEST_WINDOW_DEFAULT  4        /* batches in flight: Redis runs some while the next fill */
#define INGEST_WINDOW_MAX      64
#define INGEST_RETRY_MS_DEFAULT 60000   /* give up when Redis is gone (or full) this long */
#define INGEST_KEEP_MS_DEFAULT  3000    /* acknowledged batches held for a replay (see above) */
#define INGEST_KEEP_MAX_BYTES   (128u << 20) /* and at most this much of them (3 s at 70k posts/s): the oldest go first */

/* What the script did with one post. */
enum ingest_result {
	INGEST_NEW = 0,    /* stored: first of its dup group, or joined by the engine's decision */
	INGEST_COPY,       /* stored as an exact copy Redis found (repost, same URL, same text) */
	INGEST_SAME,       /* known post, same content: nothing changed */
	INGEST_EDIT,       /* known post, content changed: updated in place */
	INGEST_TOMBSTONE,  /* known post, deleted or hidden: left as it is */
	INGEST_N_RESULTS
};

struct ingest_opts {
	size_t batch;          /* posts per script call; 0: INGEST_BATCH_DEFAULT */
	size_t window;         /* batches in flight; 0: INGEST_WINDOW_DEFAULT */
	int64_t retry_ms;      /* outage/OOM budget; 0: INGEST_RETRY_MS_DEFAULT */
	struct server *server; /* the managed server to restart when it dies; may be NULL */
	int64_t keep_ms;       /* acknowledged batches held for a replay after a reconnect;
	                          0: INGEST_KEEP_MS_DEFAULT, < 0: none */
	/* Called with one line of news (connection lost, reconnected, out of
	 * memory, resumed); may be NULL. msg is lent for the call. */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
	/* Called once per post when the reply to its batch has been read
	 * (for an edit, the reply to its edit call), in the order of the
	 * ingest_add calls but for edits: seq is the 0-based number of
	 * that post's ingest_add call in this struct ingest's life, r what the
	 * script did with it (INGEST_NEW: stored as new). A batch sent again
	 * after a loss or an error reply is reported once, when its reply is
	 * read. Called from inside ingest_add / ingest_flush; it must not call
	 * back into this struct ingest. May be NULL. */
	void (*acked)(void *ctx, uint64_t seq, enum ingest_result r);
	void *acked_ctx;
};

struct ingest_stats {
	size_t queued;                    /* posts given to ingest_add */
	size_t acked;                     /* posts whose batch reply was read */
	size_t result[INGEST_N_RESULTS];  /* acked posts by result */
	size_t batches;                   /* script calls acknowledged */
	size_t resent;                    /* batches sent again after a loss or an error reply */
	size_t retried;                   /* new posts sent again with a SET of their own: their
	                                     batch's MSETNX met a record Redis had (store/ingest.c) */
	size_t replayed;                  /* acknowledged batches sent again after a reconnect */
	unsigned reconnects;              /* connections rebuilt */
	unsigned oom_pauses;              /* times ingest paused on -OOM */
	size_t kept;                      /* batches held for a replay now (the AOF probe and
	                                     keep_ms let them go) */
};

struct ingest;

/* Prepare ingest of event (store_event_valid) over r: load the script.
 * RP_ERR_USAGE for a bad event id, RP_ERR_REDIS when the script cannot be
 * loaded; reason appended to *err. opts may be NULL. */
RP_MUST_CHECK rp_err ingest_open(struct redis *r, const char *event,
                                 const struct ingest_opts *opts, struct ingest **ret,
                                 struct buf *err);
/* Frees in; posts not yet acknowledged are dropped (call ingest_flush
 * first). NULL is a no-op. */
void ingest_close(struct ingest *in);

/* Queue p with the engine's decision as and the engine's summary of its
 * story after it (cluster_engine_story; NULL: the post alone); all only
 * read, copied. The summary is what the story's hash and score show (the
 * engine sees every post of the run in order, so it is the same in every
 * importer of the same input). Sends a
 * batch when it is full and reads replies to keep at most `window`
 * batches in flight. RP_ERR_REDIS when Redis stayed unreachable or full
 * past retry_ms, or replied with an error the ingest cannot wait out
 * (errstr says which). */
RP_MUST_CHECK rp_err ingest_add(struct ingest *in, const struct post *p,
                                const struct cluster_assign *as,
                                const struct cluster_story *story);
/* Send what is queued and wait until every post is acknowledged. */
RP_MUST_CHECK rp_err ingest_flush(struct ingest *in);
/* ingest_flush, then wait (at most timeout_ms; INGEST_KEEP_MS_DEFAULT
 * is the longest Redis postpones) until Redis has written every
 * acknowledged post to its AOF file (INFO persistence:
 * aof_buffer_length 0), so that they survive a kill -9 of redis-server
 * after this returns; then the kept batches are dropped. For the end of
 * a run, when nothing will be left to replay them. A connection lost
 * meanwhile is rebuilt and the kept batches replayed. On timeout, or
 * with no AOF, or when INFO is refused, it returns RP_OK (the timeout
 * with a note). */
RP_MUST_CHECK rp_err ingest_settle(struct ingest *in, int64_t timeout_ms);

/* Rebuild engine e's state from the posts of the event published at or
 * after since (UTC seconds), in published order: each goes to
 * cluster_engine_restore with the dup group and story Redis recorded, so
 * a new import joins the stories earlier imports made, and the dup and
 * story names the engine gives map back to their posts. Call before the
 * first ingest_add. RP_ERR_REDIS (reason appended to *err) when a read
 * fails. *ret_n (may be NULL) gets the number of posts restored. */
RP_MUST_CHECK rp_err ingest_restore(struct ingest *in, struct cluster_engine *e, int64_t since,
                                    size_t *ret_n, struct buf *err);

void ingest_get_stats(const struct ingest *in, struct ingest_stats *ret);
const char *ingest_errstr(const struct ingest *in);   /* "" when none; lent */
/* The stable name of a result ("new", "copy", ...). */
const char *ingest_result_str(enum ingest_result r);

/* The PID (store/keys.h) of a post with identity key identity_hex (32
 * hex, cluster_keys.identity): its first 16 digits. out gets 17 bytes. */
void ingest_pid(const char *identity_hex, char out[STORE_PID_HEX_BUF]);

#endif
