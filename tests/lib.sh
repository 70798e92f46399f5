# Shared helpers for the shell tests; source with . "$top_srcdir/tests/lib.sh"
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
BIN="$top_builddir/src"
fails=0
passes=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/sms-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

# ok NAME: record a pass; ko NAME MESSAGE: record a failure.
ok() { passes=$((passes + 1)); echo "ok - $1"; }
ko() { fails=$((fails + 1)); echo "not ok - $1: $2"; }

# expect_status WANT NAME CMD...: run CMD, compare its exit status.
expect_status() {
	want=$1 name=$2; shift 2
	"$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"
	else ko "$name" "exit $got, want $want; stderr: $(head -c 400 "$TMPD/err")"; fi
}

# expect_grep PATTERN FILE NAME: FILE matches PATTERN.
expect_grep() {
	if grep -q -- "$1" "$2"; then ok "$3"
	else ko "$3" "no \"$1\" in: $(head -c 400 "$2")"; fi
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
