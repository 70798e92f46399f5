#!/bin/sh
# A long conversation (700 messages, more than the view keeps in memory)
# opened at a search hit: scrolling down from the hit shows the messages
# that follow it, not the newest; g and G reach the oldest and the newest
# without paging through everything, and scrolling back up from the top
# of a cut window pages in what was dropped.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"

printf '[backend.sim]\ntype = sim\n' >>"$SMS_INBOX_CONFIG"
{
	echo "number,n"
	i=1
	while [ $i -le 700 ]; do
		echo "+36301234567,$i"
		i=$((i + 1))
	done
} >"$TMPD/bulk.csv"
# Scheduled for tomorrow: stored and queued, nothing sent.
expect_status 0 "700 messages queued" "$BIN/sms-send" --csv "$TMPD/bulk.csv" \
	--template "row {n} marker{n}" --schedule +1d

tui_start
wait_for "+36301234567" "the thread is listed" || { tui_finish; exit; }
keys /
wait_for "Search:" "/ asks what to search"
type_text "marker100"
keys Enter
wait_for "1 found" "the search finds the one message"
keys j Enter
wait_for "row 100 marker100" "Enter opens the conversation at the hit"
keys PageDown
wait_for "row 105 marker105" "scrolling down shows what follows the hit"
if screen | grep -q "marker700"; then
	ko "scrolling down stays near the hit" "the newest message is shown"
else ok "scrolling down stays near the hit"; fi
keys G
wait_for "row 700 marker700" "G shows the newest message"
keys g
wait_for "row 1 marker1" "g shows the oldest message"
wait_gone "marker700" "the newest is not on the screen at the top"
# page_to TEXT: PageDown until TEXT is on the screen (at most 60 times).
page_to() {
	i=0
	while [ $i -lt 60 ] && ! screen | grep -q -F -- "$1"; do
		keys PageDown
		sleep 0.1
		i=$((i + 1))
	done
}
page_to "row 150 marker150"
wait_for "row 150 marker150" "paging down from the top goes past the first page"
keys q q q
wait_for "exit=0" "q quits with status 0"
tui_finish
