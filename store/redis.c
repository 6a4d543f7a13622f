/* store/redis.c - one connection to a real redis-server, by URL. */
#include "store/redis.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/socket.h>
#include <hiredis/sds.h>

#include "core/alloc.h"
#include "core/clock.h"

struct redis {
	char *url;
	struct redis_addr addr;
	redisContext *ctx;     /* NULL after a connection error */
	char errstr[256];
	unsigned connects;
};

/* ---- URLs ---------------------------------------------------------- */

void redis_addr_done(struct redis_addr *a)
{
	rp_free(a->host);
	rp_free(a->path);
	memset(a, 0, sizeof *a);
}

rp_err redis_addr_parse(const char *url, struct redis_addr *ret, struct buf *err)
{
	struct redis_addr a = { 0 };
	if (!url || !*url) {
		buf_adds(err, "empty Redis URL");
		return RP_ERR_USAGE;
	}
	if (strlen(url) > REDIS_URL_MAX_BYTES) {
		buf_printf(err, "Redis URL longer than %d bytes", REDIS_URL_MAX_BYTES);
		return RP_ERR_USAGE;
	}
	if (strncmp(url, "unix:", 5) == 0) {
		const char *p = url + 5;
		if (strncmp(p, "//", 2) == 0)
			p += 2;           /* unix:///path: an empty authority */
		if (*p != '/') {
			buf_printf(err, "\"%s\": a unix socket URL needs an absolute path (unix:/path)", url);
			return RP_ERR_USAGE;
		}
		a.path = rp_strdup(p);
		*ret = a;
		return RP_OK;
	}
	if (strncmp(url, "redis://", 8) == 0) {
		const char *h = url + 8;
		const char *at = strchr(h, '@');
		if (at) {
			buf_printf(err, "\"%s\": passwords in the Redis URL are not supported", url);
			return RP_ERR_USAGE;
		}
		size_t hl = strcspn(h, ":/");
		if (hl == 0) {
			buf_printf(err, "\"%s\": no host", url);
			return RP_ERR_USAGE;
		}
		a.host = rp_strndup(h, hl);
		a.port = 6379;
		const char *p = h + hl;
		if (*p == ':') {
			char *end;
			errno = 0;
			long port = strtol(p + 1, &end, 10);
			if (errno || end == p + 1 || port < 1 || port > 65535 || (*end && *end != '/')) {
				buf_printf(err, "\"%s\": bad port", url);
				redis_addr_done(&a);
				return RP_ERR_USAGE;
			}
			a.port = (int)port;
			p = end;
		}
		if (*p == '/' && p[1] && strcmp(p, "/0") != 0) {
			buf_printf(err, "\"%s\": only database 0 is used (an event is a key prefix)", url);
			redis_addr_done(&a);
			return RP_ERR_USAGE;
		}
		*ret = a;
		return RP_OK;
	}
	buf_printf(err, "\"%s\": expected redis://host:port, unix:/path or unix:///path", url);
	return RP_ERR_USAGE;
}

/* ---- connection ---------------------------------------------------- */

static void set_err(struct redis *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct redis *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errstr, sizeof r->errstr, fmt, ap);
	va_end(ap);
}

static struct timeval ms_tv(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	return tv;
}

static void drop(struct redis *r)
{
	if (r->ctx)
		redisFree(r->ctx);
	r->ctx = NULL;
}

/* One attempt: connect, set the timeout, PING. true when ready; *loading
 * tells a server that answered -LOADING apart from one not there. */
static bool connect_once(struct redis *r, bool *loading)
{
	*loading = false;
	drop(r);
	redisContext *c = r->addr.path
		? redisConnectUnixWithTimeout(r->addr.path, ms_tv(REDIS_CONNECT_TIMEOUT_MS))
		: redisConnectWithTimeout(r->addr.host, r->addr.port, ms_tv(REDIS_CONNECT_TIMEOUT_MS));
	if (!c) {
		set_err(r, "%s: cannot allocate a connection", r->url);
		return false;
	}
	if (c->err) {
		set_err(r, "%s: %s", r->url, c->errstr);
		redisFree(c);
		return false;
	}
	if (redisSetTimeout(c, ms_tv(REDIS_COMMAND_TIMEOUT_MS)) != REDIS_OK) {
		set_err(r, "%s: cannot set the timeout: %s", r->url, c->errstr);
		redisFree(c);
		return false;
	}
	if (!r->addr.path)
		(void)redisEnableKeepAlive(c);
	redisReply *rep = redisCommand(c, "PING");
	if (!rep) {
		set_err(r, "%s: %s", r->url, c->err ? c->errstr : "no reply to PING");
		redisFree(c);
		return false;
	}
	bool ok = rep->type == REDIS_REPLY_STATUS;
	if (!ok) {
		*loading = redis_reply_is_loading(rep);
		set_err(r, "%s: PING: %.*s", r->url, (int)rep->len, rep->str ? rep->str : "");
	}
	freeReplyObject(rep);
	if (!ok) {
		redisFree(c);
		return false;
	}
	r->ctx = c;
	r->connects++;
	r->errstr[0] = '\0';
	return true;
}

