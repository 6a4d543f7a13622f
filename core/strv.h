/* core/strv.h - a growable vector of owned strings.
 *
 * The caller owns the struct (strv_init/strv_done); the vector owns every
 * string in it. strv_push copies; strv_take takes ownership of s. */
#ifndef RP_STRV_H
#define RP_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;     /* n owned strings, v[n] == NULL when n > 0 */
	size_t n;
	size_t cap;
};

void strv_init(struct strv *sv);
void strv_done(struct strv *sv);
void strv_push(struct strv *sv, const char *s);
void strv_take(struct strv *sv, char *s);
bool strv_contains(const struct strv *sv, const char *s);
/* Push s unless an equal string is already there; true when pushed. */
bool strv_push_unique(struct strv *sv, const char *s);

#endif
