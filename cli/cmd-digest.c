/* cli/cmd-digest.c - `rapporteur digest`: the highlight stories of a theme
 * or a session, best first, as Markdown, JSON, CSV or Atom.
 *
 * Each story shows its representative excerpt (at most three sentences),
 * its size, its sources and its time span. Reads only (store/digest.h):
 * it works while ingest is paused on a full Redis. Without --redis the
 * managed redis-server of the data directory is used (started for the
 * run when it is not already up). Time is clock_now(), pinned in tests by
 * RAPPORTEUR_NOW. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/args.h"
#include "cli/cmd.h"
#include "cli/open-store.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/log.h"
#include "core/utf8.h"
#include "store/digest.h"
#include "store/keys.h"
#include "store/redis.h"
#include "store/server.h"
#include "tagger/ontology.h"

static const char usage_text[] =
	"usage: rapporteur digest THEME|SESSION [--format md|json|csv|atom] [OPTIONS]\n"
	"\n"
	"The highlight stories of a theme or a session, best first: each with\n"
	"its representative excerpt (at most three sentences), its size, its\n"
	"sources and its time span.\n"
	"\n"
	"options:\n"
	"  --format F     md (default), json, csv or atom\n"
	"  --limit N      stories to show (default 10)\n"
	"  --redis URL    redis://host:port, unix:/path or unix:///path; without it\n"
	"                 the managed redis-server of the data directory\n"
	"  --data DIR     data directory (default $RAPPORTEUR_DATA, else ./.data)\n"
	"  --tags FILE    the ontology (default $RAPPORTEUR_TAGS, else ./tags.yaml\n"
	"                 when present): names the event, the theme or session\n"
	"  --event ID     event id without an ontology (default \"default\")\n"
	"  -h, --help     this text\n"
	"\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage or an id the ontology lacks.\n";

enum format { FMT_MD, FMT_JSON, FMT_CSV, FMT_ATOM };

static void iso(int64_t t, char out[DATE_ISO_LEN])
{
	if (t > 0)
		date_format(t, out);
	else
		out[0] = '\0';
}

/* The headline of a story: the representative's title, else its first
 * sentence. */
static void headline(struct buf *out, const struct digest_story *s)
{
	if (s->rep.title) {
		buf_adds(out, s->rep.title);
		return;
	}
	struct buf ex;
	buf_init(&ex);
	digest_excerpt(&ex, s->rep.text);
	const char *t = buf_str(&ex);
	size_t n = strcspn(t, ".!?");
	/* A headline stays short, and is cut only between characters. */
	n = utf8_truncate(t, n, 120);
	buf_add(out, t, n);
	if (!n)
		buf_adds(out, s->id ? s->id : s->sid);
	buf_done(&ex);
}

/* "1 post", "2 posts": digests are read aloud by screen readers too. */
static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Markdown: escape what would start markup inside a line. */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>#|", *s))
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void write_md(FILE *f, const struct digest *d, const char *label)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	fprintf(f, "## %s: ", d->kind == DIGEST_SESSION ? "Session" : "Theme");
	md_text(f, label ? label : d->id);
	fprintf(f, " (%s)\n\n", d->id);
	iso(d->now, a);
	fprintf(f, "%zu %s in %zu %s; the best %zu as of %s.\n", d->posts,
	        plural(d->posts, "post", "posts"), d->total, plural(d->total, "story", "stories"),
	        d->n, a);
	if (d->n == 0)
		fputs("\nNo stories yet.\n", f);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_story *s = &d->stories[i];
		struct buf h, ex;
		buf_init(&h);
		buf_init(&ex);
		headline(&h, s);
		digest_excerpt(&ex, s->rep.text ? s->rep.text : s->rep.title);
		fprintf(f, "\n### %zu. ", i + 1);
		md_text(f, buf_str(&h));
		fputs("\n\n> ", f);
		md_text(f, buf_str(&ex));
		fputs("\n\n", f);
		fprintf(f, "- size: %zu %s, %zu distinct, by %zu %s on %zu %s\n",
		        s->n_posts, plural(s->n_posts, "post", "posts"), s->n_dups,
		        s->n_authors, plural(s->n_authors, "author", "authors"),
		        s->n_sources, plural(s->n_sources, "source", "sources"));
		fputs("- sources: ", f);
		for (size_t j = 0; j < s->sources.n; j++) {
			if (j)
				fputs(", ", f);
			md_text(f, s->sources.v[j]);
		}
		fputc('\n', f);
		iso(s->first, a);
		iso(s->last, b);
		fprintf(f, "- time: %s to %s\n", a, b);
		if (s->rep.url) {
			fputs("- link: <", f);
			fputs(s->rep.url, f);
			fputs(">\n", f);
		}
		if (s->rep.author) {
			fputs("- first reported by: ", f);
			md_text(f, s->rep.author);
			fputc('\n', f);
		}
		buf_done(&h);
		buf_done(&ex);
	}
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *story_json(const struct digest_story *s, size_t rank)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN], c[DATE_ISO_LEN];
	iso(s->first, a);
	iso(s->last, b);
	iso(s->rep.published, c);
	struct buf h, ex;
	buf_init(&h);
	buf_init(&ex);
	headline(&h, s);
	digest_excerpt(&ex, s->rep.text ? s->rep.text : s->rep.title);
	json_t *src = json_array();
	for (size_t j = 0; j < s->sources.n; j++)
		json_array_append_new(src, json_string(s->sources.v[j]));
	json_t *o = json_pack("{s:I, s:s, s:o, s:f, s:f, s:I, s:I, s:I, s:I, s:o, s:s, s:s, s:s, s:s}",
		"rank", (json_int_t)rank,
		"story", s->sid,
		"id", jstr(s->id),
		"score", s->score,
		"weight", s->weight,
		"size", (json_int_t)s->n_posts,
		"distinct", (json_int_t)s->n_dups,
		"authors", (json_int_t)s->n_authors,
		"source_count", (json_int_t)s->n_sources,
		"sources", src,
		"first", a,
		"last", b,
		"headline", buf_str(&h),
		"excerpt", buf_str(&ex));
	json_object_set_new(o, "representative", json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
		"post", s->rep.pid,
		"id", jstr(s->rep.id),
		"url", jstr(s->rep.url),
		"author", jstr(s->rep.author),
		"source", jstr(s->rep.source),
		"title", jstr(s->rep.title),
		"lang", jstr(s->rep.lang),
		"published", c));
	buf_done(&h);
	buf_done(&ex);
	return o;
}