/* hiredis writes with write(2): a server that died mid-pipeline would
 * kill the process with SIGPIPE instead of giving RP_ERR_REDIS. A process
 * that still has the default disposition gets SIG_IGN; one that chose a
 * handler keeps it. */
static void ignore_sigpipe(void)
{
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

rp_err redis_open(const char *url, struct redis **ret, struct buf *err)
{
	ignore_sigpipe();
	struct redis_addr a;
	rp_err e = redis_addr_parse(url, &a, err);
	if (e)
		return e;
	struct redis *r = rp_calloc(1, sizeof *r);
	r->url = rp_strdup(url);
	r->addr = a;
	bool loading;
	if (!connect_once(r, &loading)) {
		/* A server reading its AOF after a restart is worth a wait. */
		if (!loading || redis_reconnect(r, 30000) != RP_OK) {
			buf_adds(err, r->errstr);
			redis_close(r);
			return RP_ERR_REDIS;
		}
	}
	*ret = r;
	return RP_OK;
}

void redis_close(struct redis *r)
{
	if (!r)
		return;
	drop(r);
	redis_addr_done(&r->addr);
	rp_free(r->url);
	rp_free(r);
}

const char *redis_errstr(const struct redis *r) { return r->errstr; }
const char *redis_url(const struct redis *r) { return r->url; }
bool redis_connected(const struct redis *r) { return r->ctx != NULL; }
unsigned redis_connects(const struct redis *r) { return r->connects; }

rp_err redis_reconnect(struct redis *r, int64_t give_up_ms)
{
	int64_t start = clock_mono_ns();
	int64_t wait = REDIS_BACKOFF_FIRST_MS;
	char last[sizeof r->errstr];
	for (;;) {
		bool loading;
		if (connect_once(r, &loading))
			return RP_OK;
		memcpy(last, r->errstr, sizeof last);
		int64_t spent = (clock_mono_ns() - start) / 1000000;
		if (spent >= give_up_ms) {
			snprintf(r->errstr, sizeof r->errstr, "gave up reconnecting after %lld ms: %.180s",
			         (long long)spent, last);
			return RP_ERR_REDIS;
		}
		int64_t w = wait < give_up_ms - spent ? wait : give_up_ms - spent;
		clock_sleep_ms(w);
		wait = wait * 2 > REDIS_BACKOFF_MAX_MS ? REDIS_BACKOFF_MAX_MS : wait * 2;
	}
}

/* ---- commands ------------------------------------------------------ */

static void ctx_failed(struct redis *r)
{
	set_err(r, "%s: connection lost: %s", r->url,
	        r->ctx && r->ctx->errstr[0] ? r->ctx->errstr : "no reply");
	drop(r);
}

/* False (errstr set) when r holds no context: every command fails until
 * redis_reconnect. */
static bool ctx_ready(struct redis *r)
{
	if (r->ctx)
		return true;
	if (!r->errstr[0])
		set_err(r, "%s: not connected", r->url);
	return false;
}

rp_err redis_append(struct redis *r, int argc, const char **argv, const size_t *lens)
{
	if (!ctx_ready(r))
		return RP_ERR_REDIS;
	if (redisAppendCommandArgv(r->ctx, argc, argv, lens) != REDIS_OK) {
		ctx_failed(r);
		return RP_ERR_REDIS;
	}
	return RP_OK;
}

rp_err redis_append_formatted(struct redis *r, const char *cmd, size_t len)
{
	if (!ctx_ready(r))
		return RP_ERR_REDIS;
	/* Nothing queued before it: written now, straight from cmd. hiredis
	 * copies a command into its own buffer and writes it at the next
	 * read; for ingest's batches of about 100 KB that copy and its page
	 * faults were 8% of the importer's time (perf), and Redis gets the
	 * batch sooner. The socket blocks (with the context's timeout, if
	 * any) as hiredis's own write does. */
	if (sdslen(r->ctx->obuf) == 0) {
		for (size_t done = 0; done < len;) {
			ssize_t w = send(r->ctx->fd, cmd + done, len - done, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				set_err(r, "%s: connection lost: %s", r->url,
				        w < 0 ? strerror(errno) : "nothing written");
				drop(r);
				return RP_ERR_REDIS;
			}
			done += (size_t)w;
		}
		return RP_OK;
	}
	if (redisAppendFormattedCommand(r->ctx, cmd, len) != REDIS_OK) {
		ctx_failed(r);
		return RP_ERR_REDIS;
	}
	return RP_OK;
}

rp_err redis_get_reply(struct redis *r, redisReply **ret)
{
	if (!ctx_ready(r))
		return RP_ERR_REDIS;
	void *rep = NULL;
	if (redisGetReply(r->ctx, &rep) != REDIS_OK || !rep) {
		if (rep)
			freeReplyObject(rep);
		ctx_failed(r);
		return RP_ERR_REDIS;
	}
	*ret = rep;
	return RP_OK;
}

rp_err redis_call(struct redis *r, redisReply **ret, int argc, const char **argv,
                  const size_t *lens)
{
	redisReply *rep;
	rp_err e = redis_append(r, argc, argv, lens);
	if (!e)
		e = redis_get_reply(r, &rep);
	if (e)
		return e;
	if (rep->type == REDIS_REPLY_ERROR) {
		set_err(r, "%s: %.*s: %.*s", r->url, (int)lens[0], argv[0], (int)rep->len, rep->str);
		freeReplyObject(rep);
		return RP_ERR_REDIS;
	}
	if (ret)
		*ret = rep;
	else
		freeReplyObject(rep);
	return RP_OK;
}

#define REDIS_CALLV_MAX 64

rp_err redis_callv(struct redis *r, redisReply **ret, ...)
{
	const char *argv[REDIS_CALLV_MAX];
	size_t lens[REDIS_CALLV_MAX];
	int argc = 0;
	va_list ap;
	va_start(ap, ret);
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (argc == REDIS_CALLV_MAX) {
			va_end(ap);
			set_err(r, "redis_callv: more than %d arguments", REDIS_CALLV_MAX);
			return RP_ERR_USAGE;
		}
		argv[argc] = s;
		lens[argc] = strlen(s);
		argc++;
	}
	va_end(ap);
	return redis_call(r, ret, argc, argv, lens);
}

