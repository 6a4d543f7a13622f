/* cli/cmd-import.c - `rapporteur import`: posts.jsonl or feed files into Redis.
 *
 * Each post is tagged (tagger/match.h: event, themes, sessions), goes
 * through the dedupe and story engine (store/cluster.h), then into Redis
 * through the pipelined atomic ingest (store/ingest.h). Idempotent: the
 * ingest script recognises every post it already holds, so a second run
 * changes nothing, and a run killed with SIGKILL is finished by running it
 * again (the engine sees the file in the same order and decides the same).
 *
 * posts.jsonl is read, parsed and tagged by a reader thread that runs
 * ahead of the main thread (engine and ingest) through a bounded queue in
 * file order, so that work overlaps the engine's and Redis's (the engine
 * decides in file order as before; only the reader touches the matcher).
 *
 * Without --redis a managed redis-server (store/server.h) serves the data
 * directory for the length of the run. On a terminal a progress bar shows
 * on stderr; otherwise a plain log line every few seconds. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cmd.h"
#include "cli/open-store.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/post.h"
#include "store/cluster.h"
#include "store/curation.h"
#include "store/discovery.h"
#include "store/ingest.h"
#include "store/keys.h"
#include "store/redis.h"
#include "store/server.h"
#include "fetchers/feed.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

#define IMPORT_PROGRESS_MS    100         /* progress bar refresh on a terminal */
#define IMPORT_LOG_MS         5000        /* plain progress line otherwise */
#define IMPORT_QUEUE_POSTS    512         /* posts read and tagged ahead of the engine */
#define IMPORT_QUEUE_BATCH    64          /* posts the main thread takes at once */
#define IMPORT_READ_BUF       (1 << 20)   /* stdio buffer of a posts.jsonl file */
#define IMPORT_QUEUE_WAIT_MS  20          /* an empty queue waits this long for a batch */

static const char usage_text[] =
	"usage: rapporteur import [OPTIONS] posts.jsonl|FEED...\n"
	"\n"
	"Ingest posts into Redis: tag them, deduplicate them, group them into\n"
	"stories, index them per theme and session. Running it again changes\n"
	"nothing; a run that was killed is completed by running it again.\n"
	"Files ending in .jsonl or .ndjson (or `-`, stdin) are posts.jsonl;\n"
	"any other file is a feed (RSS, RDF, Atom, JSON Feed).\n"
	"\n"
	"options:\n"
	"  --redis URL      redis://host:port, unix:/path or unix:///path; without\n"
	"                   it a managed redis-server runs on the data directory\n"
	"  --data DIR       data directory of the managed server (default\n"
	"                   $RAPPORTEUR_DATA, else ./.data)\n"
	"  --tags FILE      the ontology (tags.yaml); default $RAPPORTEUR_TAGS, else\n"
	"                   ./tags.yaml when present\n"
	"  --event ID       event id when no ontology is used (default \"default\")\n"
	"  --batch N        posts per ingest batch (default 512, at most 1024)\n"
	"  --window N       script calls in flight (default 4)\n"
	"  --retry SECONDS  how long to wait out a lost or full Redis (default 60)\n"
	"  --no-restore     do not rebuild the engine from the posts Redis holds\n"
	"                   (by default new posts join the stories of earlier\n"
	"                   imports within the engine's windows)\n"
	"  -q, --quiet      no progress, only errors and the summary\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage or bad input (bad lines are\n"
	"reported as `rapporteur import: FILE:LINE: why` and skipped).\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct import {
	struct ontology *onto;
	struct matcher *matcher;  /* NULL without an ontology: every post is kept, untagged */
	struct cluster_engine *engine;
	struct ingest *ingest;
	struct discovery *disc;   /* hashtags beside the agreed ones (tagger engineers); NULL
	                             without an ontology */
	bool tty, quiet;
	int64_t start_ns, last_report_ns;
	uint64_t bytes_total;
	_Atomic uint64_t bytes_done;
	_Atomic size_t read, bad, outside;  /* posts read, refused, not about the event
	                                       (the reader thread counts too) */
	const char *file;        /* being read */
	struct match_why why;    /* the main thread's scratch for tag_post */
};

