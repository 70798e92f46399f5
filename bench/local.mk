## bench: `make bench` builds and runs $(BENCH_BINS) (each also in
## EXTRA_PROGRAMS, so plain make skips them); figures in bench/README.
EXTRA_DIST += bench/README

EXTRA_PROGRAMS += bench/bench-codec
BENCH_BINS += bench/bench-codec
bench_bench_codec_SOURCES = bench/bench-codec.c
bench_bench_codec_LDADD = $(SMS_LIBS)
