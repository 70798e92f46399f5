#!/bin/sh
# sms-inbox rules, status and report: every rules subcommand and its exit
# codes, rules test without sending, status and report with and without
# a running engine.
. "$top_srcdir/tests/lib.sh"

cat >"$TMPD/c.conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.sim]
type = sim
deliver_delay = 10
reply_delay = 0
CONF
R() { "$BIN/sms-inbox" --config "$TMPD/c.conf" rules "$@"; }

expect_status 0 "rules list, empty" R list
expect_grep "No autoreply rules" "$TMPD/out" "empty list says so"
expect_status 0 "rules add keyword" R add --name Info \
	--keyword 'INFO,INFÓ' --reply 'Hi {first_name}: {keyword}' \
	--hours 'Mon-Sun 00:00-24:00' --cooldown 60 --daily-cap 3
expect_grep '^1$' "$TMPD/out" "add prints the new id"
expect_status 0 "rules add --json" R add --name Ping --exact ping \
	--reply pong --continue --first-only --json
expect_grep '"continue": true' "$TMPD/out" "JSON object of the rule"
expect_grep '"first_only": true' "$TMPD/out" "JSON has first_only"
expect_status 0 "rules add regex" R add --name Price \
	--regex 'price of (\w+)' --reply '{keyword}: 5 EUR' --disabled
expect_status 65 "bad regex refused" R add --name Bad --regex '(' \
	--reply x
expect_grep "bad regular expression" "$TMPD/err" "says what is wrong"
expect_status 65 "bad hours refused" R add --name Bad --exact x \
	--reply x --hours 'Mon 9-5'
expect_status 65 "unknown placeholder refused" R add --name Bad \
	--exact x --reply 'Hi {nmae}'
expect_grep "unknown placeholder {nmae}" "$TMPD/err" "names the placeholder"
expect_status 64 "two matches refused" R add --name Bad --exact x \
	--prefix y --reply x
expect_status 64 "no match refused" R add --name Bad --reply x
expect_status 64 "bad cooldown refused" R add --name Bad --exact x \
	--reply x --cooldown soon

expect_status 0 "rules test: keyword, accents" R test --from +15551230001 \
	'infó please'
expect_grep 'Rule 1 "Info" fires' "$TMPD/out" "the rule that fires"
expect_grep 'Reply: Hi : INFO' "$TMPD/out" "the reply it would send"
expect_status 0 "rules test: disabled rule silent" R test \
	--from +15551230001 'price of tea'
expect_grep 'No rule matches' "$TMPD/out" "disabled never matches"
expect_status 0 "rules enable" R enable 3
expect_status 0 "rules test --json" R test --from +15551230001 \
	'price of tea' --json
expect_grep '"reply": "tea: 5 EUR"' "$TMPD/out" "regex group as keyword"
expect_status 0 "rules test: alphanumeric sender" R test --from BANK info
expect_grep 'held back (sender)' "$TMPD/out" "never to alphanumerics"

expect_status 0 "rules move" R move 3 1
R list --json >"$TMPD/list"
"$PYTHON3" -c 'import json,sys; r=json.load(open(sys.argv[1]));
sys.exit(0 if [x["id"] for x in r] == [3, 1, 2] else 1)' "$TMPD/list" &&
	ok "moved to the top" || ko "moved to the top" "$(cat "$TMPD/list")"
expect_status 0 "rules edit" R edit 1 --reply 'Hello {number}'
expect_grep '^1$' "$TMPD/out" "edit prints the id"
expect_status 0 "rules disable" R disable 2
expect_status 0 "rules remove" R remove 2
expect_status 66 "remove a missing rule" R remove 2
expect_grep "there is no rule 2" "$TMPD/err" "says which"
expect_status 64 "remove without id" R remove
expect_status 64 "unknown rules command" R frob

# A reply command: shown, run only with --run, switched with --reply.
cat >"$TMPD/rc.sh" <<'SH'
json=$(cat)
n=$(printf '%s' "$json" | sed 's/.*"body":"[^ ]* \([^"]*\)".*/\1/')
printf '\n order %s is on its way (%s)  \n' "$n" "$1"
SH
expect_status 0 "rules add --reply-command" R add --name Track \
	--keyword track --reply-command "sh '$TMPD/rc.sh' \"by post\""
expect_grep '^4$' "$TMPD/out" "its id"
expect_status 0 "rules list shows the command" R list
expect_grep "-> \$ sh '$TMPD/rc.sh'" "$TMPD/out" "the command, as given"
expect_status 0 "rules list --json" R list --json
expect_grep '"reply_command": "sh ' "$TMPD/out" "reply_command in JSON"
expect_status 0 "rules test: command not run" R test --from +15551230001 \
	'track 42'
expect_grep 'not run; --run runs it' "$TMPD/out" "says it was not run"
expect_status 0 "rules test --run" R test --run --from +15551230001 \
	'track 42'
expect_grep '^Reply: order 42 is on its way (by post)$' "$TMPD/out" \
	"its output, trimmed, is the reply"
expect_status 0 "rules test --run --json" R test --run --json \
	--from +15551230001 'track 7'
expect_grep '"reply": "order 7 is on its way (by post)"' "$TMPD/out" \
	"the reply in JSON"
expect_status 0 "rules edit: a failing command" R edit 4 \
	--reply-command "sh -c 'echo no; exit 3'"
expect_status 0 "rules test --run, failing" R test --run \
	--from +15551230001 'track 42'
expect_grep 'No reply: reply command failed: exit status 3' "$TMPD/out" \
	"a failing command sends nothing"
expect_status 65 "reply and command refused" R add --name Bad --exact x \
	--reply x --reply-command 'echo x'
expect_grep "not both" "$TMPD/err" "says why"
expect_status 65 "unclosed quote refused" R add --name Bad --exact x \
	--reply-command "echo 'x"
expect_grep "unclosed quote" "$TMPD/err" "says what is wrong"
expect_status 0 "rules edit --reply replaces the command" R edit 4 \
	--reply 'on its way' --json
expect_grep '"reply_command": null' "$TMPD/out" "the command is gone"
expect_grep '"reply": "on its way"' "$TMPD/out" "the reply is set"

# No engine: status from the configuration and the store.
expect_status 0 "status without an engine" \
	"$BIN/sms-inbox" --config "$TMPD/c.conf" status --json
expect_grep '"running": false' "$TMPD/out" "says it is not running"
expect_grep '"name": "sim"' "$TMPD/out" "lists the backend"

# A send and an autoreply, then report.
expect_status 0 "send" "$BIN/sms-send" --config "$TMPD/c.conf" --wait=10 \
	+15551230001 -- "hello"
expect_status 0 "report --json" "$BIN/sms-inbox" --config "$TMPD/c.conf" \
	report --json
expect_grep '"delivered": 1' "$TMPD/out" "report counts the delivery"
expect_grep '"name": "Info"' "$TMPD/out" "report lists rule hits"
expect_status 64 "report bad date" "$BIN/sms-inbox" --config \
	"$TMPD/c.conf" report --since yesterday
sleep 1.1	# availability needs a second to measure
expect_status 0 "status after a run" \
	"$BIN/sms-inbox" --config "$TMPD/c.conf" status --json
"$PYTHON3" -c 'import json,sys; b=json.load(open(sys.argv[1]))["backends"][0]
a=b["availability_24h"]; sys.exit(0 if isinstance(a, float) and 0 <= a < 1
else 1)' "$TMPD/out" && ok "availability from events: up, then stopped" ||
	ko "availability from events" "$(cat "$TMPD/out")"
finish