static void note(void *ctx, const char *msg)
{
	struct import *im = ctx;
	if (im->tty && !im->quiet)
		fputs("\r\033[K", stderr);
	log_warn(NULL, "%s", msg);
}

static void report(struct import *im, bool force)
{
	if (im->quiet)
		return;
	int64_t now = clock_mono_ns();
	int64_t gap = (now - im->last_report_ns) / 1000000;
	if (!force && gap < (im->tty ? IMPORT_PROGRESS_MS : IMPORT_LOG_MS))
		return;
	im->last_report_ns = now;
	struct ingest_stats st;
	ingest_get_stats(im->ingest, &st);
	double secs = (double)(now - im->start_ns) / 1e9;
	double rate = secs > 0 ? (double)st.acked / secs : 0;
	double frac = im->bytes_total ? (double)im->bytes_done / (double)im->bytes_total : 0;
	if (frac > 1)
		frac = 1;
	if (im->tty) {
		char bar[31];
		int fill = (int)(frac * 30);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K[%s] %3.0f%% %zu posts stored, %.0f posts/s", bar,
		        frac * 100, st.acked, rate);
		fflush(stderr);
	} else {
		log_info(im->file, "%.0f%% read, %zu posts read, %zu acknowledged, %.0f posts/s",
		         frac * 100, (size_t)im->read, st.acked, rate);
	}
}

/* A post with the tagger's result: its themes and sessions, and (for
 * discovery) the display forms of its hashtags not in the ontology. */
struct tagged {
	struct post p;
	struct strv unknown;
};

static void tagged_done(struct tagged *t)
{
	post_done(&t->p);
	strv_done(&t->unknown);
}

/* The tagger's result, with why as scratch (one per thread). With an
 * ontology, a post that is not about the event (no event, theme or
 * session tag or keyword, not from a trusted source) is not stored under
 * it: false. t->unknown is filled for discovery, from the same match. */
static bool tag_post(struct import *im, struct tagged *t, struct match_why *why)
{
	strv_init(&t->unknown);
	if (im->matcher) {
		matcher_match(im->matcher, &t->p, im->disc ? why : NULL);
		if (!t->p.in_event) {
			im->outside++;
			return false;
		}
		if (im->disc)
			match_why_unknown(why, &t->unknown);
	}
	return true;
}

/* One tagged post: engine, ingest. Errors from Redis end the run. */
static rp_err store_post(struct import *im, struct tagged *t)
{
	struct post *p = &t->p;
	struct cluster_assign as;
	rp_err e = cluster_engine_add(im->engine, p, &as);
	if (e) {
		log_warn(im->file, "post \"%s\": the engine refused it", p->id ? p->id : "");
		im->bad++;
		return RP_OK;
	}
	struct cluster_story cs;
	bool have = cluster_engine_story(im->engine, as.story, &cs) == RP_OK;
	if (im->disc) {
		struct ingest_stats st;
		ingest_get_stats(im->ingest, &st);
		discovery_add(im->disc, p, &t->unknown, &as, st.queued);   /* counted when acked as stored */
	}
	e = ingest_add(im->ingest, p, &as, have ? &cs : NULL);
	if (e == RP_ERR_INPUT) {
		im->bad++;
		return RP_OK;
	}
	return e;
}

/* One post of a feed, on the main thread: tag, engine, ingest. p is
 * moved into the call and freed. */
static rp_err take_post(struct import *im, struct post *p)
{
	struct tagged t = { .p = *p };
	rp_err e = tag_post(im, &t, &im->why) ? store_post(im, &t) : RP_OK;
	tagged_done(&t);
	return e;
}

