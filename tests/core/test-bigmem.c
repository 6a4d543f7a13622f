/* tests/core/test-bigmem.c - core/bigmem.c: blocks are zeroed, huge ones
 * start on a huge-page boundary, and growing keeps the old elements and
 * zeroes the new, across the size where blocks turn into mappings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/bigmem.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_alloc(void **state)
{
	(void)state;
	static const size_t sizes[] = {
		0, 1, 4096, BIGMEM_HUGE - 1, BIGMEM_HUGE, BIGMEM_HUGE + 1, 3 * BIGMEM_HUGE,
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i];
		unsigned char *p = bigmem_alloc(n);
		assert_non_null(p);
		if (!all_zero(p, n))
			print_message("# %zu bytes: not zeroed\n", n);
		assert_true(all_zero(p, n));
		if (n >= BIGMEM_HUGE)
			assert_int_equal((uintptr_t)p % BIGMEM_HUGE, 0);
		memset(p, 0xa5, n);
		bigmem_free(p, n);
	}
	bigmem_free(NULL, 0);
	bigmem_free(NULL, BIGMEM_HUGE);
}

static void test_grow(void **state)
{
	(void)state;
	/* 64-byte elements from 8 to past 3 huge pages: realloc, then the
	 * step into a mapping, then mapping to mapping. */
	struct el { uint64_t v[8]; };
	struct el *a = NULL;
	size_t cap = 0, n = 0;
	size_t want = 3 * BIGMEM_HUGE / sizeof *a + 5;
	for (; n < want; n++) {
		size_t before = cap;
		a = bigmem_grow(a, sizeof *a, n + 1, &cap);
		assert_true(cap >= n + 1);
		if (cap != before)   /* new elements come zeroed */
			assert_true(all_zero((const unsigned char *)&a[n], (cap - n) * sizeof *a));
		for (int k = 0; k < 8; k++)
			a[n].v[k] = n * 8 + (uint64_t)k;
	}
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			if (a[i].v[k] != i * 8 + (uint64_t)k)
				fail_msg("element %zu lost across a growth", i);
	bigmem_free(a, cap * sizeof *a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
