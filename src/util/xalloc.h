/*
 * Allocation that cannot fail, for tui/ and cli/ only: on exhaustion it
 * runs the registered cleanup (restore the terminal), logs and aborts.
 * Library code below them returns SMS_ENOMEM instead.
 */
#ifndef SMS_UTIL_XALLOC_H
#define SMS_UTIL_XALLOC_H

#include <stddef.h>

typedef void (*xalloc_fatal_cb)(void);

/* Run cb (e.g. endwin) before aborting on exhaustion. */
void xalloc_set_fatal(xalloc_fatal_cb cb);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
