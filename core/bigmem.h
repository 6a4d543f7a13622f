/* core/bigmem.h - large zeroed blocks on transparent huge pages.
 *
 * For the tables that grow with every post and are probed at random (the
 * dedupe/story engine's hash maps, records, shingle chunks, the simhash
 * index). Taken from malloc, each 4 KiB page of them costs a page fault
 * on first touch (about half the importer's system time on this VM, and
 * every map growth touches a fresh table) and each random probe a TLB
 * miss. A block of BIGMEM_HUGE bytes or more is its own mapping, aligned
 * to and advised for 2 MiB pages (MADV_HUGEPAGE: the kernel's THP mode
 * is often "madvise"), so it faults in 2 MiB at a time; smaller blocks
 * are plain calloc. Where the kernel gives no huge pages, the mapping
 * simply stays in 4 KiB pages.
 *
 * The caller owns a block and gives its size back to free it (a mapping
 * has no header). Out of memory aborts, as in core/alloc.h. */
#ifndef RP_BIGMEM_H
#define RP_BIGMEM_H

#include <stddef.h>

#define BIGMEM_HUGE ((size_t)2 << 20)   /* a huge page: blocks this large are mappings */

/* n zeroed bytes (n may be 0). Never NULL. */
void *bigmem_alloc(size_t n);
/* Free p, a block of n bytes from bigmem_alloc or bigmem_grow (the n
 * they were given). NULL is a no-op. */
void bigmem_free(void *p, size_t n);
/* rp_grow for bigmem blocks: grow the array p of *cap elements of size
 * bytes to at least need elements, doubling; the old elements are kept,
 * the new ones are zero. Free the result with bigmem_free(p, *cap * size). */
void *bigmem_grow(void *p, size_t size, size_t need, size_t *cap);

#endif
