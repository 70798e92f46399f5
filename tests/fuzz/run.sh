#!/bin/sh
# Build the codec fuzz target with clang (libFuzzer, ASan, UBSan) and run
# it.  Usage: tests/fuzz/run.sh [SECONDS] (default 60).  Needs a configured
# build for config.h: BUILD_DIR (default: the source tree, else ./build).
# Exit status: 0 clean, 1 a crash or sanitizer report, 77 no clang.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "fuzz: no $CLANG, skipped"; exit 77; }
build=${BUILD_DIR:-}
if [ -z "$build" ]; then
	if [ -f "$top/config.h" ]; then build=$top; else build=$top/build; fi
fi
[ -f "$build/config.h" ] || { echo "fuzz: no config.h in $build; configure first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sms-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
src="$top/src"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined \
	-I"$build" -I"$src" -DSMS_FUZZING \
	"$here/pdu-fuzzer.c" \
	"$src/codec/gsm7.c" "$src/codec/gsm7-lang.c" "$src/codec/ucs2.c" \
	"$src/codec/segment.c" \
	"$src/codec/pdu.c" "$src/codec/concat.c" \
	"$src/util/utf8.c" "$src/util/buf.c" "$src/util/err.c" \
	-o "$work/pdu-fuzzer"
mkdir -p "$work/corpus"
# Seed with the real-world corpus (tests/data/pdu/*.pdu, "pdu HEX" lines),
# each PDU as hex text and as bytes.
i=0
for hex in $(sed -n 's/^pdu  *//p' "$top"/tests/data/pdu/*.pdu 2>/dev/null); do
	i=$((i + 1))
	printf '%s' "$hex" >"$work/corpus/hex-$i"
	printf '%s' "$hex" | "${PYTHON3:-python3}" -c \
		'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' \
		>"$work/corpus/bin-$i" 2>/dev/null || rm -f "$work/corpus/bin-$i"
done
echo "fuzz: $i seed PDUs, running for $secs seconds"
cd "$work"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	./pdu-fuzzer -max_total_time="$secs" -max_len=1024 -print_final_stats=1 \
	corpus
