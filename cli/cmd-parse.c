/* cli/cmd-parse.c - `rapporteur parse FILE|-`: one feed document as the
 * JSON of FEED_SCHEMA.md, on stdout.
 *
 * A pure filter: the document, up to RP_FEED_MAX_BYTES, is parsed with
 * no network. A regular file is mapped read-only, and the mapped pages
 * behind the parse are let go of as it reports its progress (feed.h,
 * feed_progress_fn): the resident set stays flat whatever the size of
 * the file, the process's own few MiB and what the largest entry needs.
 * stdin (or a file that cannot be mapped) is read whole into a buffer,
 * held to the end. Entries are written as they are parsed; the
 * feed-level keys come last (key order is free). Broken input is not a
 * failure: exit 0 with "bozo": true. Exit 1 when FILE cannot be read, 2
 * on bad usage or a document over the limit. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/utf8.h"
#include "fetchers/feed.h"

static const char usage_text[] =
	"usage: rapporteur parse FILE|-\n"
	"\n"
	"Parse one feed document (RSS 0.9x/2.0, RDF, Atom 0.3/1.0, JSON Feed\n"
	"1.0/1.1) from FILE, or stdin for -, and print it as one JSON object\n"
	"(FEED_SCHEMA.md): format, title, link, bozo, entries. No network.\n"
	"Broken input still gives exit 0, with \"bozo\": true.\n";

/* The mapped pages behind the parse are let go of once this many more
 * bytes lie behind the last release, and twice this many are mapped
 * ahead of it: what the file adds to the resident set stays within a
 * few of these (1 MiB steps held about 4 MiB, 256 KiB steps 1.1 MiB, on
 * 10 to 63 MB feeds; bench/parse section 3), for two madvise calls a
 * step. */
#define RELEASE_STEP ((size_t)1 << 19)

struct out {
	struct buf b;
	bool first;
	const char *map;   /* the file mapping (page aligned); NULL when reading stdin */
	size_t map_len;    /* its length, bytes */
	size_t page;       /* page size, bytes (a power of two) */
	size_t released;   /* map[0..released) was let go of in this pass; page aligned */
	size_t populated;  /* map[released..populated) was mapped ahead (MADV_POPULATE_READ) */
	size_t last;       /* the last offset reported */
};

static void flush_out(struct out *o, bool all)
{
	if (o->b.len >= 65536 || (all && o->b.len)) {
		fwrite(o->b.data, 1, o->b.len, stdout);
		buf_reset(&o->b);
	}
}

static void on_entry(void *ctx, const struct feed *f, const struct feed_entry *e)
{
	struct out *o = ctx;
	(void)f;
	feed_json_entry(&o->b, e, o->first);
	o->first = false;
	flush_out(o, false);
}

/* The parse has read map[0..offset) in its pass over the file: let go
 * of the mapped pages below it, a RELEASE_STEP at least at a time. A
 * report lower than the last begins a new pass: then all of the mapping
 * goes, the tail the last pass left mapped too, and the new pass maps
 * again what it reads.
 *
 * Safe although the parse may read them again (feed.h: a new pass, the
 * reading again after a late decline of the fast path): the mapping is
 * MAP_PRIVATE and PROT_READ and never written, so it holds no private
 * copy of any page, and MADV_DONTNEED only takes the pages out of the
 * process's page tables; the next touch maps them again from the page
 * cache (reading the file back if the kernel dropped them), with the
 * same content. What leaves the resident set is only the part of the
 * page cache this process had mapped.
 *
 * How much of the file stays resident depends on the page cache: where
 * it holds the file in large folios (ext4 on Linux 6.x, a file just
 * written), a fault maps a whole folio, up to 2 MiB, and a release of
 * part of a 2 MiB one unmaps all of it: then up to two such folios
 * (about 4 MiB) are mapped at the peak, else about RELEASE_STEP and the
 * kernel's fault-around (bench/parse section 3). */
static void on_progress(void *ctx, size_t offset)
{
	struct out *o = ctx;
	if (offset < o->last) {
		(void)madvise((void *)o->map, o->map_len, MADV_DONTNEED);
		o->released = o->populated = 0;
	}
	o->last = offset;
	/* Map the next pages before the parse touches them: one call maps
	 * 2 MiB, where touching them took a page fault for every 16 pages
	 * (the kernel's fault-around), each costing several us on a virtual
	 * machine. Advice only: a kernel before 5.14 refuses it. */
	if (offset + RELEASE_STEP > o->populated && o->populated < o->map_len) {
		size_t from = o->populated > offset ? o->populated : offset & ~(o->page - 1);
		size_t len = 2 * RELEASE_STEP;
		if (len > o->map_len - from)
			len = o->map_len - from;
		(void)madvise((void *)(o->map + from), len, MADV_POPULATE_READ);
		o->populated = from + len;
	}
	size_t upto = offset & ~(o->page - 1);
	if (upto < o->released + RELEASE_STEP)
		return;
	/* advice only: on failure the pages just stay */
	(void)madvise((void *)(o->map + o->released), upto - o->released, MADV_DONTNEED);
	o->released = upto;
}

