## src/tui: see Makefile.am
