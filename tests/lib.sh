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

# wait_outbound DB N: wait (up to 120 s) until the store DB holds N
# outgoing messages; other processes may be writing it meanwhile.
wait_outbound() {
	"$PYTHON3" - "$1" "$2" <<'PY'
import sqlite3, sys, time
end = time.time() + 120
while time.time() < end:
    try:
        db = sqlite3.connect(sys.argv[1], timeout=10)
        n = db.execute("SELECT count(*) FROM messages"
                       " WHERE direction = 1").fetchone()[0]
        db.close()
        if n >= int(sys.argv[2]):
            break
    except sqlite3.Error:
        pass
    time.sleep(0.1)
PY
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
