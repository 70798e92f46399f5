#!/bin/sh
# [ui] mouse = yes: a click puts the cursor on a thread, a second click
# opens it, the wheel scrolls the conversation, and with the mouse off
# (the default) the same bytes do nothing.  The terminal's mouse reports
# (X10 form, ESC [ M b x y) are typed into the pane as a terminal sends
# them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"

printf '[backend.sim]\ntype = sim\n[ui]\nmouse = yes\n' >>"$SMS_INBOX_CONFIG"
{
	echo "number,n"
	echo "+36301110001,1"
	echo "+36301110002,2"
	echo "+36301110003,3"
	i=1
	while [ $i -le 40 ]; do
		echo "+36301110003,$((i + 3))"
		i=$((i + 1))
	done
} >"$TMPD/bulk.csv"
# Scheduled for tomorrow: stored and queued, nothing sent.
expect_status 0 "messages queued" "$BIN/sms-send" --csv "$TMPD/bulk.csv" \
	--template "note {n}" --schedule +1d

# click ROW: a left click at column 5 of screen row ROW (0-based).
click() {
	b=$(printf "\\$(printf '%03o' 32)")
	r=$(printf "\\$(printf '%03o' $((33 + $1)))")
	c=$(printf "\\$(printf '%03o' 38)")
	type_text "$(printf '\033[M')$b$c$r"
	type_text "$(printf '\033[M')#$c$r"
	sleep 0.3	# past the double-click interval
}
# wheel up|down: one notch.
wheel() {
	if [ "$1" = up ]; then b='`'; else b=a; fi
	type_text "$(printf '\033[M')${b}&%"
}

tui_start
wait_for "+36301110001" "the threads are listed" || { tui_finish; exit; }
# Newest first: +36301110003 (row 1), ...0002 (row 2), ...0001 (row 3).
click 3
click 3
wait_for "▶" "a second click on a thread opens it"
wait_for "note 1" "the conversation clicked on"
keys q
wait_for "+36301110002" "back in the thread list"
click 1
click 1
wait_for "note 42" "the other thread opens at its newest messages"
wheel up
wheel up
wheel up
wheel up
wait_gone "note 43" "the wheel scrolls back"
wheel down
wheel down
wheel down
wheel down
wait_for "note 43" "and forward again"
keys q q
wait_for "exit=0" "q quits with status 0"

# The default: no mouse, the same bytes change nothing.
sed -i 's/^mouse = yes$/mouse = no/' "$SMS_INBOX_CONFIG"
tui_start
wait_for "+36301110001" "the threads are listed again"
click 3
click 3
sleep 0.5
if screen | grep -q "▶"; then
	ko "without [ui] mouse clicks do not open threads" "it opened"
else ok "without [ui] mouse clicks do not open threads"; fi
keys q
wait_for "exit=0" "q quits"
tui_finish
