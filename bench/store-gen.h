/*
 * The benchmark store: a file with N messages in T threads, made once and
 * kept in /tmp (never in the source tree) for the benchmarks to reuse.
 */
#ifndef SMS_BENCH_STORE_GEN_H
#define SMS_BENCH_STORE_GEN_H

#include <stdbool.h>

/* Room for a path from bench_store_path(). */
#define BENCH_PATH_MAX 512

/*
 * The path of the generated store for messages/threads in $TMPDIR or
 * /tmp, named by its size and schema version, into path (BENCH_PATH_MAX).
 */
void bench_store_path(char *path, long messages, long threads);

/*
 * Make the store at path unless it exists complete (a marker row says so):
 * contacts for a fifth of the threads, messages in and out with realistic
 * Hungarian and English texts, a rare word in 0.1 % of them and a common
 * one in half.  Prints progress to stderr.  Returns 0, or -1 with a
 * message on stderr.
 */
int bench_store_generate(const char *path, long messages, long threads);

/* The rare and the common search words put in the texts. */
#define BENCH_RARE_WORD "tükörfúrógép"
#define BENCH_COMMON_WORD "szia"

#endif
