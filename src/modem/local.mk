## src/modem: see Makefile.am
