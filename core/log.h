/* core/log.h - diagnostics for the CLI only.
 *
 * Library code never prints: it returns an rp_err and keeps an errstr.
 * The CLI verbs report once, as `rapporteur VERB: WHERE: WHAT` on stderr
 * (STYLE.md). log_set_verb names the running verb for every line. */
#ifndef RP_LOG_H
#define RP_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_verb(const char *verb);           /* lent; must outlive logging */
void log_set_level(enum log_level level);      /* default LOG_INFO */
bool log_enabled(enum log_level level);
/* where may be NULL (then the line is `rapporteur VERB: WHAT`). */
void log_msg(enum log_level level, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(where, ...) log_msg(LOG_ERROR, where, __VA_ARGS__)
#define log_warn(where, ...)  log_msg(LOG_WARN, where, __VA_ARGS__)
#define log_info(where, ...)  log_msg(LOG_INFO, where, __VA_ARGS__)

#endif
