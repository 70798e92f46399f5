/*
 * The one growable byte buffer.  Every buffer has a maximum size fixed at
 * creation; appending past it fails with SMS_ETOOBIG and leaves the buffer
 * as it was.  The data is always NUL-terminated (the NUL is not counted).
 */
#ifndef SMS_UTIL_BUF_H
#define SMS_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NULL until the first append */
	size_t len;	/* bytes used, excluding the terminating NUL */
	size_t cap;	/* bytes allocated */
	size_t max;	/* most bytes it may hold */
};

/* Set up an empty buffer in caller's storage that may grow to max bytes. */
void buf_init(struct buf *b, size_t max);

/* Release the buffer's memory; b can be reused after buf_init(). */
void buf_fini(struct buf *b);

/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);

int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Remove the first n bytes (all of them if n >= len). */
void buf_consume(struct buf *b, size_t n);

/*
 * Hand over the contents as a heap string and reset b to empty.  Returns ""
 * duplicated when empty, NULL when out of memory.  Caller frees.
 */
char *buf_take(struct buf *b);

#endif
