/* cli/cmd-tag.c - `rapporteur tag --in posts.jsonl [--tags FILE]`.
 *
 * A pure filter: reads posts.jsonl, matches every post against the
 * ontology and prints one JSON line per post ({"id","event","themes",
 * "sessions","tags","why"}, tagger/match.h). A bad line is reported as
 * `rapporteur tag: FILE:LINE: why` and skipped; the exit status is then 2
 * once every other line is printed.
 *
 * A tag the ontology does not know is shown in its most used spelling
 * (tagger/casing.h) - the most used SO FAR: each line is printed as soon
 * as its post is read, so a post shows the spelling that leads among the
 * posts up to and including it, and later lines may show another as the
 * counts move. Chosen over a second pass, for files, because this verb is
 * a filter on a stream (a pipe or a live feed has no second pass, and the
 * output stays in step with the input in bounded memory), and a second
 * parse of the input cost about 75% more CPU (bench/tag), below the
 * 200k posts/s the tagger keeps. The whole-input count is what
 * `rapporteur tags suggestions` shows (tagger/mine.h, and Redis's
 * discovery during import). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/post.h"
#include "store/curation.h"
#include "tagger/casing.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

static void tag_usage(FILE *f)
{
	fputs("usage: rapporteur tag --in posts.jsonl|- [--tags FILE] [--redis URL]\n"
	      "\n"
	      "Match each post to the event, its themes and sessions (tags.yaml) and\n"
	      "print one JSON line per post: {\"id\",\"event\",\"themes\",\"sessions\",\n"
	      "\"tags\",\"why\"}. --tags defaults to ./tags.yaml. With --redis, the\n"
	      "curation decisions kept there are applied first (the posts stored in\n"
	      "Redis are re-tagged by `rapporteur tags retag`). A tag not in the\n"
	      "ontology is shown in the spelling most used so far in the input.\n", f);
}

int cmd_tag(int argc, char **argv)
{
	const char *in = NULL, *tags = "tags.yaml", *redis = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			tag_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--in") == 0 && i + 1 < argc) {
			in = argv[++i];
		} else if (strcmp(argv[i], "--tags") == 0 && i + 1 < argc) {
			tags = argv[++i];
		} else if (strcmp(argv[i], "--redis") == 0 && i + 1 < argc) {
			redis = argv[++i];
		} else {
			log_error(NULL, "unknown argument \"%s\"", argv[i]);
			tag_usage(stderr);
			return 2;
		}
	}
	if (!in) {
		log_error(NULL, "--in posts.jsonl is required");
		tag_usage(stderr);
		return 2;
	}

	int status = 0;
	struct buf err = {0}, out = {0};
	struct ontology *o = NULL;
	struct matcher *m = NULL;
	struct casings *cs = casings_new();
	struct match_why why;
	match_why_init(&why);
	char *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;

	rp_err e = ontology_load(tags, &o, &err);
	if (e) {
		fputs(buf_str(&err), stderr);
		log_error(tags, "cannot load the ontology (%s)", rp_err_str(e));
		status = rp_err_exit_status(e);
		goto done;
	}
	if (redis) {
		redisContext *c = NULL;
		uint64_t version;
		buf_reset(&err);
		e = curation_connect(redis, &c, &err);
		if (e == RP_OK)
			e = curation_apply(c, o, &version, &err);
		if (c)
			redisFree(c);
		if (e) {
			log_error(NULL, "%s", buf_str(&err));
			status = rp_err_exit_status(e);
			goto done;
		}
		if (err.len)
			fputs(buf_str(&err), stderr); /* decisions that no longer apply */
	}
	f = strcmp(in, "-") == 0 ? stdin : fopen(in, "rb");
	if (!f) {
		log_error(in, "%s", strerror(errno));
		status = 1;
		goto done;
	}
	m = matcher_new(o);
	size_t lineno = 0;
	ssize_t got;
	while ((got = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		size_t sp = 0;
		while (sp < len && (line[sp] == ' ' || line[sp] == '\t'))
			sp++;
		if (sp == len)
			continue; /* blank lines separate nothing; skip them */
		struct post p;
		buf_reset(&err);
		e = post_parse_line(line, len, &p, &err);
		if (e) {
			char where[4096];
			snprintf(where, sizeof where, "%s:%zu", in, lineno);
			log_error(where, "%s", buf_str(&err));
			status = 2;
			continue;
		}
		matcher_match(m, &p, &why);
		for (size_t t = 0; t < why.n_tags; t++)
			if (!why.tags[t].concept)
				why.tags[t].display = casings_add(cs, why.tags[t].display,
				                                  why.tags[t].display_len,
				                                  &why.tags[t].display_len);
		match_write_json(o, &p, &why, &out);
		buf_addc(&out, '\n');
		post_done(&p);
		if (out.len >= 1 << 16) {
			fwrite(out.data, 1, out.len, stdout);
			buf_reset(&out);
		}
	}
	if (ferror(f)) {
		log_error(in, "%s", strerror(errno));
		status = 1;
	}
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	if (fflush(stdout) != 0) {
		log_error(NULL, "writing the output: %s", strerror(errno));
		status = 1;
	}
done:
	if (f && f != stdin)
		fclose(f);
	free(line);
	match_why_done(&why);
	matcher_free(m);
	casings_free(cs);
	ontology_free(o);
	buf_done(&err);
	buf_done(&out);
	return status;
}
