#!/bin/sh
# The EXAMPLES of sms-send(1) work as printed: each command is taken from
# the roff source, unescaped as man shows it, and run against the sim
# backend with the contacts and file the examples speak of.
. "$top_srcdir/tests/lib.sh"

export SMS_INBOX_CONFIG="$TMPD/c.conf"
PATH="$BIN:$PATH"
export PATH
cat >"$SMS_INBOX_CONFIG" <<CONF
[store]
path = $TMPD/inbox.db
[backend.sim]
type = sim
deliver_delay = 5
reply_delay = 0
CONF
sms-inbox contacts add ops-oncall +15550000300 >/dev/null &&
sms-inbox contacts add --tag team "Anna Kovács" +36301110001 >/dev/null &&
sms-inbox contacts add --tag team "Bob" +15550000200 >/dev/null ||
	ko "contacts for the examples" "sms-inbox contacts add failed"
printf 'number,first_name,order\n+15550000150,Anna,A-1\n+15550000151,Bob,B-2\n' \
	>"$TMPD/orders.csv"

# Each example command on one line (continuations joined).
"$PYTHON3" - "$top_srcdir/doc/sms-send.1" >"$TMPD/examples" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
sec = src.split("\n.SH EXAMPLES\n", 1)[1].split("\n.SH ", 1)[0]
glyphs = {"/L": "\u0141", "Eu": "\u20ac", "*W": "\u03a9"}
def unescape(s):
    s = re.sub(r"\\\[u([0-9A-F]{4})\]", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"\\\[([^]]+)\]", lambda m: glyphs[m.group(1)], s)
    return s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
for block in re.findall(r"\n\.nf\n(.*?)\n\.fi", sec, re.S):
    cmd = ""
    for line in unescape(block).split("\n"):
        if line.endswith("\\"):
            cmd += line[:-1]
            continue
        print(cmd + line)
        cmd = ""
PY
n=$(wc -l <"$TMPD/examples")
[ "$n" -ge 5 ] && ok "$n examples found" || ko "examples found" "only $n"
cd "$TMPD" || exit 1
while IFS= read -r cmd; do
	if sh -c "$cmd" >"$TMPD/out" 2>"$TMPD/err" </dev/null; then
		ok "example: $cmd"
	else
		ko "example: $cmd" "exit $?: $(head -c 300 "$TMPD/err")"
	fi
done <"$TMPD/examples"
# They did what they say.
"$PYTHON3" -c "import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
bodies = [r[0] for r in c.execute('SELECT body FROM messages')]
sys.exit(0 if 'Hi Bob, your order B-2 ships today' in bodies and
         'disk full on db1' in bodies and
         bodies.count('Deploy at 18:00') == 3 else 1)" "$TMPD/inbox.db" &&
	ok "examples queued what they say" ||
	ko "examples queued what they say" "bodies differ"
finish
