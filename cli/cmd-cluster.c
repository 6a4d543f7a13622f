/* cli/cmd-cluster.c - `rapporteur cluster`: the dedupe and story engine of
 * live ingest (store/cluster.h) run over a posts.jsonl file.
 *
 * A pure filter: posts.jsonl in, one {"id","dup","cluster"} line per post
 * out, in input order; no Redis, no network. Bad lines are reported as
 * `rapporteur cluster: FILE:LINE: why` and skipped; the exit status is 2
 * at the end when any was. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/post.h"
#include "store/cluster.h"

static const char usage_text[] =
	"usage: rapporteur cluster --in posts.jsonl [--out pred.jsonl] [OPTIONS]\n"
	"\n"
	"Deduplicate posts and group them into stories with the engine of live\n"
	"ingest. Writes one JSON line per post, in input order:\n"
	"  {\"id\":...,\"dup\":...,\"cluster\":...}\n"
	"dup is the id of the first post of its duplicate group (reposts,\n"
	"cross-posts, copies, near-copies); cluster is the id of the first post\n"
	"of its story. `-` reads stdin / writes stdout (the default for --out).\n"
	"\n"
	"options:\n"
	"  --in FILE             posts.jsonl to read (required)\n"
	"  --out FILE            where to write the predictions (default stdout)\n"
	"  --explain             add \"match\" (the dedupe rule) and \"sim\" to each line\n"
	"  --story-average X     mean TF-IDF cosine to a story's members to join it\n"
	"                        (group-average link; default %.2f)\n"
	"  --near-jaccard X      shingle Jaccard for a near-duplicate (default %.2f)\n"
	"  --story-window HOURS  how long a quiet story takes new posts (default %.0f)\n"
	"  --story-time-scale HOURS  that mean divided by 1 + gap/scale (default %.1f; 0 off)\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage or bad input lines (reported\n"
	"as `rapporteur cluster: FILE:LINE: why` and skipped).\n";

static void usage(FILE *f)
{
	struct cluster_params d;
	cluster_params_default(&d);
	fprintf(f, usage_text, d.story_min_average, d.near_min_jaccard,
	        (double)d.story_window_s / 3600.0, (double)d.story_time_scale_s / 3600.0);
}

static int parse_double(const char *s, double lo, double hi, double *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*ret = v;
	return 0;
}

static void write_line(FILE *out, const struct post *p, const struct cluster_assign *a,
                       int explain)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(p->id));
	json_object_set_new(o, "dup", json_string(a->dup));
	json_object_set_new(o, "cluster", json_string(a->story));
	if (explain) {
		json_object_set_new(o, "match", json_string(cluster_match_str(a->match)));
		json_object_set_new(o, "sim", json_real(a->similarity));
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs(s, out);
	fputc('\n', out);
	free(s);
	json_decref(o);
}

int cmd_cluster(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = "-";
	int explain = 0;
	struct cluster_params par;
	cluster_params_default(&par);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		double d;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--explain") == 0) {
			explain = 1;
		} else if (strcmp(a, "--in") == 0 && v) {
			in_path = v;
			i++;
		} else if (strcmp(a, "--out") == 0 && v) {
			out_path = v;
			i++;
		} else if (strcmp(a, "--story-average") == 0 && v && parse_double(v, 0, 1, &d) == 0) {
			par.story_min_average = d;
			i++;
		} else if (strcmp(a, "--near-jaccard") == 0 && v && parse_double(v, 0, 1, &d) == 0) {
			par.near_min_jaccard = d;
			i++;
		} else if (strcmp(a, "--story-time-scale") == 0 && v &&
		           parse_double(v, 0, 24.0 * 365, &d) == 0) {
			par.story_time_scale_s = (int64_t)(d * 3600);
			i++;
		} else if (strcmp(a, "--story-window") == 0 && v &&
		           parse_double(v, 0, 24.0 * 365, &d) == 0) {
			par.story_window_s = (int64_t)(d * 3600);
			i++;
		} else {
			fprintf(stderr, "rapporteur cluster: bad argument \"%s\"%s\n", a,
			        v ? "" : " (missing value?)");
			usage(stderr);
			return 2;
		}
	}
	if (!in_path) {
		fputs("rapporteur cluster: --in FILE is required\n", stderr);
		usage(stderr);
		return 2;
	}

	int status = 0;
	FILE *in = NULL, *out = NULL;
	struct cluster_engine *e = NULL;
	char *line = NULL;
	size_t cap = 0;
	struct buf err;
	buf_init(&err);

	in = strcmp(in_path, "-") == 0 ? stdin : fopen(in_path, "r");
	if (!in) {
		fprintf(stderr, "rapporteur cluster: %s: %s\n", in_path, strerror(errno));
		status = 1;
		goto done;
	}
	out = strcmp(out_path, "-") == 0 ? stdout : fopen(out_path, "w");
	if (!out) {
		fprintf(stderr, "rapporteur cluster: %s: %s\n", out_path, strerror(errno));
		status = 1;
		goto done;
	}

	e = cluster_engine_new(&par);
	ssize_t n;
	size_t lineno = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue;   /* blank lines carry nothing */
		struct post p;
		buf_reset(&err);
		if (post_parse_line(line, len, &p, &err) != RP_OK) {
			fprintf(stderr, "rapporteur cluster: %s:%zu: %s\n", in_path, lineno, buf_str(&err));
			status = 2;
			continue;
		}
		struct cluster_assign a;
		if (cluster_engine_add(e, &p, &a) != RP_OK) {
			fprintf(stderr, "rapporteur cluster: %s:%zu: post has no id\n", in_path, lineno);
			status = 2;
		} else {
			write_line(out, &p, &a, explain);
		}
		post_done(&p);
	}
	if (ferror(in)) {
		fprintf(stderr, "rapporteur cluster: %s: %s\n", in_path, strerror(errno));
		status = 1;
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "rapporteur cluster: %s: write failed: %s\n", out_path, strerror(errno));
		status = 1;
	}
done:
	cluster_engine_free(e);
	free(line);
	buf_done(&err);
	if (in && in != stdin)
		fclose(in);
	if (out && out != stdout && fclose(out) != 0 && status == 0) {
		fprintf(stderr, "rapporteur cluster: %s: %s\n", out_path, strerror(errno));
		status = 1;
	}
	return status;
}
