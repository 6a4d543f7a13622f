/* store/server.c - the managed redis-server (see server.h). */
#include "store/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "core/alloc.h"
#include "core/clock.h"

struct server {
	char *dir;      /* absolute data directory */
	char *socket;   /* absolute socket path */
	char *url;      /* "unix:" + socket */
	pid_t pid;      /* our child; 0 when the server is not ours */
};

const char *server_data_dir(const char *dir)
{
	if (dir && *dir)
		return dir;
	const char *env = getenv("RAPPORTEUR_DATA");
	if (env && *env)
		return env;
	return SERVER_DEFAULT_DATA;
}

/* mkdir -p with mode 0700 for what is created. */
static rp_err make_dirs(const char *dir, struct buf *err)
{
	char tmp[PATH_MAX];
	if (strlen(dir) >= sizeof tmp) {
		buf_printf(err, "%s: path too long", dir);
		return RP_ERR_IO;
	}
	strcpy(tmp, dir);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
				buf_printf(err, "%s: cannot create: %s", tmp, strerror(errno));
				return RP_ERR_IO;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "%s: not a directory", dir);
		return RP_ERR_IO;
	}
	return RP_OK;
}

/* 1: answers PING (ready); 0: nothing there; -1: there but loading. */
static int ping(const char *socket)
{
	struct timeval tv = { 0, 500000 };
	redisContext *c = redisConnectUnixWithTimeout(socket, tv);
	if (!c)
		return 0;
	if (c->err) {
		redisFree(c);
		return 0;
	}
	(void)redisSetTimeout(c, tv);
	redisReply *rep = redisCommand(c, "PING");
	int ok = 0;
	if (rep) {
		if (rep->type == REDIS_REPLY_STATUS)
			ok = 1;
		else if (rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, "LOADING", 7) == 0)
			ok = -1;
		freeReplyObject(rep);
	}
	redisFree(c);
	return ok;
}

/* Append the last lines of DIR/redis.log to err. */
static void log_tail(const struct server *s, struct buf *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/redis.log", s->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char tail[1024];
	if (fseek(f, -(long)(sizeof tail - 1), SEEK_END) != 0)
		rewind(f);
	size_t n = fread(tail, 1, sizeof tail - 1, f);
	fclose(f);
	tail[n] = '\0';
	/* Keep the last two lines. */
	char *end = tail + n;
	while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	int lines = 0;
	char *p = end;
	while (p > tail && lines < 2) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	for (char *q = p; *q; q++)
		if (*q == '\n')
			*q = ' ';
	buf_printf(err, " (%s: %s)", path, p);
}

static rp_err spawn(struct server *s, struct buf *err)
{
	const char *bin = getenv("RAPPORTEUR_REDIS_SERVER");
	if (!bin || !*bin)
		bin = SERVER_BIN;
	const char *argv[] = { bin,
		"--port", "0",
		"--unixsocket", s->socket,
		"--unixsocketperm", "700",
		"--dir", s->dir,
		"--appendonly", "yes",
		"--appendfsync", "everysec",
		"--save", "",
		"--daemonize", "no",
		"--logfile", "redis.log",
		/* Small hashes stay listpacks longer: memory per post. */
		"--hash-max-listpack-entries", "256",
		"--hash-max-listpack-value", "4096",
		/* The event's zsets are few and large (P posts) or updated in
		 * place all the time (the story indexes th:ID:s, se:ID:s: a
		 * story's score moves every batch it grows in). A ZADD of a
		 * member a listpack zset holds finds it by walking the whole
		 * listpack, deletes it, and walks again to its new place;
		 * beyond 16 entries a skiplist does it in O(log n): 16% of
		 * Redis's instructions in an import whose stories are in many
		 * indexes, 10% in one of talks (callgrind, bench/ingest).
		 * There are a few dozen such keys an event: memory does not
		 * move (bench/ingest, 762 bytes a post either way). */
		"--zset-max-listpack-entries", "16",
		"--disable-thp", "no",
		/* The AOF is compacted (a fork writing an RDB) from 256 MB,
		 * not Redis's 64 MB. An event's writes are nearly all new
		 * posts, so a rewrite shrinks little (91 MB of AOF became a
		 * 57 MB base for 100k posts) while the fork's copy-on-write
		 * faults and the child's compression took about a third of
		 * the CPU of a 100k-post import on 2 cores (bench/ingest).
		 * Growth past the last rewrite still doubles before the
		 * next, as by default. */
		"--auto-aof-rewrite-min-size", "256mb",
		NULL };
	/* The heap on 2 MiB pages. Debian's redis-server allocates with
	 * jemalloc, which reads MALLOC_CONF (JE_MALLOC_CONF when built with
	 * its je_ prefix, as upstream builds it): with thp:always it asks
	 * for transparent huge pages for its extents, which the kernel's
	 * usual "madvise" setting grants. A 100k-post import then took 2.7k
	 * page faults in Redis instead of 29k, and Redis about 2 us less
	 * CPU a post (bench/ingest; a fault costs several us on a virtual
	 * machine). --disable-thp no (argv) keeps Redis from turning THP off
	 * where the kernel's setting is "always"; its old objection, a
	 * 2 MiB copy at the first write after a fork, is gone since Linux
	 * 5.8, which splits the huge page and copies 4 KiB. A MALLOC_CONF
	 * the user set is passed on as it is. Built before fork: the child
	 * only calls what is safe there. */
	extern char **environ;
	size_t n_env = 0;
	while (environ[n_env])
		n_env++;
	char **env = rp_calloc(n_env + 3, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n_env; i++)
		env[k++] = environ[i];
	static char malloc_conf[] = "MALLOC_CONF=thp:always";
	static char je_malloc_conf[] = "JE_MALLOC_CONF=thp:always";
	if (!getenv("MALLOC_CONF"))
		env[k++] = malloc_conf;
	if (!getenv("JE_MALLOC_CONF"))
		env[k++] = je_malloc_conf;
	env[k] = NULL;
	pid_t parent = getpid();
	/* A stale socket from a killed server would make connect() fail
	 * with ECONNREFUSED, which is what we poll for: remove it first. */
	(void)unlink(s->socket);
	pid_t pid = fork();
	if (pid != 0)
		rp_free(env);   /* the child has its own copy */
	if (pid < 0) {
		buf_printf(err, "fork: %s", strerror(errno));
		return RP_ERR_IO;
	}
	if (pid == 0) {
		/* The child: its own process group (a terminal ^C is ours to
		 * handle), SIGTERM when the parent dies, quiet stdio. */
		(void)setpgid(0, 0);
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			if (devnull > 2)
				close(devnull);
		}
		execvpe(bin, (char *const *)argv, env);
		_exit(127);
	}
	s->pid = pid;
	int64_t start = clock_mono_ns();
	for (;;) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			s->pid = 0;
			buf_printf(err, "%s exited at start (status %d)", bin,
			           WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			log_tail(s, err);
			return RP_ERR_REDIS;
		}
		if (ping(s->socket) == 1)
			return RP_OK;
		if ((clock_mono_ns() - start) / 1000000 > SERVER_START_TIMEOUT_MS) {
			buf_printf(err, "%s did not answer on %s within %d ms", bin, s->socket,
			           SERVER_START_TIMEOUT_MS);
			log_tail(s, err);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			s->pid = 0;
			return RP_ERR_REDIS;
		}
		clock_sleep_ms(10);
	}
}

