#!/bin/sh
# Fuzz the AT response parser for SECONDS (default 60), starting from the
# recorded transcripts.  Needs a build configured with --enable-fuzzing
# (CC=clang).  Usage: tests/fuzz/run-at.sh [SECONDS] [BUILDDIR]
set -eu
secs=${1:-60}
build=${2:-build}
src=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-at.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp "$src"/tests/data/at/*.chat "$corpus"/
"$build/tests/fuzz/fuzz-at" -max_total_time="$secs" -max_len=8192 \
	-artifact_prefix=./fuzz-at- "$corpus"
