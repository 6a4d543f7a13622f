/* core/bigmem.c - large zeroed blocks on transparent huge pages (see
 * bigmem.h for why). */
#include "core/bigmem.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"

static size_t round_huge(size_t n)
{
	if (n > SIZE_MAX - BIGMEM_HUGE)
		rp_oom(n);
	return (n + BIGMEM_HUGE - 1) & ~(BIGMEM_HUGE - 1);
}

void *bigmem_alloc(size_t n)
{
	if (n < BIGMEM_HUGE)
		return rp_calloc(1, n);
	size_t len = round_huge(n);
	/* Map a huge page more than needed and cut the ends, so the block
	 * starts on a 2 MiB boundary: only aligned 2 MiB ranges can be huge
	 * pages. */
	size_t span = len + BIGMEM_HUGE;
	char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		rp_oom(n);
	uintptr_t a = ((uintptr_t)p + BIGMEM_HUGE - 1) & ~(uintptr_t)(BIGMEM_HUGE - 1);
	char *q = (char *)a;
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + len < p + span)
		munmap(q + len, (size_t)(p + span - (q + len)));
#ifdef MADV_HUGEPAGE
	madvise(q, len, MADV_HUGEPAGE);   /* advice: refused (no THP) changes nothing */
#endif
	return q;
}

void bigmem_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < BIGMEM_HUGE)
		rp_free(p);
	else
		munmap(p, round_huge(n));
}

void *bigmem_grow(void *p, size_t size, size_t need, size_t *cap)
{
	if (need <= *cap)
		return p;
	size_t c = rp_grow_cap(*cap, size, need);
	size_t old = *cap * size, now = c * size;
	void *q;
	if (now < BIGMEM_HUGE) {
		q = rp_realloc(p, now);
		memset((char *)q + old, 0, now - old);
	} else {
		/* Into a new mapping (zero already), not mremap: the kernel may
		 * move a mapping to an address that is not 2 MiB aligned. */
		q = bigmem_alloc(now);
		if (old)
			memcpy(q, p, old);
		bigmem_free(p, old);
	}
	*cap = c;
	return q;
}
