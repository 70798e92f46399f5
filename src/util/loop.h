/*
 * The event-loop seam: every process runs one libuv loop, passed down to
 * the modules that register their handles on it.  Time is read through
 * here so tests can replace the clocks.
 */
#ifndef SMS_UTIL_LOOP_H
#define SMS_UTIL_LOOP_H

#include <stdint.h>
#include <time.h>

#include <uv.h>

typedef uint64_t (*loop_clock_cb)(void *data);

/* Monotonic milliseconds (uv_now() unless a test clock is installed). */
uint64_t loop_now(uv_loop_t *loop);

/* Wall-clock seconds since the epoch (time() unless a test clock is set). */
int64_t loop_wall_now(void);

/* Install test clocks; NULL restores the real one. */
void loop_set_clock(loop_clock_cb mono, loop_clock_cb wall, void *data);

#endif
