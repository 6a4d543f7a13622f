/* tests/tagger/table.h - table-driven cmocka tests: one TAP line per row.
 *
 * A test file keeps a C table of rows; table_run builds one cmocka test
 * per row (named by the row) and runs them as a group, so a failing row
 * is named in the TAP output. Owned by the tagger engineers. */
#ifndef RP_TESTS_TAGGER_TABLE_H
#define RP_TESTS_TAGGER_TABLE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

/* A growing list of cmocka tests, run as one group (one TAP plan). */
struct table {
	struct CMUnitTest *t;
	size_t n;
};

/* Add one test per row: rows is n rows of size bytes each, the name of a
 * row at its first member (a const char *); fn receives the row as its
 * state. */
static inline void table_add_rows(struct table *tb, const void *rows, size_t n, size_t size,
                                  void (*fn)(void **state))
{
	tb->t = realloc(tb->t, (tb->n + n) * sizeof *tb->t);
	for (size_t i = 0; i < n; i++) {
		const void *row = (const char *)rows + i * size;
		struct CMUnitTest c = { *(const char *const *)row, fn, NULL, NULL, (void *)row };
		tb->t[tb->n++] = c;
	}
}

#define TABLE_ROWS(tb, rows, fn) \
	table_add_rows(tb, rows, sizeof rows / sizeof rows[0], sizeof rows[0], fn)

/* Add one plain test. */
static inline void table_add(struct table *tb, const char *name, void (*fn)(void **state))
{
	tb->t = realloc(tb->t, (tb->n + 1) * sizeof *tb->t);
	struct CMUnitTest c = { name, fn, NULL, NULL, NULL };
	tb->t[tb->n++] = c;
}

static inline int table_run(struct table *tb, const char *group)
{
	int failed = _cmocka_run_group_tests(group, tb->t, tb->n, NULL, NULL);
	free(tb->t);
	tb->t = NULL;
	tb->n = 0;
	return failed;
}

/* The source tree (SRCDIR from meson's test_env, else "."). */
static inline const char *test_srcdir(void)
{
	const char *s = getenv("SRCDIR");
	return s && *s ? s : ".";
}

#endif
