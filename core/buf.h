/* core/buf.h - a growable byte buffer, always NUL-terminated.
 *
 * The caller owns the struct (buf_init/buf_done); the buffer owns its
 * bytes until buf_detach hands them to the caller. A zeroed struct buf is
 * a valid empty buffer. */
#ifndef RP_BUF_H
#define RP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NULL or NUL-terminated; len bytes are valid */
	size_t len;   /* bytes used, without the terminating NUL */
	size_t cap;   /* bytes allocated */
};

void buf_init(struct buf *b);
void buf_done(struct buf *b);                 /* frees the bytes; b is empty after */
void buf_reset(struct buf *b);                /* len = 0, keeps the allocation */
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const struct buf *b);     /* "" when empty; lent */
/* The bytes, NUL-terminated, now owned by the caller; b is empty after. */
char *buf_detach(struct buf *b);

#endif
