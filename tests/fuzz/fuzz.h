/*
 * The fuzz targets' common shape.  Each target defines the libFuzzer entry
 * point and the folder of its seed inputs.  Built with --enable-fuzzing
 * (CC=clang) a target is a libFuzzer program; otherwise replay.c gives it
 * a main() that runs the files named on its command line, or every seed,
 * so `make check` runs the same code under the sanitizers.
 */
#ifndef SMS_TESTS_FUZZ_H
#define SMS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeds, relative to the source tree ("tests/data/at"). */
extern const char fuzz_seed_dir[];

#endif
