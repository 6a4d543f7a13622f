/* cli/args.h - reading option values, the same way in every verb. */
#ifndef RP_CLI_ARGS_H
#define RP_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* A decimal count in [lo, hi] with nothing after it; false otherwise
 * (then *ret is untouched). */
bool args_size(const char *s, size_t lo, size_t hi, size_t *ret);

#endif
