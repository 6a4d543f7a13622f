/* bench/parse/bench-parse.c - time feed_parse + feed_write_json inside
 * one process, file by file, for bench/parse/run.
 *
 *   bench-parse [-r ROUNDS] FILE...
 *
 * Reads every FILE into memory first (so disk and process start-up are not
 * measured), then, ROUNDS times, parses each file and writes its schema
 * JSON into a reused buffer. Prints "key value" lines: files, bytes,
 * entries (per round), the median wall and CPU time per round, and the
 * median wall time per file. A benchmark: it never judges the figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "fetchers/feed.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared, loaded machine it moves far less
 * than wall time. */
static double cpu_now(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static char *slurp(const char *path, size_t *ret_n)
{
	FILE *fp = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t k;

	if (!fp)
		return NULL;
	buf_init(&b);
	while ((k = fread(tmp, 1, sizeof tmp, fp)) > 0)
		buf_add(&b, tmp, k);
	fclose(fp);
	*ret_n = b.len;
	return buf_detach(&b);
}

int main(int argc, char **argv)
{
	int rounds = 5, first = 1;

	if (argc > 2 && strcmp(argv[1], "-r") == 0) {
		rounds = atoi(argv[2]);
		first = 3;
	}
	size_t nf = (size_t)(argc - first);
	if (nf == 0 || rounds < 1) {
		fputs("usage: bench-parse [-r ROUNDS] FILE...\n", stderr);
		return 2;
	}
	char **data = calloc(nf, sizeof *data);
	size_t *len = calloc(nf, sizeof *len);
	double *per_file = calloc(nf * (size_t)rounds, sizeof *per_file);
	double *per_round = calloc((size_t)rounds, sizeof *per_round);
	double *cpu_round = calloc((size_t)rounds, sizeof *cpu_round);
	size_t bytes = 0, entries = 0, out_bytes = 0;
	struct buf out, err;

	for (size_t i = 0; i < nf; i++) {
		data[i] = slurp(argv[first + (int)i], &len[i]);
		if (!data[i]) {
			fprintf(stderr, "bench-parse: %s: cannot read\n", argv[first + (int)i]);
			return 1;
		}
		bytes += len[i];
	}
	buf_init(&out);
	buf_init(&err);
	for (int r = 0; r < rounds; r++) {
		double t0 = now(), c0 = cpu_now();
		entries = out_bytes = 0;
		for (size_t i = 0; i < nf; i++) {
			struct feed f;
			double t = now();

			feed_init(&f);
			buf_reset(&out);
			if (feed_parse(data[i], len[i], &f, &err) == RP_OK) {
				feed_write_json(&out, &f);
				entries += f.n_entries;
				out_bytes += out.len;
			}
			feed_done(&f);
			per_file[(size_t)r * nf + i] = now() - t;
		}
		per_round[r] = now() - t0;
		cpu_round[r] = cpu_now() - c0;
	}
	qsort(per_file, nf * (size_t)rounds, sizeof *per_file, cmp_double);
	qsort(per_round, (size_t)rounds, sizeof *per_round, cmp_double);
	qsort(cpu_round, (size_t)rounds, sizeof *cpu_round, cmp_double);
	printf("files %zu\nbytes %zu\nentries %zu\njson_bytes %zu\nrounds %d\n",
	       nf, bytes, entries, out_bytes, rounds);
	printf("round_median_s %.6f\nround_min_s %.6f\n", per_round[rounds / 2], per_round[0]);
	printf("cpu_round_median_s %.6f\n", cpu_round[rounds / 2]);
	printf("file_median_us %.2f\n", per_file[nf * (size_t)rounds / 2] * 1e6);
	buf_done(&out);
	buf_done(&err);
	for (size_t i = 0; i < nf; i++)
		free(data[i]);
	free(data);
	free(len);
	free(per_file);
	free(per_round);
	free(cpu_round);
	return 0;
}
