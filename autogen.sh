#!/bin/sh
# Regenerate the build system from git: configure, Makefile.in, po/ glue.
set -e
cd "$(dirname "$0")"
autoreconf -fi