static bool is_jsonl(const char *path)
{
	if (strcmp(path, "-") == 0)
		return true;
	size_t n = strlen(path);
	return (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
	       (n > 7 && strcmp(path + n - 7, ".ndjson") == 0);
}

/* The posts the reader thread has read and tagged, oldest first: a ring
 * of IMPORT_QUEUE_POSTS. The queue owns the posts in it; pop moves them
 * out to the caller.
 *
 * The two threads wake each other in batches, not per post: a full queue
 * makes the reader sleep until it is half empty, and the main thread,
 * finding it empty, sleeps until a quarter of it is filled (or the
 * reader is done, or IMPORT_QUEUE_WAIT_MS pass, so a slow pipe still
 * flows). Waking per post made the threads take turns on every post
 * once the queue was full: 29k futex calls for 100k posts (strace -c).
 *
 * The main thread hands the posts it is done with back (spent), and the
 * reader frees them, one before it reads each line: memory freed by the
 * thread that allocated it goes back to that thread's malloc caches, and
 * one post's strings freed just before the next post's are made come
 * straight back from them. Freed on the main thread, the posts went to
 * the reader's arena as loose chunks that its malloc had to sort back
 * in: a quarter of the reader's time (perf); freed by the batch, most
 * overflowed the per-thread caches. */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct tagged v[IMPORT_QUEUE_POSTS];
	size_t head, n;
	struct tagged *spent;  /* IMPORT_QUEUE_POSTS slots: posts for the reader to free */
	size_t n_spent;
	size_t want_more; /* the main thread sleeps on `more` until n reaches it; 0: awake */
	bool want_room;  /* the reader sleeps on `room` */
	bool done;       /* the reader has finished (end of file, error or stop) */
	bool quit;       /* the main thread has given up: the reader stops */
	rp_err err;      /* the reader's I/O error, when done */
};

struct reader {
	struct import *im;
	struct queue *q;
	FILE *f;
	const char *path;
	struct tagged *spent;  /* IMPORT_QUEUE_POSTS slots, swapped with the queue's when drained */
	size_t n_spent, i_spent; /* spent[i_spent, n_spent) are still to be freed */
};

/* Reader side: free one post the main thread handed back, if any. */
static void reader_free_one(struct reader *rd)
{
	if (rd->i_spent < rd->n_spent)
		tagged_done(&rd->spent[rd->i_spent++]);
}

/* Reader side: false when the main thread has quit (t is freed). Takes
 * the posts the main thread handed back once the last ones are freed. */
static bool queue_push(struct reader *rd, struct tagged *t)
{
	struct queue *q = rd->q;
	pthread_mutex_lock(&q->mu);
	while (q->n == IMPORT_QUEUE_POSTS && !q->quit) {
		q->want_room = true;
		pthread_cond_wait(&q->room, &q->mu);
	}
	bool ok = !q->quit;
	if (ok) {
		q->v[(q->head + q->n) % IMPORT_QUEUE_POSTS] = *t;
		q->n++;
		if (q->want_more && q->n >= q->want_more) {
			q->want_more = 0;
			pthread_cond_signal(&q->more);
		}
	}
	if (rd->i_spent == rd->n_spent && q->n_spent > 0) {
		struct tagged *spent = q->spent;
		rd->n_spent = q->n_spent;
		rd->i_spent = 0;
		q->spent = rd->spent;
		q->n_spent = 0;
		rd->spent = spent;
	}
	pthread_mutex_unlock(&q->mu);
	if (!ok)
		tagged_done(t);
	return ok;
}

/* Main side: hand back the n posts of t it is done with, for the reader
 * to free; once it has finished, or when the hand-back is full (the
 * reader is behind), they are freed here. */
static void queue_give_back(struct queue *q, struct tagged *t, size_t n)
{
	size_t k = 0;
	pthread_mutex_lock(&q->mu);
	if (!q->done)
		for (; k < n && q->n_spent < IMPORT_QUEUE_POSTS; k++)
			q->spent[q->n_spent++] = t[k];
	pthread_mutex_unlock(&q->mu);
	for (; k < n; k++)
		tagged_done(&t[k]);
}

/* Main side, with mu held and the queue empty: sleep until a quarter of
 * the queue is filled or the reader is done; after IMPORT_QUEUE_WAIT_MS,
 * when patient, until any post comes, else no longer. */
