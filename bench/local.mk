## bench: `make bench` builds and runs $(BENCH_BINS) (each also in
## EXTRA_PROGRAMS, so plain make skips them); figures in bench/README.
EXTRA_DIST += bench/README
