## src/store: see Makefile.am
