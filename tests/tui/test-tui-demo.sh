#!/bin/sh
# The README's first command: sms-inbox --demo.  Its conversations are
# there, a reply to one is delivered by the simulated network, and the
# demo's temporary directory is gone after quitting.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"
export TMPDIR="$TMPD/tmp"
mkdir -p "$TMPDIR"

tui_start --demo
wait_for "demo · engine here" "the demo runs the engine on the sim network"
wait_for "sim up" "the sim backend is up"
wait_for "● " "some threads are unread"
keys g Enter
wait_for "◀ " "Enter opens the first conversation"
keys r
wait_for "New message to" "r opens the reply box"
type_text "Thank you, see you soon 🙂"
wait_for "UCS-2 because of “🙂”" "the emoji forces UCS-2"
keys Enter
wait_for "Thank you, see you soon 🙂" "the reply is in the conversation"
wait_for "· delivered" "the reply is delivered"
keys q
wait_for "You: Thank you, see you soon" "the thread list shows the reply"
keys q
wait_for "exit=0" "q quits with status 0"
wait_for "stty-same" "terminal settings restored"
if [ -z "$(ls -A "$TMPDIR")" ]; then ok "the demo's directory is removed"
else ko "the demo's directory is removed" "left: $(ls "$TMPDIR")"; fi
tui_finish