static void write_json(FILE *f, const struct digest *d, const char *event, const char *label)
{
	char now[DATE_ISO_LEN];
	iso(d->now, now);
	json_t *st = json_array();
	for (size_t i = 0; i < d->n; i++)
		json_array_append_new(st, story_json(&d->stories[i], i + 1));
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:o}",
		"event", event, "kind", digest_kind_name(d->kind), "id", d->id,
		"label", jstr(label), "generated", now,
		"posts", (json_int_t)d->posts, "stories_total", (json_int_t)d->total,
		"stories", st);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputs(s, f);
	fputc('\n', f);
	free(s);
	json_decref(o);
}

static void csv_field(FILE *f, const char *s, bool last)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

static void write_csv(FILE *f, const struct digest *d)
{
	fputs("rank,story,size,distinct,authors,sources,first,last,url,headline,excerpt,source_names\r\n", f);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_story *s = &d->stories[i];
		char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
		iso(s->first, a);
		iso(s->last, b);
		struct buf h, ex, src;
		buf_init(&h);
		buf_init(&ex);
		buf_init(&src);
		headline(&h, s);
		digest_excerpt(&ex, s->rep.text ? s->rep.text : s->rep.title);
		for (size_t j = 0; j < s->sources.n; j++)
			buf_printf(&src, "%s%s", j ? " " : "", s->sources.v[j]);
		fprintf(f, "%zu,%s,%zu,%zu,%zu,%zu,%s,%s,", i + 1, s->sid, s->n_posts, s->n_dups,
		        s->n_authors, s->n_sources, a, b);
		csv_field(f, s->rep.url, false);
		csv_field(f, buf_str(&h), false);
		csv_field(f, buf_str(&ex), false);
		csv_field(f, buf_str(&src), true);
		buf_done(&h);
		buf_done(&ex);
		buf_done(&src);
	}
}

/* XML text: escape markup and drop what XML 1.0 cannot carry. */
static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		else
			fputc(c, f);
	}
}

static void write_atom(FILE *f, const struct digest *d, const char *event, const char *label)
{
	char now[DATE_ISO_LEN];
	iso(d->now, now);
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n", f);
	fprintf(f, "  <id>urn:rapporteur:%s:%s:%s</id>\n", event, digest_kind_name(d->kind), d->id);
	fputs("  <title>", f);
	xml_text(f, label ? label : d->id);
	fputs(": highlights</title>\n", f);
	fprintf(f, "  <updated>%s</updated>\n  <author><name>rapporteur</name></author>\n", now);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_story *s = &d->stories[i];
		char last[DATE_ISO_LEN];
		iso(s->last ? s->last : d->now, last);
		struct buf h, ex;
		buf_init(&h);
		buf_init(&ex);
		headline(&h, s);
		digest_excerpt(&ex, s->rep.text ? s->rep.text : s->rep.title);
		fprintf(f, "  <entry>\n    <id>urn:rapporteur:%s:story:%s</id>\n", event, s->sid);
		fputs("    <title>", f);
		xml_text(f, buf_str(&h));
		fprintf(f, "</title>\n    <updated>%s</updated>\n", last);
		if (s->rep.url && (strncmp(s->rep.url, "http://", 7) == 0 ||
		                   strncmp(s->rep.url, "https://", 8) == 0)) {
			fputs("    <link href=\"", f);
			xml_text(f, s->rep.url);
			fputs("\"/>\n", f);
		}
		fputs("    <summary>", f);
		xml_text(f, buf_str(&ex));
		fprintf(f, " (%zu posts by %zu authors on %zu sources)</summary>\n  </entry>\n",
		        s->n_posts, s->n_authors, s->n_sources);
		buf_done(&h);
		buf_done(&ex);
	}
	fputs("</feed>\n", f);
}

