/* bench/tag/bench-match.c - the matcher alone, in memory.
 *
 * usage: bench-match ONTOLOGY.yaml POSTS.jsonl [ROUNDS]
 * Parses the posts once (not timed), then times matcher_match over all of
 * them ROUNDS times (default 5) and prints the best round as posts/s and
 * ns/post, with and without the why (reasons and tags). CPU time of this
 * thread, so other load on the machine does not count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/post.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: bench-match ONTOLOGY.yaml POSTS.jsonl [ROUNDS]\n", stderr);
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	struct buf err = {0};
	struct ontology *o = NULL;
	if (ontology_load(argv[1], &o, &err) != RP_OK) {
		fputs(buf_str(&err), stderr);
		return 2;
	}
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	struct post *posts = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t got;
	while ((got = getline(&line, &lcap, f)) > 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			posts = realloc(posts, cap * sizeof *posts);
		}
		buf_reset(&err);
		if (post_parse_line(line, (size_t)got, &posts[n], &err) == RP_OK) {
			bytes += posts[n].text ? strlen(posts[n].text) : 0;
			n++;
		}
	}
	fclose(f);
	free(line);

	double t0 = cpu_now();
	struct matcher *m = matcher_new(o);
	double build = cpu_now() - t0;
	struct match_why why;
	match_why_init(&why);
	size_t in_event = 0;
	for (int with_why = 0; with_why < 2; with_why++) {
		double best = 1e30;
		for (int r = 0; r < rounds; r++) {
			in_event = 0;
			double t = cpu_now();
			for (size_t i = 0; i < n; i++) {
				matcher_match(m, &posts[i], with_why ? &why : NULL);
				in_event += posts[i].in_event;
			}
			t = cpu_now() - t;
			if (t < best)
				best = t;
		}
		printf("%-10s concepts %6zu  posts %zu (avg %zu bytes)  %s  %9.0f posts/s  %6.0f ns/post"
		       "  (build %.1f ms, in event %zu)\n",
		       argv[1] + (strrchr(argv[1], '/') ? strrchr(argv[1], '/') - argv[1] + 1 : 0),
		       ontology_n_concepts(o), n, n ? bytes / n : 0, with_why ? "why   " : "no-why",
		       (double)n / best, best / (double)n * 1e9, build * 1e3, in_event);
	}
	match_why_done(&why);
	matcher_free(m);
	for (size_t i = 0; i < n; i++)
		post_done(&posts[i]);
	free(posts);
	ontology_free(o);
	buf_done(&err);
	return 0;
}
