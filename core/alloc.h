/* core/alloc.h - the one allocator wrapper.
 *
 * Every allocation in rapporteur goes through these. Out of memory prints
 * one line and aborts: a service that cannot allocate cannot report
 * anything useful, and keeping OOM out of rp_err keeps the error paths for
 * the outside world (the Redis zmalloc rule). rp_free(NULL) is a no-op. */
#ifndef RP_ALLOC_H
#define RP_ALLOC_H

#include <stddef.h>

/* Print "out of memory allocating n bytes" and abort: for allocators of
 * their own (core/bigmem.c). */
_Noreturn void rp_oom(size_t n);
void *rp_malloc(size_t n);
void *rp_calloc(size_t count, size_t size);
void *rp_realloc(void *p, size_t n);
/* Grow an array of count elements of size bytes to at least need elements,
 * doubling; *cap holds the capacity in elements. Overflow aborts. */
void *rp_grow(void *p, size_t size, size_t need, size_t *cap);
/* The capacity rp_grow moves cap to for need elements of size bytes
 * (cap doubled until need fits; 8 from 0); overflow aborts. For other
 * allocators' arrays (core/bigmem.h). */
size_t rp_grow_cap(size_t cap, size_t size, size_t need);
char *rp_strdup(const char *s);           /* NULL gives NULL */
char *rp_strndup(const char *s, size_t n); /* copies at most n bytes, always NUL-terminated */
void rp_free(void *p);

#endif
