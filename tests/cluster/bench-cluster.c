/* tests/cluster/bench-cluster.c - posts/s of cluster_engine_add.
 *
 *     bench-cluster posts.jsonl      (make one: tests/cluster/gen_posts.py)
 *
 * Parses every post first (not timed), then times cluster_engine_add over
 * all of them in file order, and, as the peer on the same input in the
 * same run, the normal form plus simhash alone (the part of the work
 * PERFORMANCE.md finding 5 measured at ~200k docs/s). Prints figures;
 * never fails. Times are CPU time of this thread, so other work on a
 * shared machine does not count; wall time is printed beside. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/post.h"
#include "store/cluster.h"
#include "store/simhash.h"
#include "store/textnorm.h"

static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench-cluster posts.jsonl\n", stderr);
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	struct post *posts = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	struct buf err;
	buf_init(&err);
	while ((len = getline(&line, &lcap, f)) > 0) {
		posts = rp_grow(posts, sizeof *posts, n + 1, &cap);
		if (post_parse_line(line, (size_t)len, &posts[n], &err) == RP_OK)
			n++;
	}
	fclose(f);
	free(line);

	/* Peer: textnorm + simhash of every post. */
	struct textnorm tn;
	textnorm_init(&tn);
	uint64_t sink = 0;
	int64_t t0 = cpu_ns();
	uint64_t *h = NULL;
	size_t hcap = 0;
	for (size_t i = 0; i < n; i++) {
		textnorm_reset(&tn);
		if (posts[i].text)
			textnorm_add(&tn, posts[i].text, strlen(posts[i].text));
		h = rp_grow(h, sizeof *h, tn.n_tok + 1, &hcap);
		for (size_t k = 0; k < tn.n_tok; k++)
			h[k] = tn.tok[k].hash;
		sink ^= simhash_tokens(h, tn.n_tok, 2);
	}
	int64_t t1 = cpu_ns();
	rp_free(h);
	textnorm_done(&tn);

	struct cluster_engine *e = cluster_engine_new(NULL);
	size_t new_stories = 0, matches[8] = {0};
	int64_t t2 = cpu_ns(), w2 = clock_mono_ns();
	for (size_t i = 0; i < n; i++) {
		struct cluster_assign a;
		if (cluster_engine_add(e, &posts[i], &a) == RP_OK) {
			new_stories += a.new_story;
			matches[a.match]++;
		}
	}
	int64_t t3 = cpu_ns(), w3 = clock_mono_ns();
	struct cluster_stats st;
	cluster_engine_stats(e, &st);

	double norm_s = (double)(t1 - t0) / 1e9, add_s = (double)(t3 - t2) / 1e9;
	printf("posts                       %zu\n", n);
	printf("textnorm+simhash (peer)     %.0f posts/s  (%.2f us/post)\n", (double)n / norm_s,
	       1e6 * norm_s / (double)n);
	printf("cluster_engine_add          %.0f posts/s  (%.2f us/post)\n", (double)n / add_s,
	       1e6 * add_s / (double)n);
	printf("cluster_engine_add, wall   %.0f posts/s\n", (double)n / ((double)(w3 - w2) / 1e9));
	printf("ratio add / peer            %.2fx the time\n", add_s / norm_s);
	printf("dup groups %zu, stories %zu (live %zu), near checks %zu (%.1f/post)\n",
	       st.dups, st.stories, st.live_stories, st.near_checks,
	       (double)st.near_checks / (double)n);
	printf("matches: none %zu identity %zu url %zu text %zu near %zu same %zu\n",
	       matches[CLUSTER_MATCH_NONE], matches[CLUSTER_MATCH_IDENTITY],
	       matches[CLUSTER_MATCH_URL], matches[CLUSTER_MATCH_TEXT],
	       matches[CLUSTER_MATCH_NEAR], matches[CLUSTER_MATCH_SAME]);
	(void)sink;
	cluster_engine_free(e);
	for (size_t i = 0; i < n; i++)
		post_done(&posts[i]);
	rp_free(posts);
	buf_done(&err);
	return 0;
}
