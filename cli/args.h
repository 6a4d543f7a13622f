/* cli/args.h - reading option values, the same way in every verb. */
#ifndef RP_CLI_ARGS_H
#define RP_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* A decimal count in [lo, hi] with nothing after it; false otherwise
 * (then *ret is untouched). */
bool args_size(const char *s, size_t lo, size_t hi, size_t *ret);

/* An argument the verb does not take (a; v the next one, or NULL): says
 * so, with the verb's usage on stderr, and returns 2, the exit status of
 * bad usage. */
int args_bad(const char *a, const char *v, const char *usage);

#endif
