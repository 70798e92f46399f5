/*
 * gen-store: make (or find) the benchmark store and print its path, for
 * benchmarks of other parts (the TUI's first paint) on the same data.
 * Usage: gen-store [MESSAGES [THREADS]] (default 1000000 50000).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "store-gen.h"

int
main(int argc, char **argv)
{
	char path[BENCH_PATH_MAX];
	long messages = argc > 1 ? atol(argv[1]) : 1000000;
	long threads = argc > 2 ? atol(argv[2]) : 50000;

	if (messages < 1000 || threads < 100 || threads > messages) {
		fprintf(stderr, "usage: gen-store [MESSAGES [THREADS]]\n");
		return 64;
	}
	bench_store_path(path, messages, threads);
	if (bench_store_generate(path, messages, threads) < 0)
		return 1;
	printf("%s\n", path);
	return 0;
}
