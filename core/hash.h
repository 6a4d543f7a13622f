/* core/hash.h - fast non-cryptographic hashing (xxHash XXH3).
 *
 * For dedupe keys, shingles and hash tables; never for secrets. */
#ifndef RP_HASH_H
#define RP_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t n);
uint64_t hash64_str(const char *s);
/* 32 lowercase hex digits of the 128-bit XXH3 of p: a compact stable key. */
void hash128_hex(const void *p, size_t n, char out[33]);

#endif
