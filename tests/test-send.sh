#!/bin/sh
# sms-send end to end through the sim backend: every option and exit
# code, recipients (numbers, contact names, @tags, opt-outs), standard
# input (1 MiB refused), --dry-run, --json, --schedule and bulk --csv
# with its edge cases.  The engine runs inside sms-send (no daemon).
. "$top_srcdir/tests/lib.sh"

SEND="$BIN/sms-send"
SI="$BIN/sms-inbox"
DB="$TMPD/inbox.db"
C="$TMPD/c.conf"
cat >"$C" <<CONF
[store]
path = $DB
default_country = HU
[backend.sim]
type = sim
deliver_delay = 5
reply_delay = 0
[backend.sim2]
type = sim
deliver_delay = 5
reply_delay = 0
CONF

# sql QUERY: print the rows of QUERY on the store, "|"-separated.
sql() {
	"$PYTHON3" -c "import sqlite3,sys
for r in sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2]):
    print('|'.join('' if v is None else str(v) for v in r))" "$DB" "$1"
}
# json_lines NAME EXPR: EXPR is true for the list `j` of the JSON lines
# in $TMPD/out.
json_lines() {
	if "$PYTHON3" -c "import json,sys
j=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if ($2) else 1)" "$TMPD/out" 2>"$TMPD/pyerr"; then ok "$1"
	else ko "$1" "$2 is false for: $(head -c 600 "$TMPD/out") $(cat "$TMPD/pyerr")"; fi
}
count() { sql "SELECT count(*) FROM messages"; }
# run_in TEXT CMD...: run CMD with TEXT on standard input.
run_in() {
	txt=$1; shift
	printf '%s' "$txt" | "$@" >"$TMPD/out" 2>"$TMPD/err"
	echo $? >"$TMPD/rc"
}
expect_rc() {
	got=$(cat "$TMPD/rc")
	if [ "$got" -eq "$1" ]; then ok "$2"
	else ko "$2" "exit $got, want $1; stderr: $(head -c 400 "$TMPD/err")"; fi
}

# ---- usage (64), help, version ----
expect_status 0 "--help" "$SEND" --help
expect_grep "--csv=FILE" "$TMPD/out" "--help lists --csv"
expect_status 0 "--version" "$SEND" --version
expect_grep "sms-send" "$TMPD/out" "--version names the program"
expect_status 64 "no recipient" "$SEND" -c "$C" -- hi
expect_grep "no recipient" "$TMPD/err" "no recipient: a sentence"
expect_status 64 "unknown option" "$SEND" -c "$C" --bogus x -- hi
expect_status 64 "--wait=0" "$SEND" -c "$C" --wait=0 +36301234567 -- hi
expect_status 64 "--wait=abc" "$SEND" -c "$C" --wait=abc +36301234567 -- hi
expect_status 64 "--smart-encoding with --ucs2" "$SEND" -c "$C" \
	--smart-encoding --ucs2 +36301234567 -- hi
expect_status 64 "--csv without --template" "$SEND" -c "$C" --csv x.csv
expect_status 64 "--template without --csv" "$SEND" -c "$C" \
	--template x +36301234567 -- hi
expect_status 64 "--skip-invalid without --csv" "$SEND" -c "$C" \
	--skip-invalid +36301234567 -- hi
expect_status 64 "--csv with recipients" "$SEND" -c "$C" --csv x.csv \
	--template x +36301234567
expect_status 64 "--schedule unreadable" "$SEND" -c "$C" \
	--schedule tomorrowish +36301234567 -- hi
expect_grep "ISO 8601" "$TMPD/err" "--schedule says what it takes"
expect_status 64 "--schedule in the past" "$SEND" -c "$C" \
	--schedule 2001-01-01T00:00Z +36301234567 -- hi
expect_status 64 "--schedule with --wait" "$SEND" -c "$C" \
	--schedule +10m --wait +36301234567 -- hi
expect_status 64 "unknown --backend" "$SEND" -c "$C" --backend nope \
	+36301234567 -- hi

# ---- configuration (78) and no backend (69) ----
expect_status 78 "missing config file" "$SEND" -c "$TMPD/none.conf" \
	+36301234567 -- hi
