/* tagger/strmap.h - a map from byte strings to 32-bit values.
 *
 * The tagger looks up every word and hashtag of every post, so this is an
 * open-addressing table with the key bytes packed in one arena: a lookup
 * takes the bytes where they lie (no NUL needed) and touches one slot in
 * the common case. The map owns copies of its keys; the caller owns the
 * struct (strmap_init/strmap_done). Owned by the tagger engineers. */
#ifndef RP_TAGGER_STRMAP_H
#define RP_TAGGER_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STRMAP_NONE UINT32_MAX /* the value strmap_get gives for a missing key */

/* 16 bytes, so that four slots share a cache line: lookups of words that
 * are not in the map (most words of a post) touch one line. */
struct strmap_slot {
	uint32_t tag;     /* high 32 bits of the key's hash, never 0; 0 marks an empty slot */
	uint32_t val;
	uint32_t off;     /* key bytes at arena + off */
	uint32_t len;     /* key length in bytes */
};

struct strmap {
	struct strmap_slot *slots; /* mask + 1 slots, a power of two */
	size_t mask;
	size_t n;                  /* keys stored */
	char *arena;               /* the key bytes, back to back */
	size_t arena_len, arena_cap;
};

void strmap_init(struct strmap *m);
void strmap_done(struct strmap *m);
/* The value of key (len bytes), or STRMAP_NONE. */
uint32_t strmap_get(const struct strmap *m, const char *key, size_t len);
/* strmap_get with the key's hash64 already computed (h = hash64(key, len)). */
uint32_t strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint64_t h);
/* Set key to val. Returns the previous value, or STRMAP_NONE when the key
 * is new. val must not be STRMAP_NONE. */
uint32_t strmap_put(struct strmap *m, const char *key, size_t len, uint32_t val);
/* Add key with val unless present; returns the value now stored. */
uint32_t strmap_intern(struct strmap *m, const char *key, size_t len, uint32_t val);
/* The key of slot i (i <= mask) or NULL when the slot is empty; for
 * iteration. *len receives its length, *val its value (may be NULL).
 * Lent until the map changes. */
const char *strmap_slot_key(const struct strmap *m, size_t i, size_t *len, uint32_t *val);

#endif
