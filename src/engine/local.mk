## src/engine: see Makefile.am
