/* tagger/automaton.h - Aho-Corasick over the words of folded text.
 *
 * Keywords and phrases must match whole words, in any script, in one pass
 * over a post for all concepts. The automaton's alphabet is words, not
 * bytes: text is cut into tokens (runs of letters, marks, digits and '_';
 * in scripts written without spaces - Han, kana, Thai, Lao, Khmer,
 * Myanmar - every character is a token of its own), each token is looked
 * up once in the vocabulary of all keywords, and the goto/failure machine
 * advances one step per token. A phrase thus matches only on whole words,
 * whatever punctuation or spacing separates them, and the cost per token
 * is one or two hash lookups whatever the number of patterns.
 *
 * Patterns and text must be in the same form: callers pass utf8_fold
 * output. The caller owns the automaton (automaton_new/automaton_free);
 * after automaton_build it is read-only and may be shared by threads.
 * Owned by the tagger engineers. */
#ifndef RP_TAGGER_AUTOMATON_H
#define RP_TAGGER_AUTOMATON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTOMATON_MAX_WORDS 32 /* tokens in one pattern; longer patterns are refused */

struct automaton;

struct automaton *automaton_new(void);
void automaton_free(struct automaton *a);

/* Add a pattern (folded text, len bytes) reported as value. Returns false
 * when it has no token or more than AUTOMATON_MAX_WORDS. Only before
 * automaton_build. The same pattern may carry several values. */
bool automaton_add(struct automaton *a, const char *pattern, size_t len, uint32_t value);

/* Compute the failure links. Call once, after the last automaton_add. */
void automaton_build(struct automaton *a);

/* Called for each match: value of the pattern, and its byte span
 * [start, end) in the text (from its first token's first byte to its last
 * token's end). Matches come in order of their end. */
typedef void automaton_hit_fn(void *ctx, uint32_t value, size_t start, size_t end);

/* Scan text (n bytes of folded UTF-8) once. */
void automaton_scan(const struct automaton *a, const char *text, size_t n,
                    automaton_hit_fn *fn, void *ctx);

/* States, vocabulary words and patterns: for the benchmark's report. */
void automaton_stats(const struct automaton *a, size_t *states, size_t *words,
                     size_t *patterns);

/* Cut text into tokens as the automaton does: calls fn(ctx, start, end)
 * for each token in order. For tests and for mining. */
typedef void automaton_token_fn(void *ctx, size_t start, size_t end);
void automaton_tokens(const char *text, size_t n, automaton_token_fn *fn, void *ctx);

#endif
