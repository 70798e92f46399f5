#!/bin/sh
# The inbox running the engine in-process with the simulated network:
# a message to a new number is delivered and the phone answers; a rule
# added in the rules view is tried, then fires on a simulated inbound
# message, and its reply shows in the conversation with the rule as its
# author.
. "$top_srcdir/tests/lib.sh"
cat >"$TMPD/config" <<CONF
[store]
path = $TMPD/inbox.db
default_country = HU

[backend.sim]
type = sim
deliver_delay = 200
reply_delay = 400

[routing]
primary = sim

[ui]
log_file = $TMPD/tui.log
CONF
. "$top_srcdir/tests/tui/lib-tui.sh"
if [ -z "${PYTHON3:-}" ]; then echo "python3 not found: skipping"; exit 77; fi

tui_start
wait_for "engine here" "the engine runs in the inbox"
wait_for "sim up" "status bar shows the sim backend up"

keys m
wait_for "To (number or contact name):" "m asks for a number"
type_text "+36 20 555 1234"
keys Enter
type_text "Good morning"
keys Enter
wait_for "delivered" "the message is delivered"
wait_for "Thanks, got it: Good morning" "the phone answers"
keys r
type_text "Your number is {number}."
keys Enter
wait_for "Your number is +36205551234." "placeholders are filled in"
keys q

keys R
wait_for "No autoreply rules" "rules view, empty"
keys a
wait_for "New rule" "a opens the rule form"
type_text "Opening hours"
keys Tab Tab
type_text "HOURS"
keys Tab
type_text "OPEN"
keys Tab
type_text "We are open 9-17, {number}."
keys Enter
wait_for "Rule Opening hours added." "rule saved"
wait_for "keyword: HOURS,OPEN" "rule listed with its aliases"
keys t
wait_for "Try the rules" "t opens the try-it form"
keys Tab
type_text "open today?"
keys Enter
wait_for "“Opening hours” fires." "try it: the rule fires"
wait_for "Reply: We are open 9-17, +36301234567." "try it: the reply"
keys Escape
wait_for "0 hits" "no hits yet"
keys q

"$PYTHON3" "$top_srcdir/tests/tui/inject.py" "$TMPD/inbox.db.sock" \
	"+36301112222" "hours?" >"$TMPD/inject.out" 2>&1
expect_grep '"ok": true' "$TMPD/inject.out" "inbound injected"
wait_for "New message from +36301112222" "status bar notices it"
keys g Enter
wait_for "hours?" "the inbound message"
wait_for "autoreply rule" "the reply names the rule as author"
wait_for "We are open 9-17, +36301112222." "the rule's reply"
keys q R
wait_for "1 hit" "the rule counts its hit"
keys q S
wait_for "Top rules: Opening hours (1 reply)" "statistics name the top rule"
keys q
# A hostile text: an escape sequence that would clear the screen, and a
# right-to-left override that would make "gnp.exe" read "exe.png".
"$PYTHON3" "$top_srcdir/tests/tui/inject.py" "$TMPD/inbox.db.sock" \
	"+36301113333" "$(printf 'pay\033[2J to \342\200\256gnp.exe')" \
	>"$TMPD/inject.out" 2>&1
expect_grep '"ok": true' "$TMPD/inject.out" "hostile text injected"
wait_for "New message from +36301113333" "status bar notices it"
keys g Enter
wait_for "pay^[[2J to �gnp.exe" "controls shown as ^X, the override replaced"
keys q q
wait_for "exit=0" "quits with status 0"
wait_for "stty-same" "terminal settings restored"
if [ -f "$TMPD/tui.log" ]; then ok "[ui] log_file is written"
else ko "[ui] log_file is written" "no $TMPD/tui.log"; fi
tui_finish