/* Whether rep is the error `word ...`, or an EXEC refused because of it:
 * Redis 7 answers an EXEC whose transaction could not run with
 * "EXECABORT Transaction discarded because of: OOM command not
 * allowed ..." (store/ingest.c sends its batches in MULTI/EXEC). */
static bool starts(const redisReply *rep, const char *word)
{
	if (!rep || rep->type != REDIS_REPLY_ERROR)
		return false;
	const char *s = rep->str;
	size_t len = rep->len;
	static const char abort_[] = "EXECABORT Transaction discarded because of: ";
	if (len > sizeof abort_ - 1 && strncmp(s, abort_, sizeof abort_ - 1) == 0) {
		s += sizeof abort_ - 1;
		len -= sizeof abort_ - 1;
	}
	size_t n = strlen(word);
	return len >= n && strncmp(s, word, n) == 0 && (len == n || s[n] == ' ');
}

bool redis_reply_is_error(const redisReply *rep) { return rep && rep->type == REDIS_REPLY_ERROR; }
bool redis_reply_is_oom(const redisReply *rep) { return starts(rep, "OOM"); }
bool redis_reply_is_noscript(const redisReply *rep) { return starts(rep, "NOSCRIPT"); }
bool redis_reply_is_loading(const redisReply *rep) { return starts(rep, "LOADING"); }
bool redis_reply_is_busy(const redisReply *rep) { return starts(rep, "BUSY"); }

/* ---- building commands --------------------------------------------- */

void redis_cmd_init(struct redis_cmd *c)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->arena);
}

void redis_cmd_done(struct redis_cmd *c)
{
	buf_done(&c->arena);
	rp_free(c->off);
	rp_free(c->len);
	rp_free(c->argv);
	memset(c, 0, sizeof *c);
}

void redis_cmd_reset(struct redis_cmd *c)
{
	buf_reset(&c->arena);
	c->n = 0;
}

void redis_cmd_add(struct redis_cmd *c, const void *p, size_t n)
{
	if (c->n == c->cap) {
		size_t cap = c->cap;
		c->off = rp_grow(c->off, sizeof *c->off, c->n + 1, &cap);
		cap = c->cap;
		c->len = rp_grow(c->len, sizeof *c->len, c->n + 1, &cap);
		cap = c->cap;
		c->argv = rp_grow(c->argv, sizeof *c->argv, c->n + 1, &cap);
		c->cap = cap;
	}
	c->off[c->n] = c->arena.len;
	c->len[c->n] = n;
	if (n)
		buf_add(&c->arena, p, n);
	c->n++;
}

void redis_cmd_adds(struct redis_cmd *c, const char *s)
{
	redis_cmd_add(c, s ? s : "", s ? strlen(s) : 0);
}

void redis_cmd_addi(struct redis_cmd *c, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	redis_cmd_add(c, tmp, (size_t)n);
}

const char **redis_cmd_argv(struct redis_cmd *c)
{
	for (size_t i = 0; i < c->n; i++)
		c->argv[i] = c->arena.data ? c->arena.data + c->off[i] : "";
	return c->argv;
}
