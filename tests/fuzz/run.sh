#!/bin/sh
# Run every fuzz target for SECONDS each (default 60) from a build
# configured with CC=clang CXX=clang++ --enable-fuzzing (and usually
# --enable-asan), starting from each target's seeds.
# Usage: tests/fuzz/run.sh [SECONDS] [BUILDDIR]   (BUILDDIR: default .)
# Exit status: 0 clean, 1 a crash or sanitizer report (the input that did
# it is left as BUILDDIR/fuzz-TARGET-crash-*).
set -eu
secs=${1:-60}
build=$(cd "${2:-.}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
grep -q '^#define SMS_FUZZING 1' "$build/config.h" 2>/dev/null || {
	echo "fuzz: $build is not configured with --enable-fuzzing" >&2
	exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/sms-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# seed TARGET DIR: fill DIR with TARGET's seed inputs.
seed() {
	case $1 in
	pdu-fuzzer)
		# The corpus lines "pdu HEX": each PDU as hex text and bytes.
		i=0
		for hex in $(sed -n 's/^pdu  *//p' "$top"/tests/data/pdu/*.pdu); do
			i=$((i + 1))
			printf '%s' "$hex" >"$2/hex-$i"
			printf '%s' "$hex" | "${PYTHON3:-python3}" -c \
'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' \
				>"$2/bin-$i" 2>/dev/null || rm -f "$2/bin-$i"
		done ;;
	fuzz-at) cp "$top"/tests/data/at/* "$2"/ ;;
	fuzz-webhook) cp "$top"/tests/data/webhook/* "$2"/ ;;
	fuzz-conf) cp "$top"/tests/data/conf/* "$2"/ ;;
	esac
}

status=0
for t in pdu-fuzzer fuzz-at fuzz-webhook fuzz-conf; do
	mkdir -p "$work/$t"
	seed "$t" "$work/$t"
	echo "fuzz: $t for $secs seconds ($(ls "$work/$t" | wc -l) seeds)"
	( cd "$build" && "$build/tests/fuzz/$t" -max_total_time="$secs" \
		-max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz-$t-" "$work/$t" ) \
		>"$work/$t.log" 2>&1 || status=1
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)' \
		"$work/$t.log" || true
	if [ $status -ne 0 ]; then
		tail -n 60 "$work/$t.log"
		break
	fi
done
exit $status