/* Whether the file's first n bytes are valid UTF-8 (1) or not (-1), read
 * through read(2) into a small buffer; 0 when it cannot be read (the
 * parse then checks the mapping itself). Done so because the parse would
 * check the mapping first and then read it again for the XML: with the
 * pages behind each pass let go of, every page was mapped twice, and a
 * page fault costs several us on a virtual machine (a 10 MB feed took
 * 7-10 ms longer to parse). A copy out of the page cache into a buffer
 * that stays in cache costs far less, and the XML reading is then the
 * first to touch the mapping. */
static int utf8_by_read(int fd, size_t n)
{
	enum { CHUNK = 1 << 16 };
	char *b = rp_malloc(CHUNK);
	struct utf8_stream st;
	utf8_stream_init(&st);
	size_t at = 0;
	while (at < n && !st.bad) {
		ssize_t got = pread(fd, b, n - at < CHUNK ? n - at : CHUNK, (off_t)at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		utf8_stream_add(&st, b, (size_t)got);
		at += (size_t)got;
	}
	rp_free(b);
	bool valid = utf8_stream_end(&st);
	if (!valid)
		return -1;
	return at == n ? 1 : 0;
}

/* Read all of fp into b, at most max + 1 bytes (so "too big" shows). */
static int read_all(FILE *fp, struct buf *b, size_t max)
{
	for (;;) {
		buf_reserve(b, 65536);
		size_t room = b->cap - b->len - 1;
		if (b->len + room > max + 1)
			room = max + 1 - b->len;
		size_t got = fread(b->data + b->len, 1, room, fp);
		b->len += got;
		b->data[b->len] = 0;
		if (b->len > max)
			return 0;
		if (got < room) {
			if (ferror(fp))
				return errno ? errno : EIO;
			return 0;
		}
	}
}

int cmd_parse(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
			log_error(NULL, "unknown option %s", argv[i]);
			fputs(usage_text, stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--") && i + 1 < argc) {
			path = argv[i + 1];
			i++;
			continue;
		}
		if (path) {
			fputs(usage_text, stderr);
			return 2;
		}
		path = argv[i];
	}
	if (!path) {
		fputs(usage_text, stderr);
		return 2;
	}

	struct buf in = { 0 };
	const char *bytes = NULL;
	size_t n = 0;
	void *map = NULL;
	size_t map_len = 0;
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!fp) {
		log_error(path, "%s", strerror(errno));
		return 1;
	}
	/* A regular file is mapped, not copied; anything else is read. The
	 * mapped pages are the kernel's page cache, clean and reclaimable,
	 * and on_progress takes them out of the resident set behind the
	 * parse, so that stays a few MiB whatever the file (bench/parse
	 * section 3). What is read goes into a buffer of our own, which
	 * would not come back if let go of: it is not released. Read once
	 * onto 2 MiB pages instead, a 10 MB feed parsed 3-5 ms faster on the
	 * bench VM (fewer page faults and TLB misses), but the whole
	 * document then sat in the process's own memory: not kept. */
	struct stat st;
	bool regular = fp != stdin && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	if (regular) {
		/* refused before any of it is read (it was read up to the limit,
		 * 64 MiB, only to be refused) */
		struct buf err = { 0 };
		rp_err e = feed_check_size((uint64_t)st.st_size, &err);
		if (e) {
			log_error(path, "%s", buf_str(&err));
			buf_done(&err);
			fclose(fp);
			return rp_err_exit_status(e);
		}
	}
	if (regular && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(fp), 0);
		if (map == MAP_FAILED) {
			map = NULL;
		} else {
			map_len = (size_t)st.st_size;
			bytes = map;
			n = map_len;
		}
	}
	if (!map) {
		int e = read_all(fp, &in, RP_FEED_MAX_BYTES);
		if (e) {
			log_error(path, "%s", strerror(e));
			if (fp != stdin)
				fclose(fp);
			buf_done(&in);
			return 1;
		}
		bytes = in.data ? in.data : "";
		n = in.len;
	}
	/* below a release step nothing is let go of, and checking the
	 * mapping costs nothing more than reading it */
	int utf8 = map && map_len > RELEASE_STEP ? utf8_by_read(fileno(fp), map_len) : 0;
	if (fp != stdin)
		fclose(fp);

	struct out o = { .first = true, .map = map, .map_len = map_len };
	long page = sysconf(_SC_PAGESIZE);
	o.page = page > 0 ? (size_t)page : 4096;
	struct buf err = { 0 };
	struct feed f;
	feed_json_begin(&o.b);
	struct feed_stream how = { on_entry, map ? on_progress : NULL, &o, utf8 };
	rp_err r = feed_parse_stream(bytes, n, &f, &how, &err);
	if (map)
		munmap(map, map_len);
	buf_done(&in);
	if (r != RP_OK) {
		log_error(path, "%s", buf_str(&err));
		buf_done(&err);
		buf_done(&o.b);
		return rp_err_exit_status(r);
	}
	feed_json_end(&o.b, &f);
	flush_out(&o, true);
	feed_done(&f);
	buf_done(&o.b);
	buf_done(&err);
	if (fflush(stdout) != 0) {
		log_error(path, "writing output: %s", strerror(errno));
		return 1;
	}
	return 0;
}
