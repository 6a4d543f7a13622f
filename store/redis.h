/* store/redis.h - one connection to a real redis-server, by URL.
 *
 * A struct redis wraps a hiredis 0.14 blocking context and what is needed
 * to rebuild it: the URL, the timeouts and the last error text. hiredis
 * cannot reuse a context after an I/O error, so every call that fails on
 * the connection frees the context; redis_reconnect (with backoff) makes
 * a new one. Error replies (-OOM, -NOSCRIPT, -LOADING, ...) are replies,
 * not connection failures: the connection stays usable.
 *
 * Pipelining: redis_append queues a command in the output buffer, and
 * redis_get_reply flushes what is queued and reads the next reply in
 * order. Callers keep their own count of commands in flight; after a
 * connection error every command in flight is lost (never acknowledged)
 * and must be sent again on the new connection.
 *
 * redis_open sets SIGPIPE to SIG_IGN when it still has the default
 * disposition: a server killed mid-pipeline must be an error, not the
 * end of the process.
 *
 * The caller owns the struct redis (redis_open / redis_close). Replies
 * returned through ret_ are owned by the caller (freeReplyObject). */
#ifndef RP_STORE_REDIS_H
#define RP_STORE_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "core/buf.h"
#include "core/err.h"

#define REDIS_CONNECT_TIMEOUT_MS 2000   /* connect(); a local server answers in well under this */
#define REDIS_COMMAND_TIMEOUT_MS 10000  /* one reply; an ingest batch script takes milliseconds */
#define REDIS_BACKOFF_FIRST_MS   20     /* first wait before a reconnect; doubles each try */
#define REDIS_BACKOFF_MAX_MS     500    /* cap of one wait, so resume is within a second of the server */
#define REDIS_URL_MAX_BYTES      1024   /* longer --redis URLs are refused */

/* A parsed --redis URL: `redis://host[:port][/db]`, `unix:/path` or
 * `unix:///path`. */
struct redis_addr {
	char *host;   /* TCP host, NULL for a unix socket; owned */
	int port;     /* TCP port (6379 by default); 0 for a unix socket */
	char *path;   /* unix socket path, NULL for TCP; owned */
};

/* Parse url into *ret (caller calls redis_addr_done). RP_ERR_USAGE with
 * the reason appended to *err for anything else. */
RP_MUST_CHECK rp_err redis_addr_parse(const char *url, struct redis_addr *ret, struct buf *err);
void redis_addr_done(struct redis_addr *a);

struct redis;

/* Connect to url once (no retry): a first connection that fails is a
 * configuration error the user should see at once. RP_ERR_USAGE for a
 * bad URL, RP_ERR_REDIS when the server cannot be reached or does not
 * answer PING; the reason is appended to *err. On success *ret is a new
 * connection owned by the caller. */
RP_MUST_CHECK rp_err redis_open(const char *url, struct redis **ret, struct buf *err);
void redis_close(struct redis *r);   /* NULL is a no-op */

/* The last error text ("" when none); lent until the next call on r. */
const char *redis_errstr(const struct redis *r);
/* The URL r was opened with; lent. */
const char *redis_url(const struct redis *r);
/* True while r holds a live context (no connection error since the last
 * successful connect). */
bool redis_connected(const struct redis *r);
/* Connections made so far, the first one included: 1 means no reconnect. */
unsigned redis_connects(const struct redis *r);

/* Drop the current context (if any) and connect again, waiting
 * REDIS_BACKOFF_FIRST_MS doubling to REDIS_BACKOFF_MAX_MS between tries,
 * for at most give_up_ms in total (0: one try). A server still loading
 * its AOF (-LOADING) counts as not ready yet. RP_ERR_REDIS when time ran
 * out; errstr says why. */
RP_MUST_CHECK rp_err redis_reconnect(struct redis *r, int64_t give_up_ms);

/* Queue one command (argc arguments, binary-safe) without waiting.
 * RP_ERR_REDIS when not connected. */
RP_MUST_CHECK rp_err redis_append(struct redis *r, int argc, const char **argv,
                                  const size_t *lens);
/* Send one command already in RESP (len bytes from cmd): written to the
 * socket at once when nothing is queued before it (cmd is not copied),
 * else queued after it (copied) as redis_append does. RP_ERR_REDIS when
 * not connected or the write fails (the context is dropped). For callers
 * that build the bytes once and may send them again (store/ingest.c). */
RP_MUST_CHECK rp_err redis_append_formatted(struct redis *r, const char *cmd, size_t len);
/* Flush queued commands and read the next reply. A connection error is
 * RP_ERR_REDIS (the context is dropped, errstr set); an error reply is
 * RP_OK with the reply's type REDIS_REPLY_ERROR, so the caller decides. */
RP_MUST_CHECK rp_err redis_get_reply(struct redis *r, redisReply **ret);

/* One command, one reply: redis_append + redis_get_reply, but an error
 * reply is also RP_ERR_REDIS (its text in errstr; the reply is freed). */
RP_MUST_CHECK rp_err redis_call(struct redis *r, redisReply **ret, int argc,
                                const char **argv, const size_t *lens);
/* As redis_call for a command of NUL-terminated words, NULL-terminated:
 * redis_callv(r, &rep, "HGET", key, field, NULL). ret may be NULL when
 * the reply is not wanted. */
RP_MUST_CHECK rp_err redis_callv(struct redis *r, redisReply **ret, ...)
	__attribute__((sentinel));

/* Error reply classes, by the first word of the message. */
bool redis_reply_is_error(const redisReply *rep);
bool redis_reply_is_oom(const redisReply *rep);       /* -OOM: maxmemory reached */
bool redis_reply_is_noscript(const redisReply *rep);  /* -NOSCRIPT: script cache empty (restart) */
bool redis_reply_is_loading(const redisReply *rep);   /* -LOADING: server reading its AOF */
bool redis_reply_is_busy(const redisReply *rep);      /* -BUSY: a script is running too long */

/* A command being built: arguments copied into one arena, so they can be
 * added from temporaries. The caller owns it (redis_cmd_init/_done). */
struct redis_cmd {
	struct buf arena;   /* the bytes of every argument, back to back */
	size_t *off;        /* n offsets into arena */
	size_t *len;        /* n lengths */
	const char **argv;  /* filled by redis_cmd_argv */
	size_t n, cap;
};
void redis_cmd_init(struct redis_cmd *c);
void redis_cmd_done(struct redis_cmd *c);
void redis_cmd_reset(struct redis_cmd *c);           /* n = 0, keeps the memory */
void redis_cmd_add(struct redis_cmd *c, const void *p, size_t n);
void redis_cmd_adds(struct redis_cmd *c, const char *s); /* NULL adds "" */
void redis_cmd_addi(struct redis_cmd *c, int64_t v);
/* The argv array (pointers into the arena), valid until the next add. */
const char **redis_cmd_argv(struct redis_cmd *c);

#endif