static void server_free(struct server *s)
{
	if (!s)
		return;
	rp_free(s->dir);
	rp_free(s->socket);
	rp_free(s->url);
	rp_free(s);
}

rp_err server_start(const char *dir, struct server **ret, struct buf *err)
{
	rp_err e = make_dirs(dir, err);
	if (e)
		return e;
	char abs[PATH_MAX];
	if (!realpath(dir, abs)) {
		buf_printf(err, "%s: %s", dir, strerror(errno));
		return RP_ERR_IO;
	}
	struct sockaddr_un sun;
	if (strlen(abs) + 1 + strlen(SERVER_SOCKET_NAME) >= sizeof sun.sun_path) {
		buf_printf(err, "%s: path too long for a unix socket (at most %zu bytes)", abs,
		           sizeof sun.sun_path - 2 - strlen(SERVER_SOCKET_NAME));
		return RP_ERR_IO;
	}
	struct server *s = rp_calloc(1, sizeof *s);
	s->dir = rp_strdup(abs);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s/%s", abs, SERVER_SOCKET_NAME);
	s->socket = buf_detach(&b);
	buf_printf(&b, "unix:%s", s->socket);
	s->url = buf_detach(&b);

	/* Someone else's server on our data: use it, never start a second. */
	int p = ping(s->socket);
	for (int i = 0; p == -1 && i < SERVER_START_TIMEOUT_MS / 50; i++) {
		clock_sleep_ms(50);
		p = ping(s->socket);
	}
	if (p == 1) {
		*ret = s;
		return RP_OK;
	}
	e = spawn(s, err);
	if (e) {
		server_free(s);
		return e;
	}
	*ret = s;
	return RP_OK;
}

const char *server_url(const struct server *s) { return s->url; }
pid_t server_pid(const struct server *s) { return s->pid; }

bool server_alive(struct server *s)
{
	if (!s->pid)
		return false;
	int st;
	pid_t w = waitpid(s->pid, &st, WNOHANG);
	if (w == s->pid) {
		s->pid = 0;
		return false;
	}
	return true;
}

rp_err server_check(struct server *s, struct buf *err)
{
	if (server_alive(s))
		return RP_OK;
	if (ping(s->socket) == 1)
		return RP_OK;   /* not ours, or someone restarted it */
	return spawn(s, err);
}

rp_err server_stop(struct server *s, struct buf *err)
{
	if (!s)
		return RP_OK;
	rp_err e = RP_OK;
	if (s->pid && server_alive(s)) {
		struct timeval tv = { 2, 0 };
		redisContext *c = redisConnectUnixWithTimeout(s->socket, tv);
		if (c && !c->err) {
			(void)redisSetTimeout(c, tv);
			/* The reply is the connection closing. */
			redisReply *rep = redisCommand(c, "SHUTDOWN");
			if (rep)
				freeReplyObject(rep);
		} else {
			kill(s->pid, SIGTERM);
		}
		if (c)
			redisFree(c);
		int64_t start = clock_mono_ns();
		int st;
		for (;;) {
			pid_t w = waitpid(s->pid, &st, WNOHANG);
			if (w == s->pid)
				break;
			if ((clock_mono_ns() - start) / 1000000 > SERVER_STOP_TIMEOUT_MS) {
				buf_printf(err, "redis-server %d did not stop within %d ms; killed",
				           (int)s->pid, SERVER_STOP_TIMEOUT_MS);
				kill(s->pid, SIGKILL);
				waitpid(s->pid, &st, 0);
				e = RP_ERR_REDIS;
				break;
			}
			clock_sleep_ms(10);
		}
		s->pid = 0;
	}
	server_free(s);
	return e;
}
