## bench: `make bench` builds and runs $(BENCH_BINS) (each also in
## EXTRA_PROGRAMS, so plain make skips them); figures in bench/README.
EXTRA_DIST += bench/README

EXTRA_PROGRAMS += bench/bench-codec
BENCH_BINS += bench/bench-codec
bench_bench_codec_SOURCES = bench/bench-codec.c
bench_bench_codec_LDADD = $(SMS_LIBS)

## The store: a generated store of 1,000,000 messages in 50,000 threads
## (made once in $TMPDIR or /tmp, never here), read and insert figures.
EXTRA_PROGRAMS += bench/bench-store bench/gen-store
BENCH_BINS += bench/bench-store
bench_bench_store_SOURCES = bench/bench-store.c bench/store-gen.c \
	bench/store-gen.h
bench_bench_store_LDADD = $(SMS_LIBS)
bench_gen_store_SOURCES = bench/gen-store.c bench/store-gen.c \
	bench/store-gen.h
bench_gen_store_LDADD = $(SMS_LIBS)
CLEANFILES += bench/bench-store bench/gen-store

## The inbox: time to first paint and resident memory on the same store,
## sms-inbox started on a pseudo-terminal.
EXTRA_PROGRAMS += bench/bench-tui
BENCH_BINS += bench/bench-tui
bench_bench_tui_SOURCES = bench/bench-tui.c bench/store-gen.c \
	bench/store-gen.h
bench_bench_tui_LDADD = $(SMS_LIBS)
EXTRA_bench_bench_tui_DEPENDENCIES = src/sms-inbox$(EXEEXT)
CLEANFILES += bench/bench-tui
EXTRA_PROGRAMS += bench/bench-provider
BENCH_BINS += bench/bench-provider
bench_bench_provider_SOURCES = bench/bench-provider.c \
	tests/provider-harness.c tests/provider-harness.h
bench_bench_provider_LDADD = $(SMS_LIBS)
CLEANFILES += bench/bench-provider

## The engine: inbound pipeline with 1,000 rules, inbound to autoreply.
EXTRA_PROGRAMS += bench/bench-engine
BENCH_BINS += bench/bench-engine
bench_bench_engine_SOURCES = bench/bench-engine.c
bench_bench_engine_LDADD = $(SMS_LIBS)
CLEANFILES += bench/bench-engine