static void queue_wait_more(struct queue *q, bool patient)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += IMPORT_QUEUE_WAIT_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	bool timed = true;
	q->want_more = IMPORT_QUEUE_POSTS / 4;
	while (q->want_more && q->n < q->want_more && !q->done) {
		if (!timed) {
			pthread_cond_wait(&q->more, &q->mu);
		} else if (pthread_cond_timedwait(&q->more, &q->mu, &until) == ETIMEDOUT) {
			if (!patient)
				break;
			timed = false;
			q->want_more = 1;
		}
	}
	q->want_more = 0;
}

/* Main side: moves up to max posts into ret and returns how many. 0 with
 * *done when the reader is done and the queue is empty; 0 without it
 * when, not patient, the reader gave nothing for IMPORT_QUEUE_WAIT_MS
 * (a slow pipe: the caller sends what it holds, then waits patiently). */
static size_t queue_pop(struct queue *q, struct tagged *ret, size_t max, bool patient, bool *done)
{
	pthread_mutex_lock(&q->mu);
	if (q->n == 0)
		queue_wait_more(q, patient);
	size_t k = q->n < max ? q->n : max;
	for (size_t i = 0; i < k; i++) {
		ret[i] = q->v[q->head];
		q->head = (q->head + 1) % IMPORT_QUEUE_POSTS;
	}
	q->n -= k;
	*done = q->done && q->n == 0;
	if (q->want_room && q->n <= IMPORT_QUEUE_POSTS / 2) {
		q->want_room = false;
		pthread_cond_signal(&q->room);
	}
	pthread_mutex_unlock(&q->mu);
	return k;
}

static void *reader_run(void *arg)
{
	struct reader *rd = arg;
	struct import *im = rd->im;
	rp_err e = RP_OK;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	struct buf err;
	buf_init(&err);
	struct match_why why;   /* the reader thread's own scratch */
	match_why_init(&why);
	while (!stop_requested && (n = getline(&line, &cap, rd->f)) >= 0) {
		reader_free_one(rd);
		lineno++;
		im->bytes_done += (uint64_t)n;
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		char where[4096];
		if (len > RP_POST_MAX_LINE) {
			snprintf(where, sizeof where, "%s:%zu", rd->path, lineno);
			log_warn(where, "line longer than %u bytes; skipped", RP_POST_MAX_LINE);
			im->bad++;
			continue;
		}
		struct tagged t;
		buf_reset(&err);
		if (post_parse_line(line, len, &t.p, &err) != RP_OK) {
			snprintf(where, sizeof where, "%s:%zu", rd->path, lineno);
			log_warn(where, "%s; skipped", buf_str(&err));
			im->bad++;
			continue;
		}
		im->read++;
		if (!tag_post(im, &t, &why)) {
			tagged_done(&t);
			continue;
		}
		if (!queue_push(rd, &t))
			break;
	}
	if (ferror(rd->f)) {
		log_error(rd->path, "read error: %s", strerror(errno));
		e = RP_ERR_IO;
	}
	while (rd->i_spent < rd->n_spent)
		reader_free_one(rd);
	free(line);
	buf_done(&err);
	match_why_done(&why);
	pthread_mutex_lock(&rd->q->mu);
	rd->q->done = true;
	rd->q->err = e;
	pthread_cond_signal(&rd->q->more);
	pthread_mutex_unlock(&rd->q->mu);
	return NULL;
}

