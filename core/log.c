/* core/log.c - CLI diagnostics on stderr. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *log_verb;
static enum log_level log_level = LOG_INFO;

void log_set_verb(const char *verb)
{
	log_verb = verb;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

bool log_enabled(enum log_level level)
{
	return level <= log_level;
}

void log_msg(enum log_level level, const char *where, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	static const char *const names[] = { "", "warning: ", "", "debug: " };
	fputs("rapporteur", stderr);
	if (log_verb)
		fprintf(stderr, " %s", log_verb);
	fputs(": ", stderr);
	if (where && *where)
		fprintf(stderr, "%s: ", where);
	fputs(names[level], stderr);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