printf '[store\npath = x\n' >"$TMPD/bad.conf"
expect_status 78 "malformed config" "$SEND" -c "$TMPD/bad.conf" \
	+36301234567 -- hi
printf '[store]\npath = %s/other.db\n' "$TMPD" >"$TMPD/nob.conf"
expect_status 69 "no backend" "$SEND" -c "$TMPD/nob.conf" \
	+36301234567 -- hi
expect_grep "backend" "$TMPD/err" "no backend: says to add one"
expect_status 0 "--dry-run needs no backend" "$SEND" -c "$TMPD/nob.conf" \
	--dry-run +36301234567 -- hi
expect_grep "GSM-7, 1 segment" "$TMPD/out" "--dry-run without a backend counts"

# ---- the text (65) ----
run_in "" "$SEND" -c "$C" +36301234567
expect_rc 65 "empty standard input"
expect_grep "empty" "$TMPD/err" "empty text: a sentence"
expect_status 65 "empty text argument" "$SEND" -c "$C" +36301234567 -- ""
printf 'bad \377 byte' >"$TMPD/bad.txt"
"$SEND" -c "$C" +36301234567 <"$TMPD/bad.txt" >"$TMPD/out" 2>"$TMPD/err"
echo $? >"$TMPD/rc"
expect_rc 65 "invalid UTF-8 refused"
expect_grep "UTF-8" "$TMPD/err" "invalid UTF-8: a sentence"
# More than 1 MiB: refused after reading 1 MiB, even from an endless pipe.
yes "a line of text" | "$SEND" -c "$C" +36301234567 >"$TMPD/out" \
	2>"$TMPD/err"
echo $? >"$TMPD/rc"
expect_rc 65 "endless standard input refused"
expect_grep "longer than 1 MiB" "$TMPD/err" "1 MiB: a sentence"
head -c 1048577 /dev/zero | tr '\0' x >"$TMPD/big.txt"
"$SEND" -c "$C" +36301234567 <"$TMPD/big.txt" >"$TMPD/out" 2>"$TMPD/err"
echo $? >"$TMPD/rc"
expect_rc 65 "1 MiB + 1 byte refused"
# Past the configured cap of segments.
cp "$C" "$TMPD/cap.conf"
printf '[outbox]\nmax_segments = 2\n' >>"$TMPD/cap.conf"
long=$(head -c 400 /dev/zero | tr '\0' y)
expect_status 65 "text past max_segments" "$SEND" -c "$TMPD/cap.conf" \
	+36301234567 -- "$long"
expect_grep "max_segments" "$TMPD/err" "too long: names the key"
[ "$(count)" = 0 ] && ok "nothing queued by refused texts" ||
	ko "nothing queued by refused texts" "$(count) messages"

# ---- sending ----
run_in "disk full
" "$SEND" -c "$C" +15550000100
expect_rc 0 "text from standard input"
[ "$(sql "SELECT body, author FROM messages")" = "disk full|sms-send" ] &&
	ok "stdin text stored without the trailing newline" ||
	ko "stdin body" "$(sql "SELECT body FROM messages")"
expect_status 0 "several recipients, --json" "$SEND" -c "$C" --json \
	+15550000100 "06 30 123 4567" -- two words
json_lines "--json: one object per recipient with every key" \
	"len(j)==2 and all(set(o)>={'id','to','state','segments','encoding','backend','remote_ref','error'} for o in j) and j[1]['to']=='+36301234567' and j[0]['encoding']=='gsm7' and j[0]['segments']==1 and j[0]['remote_ref'] and j[0]['error'] is None and j[0]['state'] in ('submitted','sent','delivered')"
expect_grep "2 messages sent" "$TMPD/err" "summary for several recipients"
expect_status 0 "--report" "$SEND" -c "$C" --json --report +15550000101 \
	-- r