static rp_err import_jsonl(struct import *im, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		log_error(path, "%s", strerror(errno));
		return RP_ERR_IO;
	}
	/* stdio's default buffer is st_blksize (4 KiB here): 13k reads for
	 * the 53 MB bench file; one of IMPORT_READ_BUF makes it 50 */
	char *rbuf = NULL;
	if (f != stdin) {
		rbuf = rp_malloc(IMPORT_READ_BUF);
		setvbuf(f, rbuf, _IOFBF, IMPORT_READ_BUF);
	}
	struct queue *q = rp_calloc(1, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->room, NULL);
	q->spent = rp_calloc(IMPORT_QUEUE_POSTS, sizeof *q->spent);
	struct reader rd = { im, q, f, path, NULL, 0, 0 };
	rd.spent = rp_calloc(IMPORT_QUEUE_POSTS, sizeof *rd.spent);
	pthread_t th;
	rp_err e = RP_OK;
	if (pthread_create(&th, NULL, reader_run, &rd) != 0) {
		log_error(path, "cannot start the reader thread");
		e = RP_ERR_IO;
		goto out;
	}
	struct tagged got[IMPORT_QUEUE_BATCH];
	bool done = false, idle = false;
	while (!e && !done) {
		size_t k = queue_pop(q, got, IMPORT_QUEUE_BATCH, idle, &done);
		if (k == 0 && !done) {
			/* the input is slow: store what is held before waiting on */
			e = ingest_flush(im->ingest);
			idle = true;
			continue;
		}
		idle = false;
		for (size_t i = 0; i < k && !e; i++)
			e = store_post(im, &got[i]);
		queue_give_back(q, got, k);
		report(im, false);
	}
	if (e) {
		/* Redis gave up: stop the reader and drop what it queued. */
		pthread_mutex_lock(&q->mu);
		q->quit = true;
		pthread_cond_signal(&q->room);
		pthread_mutex_unlock(&q->mu);
	}
	pthread_join(th, NULL);
	for (; q->n > 0; q->n--, q->head = (q->head + 1) % IMPORT_QUEUE_POSTS)
		tagged_done(&q->v[q->head]);
	for (size_t i = 0; i < q->n_spent; i++)
		tagged_done(&q->spent[i]);
	if (!e)
		e = q->err;
out:
	rp_free(q->spent);
	rp_free(rd.spent);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	rp_free(q);
	if (f != stdin)
		fclose(f);
	rp_free(rbuf);
	return e;
}

/* One feed entry as a post; source is the feed's own link when it has
 * one, else the file. */
static rp_err take_entry(struct import *im, const struct feed *f, const struct feed_entry *e)
{
	struct post p;
	struct buf err;
	buf_init(&err);
	const char *source = f->link ? f->link : im->file;
	if (feed_entry_to_post(f, e, source, &p, &err) != RP_OK) {
		log_warn(im->file, "entry %s: %s; skipped", e->id ? e->id : e->link ? e->link : "?",
		         buf_str(&err));
		im->bad++;
		buf_done(&err);
		return RP_OK;
	}
	buf_done(&err);
	im->read++;
	rp_err res = take_post(im, &p);
	report(im, false);
	return res;
}

/* A feed file: read whole (at most RP_FEED_MAX_BYTES) and parsed whole
 * (RP_FEED_MAX_ENTRIES), so the feed's link, which may follow the entries,
 * names the source of each. */
static rp_err import_feed(struct import *im, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		log_error(path, "%s", strerror(errno));
		return RP_ERR_IO;
	}
	struct buf doc, err;
	buf_init(&doc);
	buf_init(&err);
	rp_err e = RP_OK;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (doc.len + n > RP_FEED_MAX_BYTES) {
			log_error(path, "larger than %u bytes", RP_FEED_MAX_BYTES);
			e = RP_ERR_LIMIT;
			break;
		}
		buf_add(&doc, chunk, n);
	}
	if (!e && ferror(f)) {
		log_error(path, "read error: %s", strerror(errno));
		e = RP_ERR_IO;
	}
	fclose(f);
	if (!e) {
		struct feed feed;
		e = feed_parse(doc.data ? doc.data : "", doc.len, &feed, &err);
		if (e) {
			log_error(path, "%s", buf_str(&err));
		} else {
			if (feed.format == FEED_FORMAT_NONE) {
				log_error(path, "not a feed (RSS, RDF, Atom or JSON Feed)");
				e = RP_ERR_INPUT;
			} else if (feed.bozo && feed.bozo_reason) {
				log_warn(path, "%s (what could be read was kept)", feed.bozo_reason);
			}
			for (size_t i = 0; !e && i < feed.n_entries && !stop_requested; i++)
				e = take_entry(im, &feed, &feed.entries[i]);
			feed_done(&feed);
		}
		im->bytes_done += doc.len;
	}
	buf_done(&doc);
	buf_done(&err);
	return e;
}

