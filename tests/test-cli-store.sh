#!/bin/sh
# The store subcommands end to end on a real store: the demo, threads,
# show, search, contacts (add, edit, import, export, remove) and export,
# each with --json checked by Python's json module.
. "$top_srcdir/tests/lib.sh"

SI="$BIN/sms-inbox"
DATA="$top_srcdir/tests/data/contacts"

# json_check NAME EXPR: evaluate EXPR on the JSON in $TMPD/out as `j`.
json_check() {
	if "$PYTHON3" -c "import json,sys; j=json.load(open(sys.argv[1])); \
sys.exit(0 if ($2) else 1)" "$TMPD/out" 2>"$TMPD/pyerr"; then ok "$1"
	else ko "$1" "$2 is false for: $(head -c 400 "$TMPD/out") $(cat "$TMPD/pyerr")"; fi
}

# The demo: CI runs exactly this; it must leave nothing behind.
# A private TMPDIR: other tests running in parallel make demos too.
mkdir "$TMPD/demo-tmp"
before=$(ls "$TMPD/demo-tmp" | grep -c sms-inbox-demo)
expect_status 0 "--demo exits 0" env TMPDIR="$TMPD/demo-tmp" "$SI" --demo
expect_grep "Kovács János" "$TMPD/out" "--demo lists the demo threads"
after=$(ls "$TMPD/demo-tmp" | grep -c sms-inbox-demo)
if [ "$before" -eq "$after" ]; then ok "--demo removes its directory"
else ko "--demo removes its directory" "$before before, $after after"; fi
expect_status 0 "--demo show" "$SI" --demo show --json jan
json_check "demo show: oldest first, states" \
	"j[0]['direction']=='in' and j[1]['state']=='delivered' and j[1]['author']=='anna'"
expect_status 0 "--demo show a rule's reply" "$SI" --demo show --json sarah
json_check "demo: the reply names its rule" "j[1]['author']=='rule:1'"
expect_status 0 "--demo threads --json" "$SI" --demo threads --all --json
json_check "demo: failed, opted-out, alphanumeric, archived, assigned" \
	"any(t['last_state']=='failed' for t in j) and any(t['opted_out'] for t in j) and any(t['peer']=='Telekom' for t in j) and any(t['archived'] for t in j) and any(t['assigned']=='bela' for t in j)"

cat >"$TMPD/conf" <<CONF
[store]
path = $TMPD/data/inbox.db
default_country = HU
CONF
export SMS_INBOX_CONFIG="$TMPD/conf"

expect_status 0 "threads on an empty store" "$SI" threads
expect_status 0 "contacts add" "$SI" contacts add --tag=vip "Kovács János" \
	"06 30 123 4567"
expect_grep "+36301234567" "$TMPD/out" "contacts add normalises"
mode=$(stat -c %a "$TMPD/data/inbox.db")
if [ "$mode" = 600 ]; then ok "store file is 0600"
else ko "store file is 0600" "mode $mode"; fi
expect_status 65 "contacts add: bad number" "$SI" contacts add X "*100#"
expect_grep "not a phone number" "$TMPD/err" "bad number says why"
expect_status 65 "contacts add: taken number" "$SI" contacts add Y \
	+36301234567
expect_grep "already belongs" "$TMPD/err" "taken number says whose"
expect_status 0 "contacts edit" "$SI" contacts edit --name="Kovács J." \
	--add-number=+3612345678 --untag=vip jan
expect_status 0 "contacts list --json" "$SI" contacts list --json
json_check "edit applied" \
	"j[0]['name']=='Kovács J.' and len(j[0]['numbers'])==2 and j[0]['tags']==[]"
expect_status 0 "contacts import vCard" "$SI" contacts import \
	"$DATA/v3.vcf"
expect_grep "2 added" "$TMPD/out" "import counts"
expect_status 0 "contacts import again" "$SI" contacts import --json \
	"$DATA/v3.vcf"
json_check "re-import changes nothing" "j['added']==0 and j['unchanged']==2"
expect_status 65 "contacts import: malformed lines" "$SI" contacts import \
	"$DATA/bad.csv"
expect_grep "bad.csv:3: " "$TMPD/err" "problems carry file:line"
expect_status 66 "contacts import: missing file" "$SI" contacts import \
	"$TMPD/absent.vcf"
expect_status 65 "contacts import: neither format" "$SI" contacts import \
	"$DATA/neither.txt"
expect_status 65 "contacts import: a binary file" "$SI" contacts import \
	"$DATA/binary.png"
expect_grep "line 3: .*binary" "$TMPD/err" "binary file: line and sentence"
expect_status 65 "contacts import: Windows-1252 CSV" "$SI" contacts import \
	"$DATA/excel-1252.csv"
expect_grep "line 2 is not UTF-8.*--charset" "$TMPD/err" \
	"not UTF-8: names the line and --charset"
sed 's/= HU/= DE/' "$TMPD/conf" >"$TMPD/conf-de"
expect_status 0 "contacts import --charset" env \
	SMS_INBOX_CONFIG="$TMPD/conf-de" "$SI" contacts import --json \
	--charset=WINDOWS-1252 "$DATA/excel-1252.csv"
json_check "--charset: both rows" "j['added']==2 and j['problems']==[]"
expect_status 0 "contacts list after --charset" "$SI" contacts list --json \
	--search=jürgen
json_check "Windows-1252 name read right" \
	"j[0]['name']=='Müller, Jürgen' and j[0]['numbers'][0]=='+4915123456789'"
expect_status 65 "contacts import: cut short" "$SI" contacts import \
	"$DATA/truncated.vcf"
expect_grep "truncated.vcf:6: .*END:VCARD" "$TMPD/err" "cut short: line 6"
expect_status 0 "contacts export --csv" "$SI" contacts export --csv
expect_grep "^name,number,tags" "$TMPD/out" "CSV header"
expect_grep 'Sarah Miller,+447700900123,"vip;webshop"' "$TMPD/out" "CSV row"
expect_status 0 "contacts export (vCard)" "$SI" contacts export
expect_grep "^FN:Sarah Miller" "$TMPD/out" "vCard export"
expect_status 0 "contacts remove" "$SI" contacts remove "sarah"
expect_status 66 "contacts remove: unknown" "$SI" contacts remove nobody
sed 's/= HU/= US/' "$TMPD/conf" >"$TMPD/conf-us"
expect_status 0 "contacts import: Google CSV" env \
	SMS_INBOX_CONFIG="$TMPD/conf-us" "$SI" contacts import --json \
	"$DATA/google.csv"
json_check "Google CSV: the e-mail-only contact counted" \
	"j['no_number']==1 and j['problems']==[]"

expect_status 66 "show: no conversation" "$SI" show +36309999999
expect_grep "no conversation" "$TMPD/err" "show says why"
expect_status 64 "show: no argument" "$SI" show
expect_status 64 "threads: bad --after" "$SI" threads --after=x
expect_status 64 "search: nothing to search" "$SI" search
expect_status 0 "search: not FTS syntax, plain words" "$SI" search '+36'
expect_grep "as they are" "$TMPD/err" "search says it fell back"
expect_status 64 "contacts: unknown action" "$SI" contacts frob
for c in threads show search contacts export; do
	expect_status 0 "$c --help" "$SI" $c --help
	expect_grep "Usage: sms-inbox $c" "$TMPD/out" "$c --help prints usage"
done

finish