id=$("$PYTHON3" -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$TMPD/out")
[ "$(sql "SELECT report FROM messages WHERE id=$id")" = 1 ] &&
	ok "--report asks for a report" || ko "--report" "report not set"
expect_status 0 "--from and --backend" "$SEND" -c "$C" --json \
	--from +36201112222 --backend sim2 +15550000102 -- f
id=$("$PYTHON3" -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$TMPD/out")
[ "$(sql "SELECT our_number, route, backend FROM messages WHERE id=$id")" = \
    "+36201112222|sim2|sim2" ] && ok "--from and --backend stored" ||
	ko "--from/--backend" "$(sql "SELECT our_number, route, backend FROM messages WHERE id=$id")"

# --verbose: the engine's log on standard error.
expect_status 0 "--verbose" "$SEND" -c "$C" -v +15550000103 -- v
expect_grep "running the engine in this process" "$TMPD/err" \
	"--verbose logs what happens"

# --wait: delivered 0, undelivered and failed 69; the report is implied.
expect_status 0 "--wait delivered" "$SEND" -c "$C" --json --wait=20 \
	+15550000110 -- w
json_lines "--wait: delivered" "j[0]['state']=='delivered'"
id=$("$PYTHON3" -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$TMPD/out")
[ "$(sql "SELECT report FROM messages WHERE id=$id")" = 1 ] &&
	ok "--wait asks for a report" || ko "--wait report" "not set"
expect_status 69 "--wait undelivered" "$SEND" -c "$C" --wait=20 \
	+15550000197 -- w
expect_grep "unreachable" "$TMPD/err" "--wait undelivered: the reason"
expect_status 69 "no such number fails" "$SEND" -c "$C" --json \
	+15550000199 -- w
json_lines "--json failed: error set" "j[0]['state']=='failed' and j[0]['error']"
# Busy network (...98: two transient failures, retried seconds apart):
# not delivered within one second, so 75, and the message is withdrawn.
expect_status 75 "--wait=1 on a busy network: temporary failure" "$SEND" \
	-c "$C" --json --wait=1 +15550000198 -- busy
json_lines "75: the message is withdrawn with a reason" \
	"j[0]['state']=='cancelled' and j[0]['error']"
expect_status 65 "bad number" "$SEND" -c "$C" 12 -- x
expect_status 65 "alphanumeric recipient that is no contact" "$SEND" \
	-c "$C" nobody-here -- x
expect_grep "contacts add" "$TMPD/err" "unknown name: says what to do"

# --ucs2 and --smart-encoding
expect_status 0 "--ucs2" "$SEND" -c "$C" --json --ucs2 +15550000120 -- plain
json_lines "--ucs2 sends UCS-2" "j[0]['encoding']=='ucs2'"
expect_status 0 "--smart-encoding" "$SEND" -c "$C" --json \
	--smart-encoding +15550000121 -- "it’s “fine” – ok…"
json_lines "--smart-encoding stays in GSM-7" "j[0]['encoding']=='gsm7'"
expect_grep "replaced 5 characters" "$TMPD/err" "--smart-encoding reports"
id=$("$PYTHON3" -c "import json,sys; print(json.load(open(sys.argv[1]))[\"id\"])" "$TMPD/out")
[ "$(sql "SELECT body FROM messages WHERE id=$id")" = "it's \"fine\" - ok..." ] &&
	ok "--smart-encoding sends the replaced text" ||
	ko "smart body" "$(sql "SELECT body FROM messages WHERE id=$id")"

# --schedule: queued with not_before, not sent now.
now=$(date +%s)
expect_status 0 "--schedule +2h" "$SEND" -c "$C" --json --schedule +2h \
	+15550000130 -- later
json_lines "--schedule: queued, not_before in two hours" \
	"j[0]['state']=='queued' and abs(j[0]['not_before']-($now+7200))<120"
expect_status 0 "--schedule ISO 8601 with zone" "$SEND" -c "$C" --json \
	--schedule "$(date -u -d @$((now + 86400)) +%Y-%m-%dT%H:%M:%SZ)" \
	+15550000131 -- later
json_lines "--schedule ISO: not_before" \
	"abs(j[0]['not_before']-($now+86400))<=1"

# ---- --dry-run ----
before=$(count)
expect_status 0 "--dry-run" "$SEND" -c "$C" --dry-run +15550000140 \
	+15550000141 -- "Szia Ödön, ő jön"
expect_grep "UCS-2 because of: \"ő\" (U+0151)" "$TMPD/out" \
	"--dry-run names the character forcing UCS-2"
expect_grep "+15550000141" "$TMPD/out" "--dry-run lists every recipient"
expect_grep "2 messages, 2 segments; nothing was queued" "$TMPD/out" \
	"--dry-run totals"
expect_grep "| Szia Ödön, ő jön" "$TMPD/out" "--dry-run shows the text"
[ "$(count)" = "$before" ] && ok "--dry-run queues nothing" ||
	ko "--dry-run queued" "$before -> $(count)"
expect_status 0 "--dry-run --json" "$SEND" -c "$C" --dry-run --json \
	+15550000140 -- "Őr ő €"
json_lines "--dry-run --json shape" \
	"j[0]['state']=='dry-run' and j[0]['encoding']=='ucs2' and j[0]['ucs2_because']==['Ő','ő'] and j[0]['segments']==1"
expect_status 0 "--dry-run --smart-encoding" "$SEND" -c "$C" --dry-run \
	--smart-encoding +15550000140 -- "“quoted”"
expect_grep "U+201C “ -> \"" "$TMPD/out" "--dry-run lists replacements"

# ---- contacts, tags, opt-outs ----
"$SI" -c "$C" contacts add --tag team "Kovács Anna" +36301110001 >/dev/null
"$SI" -c "$C" contacts add --tag team --tag ops "Bob Builder" \
	+15550000200 >/dev/null
"$SI" -c "$C" contacts add ops-oncall +15550000300 >/dev/null
"$SI" -c "$C" contacts add --tag team "Olga Out" +15550000400 >/dev/null
sql "UPDATE contacts SET opted_out=1 WHERE name='Olga Out'" >/dev/null
run_in "disk full" "$SEND" -c "$C" --json ops-oncall
expect_rc 0 "a contact's name"
json_lines "contact name resolves to its number" \
	"j[0]['to']=='+15550000300' and j[0]['name']=='ops-oncall'"
expect_status 0 "name prefix, any case" "$SEND" -c "$C" --json bob -- x
json_lines "prefix resolves" "j[0]['to']=='+15550000200'"
expect_status 0 "@tag, with an opted-out member" "$SEND" -c "$C" --json \
	@team +15550000200 -- team news
json_lines "@tag: members once each, opted-out one skipped" \
	"sorted(o['to'] for o in j if o['state']!='opted-out')==['+15550000200','+36301110001'] and [o['to'] for o in j if o['state']=='opted-out']==['+15550000400']"
expect_grep "opted out; skipped" "$TMPD/err" "@tag: the skip is said"
expect_status 65 "unknown @tag" "$SEND" -c "$C" @nosuch -- x
before=$(count)
expect_status 77 "opted-out recipient" "$SEND" -c "$C" +15550000100 \
	"Olga Out" -- x
expect_grep "opted out" "$TMPD/err" "opt-out: a sentence"
[ "$(count)" = "$before" ] && ok "opt-out: nothing sent to anyone" ||
	ko "opt-out queued" "$before -> $(count)"
expect_status 77 "opted-out number not saved by name" "$SEND" -c "$C" \
	+15550000400 -- x

# ---- --csv ----
printf '\357\273\277number,first_name,order\r\n+15550000150,Anna,"A-1, big"\r\n+1555,Bob,B-2\r\n+15550000200,,C-3\r\n+15550000152,Dan\r\n"+15550000153","Eve","two\r\nlines"\r\n+15550000400,Olga,D-4\r\n' >"$TMPD/o.csv"
T='Hi {first_name}, your order {order} ships today'
before=$(count)
expect_status 65 "--csv with bad rows sends nothing" "$SEND" -c "$C" \
	--csv "$TMPD/o.csv" --template "$T"
expect_grep "o.csv:3: +1555" "$TMPD/err" "bad number listed with its line"
expect_grep "o.csv:5: +15550000152: no value for {order}" "$TMPD/err" \
	"missing column listed with its line"
expect_grep "o.csv:8: +15550000400: the recipient opted out" "$TMPD/err" \
	"opted-out row listed"
expect_grep "3 of 6 rows have problems" "$TMPD/err" "rows counted"
[ "$(count)" = "$before" ] && ok "--csv: nothing queued" ||
	ko "--csv queued" "$before -> $(count)"
expect_status 65 "--csv unknown placeholder" "$SEND" -c "$C" \
	--csv "$TMPD/o.csv" --template "Hi {frist_name}"
expect_grep "o.csv:1: the template's placeholder {frist_name}" \
	"$TMPD/err" "unknown placeholder on line 1"
expect_status 0 "--csv --dry-run --skip-invalid" "$SEND" -c "$C" \
	--csv "$TMPD/o.csv" --template "$T" --dry-run --skip-invalid
expect_grep "line 6: +15550000153" "$TMPD/out" "dry run: quoted number"
expect_grep "  | lines ships today" "$TMPD/out" \
	"dry run: embedded newline kept"
expect_grep "Hi Bob, your order C-3" "$TMPD/out" \
	"empty column filled from the contact"
expect_status 0 "--csv --skip-invalid --json" "$SEND" -c "$C" --json \
	--csv "$TMPD/o.csv" --template "$T" --skip-invalid
json_lines "--csv --json: every row" \
	"[o['line'] for o in j]==[2,3,4,5,6,8] and [o['state'] for o in j if o['line'] in (3,5,8)]==['skipped']*3 and all('id' in o for o in j if o['line'] in (2,4,6))"
expect_grep "3 messages sent, 0 failed, 0 not in time, 3 skipped" \
	"$TMPD/err" "--csv summary"
[ "$(sql "SELECT count(*) FROM messages WHERE body='Hi Anna, your order A-1, big ships today'")" = 1 ] &&
	ok "--csv: quoted comma in a value" || ko "--csv quoted" "no such body"
printf 'name;phone;city\nAnna;+15550000160;Pécs\nZed;+15550000161;Győr\n' \
	>"$TMPD/semi.csv"
expect_status 0 "--csv with ; and contact fields" "$SEND" -c "$C" --json \
	--csv "$TMPD/semi.csv" --template "{name} in {city} ({number})"
[ "$(sql "SELECT count(*) FROM messages WHERE body='Zed in Győr (+15550000161)'")" = 1 ] &&
	ok "--csv: ; delimiter, {number}" || ko "--csv ;" "no such body"
printf 'who,what\nx,y\n' >"$TMPD/nonum.csv"
expect_status 65 "--csv without a number column" "$SEND" -c "$C" \
	--csv "$TMPD/nonum.csv" --template "{what}"
expect_grep "number, phone, mobile or to" "$TMPD/err" "names the columns"
printf 'number,x\n+15550000170,"open\n' >"$TMPD/open.csv"
expect_status 65 "--csv with an unclosed quote" "$SEND" -c "$C" \
	--csv "$TMPD/open.csv" --template "{x}"
expect_grep "never closed" "$TMPD/err" "unclosed quote said"
printf 'number\n' >"$TMPD/empty.csv"
expect_status 65 "--csv with no rows" "$SEND" -c "$C" \
	--csv "$TMPD/empty.csv" --template "x"
expect_status 66 "--csv file missing" "$SEND" -c "$C" \
	--csv "$TMPD/missing.csv" --template "x"
printf 'number,order\n+15550000180,A\n+15550000181,B\n' |
	"$SEND" -c "$C" --csv - --template "{order}" >"$TMPD/out" 2>"$TMPD/err"
echo $? >"$TMPD/rc"
expect_rc 0 "--csv - reads standard input"

# The progress bar goes to a terminal only.
if grep -q '\[#' "$TMPD/err"; then ko "no bar off a terminal" "bar drawn"
else ok "no progress bar when stderr is not a terminal"; fi
"$PYTHON3" - "$SEND" "$C" "$TMPD/bar" <<'PY'
import os, pty, subprocess, sys
send, conf, out = sys.argv[1:4]
m, s = pty.openpty()
p = subprocess.Popen([send, "-c", conf, "+15550000190", "+15550000191",
                      "--", "bar"], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
data = b""
while True:
    try:
        chunk = os.read(m, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
p.wait()
open(out, "wb").write(data)
PY
expect_grep "\[##############################\] 2/2 sent" "$TMPD/bar" \
	"progress bar on a terminal"

finish