int cmd_import(int argc, char **argv)
{
	const char *redis_url_arg = NULL, *data = NULL, *tags = NULL, *event = NULL;
	struct ingest_opts io = { 0 };
	size_t retry_s = INGEST_RETRY_MS_DEFAULT / 1000;
	struct import im = { 0 };
	match_why_init(&im.why);
	bool restore = true;
	/* Files may stand before, between or after the options (as with GNU
	 * getopt): each is moved down to argv[1 + n_files], a slot already
	 * read, so argv[1 .. end_files) are the files in their order. */
	int n_files = 0;
	const int first_file = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (cli_store_option(a, v, &redis_url_arg, &data, &tags, &event)) {
			i++;
		} else if (strcmp(a, "--batch") == 0 && v && args_size(v, 1, INGEST_BATCH_MAX, &io.batch)) {
			i++;
		} else if (strcmp(a, "--window") == 0 && v &&
		           args_size(v, 1, INGEST_WINDOW_MAX, &io.window)) {
			i++;
		} else if (strcmp(a, "--retry") == 0 && v && args_size(v, 1, 86400, &retry_s)) {
			i++;
		} else if (strcmp(a, "--no-restore") == 0) {
			restore = false;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			im.quiet = true;
		} else if (strcmp(a, "--") == 0) {
			while (++i < argc)
				argv[first_file + n_files++] = argv[i];
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			return args_bad(a, v, usage_text);
		} else {
			argv[first_file + n_files++] = argv[i];
		}
	}
	const int end_files = first_file + n_files;
	if (n_files == 0) {
		log_error(NULL, "no input: give posts.jsonl or feed files");
		fputs(usage_text, stderr);
		return 2;
	}
	for (int i = first_file; i < end_files; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") == 0)
			continue;
		if (stat(argv[i], &st) != 0) {
			log_error(argv[i], "%s", strerror(errno));
			return 2;
		}
		im.bytes_total += (uint64_t)st.st_size;
	}

	int status = 0;
	struct buf err;
	buf_init(&err);
	struct server *srv = NULL;
	struct redis *r = NULL;

	const char *event_arg = event;
	if ((status = cli_store_event(tags, event, &im.onto, &event)) != 0)
		goto done;
	if (event_arg && strcmp(event_arg, event) != 0) {
		log_error(NULL, "--event %s differs from the ontology's event %s", event_arg, event);
		status = 2;
		goto done;
	}

	if ((status = cli_open_store(redis_url_arg, data, &srv, &r)) != 0)
		goto done;
	if (im.onto) {
		/* Staff decisions kept in Redis (approved aliases and concepts,
		 * merges, blocks) apply to every post this import tags. */
		redisContext *c = NULL;
		uint64_t version;
		buf_reset(&err);
		rp_err ce = curation_connect(redis_url(r), &c, &err);
		if (ce == RP_OK)
			ce = curation_apply(c, im.onto, &version, &err);
		if (c)
			redisFree(c);
		if (ce) {
			log_error(redis_url(r), "cannot read the curation decisions: %s", buf_str(&err));
			status = rp_err_exit_status(ce);
			goto done;
		}
		if (err.len)
			log_warn(NULL, "%s", buf_str(&err)); /* decisions that no longer apply */
		buf_reset(&err);
		im.matcher = matcher_new(im.onto);
		/* Live discovery (store/discovery.h): counts the hashtags of the
		 * posts Redis stores as new, written about once a second. */
		buf_reset(&err);
		if (discovery_open(redis_url(r), im.onto, &im.disc, &err) != RP_OK) {
			log_error(redis_url(r), "discovery: %s", buf_str(&err));
			status = 1;
			goto done;
		}
		io.acked = discovery_acked;
		io.acked_ctx = im.disc;
	}
	io.retry_ms = (int64_t)retry_s * 1000;
	io.server = srv;
	io.note = note;
	io.note_ctx = &im;
	rp_err e = ingest_open(r, event, &io, &im.ingest, &err);
	if (e) {
		log_error(NULL, "%s", buf_str(&err));
		status = rp_err_exit_status(e);
		goto done;
	}
	struct cluster_params par;
	cluster_params_default(&par);
	im.engine = cluster_engine_new(&par);
	if (restore) {
		/* The engine's memory of what Redis holds, as far back as its
		 * windows reach from the newest stored post. */
		redisReply *rep;
		struct buf k;
		buf_init(&k);
		store_prefix(&k, event);
		buf_adds(&k, STORE_K_POSTS);
		e = redis_callv(r, &rep, "ZREVRANGE", buf_str(&k), "0", "0", "WITHSCORES", (char *)NULL);
		buf_done(&k);
		if (e) {
			log_error(NULL, "%s", redis_errstr(r));
			status = 1;
			goto done;
		}
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2) {
			int64_t newest = strtoll(rep->element[1]->str, NULL, 10);
			int64_t reach = par.dup_window_s > par.story_window_s ? par.dup_window_s
			                                                      : par.story_window_s;
			int64_t t0 = clock_mono_ns();
			size_t n = 0;
			e = ingest_restore(im.ingest, im.engine, newest - reach, &n, &err);
			if (e) {
				freeReplyObject(rep);
				log_error(NULL, "restoring the engine: %s", buf_str(&err));
				status = 1;
				goto done;
			}
			if (!im.quiet)
				log_info(NULL, "engine restored from %zu stored posts in %.2f s", n,
				         (double)(clock_mono_ns() - t0) / 1e9);
		}
		freeReplyObject(rep);
	}
	im.tty = isatty(2);
	im.start_ns = im.last_report_ns = clock_mono_ns();

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	for (int i = first_file; i < end_files && !stop_requested; i++) {
		im.file = argv[i];
		e = is_jsonl(argv[i]) ? import_jsonl(&im, argv[i]) : import_feed(&im, argv[i]);
		if (e == RP_ERR_REDIS)
			break;
		if (e) {
			status = status ? status : rp_err_exit_status(e);
			e = RP_OK;
		}
	}
	/* Settled, not just flushed: once we exit, nothing can replay what
	 * Redis acknowledged but has not yet written (store/ingest.h). */
	if (!e || e != RP_ERR_REDIS)
		e = ingest_settle(im.ingest, INGEST_KEEP_MS_DEFAULT);
	if (im.disc) {
		buf_reset(&err);
		if (discovery_flush(im.disc, NULL, &err) != RP_OK)
			log_warn(redis_url(r), "discovery counts not written: %s", buf_str(&err));
	}
	if (im.tty && !im.quiet)
		fputs("\r\033[K", stderr);
	if (e) {
		log_error(redis_url(r), "%s", ingest_errstr(im.ingest));
		status = 1;
	}
	struct ingest_stats st;
	ingest_get_stats(im.ingest, &st);
	double secs = (double)(clock_mono_ns() - im.start_ns) / 1e9;
	log_info(NULL, "event %s: %zu posts read, %zu not about the event, %zu stored (%zu new, %zu copies, %zu unchanged, "
	         "%zu edited, %zu tombstoned), %zu bad, %u reconnects (%zu acknowledged batches replayed), "
	         "%u OOM pauses, %.2f s, %.0f posts/s",
	         event, (size_t)im.read, (size_t)im.outside, st.acked, st.result[INGEST_NEW], st.result[INGEST_COPY],
	         st.result[INGEST_SAME], st.result[INGEST_EDIT], st.result[INGEST_TOMBSTONE], (size_t)im.bad, st.reconnects,
	         st.replayed, st.oom_pauses, secs,
	         secs > 0 ? (double)st.acked / secs : 0.0);
	if (stop_requested && !status) {
		log_error(NULL, "interrupted; run the same import again to finish it");
		status = 1;
	}
	if (!status && im.bad)
		status = 2;
done:
	ingest_close(im.ingest);
	discovery_close(im.disc);
	cluster_engine_free(im.engine);
	matcher_free(im.matcher);
	match_why_done(&im.why);
	redis_close(r);
	buf_reset(&err);
	if (server_stop(srv, &err) != RP_OK)
		log_warn(NULL, "%s", buf_str(&err));
	ontology_free(im.onto);
	buf_done(&err);
	return status;
}
