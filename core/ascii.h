/* core/ascii.h - ASCII character classes, free of the locale.
 *
 * rapporteur never calls setlocale, but <ctype.h> is a call per byte and
 * follows LC_CTYPE; feed syntax (XML names, references, URL schemes, date
 * fields) is ASCII by definition. Bytes from 0x80 up are in no class. */
#ifndef RP_ASCII_H
#define RP_ASCII_H

#include <stdbool.h>

static inline bool ascii_is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static inline bool ascii_is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool ascii_is_xdigit(unsigned char c)
{
	return ascii_is_digit(c) || (unsigned char)((c | 0x20) - 'a') < 6;
}

/* c with A-Z made a-z; other bytes as they are (tolower in the C locale) */
static inline unsigned char ascii_to_lower(unsigned char c)
{
	return (unsigned char)(c - 'A') < 26 ? (unsigned char)(c | 0x20) : c;
}

#endif
