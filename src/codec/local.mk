## src/codec: see Makefile.am