/* Whether the theme or session id of kind has posts (its field in
 * store/keys.h P n): 1 yes, 0 no, -1 error. */
static int index_exists(struct redis *r, const char *event, enum digest_kind kind, const char *id)
{
	struct buf k, field;
	buf_init(&k);
	buf_init(&field);
	store_prefix(&k, event);
	buf_adds(&k, STORE_K_COUNTS);
	buf_printf(&field, "%s%s", kind == DIGEST_SESSION ? STORE_K_SESSION : STORE_K_THEME, id);
	redisReply *rep;
	int res = -1;
	if (redis_callv(r, &rep, "HEXISTS", buf_str(&k), buf_str(&field), (char *)NULL) == RP_OK) {
		res = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
		freeReplyObject(rep);
	}
	buf_done(&k);
	buf_done(&field);
	return res;
}

int cmd_digest(int argc, char **argv)
{
	const char *id = NULL, *redis_url_arg = NULL, *data = NULL, *tags = NULL, *event = NULL;
	enum format fmt = FMT_MD;
	size_t limit = DIGEST_LIMIT_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "--format") == 0 && v) {
			if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
				fmt = FMT_MD;
			else if (strcmp(v, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(v, "csv") == 0)
				fmt = FMT_CSV;
			else if (strcmp(v, "atom") == 0)
				fmt = FMT_ATOM;
			else {
				log_error(NULL, "--format %s: expected md, json, csv or atom", v);
				return 2;
			}
			i++;
		} else if (strcmp(a, "--limit") == 0 && v && args_size(v, 1, DIGEST_LIMIT_MAX, &limit)) {
			i++;
		} else if (cli_store_option(a, v, &redis_url_arg, &data, &tags, &event)) {
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			return args_bad(a, v, usage_text);
		} else if (!id) {
			id = a;
		} else {
			log_error(NULL, "one THEME or SESSION only (got \"%s\" and \"%s\")", id, a);
			return 2;
		}
	}
	if (!id) {
		log_error(NULL, "which THEME or SESSION?");
		fputs(usage_text, stderr);
		return 2;
	}

	int status = 0;
	struct buf err;
	buf_init(&err);
	struct ontology *onto = NULL;
	struct server *srv = NULL;
	struct redis *r = NULL;
	struct digest d = { 0 };
	const char *label = NULL;
	enum digest_kind kind = DIGEST_THEME;
	bool kind_known = false;

	tags = cli_tags_path(tags);   /* named in the errors below */
	if ((status = cli_store_event(tags, event, &onto, &event)) != 0)
		goto done;
	if (onto) {
		const struct concept *c = ontology_find(onto, id);
		if (!c || (c->kind != CONCEPT_THEME && c->kind != CONCEPT_SESSION)) {
			log_error(tags, "\"%s\" is neither a theme nor a session of %s", id, event);
			status = 2;
			goto done;
		}
		kind = c->kind == CONCEPT_SESSION ? DIGEST_SESSION : DIGEST_THEME;
		kind_known = true;
		label = concept_label(c, NULL);
	}
	if ((status = cli_open_store(redis_url_arg, data, &srv, &r)) != 0)
		goto done;
	if (!kind_known && index_exists(r, event, DIGEST_THEME, id) != 1 &&
	    index_exists(r, event, DIGEST_SESSION, id) == 1)
		kind = DIGEST_SESSION;
	rp_err e = digest_read(r, event, kind, id, limit, clock_now(), &d, &err);
	if (e) {
		log_error(redis_url(r), "%s", buf_str(&err));
		status = 1;
		goto done;
	}
	switch (fmt) {
	case FMT_MD:   write_md(stdout, &d, label); break;
	case FMT_JSON: write_json(stdout, &d, event, label); break;
	case FMT_CSV:  write_csv(stdout, &d); break;
	case FMT_ATOM: write_atom(stdout, &d, event, label); break;
	}
	if (fflush(stdout) != 0) {
		log_error(NULL, "stdout: %s", strerror(errno));
		status = 1;
	}
done:
	digest_done(&d);
	redis_close(r);
	buf_reset(&err);
	if (server_stop(srv, &err) != RP_OK)
		log_warn(NULL, "%s", buf_str(&err));
	ontology_free(onto);
	buf_done(&err);
	return status;
}
